//! Who owns a home: an OS file lock on `owner.lock`, and `owner.json` saying who holds it.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::{Home, NodeError};

/// What kind of process owns a home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OwnerKind {
    /// A one-shot CLI command; it finishes soon and serves no socket.
    Cli,
    /// `datacoop serve`.
    Serve,
    /// The desktop app.
    App,
}

/// The owner of a home, as recorded in `owner.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerInfo {
    /// The owning process.
    pub pid: u32,
    /// What it is.
    pub kind: OwnerKind,
}

impl fmt::Display for OwnerInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            OwnerKind::Cli => "another datacoop command",
            OwnerKind::Serve => "`datacoop serve`",
            OwnerKind::App => "the datacoop desktop app",
        };
        write!(f, "{what} (pid {})", self.pid)
    }
}

/// Proof that this process owns a home: an exclusive lock on `owner.lock`, released when
/// dropped or when the process dies (even by `kill -9`).
pub struct HomeLock {
    _file: File,
    home: Home,
}

/// The outcome of trying to take a home.
pub enum Ownership {
    /// We own it now.
    Owned(HomeLock),
    /// Someone else does.
    Taken(OwnerInfo),
}

impl HomeLock {
    /// Tries to take the home without waiting.
    pub fn try_acquire(home: &Home, kind: OwnerKind) -> Result<Ownership, NodeError> {
        home.create()?;
        let path = home.lock_file();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| NodeError::io("cannot open", &path, e))?;
        match file.try_lock() {
            Ok(()) => {
                let lock = HomeLock {
                    _file: file,
                    home: home.clone(),
                };
                lock.publish(kind)?;
                Ok(Ownership::Owned(lock))
            }
            Err(TryLockError::WouldBlock) => Ok(Ownership::Taken(read_owner(home))),
            Err(TryLockError::Error(e)) => Err(NodeError::io("cannot lock", &path, e)),
        }
    }

    /// Takes the home, waiting up to `patience` while a one-shot command holds it.
    /// Returns who owns it if that is a long-running owner, or if patience runs out.
    pub fn acquire_waiting(
        home: &Home,
        kind: OwnerKind,
        patience: Duration,
        mut on_wait: impl FnMut(&OwnerInfo),
    ) -> Result<Ownership, NodeError> {
        let deadline = Instant::now() + patience;
        let mut told = false;
        loop {
            match HomeLock::try_acquire(home, kind)? {
                Ownership::Owned(lock) => return Ok(Ownership::Owned(lock)),
                Ownership::Taken(owner)
                    if owner.kind == OwnerKind::Cli && Instant::now() < deadline =>
                {
                    if !told {
                        on_wait(&owner);
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Ownership::Taken(owner) => return Ok(Ownership::Taken(owner)),
            }
        }
    }

    /// Records who we are in `owner.json`, for processes that find the home taken.
    pub fn publish(&self, kind: OwnerKind) -> Result<(), NodeError> {
        let info = OwnerInfo {
            pid: std::process::id(),
            kind,
        };
        let json = serde_json::to_vec(&info).map_err(|e| NodeError::Protocol(e.to_string()))?;
        datacoop_crypto::write_atomically(&self.home.owner_file(), &json)?;
        Ok(())
    }

    /// The home this lock owns.
    pub fn home(&self) -> &Home {
        &self.home
    }
}

impl Drop for HomeLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.home.owner_file());
    }
}

/// Reads `owner.json`; a lock holder that has not written it yet is a starting CLI.
fn read_owner(home: &Home) -> OwnerInfo {
    for _ in 0..20 {
        match std::fs::read(home.owner_file()) {
            Ok(bytes) => {
                if let Ok(info) = serde_json::from_slice::<OwnerInfo>(&bytes) {
                    return info;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(_) => break,
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    OwnerInfo {
        pid: 0,
        kind: OwnerKind::Cli,
    }
}
