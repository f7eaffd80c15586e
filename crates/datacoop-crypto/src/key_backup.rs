//! Key backups: one epoch's key sealed to its member's own x25519 key, kept as a blob
//! like any other and pinned by stewards, so a restored identity gets its data back.
//!
//! Format, version 1: `"dckb" || 0x01 || sealed`, where `sealed` is HPKE
//! ([`crate::hpke_seal`]) of the epoch key's age secret (`AGE-SECRET-KEY-1...`) with info
//! `datacoop key backup v1` and associated data `dataset id (32 bytes) || epoch (u64,
//! big-endian)`, so a backup moved to another dataset or epoch does not open.

use std::str::FromStr;

use age::secrecy::ExposeSecret;

use crate::{CryptoError, EpochKey, Identity, hpke_seal};

const MAGIC: &[u8; 4] = b"dckb";
const VERSION: u8 = 1;
const INFO: &[u8] = b"datacoop key backup v1";
/// The longest backup read: an age secret is 74 characters; this leaves room to spare
/// while refusing to decrypt something that is plainly not a backup.
const MAX_LEN: usize = 512;

/// Which epoch a backup holds the key of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupOf {
    /// The dataset's id, as the log names it.
    pub dataset: [u8; 32],
    /// The epoch's number in the dataset (0 for the first).
    pub epoch: u64,
}

impl BackupOf {
    fn aad(&self) -> [u8; 40] {
        let mut aad = [0; 40];
        aad[..32].copy_from_slice(&self.dataset);
        aad[32..].copy_from_slice(&self.epoch.to_be_bytes());
        aad
    }
}

/// An epoch key sealed to its owner: safe to hand to any peer to keep.
///
/// ```
/// use datacoop_crypto::{BackupOf, EpochKey, Identity, KeyBackup};
///
/// let ada = Identity::from_seeds("Ada", [1; 32], [2; 32]);
/// let key = EpochKey::generate();
/// let of = BackupOf { dataset: [7; 32], epoch: 0 };
/// let backup = KeyBackup::seal(&key, &ada.x25519_public(), &of).unwrap();
/// // Stored and fetched back as bytes, it opens only with Ada's key, for that epoch.
/// let stored = KeyBackup::from_bytes(backup.as_bytes().to_vec()).unwrap();
/// let back = stored.open(&ada, &of).unwrap();
/// assert_eq!(back.recipient().to_string(), key.recipient().to_string());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBackup(Vec<u8>);

impl KeyBackup {
    /// Seals `key` to `owner` (the member's x25519 public key).
    pub fn seal(key: &EpochKey, owner: &[u8; 32], of: &BackupOf) -> Result<Self, CryptoError> {
        let secret = key.to_secret_string();
        let sealed = hpke_seal::seal(owner, INFO, &of.aad(), secret.expose_secret().as_bytes())?;
        Ok(KeyBackup::framed(sealed))
    }

    fn framed(sealed: Vec<u8>) -> Self {
        let mut bytes = Vec::with_capacity(MAGIC.len() + 1 + sealed.len());
        bytes.extend_from_slice(MAGIC);
        bytes.push(VERSION);
        bytes.extend_from_slice(&sealed);
        KeyBackup(bytes)
    }

    /// Opens the backup with `identity`'s key, for the epoch it says it is of.
    pub fn open(&self, identity: &Identity, of: &BackupOf) -> Result<EpochKey, CryptoError> {
        let sealed = &self.0[MAGIC.len() + 1..];
        let secret = hpke_seal::open(identity.agreement_secret(), INFO, &of.aad(), sealed)?;
        let text = std::str::from_utf8(&secret).map_err(|_| CryptoError::KeyBackupDamaged {
            reason: "it holds no age key".into(),
        })?;
        EpochKey::from_str(text).map_err(|_| CryptoError::KeyBackupDamaged {
            reason: "it holds no age key".into(),
        })
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads stored bytes, checking the frame (not the seal: [`KeyBackup::open`] does).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, CryptoError> {
        let damaged = |reason: &str| CryptoError::KeyBackupDamaged {
            reason: reason.into(),
        };
        if bytes.len() < MAGIC.len() + 1 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(damaged("it is not a datacoop key backup"));
        }
        if bytes[MAGIC.len()] != VERSION {
            return Err(damaged("it was made by a newer datacoop"));
        }
        if bytes.len() < MAGIC.len() + 1 + hpke_seal::OVERHEAD {
            return Err(damaged("it is cut short"));
        }
        if bytes.len() > MAX_LEN {
            return Err(damaged("it is too long to be a key backup"));
        }
        Ok(KeyBackup(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Identity {
        Identity::from_seeds("Ada", [1; 32], [2; 32])
    }

    const RUNS: BackupOf = BackupOf {
        dataset: [7; 32],
        epoch: 3,
    };

    #[test]
    fn a_backup_opens_only_for_its_owner_dataset_and_epoch() {
        let key = EpochKey::generate();
        let backup = KeyBackup::seal(&key, &ada().x25519_public(), &RUNS).unwrap();
        let read = KeyBackup::from_bytes(backup.as_bytes().to_vec()).unwrap();
        let opened = read.open(&ada(), &RUNS).unwrap();
        assert_eq!(opened.recipient().to_string(), key.recipient().to_string());

        let bo = Identity::from_seeds("Bo", [3; 32], [4; 32]);
        let other_epoch = BackupOf { epoch: 4, ..RUNS };
        let other_dataset = BackupOf {
            dataset: [8; 32],
            ..RUNS
        };
        for (who, of) in [
            (&bo, &RUNS),
            (&ada(), &other_epoch),
            (&ada(), &other_dataset),
        ] {
            let err = read.open(who, of).unwrap_err();
            assert_eq!(err.code(), "integrity.sealed_key", "{err}");
        }
        let mut changed = backup.as_bytes().to_vec();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        let err = KeyBackup::from_bytes(changed)
            .unwrap()
            .open(&ada(), &RUNS)
            .unwrap_err();
        assert!(matches!(err, CryptoError::SealedToAnother), "{err}");
    }

    #[test]
    fn what_is_not_a_backup_is_named() {
        let backup = KeyBackup::seal(&EpochKey::generate(), &ada().x25519_public(), &RUNS)
            .unwrap()
            .as_bytes()
            .to_vec();
        let mut newer = backup.clone();
        newer[4] = 2;
        let cases: [(Vec<u8>, &str); 5] = [
            (
                b"age-encryption.org/v1".to_vec(),
                "not a datacoop key backup",
            ),
            (Vec::new(), "not a datacoop key backup"),
            (newer, "newer datacoop"),
            (backup[..30].to_vec(), "cut short"),
            ([backup.clone(), vec![0; 600]].concat(), "too long"),
        ];
        for (bytes, said) in cases {
            let err = KeyBackup::from_bytes(bytes).unwrap_err();
            assert_eq!(err.code(), "integrity.sealed_key");
            assert!(err.to_string().contains(said), "{err}");
        }
    }

    /// The format, fixed: a backup sealed with known ephemeral key material has these
    /// bytes, and they open to the key (any change to the frame, info or associated data
    /// changes them).
    #[test]
    fn the_version_1_format_is_stable() {
        let key = EpochKey::from_str(
            "AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33",
        )
        .unwrap();
        let secret = key.to_secret_string();
        let sealed = hpke_seal::seal_with_rng(
            &ada().x25519_public(),
            INFO,
            &RUNS.aad(),
            secret.expose_secret().as_bytes(),
            &mut hpke_seal::tests_support::Fixed::new([5; 32]),
        )
        .unwrap();
        let backup = KeyBackup::framed(sealed);
        assert_eq!(&backup.as_bytes()[..5], b"dckb\x01");
        assert_eq!(backup.as_bytes().len(), 5 + 48 + 74);
        assert_eq!(
            blake3::hash(backup.as_bytes()).to_hex().as_str(),
            "ec2e2900685b39af62379982e9b06ab99049766e3c5e16b156ad2c3e5eac17dd"
        );
        let opened = backup.open(&ada(), &RUNS).unwrap();
        assert_eq!(opened.recipient().to_string(), key.recipient().to_string());
    }
}
