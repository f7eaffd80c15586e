//! Access: what a member's node hands out when it releases a dataset (its epoch keys), the
//! request keys a trainer's node keeps, and writing out what was released to a trainer
//! from the epochs fetched into this store.

use datacoop_crypto::RequestKey;
use iroh_blobs::hashseq::HashSeq;
use serde::{Deserialize, Serialize};

use super::*;

/// One released epoch, fetched into this node's store: its root and its key.
#[derive(Debug, Clone)]
pub struct ReleasedEpoch {
    /// The epoch's number.
    pub epoch: u32,
    /// The root of its hash sequence (manifest, then files), complete in the store.
    pub root: Hash,
    /// Its key, from the capability.
    pub key: EpochKey,
}

/// One file written out of a released epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasedFile {
    /// Where it was written, relative to the output folder, `/`-separated.
    pub path: String,
    /// Its name in the member's dataset.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Plaintext bytes.
    pub size: u64,
    /// BLAKE3 of the plaintext, hex: checked after decryption.
    pub plaintext_hash: String,
    /// BLAKE3 of the ciphertext, hex.
    pub blob_hash: String,
    /// The epoch it came from.
    pub epoch: u32,
}

#[derive(Serialize, Deserialize)]
struct StoredRequestKey {
    secret: [u8; 32],
}

impl Drop for StoredRequestKey {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.secret.zeroize();
    }
}

impl Vault {
    /// The keys of `dataset`'s epochs `first..=last`, for a capability.
    pub fn epoch_keys(
        &self,
        dataset: &DatasetName,
        first: u32,
        last: u32,
    ) -> Result<Vec<(u32, EpochKey)>, VaultError> {
        let record = self.require_dataset(dataset)?;
        (first..=last)
            .map(|index| {
                let epoch = record
                    .epochs
                    .iter()
                    .find(|e| e.index == index)
                    .ok_or_else(|| {
                        VaultError::Record(format!(
                            "the key of epoch {index} of {dataset} is missing"
                        ))
                    })?;
                Ok((index, EpochKey::from_str(&epoch.secret)?))
            })
            .collect()
    }

    /// Keeps a request key (sealed like every record) until [`Vault::forget_request_key`].
    pub fn keep_request_key(&self, key: &RequestKey) -> Result<(), VaultError> {
        let public = key.public();
        let stored = StoredRequestKey {
            secret: *key.to_secret(),
        };
        let parts: [&[u8]; 1] = [public.as_slice()];
        self.meta.apply(vec![self.meta.put_write(
            Namespace::Access,
            &parts,
            &stored,
        )?])
    }

    /// The request key whose public half is `public`, if this node keeps it.
    pub fn request_key(&self, public: &[u8; 32]) -> Result<Option<RequestKey>, VaultError> {
        let parts: [&[u8]; 1] = [public.as_slice()];
        let stored: Option<StoredRequestKey> = self.meta.get(Namespace::Access, &parts)?;
        Ok(stored.map(|s| RequestKey::from_secret(s.secret)))
    }

    /// Deletes a request key: what was sealed to it no longer opens here.
    pub fn forget_request_key(&self, public: &[u8; 32]) -> Result<(), VaultError> {
        let parts: [&[u8]; 1] = [public.as_slice()];
        let key = self.meta.key(Namespace::Access, &parts);
        self.meta.apply(vec![MetaWrite::Delete(key)])
    }

    /// Reads a released epoch's manifest from the store and checks that the hash
    /// sequence lists exactly its files, in order.
    pub async fn released_manifest(&self, epoch: &ReleasedEpoch) -> Result<Manifest, VaultError> {
        let store = self.store().await?;
        let read = |e| VaultError::blobs("reading a released epoch", e);
        let seq = store.get_bytes(epoch.root).await.map_err(read)?;
        let seq = HashSeq::new(seq).ok_or_else(|| {
            VaultError::Record("a released epoch's root is not a hash sequence".into())
        })?;
        let hashes: Vec<Hash> = seq.into_iter().collect();
        let (manifest_hash, files) = hashes
            .split_first()
            .ok_or_else(|| VaultError::Record("a released epoch is empty".into()))?;
        let sealed = store.get_bytes(*manifest_hash).await.map_err(read)?;
        let manifest = Manifest::open(&sealed, &epoch.key)?;
        let listed: Vec<Hash> = manifest
            .files
            .iter()
            .map(|f| Hash::from_bytes(f.blob_hash))
            .collect();
        if manifest.epoch != epoch.epoch || listed != files {
            return Err(VaultError::Record(format!(
                "the manifest of released epoch {} does not match its hash sequence",
                epoch.epoch
            )));
        }
        Ok(manifest)
    }

    /// Decrypts released epochs (complete in this store) into `out`, each file below
    /// `prefix` under its name in the dataset, each checked against its manifest's hashes
    /// and written only complete. Refuses to replace anything already there.
    pub async fn export_released(
        &self,
        epochs: &[ReleasedEpoch],
        prefix: &str,
        out: &Path,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<Vec<ReleasedFile>, VaultError> {
        let mut planned = Vec::new();
        for epoch in epochs {
            let manifest = self.released_manifest(epoch).await?;
            for file in manifest.files {
                planned.push((epoch.key.clone(), epoch.epoch, file));
            }
        }
        // Named in messages about a file that fails its checks.
        let dataset =
            DatasetName::new("released").map_err(|e| VaultError::Record(e.to_string()))?;
        let entries: Vec<Entry> = planned
            .iter()
            .map(|(_, epoch, f)| Entry {
                dataset: dataset.clone(),
                name: f.name.clone(),
                media_type: f.media_type.clone(),
                size: f.size,
                stored_size: f.stored_size,
                plaintext_hash: Hash::from_bytes(f.plaintext_hash).to_hex().to_string(),
                blob_hash: Hash::from_bytes(f.blob_hash).to_hex().to_string(),
                epoch: *epoch,
                added_at: f.added_at,
            })
            .collect();
        let (writable, _skipped) = export::writable_entries(entries, ExportMode::Plain);
        let root = Arc::new(OutDir::create(out)?);
        let mut state = Progress {
            current: String::new(),
            files_done: 0,
            files_total: writable.len() as u64,
            bytes_done: 0,
            bytes_total: writable.iter().map(|(e, _)| e.size).sum(),
        };
        let mut written = Vec::new();
        for (entry, target) in &writable {
            if cancel.is_cancelled() {
                return Err(VaultError::Cancelled);
            }
            let key = planned
                .iter()
                .find(|(_, epoch, f)| {
                    *epoch == entry.epoch
                        && Hash::from_bytes(f.blob_hash).to_hex() == entry.blob_hash
                })
                .map(|(key, _, _)| key.clone())
                .ok_or_else(|| VaultError::Record("a released file lost its key".into()))?;
            let path = format!("{prefix}/{target}");
            state.current = path.clone();
            progress.report(&state);
            match self
                .export_one(
                    &root,
                    entry,
                    &path,
                    &key,
                    ExportMode::Plain,
                    (&state, &progress),
                    cancel,
                )
                .await?
            {
                export::Exported::Written { .. } => {}
                export::Exported::Taken(_) => {
                    return Err(VaultError::ExportTargetExists {
                        path: out.join(&path),
                    });
                }
            }
            state.files_done += 1;
            state.bytes_done += entry.size;
            progress.report(&state);
            written.push(ReleasedFile {
                path,
                name: entry.name.clone(),
                media_type: entry.media_type.clone(),
                size: entry.size,
                plaintext_hash: entry.plaintext_hash.clone(),
                blob_hash: entry.blob_hash.clone(),
                epoch: entry.epoch,
            });
        }
        Ok(written)
    }
}
