use std::fs;
use std::io::{self, Read};
use std::iter;
use std::path::Path;

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::{CryptoError, Identity, KeyedHasher, ValueCipher, random_bytes, write_atomically};

const FORMAT_VERSION: u8 = 1;

/// How much scrypt work protects a passphrase-sealed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfCost {
    /// age's calibrated default: about one second on this machine.
    Default,
    /// `N = 2^10`: fast and weak. Only for tests and throwaway demo homes.
    Cheap,
    /// `N = 2^log_n`, for callers that choose their own (1..=30).
    LogN(u8),
}

impl KdfCost {
    fn apply(self, recipient: &mut age::scrypt::Recipient) {
        match self {
            KdfCost::Default => {}
            KdfCost::Cheap => recipient.set_work_factor(10),
            KdfCost::LogN(n) => recipient.set_work_factor(n.clamp(1, 30)),
        }
    }
}

/// Every secret a home holds at its root, kept only inside the sealed keystore file.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct KeystoreSecrets {
    version: u8,
    name: String,
    signing_seed: [u8; 32],
    agreement_seed: [u8; 32],
    vault_key: [u8; 32],
}

impl KeystoreSecrets {
    /// Fresh random keys for a new identity called `name`.
    ///
    /// # Panics
    /// If the operating system's random source fails, which leaves no safe way on.
    #[allow(clippy::expect_used)]
    pub fn generate(name: &str) -> Self {
        Self::try_generate(name).expect("the operating system's random source failed")
    }

    /// Fresh random keys for a new identity called `name`.
    pub fn try_generate(name: &str) -> Result<Self, CryptoError> {
        Ok(KeystoreSecrets {
            version: FORMAT_VERSION,
            name: name.to_owned(),
            signing_seed: random_bytes()?,
            agreement_seed: random_bytes()?,
            vault_key: random_bytes()?,
        })
    }

    /// The identity these secrets hold.
    pub fn identity(&self) -> Identity {
        Identity::from_seeds(&self.name, self.signing_seed, self.agreement_seed)
    }

    /// The cipher sealing this home's metadata values.
    pub fn value_cipher(&self) -> ValueCipher {
        ValueCipher::new(Zeroizing::new(blake3::derive_key(
            "datacoop 2026-11 vault metadata value seal",
            &self.vault_key,
        )))
    }

    /// The keyed hash that turns metadata names into opaque storage keys.
    pub fn key_hasher(&self) -> KeyedHasher {
        KeyedHasher::new(Zeroizing::new(blake3::derive_key(
            "datacoop 2026-11 vault metadata key hash",
            &self.vault_key,
        )))
    }

    pub(crate) fn encode(&self) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        postcard::to_stdvec(self)
            .map(Zeroizing::new)
            .map_err(|e| CryptoError::InvalidKey(format!("cannot encode the keystore: {e}")))
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, String> {
        let secrets: KeystoreSecrets =
            postcard::from_bytes(bytes).map_err(|e| format!("unreadable contents: {e}"))?;
        if secrets.version != FORMAT_VERSION {
            return Err(format!("unknown keystore version {}", secrets.version));
        }
        Ok(secrets)
    }

    #[cfg(test)]
    pub(crate) fn vault_key(&self) -> [u8; 32] {
        self.vault_key
    }
}

impl std::fmt::Debug for KeystoreSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeystoreSecrets")
            .field("identity", &self.identity().id())
            .finish_non_exhaustive()
    }
}

/// The lowest scrypt work factor (log2 N) [`KdfCost::Default`] ever seals with. age
/// calibrates its default from one timing of a small derivation, so a machine that is
/// busy at that moment could get a cost far below a second; this floor (tens of
/// milliseconds of work per guess on a fast machine) is what a test or a busy machine
/// can never go under.
pub const MIN_WORK_FACTOR: u8 = 16;

/// Seals `plaintext` with age's passphrase (scrypt) recipient; [`KdfCost::Default`]
/// never below [`MIN_WORK_FACTOR`].
pub(crate) fn seal_with_passphrase(
    plaintext: &[u8],
    passphrase: &SecretString,
    cost: KdfCost,
) -> Result<Vec<u8>, CryptoError> {
    let floor = match cost {
        KdfCost::Default => MIN_WORK_FACTOR,
        KdfCost::Cheap | KdfCost::LogN(_) => 0,
    };
    seal_at_least(plaintext, passphrase, cost, floor)
}

/// Seals at `cost`, and again at `floor` if that came out lower.
fn seal_at_least(
    plaintext: &[u8],
    passphrase: &SecretString,
    cost: KdfCost,
    floor: u8,
) -> Result<Vec<u8>, CryptoError> {
    let seal = |cost: KdfCost| {
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        cost.apply(&mut recipient);
        age::encrypt(&recipient, plaintext)
            .map_err(|e| CryptoError::InvalidKey(format!("cannot seal with the passphrase: {e}")))
    };
    let sealed = seal(cost)?;
    match scrypt_work_factor(&sealed) {
        Some(n) if n < floor => seal(KdfCost::LogN(floor)),
        _ => Ok(sealed),
    }
}

/// Why opening a passphrase-sealed file failed.
pub(crate) enum OpenFailure {
    WrongSecret,
    Corrupt(String),
}

/// Opens a file sealed by [`seal_with_passphrase`].
pub(crate) fn open_with_passphrase(
    sealed: &[u8],
    passphrase: &SecretString,
) -> Result<Zeroizing<Vec<u8>>, OpenFailure> {
    use age::DecryptError as E;
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|e| match e {
        E::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            OpenFailure::Corrupt("the file is truncated".into())
        }
        other => OpenFailure::Corrupt(other.to_string()),
    })?;
    let identity = age::scrypt::Identity::new(passphrase.clone());
    let mut reader = decryptor
        .decrypt(iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            E::DecryptionFailed | E::KeyDecryptionFailed => OpenFailure::WrongSecret,
            other => OpenFailure::Corrupt(other.to_string()),
        })?;
    let mut plaintext = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut plaintext)
        .map_err(|e| OpenFailure::Corrupt(format!("the encrypted contents are damaged ({e})")))?;
    Ok(plaintext)
}

/// The keystore file: [`KeystoreSecrets`] sealed with the user's passphrase in the age
/// format (scrypt recipient).
pub struct Keystore;

impl Keystore {
    /// Seals `secrets` under `passphrase` and writes them to `path` atomically.
    pub fn create(
        path: &Path,
        secrets: &KeystoreSecrets,
        passphrase: &SecretString,
        cost: KdfCost,
    ) -> Result<(), CryptoError> {
        let sealed = seal_with_passphrase(&secrets.encode()?, passphrase, cost)?;
        write_atomically(path, &sealed)
    }

    /// Reads and opens the keystore at `path`.
    pub fn unlock(path: &Path, passphrase: &SecretString) -> Result<KeystoreSecrets, CryptoError> {
        let sealed = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CryptoError::KeystoreMissing {
                    path: path.to_owned(),
                });
            }
            Err(e) => return Err(CryptoError::io("cannot read keystore", path, e)),
        };
        let corrupt = |reason: String| CryptoError::KeystoreCorrupt {
            path: path.to_owned(),
            reason,
        };
        if sealed.is_empty() {
            return Err(corrupt("the file is empty".into()));
        }
        let plaintext = open_with_passphrase(&sealed, passphrase).map_err(|f| match f {
            OpenFailure::WrongSecret => CryptoError::WrongPassphrase,
            OpenFailure::Corrupt(reason) => corrupt(reason),
        })?;
        KeystoreSecrets::decode(&plaintext).map_err(corrupt)
    }

    /// Seals the keystore at `path` again under the same passphrase at `cost` (atomically:
    /// the old file stays until the new one is complete).
    pub fn reseal(
        path: &Path,
        passphrase: &SecretString,
        cost: KdfCost,
    ) -> Result<(), CryptoError> {
        let secrets = Keystore::unlock(path, passphrase)?;
        Keystore::create(path, &secrets, passphrase, cost)
    }

    /// Seals the keystore at `path` under `new` instead of `current` (which must open
    /// it: a wrong one changes nothing). The keys stay the same, so recovery kits made
    /// before keep working; the file is replaced atomically.
    pub fn change_passphrase(
        path: &Path,
        current: &SecretString,
        new: &SecretString,
        cost: KdfCost,
    ) -> Result<(), CryptoError> {
        let secrets = Keystore::unlock(path, current)?;
        Keystore::create(path, &secrets, new, cost)
    }

    /// The scrypt work factor (log2 N) the keystore at `path` is sealed with, read from
    /// its age header; `None` if the header names none.
    pub fn work_factor(path: &Path) -> Result<Option<u8>, CryptoError> {
        let sealed =
            fs::read(path).map_err(|e| CryptoError::io("cannot read keystore", path, e))?;
        Ok(scrypt_work_factor(&sealed))
    }
}

/// The work factor in an age file's `-> scrypt SALT LOG_N` stanza.
fn scrypt_work_factor(sealed: &[u8]) -> Option<u8> {
    crate::age_stanzas(sealed)
        .into_iter()
        .find(|stanza| stanza.first().is_some_and(|t| t == "scrypt"))
        .and_then(|stanza| stanza.get(2)?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    fn sealed_store() -> (tempfile::TempDir, std::path::PathBuf, KeystoreSecrets) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keystore.age");
        let secrets = KeystoreSecrets::generate("Ada");
        Keystore::create(&path, &secrets, &pass("pw"), KdfCost::Cheap).unwrap();
        (dir, path, secrets)
    }

    #[test]
    fn changing_the_passphrase_keeps_the_keys_and_needs_the_current_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keystore.age");
        let secrets = KeystoreSecrets::generate("Ada");
        let (old, new) = (
            SecretString::from("old passphrase".to_owned()),
            SecretString::from("new passphrase".to_owned()),
        );
        Keystore::create(&path, &secrets, &old, KdfCost::Cheap).unwrap();
        let before = fs::read(&path).unwrap();
        let err = Keystore::change_passphrase(&path, &new, &new, KdfCost::Cheap).unwrap_err();
        assert_eq!(err.code(), "auth.wrong_passphrase");
        assert_eq!(fs::read(&path).unwrap(), before);
        Keystore::change_passphrase(&path, &old, &new, KdfCost::Cheap).unwrap();
        assert!(Keystore::unlock(&path, &old).is_err());
        let reopened = Keystore::unlock(&path, &new).unwrap();
        assert_eq!(reopened.identity().id(), secrets.identity().id());
    }

    #[test]
    fn a_cost_below_the_floor_is_raised_to_it() {
        let passphrase = SecretString::from("pass".to_owned());
        let sealed = seal_at_least(b"x", &passphrase, KdfCost::LogN(10), 12).unwrap();
        assert_eq!(scrypt_work_factor(&sealed), Some(12));
        let sealed = seal_at_least(b"x", &passphrase, KdfCost::LogN(11), 10).unwrap();
        assert_eq!(scrypt_work_factor(&sealed), Some(11));
        assert!(matches!(
            open_with_passphrase(&sealed, &passphrase),
            Ok(plain) if plain.as_slice() == b"x"
        ));
    }

    #[test]
    fn the_work_factor_is_read_from_the_header() {
        let (_dir, path, _) = sealed_store();
        assert_eq!(Keystore::work_factor(&path).unwrap(), Some(10));
        assert_eq!(scrypt_work_factor(b"not age at all"), None);
    }

    #[test]
    fn round_trip_keeps_every_key() {
        let (_dir, path, secrets) = sealed_store();
        let back = Keystore::unlock(&path, &pass("pw")).unwrap();
        assert_eq!(back.identity().id(), secrets.identity().id());
        assert_eq!(
            back.identity().x25519_public(),
            secrets.identity().x25519_public()
        );
        assert_eq!(back.vault_key(), secrets.vault_key());
        assert_eq!(back.identity().name(), "Ada");
    }

    #[test]
    fn wrong_passphrase_is_its_own_error_and_file_untouched() {
        let (_dir, path, _) = sealed_store();
        let before = fs::read(&path).unwrap();
        let err = Keystore::unlock(&path, &pass("wrong")).unwrap_err();
        assert_eq!(err.code(), "auth.wrong_passphrase");
        assert_eq!(fs::read(&path).unwrap(), before);
    }

    #[test]
    fn truncated_or_garbage_keystore_is_corrupt_not_wrong_passphrase() {
        let (_dir, path, _) = sealed_store();
        let full = fs::read(&path).unwrap();
        for cut in [0, 10, full.len() / 2, full.len() - 1] {
            fs::write(&path, &full[..cut]).unwrap();
            let err = Keystore::unlock(&path, &pass("pw")).unwrap_err();
            assert_eq!(err.code(), "keystore.corrupt", "cut at {cut}: {err}");
        }
        fs::write(&path, b"hello, not a keystore").unwrap();
        let err = Keystore::unlock(&path, &pass("pw")).unwrap_err();
        assert_eq!(err.code(), "keystore.corrupt");
    }

    #[test]
    fn missing_keystore_says_not_initialised() {
        let dir = tempfile::tempdir().unwrap();
        let err = Keystore::unlock(&dir.path().join("nope"), &pass("pw")).unwrap_err();
        assert_eq!(err.code(), "home.not_initialised");
    }

    #[test]
    fn the_file_holds_no_plaintext_key_material() {
        let (_dir, path, secrets) = sealed_store();
        let bytes = fs::read(&path).unwrap();
        let needle = secrets.vault_key();
        assert!(!bytes.windows(32).any(|w| w == needle));
        assert!(!bytes.windows(3).any(|w| w == b"Ada"));
    }
}
