//! How a command reaches a home: by opening it for its duration, or through the control
//! socket of the long-running owner that holds it.

use std::sync::Arc;
use std::time::Duration;

use datacoop_crypto::{CryptoError, KdfCost};
use datacoop_vault::{CancellationToken, ProgressSink};
use secrecy::SecretString;

use crate::api::Op;
use crate::control::{ControlClient, RemoteEvents};
use crate::events::Events;
use crate::{Home, HomeLock, Node, NodeError, OwnerInfo, OwnerKind, Ownership};

/// How a command reaches a home: by opening it itself, or through its owner's socket.
pub enum Session {
    /// This process owns the home for the command's duration.
    Local {
        /// The unlocked node.
        node: Box<Node>,
        /// Held until the session closes.
        lock: HomeLock,
    },
    /// A long-running owner holds the home; requests go through its control socket.
    Remote(ControlClient),
    /// The home cannot be written (a read-only disk or someone else's copy): its records
    /// are opened from a private copy, and only operations that read are run.
    ReadOnly {
        /// The unlocked node, over the copy.
        node: Box<Node>,
        /// The read-only home.
        home: std::path::PathBuf,
        /// The copy, removed when the session closes.
        copy: tempfile::TempDir,
    },
}

/// Settings for opening a home.
#[derive(Debug, Clone, Copy)]
pub struct SessionOptions {
    /// Scrypt cost for files sealed in this session (recovery kits).
    pub kdf_cost: KdfCost,
    /// How long to wait while another one-shot command holds the home.
    pub patience: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            kdf_cost: KdfCost::Default,
            patience: Duration::from_secs(120),
        }
    }
}

impl Session {
    /// Opens `home` for one command. Asks for the passphrase only when it has to unlock
    /// the keystore itself; `on_wait` is told when another command holds the home. A
    /// passphrase source that fails (the caller's own error type) fails the open with its
    /// error.
    pub async fn open<E: From<NodeError>>(
        home: &Home,
        passphrase: impl FnOnce() -> Result<SecretString, E>,
        options: SessionOptions,
        on_wait: impl FnMut(&OwnerInfo) + Send + 'static,
    ) -> Result<Session, E> {
        if !home.is_initialised() {
            return Err(NodeError::from(CryptoError::KeystoreMissing {
                path: home.keystore(),
            })
            .into());
        }
        let home_for_lock = home.clone();
        let ownership = tokio::task::spawn_blocking(move || {
            HomeLock::acquire_waiting(&home_for_lock, OwnerKind::Cli, options.patience, on_wait)
        });
        let ownership = match ownership
            .await
            .map_err(|e| NodeError::Protocol(e.to_string()))?
        {
            Ok(ownership) => ownership,
            Err(e) if crate::read_only::cannot_write(&e) => {
                return Session::open_read_only(home, passphrase, options).await;
            }
            Err(e) => return Err(e.into()),
        };
        let owner = match ownership {
            Ownership::Owned(lock) => {
                return Session::open_local(home, lock, passphrase, options).await;
            }
            Ownership::Taken(owner) if owner.kind == OwnerKind::Cli => {
                return Err(NodeError::OwnerUnreachable {
                    home: home.root().to_owned(),
                    owner,
                    reason: format!(
                        "it still held the home after {}s",
                        options.patience.as_secs()
                    ),
                }
                .into());
            }
            Ownership::Taken(owner) => owner,
        };
        let first_failure = match ControlClient::connect(&home.control_socket()).await {
            Ok(client) => return Ok(Session::Remote(client.answered_by(owner))),
            Err(e) => e,
        };
        // owner.json may name an owner that died (kill -9) or is stopping: look once more.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let home_again = home.clone();
        let again =
            tokio::task::spawn_blocking(move || HomeLock::try_acquire(&home_again, OwnerKind::Cli))
                .await
                .map_err(|e| NodeError::Protocol(e.to_string()))??;
        match again {
            Ownership::Owned(lock) => Session::open_local(home, lock, passphrase, options).await,
            Ownership::Taken(now) if now.kind != OwnerKind::Cli => {
                match ControlClient::connect(&home.control_socket()).await {
                    Ok(client) => Ok(Session::Remote(client.answered_by(now))),
                    Err(e) => Err(NodeError::OwnerUnreachable {
                        home: home.root().to_owned(),
                        owner: now,
                        reason: e.to_string(),
                    }
                    .into()),
                }
            }
            Ownership::Taken(_) => Err(NodeError::OwnerUnreachable {
                home: home.root().to_owned(),
                owner,
                reason: first_failure.to_string(),
            }
            .into()),
        }
    }

    async fn open_local<E: From<NodeError>>(
        home: &Home,
        lock: HomeLock,
        passphrase: impl FnOnce() -> Result<SecretString, E>,
        options: SessionOptions,
    ) -> Result<Session, E> {
        let passphrase = passphrase()?;
        let node = Node::open(home, &passphrase, options.kdf_cost, Events::new()).await?;
        Ok(Session::Local {
            node: Box::new(node),
            lock,
        })
    }

    /// The home, when it could only be opened read-only (from a copy of its records).
    pub fn read_only_home(&self) -> Option<&std::path::Path> {
        match self {
            Session::ReadOnly { home, .. } => Some(home),
            _ => None,
        }
    }

    /// Runs one operation, here or on the owner.
    pub async fn call<O: Op>(
        &self,
        op: O,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<O::Output, NodeError> {
        match self {
            Session::Local { node, .. } => op.run(node, progress, cancel.clone()).await,
            Session::ReadOnly { node, home, .. } => {
                if !crate::read_only::READING_OPS.contains(&O::NAME) {
                    return Err(NodeError::ReadOnlyHome { home: home.clone() });
                }
                op.run(node, progress, cancel.clone()).await
            }
            Session::Remote(client) => {
                // Dropping the call closes the connection, which cancels it in the owner.
                tokio::select! {
                    result = client.call(op, progress.as_ref()) => result,
                    () = cancel.cancelled() => Err(datacoop_vault::VaultError::Cancelled.into()),
                }
            }
        }
    }

    /// Follows the events of the home's long-running owner. A home that no `serve` or
    /// app holds has no events to follow (`input.not_here`).
    pub async fn subscribe(&self) -> Result<RemoteEvents, NodeError> {
        match self {
            Session::Remote(client) => client.subscribe().await,
            Session::Local { .. } | Session::ReadOnly { .. } => {
                Err(NodeError::NotHere { op: "subscribe" })
            }
        }
    }

    /// Closes the node (if local) and releases the home.
    pub async fn close(self) {
        match self {
            Session::Local { node, lock } => {
                node.close().await;
                drop(lock);
            }
            Session::ReadOnly { node, copy, .. } => {
                node.close().await;
                drop(copy);
            }
            Session::Remote(_) => {}
        }
    }
}

/// Removes a home folder this process created, if it holds nothing but the lock's files.
fn forget_new_home(home: &Home, lock: HomeLock) {
    let only_lock_files = std::fs::read_dir(home.root()).is_ok_and(|entries| {
        entries.flatten().all(|entry| {
            let path = entry.path();
            path == home.lock_file() || path == home.owner_file()
        })
    });
    if only_lock_files {
        let _ = std::fs::remove_file(home.owner_file());
        let _ = std::fs::remove_file(home.lock_file());
        drop(lock);
        let _ = std::fs::remove_dir(home.root());
    }
}

/// Runs `f` while owning `home` exclusively (for `init` and `restore`); a home held by a
/// long-running owner is already initialised.
pub fn with_exclusive_home<T>(
    home: &Home,
    patience: Duration,
    on_wait: impl FnMut(&OwnerInfo),
    f: impl FnOnce(&Home) -> Result<T, NodeError>,
) -> Result<T, NodeError> {
    let existed = home.root().exists();
    match HomeLock::acquire_waiting(home, OwnerKind::Cli, patience, on_wait)? {
        Ownership::Owned(lock) => {
            let result = f(home);
            if result.is_err() && !existed {
                // A failed init or restore leaves no folder holding only the lock.
                forget_new_home(home, lock);
            }
            result
        }
        Ownership::Taken(owner) if owner.kind == OwnerKind::Cli => {
            Err(NodeError::OwnerUnreachable {
                home: home.root().to_owned(),
                owner,
                reason: "it kept the home busy".into(),
            })
        }
        Ownership::Taken(owner) => Err(NodeError::OwnedBy {
            home: home.root().to_owned(),
            owner,
        }),
    }
}
