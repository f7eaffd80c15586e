//! Opening a home that cannot be written (a read-only disk, someone else's copy): its
//! records are copied into a private temporary folder and opened there, and only
//! operations that read are run on it.

use secrecy::SecretString;

use crate::events::Events;
use crate::{Home, Node, NodeError, Session, SessionOptions};

/// The operations a read-only home answers: they only read its records.
pub(crate) const READING_OPS: &[&str] = &[
    "whoami",
    "data_list",
    "coop_show",
    "log_show",
    "log_verify",
    "log_proof",
    "consent_show",
    "request_list",
    "grant_list",
];

impl Session {
    /// Opens a home that cannot be written from a private copy of its records (the
    /// keystore, the vault's metadata, the log; never the ciphertext).
    pub(crate) async fn open_read_only<E: From<NodeError>>(
        home: &Home,
        passphrase: impl FnOnce() -> Result<SecretString, E>,
        options: SessionOptions,
    ) -> Result<Session, E> {
        let copy = tempfile::Builder::new()
            .prefix("datacoop-read-only-")
            .tempdir()
            .map_err(|e| NodeError::io("cannot create", std::env::temp_dir(), e))?;
        let root = home.root().to_owned();
        let into = copy.path().to_owned();
        tokio::task::spawn_blocking(move || copy_records(&root, &into))
            .await
            .map_err(|e| NodeError::Protocol(e.to_string()))??;
        let copied = Home::resolve(Some(copy.path().to_owned()))?;
        let passphrase = passphrase()?;
        let node = Node::open(&copied, &passphrase, options.kdf_cost, Events::new()).await?;
        tracing::info!(home = %home.root().display(), "opened a read-only home from a copy");
        Ok(Session::ReadOnly {
            node: Box::new(node),
            home: home.root().to_owned(),
            copy,
        })
    }
}

/// Whether `e` says the home may not be written (as opposed to anything else wrong).
pub(crate) fn cannot_write(e: &NodeError) -> bool {
    use datacoop_core::IoKind;
    e.io_problem()
        .is_some_and(|p| matches!(p.kind, IoKind::PermissionDenied | IoKind::ReadOnly))
}

/// Copies what a home's records are (keystore, identity, the vault's metadata, the log)
/// from `home` into `into`, keeping the layout; the ciphertext stays where it is.
fn copy_records(home: &std::path::Path, into: &std::path::Path) -> Result<(), NodeError> {
    for name in ["keystore.age", "identity.pub"] {
        let from = home.join(name);
        if from.exists() {
            copy_file(&from, &into.join(name))?;
        }
    }
    for dir in ["vault/meta", "ledger"] {
        copy_tree(&home.join(dir), &into.join(dir))?;
    }
    Ok(())
}

/// Copies file `from` to `to`, writable by its owner (the home's modes may say
/// read-only; the copy is this process's own, and its stores open it for writing).
fn copy_file(from: &std::path::Path, to: &std::path::Path) -> Result<(), NodeError> {
    std::fs::copy(from, to).map_err(|e| NodeError::io("cannot copy", from, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| NodeError::io("cannot protect", to, e))?;
    }
    Ok(())
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result<(), NodeError> {
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(NodeError::io("cannot read", from, e)),
    };
    std::fs::create_dir_all(to).map_err(|e| NodeError::io("cannot create", to, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| NodeError::io("cannot read", from, e))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| NodeError::io("cannot read", &path, e))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&path, &target)?;
        } else if kind.is_file() {
            copy_file(&path, &target)?;
        }
    }
    Ok(())
}
