//! The window's commands: one-line adapters from the window's call to an operation of
//! `datacoop-node` (arguments are the operations' own types; answers are their outputs).
//! Cooperative reads answer `null` when the home is in no cooperative.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use datacoop_crypto::PublicIdentity;
use datacoop_node::absolute;
use datacoop_node::api::{ActivityList, EarningsShow, GrantRevoke, StatementSave};
use datacoop_node::api::{
    ConsentAnswer, ConsentSet, ConsentShow, ConsentWithdraw, CoopAccept, CoopCreate, CoopInvite,
    CoopJoin, CoopShow, DataAdd, DataExport, DataList, DataRename, Fetch, GrantList, LogProof,
    LogShow, LogVerify, NetworkSave, NetworkShow, PassphraseChange, ProposalApprove,
    ProposalCreate, ProposalList, RecoveryExport, RequestApprove, RequestCreate, RequestDeny,
    RequestList,
};
use datacoop_node::{
    ActivityEntry, AddReport, Code, ConsentView, CoopInfo, CreatedIdentity, DataListing, Earnings,
    Event, ExportReport, FetchReport, GrantView, Invitation, Joining, LogEntry, NetworkInfo,
    NewRecoveryKit, NodeError, Progress, ProgressSink, ProgressThrottle, Proof, ProposalView,
    Recorded, RequestView, RevokeReport, Saved, StopReport, VerifySummary,
};
use secrecy::SecretString;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::background::ShellWords;
use crate::shell::{AppStatus, CommandError, Ctx};

type Answer<T> = Result<T, CommandError>;

#[tauri::command]
pub async fn app_state(ctx: State<'_, Ctx>) -> Answer<AppStatus> {
    Ok(ctx.status().await)
}

/// Tries again to take a home that was in use or could not be opened (after the person
/// stopped `datacoop serve`, say), without restarting the app.
#[tauri::command]
pub async fn retry_home(ctx: State<'_, Ctx>) -> Answer<AppStatus> {
    Ok(ctx.retry().await)
}

#[tauri::command]
pub async fn create_identity(
    ctx: State<'_, Ctx>,
    name: String,
    passphrase: String,
) -> Answer<CreatedIdentity> {
    let passphrase = SecretString::from(passphrase);
    Ok(ctx.owned()?.create(&name, passphrase).await?)
}

#[tauri::command]
pub async fn restore_identity(
    ctx: State<'_, Ctx>,
    kit: String,
    phrase: String,
    passphrase: String,
) -> Answer<PublicIdentity> {
    let (phrase, passphrase) = (SecretString::from(phrase), SecretString::from(passphrase));
    Ok(ctx.owned()?.restore(kit, phrase, passphrase).await?)
}

#[tauri::command]
pub async fn unlock(ctx: State<'_, Ctx>, passphrase: String) -> Answer<PublicIdentity> {
    Ok(ctx.owned()?.unlock(&SecretString::from(passphrase)).await?)
}

/// Locks, cancelling (and waiting for) what runs on the node, from the window or the
/// command line; says what it stopped.
#[tauri::command]
pub async fn lock(ctx: State<'_, Ctx>) -> Answer<StopReport> {
    Ok(ctx.owned()?.lock().await)
}

/// Forwards the node's events to the window until the window goes away.
#[tauri::command]
pub async fn follow_events(ctx: State<'_, Ctx>, on_event: Channel<Event>) -> Answer<()> {
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
pub async fn data_list(ctx: State<'_, Ctx>, request: DataList) -> Answer<DataListing> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn data_rename(ctx: State<'_, Ctx>, request: DataRename) -> Answer<()> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn data_add(
    ctx: State<'_, Ctx>,
    job: u32,
    mut request: DataAdd,
    on_progress: Channel<Progress>,
) -> Answer<AddReport> {
    request.paths = request.paths.into_iter().map(absolute).collect();
    ctx.call(request, Some(job), ChannelSink::new(on_progress))
        .await
}

#[tauri::command]
pub async fn data_export(
    ctx: State<'_, Ctx>,
    job: u32,
    mut request: DataExport,
    on_progress: Channel<Progress>,
) -> Answer<ExportReport> {
    request.out = absolute(request.out);
    ctx.call(request, Some(job), ChannelSink::new(on_progress))
        .await
}

#[tauri::command]
pub async fn recovery_export(
    ctx: State<'_, Ctx>,
    request: RecoveryExport,
) -> Answer<NewRecoveryKit> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn save_recovery_kit(path: PathBuf, kit: String, replace: bool) -> Answer<()> {
    let path = datacoop_node::absolute(path);
    blocking(move || datacoop_node::save_recovery_kit(&path, &kit, replace)).await
}

#[tauri::command]
pub async fn read_recovery_kit(path: PathBuf) -> Answer<String> {
    let path = datacoop_node::absolute(path);
    blocking(move || datacoop_node::read_recovery_kit(&path)).await
}

#[tauri::command]
pub async fn passphrase_change(ctx: State<'_, Ctx>, request: PassphraseChange) -> Answer<()> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn coop_show(ctx: State<'_, Ctx>, request: CoopShow) -> Answer<Option<CoopInfo>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn coop_create(ctx: State<'_, Ctx>, request: CoopCreate) -> Answer<CoopInfo> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn coop_invite(ctx: State<'_, Ctx>, request: CoopInvite) -> Answer<Invitation> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn coop_join(ctx: State<'_, Ctx>, request: CoopJoin) -> Answer<Joining> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn coop_accept(ctx: State<'_, Ctx>, request: CoopAccept) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn proposal_list(
    ctx: State<'_, Ctx>,
    request: ProposalList,
) -> Answer<Option<Vec<ProposalView>>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn proposal_create(ctx: State<'_, Ctx>, request: ProposalCreate) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn proposal_approve(ctx: State<'_, Ctx>, request: ProposalApprove) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn network_show(ctx: State<'_, Ctx>, request: NetworkShow) -> Answer<NetworkInfo> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn network_save(ctx: State<'_, Ctx>, request: NetworkSave) -> Answer<NetworkInfo> {
    ctx.quick(request).await
}

/// The QR code of an invitation ticket, for the window to draw.
#[tauri::command]
pub fn ticket_qr(ticket: String) -> Answer<crate::qr::QrMatrix> {
    crate::qr::encode(&ticket)
}

#[tauri::command]
pub async fn consent_show(
    ctx: State<'_, Ctx>,
    request: ConsentShow,
) -> Answer<Option<Vec<ConsentView>>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn consent_set(ctx: State<'_, Ctx>, request: ConsentSet) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn consent_withdraw(ctx: State<'_, Ctx>, request: ConsentWithdraw) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn consent_answer(ctx: State<'_, Ctx>, request: ConsentAnswer) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn request_create(ctx: State<'_, Ctx>, request: RequestCreate) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn request_list(
    ctx: State<'_, Ctx>,
    request: RequestList,
) -> Answer<Option<Vec<RequestView>>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn request_approve(ctx: State<'_, Ctx>, request: RequestApprove) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn request_deny(ctx: State<'_, Ctx>, request: RequestDeny) -> Answer<Recorded> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn grant_list(ctx: State<'_, Ctx>, request: GrantList) -> Answer<Option<Vec<GrantView>>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn grant_revoke(ctx: State<'_, Ctx>, request: GrantRevoke) -> Answer<RevokeReport> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn activity(
    ctx: State<'_, Ctx>,
    request: ActivityList,
) -> Answer<Option<Vec<ActivityEntry>>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn earnings(ctx: State<'_, Ctx>, request: EarningsShow) -> Answer<Option<Earnings>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn statement_save(ctx: State<'_, Ctx>, request: StatementSave) -> Answer<Saved> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn fetch(
    ctx: State<'_, Ctx>,
    job: u32,
    mut request: Fetch,
    on_progress: Channel<Progress>,
) -> Answer<FetchReport> {
    request.out = absolute(request.out);
    ctx.call(request, Some(job), ChannelSink::new(on_progress))
        .await
}

#[tauri::command]
pub async fn log_show(ctx: State<'_, Ctx>, request: LogShow) -> Answer<Option<Vec<LogEntry>>> {
    ctx.in_coop(request).await
}

#[tauri::command]
pub async fn log_verify(ctx: State<'_, Ctx>, request: LogVerify) -> Answer<VerifySummary> {
    ctx.quick(request).await
}

#[tauri::command]
pub async fn log_proof(ctx: State<'_, Ctx>, request: LogProof) -> Answer<Proof> {
    ctx.quick(request).await
}

/// Saves an operation's proof bundle to a file of the person's choosing.
#[tauri::command]
pub async fn save_log_proof(
    ctx: State<'_, Ctx>,
    request: LogProof,
    path: PathBuf,
    replace: bool,
) -> Answer<()> {
    let Proof { text } = ctx.quick(request).await?;
    let path = datacoop_node::absolute(path);
    blocking(move || datacoop_node::write_owner_only(&path, &text, replace)).await
}

#[tauri::command]
pub fn cancel_job(ctx: State<'_, Ctx>, job: u32) -> bool {
    ctx.cancel(job)
}

/// Takes the window's words for the tray and the shell's own notices (on the main
/// thread, where the tray is made).
#[tauri::command]
pub fn shell_words(app: AppHandle, words: ShellWords) {
    crate::background::set_words(&app, words);
}

/// Takes the person's choice of what closing the window does.
#[tauri::command]
pub fn close_quits(app: AppHandle, quits: bool) {
    crate::background::set_close_quits(&app, quits);
}

/// Shows an OS notification unless the window is in front; true if one was shown.
#[tauri::command]
pub async fn notify_os(app: AppHandle, title: String, body: String) -> Answer<bool> {
    Ok(crate::background::notify(&app, &title, &body))
}

/// Quits the app: the node stops serving until it is opened again.
#[tauri::command]
pub fn app_quit(app: AppHandle) {
    app.exit(0);
}

/// Runs file work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, NodeError> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::new(Code::IoFailed, e.to_string()))?
        .map_err(CommandError::from)
}

/// How often progress reaches the window at most.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Forwards progress to the window at most every [`PROGRESS_INTERVAL`], and always the
/// first and the last report.
pub struct ChannelSink {
    channel: Channel<Progress>,
    throttle: ProgressThrottle,
}

impl ChannelSink {
    /// A sink that reports to `channel`.
    pub fn new(channel: Channel<Progress>) -> Arc<Self> {
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

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
