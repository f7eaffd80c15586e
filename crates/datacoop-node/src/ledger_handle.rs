//! The cooperative's log as a service. One thread owns the [`Ledger`] and runs the work
//! sent to it in order: sled writes and whole-log verification never run on the async
//! workers, and writes never interleave. After each job that changed the log it publishes
//! a [`LogSnapshot`] (the [`CoopState`] and the size) on a `watch` channel, so readers that
//! need only the current state (roles and members for the window, and later the access
//! check on every blob request) never wait on a writer. The shape is iroh-blobs' `Store`:
//! a cheap, cloneable handle to one actor.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use datacoop_ledger::CoopState;
use tokio::sync::{oneshot, watch};

use crate::NodeError;
use crate::coop::Ledger;

/// The cooperative as of the newest operation this node holds.
#[derive(Debug, Clone, Default)]
pub struct LogSnapshot {
    /// The cooperative's state; `None` while the home is in no cooperative.
    pub state: Option<Arc<CoopState>>,
    /// Operations in the log.
    pub size: u64,
    /// The size of the newest checkpoint a witness quorum cosigned: operations below it
    /// are final in log order (a release below it may be delivered).
    pub quorum_size: u64,
    /// "Now" by log time (none until a quorum cosigned).
    pub now: Option<u64>,
}

/// Runs on the log's thread and returns how to hand its answer over, which the thread does
/// only after publishing the snapshot: whoever gets an answer sees its write.
type Job = Box<dyn FnOnce(&mut Option<Ledger>) -> Box<dyn FnOnce() + Send> + Send>;

enum Message {
    Run(Job),
    Stop,
}

/// A handle to the thread that owns the log. Clones share it.
#[derive(Clone)]
pub struct LedgerHandle {
    jobs: std::sync::mpsc::Sender<Message>,
    snapshot: watch::Receiver<LogSnapshot>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

fn snapshot_of(ledger: &Option<Ledger>) -> LogSnapshot {
    match ledger {
        Some(ledger) => LogSnapshot {
            state: Some(Arc::new(ledger.state().clone())),
            size: ledger.size(),
            quorum_size: ledger.log().newest_quorum_size(),
            now: ledger.log_now(),
        },
        None => LogSnapshot::default(),
    }
}

fn unavailable() -> NodeError {
    NodeError::Protocol("the cooperative's log stopped after an earlier failure".into())
}

impl LedgerHandle {
    /// Starts the thread that owns `ledger` (`None`: the home is in no cooperative yet).
    pub fn start(ledger: Option<Ledger>) -> Result<Self, NodeError> {
        let (jobs, inbox) = std::sync::mpsc::channel::<Message>();
        let (publish, snapshot) = watch::channel(snapshot_of(&ledger));
        let thread = std::thread::Builder::new()
            .name("datacoop-ledger".into())
            .spawn(move || {
                let mut ledger = ledger;
                let changes = |l: &Option<Ledger>| {
                    l.as_ref().map(|l| (l.size(), l.log().witnessed_changes()))
                };
                while let Ok(Message::Run(job)) = inbox.recv() {
                    let before = changes(&ledger);
                    let deliver = job(&mut ledger);
                    let after = changes(&ledger);
                    if after.map(|(size, _)| size) != before.map(|(size, _)| size) {
                        publish.send_replace(snapshot_of(&ledger));
                    } else if after != before
                        && let Some(ledger) = &ledger
                    {
                        // A heartbeat's cosignatures move log time without growing the
                        // log: expiry and staleness read it from the snapshot.
                        let (quorum_size, now) =
                            (ledger.log().newest_quorum_size(), ledger.log_now());
                        publish.send_if_modified(|s| {
                            let changed = (s.quorum_size, s.now) != (quorum_size, now);
                            s.quorum_size = quorum_size;
                            s.now = now;
                            changed
                        });
                    }
                    deliver();
                }
                // Dropping the ledger here flushes and closes its store.
            })
            .map_err(|e| NodeError::Protocol(format!("cannot start the log's thread: {e}")))?;
        Ok(LedgerHandle {
            jobs,
            snapshot,
            thread: Arc::new(Mutex::new(Some(thread))),
        })
    }

    /// Runs `work` on the log, after the work sent before it.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Option<Ledger>) -> Result<T, NodeError> + Send + 'static,
    ) -> Result<T, NodeError> {
        let (answer, answered) = oneshot::channel();
        self.send(work, move |result| {
            let _ = answer.send(result);
        })?;
        answered.await.map_err(|_| unavailable())?
    }

    /// Runs `work` on the log like [`LedgerHandle::run`], blocking this thread until it
    /// ran: for the network layer's blocking tasks, never on an async worker (and never on
    /// the log's own thread).
    pub fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Option<Ledger>) -> Result<T, NodeError> + Send + 'static,
    ) -> Result<T, NodeError> {
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        self.send(work, move |result| {
            let _ = answer.send(result);
        })?;
        answered.recv().map_err(|_| unavailable())?
    }

    /// Queues `work`; `deliver` gets its result once the snapshot is published.
    fn send<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Option<Ledger>) -> Result<T, NodeError> + Send + 'static,
        deliver: impl FnOnce(Result<T, NodeError>) + Send + 'static,
    ) -> Result<(), NodeError> {
        let job: Job = Box::new(move |ledger| {
            let result = work(ledger);
            Box::new(move || deliver(result))
        });
        self.jobs.send(Message::Run(job)).map_err(|_| unavailable())
    }

    /// The newest snapshot, without waiting.
    pub fn snapshot(&self) -> LogSnapshot {
        self.snapshot.borrow().clone()
    }

    /// Follows the snapshots as the log grows.
    pub fn watch(&self) -> watch::Receiver<LogSnapshot> {
        self.snapshot.clone()
    }

    /// Finishes the work already sent, closes the log and waits for its thread. Work sent
    /// afterwards, through any clone, fails.
    pub async fn close(&self) {
        let _ = self.jobs.send(Message::Stop);
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use datacoop_crypto::KeystoreSecrets;

    use super::*;

    fn founded(dir: &std::path::Path) -> (LedgerHandle, datacoop_crypto::Identity) {
        let secrets = KeystoreSecrets::try_generate("Ada").unwrap();
        let identity = secrets.identity();
        let ledger = Ledger::create(dir, &identity, "Runners", None, None, 1_700_000_000).unwrap();
        (LedgerHandle::start(Some(ledger)).unwrap(), identity)
    }

    /// Readers see the snapshot of the last finished write without queueing behind the
    /// write in progress; writes run one after another, in the order sent.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn readers_never_wait_on_a_writer_and_writes_run_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let (log, _identity) = founded(dir.path());
        let size = log.snapshot().size;
        assert!(size >= 1);
        let name = log.snapshot().state.unwrap().name().to_owned();
        assert_eq!(name, "Runners");

        // A slow job holds the log's thread...
        let (started, is_started) = oneshot::channel();
        let slow = tokio::spawn({
            let log = log.clone();
            async move {
                log.run(move |_| {
                    let _ = started.send(());
                    std::thread::sleep(Duration::from_secs(1));
                    Ok(1)
                })
                .await
            }
        });
        is_started.await.unwrap();
        // ...and the snapshot is read while it still runs (behind a lock, this read
        // would wait for it).
        let read = log.snapshot();
        assert!(!slow.is_finished(), "the read waited for the slow job");
        assert_eq!(read.size, size);
        let second = log.run(|_| Ok(2)).await.unwrap();
        assert_eq!(slow.await.unwrap().unwrap(), 1);
        assert_eq!(second, 2);
        log.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_publishes_a_new_snapshot_and_a_closed_log_refuses_work() {
        let dir = tempfile::tempdir().unwrap();
        let (log, identity) = founded(dir.path());
        let mut follower = log.watch();
        let before = log.snapshot().size;
        log.run(move |ledger| {
            let ledger = ledger.as_mut().ok_or(NodeError::NotInCoop)?;
            ledger.publish(
                &identity,
                datacoop_ledger::Body::DatasetAnnounce {
                    dataset: [7; 32],
                    category: "fitness".parse().unwrap(),
                },
                1_700_000_100,
            )
        })
        .await
        .unwrap();
        // Published before the answer came back: no waiting needed.
        assert_eq!(log.snapshot().size, before + 1);
        follower.changed().await.unwrap();
        assert_eq!(follower.borrow().size, before + 1);
        log.close().await;
        let err = log.run(|_| Ok(())).await.unwrap_err();
        assert_eq!(err.code(), "control.protocol");
    }
}
