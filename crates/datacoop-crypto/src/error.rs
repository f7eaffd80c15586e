use datacoop_core::Code;
use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Everything that can go wrong with keys, the keystore and sealed values.
#[derive(Debug, Error)]
pub enum CryptoError {
    /// No keystore file where one was expected.
    #[error("no keystore at {path}: this home holds no identity yet")]
    KeystoreMissing {
        /// The expected keystore path.
        path: PathBuf,
    },
    /// The keystore file exists but cannot be parsed: truncated, overwritten or not ours.
    #[error("the keystore at {path} is damaged ({reason}); restore it from your recovery kit")]
    KeystoreCorrupt {
        /// The keystore path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The passphrase does not open the keystore.
    #[error("wrong passphrase for this home")]
    WrongPassphrase,
    /// The recovery phrase is well formed but does not open the kit.
    #[error("the recovery phrase does not open this recovery kit")]
    WrongRecoveryPhrase,
    /// The recovery phrase is not a valid phrase (unknown word, wrong length, bad checksum).
    #[error("this recovery phrase is not right: {reason}")]
    InvalidRecoveryPhrase {
        /// What is wrong with the phrase.
        reason: String,
    },
    /// The recovery kit file cannot be parsed.
    #[error("this recovery kit is damaged ({reason}); use another copy")]
    RecoveryKitCorrupt {
        /// What is wrong with it.
        reason: String,
    },
    /// A file that would be replaced without having been asked to.
    #[error("{path} already exists; choose another name or folder")]
    FileExists {
        /// The file.
        path: PathBuf,
    },
    /// A sealed value failed authentication: tampered, or sealed under another key or place.
    #[error("a stored record failed its integrity check (tampered or damaged)")]
    SealBroken,
    /// A sealed key (a key backup, a capability) does not open with this key: sealed to
    /// someone else, for another use or dataset, or changed since.
    #[error("this sealed key does not open with your key: it is someone else's, or it was changed")]
    SealedToAnother,
    /// A key backup's bytes are not a key backup this version reads.
    #[error("this key backup is damaged ({reason})")]
    KeyBackupDamaged {
        /// What is wrong with it.
        reason: String,
    },
    /// A capability's bytes are not a capability this version reads.
    #[error("this capability is damaged ({reason})")]
    CapabilityDamaged {
        /// What is wrong with it.
        reason: String,
    },
    /// A secret key in text form could not be parsed.
    #[error("invalid secret key: {0}")]
    InvalidKey(String),
    /// The operating system's random source failed.
    #[error("the system random number generator failed: {0}")]
    Random(String),
    /// Reading or writing a file failed.
    #[error("{action} {path}: {}", datacoop_core::plain_io(source))]
    Io {
        /// What we were doing.
        action: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl CryptoError {
    /// A stable machine-readable code; the UI and CLI map it to messages and exit codes.
    pub fn code(&self) -> Code {
        match self {
            CryptoError::KeystoreMissing { .. } => Code::HomeNotInitialised,
            CryptoError::KeystoreCorrupt { .. } => Code::KeystoreCorrupt,
            CryptoError::WrongPassphrase => Code::AuthWrongPassphrase,
            CryptoError::WrongRecoveryPhrase => Code::AuthWrongRecoveryPhrase,
            CryptoError::InvalidRecoveryPhrase { .. } => Code::AuthInvalidRecoveryPhrase,
            CryptoError::RecoveryKitCorrupt { .. } => Code::InputRecoveryKitCorrupt,
            CryptoError::SealBroken => Code::IntegritySealBroken,
            CryptoError::SealedToAnother
            | CryptoError::KeyBackupDamaged { .. }
            | CryptoError::CapabilityDamaged { .. } => Code::IntegritySealedKey,
            CryptoError::InvalidKey(_) => Code::InputInvalidKey,
            CryptoError::Random(_) => Code::IoRandom,
            CryptoError::FileExists { .. } => Code::InputFileExists,
            CryptoError::Io { source, .. } if is_disk_full(source) => Code::IoDiskFull,
            CryptoError::Io { .. } => Code::IoFailed,
        }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        CryptoError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Whether an I/O error means the disk (or quota) is full.
pub(crate) fn is_disk_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}
