//! What the vault keeps in sled, sealed: datasets and their files' manifest entries.

use datacoop_core::{Category, DatasetName};
use serde::{Deserialize, Serialize};

/// One epoch of a dataset: its age identity, sealed in the vault.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct EpochRecord {
    pub(crate) index: u32,
    /// `AGE-SECRET-KEY-1...`.
    pub(crate) secret: String,
    /// Unix seconds when the epoch began.
    pub(crate) started_at: u64,
}

impl Drop for EpochRecord {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

/// A dataset as the vault stores it.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct DatasetRecord {
    pub(crate) name: DatasetName,
    pub(crate) category: Category,
    pub(crate) created_at: u64,
    pub(crate) epochs: Vec<EpochRecord>,
}

impl DatasetRecord {
    pub(crate) fn current_epoch(&self) -> Option<&EpochRecord> {
        self.epochs.last()
    }
}

/// One stored file: the manifest entry. Names and media types live only here, sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Entry {
    /// The dataset it belongs to.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub dataset: DatasetName,
    /// Its path relative to what was added, with `/` separators.
    pub name: String,
    /// Guessed from the name.
    pub media_type: String,
    /// Plaintext size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Ciphertext size in bytes (what peers see).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub stored_size: u64,
    /// BLAKE3 of the plaintext, hex.
    pub plaintext_hash: String,
    /// BLAKE3 of the ciphertext: the blob's address, hex.
    pub blob_hash: String,
    /// The epoch whose key encrypted it.
    pub epoch: u32,
    /// Unix seconds when it was added.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub added_at: u64,
}

/// What `data ls` shows for a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DatasetSummary {
    /// The dataset's name.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub name: DatasetName,
    /// Its public category.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub category: Category,
    /// Number of files.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub items: u64,
    /// Plaintext bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Ciphertext bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub stored_size: u64,
    /// The current epoch.
    pub current_epoch: u32,
    /// The current epoch's age recipient.
    pub recipient: String,
    /// Unix seconds of creation.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: u64,
}
