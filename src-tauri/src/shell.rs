//! What only the window needs: which home the app holds and in what state, the window's
//! cancellable jobs, and errors as the window shows them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use datacoop_crypto::PublicIdentity;
use datacoop_node::api::Op;
use datacoop_node::{
    CancellationToken, Code, Home, HomeState, Launch, NodeError, Owner, OwnerInfo, OwnerKind,
    OwnerOptions, ProgressSink,
};
use serde::Serialize;
use ts_rs::TS;

/// Where the app stands, for the first screen to show.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AppStatus {
    /// No identity yet: first run.
    NoIdentity {
        /// The home folder.
        home: String,
    },
    /// Needs the passphrase.
    Locked {
        /// The home folder.
        home: String,
    },
    /// Ready.
    Unlocked {
        /// The home folder.
        home: String,
        /// Whose home it is.
        identity: PublicIdentity,
    },
    /// Another process without a window owns the home.
    InUse {
        /// The home folder.
        home: String,
        /// What owns it.
        owner_kind: OwnerKind,
        /// Its process id.
        owner_pid: u32,
    },
    /// The home could not be opened at all.
    Unavailable {
        /// The home folder.
        home: String,
        /// Why, as a stable code.
        code: Code,
        /// Why, for people.
        message: String,
    },
}

/// A failed command: a stable code the window maps to a message, and the node's own text.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    /// Stable code (`auth.wrong_passphrase`, `input.invalid_name`, ...).
    pub code: Code,
    /// The node's message.
    pub message: String,
    /// For a file problem the person can act on, its kind and the path to name.
    pub io: Option<datacoop_node::IoProblem>,
}

impl CommandError {
    /// An error the shell itself reports.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
            io: None,
        }
    }
}

impl From<NodeError> for CommandError {
    fn from(e: NodeError) -> Self {
        CommandError {
            code: e.code(),
            message: e.to_string(),
            io: e.io_problem(),
        }
    }
}

/// What the app holds.
pub enum Holding {
    /// This process owns the home.
    Owned(Arc<Owner>),
    /// Another process without a window owns it.
    InUse(OwnerInfo),
    /// The home could not be opened.
    Unavailable(CommandError),
}

impl Holding {
    /// What a launch leaves the app holding. Another app that took the home meanwhile
    /// was asked to come forward; this one reports it as in use.
    pub fn from_launch(launched: Result<Launch, NodeError>) -> Holding {
        match launched {
            Ok(Launch::Owned(owned)) => Holding::Owned(Arc::new(owned)),
            Ok(Launch::Activated(owner) | Launch::Taken(owner)) => Holding::InUse(owner),
            Err(e) => Holding::Unavailable(CommandError::from(e)),
        }
    }
}

/// What brings the window forward when another launch asks.
pub type Activate = Arc<dyn Fn() + Send + Sync>;

/// How long "Try again" waits for a one-shot command: the person is watching.
const RETRY_PATIENCE: Duration = Duration::from_secs(5);

/// The app's managed state.
pub struct Ctx {
    home: Home,
    /// Replaced only by [`Ctx::retry`]; never held across an await.
    holding: RwLock<Holding>,
    activate: Activate,
    jobs: Mutex<HashMap<u32, CancellationToken>>,
}

/// How the app takes its home.
pub fn owner_options(activate: &Activate, patience: Duration) -> OwnerOptions {
    OwnerOptions {
        kind: OwnerKind::App,
        kdf_cost: datacoop_node::kdf_cost_from_env(),
        patience,
        on_activate: Some(activate.clone()),
        net: Some(app_net_settings()),
    }
}

/// The app's network settings: `DATACOOP_LISTEN`, `DATACOOP_RELAY`,
/// `DATACOOP_LOCAL_DISCOVERY` and the interval variables, as for `datacoop serve`, over
/// the home's saved choices; a bad value is logged and the default used, so the app
/// still opens.
fn app_net_settings() -> datacoop_node::NetSettings {
    let listen = std::env::var("DATACOOP_LISTEN").ok();
    datacoop_node::NetSettings::configured(listen.as_deref(), None, false).unwrap_or_else(|e| {
        tracing::warn!("network settings: {e}; using the defaults");
        datacoop_node::NetSettings::default()
    })
}

impl Ctx {
    /// The state of an app that launched on `home`.
    pub fn new(home: Home, holding: Holding, activate: Activate) -> Self {
        Ctx {
            home,
            holding: RwLock::new(holding),
            activate,
            jobs: Mutex::new(HashMap::new()),
        }
    }

    /// The owner, if this app holds the home.
    pub fn owned(&self) -> Result<Arc<Owner>, CommandError> {
        let holding = self
            .holding
            .read()
            .map_err(|_| CommandError::new(Code::ControlProtocol, "the app's state is unusable"))?;
        match &*holding {
            Holding::Owned(owned) => Ok(owned.clone()),
            Holding::InUse(owner) => Err(NodeError::OwnedBy {
                home: self.home.root().to_owned(),
                owner: owner.clone(),
            }
            .into()),
            Holding::Unavailable(e) => Err(e.clone()),
        }
    }

    /// The status of the home as this app holds it.
    pub async fn status(&self) -> AppStatus {
        let home = self.home.root().display().to_string();
        let owned = match self.holding.read().as_deref() {
            Ok(Holding::Owned(owned)) => owned.clone(),
            Ok(Holding::InUse(owner)) => {
                return AppStatus::InUse {
                    home,
                    owner_kind: owner.kind,
                    owner_pid: owner.pid,
                };
            }
            Ok(Holding::Unavailable(e)) => {
                return AppStatus::Unavailable {
                    home,
                    code: e.code,
                    message: e.message.clone(),
                };
            }
            Err(_) => {
                return AppStatus::Unavailable {
                    home,
                    code: Code::ControlProtocol,
                    message: "the app's state is unusable".into(),
                };
            }
        };
        match owned.state().await {
            HomeState::NoIdentity => AppStatus::NoIdentity { home },
            HomeState::Locked => AppStatus::Locked { home },
            HomeState::Unlocked { identity } => AppStatus::Unlocked { home, identity },
        }
    }

    /// Whether the home serves a cooperative: unlocked, and a member of one (what keeps
    /// the app running when its window closes).
    pub async fn serves(&self) -> bool {
        matches!(self.status().await, AppStatus::Unlocked { .. })
            && matches!(
                self.in_coop(datacoop_node::api::CoopShow::default()).await,
                Ok(Some(_))
            )
    }

    /// Tries again to take a home that was in use or could not be opened.
    pub async fn retry(&self) -> AppStatus {
        if self.owned().is_err() {
            let options = owner_options(&self.activate, RETRY_PATIENCE);
            let holding = Holding::from_launch(Owner::launch(&self.home, options).await);
            if let Ok(mut slot) = self.holding.write() {
                *slot = holding;
            }
        }
        self.status().await
    }

    /// Runs one operation on the node, as window job `job` if it has one.
    pub async fn call<O: Op>(
        &self,
        op: O,
        job: Option<u32>,
        progress: Arc<dyn ProgressSink>,
    ) -> Result<O::Output, CommandError> {
        let owner = self.owned()?;
        let cancel = CancellationToken::new();
        let _job = job.map(|id| JobGuard::new(self, id, cancel.clone()));
        Ok(owner.call(op, progress, cancel).await?)
    }

    /// Runs a quick operation: no progress, not cancellable from the window.
    pub async fn quick<O: Op>(&self, op: O) -> Result<O::Output, CommandError> {
        self.call(op, None, Arc::new(datacoop_node::NoProgress))
            .await
    }

    /// Runs a cooperative operation; `None` when the home is in no cooperative.
    pub async fn in_coop<O: Op>(&self, op: O) -> Result<Option<O::Output>, CommandError> {
        match self.quick(op).await {
            Ok(output) => Ok(Some(output)),
            Err(e) if e.code == Code::InputNoCooperative => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Cancels window job `job`; false if it is not running.
    pub fn cancel(&self, job: u32) -> bool {
        let cancel = self.jobs.lock().ok().and_then(|j| j.get(&job).cloned());
        cancel.map(|c| c.cancel()).is_some()
    }
}

/// Keeps a window job cancellable while it runs.
struct JobGuard<'a> {
    ctx: &'a Ctx,
    id: u32,
}

impl<'a> JobGuard<'a> {
    fn new(ctx: &'a Ctx, id: u32, cancel: CancellationToken) -> Self {
        if let Ok(mut jobs) = ctx.jobs.lock() {
            jobs.insert(id, cancel);
        }
        JobGuard { ctx, id }
    }
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.ctx.jobs.lock() {
            jobs.remove(&self.id);
        }
    }
}
