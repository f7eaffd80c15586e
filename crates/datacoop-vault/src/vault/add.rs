//! Adding files: the async half records entries, the blocking half ([`EncodeJob`])
//! reads, encrypts and streams each file into the blob store.

use super::*;

impl Vault {
    /// Adds files and folders to a dataset, creating it when `category` is given.
    ///
    /// Each file is stored and recorded on its own, so an interruption keeps the files
    /// finished before it; a file is visible only once both its ciphertext and its
    /// manifest entry are durable. The epochs it added to are then published again
    /// ([`Vault::publish_epochs`]).
    pub async fn add(
        &self,
        dataset: &DatasetName,
        category: Option<&Category>,
        paths: &[PathBuf],
        mode: AddMode,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<AddReport, VaultError> {
        let adding = self.adds.read().await;
        let added = self
            .add_files(dataset, category, paths, mode, progress, cancel)
            .await;
        drop(adding);
        let stored_some = match &added {
            Ok(report) => report.files > 0,
            Err(VaultError::Interrupted { .. }) => true,
            Err(_) => false,
        };
        // A manifest not rebuilt now is rebuilt by the next publication (the node asks
        // for one before it announces), so this add's files are not lost either way.
        if stored_some && let Err(e) = self.publish_epochs(dataset).await {
            tracing::warn!("could not publish the epochs of {dataset} yet: {e}");
        }
        added
    }

    async fn add_files(
        &self,
        dataset: &DatasetName,
        category: Option<&Category>,
        paths: &[PathBuf],
        mode: AddMode,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<AddReport, VaultError> {
        let Collected {
            mut sources,
            mut skipped,
        } = collect_sources(paths)?;
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
        let existing = match self.require_dataset(dataset) {
            Ok(_) => self.entries(dataset)?,
            Err(_) => Vec::new(),
        };
        let (sources, conflicts) =
            without_conflicts(existing.iter().map(|e| e.name.as_str()), sources, |s| {
                s.name.as_str()
            });
        skipped.extend(conflicts.into_iter().map(|s| Skipped {
            name: s.name,
            reason: SkipReason::NameConflict,
        }));
        if sources.is_empty() {
            return Err(VaultError::NothingToAdd {
                path: paths.first().cloned().unwrap_or_default(),
                skipped,
            });
        }
        let created = self.get_or_create_dataset(dataset, category, true)?;
        let record = self.require_dataset(dataset)?;
        let (epoch, key) = Self::current_epoch_key(&record)?;
        let mut report = AddReport {
            dataset: dataset.clone(),
            created,
            files: 0,
            bytes: 0,
            replaced: 0,
            unchanged: 0,
            skipped,
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
        if report.unchanged > 0 {
            // Their second ciphertext is garbage now.
            self.collect_garbage_soon();
        }
        let failure = match stored {
            Ok(None) => return Ok(report),
            Ok(Some(_)) if report.files + report.unchanged > 0 => return Ok(report),
            // Every file failed on its own: the first one's error says why.
            Ok(Some(first_failure)) => first_failure,
            Err(e) => e,
        };
        self.collect_garbage_soon();
        if created
            && report.files == 0
            && let Err(cleanup) = self.forget_empty_dataset(dataset).await
        {
            // The add's own error is what the person needs to see.
            tracing::warn!("could not remove the empty dataset {dataset}: {cleanup}");
        }
        if report.files > 0 {
            return Err(VaultError::Interrupted {
                stored: report.files,
                total: sources.len() as u64,
                cause: Box::new(failure),
            });
        }
        Err(failure)
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
            let parts: [&[u8]; 1] = [dataset.as_str().as_bytes()];
            self.meta.apply(vec![
                MetaWrite::Delete(self.meta.key(Namespace::Datasets, &parts)),
                MetaWrite::Delete(self.meta.key(Namespace::Provisional, &parts)),
            ])?;
        }
        Ok(())
    }

    /// Stores and records `sources` one by one, counting them in `report`. A file that
    /// fails on its own (it changed while being read, or cannot be read) is skipped and
    /// reported, and the rest go on; the first such failure is returned. Anything else
    /// (cancelling, a full disk, the store failing) stops the add.
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
        cancel: &CancellationToken,
    ) -> Result<Option<VaultError>, VaultError> {
        let mut first_failure = None;
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
            let stored = match self
                .store_one(source, dataset, key, mode, &state, progress.clone(), cancel)
                .await
            {
                Ok(stored) => stored,
                Err(e) => {
                    let Some(reason) = skip_reason_for(&e) else {
                        return Err(e);
                    };
                    report.skipped.push(Skipped {
                        name: source.name.clone(),
                        reason,
                    });
                    first_failure.get_or_insert(e);
                    state.files_done += 1;
                    state.bytes_done += source.size;
                    progress.report(&state);
                    continue;
                }
            };
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
            match self.commit_entry(entry, stored, &recipient).await? {
                Committed::New => {}
                Committed::Replaced => report.replaced += 1,
                Committed::Unchanged => {
                    report.unchanged += 1;
                    state.files_done += 1;
                    state.bytes_done += source.size;
                    progress.report(&state);
                    continue;
                }
            }
            report.files += 1;
            report.bytes += bytes;
            state.files_done += 1;
            state.bytes_done += source.size;
            progress.report(&state);
        }
        Ok(first_failure)
    }

    /// Records a stored blob: tag it (so it survives collection), then write its entry.
    /// Says whether an earlier entry of that name was replaced, or already held these
    /// very bytes (then nothing is written, and the new ciphertext is left to collection).
    /// `recipient` is the key the file was encrypted to: the entry is refused if the
    /// dataset no longer has that key (it was removed, or removed and created anew).
    async fn commit_entry(
        &self,
        entry: Entry,
        stored: Stored,
        recipient: &str,
    ) -> Result<Committed, VaultError> {
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
        // The same bytes again stay where they are, even in a sealed epoch: moving them
        // would change a sealed epoch's root under a grant that names it.
        if previous
            .as_ref()
            .is_some_and(|p| p.plaintext_hash == entry.plaintext_hash)
        {
            return Ok(Committed::Unchanged);
        }
        self.store()
            .await?
            .tags()
            .set(tag_name(&hash), hash)
            .await
            .map_err(|e| VaultError::blobs("recording the stored file", e))?;
        // The named tag protects the blob from collection now; the temporary one may go.
        drop(stored.temp_tag);
        // The blob store batches its commits; make the blob and its tag durable before the
        // manifest names them, so a crash never leaves an entry without its ciphertext.
        self.store()
            .await?
            .sync_db()
            .await
            .map_err(|e| VaultError::blobs("recording the stored file", e))?;
        let write = self.meta.put_write(Namespace::Entries, &parts, &entry)?;
        // The dataset's first file makes it a dataset to keep.
        let kept = MetaWrite::Delete(
            self.meta
                .key(Namespace::Provisional, &[entry.dataset.as_str().as_bytes()]),
        );
        self.meta.apply(vec![write, kept])?;
        if let Some(previous) = &previous
            && previous.blob_hash != entry.blob_hash
        {
            self.release_blob_if_unused(&previous.blob_hash).await?;
        }
        Ok(if previous.is_some() {
            Committed::Replaced
        } else {
            Committed::New
        })
    }

    async fn release_blob_if_unused(&self, blob_hash: &str) -> Result<(), VaultError> {
        let in_use = self
            .meta
            .scan::<Entry>(Namespace::Entries, &[])?
            .iter()
            .any(|e| e.blob_hash == blob_hash);
        if !in_use && let Ok(hash) = Hash::from_str(blob_hash) {
            self.store()
                .await?
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
        cancel: &CancellationToken,
    ) -> Result<Stored, VaultError> {
        let store = self.store().await?;
        let (tx, rx) = mpsc::channel::<io::Result<bytes::Bytes>>(4);
        let job = EncodeJob {
            path: source.path.clone(),
            id: source.id,
            follow: source.follow,
            dataset: dataset.to_string(),
            key: key.clone(),
            mode,
            state: state.clone(),
            progress,
            cancel: cancel.clone(),
        };
        let mut encoder = tokio::task::spawn_blocking(move || job.run(ChannelWriter::new(tx)));
        let import = async {
            store
                .add_stream(HaltOnError::new(rx))
                .await
                .temp_tag()
                .await
        };
        tokio::pin!(import);
        // The import is driven while the encoder runs. When the encoder fails first, the
        // import is dropped unfinished, which aborts it (see `HaltOnError`); when the
        // store gives up first (a full disk, say), the encoder only sees a closed pipe and
        // the store's own error says what happened.
        let (encoded, added) = tokio::select! {
            encoded = &mut encoder => (joined(encoded)?, import.await),
            added = &mut import => (joined(encoder.await)?, added),
        };
        let (encoded, temp_tag) = match (encoded, added) {
            (Ok(encoded), Ok(temp_tag)) => (encoded, temp_tag),
            (Err(VaultError::Blobs(_)), Err(store)) | (Ok(_), Err(store)) => {
                return Err(VaultError::blobs("storing the encrypted file", store));
            }
            (Err(encoder), _) => return Err(encoder),
        };
        Ok(Stored {
            hash: temp_tag.hash(),
            temp_tag,
            plaintext_len: encoded.plaintext_len,
            plaintext_hash: encoded.plaintext_hash,
            ciphertext_len: encoded.ciphertext_len,
        })
    }
}

/// What recording a stored file did.
enum Committed {
    /// A new name in the dataset.
    New,
    /// It replaced a different file of the same name.
    Replaced,
    /// The dataset already had these bytes under this name.
    Unchanged,
}

/// Why a file that failed on its own was skipped, or `None` when the failure is not the
/// file's own and stops the add.
fn skip_reason_for(error: &VaultError) -> Option<SkipReason> {
    match error {
        VaultError::ChangedWhileAdding { .. } => Some(SkipReason::ChangedWhileAdding),
        VaultError::Unreadable { source, .. } if source.kind() == io::ErrorKind::NotFound => {
            Some(SkipReason::ChangedWhileAdding)
        }
        VaultError::Unreadable { .. } => Some(SkipReason::Unreadable),
        _ => None,
    }
}

/// The encoder's result once its task has ended: `Err` ends the add with the encoder's
/// own error; a closed pipe (`Ok(Err(Blobs))`) means the store gave up, and the store's
/// error is the one to report.
fn joined(
    encoded: Result<Result<Encoded, VaultError>, tokio::task::JoinError>,
) -> Result<Result<Encoded, VaultError>, VaultError> {
    match encoded {
        Err(e) => Err(VaultError::Blobs(format!("encryption task failed: {e}"))),
        Ok(Err(VaultError::Blobs(pipe))) => Ok(Err(VaultError::Blobs(pipe))),
        Ok(Err(e)) => Err(e),
        Ok(Ok(encoded)) => Ok(Ok(encoded)),
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
    /// The file the folder walk saw at `path`.
    id: FileId,
    /// Whether `path` may be a link (a file named by the person).
    follow: bool,
    dataset: String,
    key: EpochKey,
    mode: AddMode,
    state: Progress,
    progress: Arc<dyn ProgressSink>,
    cancel: CancellationToken,
}

impl EncodeJob {
    fn run(self, sink: ChannelWriter) -> Result<Encoded, VaultError> {
        let changed = || VaultError::ChangedWhileAdding {
            path: self.path.clone(),
        };
        let unreadable = |source| VaultError::Unreadable {
            path: self.path.clone(),
            source,
        };
        let mut options = fs::OpenOptions::new();
        options.read(true);
        if !self.follow {
            // Found in a folder as a file: if it became a link since, it is not opened.
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
        }
        let file = match options.open(&self.path) {
            Ok(file) => file,
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                sink.fail(&io::Error::other("changed"));
                return Err(changed());
            }
            Err(e) => {
                sink.fail(&io::Error::other("unreadable"));
                return Err(unreadable(e));
            }
        };
        let before = file.metadata().map_err(unreadable)?;
        if crate::files::file_id(&before) != self.id {
            // Another file was put in its place since the folder was read.
            sink.fail(&io::Error::other("changed"));
            return Err(changed());
        }
        let encoded = match self.mode {
            AddMode::Plain => self.encrypt(&file, sink)?,
            AddMode::AgeEncrypted => self.check_and_copy(&file, sink)?,
        };
        let after = file.metadata().map_err(unreadable)?;
        // The path must still name the file read: one deleted or replaced meanwhile was
        // not the person's file as it is now.
        let now_at_path = if self.follow {
            fs::metadata(&self.path)
        } else {
            fs::symlink_metadata(&self.path)
        };
        let still_there = now_at_path.is_ok_and(|m| crate::files::file_id(&m) == self.id);
        let unchanged = still_there
            && before.len() == after.len()
            && before.modified().ok() == after.modified().ok()
            && encoded.source_len == after.len();
        if !unchanged {
            return Err(changed());
        }
        Ok(encoded)
    }

    fn report(&self, done: u64) {
        let mut state = self.state.clone();
        state.bytes_done += done;
        self.progress.report(&state);
    }

    fn encrypt(&self, mut file: &File, sink: ChannelWriter) -> Result<Encoded, VaultError> {
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

    /// Stores an age file as is, after checking that it is encrypted to this dataset's
    /// recipient alone (anyone else named in its header could read it wherever the
    /// ciphertext goes) and decrypting it fully to prove it is intact.
    fn check_and_copy(&self, mut file: &File, sink: ChannelWriter) -> Result<Encoded, VaultError> {
        let not_ours = |reason: String| VaultError::NotForThisDataset {
            path: self.path.clone(),
            dataset: self.dataset.clone(),
            reason,
        };
        let unreadable = |e: io::Error| VaultError::Unreadable {
            path: self.path.clone(),
            source: e,
        };
        // The header is read once: what is checked is what gets decrypted and stored.
        let (header, stanzas) = match crate::age_header::read_header(&mut file) {
            Ok(read) => read,
            Err(e) => {
                sink.fail(&io::Error::other("unreadable"));
                return Err(unreadable(e));
            }
        };
        if let Err(reason) = crate::age_header::only_one_x25519(&stanzas) {
            sink.fail(&io::Error::other("refused"));
            return Err(not_ours(reason));
        }
        let tee = SharedTee::new(TeeReader {
            inner: io::Cursor::new(header).chain(file),
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
struct SharedTee<'f>(std::rc::Rc<std::cell::RefCell<Option<TeeReader<AgeSource<'f>>>>>);

/// An age file being added: its header, already read and checked, then the rest.
type AgeSource<'f> = io::Chain<io::Cursor<Vec<u8>>, &'f File>;

impl<'f> SharedTee<'f> {
    fn new(tee: TeeReader<AgeSource<'f>>) -> Self {
        SharedTee(std::rc::Rc::new(std::cell::RefCell::new(Some(tee))))
    }

    fn fail(&self, why: &str) {
        if let Some(tee) = self.0.borrow().as_ref() {
            tee.copy.fail(&io::Error::other(why.to_owned()));
        }
    }

    fn into_inner(self) -> Option<TeeReader<AgeSource<'f>>> {
        std::rc::Rc::try_unwrap(self.0)
            .ok()
            .and_then(|cell| cell.into_inner())
    }
}

impl Read for SharedTee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.borrow_mut().as_mut() {
            Some(tee) => tee.read(buf),
            None => Ok(0),
        }
    }
}
