//! Ciphertext across the cooperative: a member's node announces what its datasets are
//! (epoch roots and key backups, no names); a steward's node pins every member's announced
//! epochs with named tags and reports what it holds on the log; any node fetches an epoch
//! from whichever holder answers.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;

use datacoop_core::{Category, Role};
use datacoop_ledger::{Body, CoopState, EpochRoot, MAX_LIST};
use datacoop_net::blobs::FetchEvent;
use datacoop_vault::PublishedEpoch;
use futures_lite::StreamExt;
use iroh_blobs::{Hash, HashAndFormat};

use super::*;

/// Tags a steward's node keeps pinned epochs under (the vault's own tags are `dc/blob/`,
/// `dc/epoch/` and `dc/backup/`; its sweeps never touch these).
const PIN_EPOCH: &[u8] = b"dc/pin/epoch/";
const PIN_BACKUP: &[u8] = b"dc/pin/backup/";

pub(super) fn tag(prefix: &[u8], hash: &Hash) -> Vec<u8> {
    let mut name = prefix.to_vec();
    name.extend_from_slice(hash.to_hex().as_bytes());
    name
}

pub(super) fn store_error(action: &str, error: impl std::error::Error + 'static) -> NodeError {
    NodeError::Vault(datacoop_vault::VaultError::blobs(action, error))
}

/// Whether this node's datasets are on the log as they are now.
pub(crate) enum Announced {
    /// They are (or were just announced).
    Done,
    /// This node cannot announce yet: it is in no cooperative, or only as a trainer.
    NotYet,
}

/// One local dataset as the log should know it.
pub(super) struct Wanted {
    pub(super) id: [u8; 32],
    pub(super) category: Category,
    pub(super) epochs: Vec<PublishedEpoch>,
}

/// The operations that bring the log up to `wanted`: a dataset announcement where none
/// was made, and an epoch announcement wherever the log's root or backup differs.
pub(super) fn announcement_bodies(state: &CoopState, wanted: &[Wanted]) -> Vec<Body> {
    let mut bodies = Vec::new();
    for dataset in wanted {
        if state.dataset_category(&dataset.id).is_none() {
            bodies.push(Body::DatasetAnnounce {
                dataset: dataset.id,
                category: dataset.category.clone(),
            });
        }
        let known = state.epochs_of(&dataset.id);
        for epoch in &dataset.epochs {
            let same = known.get(epoch.epoch as usize).is_some_and(|k| {
                k.root == *epoch.root.as_bytes() && k.key_backup == *epoch.key_backup.as_bytes()
            });
            if !same {
                bodies.push(Body::EpochAnnounce {
                    dataset: dataset.id,
                    epoch: epoch.epoch,
                    root: *epoch.root.as_bytes(),
                    key_backup: *epoch.key_backup.as_bytes(),
                    size: epoch.size,
                });
            }
        }
    }
    bodies
}

impl Network {
    /// Asks for this node's datasets to be announced again (after an add).
    pub(crate) fn datasets_changed(self: &Arc<Self>) {
        self.own_changed.store(true, Ordering::SeqCst);
        self.hold_soon();
    }

    /// Runs announcing and pinning in the background, one round at a time: a round asked
    /// for while one runs makes that one go again.
    pub(super) fn hold_soon(self: &Arc<Self>) {
        let this = Arc::clone(self);
        self.tracker.spawn(async move {
            let Ok(_one) = this.holding.try_lock() else {
                this.hold_again.store(true, Ordering::SeqCst);
                return;
            };
            loop {
                if this.own_changed.swap(false, Ordering::SeqCst) {
                    match this.announce_own().await {
                        Ok(Announced::Done) => {}
                        // Not in a cooperative yet (or as a trainer): kept for when it is.
                        Ok(Announced::NotYet) => this.own_changed.store(true, Ordering::SeqCst),
                        Err(e) => {
                            tracing::info!("announcing this member's datasets: {e}");
                            this.own_changed.store(true, Ordering::SeqCst);
                        }
                    }
                }
                if let Err(e) = this.pin_announced().await {
                    tracing::info!("pinning: {e}");
                }
                if let Err(e) = this.release_due().await {
                    tracing::info!("releasing: {e}");
                }
                if this.cancel.is_cancelled() || !this.hold_again.swap(false, Ordering::SeqCst) {
                    break;
                }
            }
        });
    }

    /// Announces this member's datasets and their epochs where the log does not have
    /// them as they are now.
    pub(crate) async fn announce_own(&self) -> Result<Announced, NodeError> {
        let Some(state) = self.log.ledger.snapshot().state else {
            return Ok(Announced::NotYet);
        };
        let me = self.identity.verification_key().to_bytes();
        let holds_data = state.is_steward(&me)
            || state
                .members()
                .get(&me)
                .is_some_and(|role| *role != Role::Trainer);
        if !holds_data {
            return Ok(Announced::NotYet);
        }
        let mut wanted = Vec::new();
        for dataset in self.vault.datasets()? {
            let epochs = self.vault.publish_epochs(&dataset.name).await?;
            if epochs.is_empty() {
                continue;
            }
            wanted.push(Wanted {
                id: self.vault.dataset_id(&dataset.name)?,
                category: dataset.category,
                epochs,
            });
        }
        if announcement_bodies(&state, &wanted).is_empty() {
            return Ok(Announced::Done);
        }
        record(
            &self.log.ledger,
            &self.identity,
            Some(self),
            move |ledger, identity, now| {
                let bodies = announcement_bodies(ledger.state(), &wanted);
                ledger.prepare(identity, bodies, now)
            },
        )
        .await?;
        Ok(Announced::Done)
    }

    /// On a steward's node: fetches and pins every announced epoch it does not hold yet
    /// (its blobs and key backup, with tags collection never removes), reports new holdings
    /// on the log, and drops pins of roots no longer announced (replaced).
    pub(crate) async fn pin_announced(&self) -> Result<usize, NodeError> {
        let Some(state) = self.log.ledger.snapshot().state else {
            return Ok(0);
        };
        let me = self.identity.verification_key().to_bytes();
        if !state.is_steward(&me) {
            return Ok(0);
        }
        let mut epochs: Vec<EpochRoot> = state.announced_epochs().copied().collect();
        epochs.sort_by_key(|e| (e.owner, e.dataset, e.epoch));
        let mut to_report = Vec::new();
        for epoch in &epochs {
            if epoch.owner == me {
                // Its own vault keeps it.
                continue;
            }
            if self.cancel.is_cancelled() {
                return Ok(0);
            }
            match self.pin(&state, epoch).await {
                Ok(()) => {
                    if !state.holders_of(&epoch.root).contains(&me) {
                        to_report.push(epoch.root);
                    }
                }
                Err(e) => tracing::info!(
                    root = %Hash::from_bytes(epoch.root).fmt_short(),
                    "not pinned yet: {e}"
                ),
            }
        }
        self.drop_stale_pins(&epochs).await?;
        self.pin_capabilities(&state).await?;
        let reported = to_report.len();
        for roots in to_report.chunks(MAX_LIST) {
            let roots = roots.to_vec();
            record(
                &self.log.ledger,
                &self.identity,
                Some(self),
                move |ledger, identity, now| {
                    ledger.prepare(identity, vec![Body::Pinned { roots }], now)
                },
            )
            .await?;
        }
        Ok(reported)
    }

    /// Pins one epoch: tags first (so collection keeps what arrives), then fetches what is
    /// missing from its owner and the stewards that hold it.
    async fn pin(&self, state: &CoopState, epoch: &EpochRoot) -> Result<(), NodeError> {
        let root = Hash::from_bytes(epoch.root);
        let backup = Hash::from_bytes(epoch.key_backup);
        let tags = self.store.tags();
        for (name, content) in [
            (tag(PIN_EPOCH, &root), HashAndFormat::hash_seq(root)),
            (tag(PIN_BACKUP, &backup), HashAndFormat::raw(backup)),
        ] {
            let held = tags
                .get(&name)
                .await
                .map_err(|e| store_error("pinning", e))?;
            if held.is_none() {
                tags.set(name, content)
                    .await
                    .map_err(|e| store_error("pinning", e))?;
            }
        }
        if self.holds(HashAndFormat::hash_seq(root)).await?
            && self.holds(HashAndFormat::raw(backup)).await?
        {
            return Ok(());
        }
        let holders = self.holders_of(state, epoch).await;
        for content in [HashAndFormat::hash_seq(root), HashAndFormat::raw(backup)] {
            self.fetch(content, &holders).await?;
        }
        Ok(())
    }

    /// Whether `content` (a raw blob, or a sequence and every child) is complete here.
    pub(super) async fn holds(&self, content: HashAndFormat) -> Result<bool, NodeError> {
        let local = self
            .store
            .remote()
            .local(content)
            .await
            .map_err(|e| store_error("reading the blob store", e))?;
        Ok(local.is_complete())
    }

    /// Who to ask for an epoch: its owner first, then the stewards that reported it. Those
    /// this node has no address for are asked of the operator's node, which every
    /// member calls.
    pub(super) async fn holders_of(
        &self,
        state: &CoopState,
        epoch: &EpochRoot,
    ) -> Vec<iroh::EndpointAddr> {
        let me = *self.router.endpoint().id().as_bytes();
        let mut endpoints: Vec<[u8; 32]> = Vec::new();
        for who in std::iter::once(epoch.owner).chain(state.holders_of(&epoch.root)) {
            if let Some(endpoint) = state.endpoint_of(&who)
                && endpoint != me
                && !endpoints.contains(&endpoint)
            {
                endpoints.push(endpoint);
            }
        }
        let unknown: Vec<[u8; 32]> = endpoints
            .iter()
            .filter(|e| self.book.get(e).is_none())
            .copied()
            .collect();
        if !unknown.is_empty()
            && let Ok(operator) = self.operator_addr()
            && operator.id.as_bytes() != &me
        {
            match datacoop_net::where_is(self.router.endpoint(), operator, &unknown).await {
                Ok(peers) => {
                    for peer in peers {
                        if let Err(e) = self.learn(&peer) {
                            tracing::info!("cannot record a holder's address: {e}");
                        }
                    }
                }
                Err(e) => tracing::info!("asking the operator where holders are: {e}"),
            }
        }
        endpoints
            .into_iter()
            .filter_map(|endpoint| {
                self.book.get(&endpoint).or_else(|| {
                    // Unknown here: the lookup may know it (or the relay reaches it).
                    iroh::PublicKey::from_bytes(&endpoint)
                        .ok()
                        .map(iroh::EndpointAddr::new)
                })
            })
            .collect()
    }

    /// Fetches `content` into this node's store from `holders` in turn; a holder that
    /// serves tampered bytes is reported.
    pub(crate) async fn fetch(
        &self,
        content: HashAndFormat,
        holders: &[iroh::EndpointAddr],
    ) -> Result<(), NodeError> {
        self.fetch_reporting(content, holders, &|_| {}).await
    }

    /// [`Network::fetch`], telling `received` the bytes received from the current holder
    /// as they arrive.
    pub(crate) async fn fetch_reporting(
        &self,
        content: HashAndFormat,
        holders: &[iroh::EndpointAddr],
        received: &(dyn Fn(u64) + Sync),
    ) -> Result<(), NodeError> {
        let events = self.events.clone();
        let report = move |event: FetchEvent| match event {
            FetchEvent::Tampered(holder) => events.emit(crate::Event::HolderTampered {
                endpoint: holder.to_string(),
            }),
            FetchEvent::Progress(bytes) => received(bytes),
            _ => {}
        };
        datacoop_net::blobs::fetch(
            self.router.endpoint(),
            &self.store,
            content,
            holders,
            &report,
        )
        .await
        .map_err(NodeError::from)
    }

    /// Drops the pins of roots and backups no current epoch names.
    async fn drop_stale_pins(&self, current: &[EpochRoot]) -> Result<(), NodeError> {
        let roots: HashSet<Hash> = current.iter().map(|e| Hash::from_bytes(e.root)).collect();
        let backups: HashSet<Hash> = current
            .iter()
            .map(|e| Hash::from_bytes(e.key_backup))
            .collect();
        let tags = self.store.tags();
        let mut stale = Vec::new();
        for (prefix, keep) in [(PIN_EPOCH, &roots), (PIN_BACKUP, &backups)] {
            let mut listed = tags
                .list_prefix(prefix)
                .await
                .map_err(|e| store_error("listing pins", e))?;
            while let Some(info) = listed.next().await {
                let info = info.map_err(|e| store_error("listing pins", e))?;
                if !keep.contains(&info.hash) {
                    stale.push(info.name);
                }
            }
        }
        for name in stale {
            tracing::info!("dropping the pin of a replaced epoch");
            tags.delete(name)
                .await
                .map_err(|e| store_error("dropping a pin", e))?;
        }
        Ok(())
    }

    /// Fetches back this member's own epochs whose blobs are missing here (the vault's
    /// ciphertext was lost) from the stewards that hold them; says how many were fetched.
    pub(crate) async fn fetch_own(&self, wanted: &[PublishedEpoch]) -> Result<usize, NodeError> {
        let state = self
            .log
            .ledger
            .snapshot()
            .state
            .ok_or(NodeError::NotInCoop)?;
        let mut fetched = 0;
        for epoch in wanted {
            let content = HashAndFormat::hash_seq(epoch.root);
            if self.holds(content).await? {
                continue;
            }
            let announced = state
                .epochs_of(&epoch.dataset)
                .get(epoch.epoch as usize)
                .copied()
                .filter(|e| e.root == *epoch.root.as_bytes())
                .ok_or_else(|| {
                    NodeError::from(datacoop_net::NetError::Blobs {
                        reason: format!(
                            "epoch {} of this dataset is not on the cooperative's log",
                            epoch.epoch
                        ),
                    })
                })?;
            let holders = self.holders_of(&state, &announced).await;
            self.fetch(content, &holders).await?;
            self.fetch(HashAndFormat::raw(epoch.key_backup), &holders)
                .await?;
            fetched += 1;
        }
        Ok(fetched)
    }
}

/// Where a member's dataset is held, from the log: how many of its published epochs
/// (their roots, in order) the log has as they are, and the stewards holding every one.
pub(crate) fn placement(
    state: &CoopState,
    dataset: &[u8; 32],
    published: &[[u8; 32]],
) -> (u32, Vec<[u8; 32]>) {
    let on_log = state.epochs_of(dataset);
    let announced = published
        .iter()
        .enumerate()
        .filter(|(i, root)| on_log.get(*i).is_some_and(|e| e.root == **root))
        .count();
    let announced_u32 = u32::try_from(announced).unwrap_or(u32::MAX);
    if published.is_empty() || announced < published.len() {
        return (announced_u32, Vec::new());
    }
    // Holding a dataset means holding every epoch of it.
    let mut counts: BTreeMap<[u8; 32], usize> = BTreeMap::new();
    for root in published {
        for steward in state.holders_of(root) {
            *counts.entry(steward).or_default() += 1;
        }
    }
    let mut holders: Vec<[u8; 32]> = counts
        .into_iter()
        .filter(|(_, n)| *n == published.len())
        .map(|(k, _)| k)
        .collect();
    holders.sort_by_key(|k| state.stewards().iter().position(|s| s == k));
    (announced_u32, holders)
}
