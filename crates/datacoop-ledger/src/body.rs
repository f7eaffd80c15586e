//! Operation bodies: every kind of event the cooperative records.
//!
//! New kinds are only ever appended at the end of [`Body`] (postcard encodes the variant
//! index), so old logs keep decoding under encoding version 1.

use datacoop_core::{Category, Purpose, Role};
use serde::{Deserialize, Serialize};

use crate::LedgerError;
use crate::encoding::{self, Hash};
use crate::op::OpId;

/// A raw Ed25519 public key, 32 bytes.
pub type KeyBytes = [u8; 32];

/// The founding operation: who runs the cooperative and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// Human name of the cooperative.
    pub name: String,
    /// Steward keys.
    pub stewards: Vec<KeyBytes>,
    /// Approvals needed for a governance change (1 ..= stewards).
    pub threshold: u32,
    /// Key that sequences the log and signs checkpoints.
    pub operator: KeyBytes,
    /// Keys whose cosignatures count toward the witness quorum.
    pub witnesses: Vec<KeyBytes>,
    /// Cosignatures needed for a quorum checkpoint.
    pub witness_quorum: u32,
}

impl Genesis {
    /// A genesis with the defaults: k = 1, witnesses = all stewards, q = majority.
    pub fn new(name: impl Into<String>, stewards: Vec<KeyBytes>, operator: KeyBytes) -> Self {
        let witnesses = stewards.clone();
        let witness_quorum = majority(witnesses.len());
        Genesis {
            name: name.into(),
            stewards,
            threshold: 1,
            operator,
            witnesses,
            witness_quorum,
        }
    }

    /// Sets the approval threshold k.
    pub fn with_threshold(mut self, k: u32) -> Self {
        self.threshold = k;
        self
    }

    /// Sets the witness set; the quorum resets to its majority.
    pub fn with_witnesses(mut self, witnesses: Vec<KeyBytes>) -> Self {
        self.witness_quorum = majority(witnesses.len());
        self.witnesses = witnesses;
        self
    }

    /// Sets the witness quorum q.
    pub fn with_witness_quorum(mut self, q: u32) -> Self {
        self.witness_quorum = q;
        self
    }

    /// Checks the rules: a name, distinct stewards, 1 <= k <= stewards, distinct witnesses
    /// and 1 <= q <= witnesses (q = 0 only with no witnesses).
    pub fn validate(&self) -> Result<(), LedgerError> {
        let bad = |reason: String| Err(LedgerError::InvalidGenesis { reason });
        if self.name.trim().is_empty() || self.name.len() > 128 {
            return bad("the name must be 1 to 128 bytes".into());
        }
        validate_params(
            &self.stewards,
            self.threshold,
            &self.witnesses,
            self.witness_quorum,
        )
        .map_err(|reason| LedgerError::InvalidGenesis { reason })
    }

    /// The cooperative id this genesis defines: SHA-256 of its canonical body encoding.
    pub fn coop_id(&self) -> Hash {
        encoding::sha256(&Body::Genesis(self.clone()).encode())
    }
}

/// Longest free text (reasons) in a body, in bytes.
pub const MAX_TEXT: usize = 1024;
/// Longest list (purposes, recipients, categories, erased operations) in a body.
pub const MAX_LIST: usize = 64;

/// SPDX license identifiers and simple expressions: `CC-BY-4.0`, `MIT OR Apache-2.0`,
/// `LicenseRef-coop-1`, `GPL-3.0-or-later WITH Classpath-exception-2.0`.
pub fn valid_spdx_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.split(' ').all(|w| {
            matches!(w, "AND" | "OR" | "WITH")
                || (!w.is_empty()
                    && w.trim_matches(|c| c == '(' || c == ')')
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
                    && w.chars().any(|c| c.is_ascii_alphanumeric()))
        })
}

/// The majority of `n`: `n / 2 + 1` (0 for 0).
pub fn majority(n: usize) -> u32 {
    if n == 0 { 0 } else { (n / 2 + 1) as u32 }
}

pub(crate) fn validate_params(
    stewards: &[KeyBytes],
    k: u32,
    witnesses: &[KeyBytes],
    q: u32,
) -> Result<(), String> {
    if stewards.is_empty() {
        return Err("there must be at least one steward".into());
    }
    if has_duplicates(stewards) {
        return Err("a steward is listed twice".into());
    }
    if k == 0 || k as usize > stewards.len() {
        return Err(format!(
            "threshold k = {k} must be between 1 and the number of stewards ({})",
            stewards.len()
        ));
    }
    if has_duplicates(witnesses) {
        return Err("a witness is listed twice".into());
    }
    if q as usize > witnesses.len() || (q == 0 && !witnesses.is_empty()) {
        return Err(format!(
            "witness quorum q = {q} must be between 1 and the number of witnesses ({})",
            witnesses.len()
        ));
    }
    Ok(())
}

fn has_duplicates(keys: &[KeyBytes]) -> bool {
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).any(|w| w[0] == w[1])
}

/// A governance change, effective with the k-th steward approval in log order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// Adds a steward (the only way to become one).
    AddSteward(KeyBytes),
    /// Removes a steward.
    RemoveSteward(KeyBytes),
    /// Sets the approval threshold k.
    SetThreshold(u32),
    /// Replaces the witness set and quorum.
    SetWitnesses {
        /// New witness keys.
        witnesses: Vec<KeyBytes>,
        /// New quorum.
        quorum: u32,
    },
    /// Sets the witness quorum q.
    SetWitnessQuorum(u32),
    /// Replaces the log operator.
    SetOperator(KeyBytes),
    /// Removes a member.
    RemoveMember(KeyBytes),
}

/// What a consent covers and how the member is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentMode {
    /// Matching requests are approved without asking.
    Always,
    /// Each matching request is put to the member.
    Ask,
}

/// The body of an operation. Variant order is part of the encoding: append only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Body {
    /// Founds the cooperative.
    Genesis(Genesis),
    /// Proposes a governance change.
    Proposal {
        /// The change.
        change: Change,
    },
    /// A steward approves a proposal.
    ProposalApproval {
        /// The proposal operation.
        proposal: OpId,
    },
    /// Invites someone; the secret travels out of band.
    Invite {
        /// SHA-256 of the invite secret.
        secret_hash: Hash,
        /// Role offered.
        role: Role,
        /// Unix seconds (log time) after which the invite is void.
        expires: u64,
    },
    /// The invitee joins, revealing the secret; the author key is the new identity.
    Join {
        /// The invite operation.
        invite: OpId,
        /// The invite secret.
        secret: [u8; 32],
        /// The joiner's network endpoint key.
        endpoint_key: KeyBytes,
    },
    /// A steward accepts a join.
    JoinAcceptance {
        /// The join operation.
        join: OpId,
    },
    /// The author leaves the cooperative.
    Leave,
    /// A member announces a dataset by an opaque id and its public category.
    DatasetAnnounce {
        /// Opaque dataset id (the name stays local).
        dataset: Hash,
        /// Public category.
        category: Category,
    },
    /// A member gives consent for a dataset.
    ConsentSet {
        /// Dataset id.
        dataset: Hash,
        /// Purposes consented to.
        purposes: Vec<Purpose>,
        /// Approve matching requests automatically, or ask each time.
        mode: ConsentMode,
        /// Unix seconds until which the consent is valid, if bounded.
        valid_until: Option<u64>,
        /// How long recipients may keep the data, in seconds.
        retention_secs: Option<u64>,
        /// The longest access period the member accepts for one request, in seconds.
        max_period_secs: Option<u64>,
        /// Trainer keys the consent is limited to (empty: any approved trainer).
        recipients: Vec<KeyBytes>,
    },
    /// A member withdraws a consent.
    ConsentWithdraw {
        /// The ConsentSet operation.
        consent: OpId,
    },
    /// A member answers an ask-mode question about a request.
    AskAnswer {
        /// The access request.
        request: OpId,
        /// The dataset asked about.
        dataset: Hash,
        /// Yes or no.
        allow: bool,
    },
    /// A trainer asks for access.
    AccessRequest {
        /// Purpose.
        purpose: Purpose,
        /// Categories wanted.
        categories: Vec<Category>,
        /// Length of use, seconds.
        period_secs: u64,
        /// SPDX license identifier of the outputs.
        license: String,
        /// Credits offered.
        credits: u64,
        /// Unix seconds by which an answer is needed.
        deadline: u64,
        /// The trainer's per-request X25519 public key.
        request_key: [u8; 32],
    },
    /// Stewards approve a request.
    RequestApproval {
        /// The access request.
        request: OpId,
    },
    /// Stewards deny a request.
    RequestDenial {
        /// The access request.
        request: OpId,
        /// Why.
        reason: String,
    },
    /// A grant of access.
    Grant {
        /// The access request.
        request: OpId,
        /// Hash of the capability handed to the trainer.
        capability_hash: Hash,
        /// Unix seconds the window opens.
        window_start: u64,
        /// Unix seconds the window closes.
        window_end: u64,
        /// The dataset key epochs the capability unlocks (whole epochs; never later ones).
        epochs: Vec<u32>,
        /// Credits paid.
        credits: u64,
    },
    /// Revokes a grant: a steward's act, or (rule set 7) the releasing member's for a
    /// release of their own. Ends the release from this operation on.
    Revocation {
        /// The grant or release.
        grant: OpId,
        /// Why.
        reason: String,
    },
    /// Notice that the bodies of these operations were erased.
    ErasureNotice {
        /// Operations whose bodies are pruned.
        ops: Vec<OpId>,
    },
    /// Attests that pinned data for a grant was released.
    PinRelease {
        /// The grant.
        grant: OpId,
        /// Hash of the released blob.
        blob: Hash,
    },
    /// The author's network endpoint (an ed25519 key the identity derives): peers refuse
    /// connections from endpoints no member announced. A join carries the joiner's.
    EndpointAnnounce {
        /// The endpoint's public key.
        endpoint_key: KeyBytes,
    },
    /// The dataset's owner names what one epoch of it is now (rule set 5): the hash
    /// sequence of its encrypted manifest and files, and the blob of its key backup. No
    /// names: stewards pin these hashes and peers check blob requests against them. A
    /// later announcement of the same epoch replaces the earlier one (a file replaced).
    EpochAnnounce {
        /// Dataset id (as in its [`Body::DatasetAnnounce`]).
        dataset: Hash,
        /// The epoch's number, 0 for the first; at most one past the newest announced.
        epoch: u32,
        /// BLAKE3 of the epoch's hash sequence: manifest first, then every file.
        root: Hash,
        /// BLAKE3 of the epoch key's backup, sealed to the owner.
        key_backup: Hash,
        /// Bytes a holder keeps for it: the sequence, its blobs and the backup.
        size: u64,
    },
    /// A steward reports holding epochs complete (rule set 5): every blob of each named
    /// root's hash sequence and its key backup, pinned. Roots no longer current when it
    /// is sequenced are recorded and ignored.
    Pinned {
        /// The epoch roots held (1 to 64).
        roots: Vec<Hash>,
    },
    /// A member releases a dataset's keys to an approved request (rule set 6): the grant,
    /// authored by the member whose data it unlocks. The capability (the epoch keys
    /// sealed to the request's key, bound to these terms) travels to the trainer as a
    /// blob whose hash this names, served only once this operation is in a quorum
    /// checkpoint.
    Release {
        /// What is released, to whom, for how long.
        terms: ReleaseTerms,
        /// BLAKE3 of the capability blob.
        capability: Hash,
    },
    /// A serving peer reports what it sent a release's trainer (rule set 7): authored by
    /// a steward or the member who released, so the member sees who fetched their data
    /// and how much, attributed on the log.
    Served {
        /// The release whose data was sent.
        release: OpId,
        /// Blob requests answered since this peer's last report.
        requests: u32,
        /// Payload bytes sent for them.
        bytes: u64,
    },
}

/// What one release grants: the request, the dataset's epochs, the window, the credits.
/// The capability's associated data is [`ReleaseTerms::binding`] of these, so a
/// capability moved into another grant does not open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseTerms {
    /// The approved access request.
    pub request: OpId,
    /// The dataset whose keys are released.
    pub dataset: Hash,
    /// The first epoch unlocked.
    pub first_epoch: u32,
    /// The last epoch unlocked (sealed before the release: later files are under keys
    /// the trainer never gets).
    pub last_epoch: u32,
    /// The last epoch's root as announced when released (its manifest chains back).
    pub root: Hash,
    /// Log time the window opens: that of the approval that made the request approved.
    pub window_start: u64,
    /// Log time the window closes: `window_start` plus the request's period.
    pub window_end: u64,
    /// Credits the member earns: the request's offer.
    pub credits: u64,
    /// The member's consent in force that allows the release (its provenance: a trainer,
    /// who never reads consent records, can still name and prove it).
    pub consent: OpId,
}

/// Domain separation of [`ReleaseTerms::binding`].
const RELEASE_BINDING_DOMAIN: &[u8] = b"datacoop/release-terms/v1\n";

impl ReleaseTerms {
    /// SHA-256 of the terms with the cooperative and the releasing member: the associated
    /// data a capability is sealed with.
    pub fn binding(&self, coop: &Hash, member: &KeyBytes) -> Hash {
        let mut bytes = RELEASE_BINDING_DOMAIN.to_vec();
        bytes.extend_from_slice(coop);
        bytes.extend_from_slice(member);
        bytes.extend(encoding::encode(self));
        encoding::sha256(&bytes)
    }
}

/// The kind of an operation, named in its signed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[allow(missing_docs)]
pub enum OpKind {
    Genesis,
    Proposal,
    ProposalApproval,
    Invite,
    Join,
    JoinAcceptance,
    Leave,
    DatasetAnnounce,
    ConsentSet,
    ConsentWithdraw,
    AskAnswer,
    AccessRequest,
    RequestApproval,
    RequestDenial,
    Grant,
    Revocation,
    ErasureNotice,
    PinRelease,
    EndpointAnnounce,
    EpochAnnounce,
    Pinned,
    Release,
    Served,
}

impl OpKind {
    /// Kinds only a steward may author. (A revocation is a steward's or, since rule set
    /// 7, the releasing member's: the state checks which.)
    pub fn steward_only(self) -> bool {
        matches!(
            self,
            OpKind::Genesis
                | OpKind::Proposal
                | OpKind::ProposalApproval
                | OpKind::Invite
                | OpKind::JoinAcceptance
                | OpKind::RequestApproval
                | OpKind::RequestDenial
                | OpKind::Grant
                | OpKind::Pinned
        )
    }

    /// Kinds whose body may be erased (personal data, never governance).
    pub fn erasable(self) -> bool {
        matches!(
            self,
            OpKind::DatasetAnnounce
                | OpKind::ConsentSet
                | OpKind::AskAnswer
                | OpKind::EpochAnnounce
        )
    }
}

impl std::fmt::Display for OpKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl Body {
    /// The kind of this body.
    pub fn kind(&self) -> OpKind {
        match self {
            Body::Genesis(_) => OpKind::Genesis,
            Body::Proposal { .. } => OpKind::Proposal,
            Body::ProposalApproval { .. } => OpKind::ProposalApproval,
            Body::Invite { .. } => OpKind::Invite,
            Body::Join { .. } => OpKind::Join,
            Body::JoinAcceptance { .. } => OpKind::JoinAcceptance,
            Body::Leave => OpKind::Leave,
            Body::DatasetAnnounce { .. } => OpKind::DatasetAnnounce,
            Body::ConsentSet { .. } => OpKind::ConsentSet,
            Body::ConsentWithdraw { .. } => OpKind::ConsentWithdraw,
            Body::AskAnswer { .. } => OpKind::AskAnswer,
            Body::AccessRequest { .. } => OpKind::AccessRequest,
            Body::RequestApproval { .. } => OpKind::RequestApproval,
            Body::RequestDenial { .. } => OpKind::RequestDenial,
            Body::Grant { .. } => OpKind::Grant,
            Body::Revocation { .. } => OpKind::Revocation,
            Body::ErasureNotice { .. } => OpKind::ErasureNotice,
            Body::PinRelease { .. } => OpKind::PinRelease,
            Body::EndpointAnnounce { .. } => OpKind::EndpointAnnounce,
            Body::EpochAnnounce { .. } => OpKind::EpochAnnounce,
            Body::Pinned { .. } => OpKind::Pinned,
            Body::Release { .. } => OpKind::Release,
            Body::Served { .. } => OpKind::Served,
        }
    }

    /// Field rules every body must meet: bounded text, a valid SPDX-style license id,
    /// non-empty purposes and categories, positive periods, ordered windows. (Genesis and
    /// governance parameters are checked by [`Genesis::validate`] and the state.)
    pub fn validate(&self) -> Result<(), LedgerError> {
        let bad = |reason: &str| {
            Err(LedgerError::InvalidBody {
                reason: reason.into(),
            })
        };
        let text_ok = |t: &str| t.len() <= MAX_TEXT && !t.chars().any(char::is_control);
        match self {
            Body::ConsentSet {
                purposes,
                recipients,
                ..
            } => {
                if purposes.is_empty() {
                    return bad("a consent names at least one purpose");
                }
                if recipients.len() > MAX_LIST || purposes.len() > MAX_LIST {
                    return bad("too many purposes or recipients");
                }
            }
            Body::AccessRequest {
                categories,
                period_secs,
                license,
                ..
            } => {
                if categories.is_empty() || categories.len() > MAX_LIST {
                    return bad("a request names 1 to 64 categories");
                }
                if *period_secs == 0 {
                    return bad("the period must be positive");
                }
                if !valid_spdx_id(license) {
                    return bad("the license must be an SPDX license identifier or expression");
                }
            }
            Body::RequestDenial { reason, .. } | Body::Revocation { reason, .. }
                if !text_ok(reason) =>
            {
                return bad("reason too long or with control characters");
            }
            Body::Grant {
                window_start,
                window_end,
                epochs,
                ..
            } => {
                if window_end < window_start {
                    return bad("grant window ends before it starts");
                }
                if epochs.is_empty() || epochs.len() > MAX_LIST {
                    return bad("a grant covers 1 to 64 dataset epochs");
                }
            }
            Body::Release { terms, .. } => {
                if terms.window_end <= terms.window_start {
                    return bad("a release's window ends before it starts");
                }
                if terms.last_epoch < terms.first_epoch {
                    return bad("a release's last epoch comes before its first");
                }
            }
            Body::Served { requests: 0, .. } => {
                return bad("a report of what was served names at least one request");
            }
            Body::Pinned { roots } if roots.is_empty() || roots.len() > MAX_LIST => {
                return bad("a pin report names 1 to 64 epoch roots");
            }
            Body::ErasureNotice { ops } if ops.is_empty() || ops.len() > MAX_LIST => {
                return bad("an erasure notice names 1 to 64 operations");
            }
            Body::EndpointAnnounce { endpoint_key }
                if ed25519_consensus::VerificationKey::try_from(*endpoint_key).is_err() =>
            {
                return bad("the endpoint key is not an ed25519 public key");
            }
            _ => {}
        }
        Ok(())
    }

    /// Canonical encoding: `VERSION || postcard(body)`.
    pub fn encode(&self) -> Vec<u8> {
        encoding::encode(self)
    }

    /// Decodes a canonical body encoding.
    pub fn decode(bytes: &[u8]) -> Result<Body, LedgerError> {
        encoding::decode("operation body", bytes)
    }
}
