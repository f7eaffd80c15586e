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
use iroh_blobs::store::fs::FsStore;
use iroh_blobs::store::mem::MemStore;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::files::{Source, collect_sources, safe_join};
use crate::meta::{MemMeta, MetaStore, MetaWrite, SledMeta};
use crate::pipe::{ChannelWriter, TeeReader};
use crate::records::{DatasetRecord, EpochRecord};
use crate::sealed::{Namespace, SealedMeta};
use crate::{Cancel, DatasetSummary, Entry, Progress, ProgressSink, VaultError};

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
pub struct AddReport {
    /// The dataset added to.
    pub dataset: DatasetName,
    /// Whether the dataset was created by this call.
    pub created: bool,
    /// Files stored.
    pub files: u64,
    /// Plaintext bytes stored.
    pub bytes: u64,
    /// Files that replaced an earlier file of the same name.
    pub replaced: u64,
}

/// What [`Vault::export`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportReport {
    /// Files written.
    pub files: u64,
    /// Bytes written.
    pub bytes: u64,
    /// The folder written to.
    pub out: PathBuf,
}

enum Blobs {
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
    blobs: Blobs,
    /// Serialises creating datasets (read, then write an epoch key).
    datasets_lock: std::sync::Mutex<()>,
    /// Serialises recording entries and releasing the blobs they replace.
    entries_lock: tokio::sync::Mutex<()>,
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
    /// Opens (or creates) the vault stored in folder `dir`.
    pub async fn open(dir: &Path, secrets: &KeystoreSecrets) -> Result<Self, VaultError> {
        fs::create_dir_all(dir).map_err(|e| VaultError::io("cannot create", dir, e))?;
        let meta = SledMeta::open(&dir.join("meta"))?;
        let blob_dir = dir.join("blobs");
        let mut options = iroh_blobs::store::fs::options::Options::new(&blob_dir);
        options.gc = Some(iroh_blobs::store::GcConfig {
            interval: std::time::Duration::from_secs(300),
            add_protected: None,
        });
        let store = FsStore::load_with_opts(blob_dir.join("blobs.db"), options)
            .await
            .map_err(|e| VaultError::blobs("opening the blob store", e))?;
        let vault = Vault::assemble(Box::new(meta), Blobs::Fs(store), secrets);
        vault.release_unreferenced_blobs().await?;
        Ok(vault)
    }

    /// A vault in memory, for tests and demos.
    pub fn in_memory(secrets: &KeystoreSecrets) -> Self {
        Vault::assemble(
            Box::new(MemMeta::new()),
            Blobs::Mem(MemStore::new()),
            secrets,
        )
    }

    fn assemble(meta: Box<dyn MetaStore>, blobs: Blobs, secrets: &KeystoreSecrets) -> Self {
        Vault {
            meta: SealedMeta::new(meta, secrets.value_cipher(), secrets.key_hasher()),
            blobs,
            datasets_lock: std::sync::Mutex::new(()),
            entries_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Flushes and closes the blob store.
    pub async fn close(self) {
        let _ = self.blobs.store().sync_db().await;
        let _ = self.blobs.store().shutdown().await;
    }

    /// Drops blob tags that no manifest entry refers to: left by a crash between storing
    /// a blob and recording it. Their ciphertext is collected later.
    async fn release_unreferenced_blobs(&self) -> Result<(), VaultError> {
        let referenced: HashSet<String> = self
            .meta
            .scan::<Entry>(Namespace::Entries, &[])?
            .into_iter()
            .map(|e| e.blob_hash)
            .collect();
        let tags = self.blobs.store().tags();
        let mut list = tags
            .list_prefix(TAG_PREFIX)
            .await
            .map_err(|e| VaultError::blobs("listing blob tags", e))?;
        let mut orphans = Vec::new();
        while let Some(tag) = list.next().await {
            let tag = tag.map_err(|e| VaultError::blobs("listing blob tags", e))?;
            if !referenced.contains(&tag.hash.to_hex()) {
                orphans.push(tag.name);
            }
        }
        for name in orphans {
            tracing::info!("releasing an unreferenced blob left by an interrupted import");
            tags.delete(name)
                .await
                .map_err(|e| VaultError::blobs("releasing a blob tag", e))?;
        }
        Ok(())
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
                let write = self.meta.put_write(
                    Namespace::Datasets,
                    &[name.as_str().as_bytes()],
                    &record,
                )?;
                self.meta.apply(vec![write])?;
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

    /// Adds files and folders to a dataset, creating it when `category` is given.
    ///
    /// Each file is stored and recorded on its own, so an interruption keeps the files
    /// finished before it; a file is visible only once both its ciphertext and its
    /// manifest entry are durable.
    pub async fn add(
        &self,
        dataset: &DatasetName,
        category: Option<&Category>,
        paths: &[PathBuf],
        mode: AddMode,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> Result<AddReport, VaultError> {
        let mut sources = collect_sources(paths)?;
        if mode == AddMode::AgeEncrypted {
            for source in &mut sources {
                if let Some(stripped) = source.name.strip_suffix(".age")
                    && !stripped.is_empty()
                    && !stripped.ends_with('/')
                {
                    source.name = stripped.to_owned();
                }
            }
        }
        let mut names = std::collections::HashSet::new();
        if let Some(duplicate) = sources.iter().find(|s| !names.insert(s.name.as_str())) {
            return Err(VaultError::DuplicateName {
                name: duplicate.name.clone(),
            });
        }
        let created = self.ensure_dataset(dataset, category)?;
        let record = self.require_dataset(dataset)?;
        let (epoch, key) = Self::current_epoch_key(&record)?;
        let mut report = AddReport {
            dataset: dataset.clone(),
            created,
            files: 0,
            bytes: 0,
            replaced: 0,
        };
        let stored = self
            .store_sources(
                dataset,
                &sources,
                epoch,
                &key,
                mode,
                &mut report,
                progress,
                cancel,
            )
            .await;
        if let Err(e) = stored {
            if created
                && report.files == 0
                && let Err(cleanup) = self.forget_empty_dataset(dataset).await
            {
                // The add's own error is what the person needs to see.
                tracing::warn!("could not remove the empty dataset {dataset}: {cleanup}");
            }
            return Err(e);
        }
        Ok(report)
    }

    /// Drops a dataset record that has no files (after a failed first add). Holds the
    /// entry lock, so no concurrent add can commit a file to it meanwhile; one that
    /// encrypted files to its key fails at commit ([`VaultError::DatasetChanged`]).
    async fn forget_empty_dataset(&self, dataset: &DatasetName) -> Result<(), VaultError> {
        let _entries = self.entries_lock.lock().await;
        let _datasets = self
            .datasets_lock
            .lock()
            .map_err(|_| VaultError::Meta("the dataset lock was poisoned".into()))?;
        if self.entries(dataset)?.is_empty() {
            let key = self
                .meta
                .key(Namespace::Datasets, &[dataset.as_str().as_bytes()]);
            self.meta.apply(vec![MetaWrite::Delete(key)])?;
        }
        Ok(())
    }

    /// Stores and records `sources` one by one, counting them in `report`.
    #[allow(clippy::too_many_arguments)]
    async fn store_sources(
        &self,
        dataset: &DatasetName,
        sources: &[Source],
        epoch: u32,
        key: &EpochKey,
        mode: AddMode,
        report: &mut AddReport,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> Result<(), VaultError> {
        let mut state = Progress {
            current: String::new(),
            files_done: 0,
            files_total: sources.len() as u64,
            bytes_done: 0,
            bytes_total: sources.iter().map(|s| s.size).sum(),
        };
        let recipient = key.recipient().to_string();
        for source in sources {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            state.current = source.name.clone();
            progress.report(&state);
            let stored = self
                .store_one(source, dataset, key, mode, &state, progress.clone(), cancel)
                .await?;
            let entry = Entry {
                dataset: dataset.clone(),
                name: source.name.clone(),
                media_type: mime_guess::from_path(&source.name)
                    .first_or_octet_stream()
                    .essence_str()
                    .to_owned(),
                size: stored.plaintext_len,
                stored_size: stored.ciphertext_len,
                plaintext_hash: stored.plaintext_hash.clone(),
                blob_hash: stored.hash.to_hex(),
                epoch,
                added_at: now(),
            };
            let bytes = stored.plaintext_len;
            if self.commit_entry(entry, stored, &recipient).await? {
                report.replaced += 1;
            }
            report.files += 1;
            report.bytes += bytes;
            state.files_done += 1;
            state.bytes_done += source.size;
            progress.report(&state);
        }
        Ok(())
    }

    /// Records a stored blob: tag it (so it survives collection), then write its entry.
    /// Returns whether an earlier entry of that name was replaced.
    /// `recipient` is the key the file was encrypted to: the entry is refused if the
    /// dataset no longer has that key (it was removed, or removed and created anew).
    async fn commit_entry(
        &self,
        entry: Entry,
        stored: Stored,
        recipient: &str,
    ) -> Result<bool, VaultError> {
        let _serialised = self.entries_lock.lock().await;
        let same_key = self
            .dataset_record(&entry.dataset)?
            .and_then(|record| {
                record
                    .epochs
                    .into_iter()
                    .find(|epoch| epoch.index == entry.epoch)
            })
            .and_then(|epoch| EpochKey::from_str(&epoch.secret).ok())
            .is_some_and(|key| key.recipient().to_string() == recipient);
        if !same_key {
            return Err(VaultError::DatasetChanged {
                name: entry.dataset.to_string(),
            });
        }
        let hash = stored.hash;
        let parts: [&[u8]; 2] = [entry.dataset.as_str().as_bytes(), entry.name.as_bytes()];
        let previous: Option<Entry> = self.meta.get(Namespace::Entries, &parts)?;
        self.blobs
            .store()
            .tags()
            .set(tag_name(&hash), hash)
            .await
            .map_err(|e| VaultError::blobs("recording the stored file", e))?;
        // The named tag protects the blob from collection now; the temporary one may go.
        drop(stored.temp_tag);
        // The blob store batches its commits; make the blob and its tag durable before the
        // manifest names them, so a crash never leaves an entry without its ciphertext.
        self.blobs
            .store()
            .sync_db()
            .await
            .map_err(|e| VaultError::blobs("recording the stored file", e))?;
        let write = self.meta.put_write(Namespace::Entries, &parts, &entry)?;
        self.meta.apply(vec![write])?;
        if let Some(previous) = &previous
            && previous.blob_hash != entry.blob_hash
        {
            self.release_blob_if_unused(&previous.blob_hash).await?;
        }
        Ok(previous.is_some())
    }

    async fn release_blob_if_unused(&self, blob_hash: &str) -> Result<(), VaultError> {
        let in_use = self
            .meta
            .scan::<Entry>(Namespace::Entries, &[])?
            .iter()
            .any(|e| e.blob_hash == blob_hash);
        if !in_use && let Ok(hash) = Hash::from_str(blob_hash) {
            self.blobs
                .store()
                .tags()
                .delete(tag_name(&hash))
                .await
                .map_err(|e| VaultError::blobs("releasing a replaced file", e))?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_one(
        &self,
        source: &Source,
        dataset: &DatasetName,
        key: &EpochKey,
        mode: AddMode,
        state: &Progress,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> Result<Stored, VaultError> {
        let before = fs::metadata(&source.path).map_err(|e| VaultError::Unreadable {
            path: source.path.clone(),
            source: e,
        })?;
        let (tx, rx) = mpsc::channel::<io::Result<bytes::Bytes>>(4);
        let job = EncodeJob {
            path: source.path.clone(),
            dataset: dataset.to_string(),
            key: key.clone(),
            mode,
            state: state.clone(),
            progress,
            cancel: cancel.clone(),
        };
        let encoder = tokio::task::spawn_blocking(move || job.run(ChannelWriter::new(tx)));
        let added = self
            .blobs
            .store()
            .add_stream(ReceiverStream::new(rx))
            .await
            .temp_tag()
            .await;
        let encoded = encoder
            .await
            .map_err(|e| VaultError::Blobs(format!("encryption task failed: {e}")))?;
        let (encoded, temp_tag) = match (encoded, added) {
            (Ok(encoded), Ok(temp_tag)) => (encoded, temp_tag),
            // When the store gave up (a full disk, say), the encoder only saw a closed
            // pipe: the store's own error says what happened.
            (Err(VaultError::Blobs(_)), Err(store)) => {
                return Err(VaultError::blobs("storing the encrypted file", store));
            }
            (Err(encoder), _) => return Err(encoder),
            (Ok(_), Err(store)) => {
                return Err(VaultError::blobs("storing the encrypted file", store));
            }
        };
        let after = fs::metadata(&source.path).map_err(|_| VaultError::ChangedWhileAdding {
            path: source.path.clone(),
        })?;
        let unchanged = before.len() == after.len()
            && before.modified().ok() == after.modified().ok()
            && encoded.source_len == after.len();
        if !unchanged {
            return Err(VaultError::ChangedWhileAdding {
                path: source.path.clone(),
            });
        }
        Ok(Stored {
            hash: temp_tag.hash(),
            temp_tag,
            plaintext_len: encoded.plaintext_len,
            plaintext_hash: encoded.plaintext_hash,
            ciphertext_len: encoded.ciphertext_len,
        })
    }

    /// Decrypts a dataset into `out` (or writes its ciphertext and keys, see [`ExportMode`]).
    ///
    /// Refuses to overwrite existing files. A file that fails verification stops the
    /// export with an error naming it; nothing partial of it is left behind.
    pub async fn export(
        &self,
        dataset: &DatasetName,
        out: &Path,
        mode: ExportMode,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> Result<ExportReport, VaultError> {
        let record = self.require_dataset(dataset)?;
        let entries = self.entries(dataset)?;
        let mut targets = Vec::with_capacity(entries.len());
        for entry in &entries {
            let name = match mode {
                ExportMode::Plain => entry.name.clone(),
                ExportMode::Age => format!("{}.age", entry.name),
            };
            let target = safe_join(out, &name).ok_or_else(|| VaultError::Integrity {
                dataset: dataset.to_string(),
                name: entry.name.clone(),
                reason: "the stored name is not a plain relative path".into(),
            })?;
            if target.exists() {
                return Err(VaultError::ExportTargetExists { path: target });
            }
            targets.push(target);
        }
        let keys_file = out.join("epoch-keys.txt");
        if mode == ExportMode::Age && keys_file.exists() {
            return Err(VaultError::ExportTargetExists { path: keys_file });
        }
        fs::create_dir_all(out).map_err(|e| VaultError::io("cannot create", out, e))?;
        let mut state = Progress {
            current: String::new(),
            files_done: 0,
            files_total: entries.len() as u64,
            bytes_done: 0,
            bytes_total: entries.iter().map(|e| e.size).sum(),
        };
        let mut written = 0;
        for (entry, target) in entries.iter().zip(targets) {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            state.current = entry.name.clone();
            progress.report(&state);
            let key = record
                .epochs
                .iter()
                .find(|e| e.index == entry.epoch)
                .ok_or_else(|| VaultError::Integrity {
                    dataset: dataset.to_string(),
                    name: entry.name.clone(),
                    reason: format!("the key of epoch {} is missing", entry.epoch),
                })?;
            let key = EpochKey::from_str(&key.secret)?;
            written += self.export_one(entry, &target, &key, mode, cancel).await?;
            state.files_done += 1;
            state.bytes_done += entry.size;
            progress.report(&state);
        }
        if mode == ExportMode::Age {
            let mut text = String::from(
                "# datacoop epoch identities: decrypt a file with `age -d -i epoch-keys.txt FILE.age`\n",
            );
            for epoch in &record.epochs {
                text.push_str(&format!(
                    "# dataset {} epoch {}\n{}\n",
                    record.name, epoch.index, epoch.secret
                ));
            }
            datacoop_crypto::write_atomically(&keys_file, text.as_bytes())?;
        }
        Ok(ExportReport {
            files: entries.len() as u64,
            bytes: written,
            out: out.to_owned(),
        })
    }

    async fn export_one(
        &self,
        entry: &Entry,
        target: &Path,
        key: &EpochKey,
        mode: ExportMode,
        cancel: &Cancel,
    ) -> Result<u64, VaultError> {
        let integrity = |reason: String| VaultError::Integrity {
            dataset: entry.dataset.to_string(),
            name: entry.name.clone(),
            reason,
        };
        let hash = Hash::from_str(&entry.blob_hash).map_err(|e| integrity(e.to_string()))?;
        if !self
            .blobs
            .store()
            .has(hash)
            .await
            .map_err(|e| VaultError::blobs("looking up a stored file", e))?
        {
            return Err(integrity(
                "its ciphertext is missing from the blob store".into(),
            ));
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| VaultError::io("cannot create", parent, e))?;
        }
        let partial = target.with_file_name(format!(
            ".{}.datacoop-partial",
            target
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        let reader = tokio_util::io::SyncIoBridge::new(self.blobs.store().reader(hash));
        let job = DecodeJob {
            key: key.clone(),
            mode,
            partial: partial.clone(),
            target: target.to_owned(),
            expected_plaintext: entry.plaintext_hash.clone(),
            expected_blob: entry.blob_hash.clone(),
            cancel: cancel.clone(),
        };
        let result = tokio::task::spawn_blocking(move || job.run(reader))
            .await
            .map_err(|e| VaultError::Blobs(format!("decryption task failed: {e}")))?;
        match result {
            Ok(n) => Ok(n),
            Err(DecodeFailure::Integrity(reason)) => {
                let _ = fs::remove_file(&partial);
                Err(integrity(reason))
            }
            Err(DecodeFailure::Other(e)) => {
                let _ = fs::remove_file(&partial);
                Err(e)
            }
        }
    }
}

struct Stored {
    hash: Hash,
    /// Keeps the new blob from garbage collection until its named tag is set.
    temp_tag: iroh_blobs::api::TempTag,
    plaintext_len: u64,
    plaintext_hash: String,
    ciphertext_len: u64,
}

struct Encoded {
    source_len: u64,
    plaintext_len: u64,
    plaintext_hash: String,
    ciphertext_len: u64,
}

/// The blocking half of adding one file: read, encrypt (or check), stream to the store.
struct EncodeJob {
    path: PathBuf,
    dataset: String,
    key: EpochKey,
    mode: AddMode,
    state: Progress,
    progress: Arc<dyn ProgressSink>,
    cancel: Cancel,
}

impl EncodeJob {
    fn run(self, sink: ChannelWriter) -> Result<Encoded, VaultError> {
        let file = File::open(&self.path).map_err(|source| VaultError::Unreadable {
            path: self.path.clone(),
            source,
        })?;
        match self.mode {
            AddMode::Plain => self.encrypt(file, sink),
            AddMode::AgeEncrypted => self.check_and_copy(file, sink),
        }
    }

    fn report(&self, done: u64) {
        let mut state = self.state.clone();
        state.bytes_done += done;
        self.progress.report(&state);
    }

    fn encrypt(&self, mut file: File, sink: ChannelWriter) -> Result<Encoded, VaultError> {
        let recipient = self.key.recipient();
        let encryptor =
            age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| VaultError::Blobs(format!("cannot start encryption: {e}")))?;
        let failed = |sink: &ChannelWriter, e: io::Error, path: &Path| {
            sink.fail(&e);
            if e.kind() == io::ErrorKind::BrokenPipe {
                VaultError::Blobs("the blob store stopped while storing".into())
            } else {
                VaultError::Unreadable {
                    path: path.to_owned(),
                    source: e,
                }
            }
        };
        let mut writer = match encryptor.wrap_output(sink) {
            Ok(w) => w,
            Err(e) => return Err(VaultError::Blobs(format!("cannot start encryption: {e}"))),
        };
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; READ_CHUNK];
        let mut total = 0u64;
        loop {
            if self.cancel.is_cancelled() {
                let sink = writer
                    .finish()
                    .map_err(|e| VaultError::Blobs(e.to_string()))?;
                sink.fail(&io::Error::other("cancelled"));
                return Err(VaultError::Cancelled);
            }
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let sink = writer
                        .finish()
                        .map_err(|e| VaultError::Blobs(e.to_string()))?;
                    return Err(failed(&sink, e, &self.path));
                }
            };
            hasher.update(&buf[..n]);
            total += n as u64;
            if let Err(e) = writer.write_all(&buf[..n]) {
                return Err(VaultError::blobs("storing the encrypted file", e));
            }
            self.report(total);
        }
        let mut sink = writer
            .finish()
            .map_err(|e| VaultError::blobs("storing the encrypted file", e))?;
        sink.flush()
            .map_err(|e| VaultError::blobs("storing the encrypted file", e))?;
        Ok(Encoded {
            source_len: total,
            plaintext_len: total,
            plaintext_hash: hasher.finalize().to_hex().to_string(),
            ciphertext_len: sink.written,
        })
    }

    /// Stores an age file as is, after decrypting it fully to prove it is intact and
    /// encrypted to this dataset's key.
    fn check_and_copy(&self, file: File, sink: ChannelWriter) -> Result<Encoded, VaultError> {
        let not_ours = |reason: String| VaultError::NotForThisDataset {
            path: self.path.clone(),
            dataset: self.dataset.clone(),
            reason,
        };
        let tee = SharedTee::new(TeeReader {
            inner: file,
            copy: sink,
        });
        let (plaintext_len, plaintext_hash) = {
            let decryptor =
                age::Decryptor::new_buffered(BufReader::with_capacity(READ_CHUNK, tee.clone()))
                    .map_err(|e| not_ours(e.to_string()))?;
            let mut plaintext = decryptor
                .decrypt(iter::once(self.key.age_identity() as &dyn age::Identity))
                .map_err(|e| not_ours(e.to_string()))?;
            let mut hasher = blake3::Hasher::new();
            let mut buf = vec![0u8; READ_CHUNK];
            let mut total = 0u64;
            loop {
                if self.cancel.is_cancelled() {
                    tee.fail("cancelled");
                    return Err(VaultError::Cancelled);
                }
                match plaintext.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        hasher.update(&buf[..n]);
                        total += n as u64;
                        self.report(total);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        tee.fail("damaged");
                        return Err(not_ours(format!("damaged ciphertext: {e}")));
                    }
                }
            }
            (total, hasher.finalize().to_hex().to_string())
        };
        // The buffered decryptor may have read ahead; what it did not consume is only
        // acceptable if nothing follows the age stream at all.
        let mut rest = Vec::new();
        let mut tee = tee
            .into_inner()
            .ok_or_else(|| VaultError::Blobs("internal: the age reader was not released".into()))?;
        tee.read_to_end(&mut rest)
            .map_err(|e| VaultError::Unreadable {
                path: self.path.clone(),
                source: e,
            })?;
        if !rest.is_empty() {
            tee.copy.fail(&io::Error::other("trailing data"));
            return Err(not_ours(
                "unexpected data after the end of the age file".into(),
            ));
        }
        tee.copy
            .flush()
            .map_err(|e| VaultError::blobs("storing the encrypted file", e))?;
        Ok(Encoded {
            source_len: tee.copy.written,
            plaintext_len,
            plaintext_hash,
            ciphertext_len: tee.copy.written,
        })
    }
}

/// A [`TeeReader`] shared between the age decryptor and the code that finishes the copy.
#[derive(Clone)]
struct SharedTee(std::rc::Rc<std::cell::RefCell<Option<TeeReader<File>>>>);

impl SharedTee {
    fn new(tee: TeeReader<File>) -> Self {
        SharedTee(std::rc::Rc::new(std::cell::RefCell::new(Some(tee))))
    }

    fn fail(&self, why: &str) {
        if let Some(tee) = self.0.borrow().as_ref() {
            tee.copy.fail(&io::Error::other(why.to_owned()));
        }
    }

    fn into_inner(self) -> Option<TeeReader<File>> {
        std::rc::Rc::try_unwrap(self.0)
            .ok()
            .and_then(|cell| cell.into_inner())
    }
}

impl Read for SharedTee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.borrow_mut().as_mut() {
            Some(tee) => tee.read(buf),
            None => Ok(0),
        }
    }
}

enum DecodeFailure {
    Integrity(String),
    Other(VaultError),
}

/// The blocking half of exporting one file.
struct DecodeJob {
    key: EpochKey,
    mode: ExportMode,
    partial: PathBuf,
    target: PathBuf,
    expected_plaintext: String,
    expected_blob: String,
    cancel: Cancel,
}

impl DecodeJob {
    fn run(self, reader: impl Read) -> Result<u64, DecodeFailure> {
        let io_err = |action: &'static str, path: &Path, e: io::Error| {
            DecodeFailure::Other(VaultError::io(action, path, e))
        };
        // A partial file left by an export that was killed is ours to replace.
        let _ = fs::remove_file(&self.partial);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Decrypted personal data: readable by its owner only.
            options.mode(0o600);
        }
        let mut out = options
            .open(&self.partial)
            .map_err(|e| io_err("cannot create", &self.partial, e))?;
        let written = match self.mode {
            ExportMode::Plain => self.decrypt(reader, &mut out)?,
            ExportMode::Age => self.copy_verified(reader, &mut out)?,
        };
        out.sync_all()
            .map_err(|e| io_err("cannot write", &self.partial, e))?;
        drop(out);
        // Link, then unlink: unlike rename, this never replaces a file that appeared at
        // the target since the export started.
        match fs::hard_link(&self.partial, &self.target) {
            Ok(()) => {
                let _ = fs::remove_file(&self.partial);
                Ok(written)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(DecodeFailure::Other(VaultError::ExportTargetExists {
                    path: self.target.clone(),
                }))
            }
            Err(e) => Err(io_err("cannot write", &self.target, e)),
        }
    }

    fn pump(
        &self,
        mut from: impl Read,
        out: &mut File,
        hasher: &mut blake3::Hasher,
    ) -> Result<u64, DecodeFailure> {
        let mut buf = vec![0u8; READ_CHUNK];
        let mut total = 0u64;
        loop {
            if self.cancel.is_cancelled() {
                return Err(DecodeFailure::Other(VaultError::Cancelled));
            }
            let n = match from.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(DecodeFailure::Integrity(e.to_string())),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(|e| {
                DecodeFailure::Other(VaultError::io("cannot write", &self.partial, e))
            })?;
            total += n as u64;
        }
    }

    fn decrypt(&self, reader: impl Read, out: &mut File) -> Result<u64, DecodeFailure> {
        let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(READ_CHUNK, reader))
            .map_err(|e| DecodeFailure::Integrity(e.to_string()))?;
        let plaintext = decryptor
            .decrypt(iter::once(self.key.age_identity() as &dyn age::Identity))
            .map_err(|e| DecodeFailure::Integrity(e.to_string()))?;
        let mut hasher = blake3::Hasher::new();
        let n = self.pump(plaintext, out, &mut hasher)?;
        if hasher.finalize().to_hex().as_str() != self.expected_plaintext {
            return Err(DecodeFailure::Integrity(
                "decrypted bytes differ from what was added".into(),
            ));
        }
        Ok(n)
    }

    fn copy_verified(&self, reader: impl Read, out: &mut File) -> Result<u64, DecodeFailure> {
        let mut hasher = blake3::Hasher::new();
        let n = self.pump(reader, out, &mut hasher)?;
        if hasher.finalize().to_hex().as_str() != self.expected_blob {
            return Err(DecodeFailure::Integrity(
                "ciphertext does not match its hash".into(),
            ));
        }
        Ok(n)
    }
}
