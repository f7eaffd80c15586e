//! Ciphertext over iroh-blobs: serving with a check on every connection and every request,
//! and fetching from whichever holder answers.
//!
//! Who may have what ([`decide`]) is read off the log: stewards may fetch every announced
//! epoch root and key backup (they pin them); a member only their own; a trainer only an
//! epoch root a live release covers, and a release's capability blob once it may be
//! delivered (the node's [`GrantRule`] says when: in a quorum checkpoint, not ended);
//! nobody anything the log does not announce. A request for a root's children is allowed
//! only when the root is an announced hash sequence, so a permitted raw blob can never be
//! read as a list of other blobs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use datacoop_core::Role;
use datacoop_ledger::{AnnouncedBlob, CoopState, EpochRoot, KeyBytes, ReleaseRecord};
use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr, EndpointId};
use iroh_blobs::HashAndFormat;
use iroh_blobs::api::Store;
use iroh_blobs::get::GetError;
use iroh_blobs::get::fsm::DecodeError;
use iroh_blobs::provider::events::{
    AbortReason, ConnectMode, EventMask, EventResult, EventSender, ObserveMode, ProviderMessage,
    RequestMode, RequestUpdate, ThrottleMode, TransferAborted, TransferCompleted,
};

use crate::NetError;

pub use iroh_blobs::ALPN as BLOBS_ALPN;

/// How long a holder gets to answer a dial.
const DIAL_TIMEOUT: Duration = Duration::from_secs(10);

/// The answer to one blob request, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Served.
    Allow,
    /// The endpoint speaks for no current participant.
    NotAParticipant,
    /// The hash is no current epoch root or key backup.
    NotAnnounced,
    /// Another member's data.
    NotYours,
    /// A trainer, and no live grant covers it.
    NoGrant,
    /// A trainer asking for several blobs in one request: trainers fetch one blob per
    /// request, so that every byte they are sent is counted against its release.
    OnePerRequest,
    /// Children asked of a blob that is not an epoch's hash sequence.
    NotASequence,
}

/// When a release counts, which the log's state alone cannot say (it needs log time and
/// the checkpoints): the node answers.
pub trait GrantRule: Send + Sync + 'static {
    /// Whether `release` is live: in a quorum checkpoint, not revoked, not expired.
    fn live(&self, state: &CoopState, release: &ReleaseRecord) -> bool;

    /// True when `trainer` holds a live release covering `epoch`.
    fn covers(&self, state: &CoopState, trainer: &KeyBytes, epoch: &EpochRoot) -> bool {
        state.releases_to(trainer).into_iter().any(|r| {
            r.terms.dataset == epoch.dataset
                && (r.terms.first_epoch..=r.terms.last_epoch).contains(&epoch.epoch)
                && self.live(state, r)
        })
    }
}

/// No release is live: trainers are refused every blob.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoGrants;

impl GrantRule for NoGrants {
    fn live(&self, _: &CoopState, _: &ReleaseRecord) -> bool {
        false
    }
}

/// The access rule for one request: may the participant behind endpoint `peer` have
/// `hash` (with its children, when `children`)? One map lookup for the endpoint and one
/// for the hash.
pub fn decide(
    state: &CoopState,
    peer: &[u8; 32],
    hash: &[u8; 32],
    children: bool,
    grants: &dyn GrantRule,
) -> Decision {
    let Some(who) = state.participant_of_endpoint(peer) else {
        return Decision::NotAParticipant;
    };
    if let Some(release) = state.release_by_capability(hash) {
        return if children {
            Decision::NotASequence
        } else if who == release.member
            || state.is_steward(&who)
            || (who == release.trainer && grants.live(state, release))
        {
            Decision::Allow
        } else if who == release.trainer {
            Decision::NoGrant
        } else {
            Decision::NotYours
        };
    }
    let Some(announced) = state.announced_blob(hash) else {
        return Decision::NotAnnounced;
    };
    let (epoch, is_root) = match announced {
        AnnouncedBlob::EpochRoot(epoch) => (epoch, true),
        AnnouncedBlob::KeyBackup(epoch) => (epoch, false),
    };
    if children && !is_root {
        return Decision::NotASequence;
    }
    if state.is_steward(&who) || epoch.owner == who {
        return Decision::Allow;
    }
    if state.members().get(&who) == Some(&Role::Trainer) {
        return if is_root && grants.covers(state, &who, epoch) {
            Decision::Allow
        } else {
            Decision::NoGrant
        };
    }
    Decision::NotYours
}

/// [`decide`] for a get-many request of `hashes`: allowed only if every hash is, and
/// never for a trainer ([`Decision::OnePerRequest`]: the bytes of one request are
/// reported against one release, and the official client asks for one blob at a time).
pub fn decide_many(
    state: &CoopState,
    peer: &[u8; 32],
    hashes: &[[u8; 32]],
    grants: &dyn GrantRule,
) -> Decision {
    let Some(who) = state.participant_of_endpoint(peer) else {
        return Decision::NotAParticipant;
    };
    if state.members().get(&who) == Some(&Role::Trainer) {
        return Decision::OnePerRequest;
    }
    hashes
        .iter()
        .map(|h| decide(state, peer, h, false, grants))
        .find(|d| *d != Decision::Allow)
        .unwrap_or(Decision::Allow)
}

/// What a serving peer asks before it answers, and tells once it answered.
pub trait BlobAccess: Send + Sync + 'static {
    /// Whether `peer` may connect for blobs at all.
    fn admits(&self, peer: &[u8; 32]) -> bool;
    /// [`decide`] for one request.
    fn decide(&self, peer: &[u8; 32], hash: &[u8; 32], children: bool) -> Decision;
    /// [`decide_many`] for one get-many request.
    fn decide_many(&self, peer: &[u8; 32], hashes: &[[u8; 32]]) -> Decision;
    /// A request for `hash` that [`BlobAccess::decide`] allowed ended, having sent
    /// `bytes` of payload to `peer`.
    fn served(&self, peer: &[u8; 32], hash: &[u8; 32], bytes: u64) {
        let _ = (peer, hash, bytes);
    }
}

/// Told what this peer sent trainers, release by release (for the reports members read).
pub trait ServedSink: Send + Sync + 'static {
    /// `bytes` of payload went to `release`'s trainer in one request.
    fn served(&self, release: &ReleaseRecord, bytes: u64);
}

/// [`BlobAccess`] over the newest log state `state` hands out (none: nobody is served).
pub struct LogAccess<F> {
    state: F,
    grants: Arc<dyn GrantRule>,
    sink: Option<Arc<dyn ServedSink>>,
}

impl<F> LogAccess<F>
where
    F: Fn() -> Option<Arc<CoopState>> + Send + Sync + 'static,
{
    /// Decides from `state()` with `grants` for trainers.
    pub fn new(state: F, grants: Arc<dyn GrantRule>) -> Self {
        LogAccess {
            state,
            grants,
            sink: None,
        }
    }

    /// Tells `sink` what each trainer was sent, by the release it was sent under.
    pub fn reporting(mut self, sink: Arc<dyn ServedSink>) -> Self {
        self.sink = Some(sink);
        self
    }
}

/// The release under which trainer `who` was served `hash`: the one whose capability it
/// is, or one covering the epoch whose root it is.
fn serving_release<'a>(
    state: &'a CoopState,
    who: &KeyBytes,
    hash: &[u8; 32],
    grants: &dyn GrantRule,
) -> Option<&'a ReleaseRecord> {
    if let Some(release) = state.release_by_capability(hash) {
        return (release.trainer == *who).then_some(release);
    }
    let Some(AnnouncedBlob::EpochRoot(epoch)) = state.announced_blob(hash) else {
        return None;
    };
    let covering = state.releases_to(who).into_iter().filter(|r| {
        r.terms.dataset == epoch.dataset
            && (r.terms.first_epoch..=r.terms.last_epoch).contains(&epoch.epoch)
    });
    let mut first = None;
    for release in covering {
        if grants.live(state, release) {
            return Some(release);
        }
        first.get_or_insert(release);
    }
    first
}

impl<F> BlobAccess for LogAccess<F>
where
    F: Fn() -> Option<Arc<CoopState>> + Send + Sync + 'static,
{
    fn admits(&self, peer: &[u8; 32]) -> bool {
        (self.state)().is_some_and(|s| s.participant_of_endpoint(peer).is_some())
    }

    fn decide(&self, peer: &[u8; 32], hash: &[u8; 32], children: bool) -> Decision {
        match (self.state)() {
            Some(state) => decide(&state, peer, hash, children, self.grants.as_ref()),
            None => Decision::NotAParticipant,
        }
    }

    fn decide_many(&self, peer: &[u8; 32], hashes: &[[u8; 32]]) -> Decision {
        match (self.state)() {
            Some(state) => decide_many(&state, peer, hashes, self.grants.as_ref()),
            None => Decision::NotAParticipant,
        }
    }

    fn served(&self, peer: &[u8; 32], hash: &[u8; 32], bytes: u64) {
        let (Some(sink), Some(state)) = (&self.sink, (self.state)()) else {
            return;
        };
        let Some(who) = state.participant_of_endpoint(peer) else {
            return;
        };
        if state.members().get(&who) != Some(&Role::Trainer) {
            return;
        }
        if let Some(release) = serving_release(&state, &who, hash, self.grants.as_ref()) {
            sink.served(release, bytes);
        }
    }
}

/// The blobs protocol handler: serves `store` under [`BLOBS_ALPN`], every connection and
/// request checked by its [`BlobAccess`]. It never shuts the store down (the vault
/// owns it).
#[derive(Debug, Clone)]
pub struct BlobServer {
    store: Store,
    events: EventSender,
    _answering: Arc<AbortOnDrop>,
}

#[derive(Debug)]
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl BlobServer {
    /// Serves `store`, asking `access` about every connection and request. Must be
    /// called inside a tokio runtime (it spawns the task that answers).
    pub fn new(store: Store, access: Arc<dyn BlobAccess>) -> Self {
        let mask = EventMask {
            connected: ConnectMode::Intercept,
            // Logged: the updates say how many bytes each allowed request sent.
            get: RequestMode::InterceptLog,
            get_many: RequestMode::Intercept,
            push: RequestMode::Disabled,
            observe: ObserveMode::Intercept,
            throttle: ThrottleMode::None,
        };
        let (events, rx) = EventSender::channel(64, mask);
        let answering = tokio::spawn(answer(rx, access));
        BlobServer {
            store,
            events,
            _answering: Arc::new(AbortOnDrop(answering)),
        }
    }
}

impl ProtocolHandler for BlobServer {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        iroh_blobs::provider::handle_connection(
            connection,
            self.store.clone(),
            self.events.clone(),
        )
        .await;
        Ok(())
    }
}

fn answer_for(decision: Decision) -> EventResult {
    if decision == Decision::Allow {
        Ok(())
    } else {
        Err(AbortReason::Permission)
    }
}

/// Answers every intercepted message (one left unanswered would stall its transfer).
/// Requests carry only their connection's id, so the peer is remembered per connection.
async fn answer(mut rx: tokio::sync::mpsc::Receiver<ProviderMessage>, access: Arc<dyn BlobAccess>) {
    let mut peers: HashMap<u64, [u8; 32]> = HashMap::new();
    while let Some(message) = rx.recv().await {
        match message {
            ProviderMessage::ClientConnected(m) => {
                let peer = m.endpoint_id.map(|id| *id.as_bytes());
                let admitted = peer.filter(|p| access.admits(p));
                if let Some(p) = admitted {
                    peers.insert(m.connection_id, p);
                } else {
                    tracing::info!("refused a blobs connection from a non-participant");
                }
                let answer = if admitted.is_some() {
                    Ok(())
                } else {
                    Err(AbortReason::Permission)
                };
                m.tx.send(answer).await.ok();
            }
            ProviderMessage::ConnectionClosed(m) => {
                peers.remove(&m.connection_id);
            }
            ProviderMessage::GetRequestReceived(m) => {
                let decision = match peers.get(&m.connection_id) {
                    Some(peer) => {
                        access.decide(peer, m.request.hash.as_bytes(), !m.request.ranges.is_blob())
                    }
                    None => Decision::NotAParticipant,
                };
                log_refusal(decision, &m.request.hash);
                let (peer, hash) = (peers.get(&m.connection_id).copied(), m.request.hash);
                m.tx.send(answer_for(decision)).await.ok();
                // Every update must be taken (the transfer waits on a full channel);
                // the bytes sent are told when the request ends.
                let (access, mut updates) = (Arc::clone(&access), m.rx);
                tokio::spawn(async move {
                    let mut bytes = 0;
                    while let Ok(Some(update)) = updates.recv().await {
                        if let RequestUpdate::Completed(TransferCompleted { stats })
                        | RequestUpdate::Aborted(TransferAborted { stats }) = update
                        {
                            bytes += stats.payload_bytes_sent;
                        }
                    }
                    if let Some(peer) = peer.filter(|_| decision == Decision::Allow) {
                        access.served(&peer, hash.as_bytes(), bytes);
                    }
                });
            }
            ProviderMessage::GetManyRequestReceived(m) => {
                let decision = match peers.get(&m.connection_id) {
                    Some(peer) => {
                        let hashes: Vec<[u8; 32]> =
                            m.request.hashes.iter().map(|h| *h.as_bytes()).collect();
                        access.decide_many(peer, &hashes)
                    }
                    None => Decision::NotAParticipant,
                };
                if let Some(first) = m.request.hashes.first() {
                    log_refusal(decision, first);
                }
                m.tx.send(answer_for(decision)).await.ok();
            }
            ProviderMessage::ObserveRequestReceived(m) => {
                let decision = match peers.get(&m.connection_id) {
                    Some(peer) => access.decide(peer, m.request.hash.as_bytes(), false),
                    None => Decision::NotAParticipant,
                };
                log_refusal(decision, &m.request.hash);
                m.tx.send(answer_for(decision)).await.ok();
            }
            ProviderMessage::PushRequestReceived(m) => {
                m.tx.send(Err(AbortReason::Permission)).await.ok();
            }
            ProviderMessage::Throttle(m) => {
                m.tx.send(Ok(())).await.ok();
            }
            // Notifications need no answer.
            _ => {}
        }
    }
}

fn log_refusal(decision: Decision, hash: &iroh_blobs::Hash) {
    if decision != Decision::Allow {
        tracing::info!(?decision, hash = %hash.fmt_short(), "refused a blob request");
    }
}

/// What happens during a [`fetch`], for progress and for reporting holders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchEvent {
    /// Asking this holder for what is still missing.
    Trying(EndpointId),
    /// The holder sent bytes that do not match their hash: it is serving tampered data.
    Tampered(EndpointId),
    /// The holder could not be reached, refused, or went away mid-transfer.
    Failed(EndpointId, String),
    /// Bytes received so far from the current holder.
    Progress(u64),
}

/// Fetches `content` (an epoch root as a hash sequence, or a raw blob) into `store`,
/// asking `holders` in turn: each is asked only for what is still missing, so a holder
/// that goes away mid-transfer is resumed from by the next. Every byte is checked by
/// BLAKE3 verified streaming as it arrives; a holder whose bytes do not match is reported
/// as [`FetchEvent::Tampered`] and the next is tried.
pub async fn fetch(
    endpoint: &Endpoint,
    store: &Store,
    content: HashAndFormat,
    holders: &[EndpointAddr],
    report: &(dyn Fn(FetchEvent) + Send + Sync),
) -> Result<(), NetError> {
    let mut tried = Vec::new();
    for addr in holders {
        let holder = &addr.id;
        let local = store.remote().local(content).await.map_err(local_failed)?;
        if local.is_complete() {
            return Ok(());
        }
        report(FetchEvent::Trying(*holder));
        let connection =
            match tokio::time::timeout(DIAL_TIMEOUT, endpoint.connect(addr.clone(), BLOBS_ALPN))
                .await
            {
                Ok(Ok(connection)) => connection,
                Ok(Err(e)) => {
                    report(FetchEvent::Failed(*holder, e.to_string()));
                    tried.push(holder.fmt_short().to_string());
                    continue;
                }
                Err(_) => {
                    report(FetchEvent::Failed(*holder, "no answer in time".into()));
                    tried.push(holder.fmt_short().to_string());
                    continue;
                }
            };
        let mut progress = store
            .remote()
            .execute_get(connection.clone(), local.missing())
            .stream();
        let mut outcome = None;
        while let Some(item) = futures_lite::StreamExt::next(&mut progress).await {
            match item {
                iroh_blobs::api::remote::GetProgressItem::Progress(bytes) => {
                    report(FetchEvent::Progress(bytes));
                }
                iroh_blobs::api::remote::GetProgressItem::Done(_) => outcome = Some(Ok(())),
                iroh_blobs::api::remote::GetProgressItem::Error(e) => outcome = Some(Err(e)),
            }
        }
        connection.close(0u32.into(), b"done");
        match outcome {
            Some(Ok(())) => {}
            Some(Err(e)) if is_tampering(&e) => {
                tracing::warn!(holder = %holder.fmt_short(), "a holder served bytes that do not match their hash");
                report(FetchEvent::Tampered(*holder));
            }
            Some(Err(e)) => report(FetchEvent::Failed(*holder, e.to_string())),
            None => report(FetchEvent::Failed(
                *holder,
                "the transfer ended early".into(),
            )),
        }
        tried.push(holder.fmt_short().to_string());
    }
    let local = store.remote().local(content).await.map_err(local_failed)?;
    if local.is_complete() {
        return Ok(());
    }
    Err(NetError::Blobs {
        reason: if tried.is_empty() {
            "no peer holds it".into()
        } else {
            format!(
                "no holder had all of it ({} asked: {})",
                tried.len(),
                tried.join(", ")
            )
        },
    })
}

fn local_failed(e: impl std::fmt::Display) -> NetError {
    NetError::Blobs {
        reason: format!("the local blob store failed: {e}"),
    }
}

/// A verified-streaming failure: the bytes did not hash to what the tree says.
fn is_tampering(error: &GetError) -> bool {
    matches!(
        error,
        GetError::Decode {
            source: DecodeError::LeafHashMismatch { .. } | DecodeError::ParentHashMismatch { .. },
            ..
        }
    )
}
