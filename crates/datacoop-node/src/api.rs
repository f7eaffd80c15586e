//! The requests and responses of the one API surface, shared by the CLI, the control
//! socket and (later) the desktop app.

use std::path::PathBuf;

use datacoop_crypto::PublicIdentity;
use datacoop_vault::{AddReport, DatasetSummary, Entry, ExportReport};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// A use case to run on a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Checks that the owner answers.
    Ping,
    /// Brings the owner's window forward (sent by a second launch of the desktop app on
    /// the same home); an owner without a window refuses it.
    Activate,
    /// Follows the owner's [`crate::Event`]s until the connection closes (control socket
    /// only: in-process callers use [`crate::Owner::subscribe`]).
    Subscribe,
    /// The node's identity.
    Whoami,
    /// Adds files (absolute paths) to a dataset.
    DataAdd {
        /// Dataset name.
        dataset: String,
        /// Category, required when the dataset is new.
        category: Option<String>,
        /// Absolute paths of files and folders.
        paths: Vec<PathBuf>,
        /// Whether the files are already age-encrypted to the dataset's recipient.
        age: bool,
    },
    /// Lists datasets, and one dataset's files when `dataset` is given.
    DataList {
        /// Restrict to this dataset and list its files.
        dataset: Option<String>,
    },
    /// Exports a dataset into a folder (absolute path).
    DataExport {
        /// Dataset name.
        dataset: String,
        /// Target folder.
        out: PathBuf,
        /// Write ciphertext and epoch identities instead of plaintext.
        age: bool,
    },
    /// The dataset's current age recipient, creating the dataset if `category` is given.
    DataRecipient {
        /// Dataset name.
        dataset: String,
        /// Category, to create the dataset if it does not exist.
        category: Option<String>,
    },
    /// Makes a recovery kit and its phrase.
    RecoveryExport {
        /// The identity's passphrase. Required when the request crosses the control
        /// socket: a running owner makes a kit (a copy of the keys) only for someone who
        /// knows the passphrase. In-process callers proved it by unlocking.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        passphrase: Option<Passphrase>,
    },
    /// Founds a cooperative; this node becomes steward, log operator and witness.
    CoopCreate {
        /// The cooperative's name.
        name: String,
        /// Approvals needed (k); default 1.
        threshold: Option<u32>,
        /// Cosignatures a checkpoint needs (q); default a majority of witnesses.
        witness_quorum: Option<u32>,
    },
    /// The cooperative: members, roles, witnesses, latest checkpoint.
    CoopShow,
    /// Operations from index `from` on.
    LogShow {
        /// First index.
        from: u64,
    },
    /// Verifies the whole log.
    LogVerify,
    /// The proof bundle of one operation.
    LogProof {
        /// Operation id or unique prefix (8+ hex digits).
        id: String,
    },
    /// Records consent for a dataset.
    ConsentSet {
        /// Dataset name.
        dataset: String,
        /// Purposes allowed.
        allow: Vec<String>,
        /// Purposes explicitly denied (must not overlap `allow`).
        deny: Vec<String>,
        /// Longest access period accepted, days.
        max_days: Option<u64>,
        /// Ask each time instead of including automatically.
        ask: bool,
    },
    /// This member's consents.
    ConsentShow,
    /// Withdraws the consent for a dataset.
    ConsentWithdraw {
        /// Dataset name.
        dataset: String,
    },
}

impl Request {
    /// The request's name on the control socket (`data_add`, `log_show`, ...).
    pub fn op(&self) -> &'static str {
        match self {
            Request::Ping => "ping",
            Request::Activate => "activate",
            Request::Subscribe => "subscribe",
            Request::Whoami => "whoami",
            Request::DataAdd { .. } => "data_add",
            Request::DataList { .. } => "data_list",
            Request::DataExport { .. } => "data_export",
            Request::DataRecipient { .. } => "data_recipient",
            Request::RecoveryExport { .. } => "recovery_export",
            Request::CoopCreate { .. } => "coop_create",
            Request::CoopShow => "coop_show",
            Request::LogShow { .. } => "log_show",
            Request::LogVerify => "log_verify",
            Request::LogProof { .. } => "log_proof",
            Request::ConsentSet { .. } => "consent_set",
            Request::ConsentShow => "consent_show",
            Request::ConsentWithdraw { .. } => "consent_withdraw",
        }
    }

    /// What running this request is, as people are told about it.
    pub fn job_kind(&self) -> crate::JobKind {
        match self {
            Request::DataAdd { dataset, .. } => crate::JobKind::Adding {
                dataset: dataset.clone(),
            },
            Request::DataExport { dataset, .. } => crate::JobKind::Exporting {
                dataset: dataset.clone(),
            },
            other => crate::JobKind::Request {
                op: other.op().to_owned(),
            },
        }
    }
}

/// A passphrase carried in a request: never printed, wiped when dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Passphrase(String);

impl Passphrase {
    /// Wraps a passphrase.
    pub fn new(passphrase: &SecretString) -> Self {
        Passphrase(passphrase.expose_secret().to_owned())
    }

    /// The passphrase, as a secret again.
    pub fn to_secret(&self) -> SecretString {
        SecretString::from(self.0.clone())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

impl Drop for Passphrase {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.0.zeroize();
    }
}

/// What `whoami` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    /// Public keys and name.
    #[serde(flatten)]
    pub identity: PublicIdentity,
    /// Roles in the cooperative (none until the node joins one).
    pub roles: Vec<datacoop_core::Role>,
    /// The home folder.
    pub home: PathBuf,
}

/// What `data ls` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataListing {
    /// Datasets (only the one asked for, when one was).
    pub datasets: Vec<DatasetSummary>,
    /// Files of the dataset asked for; empty when none was.
    pub entries: Vec<Entry>,
}

/// A recovery kit and the phrase that opens it. Show the phrase once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryExport {
    /// The kit file's text.
    pub kit: String,
    /// The 24-word phrase.
    pub phrase: String,
}

impl std::fmt::Debug for RecoveryExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryExport(..)")
    }
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// Answer to [`Request::Ping`].
    Pong,
    /// Answer to [`Request::Whoami`].
    Whoami(Whoami),
    /// Answer to [`Request::DataAdd`].
    Added(AddReport),
    /// Answer to [`Request::DataList`].
    Listing(DataListing),
    /// Answer to [`Request::DataExport`].
    Exported(ExportReport),
    /// Answer to [`Request::DataRecipient`].
    Recipient {
        /// `age1...`.
        recipient: String,
    },
    /// Answer to [`Request::RecoveryExport`].
    RecoveryKit(RecoveryExport),
    /// Answer to [`Request::CoopCreate`] and [`Request::CoopShow`].
    Coop(crate::coop::CoopInfo),
    /// Answer to [`Request::LogShow`].
    Log {
        /// The operations.
        entries: Vec<crate::coop::LogEntry>,
    },
    /// Answer to [`Request::LogVerify`].
    Verified(crate::coop::VerifySummary),
    /// Answer to [`Request::LogProof`].
    Proof {
        /// The bundle's text.
        text: String,
    },
    /// Answer to [`Request::ConsentSet`] and [`Request::ConsentWithdraw`].
    ConsentRecorded {
        /// The operation that recorded it.
        operation: String,
    },
    /// Answer to [`Request::ConsentShow`].
    Consents {
        /// Consents, oldest first.
        consents: Vec<crate::coop::ConsentView>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Request::op` (used in events and messages) is the name on the wire.
    #[test]
    fn op_names_are_the_wire_names() {
        let requests = [
            Request::Ping,
            Request::Activate,
            Request::Subscribe,
            Request::Whoami,
            Request::DataAdd {
                dataset: "d".into(),
                category: None,
                paths: Vec::new(),
                age: false,
            },
            Request::DataList { dataset: None },
            Request::DataExport {
                dataset: "d".into(),
                out: PathBuf::from("/o"),
                age: false,
            },
            Request::DataRecipient {
                dataset: "d".into(),
                category: None,
            },
            Request::RecoveryExport { passphrase: None },
            Request::CoopCreate {
                name: "c".into(),
                threshold: None,
                witness_quorum: None,
            },
            Request::CoopShow,
            Request::LogShow { from: 0 },
            Request::LogVerify,
            Request::LogProof { id: "x".into() },
            Request::ConsentSet {
                dataset: "d".into(),
                allow: Vec::new(),
                deny: Vec::new(),
                max_days: None,
                ask: false,
            },
            Request::ConsentShow,
            Request::ConsentWithdraw {
                dataset: "d".into(),
            },
        ];
        for request in requests {
            let wire = serde_json::to_value(&request).unwrap();
            assert_eq!(wire["op"], request.op(), "{request:?}");
            let back: Request = serde_json::from_value(wire).unwrap();
            assert_eq!(back, request);
        }
    }
}
