//! Raw metadata storage: a flat, ordered key-value space with atomic batches.
//!
//! Keys are already opaque when they reach this layer and values already sealed (see
//! [`crate::sealed`]), so an implementation never sees a name or plaintext.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use crate::VaultError;

/// A stored key and its value.
pub type MetaPair = (Vec<u8>, Vec<u8>);

type MetaMap = BTreeMap<Vec<u8>, Vec<u8>>;

/// One change in an atomic batch.
#[derive(Debug, Clone)]
pub enum MetaWrite {
    /// Set `key` to `value`.
    Put(Vec<u8>, Vec<u8>),
    /// Remove `key`.
    Delete(Vec<u8>),
}

/// Where sealed metadata lives: sled on disk, or memory for tests.
pub trait MetaStore: Send + Sync {
    /// The value at `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, VaultError>;
    /// Every entry whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<MetaPair>, VaultError>;
    /// Applies all writes or none, and makes them durable before returning.
    fn apply(&self, writes: Vec<MetaWrite>) -> Result<(), VaultError>;
}

/// [`MetaStore`] on sled, one tree, flushed on every batch.
pub struct SledMeta {
    db: sled::Db,
    tree: sled::Tree,
}

impl SledMeta {
    /// Opens or creates the store in folder `path`.
    pub fn open(path: &Path) -> Result<Self, VaultError> {
        // A handle this process just dropped may still hold the lock for a moment
        // (sled releases it from a background thread), as when the app locks and
        // unlocks again: wait briefly rather than fail.
        let mut attempts = 0;
        let db = loop {
            match sled::Config::new().path(path).open() {
                Err(sled::Error::Io(e))
                    if e.to_string().contains("could not acquire lock") && attempts < 40 =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        let tree = db.open_tree("sealed")?;
        Ok(SledMeta { db, tree })
    }
}

impl MetaStore for SledMeta {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, VaultError> {
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<MetaPair>, VaultError> {
        self.tree
            .scan_prefix(prefix)
            .map(|item| {
                item.map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .map_err(VaultError::from)
            })
            .collect()
    }

    fn apply(&self, writes: Vec<MetaWrite>) -> Result<(), VaultError> {
        let mut batch = sled::Batch::default();
        for write in writes {
            match write {
                MetaWrite::Put(k, v) => batch.insert(k, v),
                MetaWrite::Delete(k) => batch.remove(k),
            }
        }
        self.tree.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }
}

/// [`MetaStore`] in memory.
#[derive(Default)]
pub struct MemMeta {
    map: Mutex<MetaMap>,
}

impl MemMeta {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, MetaMap>, VaultError> {
        self.map
            .lock()
            .map_err(|_| VaultError::Meta("in-memory store poisoned".into()))
    }
}

impl MetaStore for MemMeta {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, VaultError> {
        Ok(self.lock()?.get(key).cloned())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Vec<MetaPair>, VaultError> {
        Ok(self
            .lock()?
            .range(prefix.to_vec()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn apply(&self, writes: Vec<MetaWrite>) -> Result<(), VaultError> {
        let mut map = self.lock()?;
        for write in writes {
            match write {
                MetaWrite::Put(k, v) => {
                    map.insert(k, v);
                }
                MetaWrite::Delete(k) => {
                    map.remove(&k);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(store: &dyn MetaStore) {
        store
            .apply(vec![
                MetaWrite::Put(b"a1".to_vec(), b"x".to_vec()),
                MetaWrite::Put(b"a2".to_vec(), b"y".to_vec()),
                MetaWrite::Put(b"b1".to_vec(), b"z".to_vec()),
            ])
            .unwrap();
        assert_eq!(store.get(b"a2").unwrap(), Some(b"y".to_vec()));
        let scanned = store.scan_prefix(b"a").unwrap();
        assert_eq!(scanned.len(), 2);
        assert_eq!(scanned[0].0, b"a1");
        store
            .apply(vec![MetaWrite::Delete(b"a1".to_vec())])
            .unwrap();
        assert_eq!(store.get(b"a1").unwrap(), None);
        assert_eq!(store.scan_prefix(b"").unwrap().len(), 2);
    }

    #[test]
    fn memory_store_behaves() {
        exercise(&MemMeta::new());
    }

    #[test]
    fn sled_store_behaves_and_persists() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SledMeta::open(&dir.path().join("meta")).unwrap();
            exercise(&store);
        }
        let store = SledMeta::open(&dir.path().join("meta")).unwrap();
        assert_eq!(store.get(b"b1").unwrap(), Some(b"z".to_vec()));
    }
}
