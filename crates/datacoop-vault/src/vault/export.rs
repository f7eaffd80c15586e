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
            datacoop_crypto::write_new_atomically(&keys_file, text.as_bytes())?;
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
    cancel: CancellationToken,
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
