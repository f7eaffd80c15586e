//! Typed, sealed records over a [`MetaStore`].
//!
//! A record's storage key is `namespace byte || keyed-hash(part 1) || keyed-hash(part 2)…`,
//! each hash 16 bytes: opaque, yet a prefix of parts still scans. Its value is the
//! postcard encoding sealed with XChaCha20-Poly1305, the namespace and full key as
//! associated data, so a value copied to another key or namespace fails to open.

use datacoop_crypto::{KeyedHasher, ValueCipher};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::VaultError;
use crate::meta::{MetaStore, MetaWrite};

const PART_LEN: usize = 16;

/// A kind of record; its byte starts every key of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Namespace {
    Datasets = 1,
    Entries = 2,
    /// Datasets an add created that have no file yet (the dataset's name as the value).
    Provisional = 3,
    /// The name a renamed dataset was created with (its public id derives from it).
    Origins = 4,
    /// What each epoch of a dataset was last published as, by dataset id and epoch.
    Epochs = 5,
    /// Secrets of access: the x25519 keys a trainer made for its requests, by public key.
    Access = 6,
}

impl Namespace {
    fn name(self) -> &'static [u8] {
        match self {
            Namespace::Datasets => b"datasets",
            Namespace::Entries => b"entries",
            Namespace::Provisional => b"provisional",
            Namespace::Origins => b"origins",
            Namespace::Epochs => b"epochs",
            Namespace::Access => b"access",
        }
    }
}

/// The sealing layer: turns names into opaque keys and records into sealed bytes.
pub(crate) struct SealedMeta {
    store: Box<dyn MetaStore>,
    cipher: ValueCipher,
    hasher: KeyedHasher,
}

impl SealedMeta {
    pub(crate) fn new(store: Box<dyn MetaStore>, cipher: ValueCipher, hasher: KeyedHasher) -> Self {
        SealedMeta {
            store,
            cipher,
            hasher,
        }
    }

    /// The keyed hash names are hidden with (dataset ids derive from it too).
    pub(crate) fn hasher(&self) -> &KeyedHasher {
        &self.hasher
    }

    pub(crate) fn key(&self, ns: Namespace, parts: &[&[u8]]) -> Vec<u8> {
        let mut key = Vec::with_capacity(1 + PART_LEN * parts.len());
        key.push(ns as u8);
        for part in parts {
            key.extend_from_slice(&self.hasher.hash(&[ns.name(), part])[..PART_LEN]);
        }
        key
    }

    fn associated_data(ns: Namespace, key: &[u8]) -> Vec<u8> {
        let mut ad = ns.name().to_vec();
        ad.push(0);
        ad.extend_from_slice(key);
        ad
    }

    fn open<T: DeserializeOwned>(
        &self,
        ns: Namespace,
        key: &[u8],
        sealed: &[u8],
    ) -> Result<T, VaultError> {
        let plaintext = self.cipher.open(&Self::associated_data(ns, key), sealed)?;
        postcard::from_bytes(&plaintext).map_err(|e| VaultError::Record(e.to_string()))
    }

    pub(crate) fn get<T: DeserializeOwned>(
        &self,
        ns: Namespace,
        parts: &[&[u8]],
    ) -> Result<Option<T>, VaultError> {
        let key = self.key(ns, parts);
        match self.store.get(&key)? {
            Some(sealed) => self.open(ns, &key, &sealed).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) fn scan<T: DeserializeOwned>(
        &self,
        ns: Namespace,
        prefix_parts: &[&[u8]],
    ) -> Result<Vec<T>, VaultError> {
        let prefix = self.key(ns, prefix_parts);
        self.store
            .scan_prefix(&prefix)?
            .into_iter()
            .map(|(key, sealed)| self.open(ns, &key, &sealed))
            .collect()
    }

    pub(crate) fn put_write<T: Serialize>(
        &self,
        ns: Namespace,
        parts: &[&[u8]],
        value: &T,
    ) -> Result<MetaWrite, VaultError> {
        let key = self.key(ns, parts);
        let plaintext = zeroize::Zeroizing::new(
            postcard::to_stdvec(value).map_err(|e| VaultError::Record(e.to_string()))?,
        );
        let sealed = self
            .cipher
            .seal(&Self::associated_data(ns, &key), &plaintext)?;
        Ok(MetaWrite::Put(key, sealed))
    }

    pub(crate) fn apply(&self, writes: Vec<MetaWrite>) -> Result<(), VaultError> {
        self.store.apply(writes)
    }
}
