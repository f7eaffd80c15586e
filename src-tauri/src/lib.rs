//! The datacoop desktop app: a Tauri 2 shell over `datacoop-node`.
//!
//! The app owns its home for its whole life (a [`datacoop_node::Owner`], as `datacoop
//! serve` does) and runs the node in-process. Commands are thin adapters: they translate arguments, call the
//! node and translate the answer into the views in [`dto`]. No domain logic lives here.

pub mod dto;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use datacoop_node::api::{Request, Response};
use datacoop_node::{
    CancellationToken, Event, Home, HomeState, Launch, Owner, OwnerInfo, OwnerKind, OwnerOptions,
    Progress, ProgressSink, ProgressThrottle, StopReport,
};
use secrecy::SecretString;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use dto::{
    AddResult, AppStatus, CommandError, ConsentDto, CoopView, CreatedIdentity, DatasetView,
    EntryView, ExportResult, IdentityView, LogEntryView, RecoveryKitView, VerifyView,
};

/// The code of [`datacoop_node::NodeError::NotInCoop`].
const NOT_IN_COOP: &str = "input.no_cooperative";

/// How often progress reaches the window at most.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// How long a launch waits while a one-shot `datacoop` command holds the home.
const LAUNCH_PATIENCE: Duration = Duration::from_secs(30);

/// How long "Try again" waits for a one-shot command: the person is watching.
const RETRY_PATIENCE: Duration = Duration::from_secs(5);

/// What the app holds.
enum Holding {
    /// This process owns the home.
    Owned(Arc<Owner>),
    /// Another process without a window owns it.
    InUse(OwnerInfo),
    /// The home could not be opened.
    Unavailable(CommandError),
}

/// What brings the window forward when another launch asks.
type Activate = Arc<dyn Fn() + Send + Sync>;

/// The app's managed state.
struct Ctx {
    home: Home,
    /// Replaced only by `retry_home`; never held across an await.
    holding: std::sync::RwLock<Holding>,
    activate: Activate,
    jobs: Mutex<HashMap<u32, CancellationToken>>,
}

impl Ctx {
    fn owned(&self) -> Result<Arc<Owner>, CommandError> {
        let holding = self
            .holding
            .read()
            .map_err(|_| CommandError::new("control.protocol", "the app's state is unusable"))?;
        match &*holding {
            Holding::Owned(owned) => Ok(owned.clone()),
            Holding::InUse(owner) => Err(CommandError::new(
                "home.owned",
                format!("{} is in use by {owner}", self.home.root().display()),
            )),
            Holding::Unavailable(e) => Err(e.clone()),
        }
    }

    /// The status of the home as this app holds it.
    async fn status(&self) -> AppStatus {
        let home = self.home.root().display().to_string();
        let owned = match self.holding.read().as_deref() {
            Ok(Holding::Owned(owned)) => owned.clone(),
            Ok(Holding::InUse(owner)) => return AppStatus::in_use(home, owner),
            Ok(Holding::Unavailable(e)) => {
                return AppStatus::Unavailable {
                    home,
                    code: e.code.clone(),
                    message: e.message.clone(),
                };
            }
            Err(_) => {
                return AppStatus::Unavailable {
                    home,
                    code: "control.protocol".into(),
                    message: "the app's state is unusable".into(),
                };
            }
        };
        AppStatus::owned(home, owned.state().await)
    }

    async fn call(
        &self,
        request: Request,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<Response, CommandError> {
        Ok(self
            .owned()?
            .call(request, progress, cancel.clone())
            .await?)
    }

    /// A request without progress or cancellation.
    async fn quick(&self, request: Request) -> Result<Response, CommandError> {
        self.call(
            request,
            Arc::new(datacoop_node::NoProgress),
            &CancellationToken::new(),
        )
        .await
    }

    /// Runs a cooperative request; `None` when the home is in no cooperative.
    async fn call_coop(&self, request: Request) -> Result<Option<Response>, CommandError> {
        match self.quick(request).await {
            Ok(response) => Ok(Some(response)),
            Err(e) if e.code == NOT_IN_COOP => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The cooperative as this identity sees it; `None` when the home is in none.
    async fn coop(&self, request: Request) -> Result<Option<CoopView>, CommandError> {
        let HomeState::Unlocked { identity } = self.owned()?.state().await else {
            return Err(datacoop_node::NodeError::Locked {
                owner: OwnerKind::App,
            }
            .into());
        };
        let me = identity.id.to_string();
        match self.call_coop(request).await? {
            Some(Response::Coop(info)) => Ok(Some(CoopView::new(info, &me))),
            Some(other) => Err(unexpected(other)),
            None => Ok(None),
        }
    }

    /// Registers a cancellable job; it is forgotten when the guard drops.
    fn job(&self, id: u32) -> JobGuard<'_> {
        let cancel = CancellationToken::new();
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(id, cancel.clone());
        }
        JobGuard {
            ctx: self,
            id,
            cancel,
        }
    }
}

struct JobGuard<'a> {
    ctx: &'a Ctx,
    id: u32,
    cancel: CancellationToken,
}

impl Drop for JobGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.ctx.jobs.lock() {
            jobs.remove(&self.id);
        }
    }
}

/// Forwards progress to the window at most every [`PROGRESS_INTERVAL`], and always the
/// first and the last report.
struct ChannelSink {
    channel: Channel<Progress>,
    throttle: ProgressThrottle,
}

impl ChannelSink {
    fn new(channel: Channel<Progress>) -> Arc<Self> {
        Arc::new(ChannelSink {
            channel,
            throttle: ProgressThrottle::new(PROGRESS_INTERVAL),
        })
    }
}

impl ProgressSink for ChannelSink {
    fn report(&self, progress: &Progress) {
        if self.throttle.due(progress) {
            let _ = self.channel.send(progress.clone());
        }
    }
}

fn unexpected(response: Response) -> CommandError {
    CommandError::new(
        "control.protocol",
        format!("unexpected answer from the node: {response:?}"),
    )
}

#[tauri::command]
async fn app_state(ctx: State<'_, Ctx>) -> Result<AppStatus, CommandError> {
    Ok(ctx.status().await)
}

/// Tries again to take a home that was in use or could not be opened (after the person
/// stopped `datacoop serve`, say), without restarting the app.
#[tauri::command]
async fn retry_home(ctx: State<'_, Ctx>) -> Result<AppStatus, CommandError> {
    if ctx.owned().is_ok() {
        return Ok(ctx.status().await);
    }
    let holding =
        hold(Owner::launch(&ctx.home, owner_options(&ctx.activate, RETRY_PATIENCE)).await);
    if let Ok(mut slot) = ctx.holding.write() {
        *slot = holding;
    }
    Ok(ctx.status().await)
}

fn owner_options(activate: &Activate, patience: Duration) -> OwnerOptions {
    OwnerOptions {
        kind: OwnerKind::App,
        kdf_cost: datacoop_node::kdf_cost_from_env(),
        patience,
        on_activate: Some(activate.clone()),
    }
}

/// What a launch leaves the app holding. Another app that took the home meanwhile was
/// asked to come forward; this one reports it as in use.
fn hold(launched: Result<Launch, datacoop_node::NodeError>) -> Holding {
    match launched {
        Ok(Launch::Owned(owned)) => Holding::Owned(Arc::new(owned)),
        Ok(Launch::Activated(owner) | Launch::Taken(owner)) => Holding::InUse(owner),
        Err(e) => Holding::Unavailable(CommandError::from(e)),
    }
}

#[tauri::command]
async fn create_identity(
    ctx: State<'_, Ctx>,
    name: String,
    passphrase: String,
) -> Result<CreatedIdentity, CommandError> {
    let (identity, kit) = ctx
        .owned()?
        .create(&name, SecretString::from(passphrase))
        .await?;
    Ok(CreatedIdentity::new(identity, kit))
}

#[tauri::command]
async fn restore_identity(
    ctx: State<'_, Ctx>,
    kit: String,
    phrase: String,
    passphrase: String,
) -> Result<IdentityView, CommandError> {
    let identity = ctx
        .owned()?
        .restore(
            kit,
            SecretString::from(phrase),
            SecretString::from(passphrase),
        )
        .await?;
    Ok(IdentityView {
        id: identity.id.to_string(),
        name: identity.name,
    })
}

#[tauri::command]
async fn unlock(ctx: State<'_, Ctx>, passphrase: String) -> Result<IdentityView, CommandError> {
    let identity = ctx.owned()?.unlock(&SecretString::from(passphrase)).await?;
    Ok(IdentityView {
        id: identity.id.to_string(),
        name: identity.name,
    })
}

/// Locks, cancelling (and waiting for) what runs on the node, from the window or the
/// command line; says what it stopped.
#[tauri::command]
async fn lock(ctx: State<'_, Ctx>) -> Result<StopReport, CommandError> {
    Ok(ctx.owned()?.lock().await)
}

/// Forwards the node's events to the window until the window goes away.
#[tauri::command]
async fn follow_events(ctx: State<'_, Ctx>, on_event: Channel<Event>) -> Result<(), CommandError> {
    let mut events = ctx.owned()?.subscribe();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.next().await {
            if on_event.send(event).is_err() {
                break;
            }
        }
    });
    Ok(())
}

#[tauri::command]
async fn list_datasets(ctx: State<'_, Ctx>) -> Result<Vec<DatasetView>, CommandError> {
    let request = Request::DataList { dataset: None };
    match ctx.quick(request).await? {
        Response::Listing(l) => Ok(l.datasets.into_iter().map(DatasetView::from).collect()),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
async fn list_entries(
    ctx: State<'_, Ctx>,
    dataset: String,
) -> Result<Vec<EntryView>, CommandError> {
    let request = Request::DataList {
        dataset: Some(dataset),
    };
    match ctx.quick(request).await? {
        Response::Listing(l) => Ok(l.entries.into_iter().map(EntryView::from).collect()),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
async fn add_paths(
    ctx: State<'_, Ctx>,
    job: u32,
    dataset: String,
    category: Option<String>,
    paths: Vec<PathBuf>,
    on_progress: Channel<Progress>,
) -> Result<AddResult, CommandError> {
    let guard = ctx.job(job);
    let request = Request::DataAdd {
        dataset,
        category,
        paths: paths.into_iter().map(datacoop_node::absolute).collect(),
        age: false,
    };
    match ctx
        .call(request, ChannelSink::new(on_progress), &guard.cancel)
        .await?
    {
        Response::Added(r) => Ok(AddResult {
            dataset: r.dataset.to_string(),
            created: r.created,
            files: r.files,
            bytes: r.bytes,
            replaced: r.replaced,
        }),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
async fn export_dataset(
    ctx: State<'_, Ctx>,
    job: u32,
    dataset: String,
    out: PathBuf,
    on_progress: Channel<Progress>,
) -> Result<ExportResult, CommandError> {
    let guard = ctx.job(job);
    let request = Request::DataExport {
        dataset,
        out: datacoop_node::absolute(out),
        age: false,
    };
    match ctx
        .call(request, ChannelSink::new(on_progress), &guard.cancel)
        .await?
    {
        Response::Exported(r) => Ok(ExportResult {
            files: r.files,
            bytes: r.bytes,
            out: r.out.display().to_string(),
        }),
        other => Err(unexpected(other)),
    }
}

#[tauri::command]
async fn new_recovery_kit(
    ctx: State<'_, Ctx>,
    passphrase: String,
) -> Result<RecoveryKitView, CommandError> {
    let kit = ctx
        .owned()?
        .recovery_kit(&SecretString::from(passphrase))
        .await?;
    Ok(RecoveryKitView::from(kit))
}

#[tauri::command]
async fn save_recovery_kit(path: PathBuf, kit: String, replace: bool) -> Result<(), CommandError> {
    let path = datacoop_node::absolute(path);
    blocking(move || datacoop_node::save_recovery_kit(&path, &kit, replace)).await
}

/// Runs file work off the async workers.
async fn blocking(
    work: impl FnOnce() -> Result<(), datacoop_node::NodeError> + Send + 'static,
) -> Result<(), CommandError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::new("io.failed", e.to_string()))?
        .map_err(CommandError::from)
}

#[tauri::command]
async fn coop_status(ctx: State<'_, Ctx>) -> Result<Option<CoopView>, CommandError> {
    ctx.coop(Request::CoopShow).await
}

#[tauri::command]
async fn coop_create(ctx: State<'_, Ctx>, name: String) -> Result<CoopView, CommandError> {
    let request = Request::CoopCreate {
        name,
        threshold: None,
        witness_quorum: None,
    };
    ctx.coop(request)
        .await?
        .ok_or_else(|| CommandError::new("control.protocol", "the new cooperative is not there"))
}

#[tauri::command]
async fn consent_list(ctx: State<'_, Ctx>) -> Result<Vec<ConsentDto>, CommandError> {
    match ctx.call_coop(Request::ConsentShow).await? {
        None => Ok(Vec::new()),
        Some(Response::Consents { consents }) => {
            Ok(consents.into_iter().map(ConsentDto::from).collect())
        }
        Some(other) => Err(unexpected(other)),
    }
}

#[tauri::command]
async fn consent_set(
    ctx: State<'_, Ctx>,
    dataset: String,
    allow: Vec<String>,
    max_days: Option<u64>,
    ask: bool,
) -> Result<String, CommandError> {
    let request = Request::ConsentSet {
        dataset,
        allow,
        deny: Vec::new(),
        max_days,
        ask,
    };
    recorded(ctx.call_coop(request).await?)
}

#[tauri::command]
async fn consent_withdraw(ctx: State<'_, Ctx>, dataset: String) -> Result<String, CommandError> {
    recorded(ctx.call_coop(Request::ConsentWithdraw { dataset }).await?)
}

#[tauri::command]
async fn log_entries(ctx: State<'_, Ctx>, from: u64) -> Result<Vec<LogEntryView>, CommandError> {
    match ctx.call_coop(Request::LogShow { from }).await? {
        None => Ok(Vec::new()),
        Some(Response::Log { entries }) => {
            Ok(entries.into_iter().map(LogEntryView::from).collect())
        }
        Some(other) => Err(unexpected(other)),
    }
}

#[tauri::command]
async fn log_verify(ctx: State<'_, Ctx>) -> Result<VerifyView, CommandError> {
    match ctx.call_coop(Request::LogVerify).await? {
        Some(Response::Verified(summary)) => Ok(VerifyView::from(summary)),
        Some(other) => Err(unexpected(other)),
        None => Err(datacoop_node::NodeError::NotInCoop.into()),
    }
}

#[tauri::command]
async fn log_proof(ctx: State<'_, Ctx>, id: String) -> Result<String, CommandError> {
    proof_text(ctx.call_coop(Request::LogProof { id }).await?)
}

#[tauri::command]
async fn save_log_proof(
    ctx: State<'_, Ctx>,
    id: String,
    path: PathBuf,
    replace: bool,
) -> Result<(), CommandError> {
    let text = proof_text(ctx.call_coop(Request::LogProof { id }).await?)?;
    let path = datacoop_node::absolute(path);
    blocking(move || datacoop_node::write_owner_only(&path, &text, replace)).await
}

fn recorded(response: Option<Response>) -> Result<String, CommandError> {
    match response {
        Some(Response::ConsentRecorded { operation }) => Ok(operation),
        Some(other) => Err(unexpected(other)),
        None => Err(datacoop_node::NodeError::NotInCoop.into()),
    }
}

fn proof_text(response: Option<Response>) -> Result<String, CommandError> {
    match response {
        Some(Response::Proof { text }) => Ok(text),
        Some(other) => Err(unexpected(other)),
        None => Err(datacoop_node::NodeError::NotInCoop.into()),
    }
}

#[tauri::command]
fn cancel_job(ctx: State<'_, Ctx>, job: u32) -> bool {
    match ctx
        .jobs
        .lock()
        .ok()
        .and_then(|jobs| jobs.get(&job).cloned())
    {
        Some(cancel) => {
            cancel.cancel();
            true
        }
        None => false,
    }
}

/// Command-line options: `--home DIR` (or `DATACOOP_HOME`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The home folder; the platform default when absent.
    pub home: Option<PathBuf>,
}

impl Options {
    /// Parses the arguments after the program name. Unknown arguments are refused.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env_home: Option<String>,
    ) -> Result<Self, String> {
        let mut home = env_home.filter(|h| !h.is_empty()).map(PathBuf::from);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--home" {
                home = Some(PathBuf::from(args.next().ok_or("--home needs a folder")?));
            } else if let Some(dir) = arg.strip_prefix("--home=") {
                home = Some(PathBuf::from(dir));
            } else {
                return Err(format!(
                    "unknown argument {arg:?}; usage: datacoop-app [--home DIR]"
                ));
            }
        }
        Ok(Options { home })
    }
}

fn bring_forward(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Runs the app; returns the process exit code.
pub fn run() -> i32 {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DATACOOP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let options = match Options::parse(
        std::env::args().skip(1),
        std::env::var("DATACOOP_HOME").ok(),
    ) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("datacoop: {e}");
            return 2;
        }
    };
    let home = match Home::resolve(options.home.map(datacoop_node::absolute)) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("datacoop: {e}");
            return 2;
        }
    };

    let handle: Arc<OnceLock<AppHandle>> = Arc::new(OnceLock::new());
    let for_activate = handle.clone();
    let activate: Activate = Arc::new(move || {
        if let Some(app) = for_activate.get() {
            let app2 = app.clone();
            let _ = app.run_on_main_thread(move || bring_forward(&app2));
        }
    });
    let launched = tauri::async_runtime::block_on(Owner::launch(
        &home,
        owner_options(&activate, LAUNCH_PATIENCE),
    ));
    if let Ok(Launch::Activated(owner)) = &launched {
        eprintln!(
            "datacoop is already open on {} ({owner}); its window was brought forward",
            home.root().display()
        );
        return 0;
    }
    let ctx = Ctx {
        home,
        holding: std::sync::RwLock::new(hold(launched)),
        activate,
        jobs: Mutex::new(HashMap::new()),
    };

    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(ctx)
        .invoke_handler(tauri::generate_handler![
            app_state,
            retry_home,
            create_identity,
            restore_identity,
            unlock,
            lock,
            follow_events,
            list_datasets,
            list_entries,
            add_paths,
            export_dataset,
            new_recovery_kit,
            save_recovery_kit,
            coop_status,
            coop_create,
            consent_list,
            consent_set,
            consent_withdraw,
            log_entries,
            log_verify,
            log_proof,
            save_log_proof,
            cancel_job,
        ])
        .setup(move |app| {
            let _ = handle.set(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("datacoop: cannot start the window: {e}");
            return 1;
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            let ctx = app.state::<Ctx>();
            if let Ok(owned) = ctx.owned() {
                // Cancels what runs (from the window or the command line), waits for it,
                // closes the vault and releases the home.
                tauri::async_runtime::block_on(owned.shutdown());
            }
        }
    });
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn home_comes_from_the_argument_then_the_environment() {
        assert_eq!(
            Options::parse(args(&[]), None).unwrap(),
            Options { home: None }
        );
        assert_eq!(
            Options::parse(args(&[]), Some("/env".into())).unwrap().home,
            Some(PathBuf::from("/env"))
        );
        assert_eq!(
            Options::parse(args(&["--home", "/a"]), Some("/env".into()))
                .unwrap()
                .home,
            Some(PathBuf::from("/a"))
        );
        assert_eq!(
            Options::parse(args(&["--home=/b"]), None).unwrap().home,
            Some(PathBuf::from("/b"))
        );
        assert!(Options::parse(args(&["--home"]), None).is_err());
        assert!(Options::parse(args(&["--frobnicate"]), None).is_err());
    }

    /// Every command the window can call is in the build script's manifest and allowed
    /// by the capability file, and nothing else is allowed.
    #[test]
    fn every_command_is_declared_and_allowed() {
        let root = PathBuf::from(
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
        );
        let quoted = |text: &str| -> Vec<String> {
            text.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        };
        let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
        let handler = lib
            .split("generate_handler![")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap();
        let mut handled: Vec<String> = handler
            .split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let listed = build
            .split("COMMANDS: &[&str] = &[")
            .nth(1)
            .and_then(|rest| rest.split("];").next())
            .unwrap();
        let mut manifest = quoted(listed);
        let capability = std::fs::read_to_string(root.join("capabilities/main.json")).unwrap();
        let mut allowed: Vec<String> = quoted(&capability)
            .into_iter()
            .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .collect();
        handled.sort();
        manifest.sort();
        allowed.sort();
        assert_eq!(handled, manifest, "build.rs COMMANDS vs generate_handler!");
        assert_eq!(
            handled, allowed,
            "capabilities/main.json vs generate_handler!"
        );
    }

    #[test]
    fn progress_is_throttled_but_keeps_the_last_report() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink_seen = seen.clone();
        let channel: Channel<Progress> = Channel::new(move |body| {
            if let tauri::ipc::InvokeResponseBody::Json(json) = body {
                sink_seen.lock().unwrap().push(json);
            }
            Ok(())
        });
        let sink = ChannelSink::new(channel);
        let mut p = Progress {
            current: "a".into(),
            files_done: 0,
            files_total: 3,
            bytes_done: 0,
            bytes_total: 300,
        };
        for i in 0..100u64 {
            p.bytes_done = i;
            sink.report(&p);
        }
        p.files_done = 3;
        p.bytes_done = 300;
        sink.report(&p);
        let seen = seen.lock().unwrap();
        assert!(seen.len() >= 2 && seen.len() < 10, "{} reports", seen.len());
        assert!(seen.last().unwrap().contains("\"bytes_done\":300"));
    }
}
