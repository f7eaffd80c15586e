//! The owner-only local control socket: how other processes use a home that a
//! long-running owner (`datacoop serve`, the desktop app) holds.
//!
//! Newline-delimited JSON. The client sends one [`Request`]; the server answers with any
//! number of `{"progress": …}` lines, then one `{"done": …}` (the operation's output) or
//! `{"error": …}` line.
//! Closing the connection early cancels the request.

use std::path::Path;
use std::sync::Arc;

use std::time::Duration;

use datacoop_vault::{CancellationToken, Progress, ProgressSink, ProgressThrottle};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use zeroize::Zeroizing;

use crate::NodeError;
use crate::api::{Op, Request};
use crate::events::Event;
use crate::owner::Shared;
use datacoop_core::Code;

/// The longest request line accepted.
const MAX_REQUEST: usize = 1 << 20;
/// How long a client may take to send its request line.
const REQUEST_PATIENCE: Duration = Duration::from_secs(10);
/// How long one reply line may take to leave: a client that stops reading is let go.
const WRITE_PATIENCE: Duration = Duration::from_secs(30);
/// Room for a request line without growing (growing would leave copies of a passphrase
/// it carries in freed memory); longer lines are requests without secrets.
const LINE_CAPACITY: usize = 4096;
/// Connections served at once (followers included); more are refused, saying why.
const MAX_CONNECTIONS: usize = 64;
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// One line from the server.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Reply {
    Progress(Progress),
    Done(serde_json::Value),
    Error {
        code: Code,
        message: String,
    },
    /// The subscription is in place: events follow.
    Following,
    Event(Event),
}

impl Reply {
    fn error(e: &NodeError) -> Reply {
        Reply::Error {
            code: e.code(),
            message: e.to_string(),
        }
    }
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

/// The uid that may use the control socket: this process's effective uid, read from the
/// socket file the kernel just created with it (std has no safe `geteuid`).
pub(crate) fn effective_uid(socket: &Path) -> Result<u32, NodeError> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(socket)
        .map(|m| m.uid())
        .map_err(|e| NodeError::io("cannot read", socket, e))
}

/// Serves requests on `listener` until the owner stops. Each connection is a task on the
/// owner's connection tracker, so that stopping can wait for them.
pub(crate) async fn serve(listener: UnixListener, owner: Arc<Shared>, owner_uid: u32) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            () = owner.stopping.cancelled() => break,
            accepted = listener.accept() => accepted,
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
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Told, not left hanging; the connection closes at once.
            tracing::warn!("refused a control connection: {MAX_CONNECTIONS} already open");
            let (_, mut write) = stream.into_split();
            let busy = Reply::error(&NodeError::Busy {
                connections: MAX_CONNECTIONS,
            });
            let _ = tokio::time::timeout(REQUEST_PATIENCE, write_line(&mut write, &busy)).await;
            continue;
        };
        let owner = owner.clone();
        owner.connections.clone().spawn(async move {
            if let Err(e) = serve_one(stream, owner).await {
                tracing::debug!("control connection ended: {e}");
            }
            drop(slot);
        });
    }
}

/// What the client sent before its request line ended.
enum RequestLine {
    /// The line, newline included (wiped when dropped: it may carry a passphrase), and
    /// whether more bytes followed it.
    Line(Zeroizing<Vec<u8>>, bool),
    /// The connection closed before sending anything.
    Closed,
    /// No newline within [`MAX_REQUEST`] bytes, or the connection closed mid-line.
    Unterminated,
}

/// Reads the request line straight from the socket (no buffer outside this one that
/// would keep a copy of a passphrase).
async fn read_request_line(read: &mut (impl AsyncRead + Unpin)) -> std::io::Result<RequestLine> {
    let mut line = Zeroizing::new(Vec::with_capacity(LINE_CAPACITY));
    let mut chunk = Zeroizing::new([0u8; 1024]);
    loop {
        let n = read.read(&mut chunk[..]).await?;
        if n == 0 {
            return Ok(if line.is_empty() {
                RequestLine::Closed
            } else {
                RequestLine::Unterminated
            });
        }
        if let Some(end) = chunk[..n].iter().position(|b| *b == b'\n') {
            line.extend_from_slice(&chunk[..=end]);
            return Ok(if line.len() > MAX_REQUEST {
                RequestLine::Unterminated
            } else {
                RequestLine::Line(line, end + 1 < n)
            });
        }
        line.extend_from_slice(&chunk[..n]);
        if line.len() > MAX_REQUEST {
            return Ok(RequestLine::Unterminated);
        }
    }
}

async fn serve_one(stream: UnixStream, owner: Arc<Shared>) -> std::io::Result<()> {
    let (mut read, mut write) = stream.into_split();
    let line = match tokio::time::timeout(REQUEST_PATIENCE, read_request_line(&mut read)).await {
        Ok(line) => line?,
        Err(_) => {
            let reply = Reply::Error {
                code: Code::ControlProtocol,
                message: format!("no request within {}s", REQUEST_PATIENCE.as_secs()),
            };
            return write_line(&mut write, &reply).await;
        }
    };
    let (line, more_followed) = match line {
        RequestLine::Line(line, more) => (line, more),
        RequestLine::Closed => return Ok(()),
        RequestLine::Unterminated => {
            let reply = Reply::Error {
                code: Code::ControlProtocol,
                message: format!("a request is one line of at most {MAX_REQUEST} bytes"),
            };
            return write_line(&mut write, &reply).await;
        }
    };
    let request: Request = match serde_json::from_slice(&line) {
        Ok(r) => r,
        Err(e) => {
            let reply = Reply::Error {
                code: Code::ControlProtocol,
                message: format!("malformed request: {e}"),
            };
            return write_line(&mut write, &reply).await;
        }
    };
    drop(line);
    // The client hanging up cancels its request; so does anything it sends after the
    // request line (the protocol has nothing more to say), read into a small buffer.
    let cancel = CancellationToken::new();
    if more_followed {
        cancel.cancel();
    }
    let hang_up = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let mut scratch = [0u8; 64];
            let _ = read.read(&mut scratch).await;
            cancel.cancel();
        })
    };
    let result = if request == Request::Subscribe {
        follow(&mut write, &owner, &cancel).await
    } else {
        answer(&mut write, &owner, request, &cancel).await
    };
    hang_up.abort();
    result
}

/// Runs one request, forwarding its progress, then its answer.
async fn answer(
    write: &mut (impl AsyncWriteExt + Unpin),
    owner: &Arc<Shared>,
    request: Request,
    cancel: &CancellationToken,
) -> std::io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Reply>();
    let sink = Arc::new(ThrottledSink {
        tx: tx.clone(),
        throttle: ProgressThrottle::new(PROGRESS_INTERVAL),
    });
    let work = {
        let owner = owner.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            let reply = match owner.answer(request, sink, cancel).await {
                Ok(response) => Reply::Done(response),
                Err(e) => Reply::error(&e),
            };
            let _ = tx.send(reply);
        })
    };
    // Once a line cannot be written (the client left, or stopped reading), the request
    // is cancelled and nothing more is written; its end is still waited for.
    let mut connected = true;
    while let Some(reply) = rx.recv().await {
        let last = !matches!(reply, Reply::Progress(_));
        if connected && write_line(write, &reply).await.is_err() {
            connected = false;
            cancel.cancel();
        }
        if last {
            break;
        }
    }
    let _ = work.await;
    Ok(())
}

/// Streams the owner's events until the client hangs up or the owner stops.
async fn follow(
    write: &mut (impl AsyncWriteExt + Unpin),
    owner: &Arc<Shared>,
    cancel: &CancellationToken,
) -> std::io::Result<()> {
    let mut events = owner.subscribe();
    write_line(write, &Reply::Following).await?;
    loop {
        let event = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            () = owner.stopping.cancelled() => return Ok(()),
            event = events.next() => event,
        };
        match event {
            Some(event) => write_line(write, &Reply::Event(event)).await?,
            None => return Ok(()),
        }
    }
}

async fn write_line(
    write: &mut (impl AsyncWriteExt + Unpin),
    reply: &Reply,
) -> std::io::Result<()> {
    write_line_within(write, reply, WRITE_PATIENCE).await
}

/// Writes one reply line, giving up after `patience` (a client that stops reading).
async fn write_line_within(
    write: &mut (impl AsyncWriteExt + Unpin),
    reply: &Reply,
    patience: Duration,
) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec(reply).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    let sent = async {
        write.write_all(&bytes).await?;
        write.flush().await
    };
    tokio::time::timeout(patience, sent).await.map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("the client read nothing for {}s", patience.as_secs()),
        )
    })?
}

/// Forwards progress at most every [`PROGRESS_INTERVAL`], and always the final report.
struct ThrottledSink {
    tx: mpsc::UnboundedSender<Reply>,
    throttle: ProgressThrottle,
}

impl ProgressSink for ThrottledSink {
    fn report(&self, progress: &Progress) {
        if self.throttle.due(progress) {
            let _ = self.tx.send(Reply::Progress(progress.clone()));
        }
    }
}

/// A connection to a home's owner.
pub struct ControlClient {
    path: std::path::PathBuf,
    /// Who answers on the socket, when known, to name it if it stops mid-request.
    owner: Option<crate::OwnerInfo>,
}

impl ControlClient {
    /// Checks that the owner answers on the socket at `path`.
    pub async fn connect(path: &Path) -> Result<Self, NodeError> {
        let client = ControlClient {
            path: path.to_owned(),
            owner: None,
        };
        // A stopped or wedged owner still accepts connections; do not wait on it forever.
        tokio::time::timeout(
            Duration::from_secs(5),
            client.call_raw(&Request::Ping, &|_: &Progress| {}),
        )
        .await
        .map_err(|_| NodeError::Protocol("the owner did not answer within 5 seconds".into()))??;
        Ok(client)
    }

    /// Names the owner answering on the socket, for when it stops before answering.
    pub fn answered_by(mut self, owner: crate::OwnerInfo) -> Self {
        self.owner = Some(owner);
        self
    }

    /// Connects and sends one request line; the halves of the connection come back
    /// (dropping the write half tells the owner the client has gone).
    async fn send(
        &self,
        request: &(impl Serialize + Sync),
    ) -> Result<
        (
            tokio::net::unix::OwnedReadHalf,
            tokio::net::unix::OwnedWriteHalf,
        ),
        NodeError,
    > {
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
        Ok((read, write))
    }

    /// Runs `op` on the owner and waits for its answer, passing progress to `progress`.
    pub async fn call<O: Op>(
        &self,
        op: O,
        progress: &dyn ProgressSink,
    ) -> Result<O::Output, NodeError> {
        let answer = self.call_raw(&op.into(), progress).await?;
        serde_json::from_value(answer).map_err(|e| {
            NodeError::Protocol(format!(
                "the owner's answer to {} is not what this version expects: {e}",
                O::NAME
            ))
        })
    }

    /// Sends one request and waits for its answer as JSON.
    pub(crate) async fn call_raw(
        &self,
        request: &Request,
        progress: &dyn ProgressSink,
    ) -> Result<serde_json::Value, NodeError> {
        let (read, _write) = self.send(request).await?;
        let mut lines = BufReader::new(read).lines();
        loop {
            let line = lines
                .next_line()
                .await
                .map_err(|e| NodeError::io("cannot read from", &self.path, e))?
                .ok_or_else(|| match &self.owner {
                    Some(owner) => NodeError::OwnerStopped {
                        owner: owner.clone(),
                    },
                    None => NodeError::Protocol(
                        "the owner closed the connection without answering".into(),
                    ),
                })?;
            match serde_json::from_str::<Reply>(&line)
                .map_err(|e| NodeError::Protocol(e.to_string()))?
            {
                Reply::Progress(p) => progress.report(&p),
                Reply::Done(response) => return Ok(response),
                Reply::Error { code, message } => return Err(NodeError::Remote { code, message }),
                Reply::Following | Reply::Event(_) => {
                    return Err(NodeError::Protocol(
                        "the owner sent events to a request that did not ask for them".into(),
                    ));
                }
            }
        }
    }

    /// Follows the owner's events: returns once the subscription is in place, with the
    /// stream of events (which ends when the owner stops).
    pub async fn subscribe(&self) -> Result<RemoteEvents, NodeError> {
        let (read, write) = self.send(&Request::Subscribe).await?;
        let mut events = RemoteEvents {
            lines: BufReader::new(read).lines(),
            _write: write,
            path: self.path.clone(),
        };
        match events.reply().await? {
            Some(Reply::Following) => Ok(events),
            Some(Reply::Error { code, message }) => Err(NodeError::Remote { code, message }),
            _ => Err(NodeError::Protocol(
                "the owner did not start the subscription".into(),
            )),
        }
    }
}

/// Events from a home's owner, as a control client follows them.
pub struct RemoteEvents {
    lines: tokio::io::Lines<BufReader<tokio::net::unix::OwnedReadHalf>>,
    // Kept open: closing it tells the owner this follower has gone.
    _write: tokio::net::unix::OwnedWriteHalf,
    path: std::path::PathBuf,
}

impl RemoteEvents {
    async fn reply(&mut self) -> Result<Option<Reply>, NodeError> {
        let line = self
            .lines
            .next_line()
            .await
            .map_err(|e| NodeError::io("cannot read from", &self.path, e))?;
        line.map(|line| serde_json::from_str(&line).map_err(|e| NodeError::Protocol(e.to_string())))
            .transpose()
    }

    /// The next event; `None` once the owner has stopped.
    pub async fn next(&mut self) -> Result<Option<Event>, NodeError> {
        match self.reply().await? {
            None => Ok(None),
            Some(Reply::Event(event)) => Ok(Some(event)),
            Some(_) => Err(NodeError::Protocol(
                "the owner sent something other than an event".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client that stops reading cannot hold a connection open forever.
    #[tokio::test(start_paused = true)]
    async fn a_reply_nobody_reads_gives_up() {
        let (mut server, _client) = tokio::io::duplex(64);
        let reply = Reply::Done(serde_json::Value::String("x".repeat(1024)));
        let err = write_line_within(&mut server, &reply, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    }

    #[tokio::test]
    async fn request_lines_are_bounded_and_end_at_a_newline() {
        async fn read(bytes: &[u8]) -> RequestLine {
            let mut bytes = bytes;
            read_request_line(&mut bytes).await.unwrap()
        }
        assert!(matches!(
            read(b"{\"ping\":null}\n").await,
            RequestLine::Line(line, false) if line.as_slice() == b"{\"ping\":null}\n"
        ));
        assert!(matches!(
            read(b"{}\nmore").await,
            RequestLine::Line(line, true) if line.as_slice() == b"{}\n"
        ));
        assert!(matches!(read(b"").await, RequestLine::Closed));
        assert!(matches!(read(b"{\"half").await, RequestLine::Unterminated));
        let long = vec![b'x'; MAX_REQUEST + 10];
        assert!(matches!(read(&long).await, RequestLine::Unterminated));
    }
}
