//! A home folder and the files in it: keystore, vault, log, lock, control socket.

use std::fs;
use std::path::{Path, PathBuf};

use datacoop_crypto::IdentityId;

use crate::NodeError;

/// A node's home folder and the files in it.
///
/// ```text
/// HOME/
///   keystore.age     the identity and vault key, sealed with the passphrase (age, scrypt)
///   identity.pub     the public identity id, so a recovery kit can be matched to the home
///   owner.lock       held (flock) by the one process that owns the home
///   owner.json       who owns it: pid, kind, whether it serves a control socket
///   control.sock     the owner's control socket (owner-only)
///   vault/           sealed metadata (sled) and ciphertext (iroh-blobs)
/// ```
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// The home at `root`, or the platform default (`~/.local/share/datacoop` on Linux).
    pub fn resolve(root: Option<PathBuf>) -> Result<Self, NodeError> {
        let root = match root {
            Some(root) => root,
            None => dirs::data_dir()
                .map(|d| d.join("datacoop"))
                .ok_or_else(|| {
                    NodeError::Protocol("no platform data folder; pass --home".into())
                })?,
        };
        Ok(Home { root })
    }

    /// The home folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the folder (owner-only) if it is missing, or makes a folder that holds no
    /// identity yet owner-only. A home with an identity keeps its modes: they are the
    /// person's (a read-only copy stays read-only).
    pub fn create(&self) -> Result<(), NodeError> {
        if self.root.is_dir() && self.is_initialised() {
            return Ok(());
        }
        fs::create_dir_all(&self.root)
            .map_err(|e| NodeError::io("cannot create", &self.root, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&self.root, fs::Permissions::from_mode(0o700))
                .map_err(|e| NodeError::io("cannot protect", &self.root, e))?;
        }
        Ok(())
    }

    /// The sealed keystore.
    pub fn keystore(&self) -> PathBuf {
        self.root.join("keystore.age")
    }

    /// The public identity file.
    pub fn identity_file(&self) -> PathBuf {
        self.root.join("identity.pub")
    }

    /// The lock file.
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("owner.lock")
    }

    /// The owner description.
    pub fn owner_file(&self) -> PathBuf {
        self.root.join("owner.json")
    }

    /// The control socket.
    pub fn control_socket(&self) -> PathBuf {
        self.root.join("control.sock")
    }

    /// The vault folder.
    pub fn vault_dir(&self) -> PathBuf {
        self.root.join("vault")
    }

    /// Whether an identity has been created here.
    pub fn is_initialised(&self) -> bool {
        self.keystore().exists()
    }

    /// The identity recorded at `init`, if any.
    pub fn recorded_identity(&self) -> Option<IdentityId> {
        fs::read_to_string(self.identity_file())
            .ok()
            .and_then(|s| s.trim().parse().ok())
    }
}
