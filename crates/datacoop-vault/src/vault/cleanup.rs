//! Reclaiming what interrupted imports leave behind: files in the blob store's temporary
//! folder, and blobs that no entry names (an import killed after its ciphertext was
//! stored but before its entry was written).
//!
//! iroh-blobs collects garbage on a schedule (`GcConfig`) and offers no call to collect
//! once; [`Collector`] ticks that schedule every second and lets a collection through only
//! when one is due (asked for, or every few minutes), so the vault can ask for one after
//! a failed add and wait for one at open when there is something to reclaim.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use iroh_blobs::store::{GcConfig, ProtectOutcome};
use tokio::sync::watch;

use super::*;

/// How often the schedule ticks (a tick that is not due costs one atomic read).
const TICK: Duration = Duration::from_secs(1);
/// Collections happen at least this often while the vault is open, unless told otherwise
/// ([`Vault::set_collection_interval`]).
const PERIOD: Duration = Duration::from_secs(300);
/// The longest an open waits for the collection it asked for.
const OPEN_PATIENCE: Duration = Duration::from_secs(15);

/// Removes every file in the blob store's temporary folder. Only called before the store
/// is opened, by the home's owner: nothing else can be writing there.
pub(super) fn clear_temp_files(dir: &Path) -> Result<u64, VaultError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(VaultError::io("cannot read", dir, e)),
    };
    let mut freed = 0;
    for entry in entries {
        let entry = entry.map_err(|e| VaultError::io("cannot read", dir, e))?;
        let path = entry.path();
        let meta =
            fs::symlink_metadata(&path).map_err(|e| VaultError::io("cannot read", &path, e))?;
        if meta.is_file() {
            fs::remove_file(&path).map_err(|e| VaultError::io("cannot remove", &path, e))?;
            freed += meta.len();
        }
    }
    if freed > 0 {
        tracing::info!(
            freed,
            "removed temporary files left by an interrupted import"
        );
    }
    Ok(freed)
}

/// Lets the blob store's scheduled garbage collection run when one is due.
#[derive(Clone)]
pub(super) struct Collector {
    wanted: Arc<AtomicBool>,
    last: Arc<std::sync::Mutex<Instant>>,
    /// [`PERIOD`], or what the owner set, in milliseconds.
    period_ms: Arc<std::sync::atomic::AtomicU64>,
    /// How many times the schedule has ticked: a tick after the one that let a
    /// collection through means that collection has finished (runs are sequential).
    ticks: Arc<watch::Sender<u64>>,
}

impl Collector {
    pub(super) fn new() -> Self {
        Collector {
            wanted: Arc::new(AtomicBool::new(false)),
            last: Arc::new(std::sync::Mutex::new(Instant::now())),
            period_ms: Arc::new(std::sync::atomic::AtomicU64::new(PERIOD.as_millis() as u64)),
            ticks: Arc::new(watch::Sender::new(0)),
        }
    }

    /// The schedule to open the store with.
    pub(super) fn config(&self) -> GcConfig {
        let this = self.clone();
        GcConfig {
            interval: TICK,
            add_protected: Some(Arc::new(move |_live: &mut HashSet<Hash>| {
                this.ticks.send_modify(|n| *n += 1);
                let due = this.wanted.swap(false, Ordering::SeqCst) || this.period_passed();
                Box::pin(async move {
                    if due {
                        ProtectOutcome::Continue
                    } else {
                        ProtectOutcome::Abort
                    }
                })
            })),
        }
    }

    fn period_passed(&self) -> bool {
        let Ok(mut last) = self.last.lock() else {
            return false;
        };
        let period = Duration::from_millis(self.period_ms.load(Ordering::Relaxed));
        if last.elapsed() >= period {
            *last = Instant::now();
            true
        } else {
            false
        }
    }

    /// Collects at least every `every` from now on (one tick is the finest step).
    pub(super) fn set_period(&self, every: Duration) {
        let ms = u64::try_from(every.as_millis()).unwrap_or(u64::MAX).max(1);
        self.period_ms.store(ms, Ordering::Relaxed);
    }

    /// Asks for a collection at the next tick.
    pub(super) fn run_soon(&self) {
        self.wanted.store(true, Ordering::SeqCst);
    }

    /// Asks for a collection and waits until it has finished (or [`OPEN_PATIENCE`]).
    pub(super) async fn run_now(&self) {
        let mut ticks = self.ticks.subscribe();
        let asked_at = *ticks.borrow_and_update();
        self.run_soon();
        // The tick that lets the run through, then the next, which comes only after it.
        let finished = ticks.wait_for(|n| *n >= asked_at + 2);
        if tokio::time::timeout(OPEN_PATIENCE, finished).await.is_err() {
            tracing::warn!("the blob store's collection did not finish in time");
        }
    }
}

impl Vault {
    /// How often the blob store collects what no tag protects any more (dropped pins,
    /// replaced files); every 5 minutes unless set. Vaults in memory never collect.
    pub fn set_collection_interval(&self, every: Duration) {
        if let Some(collector) = &self.collector {
            collector.set_period(every);
        }
    }

    /// [`Vault::release_orphans_in`] the vault's own store.
    #[cfg(test)]
    pub(super) async fn release_orphans(&self) -> Result<bool, VaultError> {
        self.release_orphans_in(self.store().await?).await
    }

    /// Releases the tags of blobs no entry references (an import killed after tagging
    /// but before its entry was written), then says whether the store holds a blob no tag
    /// protects, which the next collection removes. One pass over the tags.
    pub(super) async fn release_orphans_in(&self, store: &Store) -> Result<bool, VaultError> {
        let referenced: HashSet<String> = self
            .meta
            .scan::<Entry>(Namespace::Entries, &[])?
            .into_iter()
            .map(|e| e.blob_hash)
            .collect();
        let (published, mut tagged) = self.published_blobs()?;
        let mut orphans = Vec::new();
        let mut tags = store
            .tags()
            .list()
            .await
            .map_err(|e| VaultError::blobs("listing blob tags", e))?;
        while let Some(tag) = tags.next().await {
            let tag = tag.map_err(|e| VaultError::blobs("listing blob tags", e))?;
            let hex = tag.hash.to_hex();
            let name = &tag.name.0;
            let unreferenced = (name.starts_with(TAG_PREFIX) && !referenced.contains(&hex))
                || ((name.starts_with(epochs::EPOCH_TAG_PREFIX)
                    || name.starts_with(epochs::BACKUP_TAG_PREFIX))
                    && !published.contains(&hex));
            if unreferenced {
                orphans.push(tag.name);
            } else {
                tagged.insert(tag.hash);
            }
        }
        for name in orphans {
            tracing::info!("releasing an unreferenced blob left by an interrupted import");
            store
                .tags()
                .delete(name)
                .await
                .map_err(|e| VaultError::blobs("releasing a blob tag", e))?;
        }
        let mut blobs = store
            .blobs()
            .list()
            .stream()
            .await
            .map_err(|e| VaultError::blobs("listing blobs", e))?;
        while let Some(hash) = blobs.next().await {
            let hash = hash.map_err(|e| VaultError::blobs("listing blobs", e))?;
            if !tagged.contains(&hash) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a killed import leaves — a temporary file, a stored blob without its entry,
    /// a new dataset without a file — is gone once the vault has opened again.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_next_open_reclaims_what_an_interrupted_import_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault");
        let secrets = KeystoreSecrets::generate("Ada");
        let vault = Vault::open(&path, &secrets).await.unwrap();
        let kept = DatasetName::new("kept").unwrap();
        let lost = DatasetName::new("lost").unwrap();
        let category: Category = "fitness".parse().unwrap();
        let file = dir.path().join("a.txt");
        fs::write(&file, b"stays").unwrap();
        vault
            .add(
                &kept,
                Some(&category),
                std::slice::from_ref(&file),
                AddMode::Plain,
                Arc::new(crate::NoProgress),
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        // As an add killed partway leaves them: a dataset it created, the ciphertext it
        // stored with no tag or entry, and a temporary file of the store's.
        assert!(
            vault
                .get_or_create_dataset(&lost, Some(&category), true)
                .unwrap()
        );
        let orphan = vault
            .store()
            .await
            .unwrap()
            .add_bytes(vec![1u8; 1 << 20])
            .temp_tag()
            .await
            .unwrap();
        let orphan_hash = orphan.hash();
        drop(orphan);
        assert!(vault.release_orphans().await.unwrap());
        vault.close().await;
        let temp = path.join("blobs/temp");
        fs::create_dir_all(&temp).unwrap();
        fs::write(temp.join("leftover"), vec![0u8; 1 << 20]).unwrap();

        let vault = Vault::open(&path, &secrets).await.unwrap();
        // Reading records leaves the blob store closed and its files as they were.
        assert_eq!(vault.entries(&kept).unwrap().len(), 1);
        assert_eq!(fs::read_dir(&temp).unwrap().count(), 1);
        vault.open_blob_store().await.unwrap();
        assert_eq!(fs::read_dir(&temp).unwrap().count(), 0);
        assert!(!vault.store().await.unwrap().has(orphan_hash).await.unwrap());
        assert!(!vault.release_orphans().await.unwrap());
        let names: Vec<_> = vault
            .datasets()
            .unwrap()
            .into_iter()
            .map(|d| d.name.to_string())
            .collect();
        assert_eq!(names, ["kept"]);
        assert_eq!(vault.entries(&kept).unwrap().len(), 1);
        vault.close().await;
    }
}
