//! The owner-only local control socket: how other processes use a home that a
//! long-running owner (`datacoop serve`, the desktop app) holds.
//!
//! Newline-delimited JSON. The client sends one [`Request`]; the server answers with any
//! number of `{"progress": …}` lines, then one `{"done": …}` or `{"error": …}` line.
//! Closing the connection early cancels the request.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use datacoop_vault::{Cancel, Progress, ProgressSink};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;

use crate::api::{Request, Response};
use crate::{Node, NodeError};

const MAX_REQUEST: usize = 1 << 20;
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// One line from the server.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Progress(Progress),
    Done(Response),
    Error { code: String, message: String },
}

/// Binds the control socket at `path`, readable and writable by the owner only.
/// The caller must own the home (a stale socket from a dead owner is replaced).
pub fn bind(path: &Path) -> Result<UnixListener, NodeError> {
    let _ = std::fs::remove_file(path);
    let listener =
        UnixListener::bind(path).map_err(|e| NodeError::io("cannot listen on", path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| NodeError::io("cannot protect", path, e))?;
    }
    Ok(listener)
}

/// An error as a control client receives it: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError {
    /// The stable code (`auth.locked`, `input.invalid_name`, ...).
    pub code: String,
    /// What happened, for people.
    pub message: String,
}

impl From<NodeError> for ControlError {
    fn from(e: NodeError) -> Self {
        ControlError {
            code: e.code().to_owned(),
            message: e.to_string(),
        }
    }
}

/// What answers requests on a control socket: a [`Node`] (`datacoop serve`), or an owner
/// with more states, such as the desktop app ([`crate::app::OwnedHome`]).
pub trait Handler: Send + Sync + 'static {
    /// The requests this owner understands (one JSON line each).
    type Request: DeserializeOwned + Send + 'static;

    /// Runs one request.
    fn handle_control(
        &self,
        request: Self::Request,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> impl Future<Output = Result<Response, ControlError>> + Send;
}

impl Handler for Node {
    type Request = Request;

    async fn handle_control(
        &self,
        request: Request,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> Result<Response, ControlError> {
        refuse_kit_without_passphrase(&request)?;
        Ok(self.handle(request, progress, cancel).await?)
    }
}

/// The error code for a recovery kit asked through the socket without the passphrase.
pub const PASSPHRASE_REQUIRED: &str = "auth.passphrase_required";

/// A recovery kit is a copy of the keys: through the socket, only for the passphrase.
pub(crate) fn refuse_kit_without_passphrase(request: &Request) -> Result<(), ControlError> {
    if matches!(request, Request::RecoveryExport { passphrase: None }) {
        return Err(ControlError {
            code: PASSPHRASE_REQUIRED.to_owned(),
            message: "making a recovery kit through a running datacoop needs your passphrase"
                .to_owned(),
        });
    }
    Ok(())
}

/// Serves requests on `listener` until the task is dropped.
pub async fn serve<H: Handler>(listener: UnixListener, node: Arc<H>, owner_uid: u32) {
    serve_until(listener, node, owner_uid, std::future::pending()).await;
}

/// Serves requests on `listener` until `shutdown` completes; then cancels the requests
/// still running and waits (up to 30 s) for them to finish, so that the caller can close
/// the node and release the home knowing nobody is still writing to it.
pub async fn serve_until<H: Handler>(
    listener: UnixListener,
    node: Arc<H>,
    owner_uid: u32,
    shutdown: impl Future<Output = ()>,
) {
    let stopping = Cancel::new();
    let mut running = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
            Some(_) = running.join_next(), if !running.is_empty() => continue,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!("control socket accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let allowed = stream
            .peer_cred()
            .map(|c| c.uid() == owner_uid)
            .unwrap_or(false);
        if !allowed {
            tracing::warn!("refused a control connection from another user");
            continue;
        }
        let node = node.clone();
        let stopping = stopping.clone();
        running.spawn(async move {
            if let Err(e) = serve_one(stream, node, stopping).await {
                tracing::debug!("control connection ended: {e}");
            }
        });
    }
    drop(listener);
    stopping.cancel();
    let drained = tokio::time::timeout(Duration::from_secs(30), async {
        while running.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("requests still running 30 s after shutdown; stopping them");
        running.abort_all();
    }
}

async fn serve_one<H: Handler>(
    stream: UnixStream,
    node: Arc<H>,
    stopping: Cancel,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    let n = tokio::io::AsyncReadExt::take(&mut reader, MAX_REQUEST as u64)
        .read_line(&mut line)
        .await?;
    if n == 0 {
        return Ok(());
    }
    let request: H::Request = match serde_json::from_str(&line) {
        Ok(r) => r,
        Err(e) => {
            let reply = Reply::Error {
                code: "control.protocol".into(),
                message: format!("malformed request: {e}"),
            };
            return write_line(&mut write, &reply).await;
        }
    };
    let cancel = Cancel::new();
    let watcher = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let mut rest = Vec::new();
            // The client hanging up, or the owner shutting down, cancels the request.
            tokio::select! {
                _ = tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut rest) => {}
                () = async {
                    while !stopping.is_cancelled() {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                } => {}
            }
            cancel.cancel();
        })
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<Reply>();
    let sink = Arc::new(ThrottledSink {
        tx: tx.clone(),
        last: Mutex::new(None),
    });
    let work = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let reply = match node.handle_control(request, sink, &cancel).await {
                Ok(response) => Reply::Done(response),
                Err(ControlError { code, message }) => Reply::Error { code, message },
            };
            let _ = tx.send(reply);
        })
    };
    while let Some(reply) = rx.recv().await {
        let last = !matches!(reply, Reply::Progress(_));
        if write_line(&mut write, &reply).await.is_err() {
            cancel.cancel();
        }
        if last {
            break;
        }
    }
    let _ = work.await;
    watcher.abort();
    Ok(())
}

async fn write_line(
    write: &mut (impl AsyncWriteExt + Unpin),
    reply: &Reply,
) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec(reply).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    write.write_all(&bytes).await?;
    write.flush().await
}

/// Forwards progress at most every [`PROGRESS_INTERVAL`], and always the final report.
struct ThrottledSink {
    tx: mpsc::UnboundedSender<Reply>,
    last: Mutex<Option<Instant>>,
}

impl ProgressSink for ThrottledSink {
    fn report(&self, progress: &Progress) {
        let finished = progress.files_done == progress.files_total;
        if let Ok(mut last) = self.last.lock() {
            let due = last.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL);
            if due || finished {
                *last = Some(Instant::now());
                let _ = self.tx.send(Reply::Progress(progress.clone()));
            }
        }
    }
}

/// A connection to a home's owner.
pub struct ControlClient {
    path: std::path::PathBuf,
}

impl ControlClient {
    /// Checks that the owner answers on the socket at `path`.
    pub async fn connect(path: &Path) -> Result<Self, NodeError> {
        let client = ControlClient {
            path: path.to_owned(),
        };
        // A stopped or wedged owner still accepts connections; do not wait on it forever.
        tokio::time::timeout(
            Duration::from_secs(5),
            client.call(&Request::Ping, &|_: &Progress| {}),
        )
        .await
        .map_err(|_| NodeError::Protocol("the owner did not answer within 5 seconds".into()))??;
        Ok(client)
    }

    /// Sends one request and waits for its answer, passing progress to `progress`.
    pub async fn call(
        &self,
        request: &(impl Serialize + Sync),
        progress: &dyn ProgressSink,
    ) -> Result<Response, NodeError> {
        let stream = UnixStream::connect(&self.path)
            .await
            .map_err(|e| NodeError::io("cannot connect to", &self.path, e))?;
        let (read, mut write) = stream.into_split();
        let mut bytes =
            serde_json::to_vec(request).map_err(|e| NodeError::Protocol(e.to_string()))?;
        bytes.push(b'\n');
        write
            .write_all(&bytes)
            .await
            .map_err(|e| NodeError::io("cannot write to", &self.path, e))?;
        let mut lines = BufReader::new(read).lines();
        loop {
            let line = lines
                .next_line()
                .await
                .map_err(|e| NodeError::io("cannot read from", &self.path, e))?
                .ok_or_else(|| {
                    NodeError::Protocol("the owner closed the connection without answering".into())
                })?;
            match serde_json::from_str::<Reply>(&line)
                .map_err(|e| NodeError::Protocol(e.to_string()))?
            {
                Reply::Progress(p) => progress.report(&p),
                Reply::Done(response) => return Ok(response),
                Reply::Error { code, message } => return Err(NodeError::Remote { code, message }),
            }
        }
    }
}
