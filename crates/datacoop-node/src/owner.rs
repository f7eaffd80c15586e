//! The one owner of a home while a long-running process keeps it open: `datacoop serve`
//! and the desktop app alike (the model is iroh's `Router`: one value that holds the
//! endpoint's tasks and shuts them down in order).
//!
//! An [`Owner`] holds the home's lock, serves its control socket, and keeps the node slot:
//! empty before an identity exists or while locked, an unlocked [`Node`] otherwise. Every
//! use case runs as a job tracked by the slot's [`TaskTracker`], whether it came through
//! the socket or from the window, so "busy" means "jobs are running" and nothing else.
//! [`Owner::lock`] and [`Owner::shutdown`] cancel those jobs (one [`CancellationToken`]
//! per unlock, a child per job), wait for them, close the vault, and report what they
//! stopped. [`Owner::subscribe`] follows the node's [`Event`]s. The network layer
//! (`datacoop-net`) will attach here, as more tasks under the same token and tracker.
//!
//! A launch takes the lock as a one-shot owner first, unlocks the node if it was given a
//! passphrase (`serve`), binds the socket, and only then publishes itself as
//! [`OwnerKind::Serve`] or [`OwnerKind::App`], so a command started meanwhile waits
//! instead of failing to connect. A launch of the app that finds another app owning the
//! home asks it to bring its window forward ([`Launch::Activated`]); one that finds
//! `datacoop serve` gets [`Launch::Taken`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use datacoop_crypto::{KdfCost, PublicIdentity};
use datacoop_vault::{CancellationToken, NoProgress, Progress, ProgressSink, ProgressThrottle};
use secrecy::SecretString;
use serde::Serialize;
use tokio::sync::RwLock;
use tokio::task::JoinHandle;
use tokio_util::task::TaskTracker;

use crate::api::{Op, Request, Runner};
use crate::control::{self, ControlClient};
use crate::events::{Event, Events, JobKind, JobOutcome, Subscription};
use crate::network::NetSettings;
use crate::views::CreatedIdentity;
use crate::{Home, HomeLock, Node, NodeError, OwnerInfo, OwnerKind, Ownership};

/// How long locking or stopping waits for cancelled work before closing regardless.
const STOP_PATIENCE: Duration = Duration::from_secs(30);

/// How often a job's progress reaches followers at most.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// How an owner is started.
#[derive(Clone)]
pub struct OwnerOptions {
    /// `Serve` or `App`.
    pub kind: OwnerKind,
    /// Scrypt cost for keystores and kits sealed by this owner.
    pub kdf_cost: KdfCost,
    /// How long to wait while a one-shot command holds the home.
    pub patience: Duration,
    /// Brings the window forward when another launch asks (the app only).
    pub on_activate: Option<Arc<dyn Fn() + Send + Sync>>,
    /// How the unlocked node takes part in the cooperative's network; none keeps it off
    /// the network.
    pub net: Option<NetSettings>,
}

/// The outcome of [`Owner::launch`].
pub enum Launch {
    /// This process owns the home now.
    Owned(Owner),
    /// The desktop app already owns the home and was asked to bring its window forward.
    Activated(OwnerInfo),
    /// Another process owns the home (`datacoop serve`, the app when this is `serve`, or
    /// a one-shot command that kept it longer than the patience given).
    Taken(OwnerInfo),
}

/// Where an owner's home stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HomeState {
    /// No identity has been created here yet.
    NoIdentity,
    /// An identity exists; its passphrase has not been given yet (or the home was locked).
    Locked,
    /// Unlocked: requests run.
    Unlocked {
        /// Whose home it is.
        identity: PublicIdentity,
    },
}

/// What locking or stopping had to stop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StopReport {
    /// The jobs that were running and were cancelled and waited for.
    pub cancelled: Vec<JobKind>,
    /// False if some of them had not ended after the patience allowed, and the vault was
    /// left to close when they do.
    pub in_time: bool,
}

/// The home owned by this process, for as long as it runs.
pub struct Owner {
    shared: Arc<Shared>,
    server: Mutex<Option<JoinHandle<()>>>,
}

/// An unlocked identity and the work running on it.
struct Unlocked {
    node: Arc<Node>,
    /// Cancelled when the home locks; each job's token is a child of it.
    cancel: CancellationToken,
    work: TaskTracker,
}

pub(crate) struct Shared {
    home: Home,
    kind: OwnerKind,
    kdf_cost: KdfCost,
    slot: RwLock<Option<Unlocked>>,
    jobs: Mutex<BTreeMap<u64, JobKind>>,
    next_job: AtomicU64,
    events: Events,
    /// Cancelled when the owner stops: the socket stops accepting, followers end.
    pub(crate) stopping: CancellationToken,
    /// The control connections being served.
    pub(crate) connections: TaskTracker,
    on_activate: Option<Arc<dyn Fn() + Send + Sync>>,
    lock: Mutex<Option<HomeLock>>,
    /// Closes the vault of a lock whose work outlasted the patience, once that work ends.
    /// Nothing opens the vault again before it has finished.
    closing: tokio::sync::Mutex<Option<JoinHandle<()>>>,
    /// How long locking waits for cancelled work, and unlocking for a vault still closing.
    stop_patience: Mutex<Duration>,
    net: Option<NetSettings>,
}

impl Owner {
    /// Takes `home` as a long-running owner that starts locked (the app), waiting up to
    /// `options.patience` while a one-shot command holds it.
    pub async fn launch(home: &Home, options: OwnerOptions) -> Result<Launch, NodeError> {
        Owner::launch_with(
            home,
            options,
            None::<fn() -> Result<SecretString, NodeError>>,
        )
        .await
    }

    /// Takes `home` like [`Owner::launch`], and unlocks the identity with the passphrase
    /// `passphrase` gives (asked only once the home is ours) before the owner publishes
    /// itself (`serve`). A passphrase source that fails (the caller's own error type)
    /// fails the launch with its error.
    pub async fn launch_unlocked<E: From<NodeError>>(
        home: &Home,
        options: OwnerOptions,
        passphrase: impl FnOnce() -> Result<SecretString, E>,
    ) -> Result<Launch, E> {
        Owner::launch_with(home, options, Some(passphrase)).await
    }

    async fn launch_with<E: From<NodeError>>(
        home: &Home,
        options: OwnerOptions,
        passphrase: Option<impl FnOnce() -> Result<SecretString, E>>,
    ) -> Result<Launch, E> {
        let for_lock = home.clone();
        let patience = options.patience;
        let ownership = tokio::task::spawn_blocking(move || {
            HomeLock::acquire_waiting(&for_lock, OwnerKind::Cli, patience, |_| {})
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))??;
        let lock = match ownership {
            Ownership::Owned(lock) => lock,
            Ownership::Taken(owner)
                if owner.kind == OwnerKind::App && options.kind == OwnerKind::App =>
            {
                return Ok(activate(home, owner).await?);
            }
            Ownership::Taken(owner) => return Ok(Launch::Taken(owner)),
        };
        let events = Events::new();
        let slot = match passphrase {
            Some(passphrase) => {
                let passphrase = passphrase()?;
                let node = Node::open(home, &passphrase, options.kdf_cost, events.clone()).await?;
                node.open_blob_store().await?;
                Some(Unlocked::start(node, options.net.as_ref(), options.kind, &events).await?)
            }
            None => None,
        };
        let listener = control::bind(&home.control_socket())?;
        let owner_uid = control::effective_uid(&home.control_socket())?;
        let shared = Arc::new(Shared {
            home: home.clone(),
            kind: options.kind,
            kdf_cost: options.kdf_cost,
            slot: RwLock::new(slot),
            jobs: Mutex::new(BTreeMap::new()),
            next_job: AtomicU64::new(1),
            events,
            stopping: CancellationToken::new(),
            connections: TaskTracker::new(),
            on_activate: options.on_activate,
            lock: Mutex::new(None),
            closing: tokio::sync::Mutex::new(None),
            stop_patience: Mutex::new(STOP_PATIENCE),
            net: options.net,
        });
        let server = tokio::spawn(control::serve(listener, shared.clone(), owner_uid));
        lock.publish(options.kind)?;
        if let Ok(mut held) = shared.lock.lock() {
            *held = Some(lock);
        }
        Ok(Launch::Owned(Owner {
            shared,
            server: Mutex::new(Some(server)),
        }))
    }

    /// The home.
    pub fn home(&self) -> &Home {
        &self.shared.home
    }

    /// Where the home stands.
    pub async fn state(&self) -> HomeState {
        if let Some(unlocked) = self.shared.slot.read().await.as_ref() {
            return HomeState::Unlocked {
                identity: unlocked.node.identity(),
            };
        }
        if self.shared.home.is_initialised() {
            HomeState::Locked
        } else {
            HomeState::NoIdentity
        }
    }

    /// Follows this owner's events from now on.
    pub fn subscribe(&self) -> Subscription {
        self.shared.events.subscribe()
    }

    /// The work running now.
    pub fn running(&self) -> Vec<JobKind> {
        self.shared.running()
    }

    /// Runs one operation as a tracked job, as a request through the control socket
    /// would run. `cancel` stops it; so do locking and stopping the owner.
    pub async fn call<O: Op>(
        &self,
        op: O,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<O::Output, NodeError> {
        self.shared.run(op, progress, cancel).await
    }

    /// Creates the identity, unlocks it and makes its first recovery kit (show the kit
    /// and phrase once). Fails with `home.already_initialised` if one exists.
    pub async fn create(
        &self,
        name: &str,
        passphrase: SecretString,
    ) -> Result<CreatedIdentity, NodeError> {
        let mut slot = self.shared.slot.write().await;
        self.shared.wait_until_closed().await?;
        let home = self.shared.home.clone();
        let cost = self.shared.kdf_cost;
        let name = name.to_owned();
        let (created, passphrase) = tokio::task::spawn_blocking(move || {
            let created = crate::init(&home, &name, &passphrase, cost);
            (created, passphrase)
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))?;
        created?;
        let node = self.open_node(&passphrase).await?;
        drop(passphrase);
        let kit = match node.recovery_kit(None).await {
            Ok(kit) => kit,
            Err(e) => {
                node.close().await;
                return Err(e);
            }
        };
        let identity = self.fill(&mut slot, node).await?;
        Ok(CreatedIdentity { identity, kit })
    }

    /// Rebuilds the identity from a recovery kit and its phrase, seals it under a new
    /// passphrase and unlocks it (`auth.wrong_recovery_phrase`,
    /// `auth.invalid_recovery_phrase` and `input.recovery_kit_corrupt` say what is wrong).
    pub async fn restore(
        &self,
        kit: String,
        phrase: SecretString,
        passphrase: SecretString,
    ) -> Result<PublicIdentity, NodeError> {
        let mut slot = self.shared.slot.write().await;
        self.shared.wait_until_closed().await?;
        let home = self.shared.home.clone();
        let cost = self.shared.kdf_cost;
        let (restored, passphrase) = tokio::task::spawn_blocking(move || {
            use secrecy::ExposeSecret;
            let restored = crate::restore(&home, &kit, phrase.expose_secret(), &passphrase, cost);
            (restored, passphrase)
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))?;
        restored?;
        let node = self.open_node(&passphrase).await?;
        self.fill(&mut slot, node).await
    }

    /// Unlocks the identity; `auth.wrong_passphrase` if the passphrase is not its own.
    pub async fn unlock(&self, passphrase: &SecretString) -> Result<PublicIdentity, NodeError> {
        let mut slot = self.shared.slot.write().await;
        if let Some(unlocked) = slot.as_ref() {
            return Ok(unlocked.node.identity());
        }
        self.shared.wait_until_closed().await?;
        let node = self.open_node(passphrase).await?;
        self.fill(&mut slot, node).await
    }

    /// Locks: cancels the work running on the node, waits for it, closes the vault and
    /// forgets the keys. Says what it stopped.
    pub async fn lock(&self) -> StopReport {
        self.shared.lock().await
    }

    /// Stops: the socket stops accepting, followers are let go, the running work is
    /// cancelled and waited for, the vault is closed and the home released. Says what it
    /// stopped. Calling it again does nothing more.
    pub async fn shutdown(&self) -> StopReport {
        self.shared.stopping.cancel();
        let report = self.shared.lock().await;
        if let Err(e) = self.shared.wait_until_closed().await {
            tracing::warn!("stopping with the vault still open: {e}");
        }
        self.shared.connections.close();
        if tokio::time::timeout(STOP_PATIENCE, self.shared.connections.wait())
            .await
            .is_err()
        {
            tracing::warn!("control connections still open after shutdown; closing them");
        }
        let server = self.server.lock().ok().and_then(|mut s| s.take());
        if let Some(server) = server {
            let _ = server.await;
        }
        let held = self.shared.lock.lock().ok().and_then(|mut l| l.take());
        if let Some(lock) = held {
            let _ = std::fs::remove_file(self.shared.home.control_socket());
            drop(lock);
        }
        report
    }

    /// Opens the node with its blob store: a long-running owner reclaims what an
    /// interrupted import left before anything else runs.
    async fn open_node(&self, passphrase: &SecretString) -> Result<Node, NodeError> {
        let node = Node::open(
            &self.shared.home,
            passphrase,
            self.shared.kdf_cost,
            self.shared.events.clone(),
        )
        .await?;
        node.open_blob_store().await?;
        Ok(node)
    }

    async fn fill(
        &self,
        slot: &mut Option<Unlocked>,
        node: Node,
    ) -> Result<PublicIdentity, NodeError> {
        let identity = node.identity();
        let shared = &self.shared;
        *slot =
            Some(Unlocked::start(node, shared.net.as_ref(), shared.kind, &shared.events).await?);
        self.shared.events.emit(Event::Unlocked {
            identity: identity.id.to_string(),
            name: identity.name.clone(),
        });
        Ok(identity)
    }

    /// The addresses the node listens on, while it is unlocked and on the network.
    pub async fn listening(&self) -> Option<Vec<std::net::SocketAddr>> {
        self.shared.slot.read().await.as_ref()?.node.listening()
    }
}

impl Unlocked {
    /// Holds `node` and starts its background work: the network, when `net` says how
    /// (`serve` fails to start without it; the app goes on offline and says why in its
    /// log), and telling followers whenever the log grows, whoever grew it.
    async fn start(
        node: Node,
        net: Option<&NetSettings>,
        kind: OwnerKind,
        events: &Events,
    ) -> Result<Self, NodeError> {
        let unlocked = Unlocked {
            node: Arc::new(node),
            cancel: CancellationToken::new(),
            work: TaskTracker::new(),
        };
        if let Some(settings) = net {
            let started = unlocked
                .node
                .start_network(
                    settings.clone(),
                    unlocked.cancel.child_token(),
                    &unlocked.work,
                )
                .await;
            match started {
                Ok(()) => {}
                Err(e) if kind == OwnerKind::App => {
                    tracing::warn!("staying offline: {e}");
                }
                Err(e) => {
                    if let Ok(node) = Arc::try_unwrap(unlocked.node) {
                        node.close().await;
                    }
                    return Err(e);
                }
            }
        }
        let mut log = unlocked.node.ledger().watch();
        let (cancel, events) = (unlocked.cancel.clone(), events.clone());
        let mut size = log.borrow().size;
        unlocked.work.spawn(async move {
            loop {
                tokio::select! {
                    () = cancel.cancelled() => break,
                    changed = log.changed() => {
                        if changed.is_err() {
                            break;
                        }
                        let now = log.borrow().size;
                        if now != size {
                            size = now;
                            events.emit(Event::LogAppended { size });
                        }
                    }
                }
            }
        });
        Ok(unlocked)
    }
}

impl Shared {
    pub(crate) fn subscribe(&self) -> Subscription {
        self.events.subscribe()
    }

    fn running(&self) -> Vec<JobKind> {
        self.jobs
            .lock()
            .map(|jobs| jobs.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Answers one request from the control socket.
    pub(crate) async fn answer(
        &self,
        request: Request,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<serde_json::Value, NodeError> {
        match request {
            Request::Ping => Ok(serde_json::Value::Null),
            Request::Activate => match &self.on_activate {
                Some(activate) => {
                    activate();
                    Ok(serde_json::Value::Null)
                }
                None => Err(NodeError::NotHere { op: "activate" }),
            },
            request => request.dispatch(self, progress, cancel).await,
        }
    }

    async fn run_job<T, F, Fut>(
        &self,
        job: u64,
        kind: JobKind,
        cancel: CancellationToken,
        work: F,
    ) -> Result<T, NodeError>
    where
        F: FnOnce(Arc<Node>, CancellationToken) -> Fut,
        Fut: Future<Output = Result<T, NodeError>>,
    {
        // Tracked and listed from before the slot is released, so that locking, which
        // empties the slot, then cancels and waits, can neither miss it nor leave it out
        // of what it says it stopped.
        let slot = self.slot.read().await;
        let Some(unlocked) = slot.as_ref() else {
            return Err(NodeError::Locked { owner: self.kind });
        };
        let node = unlocked.node.clone();
        let stop = unlocked.cancel.clone();
        let _running = unlocked.work.token();
        let _registered = JobRegistration::new(self, job, kind.clone());
        drop(slot);
        let result = {
            let running = work(node, cancel.clone());
            tokio::pin!(running);
            tokio::select! {
                result = &mut running => result,
                () = stop.cancelled() => {
                    // Locking cancels every job; the job's own token is what its work checks.
                    cancel.cancel();
                    running.await
                }
            }
        };
        if kind.is_long() {
            let outcome = match &result {
                Ok(_) => JobOutcome::Done,
                Err(e) if e.code() == datacoop_core::Code::Cancelled => JobOutcome::Cancelled,
                Err(e) => JobOutcome::Failed { code: e.code() },
            };
            self.events.emit(Event::JobFinished { job, kind, outcome });
        }
        result
    }

    fn stop_patience(&self) -> Duration {
        self.stop_patience
            .lock()
            .map(|d| *d)
            .unwrap_or(STOP_PATIENCE)
    }

    /// Waits (up to the stop patience) for the vault of an earlier lock to finish
    /// closing, so that it is never open twice.
    async fn wait_until_closed(&self) -> Result<(), NodeError> {
        let mut closing = self.closing.lock().await;
        let Some(closer) = closing.as_mut() else {
            return Ok(());
        };
        let patience = self.stop_patience();
        match tokio::time::timeout(patience, closer).await {
            Ok(_) => {
                *closing = None;
                Ok(())
            }
            Err(_) => Err(NodeError::StillClosing {
                seconds: patience.as_secs(),
            }),
        }
    }

    async fn lock(&self) -> StopReport {
        // Held until the vault is closed, so that an unlock cannot open it twice.
        let mut slot = self.slot.write().await;
        let Some(unlocked) = slot.take() else {
            return StopReport {
                cancelled: Vec::new(),
                in_time: true,
            };
        };
        let cancelled = self.running();
        unlocked.cancel.cancel();
        unlocked.work.close();
        let started = Instant::now();
        let in_time = tokio::time::timeout(self.stop_patience(), unlocked.work.wait())
            .await
            .is_ok();
        match Arc::try_unwrap(unlocked.node) {
            Ok(node) => node.close().await,
            Err(node) => {
                tracing::warn!(
                    "work still running {:?} after the home was locked; the vault closes when it ends",
                    started.elapsed()
                );
                let work = unlocked.work.clone();
                let closer = tokio::spawn(async move {
                    work.wait().await;
                    match Arc::try_unwrap(node) {
                        Ok(node) => node.close().await,
                        // Held outside the tracked work: it closes when dropped.
                        Err(_) => tracing::warn!("the vault closes when its last user ends"),
                    }
                });
                *self.closing.lock().await = Some(closer);
            }
        }
        self.events.emit(Event::Locked {
            cancelled: cancelled.clone(),
        });
        drop(slot);
        StopReport { cancelled, in_time }
    }
}

impl Runner for Shared {
    async fn run<O: Op>(
        &self,
        op: O,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<O::Output, NodeError> {
        crate::api::refuse_secrets_without_passphrase(&op)?;
        let kind = op.kind();
        let job = self.next_job.fetch_add(1, Ordering::Relaxed);
        let progress: Arc<dyn ProgressSink> = if kind.is_long() {
            Arc::new(FollowedSink {
                inner: progress,
                events: self.events.clone(),
                job,
                throttle: ProgressThrottle::new(PROGRESS_INTERVAL),
            })
        } else {
            progress
        };
        self.run_job(job, kind, cancel, |node, cancel| async move {
            op.run(&node, progress, cancel).await
        })
        .await
    }
}

/// Keeps a job in the list of running work while it runs, and tells followers when a
/// long one starts.
struct JobRegistration<'a> {
    shared: &'a Shared,
    job: u64,
}

impl<'a> JobRegistration<'a> {
    fn new(shared: &'a Shared, job: u64, kind: JobKind) -> Self {
        if kind.is_long() {
            shared.events.emit(Event::JobStarted {
                job,
                kind: kind.clone(),
            });
        }
        if let Ok(mut jobs) = shared.jobs.lock() {
            jobs.insert(job, kind);
        }
        JobRegistration { shared, job }
    }
}

impl Drop for JobRegistration<'_> {
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.shared.jobs.lock() {
            jobs.remove(&self.job);
        }
    }
}

/// Passes progress on to the caller, and to followers at most every
/// [`PROGRESS_INTERVAL`] (always the last report).
struct FollowedSink {
    inner: Arc<dyn ProgressSink>,
    events: Events,
    job: u64,
    throttle: ProgressThrottle,
}

impl ProgressSink for FollowedSink {
    fn report(&self, progress: &Progress) {
        self.inner.report(progress);
        if self.throttle.due(progress) {
            self.events.emit(Event::JobProgress {
                job: self.job,
                progress: progress.clone(),
            });
        }
    }
}

/// Asks the app that owns `home` to bring its window forward.
async fn activate(home: &Home, owner: OwnerInfo) -> Result<Launch, NodeError> {
    let asked = async {
        ControlClient::connect(&home.control_socket())
            .await?
            .call_raw(&Request::Activate, &NoProgress)
            .await
    };
    match asked.await {
        Ok(_) => Ok(Launch::Activated(owner)),
        Err(e) => Err(NodeError::OwnerUnreachable {
            home: home.root().to_owned(),
            owner,
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
#[path = "owner_tests.rs"]
mod tests;
