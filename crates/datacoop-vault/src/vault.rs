//! The vault: opening it, its datasets and their records. Adding lives in [`add`],
//! exporting in [`export`].

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::iter;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use age::secrecy::ExposeSecret;
use datacoop_core::{Category, DatasetName};
use datacoop_crypto::{EpochKey, KeystoreSecrets};
use futures_lite::StreamExt;
use iroh_blobs::Hash;
use iroh_blobs::api::Store;
use iroh_blobs::api::proto::ExportRangesItem;
use iroh_blobs::store::fs::FsStore;
use iroh_blobs::store::mem::MemStore;
use tokio::sync::mpsc;

use crate::files::{
    Collected, SkipReason, Skipped, Source, collect_sources, safe_join, without_conflicts,
};
use crate::meta::{MemMeta, MetaStore, MetaWrite, SledMeta};
use crate::out_dir::{FileId, OutDir, PersistError};
use crate::pipe::{ChannelReader, ChannelWriter, HaltOnError, TeeReader};
use crate::records::{DatasetRecord, EpochRecord};
use crate::sealed::{Namespace, SealedMeta};
use crate::{CancellationToken, DatasetSummary, Entry, Progress, ProgressSink, VaultError};

pub use epochs::{Manifest, ManifestFile, PublishedEpoch, dataset_id};
pub use released::{ReleasedEpoch, ReleasedFile};

mod add;
mod cleanup;
mod epochs;
mod export;
mod released;
mod rename;

const TAG_PREFIX: &[u8] = b"dc/blob/";
const READ_CHUNK: usize = 256 * 1024;

/// How files given to [`Vault::add`] are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddMode {
    /// Plain files: encrypt them to the dataset's current epoch key.
    Plain,
    /// Files already age-encrypted to the dataset's recipient: check and store them as is.
    AgeEncrypted,
}

/// How [`Vault::export`] writes a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportMode {
    /// Decrypted files under their original names.
    Plain,
    /// The ciphertext (`NAME.age`) and the epoch identities (`epoch-keys.txt`), for stock age.
    Age,
}

/// What [`Vault::add`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AddReport {
    /// The dataset added to.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub dataset: DatasetName,
    /// Whether the dataset was created by this call.
    pub created: bool,
    /// Files stored.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub files: u64,
    /// Plaintext bytes stored.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// Files that replaced an earlier file of the same name.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub replaced: u64,
    /// Files the dataset already held, byte for byte, under the same name (not counted
    /// in `files`; nothing was written for them).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[serde(default)]
    pub unchanged: u64,
    /// What was found but not added, and why (symbolic links, names export could not
    /// write back).
    pub skipped: Vec<Skipped>,
}

/// What [`Vault::export`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportReport {
    /// Files written.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub files: u64,
    /// Bytes written.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// The folder written to.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub out: PathBuf,
    /// Stored files whose names cannot be written as paths here (from an older version's
    /// add); everything else was exported.
    pub skipped: Vec<Skipped>,
}

pub(crate) enum Blobs {
    Fs(FsStore),
    Mem(MemStore),
}

impl Blobs {
    fn store(&self) -> &Store {
        match self {
            Blobs::Fs(s) => s,
            Blobs::Mem(s) => s,
        }
    }
}

/// A member's encrypted vault: datasets, their epoch keys, the sealed manifest and the
/// age ciphertext of every file, addressed by BLAKE3 hash.
pub struct Vault {
    meta: SealedMeta,
    /// Opened on first use: listing and reading records never touches the blob store,
    /// so read-only commands leave its files as they were.
    blobs: tokio::sync::OnceCell<Blobs>,
    /// Where the file store lives (none in memory).
    blob_dir: Option<PathBuf>,
    /// Serialises creating datasets (read, then write an epoch key).
    datasets_lock: std::sync::Mutex<()>,
    /// Serialises recording entries and releasing the blobs they replace.
    entries_lock: tokio::sync::Mutex<()>,
    /// Held shared by every add and exclusively by sealing an epoch, so no file is
    /// recorded under an epoch that was sealed while it was being encrypted.
    adds: tokio::sync::RwLock<()>,
    /// The member's x25519 public key: epoch key backups are sealed to it.
    owner_agreement_key: [u8; 32],
    /// Runs the blob store's garbage collection (none in memory).
    collector: Option<cleanup::Collector>,
    /// Where the file store keeps each complete blob's bytes (none in memory): export
    /// reads a large blob from its file, which is much faster than through the store's
    /// messages (the store never changes a complete blob, and a tag keeps it).
    blob_paths: Option<iroh_blobs::store::fs::options::PathOptions>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn tag_name(hash: &Hash) -> Vec<u8> {
    let mut name = TAG_PREFIX.to_vec();
    name.extend_from_slice(hash.to_hex().as_bytes());
    name
}

impl Vault {
    /// Opens (or creates) the vault stored in folder `dir`. Its blob store opens when
    /// first needed ([`Vault::open_blob_store`] opens it now).
    pub async fn open(dir: &Path, secrets: &KeystoreSecrets) -> Result<Self, VaultError> {
        fs::create_dir_all(dir).map_err(|e| VaultError::io("cannot create", dir, e))?;
        let meta = SledMeta::open(&dir.join("meta"))?;
        let blob_dir = dir.join("blobs");
        let mut vault = Vault::assemble(Box::new(meta), None, secrets);
        vault.forget_provisional_datasets()?;
        vault.blob_paths = Some(Self::blob_options(&blob_dir).path);
        vault.collector = Some(cleanup::Collector::new());
        vault.blob_dir = Some(blob_dir);
        Ok(vault)
    }

    /// A vault in memory, for tests and demos.
    pub fn in_memory(secrets: &KeystoreSecrets) -> Self {
        Vault::assemble(
            Box::new(MemMeta::new()),
            Some(Blobs::Mem(MemStore::new())),
            secrets,
        )
    }

    fn assemble(meta: Box<dyn MetaStore>, blobs: Option<Blobs>, secrets: &KeystoreSecrets) -> Self {
        Vault {
            meta: SealedMeta::new(meta, secrets.value_cipher(), secrets.key_hasher()),
            blobs: tokio::sync::OnceCell::new_with(blobs),
            blob_dir: None,
            datasets_lock: std::sync::Mutex::new(()),
            entries_lock: tokio::sync::Mutex::new(()),
            adds: tokio::sync::RwLock::new(()),
            owner_agreement_key: secrets.identity().x25519_public(),
            collector: None,
            blob_paths: None,
        }
    }

    fn blob_options(blob_dir: &Path) -> iroh_blobs::store::fs::options::Options {
        iroh_blobs::store::fs::options::Options::new(blob_dir)
    }

    /// Opens the blob store now, reclaiming what an interrupted import left in it (a
    /// long-running owner does this at start; a one-shot command only when it needs the
    /// ciphertext).
    pub async fn open_blob_store(&self) -> Result<(), VaultError> {
        self.store().await.map(|_| ())
    }

    /// The blob store, opened on first use.
    pub(crate) async fn store(&self) -> Result<&Store, VaultError> {
        let blobs = self.blobs.get_or_try_init(|| self.load_blobs()).await?;
        Ok(blobs.store())
    }

    async fn load_blobs(&self) -> Result<Blobs, VaultError> {
        let (Some(blob_dir), Some(collector)) = (&self.blob_dir, &self.collector) else {
            return Err(VaultError::Meta("the vault has no blob store".into()));
        };
        // The home's owner is the store's only user, so what is in its temporary folder
        // now was left by an import that was killed: none of it can be finished.
        cleanup::clear_temp_files(&blob_dir.join("temp"))?;
        let mut options = Self::blob_options(blob_dir);
        options.gc = Some(collector.config());
        let store = FsStore::load_with_opts(blob_dir.join("blobs.db"), options)
            .await
            .map_err(|e| VaultError::blobs("opening the blob store", e))?;
        // Ciphertext no entry references (an import killed before its entry was written)
        // is reclaimed before the store is used; when there is none, nothing waits.
        if self.release_orphans_in(&store).await? {
            collector.run_now().await;
        }
        Ok(Blobs::Fs(store))
    }

    /// Flushes and closes the blob store, if it was opened.
    pub async fn close(self) {
        self.shutdown().await;
    }

    /// [`Vault::close`] for a vault others still hold (a node's network tasks): the blob
    /// store is closed; records stay readable.
    pub async fn shutdown(&self) {
        if let Some(blobs) = self.blobs.get() {
            let _ = blobs.store().sync_db().await;
            let _ = blobs.store().shutdown().await;
        }
    }

    /// The blob store itself (opened now if it was not), for serving and pinning
    /// ciphertext over the network.
    pub async fn blob_store(&self) -> Result<Store, VaultError> {
        self.store().await.cloned()
    }

    /// Drops blob tags that no manifest entry refers to: left by a crash between storing
    /// a blob and recording it. Their ciphertext is collected later.
    /// Drops the datasets an add created and never recorded a file in (it was killed
    /// before its first file was stored), so their category is not fixed by accident.
    fn forget_provisional_datasets(&self) -> Result<(), VaultError> {
        let names: Vec<DatasetName> = self.meta.scan(Namespace::Provisional, &[])?;
        for name in names {
            let parts: [&[u8]; 1] = [name.as_str().as_bytes()];
            let mut writes = vec![MetaWrite::Delete(
                self.meta.key(Namespace::Provisional, &parts),
            )];
            if self.entries(&name)?.is_empty() {
                tracing::info!("forgetting an empty dataset left by an interrupted add");
                writes.push(MetaWrite::Delete(
                    self.meta.key(Namespace::Datasets, &parts),
                ));
            }
            self.meta.apply(writes)?;
        }
        Ok(())
    }

    /// Asks for the blob store's garbage collection to run now, after an add that
    /// stopped partway (its blobs without an entry are reclaimed).
    fn collect_garbage_soon(&self) {
        if let Some(collector) = &self.collector {
            collector.run_soon();
        }
    }

    fn dataset_record(&self, name: &DatasetName) -> Result<Option<DatasetRecord>, VaultError> {
        self.meta
            .get(Namespace::Datasets, &[name.as_str().as_bytes()])
    }

    fn require_dataset(&self, name: &DatasetName) -> Result<DatasetRecord, VaultError> {
        self.dataset_record(name)?
            .ok_or_else(|| VaultError::UnknownDataset {
                name: name.to_string(),
            })
    }

    /// Returns the dataset, creating it when `category` is given and it does not exist.
    /// The boolean says whether it was created.
    pub fn ensure_dataset(
        &self,
        name: &DatasetName,
        category: Option<&Category>,
    ) -> Result<bool, VaultError> {
        self.get_or_create_dataset(name, category, false)
    }

    /// [`Vault::ensure_dataset`]; a dataset created `provisional` is forgotten at the next
    /// open unless a file was recorded in it (an add killed before its first file).
    fn get_or_create_dataset(
        &self,
        name: &DatasetName,
        category: Option<&Category>,
        provisional: bool,
    ) -> Result<bool, VaultError> {
        let _serialised = self
            .datasets_lock
            .lock()
            .map_err(|_| VaultError::Meta("the dataset lock was poisoned".into()))?;
        match (self.dataset_record(name)?, category) {
            (Some(existing), Some(given)) if &existing.category != given => {
                Err(VaultError::CategoryMismatch {
                    name: name.to_string(),
                    existing: existing.category.to_string(),
                    given: given.to_string(),
                })
            }
            (Some(_), _) => Ok(false),
            (None, None) => Err(VaultError::CategoryRequired {
                name: name.to_string(),
            }),
            (None, Some(category)) => {
                let key = EpochKey::generate();
                let record = DatasetRecord {
                    name: name.clone(),
                    category: category.clone(),
                    created_at: now(),
                    epochs: vec![EpochRecord {
                        index: 0,
                        secret: key.to_secret_string().expose_secret().to_owned(),
                        started_at: now(),
                    }],
                };
                let parts: [&[u8]; 1] = [name.as_str().as_bytes()];
                let mut writes = vec![self.meta.put_write(Namespace::Datasets, &parts, &record)?];
                if provisional {
                    writes.push(self.meta.put_write(Namespace::Provisional, &parts, name)?);
                }
                self.meta.apply(writes)?;
                Ok(true)
            }
        }
    }

    fn current_epoch_key(record: &DatasetRecord) -> Result<(u32, EpochKey), VaultError> {
        let epoch = record
            .current_epoch()
            .ok_or_else(|| VaultError::Record("dataset has no epoch".into()))?;
        Ok((epoch.index, EpochKey::from_str(&epoch.secret)?))
    }

    /// The age recipient (`age1...`) new files of the dataset are encrypted to.
    pub fn recipient(&self, name: &DatasetName) -> Result<String, VaultError> {
        let record = self.require_dataset(name)?;
        Ok(Self::current_epoch_key(&record)?.1.recipient().to_string())
    }

    /// Every dataset with its counts.
    pub fn datasets(&self) -> Result<Vec<DatasetSummary>, VaultError> {
        let records: Vec<DatasetRecord> = self.meta.scan(Namespace::Datasets, &[])?;
        let mut summaries = Vec::with_capacity(records.len());
        for record in records {
            let entries = self.entries(&record.name)?;
            let (epoch, key) = Self::current_epoch_key(&record)?;
            summaries.push(DatasetSummary {
                items: entries.len() as u64,
                size: entries.iter().map(|e| e.size).sum(),
                stored_size: entries.iter().map(|e| e.stored_size).sum(),
                current_epoch: epoch,
                recipient: key.recipient().to_string(),
                created_at: record.created_at,
                name: record.name.clone(),
                category: record.category.clone(),
            });
        }
        summaries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(summaries)
    }

    /// The files of one dataset, sorted by name.
    pub fn entries(&self, dataset: &DatasetName) -> Result<Vec<Entry>, VaultError> {
        let mut entries: Vec<Entry> = self
            .meta
            .scan(Namespace::Entries, &[dataset.as_str().as_bytes()])?;
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }
}
