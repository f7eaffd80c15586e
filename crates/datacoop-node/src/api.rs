//! The use cases, as typed operations. Each is a struct (its arguments) implementing
//! [`Op`] (its answer type and how it runs on a [`Node`]). The CLI runs them through a
//! [`crate::Session`], the desktop app through its [`crate::Owner`]; [`Request`] wraps
//! them only as the control socket's wire format, dispatched in one place.

use std::path::PathBuf;
use std::sync::Arc;

use datacoop_vault::{CancellationToken, ProgressSink};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::activity::{ActivityEntry, Earnings};
use crate::governance::{ProposalView, ProposedChange};
use crate::views::{
    AddReport, CoopInfo, DataListing, ExportReport, FetchReport, GrantView, Invitation, Joining,
    LogEntry, NewRecoveryKit, Profile, Proof, Recipient, Recorded, RequestView, RevokeReport,
    Saved, VerifySummary,
};
use crate::{ConsentView, JobKind, NetworkInfo, Node, NodeError};

/// One use case: its arguments are the struct, its answer is [`Op::Output`].
pub trait Op: Serialize + DeserializeOwned + Into<Request> + Send + 'static {
    /// The request's name on the control socket (`data_add`, `log_show`, ...).
    const NAME: &'static str;
    /// What it answers.
    type Output: Serialize + DeserializeOwned + Send + 'static;

    /// What running it is, as people are told about it.
    fn kind(&self) -> JobKind {
        JobKind::Request {
            op: Self::NAME.to_owned(),
        }
    }

    /// Runs it on an unlocked node.
    fn run(
        self,
        node: &Node,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> impl Future<Output = Result<Self::Output, NodeError>> + Send;
}

/// Declares the operations: the [`Request`] variant of each, its wire name, and how it
/// runs (a method of [`Node`] taking the operation).
macro_rules! ops {
    ($($op:ident => $name:literal, $output:ty, $method:ident $(, $job:ident)?;)*) => {
        /// A request on the control socket: `{"op": NAME, ...the operation's fields}`.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "op", rename_all = "snake_case")]
        pub enum Request {
            /// Checks that the owner answers.
            Ping,
            /// Brings the owner's window forward (sent by a second launch of the desktop
            /// app on the same home); an owner without a window refuses it.
            Activate,
            /// Follows the owner's [`crate::Event`]s until the connection closes (in-process
            /// callers use [`crate::Owner::subscribe`]).
            Subscribe,
            $(
                #[doc = concat!("See [`", stringify!($op), "`].")]
                $op($op),
            )*
        }

        impl Request {
            /// The request's name on the control socket.
            pub fn op(&self) -> &'static str {
                match self {
                    Request::Ping => "ping",
                    Request::Activate => "activate",
                    Request::Subscribe => "subscribe",
                    $(Request::$op(_) => $name,)*
                }
            }
        }

        $(
            impl From<$op> for Request {
                fn from(op: $op) -> Request {
                    Request::$op(op)
                }
            }

            impl Op for $op {
                const NAME: &'static str = $name;
                type Output = $output;

                #[allow(unreachable_code)]
                fn kind(&self) -> JobKind {
                    $(return JobKind::$job { dataset: self.dataset.clone() };)?
                    JobKind::Request { op: $name.to_owned() }
                }

                fn run(
                    self,
                    node: &Node,
                    progress: Arc<dyn ProgressSink>,
                    cancel: CancellationToken,
                ) -> impl Future<Output = Result<$output, NodeError>> + Send {
                    node.$method(self, progress, cancel)
                }
            }
        )*

        impl Request {
            /// Runs the request's operation with `runner`, answering its output as JSON:
            /// the one dispatch from the socket's format to the typed operations.
            /// `ping`, `activate` and `subscribe` are the socket's own business.
            pub(crate) async fn dispatch(
                self,
                runner: &impl Runner,
                progress: Arc<dyn ProgressSink>,
                cancel: CancellationToken,
            ) -> Result<serde_json::Value, NodeError> {
                match self {
                    $(Request::$op(op) => to_json(runner.run(op, progress, cancel).await?),)*
                    other => Err(NodeError::NotHere { op: other.op() }),
                }
            }
        }
    };
}

/// Runs typed operations: an owner, as a tracked job on its node.
pub(crate) trait Runner: Sync {
    /// Runs `op`.
    fn run<O: Op>(
        &self,
        op: O,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> impl Future<Output = Result<O::Output, NodeError>> + Send;
}

/// A recovery kit is a copy of the keys, and an `--age` export hands out the epoch keys:
/// a long-running owner runs them (from the socket or the window alike) only for someone
/// who gives the passphrase. A one-shot command proved it by unlocking.
pub(crate) fn refuse_secrets_without_passphrase(op: &dyn std::any::Any) -> Result<(), NodeError> {
    let what = if let Some(RecoveryExport { passphrase: None }) = op.downcast_ref() {
        "making a recovery kit"
    } else if let Some(DataExport {
        age: true,
        passphrase: None,
        ..
    }) = op.downcast_ref()
    {
        "exporting a dataset's keys (--age)"
    } else {
        return Ok(());
    };
    Err(NodeError::Remote {
        code: datacoop_core::Code::AuthPassphraseRequired,
        message: format!("{what} through a running datacoop needs your passphrase"),
    })
}

fn to_json(output: impl Serialize) -> Result<serde_json::Value, NodeError> {
    serde_json::to_value(output).map_err(|e| NodeError::Protocol(e.to_string()))
}

ops! {
    Whoami => "whoami", Profile, whoami;
    DataAdd => "data_add", AddReport, data_add, Adding;
    DataList => "data_list", DataListing, data_list;
    DataExport => "data_export", ExportReport, data_export, Exporting;
    DataRecipient => "data_recipient", Recipient, data_recipient;
    DataRename => "data_rename", (), data_rename;
    RecoveryExport => "recovery_export", NewRecoveryKit, recovery_export;
    PassphraseChange => "passphrase_change", (), passphrase_change;
    CoopCreate => "coop_create", CoopInfo, coop_create;
    CoopShow => "coop_show", CoopInfo, coop_show;
    CoopInvite => "coop_invite", Invitation, coop_invite;
    CoopJoin => "coop_join", Joining, coop_join;
    CoopAccept => "coop_accept", Recorded, coop_accept;
    ProposalCreate => "proposal_create", Recorded, proposal_create;
    ProposalList => "proposal_list", Vec<ProposalView>, proposal_list;
    ProposalApprove => "proposal_approve", Recorded, proposal_approve;
    LogShow => "log_show", Vec<LogEntry>, log_show;
    LogVerify => "log_verify", VerifySummary, log_verify;
    LogProof => "log_proof", Proof, log_proof;
    ConsentSet => "consent_set", Recorded, consent_set;
    ConsentShow => "consent_show", Vec<ConsentView>, consent_show;
    ConsentWithdraw => "consent_withdraw", Recorded, consent_withdraw;
    NetworkShow => "network_show", NetworkInfo, network_show;
    NetworkSave => "network_save", NetworkInfo, network_save;
    RequestCreate => "request_create", Recorded, request_create;
    RequestList => "request_list", Vec<RequestView>, request_list;
    RequestApprove => "request_approve", Recorded, request_approve;
    RequestDeny => "request_deny", Recorded, request_deny;
    ConsentAnswer => "consent_answer", Recorded, consent_answer;
    GrantList => "grant_list", Vec<GrantView>, grant_list;
    GrantRevoke => "grant_revoke", RevokeReport, grant_revoke;
    Fetch => "fetch", FetchReport, fetch;
    ActivityList => "activity", Vec<ActivityEntry>, activity;
    EarningsShow => "earnings", Earnings, earnings;
    StatementSave => "statement_save", Saved, statement_save;
}

/// A trainer asks for access: signing it accepts the license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestCreate {
    /// The category of data wanted.
    pub category: String,
    /// The purpose (a name of [`datacoop_core::Purpose`]).
    pub purpose: String,
    /// How long the data may be used, seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub period_secs: u64,
    /// SPDX license of the use.
    pub license: String,
    /// Credits each releasing member earns.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub credits: u64,
    /// How long ask-mode members have to answer, seconds; default 7 days.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub deadline_secs: Option<u64>,
}

/// The access requests this node may see.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestList {}

/// A steward approves a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestApprove {
    /// The request's id or unique prefix (8+ hex digits).
    pub id: String,
}

/// A steward denies a request, saying why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestDeny {
    /// The request's id or unique prefix.
    pub id: String,
    /// Why (the trainer sees it).
    pub reason: String,
}

/// A member in ask mode answers a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentAnswer {
    /// The request's id or unique prefix.
    pub id: String,
    /// Yes (release) or no.
    pub accept: bool,
}

/// The releases this node is party to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantList {}

/// Ends a grant (or every grant of a request) before its window closes: a steward's
/// for any, a member's for their own releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantRevoke {
    /// A grant's (release's) id, or a request's: all its grants this identity may end.
    pub id: String,
    /// Why (the trainer is told).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Everything on the log that touched this identity's data or requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityList {}

/// The credits this member earned, grant by grant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EarningsShow {}

/// Which statement [`StatementSave`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Statement {
    /// [`ActivityList`]'s entries.
    Activity,
    /// [`EarningsShow`]'s grants and total.
    Earnings,
}

/// How a statement is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StatementFormat {
    /// One JSON document, as `--json` prints it.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// Writes the activity or earnings statement to a file (the window's export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatementSave {
    /// Which one.
    pub statement: Statement,
    /// In which format.
    pub format: StatementFormat,
    /// The file to write (absolute).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub out: PathBuf,
    /// Replace a file already there (the person confirmed it in the save dialog).
    #[serde(default)]
    pub replace: bool,
}

/// A trainer fetches what was released for a request into a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fetch {
    /// The request's id or unique prefix.
    pub id: String,
    /// The folder to write (absolute).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub out: PathBuf,
    /// Wait up to this long for pending members, seconds.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub wait_secs: Option<u64>,
    /// Fail unless every matching member released.
    #[serde(default)]
    pub all: bool,
}

/// This node's network settings: those in use, and those saved for the next start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkShow {}

/// Saves the network settings this home uses from its next start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkSave {
    /// A self-hosted `iroh-relay` (`https://...`); none or blank: no relay.
    #[serde(default)]
    pub relay: Option<String>,
    /// Local-network discovery (mDNS).
    #[serde(default)]
    pub local_discovery: bool,
}

/// The node's identity and roles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Whoami {}

/// Adds files (absolute paths) to a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataAdd {
    /// Dataset name.
    pub dataset: String,
    /// Category, required when the dataset is new.
    #[serde(default)]
    pub category: Option<String>,
    /// Absolute paths of files and folders.
    #[cfg_attr(feature = "ts", ts(type = "string[]"))]
    pub paths: Vec<PathBuf>,
    /// Whether the files are already age-encrypted to the dataset's recipient.
    #[serde(default)]
    pub age: bool,
}

/// Lists datasets, and one dataset's files when `dataset` is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataList {
    /// Restrict to this dataset and list its files.
    #[serde(default)]
    pub dataset: Option<String>,
}

/// Exports a dataset into a folder (absolute path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataExport {
    /// Dataset name.
    pub dataset: String,
    /// Target folder.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub out: PathBuf,
    /// Write ciphertext and epoch identities instead of plaintext.
    #[serde(default)]
    pub age: bool,
    /// The identity's passphrase: required with `age` through the control socket, since
    /// the epoch identities are the dataset's keys (as for a recovery kit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub passphrase: Option<Passphrase>,
}

/// Renames a dataset (its name is local; its consents on the log stay its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataRename {
    /// The dataset's name now.
    pub dataset: String,
    /// Its new name.
    pub to: String,
}

/// The dataset's current age recipient, creating the dataset if `category` is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataRecipient {
    /// Dataset name.
    pub dataset: String,
    /// Category, to create the dataset if it does not exist.
    #[serde(default)]
    pub category: Option<String>,
}

/// Makes a recovery kit and its phrase.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecoveryExport {
    /// The identity's passphrase. Required when the request crosses the control socket
    /// or comes from the window: a running owner makes a kit (a copy of the keys) only
    /// for someone who knows the passphrase. A one-shot command proved it by unlocking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(as = "Option<String>", optional))]
    pub passphrase: Option<Passphrase>,
}

/// Seals the keystore under a new passphrase. The current one is always asked for, from
/// the window, the socket and the command line alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PassphraseChange {
    /// The passphrase the keystore is sealed with now.
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub current: Passphrase,
    /// The new one (at least [`crate::MIN_PASSPHRASE_CHARS`] characters).
    #[cfg_attr(feature = "ts", ts(as = "String"))]
    pub new: Passphrase,
}

/// Founds a cooperative; this node becomes steward, log operator and witness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoopCreate {
    /// The cooperative's name.
    pub name: String,
    /// Approvals needed (k); default 1.
    #[serde(default)]
    pub threshold: Option<u32>,
    /// Cosignatures a checkpoint needs (q); default a majority of witnesses.
    #[serde(default)]
    pub witness_quorum: Option<u32>,
}

/// The cooperative: members, roles, witnesses, latest checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoopShow {}

/// Invites someone: records an invite on the log and answers the ticket to hand them.
/// Needs this node on the network (the ticket names where it listens, and it admits the
/// join when it comes, sending it on to the operator when that is another node).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoopInvite {
    /// The role offered: `member`, `steward` or `trainer`.
    pub role: String,
    /// How long the ticket stays valid, in seconds of log time; default 7 days.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub expires_secs: Option<u64>,
    /// A steward accepts the newcomer (`coop accept`) before they are in.
    #[serde(default)]
    pub review: bool,
}

/// A steward accepts a join waiting for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoopAccept {
    /// The join operation's id or a unique prefix (8+ hex digits), as `coop show` lists it.
    pub id: String,
}

/// Joins the cooperative a ticket invites to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoopJoin {
    /// The ticket (`dcinvite...`), as pasted.
    pub ticket: String,
}

/// Proposes a governance change, with the proposing steward's own approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProposalCreate {
    /// What to change.
    pub change: ProposedChange,
}

/// The governance proposals not yet in effect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProposalList {}

/// Approves a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProposalApprove {
    /// The proposal's operation id or unique prefix (8+ hex digits).
    pub id: String,
}

/// Operations from index `from` on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogShow {
    /// First index.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub from: u64,
}

/// Verifies the whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogVerify {}

/// The proof bundle of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogProof {
    /// Operation id or unique prefix (8+ hex digits).
    pub id: String,
}

/// Records consent for a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentSet {
    /// Dataset name.
    pub dataset: String,
    /// Purposes allowed (names of [`datacoop_core::Purpose`]).
    pub allow: Vec<String>,
    /// Purposes explicitly denied (must not overlap `allow`).
    #[serde(default)]
    pub deny: Vec<String>,
    /// Longest access period accepted, days.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub max_days: Option<u64>,
    /// Ask each time instead of including automatically.
    #[serde(default)]
    pub ask: bool,
}

/// This member's consents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentShow {}

/// Withdraws the consent for a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentWithdraw {
    /// Dataset name.
    pub dataset: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<O: Op + std::fmt::Debug + PartialEq + Clone>(op: O) {
        let request: Request = op.clone().into();
        let wire = serde_json::to_value(&request).unwrap();
        assert_eq!(wire["op"], O::NAME, "{op:?}");
        assert_eq!(request.op(), O::NAME);
        let back: Request = serde_json::from_value(wire).unwrap();
        assert_eq!(back, request);
    }

    /// Every operation's name is its request's tag on the wire, and survives the trip.
    #[test]
    fn op_names_are_the_wire_names() {
        round_trips(Whoami {});
        round_trips(DataAdd {
            dataset: "d".into(),
            category: None,
            paths: Vec::new(),
            age: false,
        });
        round_trips(DataList::default());
        round_trips(DataExport {
            dataset: "d".into(),
            out: PathBuf::from("/o"),
            age: true,
            passphrase: None,
        });
        round_trips(DataRecipient {
            dataset: "d".into(),
            category: Some("fitness".into()),
        });
        round_trips(RecoveryExport::default());
        round_trips(CoopCreate {
            name: "c".into(),
            threshold: Some(1),
            witness_quorum: None,
        });
        round_trips(CoopShow {});
        round_trips(CoopInvite {
            role: "member".into(),
            expires_secs: Some(60),
            review: true,
        });
        round_trips(CoopAccept { id: "x".into() });
        round_trips(CoopJoin {
            ticket: "dcinvite".into(),
        });
        round_trips(ProposalCreate {
            change: ProposedChange::Witnesses {
                ids: vec!["abcdef01".into()],
                quorum: 1,
            },
        });
        round_trips(ProposalList {});
        round_trips(ProposalApprove { id: "x".into() });
        round_trips(LogShow { from: 3 });
        round_trips(LogVerify {});
        round_trips(LogProof { id: "x".into() });
        round_trips(ConsentSet {
            dataset: "d".into(),
            allow: vec!["ModelTraining".into()],
            deny: Vec::new(),
            max_days: Some(30),
            ask: true,
        });
        round_trips(ConsentShow {});
        round_trips(ConsentWithdraw {
            dataset: "d".into(),
        });
        for (request, name) in [
            (Request::Ping, "ping"),
            (Request::Activate, "activate"),
            (Request::Subscribe, "subscribe"),
        ] {
            assert_eq!(serde_json::to_value(&request).unwrap()["op"], name);
            assert_eq!(request.op(), name);
        }
    }

    /// Adding and exporting are the long jobs followers are told about.
    #[test]
    fn adds_and_exports_are_named_by_their_dataset() {
        let add = DataAdd {
            dataset: "runs".into(),
            category: None,
            paths: Vec::new(),
            age: false,
        };
        assert_eq!(
            add.kind(),
            JobKind::Adding {
                dataset: "runs".into()
            }
        );
        assert_eq!(
            LogVerify {}.kind(),
            JobKind::Request {
                op: "log_verify".into()
            }
        );
    }
}
