//! Keys and sealing for datacoop: the member's identity, the passphrase-sealed keystore,
//! recovery kits, dataset epoch keys and their backups (sealed to the member with HPKE),
//! and the cipher that seals local metadata.
//!
//! Secrets live in [`zeroize`]-on-drop types and never appear in `Debug` output.
//!
//! ```
//! use datacoop_crypto::{KdfCost, Keystore, KeystoreSecrets};
//! use secrecy::SecretString;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("keystore.age");
//! let secrets = KeystoreSecrets::generate("Ada");
//! let passphrase = SecretString::from("correct horse battery staple");
//! // Tests use a cheap scrypt cost; real homes use `KdfCost::Default` (about 1 s).
//! Keystore::create(&path, &secrets, &passphrase, KdfCost::Cheap).unwrap();
//!
//! let unlocked = Keystore::unlock(&path, &passphrase).unwrap();
//! assert_eq!(unlocked.identity().id(), secrets.identity().id());
//!
//! let wrong = Keystore::unlock(&path, &SecretString::from("nope")).unwrap_err();
//! assert_eq!(wrong.code(), "auth.wrong_passphrase");
//! ```

mod age_header;
mod atomic;
mod capability;
mod epoch;
mod error;
pub mod hpke_seal;
mod identity;
mod key_backup;
mod keystore;
mod recovery;
mod seal;

pub use age_header::age_stanzas;
pub use atomic::{write_atomically, write_new_atomically};
pub use capability::{Capability, MAX_EPOCHS, RequestKey};
pub use epoch::EpochKey;
pub use error::CryptoError;
pub use identity::{Identity, IdentityId, PublicIdentity};
pub use key_backup::{BackupOf, KeyBackup};
pub use keystore::{KdfCost, Keystore, KeystoreSecrets, MIN_WORK_FACTOR};
pub use recovery::{RecoveryKit, RecoveryPhrase};
pub use seal::{KeyedHasher, ValueCipher};

/// Fills a fresh array with bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| CryptoError::Random(e.to_string()))?;
    Ok(bytes)
}
