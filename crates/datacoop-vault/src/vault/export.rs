//! Exporting a dataset: each blob is decrypted (or copied, for `--age`) by a blocking
//! [`DecodeJob`] into an owner-only partial file, checked, then moved into place. The
//! ciphertext is read from the store by an async task ahead of the decryption
//! ([`crate::pipe::feed`]), so reading and decrypting overlap.

use super::*;

impl Vault {
    /// Decrypts a dataset into `out` (or writes its ciphertext and keys, see [`ExportMode`]).
    ///
    /// Refuses to overwrite existing files and to write through links below `out`. A file
    /// that fails verification stops the export with an error naming it; nothing partial
    /// of it is left behind. Names the folder cannot hold apart (a stored name that is a
    /// file and a folder at once, or two names a case-insensitive folder sees as one) are
    /// skipped and reported.
    pub async fn export(
        &self,
        dataset: &DatasetName,
        out: &Path,
        mode: ExportMode,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<ExportReport, VaultError> {
        let record = self.require_dataset(dataset)?;
        if fs::metadata(out).is_ok_and(|m| !m.is_dir()) {
            return Err(VaultError::ExportTargetNotAFolder {
                path: out.to_owned(),
            });
        }
        let (entries, mut skipped) = writable_entries(self.entries(dataset)?, mode);
        for (entry, target) in &entries {
            let path = safe_join(out, target).ok_or_else(|| VaultError::Integrity {
                dataset: dataset.to_string(),
                name: entry.name.clone(),
                reason: "the stored name is not a plain relative path".into(),
            })?;
            // An early answer only: writing never replaces whatever appears meanwhile.
            if fs::symlink_metadata(&path).is_ok() {
                return Err(VaultError::ExportTargetExists { path });
            }
        }
        let keys_file = out.join(KEYS_FILE);
        if mode == ExportMode::Age && fs::symlink_metadata(&keys_file).is_ok() {
            return Err(VaultError::ExportTargetExists { path: keys_file });
        }
        let root = Arc::new(OutDir::create(out)?);
        let mut state = Progress {
            current: String::new(),
            files_done: 0,
            files_total: entries.len() as u64,
            bytes_done: 0,
            bytes_total: entries.iter().map(|(e, _)| size_written(e, mode)).sum(),
        };
        let mut written = 0;
        let mut files = 0;
        let mut ours: HashSet<FileId> = HashSet::new();
        for (entry, target) in &entries {
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
            let exported = self
                .export_one(
                    &root,
                    entry,
                    target,
                    &key,
                    mode,
                    (&state, &progress),
                    cancel,
                )
                .await?;
            match exported {
                Exported::Written { bytes, id } => {
                    written += bytes;
                    files += 1;
                    ours.insert(id);
                }
                // The folder says the name is one this export already wrote: it does not
                // tell names apart by case.
                Exported::Taken(Some(id)) if ours.contains(&id) => skipped.push(Skipped {
                    name: entry.name.clone(),
                    reason: SkipReason::NameConflict,
                }),
                Exported::Taken(_) => {
                    return Err(VaultError::ExportTargetExists {
                        path: out.join(target),
                    });
                }
            }
            state.files_done += 1;
            state.bytes_done += size_written(entry, mode);
            progress.report(&state);
        }
        if mode == ExportMode::Age {
            write_keys_file(&root, &record)?;
        }
        Ok(ExportReport {
            files,
            bytes: written,
            out: out.to_owned(),
            skipped,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) async fn export_one(
        &self,
        root: &Arc<OutDir>,
        entry: &Entry,
        target: &str,
        key: &EpochKey,
        mode: ExportMode,
        (state, progress): (&Progress, &Arc<dyn ProgressSink>),
        cancel: &CancellationToken,
    ) -> Result<Exported, VaultError> {
        let integrity = |reason: String| VaultError::Integrity {
            dataset: entry.dataset.to_string(),
            name: entry.name.clone(),
            reason,
        };
        let hash = Hash::from_str(&entry.blob_hash).map_err(|e| integrity(e.to_string()))?;
        if !self
            .store()
            .await?
            .has(hash)
            .await
            .map_err(|e| VaultError::blobs("looking up a stored file", e))?
        {
            return Err(integrity(
                "its ciphertext is missing from the blob store".into(),
            ));
        }
        let (reader, feeder) = match self.blob_file(&hash, entry.stored_size) {
            Some(file) => (
                Ciphertext::File(BufReader::with_capacity(READ_CHUNK, file)),
                None,
            ),
            None => {
                // Small blobs live inside the store's database, and a store in memory
                // has no files: read through the store, ahead of the decryption.
                let (tx, rx) = mpsc::channel(READ_AHEAD);
                let leaves = self
                    .store()
                    .await?
                    .export_ranges(hash, 0..u64::MAX)
                    .stream()
                    .filter_map(|item| match item {
                        ExportRangesItem::Size(_) => None,
                        ExportRangesItem::Data(leaf) => Some(Ok(leaf.data)),
                        ExportRangesItem::Error(e) => Some(Err(e)),
                    });
                let feeder = tokio::spawn(crate::pipe::feed(Box::pin(leaves), tx));
                (Ciphertext::Store(ChannelReader::new(rx)), Some(feeder))
            }
        };
        let job = DecodeJob {
            key: key.clone(),
            mode,
            state: state.clone(),
            progress: progress.clone(),
            root: root.clone(),
            target: target.to_owned(),
            expected_plaintext: entry.plaintext_hash.clone(),
            expected_blob: entry.blob_hash.clone(),
            cancel: cancel.clone(),
        };
        let result = tokio::task::spawn_blocking(move || job.run(reader))
            .await
            .map_err(|e| VaultError::Blobs(format!("decryption task failed: {e}")));
        if let Some(feeder) = feeder {
            // Ends at once when the job stopped reading early (the channel closed).
            feeder.abort();
        }
        let result = result?;
        // A failed file's partial copy was removed when the job dropped it.
        match result {
            Ok(exported) => Ok(exported),
            Err(DecodeFailure::Integrity(reason)) => Err(integrity(reason)),
            Err(DecodeFailure::Other(e)) => Err(e),
        }
    }
}

/// Chunks of ciphertext read ahead of the decryption (of 256 KiB or more each).
const READ_AHEAD: usize = 8;

/// Chunks of plaintext decrypted ahead of the writing.
const PIPELINE_DEPTH: usize = 4;

/// Reads until `buf` is full or `from` ends (age's reader gives one 64 KiB chunk at a
/// time); the bytes read.
fn read_full(from: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match from.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl Vault {
    /// The file holding a complete blob's bytes in the file store, when it has one of
    /// the expected length.
    fn blob_file(&self, hash: &Hash, len: u64) -> Option<File> {
        let path = self.blob_paths.as_ref()?.data_path(hash);
        let file = File::open(path).ok()?;
        (file.metadata().ok()?.len() == len).then_some(file)
    }
}

/// Where a blob's ciphertext is read from.
enum Ciphertext {
    /// Its file in the store.
    File(BufReader<File>),
    /// Through the store.
    Store(ChannelReader),
}

impl Read for Ciphertext {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Ciphertext::File(r) => r.read(buf),
            Ciphertext::Store(r) => r.read(buf),
        }
    }
}

impl io::BufRead for Ciphertext {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Ciphertext::File(r) => r.fill_buf(),
            Ciphertext::Store(r) => r.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Ciphertext::File(r) => r.consume(amount),
            Ciphertext::Store(r) => r.consume(amount),
        }
    }
}

/// The bytes export writes for `entry`: its plaintext, or with `--age` its ciphertext.
fn size_written(entry: &Entry, mode: ExportMode) -> u64 {
    match mode {
        ExportMode::Plain => entry.size,
        ExportMode::Age => entry.stored_size,
    }
}

/// The file holding the epoch identities next to an `--age` export.
const KEYS_FILE: &str = "epoch-keys.txt";

fn write_keys_file(root: &OutDir, record: &DatasetRecord) -> Result<(), VaultError> {
    let mut text = zeroize::Zeroizing::new(String::from(
        "# datacoop epoch identities: decrypt a file with `age -d -i epoch-keys.txt FILE.age`\n",
    ));
    for epoch in &record.epochs {
        text.push_str(&format!(
            "# dataset {} epoch {}\n{}\n",
            record.name, epoch.index, epoch.secret
        ));
    }
    let path = root.path().join(KEYS_FILE);
    let mut partial = root
        .partial()
        .map_err(|e| VaultError::io("cannot write into", root.path(), e))?;
    partial
        .file_mut()
        .write_all(text.as_bytes())
        .map_err(|e| VaultError::io("cannot write", &path, e))?;
    match partial.persist_new(KEYS_FILE, true) {
        Ok(()) => Ok(()),
        Err(PersistError::Exists(_)) => Err(VaultError::ExportTargetExists { path }),
        Err(PersistError::Io(e)) => Err(VaultError::io("cannot write", &path, e)),
    }
}

/// What became of one file.
pub(super) enum Exported {
    Written {
        bytes: u64,
        id: FileId,
    },
    /// Its name was taken when it was to be given (by this file, if known).
    Taken(Option<FileId>),
}

enum DecodeFailure {
    Integrity(String),
    Other(VaultError),
}

/// The blocking half of exporting one file.
struct DecodeJob {
    key: EpochKey,
    mode: ExportMode,
    /// The export's progress when this file started; bytes within it are added.
    state: Progress,
    progress: Arc<dyn ProgressSink>,
    root: Arc<OutDir>,
    /// Its path below `root`, `/` between parts.
    target: String,
    expected_plaintext: String,
    expected_blob: String,
    cancel: CancellationToken,
}

impl DecodeJob {
    fn run(self, reader: Ciphertext) -> Result<Exported, DecodeFailure> {
        let (parents, file_name) = match self.target.rsplit_once('/') {
            Some((parents, name)) => (Some(parents), name),
            None => (None, self.target.as_str()),
        };
        let folder = self
            .root
            .folder(parents.into_iter().flat_map(|p| p.split('/')))
            .map_err(DecodeFailure::Other)?;
        let path = folder.path().join(file_name);
        let io_err = |action: &'static str, path: &Path, e: io::Error| {
            DecodeFailure::Other(VaultError::io(action, path, e))
        };
        let mut partial = folder
            .partial()
            .map_err(|e| io_err("cannot write into", folder.path(), e))?;
        let bytes = match self.mode {
            ExportMode::Plain => self.decrypt(reader, partial.file_mut(), &path)?,
            ExportMode::Age => self.copy_verified(reader, partial.file_mut(), &path)?,
        };
        let id = partial.id().map_err(|e| io_err("cannot write", &path, e))?;
        match partial.persist_new(file_name, false) {
            Ok(()) => Ok(Exported::Written { bytes, id }),
            Err(PersistError::Exists(id)) => Ok(Exported::Taken(id)),
            Err(PersistError::Io(e)) => Err(io_err("cannot write", &path, e)),
        }
    }

    /// Reads `from` to its end on this thread (decrypting, when it is age's reader) while
    /// a second thread hashes and writes what was read, so the two overlap. Buffers go
    /// round between the threads; at most [`PIPELINE_DEPTH`] wait to be written.
    fn pump(
        &self,
        mut from: impl Read,
        out: &mut File,
        path: &Path,
        hasher: &mut blake3::Hasher,
    ) -> Result<u64, DecodeFailure> {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<(Vec<u8>, usize)>(PIPELINE_DEPTH);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        for _ in 0..=PIPELINE_DEPTH {
            let _ = empty_tx.send(vec![0u8; READ_CHUNK]);
        }
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || -> io::Result<()> {
                for (buf, n) in full_rx {
                    hasher.update(&buf[..n]);
                    out.write_all(&buf[..n])?;
                    // The reader may have finished: a buffer nobody takes back is fine.
                    let _ = empty_tx.send(buf);
                }
                Ok(())
            });
            let mut total = 0u64;
            let read = loop {
                if self.cancel.is_cancelled() {
                    break Err(DecodeFailure::Other(VaultError::Cancelled));
                }
                // No buffer back means the writer stopped: its own error says why.
                let Ok(mut buf) = empty_rx.recv() else {
                    break Ok(total);
                };
                let n = match read_full(&mut from, &mut buf) {
                    Ok(0) => break Ok(total),
                    Ok(n) => n,
                    Err(e) => break Err(DecodeFailure::Integrity(e.to_string())),
                };
                if full_tx.send((buf, n)).is_err() {
                    break Ok(total);
                }
                total += n as u64;
                let mut state = self.state.clone();
                state.bytes_done += total;
                self.progress.report(&state);
            };
            drop(full_tx);
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the writing thread panicked")));
            written.map_err(|e| DecodeFailure::Other(VaultError::io("cannot write", path, e)))?;
            read
        })
    }

    fn decrypt(
        &self,
        reader: Ciphertext,
        out: &mut File,
        path: &Path,
    ) -> Result<u64, DecodeFailure> {
        let decryptor = age::Decryptor::new_buffered(reader)
            .map_err(|e| DecodeFailure::Integrity(e.to_string()))?;
        let plaintext = decryptor
            .decrypt(iter::once(self.key.age_identity() as &dyn age::Identity))
            .map_err(|e| DecodeFailure::Integrity(e.to_string()))?;
        let mut hasher = blake3::Hasher::new();
        let n = self.pump(plaintext, out, path, &mut hasher)?;
        if hasher.finalize().to_hex().as_str() != self.expected_plaintext {
            return Err(DecodeFailure::Integrity(
                "decrypted bytes differ from what was added".into(),
            ));
        }
        Ok(n)
    }

    fn copy_verified(
        &self,
        reader: Ciphertext,
        out: &mut File,
        path: &Path,
    ) -> Result<u64, DecodeFailure> {
        let mut hasher = blake3::Hasher::new();
        let n = self.pump(reader, out, path, &mut hasher)?;
        if hasher.finalize().to_hex().as_str() != self.expected_blob {
            return Err(DecodeFailure::Integrity(
                "ciphertext does not match its hash".into(),
            ));
        }
        Ok(n)
    }
}

/// The entries export can write as paths, each with its path below the export folder,
/// and the rest: names with a `\\` (stored by a version that accepted them) and names
/// whose paths would be a file and a folder at once (`a` beside `a/b`, or with `--age`,
/// `x` beside `x.age/y`). One such name never stops the rest of the dataset coming back.
pub(super) fn writable_entries(
    entries: Vec<Entry>,
    mode: ExportMode,
) -> (Vec<(Entry, String)>, Vec<Skipped>) {
    let (entries, odd): (Vec<Entry>, Vec<Entry>) = entries
        .into_iter()
        .partition(|e| !e.name.split('/').any(|part| part.contains('\\')));
    let mut skipped: Vec<Skipped> = odd
        .into_iter()
        .map(|e| Skipped {
            name: e.name,
            reason: SkipReason::UnsupportedName,
        })
        .collect();
    let targets = entries
        .into_iter()
        .map(|e| {
            let target = match mode {
                ExportMode::Plain => e.name.clone(),
                ExportMode::Age => format!("{}.age", e.name),
            };
            (e, target)
        })
        .collect();
    let (kept, conflicts) = without_conflicts(std::iter::empty(), targets, |(_, t)| t);
    skipped.extend(conflicts.into_iter().map(|(e, _)| Skipped {
        name: e.name,
        reason: SkipReason::NameConflict,
    }));
    (kept, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            dataset: DatasetName::new("d").unwrap(),
            name: name.into(),
            media_type: "text/plain".into(),
            size: 1,
            stored_size: 1,
            plaintext_hash: String::new(),
            blob_hash: String::new(),
            epoch: 0,
            added_at: 0,
        }
    }

    /// Names an older version stored and export cannot write are set aside, not fatal.
    #[test]
    fn odd_stored_names_are_set_aside() {
        let (kept, skipped) = writable_entries(
            vec![entry("a"), entry("a/b"), entry("c\\d"), entry("e/f")],
            ExportMode::Plain,
        );
        let kept: Vec<_> = kept.iter().map(|(e, _)| e.name.as_str()).collect();
        assert_eq!(kept, ["a", "e/f"]);
        let skipped: Vec<_> = skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason))
            .collect();
        assert_eq!(
            skipped,
            [
                ("c\\d", SkipReason::UnsupportedName),
                ("a/b", SkipReason::NameConflict)
            ]
        );
    }

    /// With `--age` every name gains `.age`, which can make two names collide that did
    /// not before: `x` (written `x.age`) beside `x.age/y` (written `x.age/y.age`).
    #[test]
    fn age_names_are_checked_as_written() {
        let entries = || vec![entry("x"), entry("x.age/y")];
        let (kept, skipped) = writable_entries(entries(), ExportMode::Plain);
        assert_eq!(kept.len(), 2);
        assert!(skipped.is_empty());
        let (kept, skipped) = writable_entries(entries(), ExportMode::Age);
        let kept: Vec<_> = kept.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(kept, ["x.age"]);
        assert_eq!(skipped[0].name, "x.age/y");
        assert_eq!(skipped[0].reason, SkipReason::NameConflict);
    }
}
