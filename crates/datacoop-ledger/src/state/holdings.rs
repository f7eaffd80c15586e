//! What members' datasets consist of, as the log says (rule set 5): each dataset's owner
//! and, per epoch, the root of its hash sequence and its key backup. Stewards pin these;
//! serving peers look a requested hash up here before they answer.

use std::collections::HashMap;

use crate::{Hash, KeyBytes, LedgerError};

/// One epoch of a dataset as last announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochRoot {
    /// The dataset's id.
    pub dataset: Hash,
    /// The epoch's number.
    pub epoch: u32,
    /// BLAKE3 of its hash sequence (encrypted manifest, then the files).
    pub root: Hash,
    /// BLAKE3 of its key backup blob.
    pub key_backup: Hash,
    /// Bytes a holder keeps for it.
    pub size: u64,
    /// The member whose dataset it is.
    pub owner: KeyBytes,
}

/// What an announced hash is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncedBlob {
    /// The root of an epoch's hash sequence.
    EpochRoot(EpochRoot),
    /// An epoch's key backup.
    KeyBackup(EpochRoot),
}

impl AnnouncedBlob {
    /// The epoch it belongs to.
    pub fn epoch(&self) -> &EpochRoot {
        match self {
            AnnouncedBlob::EpochRoot(e) | AnnouncedBlob::KeyBackup(e) => e,
        }
    }
}

/// Datasets' owners and current epochs, with a reverse index from hash to epoch so a
/// blob request's check is one map lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct Holdings {
    owners: HashMap<Hash, KeyBytes>,
    epochs: HashMap<Hash, Vec<EpochRoot>>,
    by_hash: HashMap<Hash, AnnouncedBlob>,
    /// Who reported holding each current root.
    holders: HashMap<Hash, Vec<KeyBytes>>,
}

impl Holdings {
    /// A dataset's first announcer (of the dataset, or of an epoch when that announcement
    /// was erased) is its owner; later announcers are not.
    pub(crate) fn claim(&mut self, dataset: Hash, author: KeyBytes) {
        self.owners.entry(dataset).or_insert(author);
    }

    pub(crate) fn owner(&self, dataset: &Hash) -> Option<KeyBytes> {
        self.owners.get(dataset).copied()
    }

    /// Records an epoch announcement by `author`: only the owner announces, epochs come
    /// in order (the next one, or one already announced again).
    pub(crate) fn announce(
        &mut self,
        author: KeyBytes,
        next: EpochRoot,
    ) -> Result<(), LedgerError> {
        self.claim(next.dataset, author);
        if self.owner(&next.dataset) != Some(author) {
            return Err(LedgerError::Unauthorized {
                reason: "only the dataset's owner announces its epochs".into(),
            });
        }
        let epochs = self.epochs.entry(next.dataset).or_default();
        let known = epochs.len() as u64;
        if u64::from(next.epoch) > known {
            return Err(LedgerError::InvalidReference {
                reason: format!(
                    "epoch {} announced before epoch {known} of its dataset",
                    next.epoch
                ),
            });
        }
        let next = EpochRoot {
            owner: author,
            ..next
        };
        if let Some(old) = epochs.get_mut(next.epoch as usize) {
            self.by_hash.remove(&old.root);
            self.by_hash.remove(&old.key_backup);
            self.holders.remove(&old.root);
            *old = next;
        } else {
            epochs.push(next);
        }
        self.by_hash
            .insert(next.root, AnnouncedBlob::EpochRoot(next));
        self.by_hash
            .insert(next.key_backup, AnnouncedBlob::KeyBackup(next));
        Ok(())
    }

    /// Records that `steward` holds `root`, if it is a current epoch root.
    pub(crate) fn pinned(&mut self, root: Hash, steward: KeyBytes) {
        if matches!(self.by_hash.get(&root), Some(AnnouncedBlob::EpochRoot(_))) {
            let holders = self.holders.entry(root).or_default();
            if !holders.contains(&steward) {
                holders.push(steward);
            }
        }
    }

    pub(crate) fn holders(&self, root: &Hash) -> &[KeyBytes] {
        self.holders.get(root).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn epochs_of(&self, dataset: &Hash) -> &[EpochRoot] {
        self.epochs.get(dataset).map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &EpochRoot> {
        self.epochs.values().flatten()
    }

    pub(crate) fn lookup(&self, hash: &Hash) -> Option<&AnnouncedBlob> {
        self.by_hash.get(hash)
    }
}
