//! What the use cases answer: one set of types, serialised once. The CLI prints them with
//! `--json`, the control socket carries them, and the desktop app receives them (its
//! TypeScript declarations are generated from these types with the `ts` feature).
//! Shapes: `docs/JSON.md`.

use std::path::PathBuf;

use datacoop_core::{Purpose, Role};
use datacoop_crypto::PublicIdentity;
use datacoop_ledger::OpKind;
use serde::{Deserialize, Serialize};

pub use datacoop_vault::{AddReport, DatasetSummary, Entry, ExportReport, SkipReason, Skipped};

/// What `whoami` shows: this node's identity and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Profile {
    /// Public keys and name.
    #[serde(flatten)]
    pub identity: PublicIdentity,
    /// Roles in the cooperative (none until the node joins one).
    pub roles: Vec<Role>,
    /// The home folder.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub home: PathBuf,
}

/// What `data ls` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DataListing {
    /// Datasets (only the one asked for, when one was).
    pub datasets: Vec<DatasetSummary>,
    /// Files of the dataset asked for; empty when none was.
    pub entries: Vec<Entry>,
    /// Where each dataset's ciphertext is kept, in the order of `datasets`.
    #[serde(default)]
    pub placement: Vec<Placement>,
}

/// Where one dataset's ciphertext is kept: on this computer, and by the stewards whose
/// nodes reported on the log that they pin all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Placement {
    /// The dataset's name.
    pub dataset: String,
    /// Its epochs published by this computer.
    pub epochs: u32,
    /// How many of them the cooperative's log has (0 outside a cooperative).
    pub announced: u32,
    /// Stewards (identity ids) pinning every epoch of it, in steward order.
    pub pinned_by: Vec<String>,
    /// Each published epoch's root (BLAKE3 of its hash sequence), hex, by epoch.
    pub epoch_roots: Vec<String>,
    /// Each published epoch's key backup (BLAKE3), hex, by epoch.
    pub key_backups: Vec<String>,
}

/// A dataset's current age recipient (`age1...`): what `age -r` encrypts to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Recipient {
    /// `age1...`.
    pub recipient: String,
}

/// A recovery kit and the phrase that opens it. Show the phrase once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewRecoveryKit {
    /// The kit file's text.
    pub kit: String,
    /// The 24-word phrase.
    pub phrase: String,
}

impl std::fmt::Debug for NewRecoveryKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewRecoveryKit(..)")
    }
}

/// A new identity and its first recovery kit (show the kit and phrase once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CreatedIdentity {
    /// The new identity.
    pub identity: PublicIdentity,
    /// Its recovery kit.
    #[serde(flatten)]
    pub kit: NewRecoveryKit,
}

/// An operation recorded on the cooperative's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Recorded {
    /// The operation's id, hex.
    pub operation: String,
}

/// The offline-verifiable proof bundle of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Proof {
    /// The bundle's text.
    pub text: String,
}

/// What `coop show` tells, as the asking identity sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoopInfo {
    /// Cooperative id: SHA-256 of the genesis body, hex.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The asking identity's role in it: `steward` if it is one, else its member role;
    /// none if it is not in it.
    pub role: Option<Role>,
    /// Steward identity ids.
    pub stewards: Vec<String>,
    /// Approvals needed for governance and requests.
    pub threshold: u32,
    /// The log operator's identity id.
    pub operator: String,
    /// Witness identity ids.
    pub witnesses: Vec<String>,
    /// Cosignatures a checkpoint needs.
    pub witness_quorum: u32,
    /// True when nobody independent cosigns checkpoints (one steward).
    pub unwitnessed: bool,
    /// Everyone in it, once each, stewards first.
    pub members: Vec<MemberInfo>,
    /// Joins waiting for a steward's acceptance, oldest first.
    pub awaiting: Vec<AwaitingJoin>,
    /// Operations in the log.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// The newest checkpoint.
    pub latest_checkpoint: Option<CheckpointInfo>,
    /// Evidence of misbehaviour this node has kept (equivocation, split view,
    /// inconsistent checkpoints, sequence gaps); empty when all is well.
    pub evidence: Vec<EvidenceInfo>,
}

/// One piece of kept evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EvidenceInfo {
    /// Its kind (`evidence.equivocation`, ...).
    pub code: String,
    /// What it shows, for people.
    pub summary: String,
}

/// Someone in the cooperative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MemberInfo {
    /// Identity id (hex): their fingerprint.
    pub id: String,
    /// Their role (`steward` for stewards).
    pub role: Role,
    /// Their node's network endpoint id (hex), as announced on the log.
    pub endpoint: Option<String>,
    /// Whether this node reached theirs when it last tried; none if it has not tried
    /// (it dials the operator and the witnesses it works with).
    pub reachable: Option<bool>,
}

/// A checkpoint as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckpointInfo {
    /// Tree size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Root hash, hex.
    pub root: String,
    /// Signature lines (operator and witnesses).
    pub signatures: u32,
    /// The witnesses whose cosignature it carries (identity ids).
    pub cosigned_by: Vec<String>,
}

/// An invitation made by `coop invite`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Invitation {
    /// The ticket to hand the newcomer (`dcinvite...`).
    pub ticket: String,
    /// The invite operation's id on the log.
    pub invite: String,
    /// The role offered.
    pub role: Role,
    /// When it expires (Unix seconds, log time).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires: u64,
    /// Whether a steward accepts the newcomer before they are in.
    pub review: bool,
}

/// Where `coop join` left this home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Joining {
    /// A member now; the cooperative as it sees it.
    Joined {
        /// The cooperative.
        coop: Box<CoopInfo>,
    },
    /// The join is on the log and waits for a steward's acceptance; the node finishes
    /// joining by itself once it comes (while it runs).
    AwaitingReview {
        /// The cooperative's id.
        coop: String,
    },
}

/// Someone whose join waits for a steward's acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AwaitingJoin {
    /// The join operation's id (what `coop accept` takes).
    pub join: String,
    /// The newcomer's identity id.
    pub id: String,
    /// The role their invitation offered.
    pub role: Role,
}

/// One operation of the log, as `log show` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogEntry {
    /// Position in the log.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub index: u64,
    /// Operation id, hex.
    pub id: String,
    /// Kind of operation (`Genesis`, `ConsentSet`, ...).
    pub kind: OpKind,
    /// Author identity id.
    pub author: String,
    /// The author's clock at signing, Unix seconds (display only).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub claimed_time: u64,
    /// Log time once a quorum checkpoint covers it, Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub log_time: Option<u64>,
    /// The local name of the dataset it is about, when it is one of this member's.
    pub dataset: Option<String>,
    /// Half of a consent change: the withdrawal of the old terms, or the new terms
    /// sequenced right after it.
    pub consent_changed: bool,
}

/// What verifying the whole log found (a failure is an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifySummary {
    /// Operations verified.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub operations: u64,
    /// Checkpoints verified.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checkpoints: u64,
    /// Size of the newest checkpoint.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub latest_checkpoint: u64,
    /// Root of the whole tree, hex.
    pub root: String,
    /// Whether nobody independent cosigns checkpoints.
    pub unwitnessed: bool,
    /// Operations a trainer's view holds as signed headers only (members' consent
    /// records, other trainers' requests); 0 for members and stewards.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub withheld: u64,
}

/// How a matching request treats a member's dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Inclusion {
    /// Included without asking.
    Auto,
    /// Asked each time.
    Ask,
}

impl Inclusion {
    /// `auto` or `ask`.
    pub fn name(self) -> &'static str {
        match self {
            Inclusion::Auto => "auto",
            Inclusion::Ask => "ask",
        }
    }
}

/// One of this member's consents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsentView {
    /// The consent operation's id (the ISO/IEC TS 27560 record id).
    pub record_id: String,
    /// The local dataset name.
    pub dataset: String,
    /// The dataset's category.
    pub category: Option<String>,
    /// Purposes allowed.
    pub purposes: Vec<Purpose>,
    /// Included automatically, or asked each time.
    pub mode: Inclusion,
    /// Longest access period accepted, in days; none means no limit of its own.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub max_days: Option<u64>,
    /// Whether it was withdrawn (or replaced by a newer consent).
    pub withdrawn: bool,
    /// The record as W3C DPV JSON (shape of the DPV "consent-27560" guide).
    #[cfg_attr(feature = "ts", ts(type = "unknown"))]
    pub record: serde_json::Value,
}

/// A file problem a person can act on: its kind and the one file or folder to name
/// (the part of the path that is missing, the folder that may not be written, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IoProblem {
    /// What kind of problem.
    pub kind: datacoop_core::IoKind,
    /// The file or folder the sentence names.
    pub subject: String,
}

/// Where an access request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for k steward approvals.
    Pending,
    /// Approved: matching members' nodes release.
    Approved,
    /// Denied, with a reason.
    Denied,
    /// Approved, and its window closed: nothing more is released or served for it, and
    /// the trainer's node wiped its key.
    Expired,
}

/// What `request ls` shows of one access request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestView {
    /// The request's id (its operation's).
    pub id: String,
    /// The trainer's identity id.
    pub trainer: String,
    /// Whether this node's identity made it.
    pub mine: bool,
    /// What for.
    pub purpose: Purpose,
    /// Categories asked for.
    pub categories: Vec<String>,
    /// SPDX license the trainer accepted.
    pub license: String,
    /// How long the trainer may use the data, seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub period_secs: u64,
    /// Credits each releasing member earns.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub credits: u64,
    /// Unix seconds (log time) until which ask-mode members may answer.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deadline: u64,
    /// Pending, approved or denied.
    pub status: RequestStatus,
    /// Why it was denied.
    pub denial_reason: Option<String>,
    /// Approvals from current stewards.
    pub approvals: u32,
    /// Approvals needed (k).
    pub threshold: u32,
    /// Stewards (n).
    pub stewards: u32,
    /// Whether this node's steward approved it.
    pub approved_by_me: bool,
    /// When the window opens (the approval's log time), once known.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub window_start: Option<u64>,
    /// When it closes.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub window_end: Option<u64>,
    /// Datasets whose owner's consent covers it (declined ones not counted).
    pub matching: u32,
    /// Datasets released to it.
    pub released: u32,
    /// Members still to release or answer (identity ids).
    pub pending: Vec<String>,
    /// This member's datasets it asks about, unanswered (ask mode).
    pub asks_me: Vec<String>,
}

/// What `grant ls` shows of one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GrantView {
    /// The release's operation id.
    pub id: String,
    /// The request it answers.
    pub request: String,
    /// The trainer who can decrypt.
    pub trainer: String,
    /// The member who released.
    pub member: String,
    /// Whether this node's member released it.
    pub mine: bool,
    /// Whether it was released to this node's trainer.
    pub to_me: bool,
    /// The dataset's name, when it is this member's.
    pub dataset: Option<String>,
    /// The dataset's public id.
    pub dataset_id: String,
    /// First epoch unlocked.
    pub first_epoch: u32,
    /// Last epoch unlocked (later files are under keys the trainer never gets).
    pub last_epoch: u32,
    /// The last epoch's root as released (BLAKE3 of its hash sequence), hex.
    pub root: String,
    /// The capability blob's BLAKE3, hex (the keys sealed to the trainer's request key).
    pub capability: String,
    /// Window opens (log time, Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub window_start: u64,
    /// Window closes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub window_end: u64,
    /// Credits the member earns.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub credits: u64,
    /// The request's purpose.
    pub purpose: Option<Purpose>,
    /// The request's license.
    pub license: String,
    /// In a quorum checkpoint: the capability may be handed over.
    pub delivered: bool,
    /// Delivered, not revoked, window open.
    pub live: bool,
    /// Revoked.
    pub revoked: bool,
    /// How it ended, once it did.
    pub ending: Option<GrantEnding>,
    /// Requests serving peers reported answering for the trainer.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub served_requests: u64,
    /// Bytes of ciphertext they reported sending.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub served_bytes: u64,
}

/// How a grant ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "ended", rename_all = "snake_case")]
pub enum GrantEnding {
    /// Its window closed (by log time, or this computer's clock if earlier).
    Expired {
        /// When (Unix seconds): the window's end.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        at: u64,
    },
    /// A revocation is on the log.
    Revoked {
        /// Who revoked (identity id).
        by: String,
        /// Whether that was the member who released (else a steward).
        by_member: bool,
        /// Why, in the revoker's words.
        reason: String,
    },
}

impl std::fmt::Display for GrantEnding {
    /// "expired at TIME", "was revoked by the member: REASON", "was revoked by steward ID".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantEnding::Expired { at } => {
                write!(f, "expired at {}", datacoop_ledger::rfc3339(*at))
            }
            GrantEnding::Revoked {
                by,
                by_member,
                reason,
            } => {
                if *by_member {
                    write!(f, "was revoked by the member")?;
                } else {
                    write!(f, "was revoked by steward {}", &by[..by.len().min(8)])?;
                }
                if !reason.is_empty() {
                    write!(f, ": {reason}")?;
                }
                Ok(())
            }
        }
    }
}

/// One grant that ended, as `fetch` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndedGrant {
    /// The release's operation id.
    pub release: String,
    /// The member who released (identity id).
    pub member: String,
    /// How it ended.
    pub ending: GrantEnding,
}

/// What `fetch` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FetchReport {
    /// The request.
    pub request: String,
    /// The folder written.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub out: PathBuf,
    /// Files written.
    pub files: u32,
    /// Plaintext bytes written.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// Members whose releases were fetched (identity ids).
    pub released_by: Vec<String>,
    /// Members still pending (identity ids).
    pub pending: Vec<String>,
    /// Grants of this request that ended and were not fetched.
    pub ended: Vec<EndedGrant>,
    /// The Croissant metadata written.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub croissant: PathBuf,
}

/// What `grant revoke` ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevokeReport {
    /// The grants (release ids) revoked.
    pub revoked: Vec<String>,
}

/// A file written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Saved {
    /// Where.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
}
