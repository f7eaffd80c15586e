//! A log shared between a node's own work and its network tasks.
//!
//! The network layer never owns a node's log: it borrows it through [`SharedLog`], which
//! a `Mutex<Log<S>>` implements (tests, benchmarks) and a node implements over whatever
//! serialises its writes (datacoop's node sends the work to the thread that owns its
//! log, so network writes queue with its own and its readers see them).

use std::sync::{Arc, Mutex};

use datacoop_ledger::{LedgerError, Log, LogStore};

use crate::NetError;

/// A log that network tasks may read and write, one piece of work at a time.
pub trait SharedLog: Send + Sync + 'static {
    /// The log's store.
    type Store: LogStore + Send + 'static;

    /// Runs `work` on the log and answers its result, blocking this thread until it ran.
    /// Call it from a blocking thread (`spawn_blocking`), never on an async worker.
    fn with_log<T, F>(&self, work: F) -> Result<T, LedgerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Log<Self::Store>) -> Result<T, LedgerError> + Send + 'static;
}

impl<S: LogStore + Send + 'static> SharedLog for Mutex<Log<S>> {
    type Store = S;

    fn with_log<T, F>(&self, work: F) -> Result<T, LedgerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Log<S>) -> Result<T, LedgerError> + Send + 'static,
    {
        let mut log = self.lock().map_err(|_| LedgerError::Store {
            detail: "the log's lock was poisoned".into(),
        })?;
        work(&mut log)
    }
}

impl<L: SharedLog> SharedLog for Arc<L> {
    type Store = L::Store;

    fn with_log<T, F>(&self, work: F) -> Result<T, LedgerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Log<Self::Store>) -> Result<T, LedgerError> + Send + 'static,
    {
        (**self).with_log(work)
    }
}

/// Runs `work` on `log` from async code, off the async workers.
pub(crate) async fn on_log<L, T, F>(log: &Arc<L>, work: F) -> Result<T, NetError>
where
    L: SharedLog,
    T: Send + 'static,
    F: FnOnce(&mut Log<L::Store>) -> Result<T, LedgerError> + Send + 'static,
{
    let log = Arc::clone(log);
    tokio::task::spawn_blocking(move || log.with_log(work))
        .await
        .map_err(|e| NetError::PeerLost {
            reason: format!("a task stopped: {e}"),
        })?
        .map_err(NetError::from)
}
