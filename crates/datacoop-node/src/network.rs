//! The node on the cooperative's network while a long-running owner (`serve`, the app)
//! holds it unlocked: its iroh endpoint (keyed by the identity), the log protocol and
//! the join path behind the members-only hook, and one background task that keeps the
//! log moving: a member's node pulls from the operator on a timer, the operator's node
//! signs a heartbeat checkpoint when idle and asks the other witnesses to cosign.
//!
//! Gossip announcements are not here yet: the timed pull is what keeps replicas current
//! (correctness never depends on gossip).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use datacoop_crypto::Identity;
use datacoop_ledger::{OpId, Operation};
use datacoop_net::{
    InviteTicket, Inviter, JOIN_ALPN, LOG_ALPN, Listen, LogProtocol, MembersOnly, NetConfig, Peer,
};
use iroh::protocol::Router;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::NodeError;
use crate::coop::Ledger;
use crate::ledger_handle::LedgerHandle;
use crate::net_log::{Admitted, NodeLog, NodeServe};
use crate::peers::AddressBook;
use crate::pending::ReviewedInvites;

/// How many operations a replica asks for at a time.
const PULL_BATCH: u64 = 20_000;

/// How a node takes part in the network.
#[derive(Debug, Clone)]
pub struct NetSettings {
    /// Where to listen (and what tickets advertise).
    pub listen: Listen,
    /// How often a member's node pulls from the operator.
    pub pull_every: Duration,
    /// How often the operator signs a checkpoint when the log is idle.
    pub heartbeat: Duration,
    /// A self-hosted relay for this run (`--relay`, `DATACOOP_RELAY`); None: the one
    /// saved in the home's network settings, if any.
    pub relay: Option<iroh::RelayUrl>,
    /// Local-network discovery for this run (`--local-discovery`,
    /// `DATACOOP_LOCAL_DISCOVERY`); None: as saved in the home's network settings (off
    /// until chosen).
    pub local_discovery: Option<bool>,
    /// How often the blob store collects what nothing pins any more
    /// (`DATACOOP_GC_INTERVAL`); None: the vault's default, every 5 minutes.
    pub collect_every: Option<Duration>,
    /// How old this node's log time may be, by its clock, before it refuses trainers
    /// (`DATACOOP_STALE_AFTER`): it cannot tell whether their grants expired.
    pub stale_after: Duration,
}

/// [`NetSettings::stale_after`] by default: five heartbeats.
pub const STALE_AFTER: Duration = Duration::from_secs(300);

impl Default for NetSettings {
    /// Every interface on a port the system picks; pull every 10 s; heartbeat every minute
    /// (DESIGN.md: "at least every minute, even when idle").
    fn default() -> Self {
        NetSettings {
            listen: Listen::Addr(SocketAddr::from(([0, 0, 0, 0], 0))),
            pull_every: Duration::from_secs(10),
            heartbeat: Duration::from_secs(60),
            relay: None,
            local_discovery: None,
            collect_every: None,
            stale_after: STALE_AFTER,
        }
    }
}

impl NetSettings {
    /// The settings a person chose: `listen` (`--listen`, `DATACOOP_LISTEN`), `relay`
    /// (`--relay`, `DATACOOP_RELAY`), local discovery (`--local-discovery`, or
    /// `DATACOOP_LOCAL_DISCOVERY=1`), and the intervals `DATACOOP_SYNC_INTERVAL` (a
    /// member's pull) and `DATACOOP_HEARTBEAT` (the operator's idle checkpoint) as
    /// durations (`10s`, `1m`); the defaults and the home's saved choices otherwise.
    pub fn configured(
        listen: Option<&str>,
        relay: Option<&str>,
        local_discovery: bool,
    ) -> Result<Self, NodeError> {
        let mut settings = NetSettings::default();
        if let Some(listen) = listen {
            settings.listen = listen.parse()?;
        }
        let relay = relay
            .map(str::to_owned)
            .or_else(|| std::env::var("DATACOOP_RELAY").ok())
            .filter(|text| !text.trim().is_empty());
        if let Some(relay) = relay {
            settings.relay = Some(crate::net_prefs::parse_relay(&relay)?);
        }
        let env_discovery = std::env::var("DATACOOP_LOCAL_DISCOVERY")
            .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"));
        if local_discovery || env_discovery {
            settings.local_discovery = Some(true);
        }
        let interval = |name: &str| -> Result<Option<Duration>, NodeError> {
            match std::env::var(name) {
                Ok(text) => Ok(Some(datacoop_core::parse_duration(&text)?)),
                Err(_) => Ok(None),
            }
        };
        if let Some(every) = interval("DATACOOP_SYNC_INTERVAL")? {
            settings.pull_every = every;
        }
        if let Some(every) = interval("DATACOOP_HEARTBEAT")? {
            settings.heartbeat = every;
        }
        if let Some(every) = interval("DATACOOP_GC_INTERVAL")? {
            settings.collect_every = Some(every);
        }
        if let Some(bound) = interval("DATACOOP_STALE_AFTER")? {
            settings.stale_after = bound;
        }
        Ok(settings)
    }

    /// These settings with what the home saved filled in where this run chose nothing
    /// (a damaged `network.json` is reported in the log and leaves both off).
    fn with_saved(mut self, home: &crate::Home) -> Self {
        let saved = crate::NetworkPrefs::load(home).unwrap_or_else(|e| {
            tracing::warn!("{e}; the relay and local discovery stay off");
            crate::NetworkPrefs::default()
        });
        if self.relay.is_none() {
            self.relay = saved.relay.as_deref().and_then(|text| {
                crate::net_prefs::parse_relay(text)
                    .inspect_err(|e| tracing::warn!("{e}; no relay is used"))
                    .ok()
            });
        }
        self.local_discovery = Some(self.local_discovery.unwrap_or(saved.local_discovery));
        self
    }

    /// Loopback only, with short intervals: for tests.
    pub fn loopback() -> Self {
        NetSettings {
            listen: Listen::Loopback,
            pull_every: Duration::from_millis(500),
            heartbeat: Duration::from_secs(2),
            relay: None,
            local_discovery: Some(false),
            collect_every: Some(Duration::from_secs(2)),
            stale_after: Duration::from_secs(10),
        }
    }
}

/// What this node knows of a peer's reachability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    Reached,
    Unreachable,
}

/// The node's presence on the network.
pub(crate) struct Network {
    router: Router,
    book: Arc<AddressBook>,
    log: Arc<NodeLog>,
    identity: Arc<Identity>,
    settings: NetSettings,
    /// Wakes the background task early (after a join, a submission).
    poke: Arc<tokio::sync::Notify>,
    reach: Mutex<HashMap<[u8; 32], Reach>>,
    events: crate::Events,
    /// This node's invitations that a steward reviews.
    pub(crate) reviewed: Arc<ReviewedInvites>,
    home: crate::Home,
    /// Where endpoints known by id are dialled (gossip dials by id), kept in step with
    /// the address book.
    lookup: iroh::address_lookup::MemoryLookup,
    gossip: datacoop_net::iroh_gossip::net::Gossip,
    /// The cooperative's announcement topic, once this node is in one.
    announcing: tokio::sync::Mutex<Option<datacoop_net::iroh_gossip::api::GossipSender>>,
    /// The size of the last checkpoint this node announced.
    announced: std::sync::atomic::AtomicU64,
    /// The participants' endpoints already given to the topic as peers.
    topic_peers: Mutex<std::collections::HashSet<[u8; 32]>>,
    tracker: TaskTracker,
    cancel: CancellationToken,
    /// Held while pulling.
    pulling: tokio::sync::Mutex<()>,
    /// Held while signing and submitting this node's own operations: two writes signed
    /// against the same replica would both take the next sequence number (an
    /// equivocation the operator refuses and keeps as evidence).
    writing: tokio::sync::Mutex<()>,
    /// The member's vault: what its datasets are, to announce them.
    vault: Arc<datacoop_vault::Vault>,
    /// The vault's blob store: served to peers, and where pins and fetches land.
    store: iroh_blobs::api::Store,
    /// Held while announcing and pinning ([`Network::hold_soon`]).
    holding: tokio::sync::Mutex<()>,
    /// Another round of holding was asked for while one ran.
    hold_again: std::sync::atomic::AtomicBool,
    /// This member's datasets changed since they were last announced.
    own_changed: std::sync::atomic::AtomicBool,
    /// Held while this node writes a consent change, and while it seals and releases a
    /// dataset: a dataset is never sealed while a withdrawal of it is being written.
    pub(crate) consent_changes: tokio::sync::Mutex<()>,
    /// A trainer's node: whom each of its requests waits for, as the operator's node
    /// last said (its own view holds no consent records).
    pending_heard: Mutex<HashMap<OpId, Vec<[u8; 32]>>>,
    /// What this node sent trainers since it last reported it on the log.
    served: Arc<releasing::ServedLedger>,
    /// When it last reported.
    served_reported: Mutex<Option<std::time::Instant>>,
    /// The grants this node is party to whose end it has told (None until the first
    /// round, which only takes note of those that ended before this run).
    ended_told: Mutex<Option<std::collections::HashSet<OpId>>>,
}

mod holding;
mod releasing;

pub(crate) use holding::placement;
pub(crate) use releasing::{GrantState, ended_on_log, grant_closed, grant_closed_at, grant_state};

/// Where a join stands after `coop join`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinProgress {
    /// A member now, with the log here.
    Joined,
    /// On the log, waiting for a steward's acceptance; finished by the node itself.
    AwaitingReview,
}

impl Network {
    /// Binds the endpoint, serves the log and the join path, and starts the background
    /// task on `tracker`; everything stops when `cancel` is cancelled.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn start(
        home: &crate::Home,
        identity: Arc<Identity>,
        ledger: LedgerHandle,
        vault: Arc<datacoop_vault::Vault>,
        settings: NetSettings,
        events: crate::Events,
        cancel: CancellationToken,
        tracker: &TaskTracker,
    ) -> Result<Arc<Network>, NodeError> {
        let settings = settings.with_saved(home);
        let store = vault.blob_store().await?;
        if let Some(every) = settings.collect_every {
            vault.set_collection_interval(every);
        }
        let book = Arc::new(AddressBook::open(
            home.root().join("peers.json"),
            settings.relay.clone(),
        ));
        let lookup = iroh::address_lookup::MemoryLookup::new();
        for addr in book.all() {
            lookup.add_endpoint_info(addr);
        }
        let seen: datacoop_net::members::SeenAt = {
            let (book, lookup) = (Arc::clone(&book), lookup.clone());
            Arc::new(move |endpoint, addr| match book.observe(endpoint, addr) {
                Ok(true) => {
                    tracing::info!(%addr, "a peer calls from a new address");
                    if let Some(known) = book.get(&endpoint) {
                        lookup.add_endpoint_info(known);
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!("cannot record where a peer called from: {e}"),
            })
        };
        let ledger_watch = ledger.watch();
        let guard = MembersOnly::new(Arc::new(Admitted(ledger.watch())), vec![JOIN_ALPN.to_vec()])
            .telling(seen);
        let endpoint =
            bind_remembering_port(home, &identity, &settings, guard, lookup.clone()).await?;
        let gossip = datacoop_net::iroh_gossip::net::Gossip::builder().spawn(endpoint.clone());
        let log = Arc::new(NodeLog {
            ledger: ledger.clone(),
        });
        let (joined, mut joins) = tokio::sync::mpsc::unbounded_channel();
        let to_operator = Arc::new(ToOperator(std::sync::OnceLock::new()));
        let signing = identity.signing_key().clone();
        let reviewed = Arc::new(ReviewedInvites::open(
            home.root().join("reviewed-invites.json"),
        ));
        let review: datacoop_net::Reviewed = {
            let reviewed = Arc::clone(&reviewed);
            Arc::new(move |invite| reviewed.contains(invite))
        };
        let served = Arc::new(releasing::ServedLedger::default());
        let router = Router::builder(endpoint)
            .accept(
                LOG_ALPN,
                LogProtocol::new(Arc::new(
                    NodeServe::new(NodeLog { ledger }, Arc::clone(&identity))
                        .telling_addresses(Arc::clone(&book)),
                )),
            )
            .accept(
                JOIN_ALPN,
                Inviter::new(Arc::clone(&log), signing.clone(), signing)
                    .tell_joins(joined)
                    .review_when(review)
                    .forward_with(Arc::clone(&to_operator) as Arc<dyn datacoop_net::Forward>),
            )
            .accept(datacoop_net::announce::GOSSIP_ALPN, gossip.clone())
            .accept(
                datacoop_net::blobs::BLOBS_ALPN,
                datacoop_net::blobs::BlobServer::new(
                    store.clone(),
                    blob_access(&ledger_watch, settings.stale_after, Arc::clone(&served)),
                ),
            )
            .spawn();
        let network = Arc::new(Network {
            router,
            book,
            log,
            identity,
            settings,
            poke: Arc::new(tokio::sync::Notify::new()),
            reach: Mutex::new(HashMap::new()),
            events,
            reviewed,
            home: home.clone(),
            lookup,
            gossip,
            announcing: tokio::sync::Mutex::new(None),
            announced: std::sync::atomic::AtomicU64::new(0),
            topic_peers: Mutex::new(std::collections::HashSet::new()),
            tracker: tracker.clone(),
            cancel: cancel.clone(),
            pulling: tokio::sync::Mutex::new(()),
            writing: tokio::sync::Mutex::new(()),
            vault,
            store,
            holding: tokio::sync::Mutex::new(()),
            hold_again: std::sync::atomic::AtomicBool::new(false),
            own_changed: std::sync::atomic::AtomicBool::new(true),
            consent_changes: tokio::sync::Mutex::new(()),
            pending_heard: Mutex::new(HashMap::new()),
            served,
            served_reported: Mutex::new(None),
            ended_told: Mutex::new(None),
        });
        let _ = to_operator.0.set(Arc::downgrade(&network));
        tracing::info!(addrs = ?network.addrs(), "serving the cooperative");
        let task = Arc::clone(&network);
        let mut log_grew = network.log.ledger.watch();
        let mut seen = {
            let s = log_grew.borrow();
            (s.size, s.quorum_size)
        };
        tracker.spawn(async move {
            task.log_changed().await;
            task.hold_soon();
            loop {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    changed = log_grew.changed() => {
                        if changed.is_err() {
                            break;
                        }
                        // Log time alone moving (a heartbeat) is the tick's business.
                        let now = {
                            let s = log_grew.borrow();
                            (s.size, s.quorum_size)
                        };
                        if now == seen {
                            continue;
                        }
                        seen = now;
                        task.log_changed().await;
                        task.hold_soon();
                    }
                    Some(joined) = joins.recv() => task.welcome(joined).await,
                    () = tokio::time::sleep(task.settings.pull_every) => {
                        task.tick().await;
                        task.hold_soon();
                    }
                    () = task.poke.notified() => task.tick().await,
                }
            }
            task.router.shutdown().await.ok();
        });
        Ok(network)
    }

    /// The addresses this node tells peers.
    pub(crate) fn addrs(&self) -> Vec<SocketAddr> {
        datacoop_net::advertised(self.router.endpoint())
    }

    /// The relay this node uses, if any.
    pub(crate) fn relay(&self) -> Option<&iroh::RelayUrl> {
        self.settings.relay.as_ref()
    }

    /// Whether this node announces itself and looks for peers on the local network.
    pub(crate) fn local_discovery(&self) -> bool {
        self.settings.local_discovery == Some(true)
    }

    /// This node as a ticket names it.
    pub(crate) fn me(&self) -> Peer {
        Peer {
            endpoint: *self.router.endpoint().id().as_bytes(),
            addrs: self.addrs(),
        }
    }

    /// What this node last saw of `endpoint`'s reachability.
    pub(crate) fn reach(&self, endpoint: &[u8; 32]) -> Option<Reach> {
        self.reach.lock().ok()?.get(endpoint).copied()
    }

    /// Remembers whether `endpoint` answered, from how dialling it went.
    fn note_reach<T>(&self, endpoint: [u8; 32], outcome: &Result<T, datacoop_net::NetError>) {
        let reach = match outcome {
            Err(datacoop_net::NetError::PeerUnreachable { .. }) => Reach::Unreachable,
            _ => Reach::Reached,
        };
        let counts = self.reach.lock().ok().and_then(|mut known| {
            let changed = known.insert(endpoint, reach) != Some(reach);
            let up = known.values().filter(|r| **r == Reach::Reached).count();
            changed.then(|| (up, known.len() - up))
        });
        if let Some((up, down)) = counts {
            self.events.emit(crate::Event::PeersChanged {
                reachable: u32::try_from(up).unwrap_or(u32::MAX),
                unreachable: u32::try_from(down).unwrap_or(u32::MAX),
            });
        }
    }

    /// Remembers where `peer` listens, for dialling by address and by id.
    fn learn(&self, peer: &Peer) -> Result<(), NodeError> {
        self.book.learn(peer)?;
        if let Some(addr) = self.book.get(&peer.endpoint) {
            self.lookup.add_endpoint_info(addr);
        }
        Ok(())
    }

    /// The log changed: join the cooperative's announcement topic if not yet (or give it
    /// the participants learned of since), and on the operator's node announce the newest
    /// checkpoint.
    async fn log_changed(&self) {
        let Some(state) = self.log.ledger.snapshot().state else {
            return;
        };
        let mut announcing = self.announcing.lock().await;
        if announcing.is_none() {
            match self.subscribe(&state).await {
                Ok(sender) => *announcing = Some(sender),
                Err(e) => tracing::info!("no checkpoint announcements yet: {e}"),
            }
        } else if let Some(sender) = announcing.as_ref() {
            // A replica starts from the genesis alone, before anyone's endpoint is on it.
            let new = self.new_topic_peers(&state);
            if !new.is_empty()
                && let Err(e) = sender.join_peers(new).await
            {
                tracing::info!("gossip peers: {e}");
            }
        }
        let me = self.identity.verification_key().to_bytes();
        let Some(sender) = announcing.as_ref() else {
            return;
        };
        if state.operator() != me {
            return;
        }
        let newest = self
            .log
            .ledger
            .run(|slot| Ok(slot.as_ref().and_then(|l| l.log().checkpoint_to_share())))
            .await;
        if let Ok(Some(checkpoint)) = newest {
            let size = checkpoint.checkpoint.size;
            let before = self
                .announced
                .swap(size, std::sync::atomic::Ordering::SeqCst);
            if size != before
                && let Some(message) = datacoop_net::announce::announcement(&checkpoint)
                && let Err(e) = sender.broadcast(message).await
            {
                tracing::info!("announcing checkpoint {size}: {e}");
            }
        }
    }

    /// The participants' endpoints this node can dial and has not given the topic yet.
    fn new_topic_peers(&self, state: &datacoop_ledger::CoopState) -> Vec<iroh::EndpointId> {
        let me = *self.router.endpoint().id().as_bytes();
        let Ok(mut given) = self.topic_peers.lock() else {
            return Vec::new();
        };
        state
            .stewards()
            .iter()
            .chain(state.members().keys())
            .filter_map(|who| state.endpoint_of(who))
            .filter(|endpoint| *endpoint != me && self.book.get(endpoint).is_some())
            .filter(|endpoint| given.insert(*endpoint))
            .filter_map(|endpoint| iroh::PublicKey::from_bytes(&endpoint).ok())
            .collect()
    }

    /// Joins the topic with the participants this node can reach as its first peers, and
    /// pulls whenever an announcement names a checkpoint beyond this log.
    async fn subscribe(
        &self,
        state: &datacoop_ledger::CoopState,
    ) -> Result<datacoop_net::iroh_gossip::api::GossipSender, NodeError> {
        let bootstrap = self.new_topic_peers(state);
        let topic = self
            .gossip
            .subscribe(datacoop_net::announce::topic(&state.coop()), bootstrap)
            .await
            .map_err(|e| NodeError::Protocol(format!("gossip: {e}")))?;
        let (sender, mut receiver) = topic.split();
        let (ledger, cancel) = (self.log.ledger.clone(), self.cancel.clone());
        let poke = Arc::clone(&self.poke);
        self.tracker.spawn(async move {
            use futures_lite::StreamExt;
            loop {
                let event = tokio::select! {
                    () = cancel.cancelled() => break,
                    event = receiver.next() => event,
                };
                let Some(Ok(event)) = event else { break };
                let datacoop_net::iroh_gossip::api::Event::Received(message) = event else {
                    continue;
                };
                let snapshot = ledger.snapshot();
                let Some(state) = snapshot.state else {
                    continue;
                };
                let operator = state.operator();
                match datacoop_net::announce::read_announcement(&message.content, &operator) {
                    Ok(checkpoint) if checkpoint.checkpoint.size > snapshot.size => {
                        poke.notify_one();
                    }
                    Ok(_) => {}
                    Err(e) => tracing::info!("ignored an announcement: {e}"),
                }
            }
        });
        Ok(sender)
    }

    /// A newcomer this node let in: keeps where it listens and, for a steward
    /// invitation, proposes it as steward with this steward's approval (a steward
    /// invitation alone makes a member; with k = 1 the proposal takes effect at once).
    async fn welcome(&self, joined: datacoop_net::Joined) {
        if let Err(e) = self.learn(&joined.peer) {
            tracing::warn!("cannot record where a newcomer listens: {e}");
        }
        if joined.role != datacoop_core::Role::Steward || joined.awaiting_review {
            // A reviewed steward is proposed when a steward accepts them.
            return;
        }
        let proposed = record(
            &self.log.ledger,
            &self.identity,
            Some(self),
            move |ledger, identity, now| {
                let change = datacoop_ledger::Change::AddSteward(joined.who);
                ledger.proposal_ops(identity, change, now)
            },
        )
        .await;
        if let Err(e) = proposed {
            tracing::warn!("cannot propose the invited steward: {e}");
        }
    }

    /// One round of the background work; failures are logged and tried again next time.
    async fn tick(&self) {
        let Some(state) = self.log.ledger.snapshot().state else {
            if let Some(ticket) = crate::pending::pending_join(&self.home) {
                match self.finish_join(&ticket).await {
                    Ok(()) => {
                        let _ = std::fs::remove_file(crate::pending::pending_join_file(&self.home));
                    }
                    Err(e) => tracing::info!("still waiting to be accepted: {e}"),
                }
            }
            return;
        };
        let me = self.identity.verification_key().to_bytes();
        if state.operator() == me {
            if let Err(e) = self.heartbeat().await {
                tracing::warn!("heartbeat: {e}");
            }
            for witness in state.witnesses().iter().filter(|w| **w != me) {
                if let Err(e) = self.ask_to_cosign(&state, witness).await {
                    tracing::info!("witness {}: {e}", hex::encode(&witness[..4]));
                }
            }
        } else if let Err(e) = self.catch_up().await {
            tracing::info!("catching up: {e}");
        }
        if !state.view().reads_consents() {
            self.refresh_pending(&state).await;
        }
        self.end_grants(&state).await;
        self.report_served(&state).await;
    }

    async fn heartbeat(&self) -> Result<(), NodeError> {
        let identity = Arc::clone(&self.identity);
        let interval = self.settings.heartbeat.as_secs().max(1);
        self.log
            .ledger
            .run(move |slot| match slot.as_mut() {
                Some(ledger) => ledger
                    .heartbeat(&identity, interval, crate::node::now())
                    .map(|_| ()),
                None => Ok(()),
            })
            .await
    }

    async fn ask_to_cosign(
        &self,
        state: &datacoop_ledger::CoopState,
        witness: &[u8; 32],
    ) -> Result<(), NodeError> {
        let endpoint = state
            .endpoint_of(witness)
            .ok_or_else(|| NodeError::OperatorUnknown {
                reason: "the witness announced no endpoint".into(),
            })?;
        let addr = self
            .book
            .get(&endpoint)
            .ok_or_else(|| NodeError::OperatorUnknown {
                reason: "no address is known for the witness".into(),
            })?;
        let asked =
            datacoop_net::request_cosignature(self.router.endpoint(), addr, &self.log, *witness)
                .await;
        self.note_reach(endpoint, &asked);
        asked?;
        Ok(())
    }

    /// Where the operator's node can be dialled.
    fn operator_addr(&self) -> Result<iroh::EndpointAddr, NodeError> {
        let state = self
            .log
            .ledger
            .snapshot()
            .state
            .ok_or(NodeError::NotInCoop)?;
        let endpoint =
            state
                .endpoint_of(&state.operator())
                .ok_or_else(|| NodeError::OperatorUnknown {
                    reason: "the operator announced no endpoint on the log".into(),
                })?;
        self.book
            .get(&endpoint)
            .ok_or_else(|| NodeError::OperatorUnknown {
                reason: "no address is known for the operator's node".into(),
            })
    }

    /// Pulls from the operator's node everything this node lacks (one pull at a time: a
    /// timed pull, an announcement and a write may all ask at once).
    pub(crate) async fn catch_up(&self) -> Result<u64, NodeError> {
        let _one = self.pulling.lock().await;
        let addr = self.operator_addr()?;
        let operator = *addr.id.as_bytes();
        let pulled =
            datacoop_net::catch_up(self.router.endpoint(), addr, &self.log, PULL_BATCH).await;
        self.note_reach(operator, &pulled);
        Ok(pulled?.appended)
    }

    /// Sends this member's operations to the operator, in order, then catches up so the
    /// local log holds them. Answers their ids.
    pub(crate) async fn submit_all(&self, ops: Vec<Operation>) -> Result<Vec<OpId>, NodeError> {
        let ids = ops.iter().map(Operation::id).collect();
        self.submit(ops).await?;
        Ok(ids)
    }

    /// Sends `ops` to the operator in one request per [`datacoop_net::log_sync::MAX_SUBMISSION`],
    /// in order, then catches up; answers where the first landed and the last checkpoint.
    async fn submit(
        &self,
        ops: Vec<Operation>,
    ) -> Result<(u64, datacoop_ledger::SignedCheckpoint), NodeError> {
        let state = self
            .log
            .ledger
            .snapshot()
            .state
            .ok_or(NodeError::NotInCoop)?;
        let operator_key = state.operator();
        let mut landed: Option<(u64, datacoop_ledger::SignedCheckpoint)> = None;
        for chunk in ops.chunks(datacoop_net::log_sync::MAX_SUBMISSION) {
            let addr = self.operator_addr()?;
            let (index, checkpoint) =
                datacoop_net::submit(self.router.endpoint(), addr, chunk, &operator_key).await?;
            landed = Some((landed.map_or(index, |(first, _)| first), checkpoint));
        }
        let landed = landed.ok_or_else(|| NodeError::Protocol("nothing to submit".into()))?;
        self.catch_up().await?;
        self.poke.notify_one();
        Ok(landed)
    }

    /// Joins the cooperative of `ticket`: sends the join to the inviter and, once it is a
    /// member (at once, or after a steward's review), starts a replica from the genesis the
    /// inviter serves and catches up.
    pub(crate) async fn join(&self, ticket: &InviteTicket) -> Result<JoinProgress, NodeError> {
        ticket.inviter_addr()?;
        let outcome = datacoop_net::join(
            self.router.endpoint(),
            ticket,
            self.identity.signing_key(),
            datacoop_net::endpoint_id(&self.identity),
        )
        .await
        .map_err(|e| match (e, &ticket.relay, self.relay()) {
            // A ticket never turns a relay on by itself: say which one to set.
            (datacoop_net::NetError::PeerUnreachable { reason }, Some(relay), None) => {
                NodeError::RelayNotSet {
                    relay: relay.clone(),
                    reason,
                }
            }
            (e, ..) => e.into(),
        })?;
        self.learn(&ticket.inviter)?;
        if let datacoop_net::JoinOutcome::AwaitingReview { .. } = outcome {
            datacoop_crypto::write_atomically(
                &crate::pending::pending_join_file(&self.home),
                ticket.to_string().as_bytes(),
            )?;
            return Ok(JoinProgress::AwaitingReview);
        }
        self.finish_join(ticket).await?;
        Ok(JoinProgress::Joined)
    }

    /// A member now: the replica starts from the genesis and catches up.
    async fn finish_join(&self, ticket: &InviteTicket) -> Result<(), NodeError> {
        let inviter = ticket.inviter_addr()?;
        let genesis =
            datacoop_net::fetch_genesis(self.router.endpoint(), inviter.clone(), ticket.coop)
                .await?;
        let root = self.home.root().to_owned();
        let coop = ticket.coop;
        // A trainer's node keeps a trainer's view of the log from the start.
        let view = match ticket.role {
            Some(datacoop_core::Role::Trainer) => {
                datacoop_ledger::View::Trainer(self.identity.verification_key().to_bytes())
            }
            _ => datacoop_ledger::View::Full,
        };
        self.log
            .ledger
            .run(move |slot| {
                if let Some(ledger) = slot.as_ref() {
                    return Err(NodeError::AlreadyInCoop {
                        name: ledger.name(),
                    });
                }
                *slot = Some(Ledger::create_replica(&root, genesis, coop, view)?);
                Ok(())
            })
            .await?;
        datacoop_net::catch_up(self.router.endpoint(), inviter, &self.log, PULL_BATCH).await?;
        self.poke.notify_one();
        Ok(())
    }
}

/// Records operations `make` signs (as `identity`, at a time it is given, against the log
/// as it is): sequenced on this node when it is the operator, else sent to the operator's
/// node after catching up, so they follow this identity's operations already on the log.
pub(crate) async fn record(
    ledger: &LedgerHandle,
    identity: &Arc<Identity>,
    network: Option<&Network>,
    make: impl FnOnce(&Ledger, &Identity, u64) -> Result<Vec<Operation>, NodeError> + Send + 'static,
) -> Result<Vec<OpId>, NodeError> {
    let state = ledger.snapshot().state.ok_or(NodeError::NotInCoop)?;
    let identity = Arc::clone(identity);
    if state.operator() == identity.verification_key().to_bytes() {
        return ledger
            .run(move |slot| {
                let ledger = slot.as_mut().ok_or(NodeError::NotInCoop)?;
                let ops = make(ledger, &identity, crate::node::now())?;
                if ops.is_empty() {
                    return Ok(Vec::new());
                }
                ledger.sequence_own(&identity, ops, crate::node::now())
            })
            .await;
    }
    let network = network.ok_or(NodeError::NotServing {
        what: "writing to the cooperative's log",
    })?;
    let _one_writer = network.writing.lock().await;
    network.catch_up().await?;
    let ops = ledger
        .run(move |slot| {
            let ledger = slot.as_mut().ok_or(NodeError::NotInCoop)?;
            make(ledger, &identity, crate::node::now())
        })
        .await?;
    if ops.is_empty() {
        return Ok(Vec::new());
    }
    network.submit_all(ops).await
}

/// Who may fetch which blob, from the newest log state (trainers: what live releases
/// cover).
fn blob_access(
    ledger: &tokio::sync::watch::Receiver<crate::ledger_handle::LogSnapshot>,
    stale_after: Duration,
    served: Arc<releasing::ServedLedger>,
) -> Arc<dyn datacoop_net::blobs::BlobAccess> {
    let grants = releasing::LogGrants {
        ledger: ledger.clone(),
        stale_after,
    };
    let ledger = ledger.clone();
    Arc::new(
        datacoop_net::blobs::LogAccess::new(
            move || ledger.borrow().state.clone(),
            Arc::new(grants),
        )
        .reporting(served),
    )
}

/// Sends the joins a steward's node admitted to the log's operator, when that is another
/// node (the network it belongs to is set once it exists).
struct ToOperator(std::sync::OnceLock<std::sync::Weak<Network>>);

impl datacoop_net::Forward for ToOperator {
    fn forward(&self, ops: Vec<Operation>) -> datacoop_net::Forwarded {
        let network = self.0.get().and_then(std::sync::Weak::upgrade);
        Box::pin(async move {
            let network = network.ok_or_else(|| "this node is stopping".to_owned())?;
            network.submit(ops).await.map_err(|e| e.to_string())
        })
    }
}

/// Binds where `listen` says; when it leaves the port to the system, the port this home
/// used last is tried first, so the addresses peers learned from tickets stay good
/// across restarts (the port the system gave is remembered in `HOME/listen-port`).
async fn bind_remembering_port(
    home: &crate::Home,
    identity: &Identity,
    settings: &NetSettings,
    guard: MembersOnly<Admitted>,
    lookup: iroh::address_lookup::MemoryLookup,
) -> Result<iroh::Endpoint, NodeError> {
    let file = home.root().join("listen-port");
    let asked = settings.listen.addr();
    let remembered = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
        .filter(|port| asked.port() == 0 && *port != 0);
    let config = |addr: SocketAddr| NetConfig {
        listen: Listen::Addr(addr),
        alpns: Vec::new(),
        lookup: Some(lookup.clone()),
        relay: settings.relay.clone(),
        local_discovery: settings.local_discovery == Some(true),
    };
    let endpoint = match remembered {
        Some(port) => {
            let again = SocketAddr::new(asked.ip(), port);
            match datacoop_net::bind_guarded(identity, &config(again), guard.clone()).await {
                Ok(endpoint) => endpoint,
                Err(e) => {
                    tracing::info!("port {port} is taken ({e}); letting the system pick one");
                    datacoop_net::bind_guarded(identity, &config(asked), guard).await?
                }
            }
        }
        None => datacoop_net::bind_guarded(identity, &config(asked), guard).await?,
    };
    if asked.port() == 0
        && let Some(bound) = endpoint.bound_sockets().first()
        && remembered != Some(bound.port())
        && let Err(e) =
            datacoop_crypto::write_atomically(&file, bound.port().to_string().as_bytes())
    {
        tracing::warn!("cannot remember the port: {e}");
    }
    Ok(endpoint)
}
