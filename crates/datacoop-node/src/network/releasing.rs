//! Releases: a member's node seals and releases its datasets' keys to approved requests
//! its consent covers; serving peers hand a release's capability to its trainer once the
//! release is final in log order; a trainer's node fetches what was released.

use std::collections::HashMap;

use datacoop_core::{DatasetName, Role};
use datacoop_crypto::Capability;
use datacoop_ledger::{
    Body, CoopState, EpochRoot, MatchStatus, ReleaseRecord, ReleaseTerms, RequestRecord,
};
use datacoop_net::blobs::GrantRule;
use iroh_blobs::HashAndFormat;

use super::holding::{Wanted, announcement_bodies, store_error, tag};
use super::*;

/// Tags capabilities are kept under: by the releasing member's node and by stewards' pins.
pub(crate) const CAPABILITY_TAG: &[u8] = b"dc/cap/";
/// Tags a trainer's node keeps fetched epochs under while it writes them out.
const FETCHED_TAG: &[u8] = b"dc/fetched/";

/// When a release counts for serving, from the newest snapshot of this node's log and
/// this computer's clock: [`grant_state`] says [`GrantState::Live`], and this node's log
/// time is not stale (older than `stale_after` by the clock: a node that cannot tell the
/// time refuses trainers).
pub(crate) struct LogGrants {
    pub(crate) ledger: tokio::sync::watch::Receiver<crate::ledger_handle::LogSnapshot>,
    pub(crate) stale_after: std::time::Duration,
}

/// Where a release stands for its trainer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantState {
    /// Not yet below a quorum checkpoint (or no log time yet): something may still come
    /// before it in log order, so nothing is delivered.
    Waiting,
    /// Deliverable: final in log order, not revoked, inside its window.
    Live,
    /// Its window closed, by log time or by this computer's clock (whichever says so
    /// first: ending early is the safe side).
    Expired,
    /// A revocation is on the log.
    Revoked,
}

/// [`GrantState`] of `release`, with the snapshot's quorum size and log time and the
/// clock's `clock` (Unix seconds).
pub(crate) fn grant_state(
    release: &ReleaseRecord,
    quorum_size: u64,
    now: Option<u64>,
    clock: u64,
) -> GrantState {
    if release.revoked.is_some() {
        GrantState::Revoked
    } else if grant_closed_at(release.terms.window_end, now, clock) {
        GrantState::Expired
    } else if release.index >= quorum_size || now.is_none() {
        GrantState::Waiting
    } else {
        GrantState::Live
    }
}

/// Whether a window ending at `end` closed, by log time `now` or by the clock's `clock`
/// (whichever says so first: ending early is the safe side).
pub(crate) fn grant_closed_at(end: u64, now: Option<u64>, clock: u64) -> bool {
    now.is_some_and(|now| now >= end) || clock >= end
}

/// Whether `release` ended by what the log alone says (a revocation, or log time past
/// its window): what irreversible acts wait for (wiping a trainer's key, deciding a
/// grant needs no revocation), since a clock running ahead must not cause them.
pub(crate) fn ended_on_log(release: &ReleaseRecord, now: Option<u64>) -> bool {
    release.revoked.is_some() || now.is_some_and(|now| now >= release.terms.window_end)
}

/// [`grant_closed_at`] by this computer's clock now.
pub(crate) fn grant_closed(end: u64, now: Option<u64>) -> bool {
    grant_closed_at(end, now, crate::node::now())
}

/// Whether log time `now` is too old, by `clock`, for this node to serve trainers.
pub(crate) fn is_stale(now: Option<u64>, clock: u64, stale_after: std::time::Duration) -> bool {
    now.is_none_or(|now| clock.saturating_sub(now) > stale_after.as_secs())
}

impl GrantRule for LogGrants {
    fn live(&self, _state: &datacoop_ledger::CoopState, release: &ReleaseRecord) -> bool {
        let (quorum_size, now) = {
            let snapshot = self.ledger.borrow();
            (snapshot.quorum_size, snapshot.now)
        };
        let clock = crate::node::now();
        if is_stale(now, clock, self.stale_after) {
            tracing::debug!("log time is stale here: trainers are refused until it moves");
            return false;
        }
        grant_state(release, quorum_size, now, clock) == GrantState::Live
    }
}

/// The blobs a trainer's node fetches for `release`: its capability and the roots of the
/// epochs it covers.
fn fetched_hashes(state: &CoopState, release: &ReleaseRecord) -> Vec<iroh_blobs::Hash> {
    let epochs = state.epochs_of(&release.terms.dataset);
    let covered = (release.terms.first_epoch..=release.terms.last_epoch)
        .filter_map(|e| epochs.get(e as usize))
        .map(|e| iroh_blobs::Hash::from_bytes(e.root));
    std::iter::once(iroh_blobs::Hash::from_bytes(release.capability))
        .chain(covered)
        .collect()
}

/// What this node served trainers and has not reported yet, per release.
#[derive(Default)]
pub(crate) struct ServedLedger(std::sync::Mutex<HashMap<OpId, Served>>);

/// Requests answered and payload bytes sent under one release.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Served {
    requests: u32,
    bytes: u64,
}

impl Served {
    fn add(&mut self, other: Served) {
        self.requests = self.requests.saturating_add(other.requests);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

impl datacoop_net::blobs::ServedSink for ServedLedger {
    fn served(&self, release: &ReleaseRecord, bytes: u64) {
        if let Ok(mut served) = self.0.lock() {
            served
                .entry(release.id)
                .or_default()
                .add(Served { requests: 1, bytes });
        }
    }
}

impl ServedLedger {
    fn take(&self) -> HashMap<OpId, Served> {
        self.0
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    }

    fn put_back(&self, unreported: HashMap<OpId, Served>) {
        if let Ok(mut served) = self.0.lock() {
            for (release, done) in unreported {
                served.entry(release).or_default().add(done);
            }
        }
    }
}

impl Network {
    /// Tells followers of the grants this node is party to that ended since the last
    /// round (their window closed, or a revocation is on the log); on a trainer's node,
    /// also forgets what opened them: the fetched copies of an ended grant's capability
    /// and ciphertext, and the key of a request whose window closed or that was denied.
    pub(crate) async fn end_grants(&self, state: &CoopState) {
        let me = self.identity.verification_key().to_bytes();
        let snapshot = self.log.ledger.snapshot();
        let clock = crate::node::now();
        let steward = state.is_steward(&me);
        let ended: Vec<(&ReleaseRecord, GrantState)> = state
            .releases()
            .into_iter()
            .filter(|r| steward || r.member == me || r.trainer == me)
            .filter_map(|r| {
                let at = grant_state(r, snapshot.quorum_size, snapshot.now, clock);
                matches!(at, GrantState::Expired | GrantState::Revoked).then_some((r, at))
            })
            .collect();
        let news: Vec<(&ReleaseRecord, GrantState)> = {
            let Ok(mut told) = self.ended_told.lock() else {
                return;
            };
            let first = told.is_none();
            let told = told.get_or_insert_with(std::collections::HashSet::new);
            ended
                .iter()
                .filter(|(r, _)| told.insert(r.id) && !first)
                .copied()
                .collect()
        };
        for (release, at) in news {
            if let Some(ending) = crate::node::ending_of(release, at) {
                tracing::info!(release = %release.id, "a grant ended: {ending}");
                self.events.emit(crate::Event::GrantEnded {
                    release: release.id.to_hex(),
                    request: release.terms.request.to_hex(),
                    ending,
                });
            }
        }
        if state.members().get(&me) != Some(&Role::Trainer) {
            return;
        }
        // Fetched copies of ended grants go, but for blobs a grant still open also covers
        // (two requests may be released the same epochs).
        let keep: std::collections::HashSet<iroh_blobs::Hash> = state
            .releases_to(&me)
            .into_iter()
            .filter(|r| {
                matches!(
                    grant_state(r, snapshot.quorum_size, snapshot.now, clock),
                    GrantState::Live | GrantState::Waiting
                )
            })
            .flat_map(|r| fetched_hashes(state, r))
            .collect();
        let tags = self.store.tags();
        for (release, _) in ended.iter().filter(|(r, _)| r.trainer == me) {
            for hash in fetched_hashes(state, release)
                .into_iter()
                .filter(|h| !keep.contains(h))
            {
                if let Err(e) = tags.delete(tag(FETCHED_TAG, &hash)).await {
                    tracing::warn!("cannot let go of an ended grant's blobs: {e}");
                }
            }
        }
        // The key goes once the log itself says the window closed (or the request was
        // denied): a clock running ahead must not destroy it early.
        for request in state.access_requests() {
            if request.trainer != me
                || self
                    .vault
                    .request_key(&request.request_key)
                    .ok()
                    .flatten()
                    .is_none()
            {
                continue;
            }
            let closed = request.denied_at.is_some() || {
                let request = request.clone();
                let end = self
                    .log
                    .ledger
                    .run(move |slot| Ok(slot.as_ref().and_then(|l| l.request_window_end(&request))))
                    .await
                    .ok()
                    .flatten();
                end.is_some_and(|end| snapshot.now.is_some_and(|now| now >= end))
            };
            if closed {
                self.wipe_request_key(request).await;
            }
        }
    }

    /// Deletes the key made for `request` from this trainer's vault, if it is still
    /// there, and says so.
    pub(crate) async fn wipe_request_key(&self, request: &RequestRecord) {
        match self.vault.request_key(&request.request_key) {
            Ok(Some(_)) => {}
            Ok(None) => return,
            Err(e) => {
                tracing::warn!("cannot read the key of request {}: {e}", request.id);
                return;
            }
        }
        match self.vault.forget_request_key(&request.request_key) {
            Ok(()) => {
                tracing::info!(request = %request.id, "the request's window closed: its key was wiped");
                self.events.emit(crate::Event::RequestKeyWiped {
                    request: request.id.to_hex(),
                });
            }
            Err(e) => tracing::warn!("cannot wipe the key of request {}: {e}", request.id),
        }
    }

    /// Reports on the log what this node sent trainers since its last report, one
    /// `Served` per release, at most once a heartbeat (kept for a later round when the
    /// operator is away). Releases this node may not report on (it stopped being a
    /// steward) are dropped.
    pub(crate) async fn report_served(&self, state: &CoopState) {
        let due = self
            .served_reported
            .lock()
            .map(|last| last.is_none_or(|t| t.elapsed() >= self.settings.heartbeat))
            .unwrap_or(false);
        if !due {
            return;
        }
        let me = self.identity.verification_key().to_bytes();
        let mut served = self.served.take();
        served.retain(|release, _| {
            state
                .release(release)
                .is_some_and(|r| r.member == me || state.is_steward(&me))
        });
        if served.is_empty() {
            return;
        }
        if let Ok(mut last) = self.served_reported.lock() {
            *last = Some(std::time::Instant::now());
        }
        let bodies: Vec<Body> = served
            .iter()
            .map(|(release, done)| Body::Served {
                release: *release,
                requests: done.requests,
                bytes: done.bytes,
            })
            .collect();
        let reported = record(
            &self.log.ledger,
            &self.identity,
            Some(self),
            move |ledger, identity, now| ledger.prepare(identity, bodies, now),
        )
        .await;
        if let Err(e) = reported {
            tracing::info!("what was served is reported later: {e}");
            self.served.put_back(served);
        }
    }

    /// On a member's node: releases every dataset of this member that an approved request
    /// matches and that is not released to it yet. One at a time, each under the consent
    /// lock, so a dataset is never sealed while a consent change of this node is being
    /// written.
    pub(crate) async fn release_due(&self) -> Result<usize, NodeError> {
        let snapshot = self.log.ledger.snapshot();
        let Some(state) = snapshot.state else {
            return Ok(0);
        };
        let me = self.identity.verification_key().to_bytes();
        let holds_data = state.is_steward(&me)
            || state
                .members()
                .get(&me)
                .is_some_and(|role| *role != Role::Trainer);
        if !holds_data {
            return Ok(0);
        }
        let mut names = HashMap::new();
        for dataset in self.vault.datasets()? {
            names.insert(self.vault.dataset_id(&dataset.name)?, dataset);
        }
        let mut released = 0;
        for request in state.access_requests() {
            let Some(approved_at) = request.approved_at else {
                continue;
            };
            // The window opens at the approval's log time: wait until it has one.
            if request.denied_at.is_some() || approved_at >= snapshot.quorum_size {
                continue;
            }
            for m in state.matches(request) {
                if m.member != me
                    || !matches!(m.status, MatchStatus::Included | MatchStatus::Accepted)
                {
                    continue;
                }
                let Some(dataset) = names.get(&m.dataset) else {
                    continue;
                };
                if self.cancel.is_cancelled() {
                    return Ok(released);
                }
                match self
                    .release_one(request, &dataset.name, &dataset.category, m.dataset)
                    .await
                {
                    Ok(true) => released += 1,
                    Ok(false) => {}
                    Err(e) => tracing::info!(
                        request = %request.id,
                        "not released yet: {e}"
                    ),
                }
            }
        }
        Ok(released)
    }

    /// Seals `name`'s current epoch (new files go to a new key), seals the keys of every
    /// epoch up to it to the request's key, keeps the capability as a blob, and records
    /// the release (after any announcement its root needs). False when the dataset has
    /// nothing to release or it no longer matches.
    async fn release_one(
        &self,
        request: &RequestRecord,
        name: &DatasetName,
        category: &datacoop_core::Category,
        dataset: [u8; 32],
    ) -> Result<bool, NodeError> {
        let _no_consent_change = self.consent_changes.lock().await;
        let me = self.identity.verification_key().to_bytes();
        // Again under the lock: a withdrawal recorded meanwhile ends it here.
        let state = self
            .log
            .ledger
            .snapshot()
            .state
            .ok_or(NodeError::NotInCoop)?;
        let still = state.matches(request).into_iter().any(|m| {
            m.member == me
                && m.dataset == dataset
                && matches!(m.status, MatchStatus::Included | MatchStatus::Accepted)
        });
        let Some(consent) = state.consent_in_force(&me, &dataset).map(|c| c.id) else {
            return Ok(false);
        };
        if !still {
            return Ok(false);
        }
        let approved_at = request.approved_at.ok_or(NodeError::NotInCoop)?;
        let window_start = self
            .log
            .ledger
            .run(move |slot| Ok(slot.as_ref().and_then(|l| l.log().log_time(approved_at))))
            .await?
            .ok_or_else(|| NodeError::Protocol("the approval has no log time yet".into()))?;
        // Keys are released only inside the window (the operator refuses a late release).
        let snapshot_now = self.log.ledger.snapshot().now;
        if grant_closed(
            window_start.saturating_add(request.period_secs),
            snapshot_now,
        ) {
            return Ok(false);
        }
        let published = self.vault.published_epochs(name)?;
        let last = match published.last() {
            Some(current) if current.files > 0 => {
                self.vault.seal_epoch(name).await?;
                current.epoch
            }
            // The current epoch is empty (sealed for an earlier release): the ones before.
            Some(current) if current.epoch > 0 => current.epoch - 1,
            _ => return Ok(false),
        };
        let epochs = self.vault.publish_epochs(name).await?;
        let root = epochs
            .iter()
            .find(|e| e.epoch == last)
            .map(|e| *e.root.as_bytes())
            .ok_or_else(|| NodeError::Protocol("the sealed epoch was not published".into()))?;
        let keys = self.vault.epoch_keys(name, 0, last)?;
        let terms = ReleaseTerms {
            request: request.id,
            dataset,
            first_epoch: 0,
            last_epoch: last,
            root,
            window_start,
            window_end: window_start.saturating_add(request.period_secs),
            credits: request.credits,
            consent,
        };
        let binding = terms.binding(&state.coop(), &me);
        let capability = Capability::seal(&keys, &request.request_key, &binding)
            .map_err(datacoop_vault::VaultError::from)?;
        let bytes = capability.as_bytes().to_vec();
        let hash = iroh_blobs::Hash::new(&bytes);
        self.store
            .add_bytes(bytes)
            .with_named_tag(tag(CAPABILITY_TAG, &hash))
            .await
            .map_err(|e| store_error("keeping a capability", e))?;
        let wanted = vec![Wanted {
            id: dataset,
            category: category.clone(),
            epochs,
        }];
        let capability = *hash.as_bytes();
        let recorded = record(
            &self.log.ledger,
            &self.identity,
            Some(self),
            move |ledger, identity, now| {
                let mut bodies = announcement_bodies(ledger.state(), &wanted);
                bodies.push(Body::Release { terms, capability });
                ledger.prepare(identity, bodies, now)
            },
        )
        .await;
        if let Err(e) = recorded {
            // Not on the log: a capability nobody may ask for is not kept either.
            let _ = self.store.tags().delete(tag(CAPABILITY_TAG, &hash)).await;
            return Err(e);
        }
        tracing::info!(request = %request.id, epochs = last + 1, "released");
        self.events.emit(crate::Event::Released {
            request: request.id.to_hex(),
            dataset: name.to_string(),
        });
        Ok(true)
    }

    /// On a steward's node: keeps every release's capability (sealed to its trainer, so
    /// unreadable here), so a trainer gets it while the member's computer is off.
    pub(crate) async fn pin_capabilities(&self, state: &CoopState) -> Result<(), NodeError> {
        let me = self.identity.verification_key().to_bytes();
        for release in state.releases() {
            if release.member == me || release.revoked.is_some() {
                continue;
            }
            let hash = iroh_blobs::Hash::from_bytes(release.capability);
            let content = HashAndFormat::raw(hash);
            let name = tag(CAPABILITY_TAG, &hash);
            let tags = self.store.tags();
            if tags
                .get(&name)
                .await
                .map_err(|e| store_error("pinning", e))?
                .is_none()
            {
                tags.set(name, content)
                    .await
                    .map_err(|e| store_error("pinning", e))?;
            }
            if self.holds(content).await? {
                continue;
            }
            let holders = self.release_holders(state, release).await;
            if let Err(e) = self.fetch(content, &holders).await {
                tracing::info!(release = %release.id, "capability not pinned yet: {e}");
            }
        }
        Ok(())
    }

    /// Where to ask for a release's blobs: the member, then the stewards holding the
    /// dataset.
    async fn release_holders(
        &self,
        state: &CoopState,
        release: &ReleaseRecord,
    ) -> Vec<iroh::EndpointAddr> {
        match state.epochs_of(&release.terms.dataset).first().copied() {
            Some(epoch) => self.holders_of(state, &epoch).await,
            None => Vec::new(),
        }
    }

    /// On a trainer's node: fetches `release`'s capability and every epoch it covers into
    /// this node's store (tagged while they are written out), answering the capability's
    /// bytes and the epochs' roots.
    pub(crate) async fn fetch_release(
        &self,
        state: &CoopState,
        release: &ReleaseRecord,
        progress: &dyn datacoop_vault::ProgressSink,
    ) -> Result<(Vec<u8>, Vec<(u32, iroh_blobs::Hash)>), NodeError> {
        let epochs: Vec<EpochRoot> = (release.terms.first_epoch..=release.terms.last_epoch)
            .map(|e| {
                state
                    .epochs_of(&release.terms.dataset)
                    .get(e as usize)
                    .copied()
                    .ok_or_else(|| {
                        NodeError::from(datacoop_net::NetError::Blobs {
                            reason: format!("epoch {e} of a released dataset is not on the log"),
                        })
                    })
            })
            .collect::<Result<_, _>>()?;
        let holders = self.release_holders(state, release).await;
        let capability = HashAndFormat::raw(iroh_blobs::Hash::from_bytes(release.capability));
        self.store
            .tags()
            .set(tag(FETCHED_TAG, &capability.hash), capability)
            .await
            .map_err(|e| store_error("keeping a capability", e))?;
        self.fetch(capability, &holders).await?;
        let bytes = self
            .store
            .get_bytes(capability.hash)
            .await
            .map_err(|e| store_error("reading a capability", e))?
            .to_vec();
        let mut roots = Vec::new();
        // Ciphertext as the log announced it, for the progress of the transfer.
        let total: u64 = epochs.iter().map(|e| e.size).sum();
        let mut done = 0;
        for (i, epoch) in epochs.iter().enumerate() {
            let root = iroh_blobs::Hash::from_bytes(epoch.root);
            let content = HashAndFormat::hash_seq(root);
            self.store
                .tags()
                .set(tag(FETCHED_TAG, &root), content)
                .await
                .map_err(|e| store_error("keeping a fetched epoch", e))?;
            if !self.holds(content).await? {
                let holders = self.holders_of(state, epoch).await;
                let current = format!(
                    "epoch {} of member {}",
                    epoch.epoch,
                    hex::encode(&release.member[..4])
                );
                let received = |bytes: u64| {
                    progress.report(&datacoop_vault::Progress {
                        current: current.clone(),
                        files_done: i as u64,
                        files_total: epochs.len() as u64,
                        bytes_done: (done + bytes).min(total),
                        bytes_total: total,
                    });
                };
                self.fetch_reporting(content, &holders, &received).await?;
            }
            done += epoch.size;
            roots.push((epoch.epoch, root));
        }
        Ok((bytes, roots))
    }

    /// Lets go of what [`Network::fetch_release`] kept once it is written out.
    pub(crate) async fn release_fetched(&self) -> Result<(), NodeError> {
        let tags = self.store.tags();
        tags.delete_prefix(FETCHED_TAG)
            .await
            .map_err(|e| store_error("releasing fetched blobs", e))?;
        Ok(())
    }
}

impl Network {
    /// Whom this trainer's `request` still waits for, asked of the operator's node (a
    /// trainer's view of the log holds no consent records to tell); remembered for
    /// [`Network::pending_heard`].
    pub(crate) async fn pending_of(&self, request: OpId) -> Result<Vec<[u8; 32]>, NodeError> {
        let addr = self.operator_addr()?;
        let operator = *addr.id.as_bytes();
        let asked = datacoop_net::log_sync::pending(self.router.endpoint(), addr, request.0).await;
        self.note_reach(operator, &asked);
        let members = asked?;
        if let Ok(mut heard) = self.pending_heard.lock() {
            heard.insert(request, members.clone());
        }
        Ok(members)
    }

    /// Whom `request` waited for when the operator's node was last asked.
    pub(crate) fn pending_heard(&self, request: &OpId) -> Option<Vec<[u8; 32]>> {
        self.pending_heard
            .lock()
            .ok()
            .and_then(|heard| heard.get(request).cloned())
    }

    /// Asks again whom each of this trainer's requests still open waits for.
    pub(crate) async fn refresh_pending(&self, state: &CoopState) {
        let me = self.identity.verification_key().to_bytes();
        let open: Vec<OpId> = state
            .access_requests()
            .into_iter()
            .filter(|r| r.trainer == me && r.denied_at.is_none())
            .map(|r| r.id)
            .collect();
        for request in open {
            if let Err(e) = self.pending_of(request).await {
                tracing::info!("asking whom request {request} waits for: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use datacoop_ledger::{OpId, ReleaseRecord, ReleaseTerms, Revoked};

    use super::*;

    fn release(index: u64, window: (u64, u64)) -> ReleaseRecord {
        ReleaseRecord {
            id: OpId([1; 32]),
            index,
            member: [2; 32],
            trainer: [3; 32],
            terms: ReleaseTerms {
                request: OpId([4; 32]),
                dataset: [5; 32],
                first_epoch: 0,
                last_epoch: 0,
                root: [6; 32],
                window_start: window.0,
                window_end: window.1,
                credits: 5,
                consent: OpId([7; 32]),
            },
            capability: [8; 32],
            consent: OpId([7; 32]),
            revoked: None,
            served_requests: 0,
            served_bytes: 0,
        }
    }

    #[test]
    fn a_grant_is_live_only_final_in_log_order_inside_its_window_by_both_clocks() {
        let r = release(10, (1_000, 2_000));
        // Not below a quorum checkpoint yet, or no log time: waiting.
        assert_eq!(grant_state(&r, 10, Some(1_500), 1_500), GrantState::Waiting);
        assert_eq!(grant_state(&r, 11, None, 1_500), GrantState::Waiting);
        assert_eq!(grant_state(&r, 11, Some(1_500), 1_500), GrantState::Live);
        // Log time or the clock at the end, whichever comes first, ends it.
        assert_eq!(grant_state(&r, 11, Some(2_000), 1_500), GrantState::Expired);
        assert_eq!(grant_state(&r, 11, Some(1_500), 2_000), GrantState::Expired);
        assert_eq!(grant_state(&r, 11, Some(1_999), 1_999), GrantState::Live);
        // Revoked beats everything.
        let revoked = ReleaseRecord {
            revoked: Some(Revoked {
                id: OpId([9; 32]),
                index: 12,
                by: [2; 32],
                reason: String::new(),
            }),
            ..r.clone()
        };
        assert_eq!(
            grant_state(&revoked, 20, Some(1_500), 1_500),
            GrantState::Revoked
        );
        // Irreversible acts wait for the log: a clock running ahead is not enough.
        assert!(!ended_on_log(&r, Some(1_999)));
        assert!(!ended_on_log(&r, None));
        assert!(ended_on_log(&r, Some(2_000)));
        assert!(ended_on_log(&revoked, Some(1_500)));
    }

    #[test]
    fn log_time_older_than_the_bound_by_the_clock_is_stale() {
        let bound = std::time::Duration::from_secs(300);
        assert!(is_stale(None, 1_000, bound));
        assert!(!is_stale(Some(1_000), 1_300, bound));
        assert!(is_stale(Some(1_000), 1_301, bound));
        // Witnesses' clocks ahead of this one: not stale.
        assert!(!is_stale(Some(2_000), 1_000, bound));
    }
}
