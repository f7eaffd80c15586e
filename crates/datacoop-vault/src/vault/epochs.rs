//! Epochs as peers see them. Each epoch of a dataset is published as:
//!
//! - its **manifest** ([`Manifest`]): the epoch's files (names, media types, sizes, content
//!   and blob hashes) and the previous epoch's root, age-encrypted to the epoch's key;
//! - a **hash sequence** `[manifest, file, file, …]` whose hash is the epoch's **root**: one
//!   hash names everything a holder must keep and a grant will unlock;
//! - a **key backup**: the epoch key sealed to the member ([`KeyBackup`]).
//!
//! The root and the backup carry named tags (`dc/epoch/<root>`, `dc/backup/<hash>`) so
//! collection keeps them; sled keeps only what finds them again ([`EpochState`]). A
//! manifest is rebuilt only when what it lists changed (its plaintext digest differs),
//! and an earlier epoch's new root changes every later manifest through the chain.

use std::collections::BTreeMap;

use datacoop_crypto::{BackupOf, KeyBackup, KeyedHasher};
use iroh_blobs::hashseq::HashSeq;
use iroh_blobs::{BlobFormat, HashAndFormat};
use serde::{Deserialize, Serialize};

use super::*;

/// Tags naming epoch roots (hash sequences).
pub(crate) const EPOCH_TAG_PREFIX: &[u8] = b"dc/epoch/";
/// Tags naming key backups.
pub(crate) const BACKUP_TAG_PREFIX: &[u8] = b"dc/backup/";

const MANIFEST_MAGIC: &[u8; 4] = b"dcmf";
const MANIFEST_VERSION: u8 = 1;

/// A dataset's public id: a keyed hash of the name it was created with, so the log can
/// name it without naming it, and a rename keeps it.
pub fn dataset_id(hasher: &KeyedHasher, name: &str) -> [u8; 32] {
    hasher.hash(&[b"datacoop dataset id v1", name.as_bytes()])
}

/// One file of an epoch, as its manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Its path in the dataset, `/`-separated.
    pub name: String,
    /// Guessed from the name.
    pub media_type: String,
    /// Plaintext bytes.
    pub size: u64,
    /// Ciphertext bytes.
    pub stored_size: u64,
    /// BLAKE3 of the plaintext.
    pub plaintext_hash: [u8; 32],
    /// BLAKE3 of the ciphertext (the blob).
    pub blob_hash: [u8; 32],
    /// Unix seconds when it was added.
    pub added_at: u64,
}

/// What one epoch holds. Version 1 encoding: `"dcmf" || 0x01 || postcard(manifest)`,
/// files sorted by name; stored age-encrypted to the epoch's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The epoch's number.
    pub epoch: u32,
    /// The previous epoch's root (none for epoch 0): the chain a grant's range follows.
    pub previous: Option<[u8; 32]>,
    /// The files, sorted by name; in the hash sequence they follow the manifest in this
    /// order.
    pub files: Vec<ManifestFile>,
}

impl Manifest {
    /// The canonical plaintext encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = MANIFEST_MAGIC.to_vec();
        out.push(MANIFEST_VERSION);
        // Serialising owned plain data into a Vec cannot fail.
        out.extend(postcard::to_allocvec(self).unwrap_or_default());
        out
    }

    /// Decodes [`Manifest::encode`]'s output, refusing anything else.
    pub fn decode(bytes: &[u8]) -> Result<Self, VaultError> {
        let damaged = |why: &str| VaultError::Record(format!("the epoch manifest {why}"));
        let body = bytes
            .strip_prefix(MANIFEST_MAGIC.as_slice())
            .ok_or_else(|| damaged("is not a datacoop manifest"))?;
        match body.split_first() {
            Some((&MANIFEST_VERSION, rest)) => {
                let (manifest, left): (Manifest, _) = postcard::take_from_bytes(rest)
                    .map_err(|e| damaged(&format!("is damaged ({e})")))?;
                if !left.is_empty() {
                    return Err(damaged("has bytes after its end"));
                }
                Ok(manifest)
            }
            Some((version, _)) => Err(damaged(&format!(
                "has version {version}; this datacoop reads version {MANIFEST_VERSION}"
            ))),
            None => Err(damaged("is empty")),
        }
    }

    /// Encrypts the manifest to `key`'s recipient (age).
    pub fn seal(&self, key: &EpochKey) -> Result<Vec<u8>, VaultError> {
        let recipient = key.recipient();
        let encryptor =
            age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| VaultError::Blobs(format!("cannot start encryption: {e}")))?;
        let mut out = Vec::new();
        let mut writer = encryptor
            .wrap_output(&mut out)
            .map_err(|e| VaultError::Blobs(format!("cannot start encryption: {e}")))?;
        writer
            .write_all(&self.encode())
            .and_then(|()| writer.finish().map(|_| ()))
            .map_err(|e| VaultError::Blobs(format!("cannot encrypt the manifest: {e}")))?;
        Ok(out)
    }

    /// Decrypts a sealed manifest with the epoch's key and decodes it.
    pub fn open(sealed: &[u8], key: &EpochKey) -> Result<Self, VaultError> {
        let decryptor = age::Decryptor::new(sealed)
            .map_err(|e| VaultError::Record(format!("the epoch manifest is not age: {e}")))?;
        let mut reader = decryptor
            .decrypt(iter::once(key.age_identity() as &dyn age::Identity))
            .map_err(|e| VaultError::Record(format!("the epoch manifest does not open: {e}")))?;
        let mut plain = Vec::new();
        reader
            .read_to_end(&mut plain)
            .map_err(|e| VaultError::Record(format!("the epoch manifest is damaged: {e}")))?;
        Manifest::decode(&plain)
    }
}

/// What one epoch of a dataset is published as: what the log announces and stewards pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedEpoch {
    /// The dataset's public id ([`dataset_id`]).
    pub dataset: [u8; 32],
    /// The epoch's number.
    pub epoch: u32,
    /// BLAKE3 of the hash sequence `[manifest, files…]`.
    pub root: Hash,
    /// BLAKE3 of the encrypted manifest.
    pub manifest: Hash,
    /// BLAKE3 of the key backup.
    pub key_backup: Hash,
    /// Files in the epoch.
    pub files: u64,
    /// Bytes a holder keeps: the sequence, the manifest, the files and the backup.
    pub size: u64,
}

/// What sled keeps of a published epoch.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct EpochState {
    epoch: u32,
    /// BLAKE3 of the manifest's plaintext: unchanged means nothing to rebuild.
    digest: [u8; 32],
    root: [u8; 32],
    manifest: [u8; 32],
    key_backup: [u8; 32],
    backup_len: u64,
    files: u64,
    size: u64,
}

fn tag(prefix: &[u8], hash: &Hash) -> Vec<u8> {
    let mut name = prefix.to_vec();
    name.extend_from_slice(hash.to_hex().as_bytes());
    name
}

fn parse_hash(hex: &str) -> Result<[u8; 32], VaultError> {
    Hash::from_str(hex)
        .map(|h| *h.as_bytes())
        .map_err(|_| VaultError::Record("a stored blob hash is damaged".into()))
}

impl Vault {
    /// The public id of a dataset (stable across renames).
    pub fn dataset_id(&self, name: &DatasetName) -> Result<[u8; 32], VaultError> {
        Ok(dataset_id(self.meta.hasher(), &self.origin_name(name)?))
    }

    /// Publishes every epoch of `dataset` that has files (or is followed by one that
    /// does) and returns them in order: manifests rebuilt where their files changed, key
    /// backups made once per epoch. The current epoch is left out while it is empty.
    pub async fn publish_epochs(
        &self,
        dataset: &DatasetName,
    ) -> Result<Vec<PublishedEpoch>, VaultError> {
        let _serialised = self.entries_lock.lock().await;
        self.publish_epochs_locked(dataset).await
    }

    /// [`Vault::publish_epochs`] with the entry lock held.
    pub(crate) async fn publish_epochs_locked(
        &self,
        dataset: &DatasetName,
    ) -> Result<Vec<PublishedEpoch>, VaultError> {
        let record = self.require_dataset(dataset)?;
        let id = self.dataset_id(dataset)?;
        let mut by_epoch: BTreeMap<u32, Vec<Entry>> = BTreeMap::new();
        for entry in self.entries(dataset)? {
            by_epoch.entry(entry.epoch).or_default().push(entry);
        }
        let newest_with_files = by_epoch.keys().next_back().copied();
        let mut published = Vec::new();
        let mut previous = None;
        for epoch in &record.epochs {
            if newest_with_files.is_none_or(|newest| epoch.index > newest) {
                break;
            }
            let files = by_epoch.remove(&epoch.index).unwrap_or_default();
            let one = self.publish_epoch(id, epoch, &files, previous).await?;
            previous = Some(*one.root.as_bytes());
            published.push(one);
        }
        Ok(published)
    }

    async fn publish_epoch(
        &self,
        id: [u8; 32],
        epoch: &EpochRecord,
        entries: &[Entry],
        previous: Option<[u8; 32]>,
    ) -> Result<PublishedEpoch, VaultError> {
        let mut files = Vec::with_capacity(entries.len());
        for e in entries {
            files.push(ManifestFile {
                name: e.name.clone(),
                media_type: e.media_type.clone(),
                size: e.size,
                stored_size: e.stored_size,
                plaintext_hash: parse_hash(&e.plaintext_hash)?,
                blob_hash: parse_hash(&e.blob_hash)?,
                added_at: e.added_at,
            });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let manifest = Manifest {
            epoch: epoch.index,
            previous,
            files,
        };
        let digest = *blake3::hash(&manifest.encode()).as_bytes();
        let parts: [&[u8]; 2] = [&id, &epoch.index.to_be_bytes()];
        let stored: Option<EpochState> = self.meta.get(Namespace::Epochs, &parts)?;
        if let Some(state) = &stored
            && state.digest == digest
        {
            return Ok(state.published(id));
        }
        let key = EpochKey::from_str(&epoch.secret)?;
        let store = self.store().await?;
        let failed = |e: iroh_blobs::api::RequestError| VaultError::blobs("publishing an epoch", e);
        let sealed = manifest.seal(&key)?;
        let manifest_len = sealed.len() as u64;
        // Held until the sequence's tag protects the manifest.
        let manifest_tag = store.add_bytes(sealed).temp_tag().await.map_err(failed)?;
        let manifest_hash = manifest_tag.hash();
        let sequence: HashSeq = iter::once(manifest_hash)
            .chain(manifest.files.iter().map(|f| Hash::from_bytes(f.blob_hash)))
            .collect();
        let sequence = sequence.into_inner();
        let sequence_len = sequence.len() as u64;
        let root = Hash::new(&sequence);
        store
            .add_bytes_with_opts((sequence, BlobFormat::HashSeq))
            .with_named_tag(tag(EPOCH_TAG_PREFIX, &root))
            .await
            .map_err(failed)?;
        drop(manifest_tag);
        let (key_backup, backup_len) = match &stored {
            Some(state) => (Hash::from_bytes(state.key_backup), state.backup_len),
            None => {
                let of = BackupOf {
                    dataset: id,
                    epoch: u64::from(epoch.index),
                };
                let backup = KeyBackup::seal(&key, &self.owner_agreement_key, &of)?;
                let bytes = backup.as_bytes().to_vec();
                let len = bytes.len() as u64;
                let hash = Hash::new(&bytes);
                store
                    .add_bytes(bytes)
                    .with_named_tag(tag(BACKUP_TAG_PREFIX, &hash))
                    .await
                    .map_err(failed)?;
                (hash, len)
            }
        };
        // Durable before sled names them, as for files.
        store
            .sync_db()
            .await
            .map_err(|e| VaultError::blobs("publishing an epoch", e))?;
        let files_size: u64 = manifest.files.iter().map(|f| f.stored_size).sum();
        let state = EpochState {
            epoch: epoch.index,
            digest,
            root: *root.as_bytes(),
            manifest: *manifest_hash.as_bytes(),
            key_backup: *key_backup.as_bytes(),
            backup_len,
            files: manifest.files.len() as u64,
            size: sequence_len + manifest_len + files_size + backup_len,
        };
        self.meta.apply(vec![self.meta.put_write(
            Namespace::Epochs,
            &parts,
            &state,
        )?])?;
        if let Some(old) = stored
            && old.root != state.root
        {
            store
                .tags()
                .delete(tag(EPOCH_TAG_PREFIX, &Hash::from_bytes(old.root)))
                .await
                .map_err(|e| VaultError::blobs("releasing an epoch's old root", e))?;
        }
        Ok(state.published(id))
    }

    /// Starts a new epoch of `dataset` under a new key and returns its number: files
    /// added from now on go to it, never to a sealed epoch. Waits for adds in progress
    /// (they finish under the epoch they started in).
    pub async fn seal_epoch(&self, dataset: &DatasetName) -> Result<u32, VaultError> {
        let _no_adds = self.adds.write().await;
        let _serialised = self.entries_lock.lock().await;
        let next = {
            let _datasets = self
                .datasets_lock
                .lock()
                .map_err(|_| VaultError::Meta("the dataset lock was poisoned".into()))?;
            let mut record = self.require_dataset(dataset)?;
            let next = record.epochs.last().map_or(0, |e| e.index + 1);
            record.epochs.push(EpochRecord {
                index: next,
                secret: EpochKey::generate()
                    .to_secret_string()
                    .expose_secret()
                    .to_owned(),
                started_at: now(),
            });
            let parts: [&[u8]; 1] = [dataset.as_str().as_bytes()];
            self.meta.apply(vec![self.meta.put_write(
                Namespace::Datasets,
                &parts,
                &record,
            )?])?;
            next
        };
        self.publish_epochs_locked(dataset).await?;
        Ok(next)
    }

    /// What `dataset`'s epochs were last published as, in order, without publishing
    /// anything (listing reads this).
    pub fn published_epochs(
        &self,
        dataset: &DatasetName,
    ) -> Result<Vec<PublishedEpoch>, VaultError> {
        let id = self.dataset_id(dataset)?;
        let mut states: Vec<EpochState> = self.meta.scan(Namespace::Epochs, &[id.as_slice()])?;
        states.sort_by_key(|s| s.epoch);
        Ok(states.iter().map(|s| s.published(id)).collect())
    }

    /// Whether a file of `dataset` has no complete ciphertext here (it was lost).
    pub async fn lacks_ciphertext(&self, dataset: &DatasetName) -> Result<bool, VaultError> {
        let store = self.store().await?;
        for entry in self.entries(dataset)? {
            let hash = Hash::from_bytes(parse_hash(&entry.blob_hash)?);
            let held = store
                .has(hash)
                .await
                .map_err(|e| VaultError::blobs("reading the blob store", e))?;
            if !held {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Tags every blob `dataset`'s records name, whether held or not, so that what is
    /// fetched back is kept as it arrives.
    pub async fn restore_tags(&self, dataset: &DatasetName) -> Result<(), VaultError> {
        let _serialised = self.entries_lock.lock().await;
        let store = self.store().await?;
        let failed = |e| VaultError::blobs("restoring the blob tags", e);
        for entry in self.entries(dataset)? {
            let hash = Hash::from_bytes(parse_hash(&entry.blob_hash)?);
            store
                .tags()
                .set(tag_name(&hash), hash)
                .await
                .map_err(failed)?;
        }
        let id = self.dataset_id(dataset)?;
        let states: Vec<EpochState> = self.meta.scan(Namespace::Epochs, &[id.as_slice()])?;
        for state in states {
            let root = Hash::from_bytes(state.root);
            let backup = Hash::from_bytes(state.key_backup);
            store
                .tags()
                .set(tag(EPOCH_TAG_PREFIX, &root), HashAndFormat::hash_seq(root))
                .await
                .map_err(failed)?;
            store
                .tags()
                .set(tag(BACKUP_TAG_PREFIX, &backup), backup)
                .await
                .map_err(failed)?;
        }
        Ok(())
    }

    /// What sled knows was published, for the orphan sweep, from one scan: the roots and
    /// backups (hex, as tags name them) and the encrypted manifests (kept by their
    /// sequence's tag, not by one of their own).
    pub(crate) fn published_blobs(&self) -> Result<(HashSet<String>, HashSet<Hash>), VaultError> {
        let states: Vec<EpochState> = self.meta.scan(Namespace::Epochs, &[])?;
        let tagged = states
            .iter()
            .flat_map(|s| [Hash::from_bytes(s.root), Hash::from_bytes(s.key_backup)])
            .map(|h| h.to_hex().to_string())
            .collect();
        let manifests = states
            .iter()
            .map(|s| Hash::from_bytes(s.manifest))
            .collect();
        Ok((tagged, manifests))
    }
}

impl EpochState {
    fn published(&self, dataset: [u8; 32]) -> PublishedEpoch {
        PublishedEpoch {
            dataset,
            epoch: self.epoch,
            root: Hash::from_bytes(self.root),
            manifest: Hash::from_bytes(self.manifest),
            key_backup: Hash::from_bytes(self.key_backup),
            files: self.files,
            size: self.size,
        }
    }
}

#[cfg(test)]
#[path = "epochs_tests.rs"]
mod tests;
