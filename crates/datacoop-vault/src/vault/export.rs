//! Exporting a dataset: each blob is decrypted (or copied, for `--age`) by a blocking
//! [`DecodeJob`] into an owner-only partial file, checked, then moved into place.

use super::*;

impl Vault {
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
        cancel: &CancellationToken,
    ) -> Result<ExportReport, VaultError> {
        let record = self.require_dataset(dataset)?;
        let (entries, skipped) = writable_entries(self.entries(dataset)?);
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
        create_private_dirs(out)?;
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
            written += self
                .export_one(out, entry, &target, &key, mode, cancel)
                .await?;
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
            datacoop_crypto::write_new_atomically(&keys_file, text.as_bytes())?;
        }
        Ok(ExportReport {
            files: entries.len() as u64,
            bytes: written,
            out: out.to_owned(),
            skipped,
        })
    }

    async fn export_one(
        &self,
        out: &Path,
        entry: &Entry,
        target: &Path,
        key: &EpochKey,
        mode: ExportMode,
        cancel: &CancellationToken,
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
        let folder = target.parent().unwrap_or(target);
        refuse_links_below(out, folder)?;
        create_private_dirs(folder)?;
        refuse_links_below(out, folder)?;
        let reader = tokio_util::io::SyncIoBridge::new(self.blobs.store().reader(hash));
        let job = DecodeJob {
            key: key.clone(),
            mode,
            folder: folder.to_owned(),
            target: target.to_owned(),
            expected_plaintext: entry.plaintext_hash.clone(),
            expected_blob: entry.blob_hash.clone(),
            cancel: cancel.clone(),
        };
        let result = tokio::task::spawn_blocking(move || job.run(reader))
            .await
            .map_err(|e| VaultError::Blobs(format!("decryption task failed: {e}")))?;
        // A failed file's partial copy was removed when the job dropped it.
        match result {
            Ok(n) => Ok(n),
            Err(DecodeFailure::Integrity(reason)) => Err(integrity(reason)),
            Err(DecodeFailure::Other(e)) => Err(e),
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
    /// Where the target goes: the partial file is made beside it.
    folder: PathBuf,
    target: PathBuf,
    expected_plaintext: String,
    expected_blob: String,
    cancel: CancellationToken,
}

impl DecodeJob {
    fn run(self, reader: impl Read) -> Result<u64, DecodeFailure> {
        let io_err = |action: &'static str, path: &Path, e: io::Error| {
            DecodeFailure::Other(VaultError::io(action, path, e))
        };
        // A new name nobody could have planted (random, created exclusively, 0600:
        // decrypted personal data is its owner's only), removed on any failure. A file
        // that merely looks like a partial copy is never touched.
        let mut partial = tempfile::Builder::new()
            .prefix(".datacoop-partial-")
            .tempfile_in(&self.folder)
            .map_err(|e| io_err("cannot create a file in", &self.folder, e))?;
        let written = match self.mode {
            ExportMode::Plain => self.decrypt(reader, partial.as_file_mut())?,
            ExportMode::Age => self.copy_verified(reader, partial.as_file_mut())?,
        };
        partial
            .as_file()
            .sync_all()
            .map_err(|e| io_err("cannot write", &self.target, e))?;
        // Never replaces a file that appeared at the target since the export started.
        match partial.persist_noclobber(&self.target) {
            Ok(_) => Ok(written),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                Err(DecodeFailure::Other(VaultError::ExportTargetExists {
                    path: self.target.clone(),
                }))
            }
            Err(e) => Err(io_err("cannot write", &self.target, e.error)),
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
                DecodeFailure::Other(VaultError::io("cannot write", &self.target, e))
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

/// Creates `dir` and any missing parents readable by their owner only (0700), whatever
/// the umask: the folders of an export name the member's files.
fn create_private_dirs(dir: &Path) -> Result<(), VaultError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| VaultError::io("cannot create", dir, e))
}

/// The entries export can write as paths, and the rest: names with a `\` (stored by a
/// version that accepted them) and names that are a file and a folder at once. One such
/// name never stops the rest of the dataset from coming back.
fn writable_entries(entries: Vec<Entry>) -> (Vec<Entry>, Vec<Skipped>) {
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
    let as_sources = entries
        .iter()
        .map(|e| Source {
            path: PathBuf::new(),
            name: e.name.clone(),
            size: e.size,
        })
        .collect();
    let (kept, conflicts) = without_conflicts(std::iter::empty(), as_sources);
    let kept: HashSet<String> = kept.into_iter().map(|s| s.name).collect();
    skipped.extend(conflicts);
    let entries = entries
        .into_iter()
        .filter(|e| kept.contains(&e.name))
        .collect();
    (entries, skipped)
}

/// Refuses to write through a symbolic link below the export folder: `out/x` linking to
/// another folder would put plaintext there. (The export folder itself may be a link the
/// person chose.) Checked before and after the folders are made; writing relative to an
/// opened folder (`openat`) would also close the window between check and write.
fn refuse_links_below(root: &Path, folder: &Path) -> Result<(), VaultError> {
    let Ok(below) = folder.strip_prefix(root) else {
        return Ok(());
    };
    let mut path = root.to_owned();
    for part in below.components() {
        path.push(part);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(VaultError::LinkInExportTarget { path });
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(VaultError::io("cannot read", &path, e)),
        }
    }
    Ok(())
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
        let (kept, skipped) =
            writable_entries(vec![entry("a"), entry("a/b"), entry("c\\d"), entry("e/f")]);
        let kept: Vec<_> = kept.iter().map(|e| e.name.as_str()).collect();
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
}
