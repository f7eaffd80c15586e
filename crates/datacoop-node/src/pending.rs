//! What a node remembers about joins in progress, beside its log: on the inviter's side,
//! which of its invitations a steward reviews (`HOME/reviewed-invites.json`: the log
//! keeps no such flag, the inviting node decides); on the newcomer's side, the ticket of
//! a join waiting for that review (`HOME/pending-join.txt`), so the node finishes joining
//! by itself once a steward accepts it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use datacoop_ledger::OpId;

use crate::NodeError;

/// The invitations this node made with `--review`.
#[derive(Debug)]
pub(crate) struct ReviewedInvites {
    file: PathBuf,
    ids: Mutex<BTreeSet<String>>,
}

impl ReviewedInvites {
    /// Reads `file` (missing: none).
    pub(crate) fn open(file: PathBuf) -> Self {
        let ids = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        ReviewedInvites {
            file,
            ids: Mutex::new(ids),
        }
    }

    /// Whether joins of `invite` wait for a steward.
    pub(crate) fn contains(&self, invite: &OpId) -> bool {
        self.ids
            .lock()
            .is_ok_and(|ids| ids.contains(&invite.to_hex()))
    }

    /// Marks `invite` as reviewed, durably, before its ticket is handed out.
    pub(crate) fn add(&self, invite: &OpId) -> Result<(), NodeError> {
        let bytes = {
            let mut ids = self
                .ids
                .lock()
                .map_err(|_| NodeError::Protocol("the review list's lock was poisoned".into()))?;
            ids.insert(invite.to_hex());
            serde_json::to_vec_pretty(&*ids).map_err(|e| NodeError::Protocol(e.to_string()))?
        };
        datacoop_crypto::write_atomically(&self.file, &bytes)?;
        Ok(())
    }
}

/// The newcomer's side: the ticket of a join waiting for review.
pub(crate) fn pending_join_file(home: &crate::Home) -> PathBuf {
    home.root().join("pending-join.txt")
}

/// The ticket of the join waiting for review here, if any.
pub(crate) fn pending_join(home: &crate::Home) -> Option<datacoop_net::InviteTicket> {
    std::fs::read_to_string(pending_join_file(home))
        .ok()
        .and_then(|text| text.parse().ok())
}
