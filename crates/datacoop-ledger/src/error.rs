//! The crate's one error type.

use datacoop_core::Code;
use thiserror::Error;

use crate::op::OpId;

/// Everything that can go wrong in the ledger. [`LedgerError::code`] gives a stable,
/// machine-readable code for each variant.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// Bytes or text that cannot be decoded at all.
    #[error("cannot decode {what}: {detail}")]
    Encoding {
        /// What was being decoded.
        what: &'static str,
        /// Why it failed.
        detail: String,
    },
    /// Bytes that decode but are not in their one canonical form.
    #[error("{what} is not canonically encoded")]
    NonCanonical {
        /// What was being decoded.
        what: &'static str,
    },
    /// An encoding version this build does not know.
    #[error("unsupported {what} version {found}")]
    UnsupportedVersion {
        /// What was being decoded.
        what: &'static str,
        /// The version byte found.
        found: u8,
    },
    /// A signature that does not verify.
    #[error("bad signature on {what}")]
    BadSignature {
        /// Whose or what signature.
        what: String,
    },
    /// A public key that is not a valid Ed25519 point encoding.
    #[error("invalid public key {key}")]
    BadKey {
        /// The key, hex.
        key: String,
    },
    /// An operation for another cooperative.
    #[error("operation belongs to another cooperative")]
    WrongCoop,
    /// The body does not hash to the header's `body_hash`.
    #[error("body does not match the signed body hash")]
    BodyHashMismatch,
    /// The header's kind differs from the body's kind.
    #[error("header kind {header} does not match body kind {body}")]
    KindMismatch {
        /// Kind named in the header.
        header: String,
        /// Kind of the body.
        body: String,
    },
    /// The body is absent and no erasure notice covers it.
    #[error("body is missing and no erasure notice covers it")]
    BodyMissing,
    /// An author skipped sequence numbers.
    #[error("sequence gap for author {author}: expected seq {expected}, found {found}")]
    SequenceGap {
        /// Author key, hex.
        author: String,
        /// The next sequence number.
        expected: u64,
        /// The sequence number found.
        found: u64,
    },
    /// One author signed two different operations with one sequence number.
    #[error("equivocation: author {author} signed two operations with seq {seq} (other: {other})")]
    Equivocation {
        /// Author key, hex.
        author: String,
        /// The reused sequence number.
        seq: u64,
        /// The other operation.
        other: OpId,
    },
    /// `prev_by_author` does not name the author's previous operation.
    #[error("prev_by_author does not name the author's previous operation")]
    BrokenChain,
    /// The same operation appears twice.
    #[error("duplicate of operation #{first_index}")]
    DuplicateOperation {
        /// Where it appeared first.
        first_index: u64,
    },
    /// The author may not perform this operation.
    #[error("unauthorized: {reason}")]
    Unauthorized {
        /// Why.
        reason: String,
    },
    /// A governance proposal that cannot take effect.
    #[error("invalid governance change: {reason}")]
    InvalidGovernance {
        /// Why.
        reason: String,
    },
    /// A genesis that breaks the rules (k above stewards, empty steward set, ...).
    #[error("invalid genesis: {reason}")]
    InvalidGenesis {
        /// Why.
        reason: String,
    },
    /// A body whose fields break the rules (empty purposes, oversized text, bad license).
    #[error("invalid body: {reason}")]
    InvalidBody {
        /// Why.
        reason: String,
    },
    /// A reference to an operation that does not exist or does not fit.
    #[error("invalid reference: {reason}")]
    InvalidReference {
        /// Why.
        reason: String,
    },
    /// A signed note, checkpoint or cosignature that breaks its format.
    #[error("invalid note: {reason}")]
    InvalidNote {
        /// Why.
        reason: String,
    },
    /// A checkpoint whose root is not the root of the stored tree at its size.
    #[error(
        "checkpoint at size {size} does not match the stored tree: an operation in #{since}..#{last} \
         was altered, dropped, inserted or reordered",
        last = size.saturating_sub(1)
    )]
    CheckpointMismatch {
        /// Checkpoint size.
        size: u64,
        /// Size of the previous checkpoint that matched (0 if none).
        since: u64,
    },
    /// The store holds fewer operations than a checkpoint this node saw.
    #[error("store truncated: it holds {have} operations but a checkpoint covers {seen}")]
    Truncated {
        /// Operations in the store.
        have: u64,
        /// Size of the checkpoint.
        seen: u64,
    },
    /// An inclusion or consistency proof that does not verify.
    #[error("invalid proof: {reason}")]
    InvalidProof {
        /// Why.
        reason: String,
    },
    /// Something asked for does not exist.
    #[error("not found: {what}")]
    NotFound {
        /// What.
        what: String,
    },
    /// Two observations prove misbehaviour; the evidence is kept.
    #[error("misbehaviour detected: {summary}")]
    Evidence {
        /// One-line summary of the evidence.
        summary: String,
    },
    /// The storage backend failed.
    #[error("store error: {detail}")]
    Store {
        /// Backend message.
        detail: String,
    },
    /// An error about one operation of the log.
    #[error("operation #{index} ({id}): {source}")]
    AtOperation {
        /// Index of the operation in the log.
        index: u64,
        /// Its id.
        id: OpId,
        /// What is wrong with it.
        source: Box<LedgerError>,
    },
    /// An error about one stored checkpoint.
    #[error("checkpoint at size {size}: {source}")]
    AtCheckpoint {
        /// Its size.
        size: u64,
        /// What is wrong with it.
        source: Box<LedgerError>,
    },
}

impl LedgerError {
    /// A stable machine-readable code; context wrappers report their cause's code.
    pub fn code(&self) -> Code {
        match self {
            LedgerError::Encoding { .. } => Code::LedgerEncoding,
            LedgerError::NonCanonical { .. } => Code::LedgerNonCanonical,
            LedgerError::UnsupportedVersion { .. } => Code::LedgerUnsupportedVersion,
            LedgerError::BadSignature { .. } => Code::LedgerBadSignature,
            LedgerError::BadKey { .. } => Code::LedgerBadKey,
            LedgerError::WrongCoop => Code::LedgerWrongCoop,
            LedgerError::BodyHashMismatch => Code::LedgerBodyHashMismatch,
            LedgerError::KindMismatch { .. } => Code::LedgerKindMismatch,
            LedgerError::BodyMissing => Code::LedgerBodyMissing,
            LedgerError::SequenceGap { .. } => Code::LedgerSequenceGap,
            LedgerError::Equivocation { .. } => Code::LedgerEquivocation,
            LedgerError::BrokenChain => Code::LedgerBrokenChain,
            LedgerError::DuplicateOperation { .. } => Code::LedgerDuplicateOperation,
            LedgerError::Unauthorized { .. } => Code::LedgerUnauthorized,
            LedgerError::InvalidGovernance { .. } => Code::LedgerInvalidGovernance,
            LedgerError::InvalidGenesis { .. } => Code::LedgerInvalidGenesis,
            LedgerError::InvalidBody { .. } => Code::LedgerInvalidBody,
            LedgerError::InvalidReference { .. } => Code::LedgerInvalidReference,
            LedgerError::InvalidNote { .. } => Code::LedgerInvalidNote,
            LedgerError::CheckpointMismatch { .. } => Code::LedgerCheckpointMismatch,
            LedgerError::Truncated { .. } => Code::LedgerTruncated,
            LedgerError::InvalidProof { .. } => Code::LedgerInvalidProof,
            LedgerError::NotFound { .. } => Code::LedgerNotFound,
            LedgerError::Evidence { .. } => Code::LedgerEvidence,
            LedgerError::Store { .. } => Code::LedgerStore,
            LedgerError::AtOperation { source, .. } | LedgerError::AtCheckpoint { source, .. } => {
                source.code()
            }
        }
    }

    /// Wraps this error with the operation it is about.
    pub fn at_op(self, index: u64, id: OpId) -> LedgerError {
        LedgerError::AtOperation {
            index,
            id,
            source: Box::new(self),
        }
    }

    /// Wraps this error with the checkpoint it is about.
    pub fn at_checkpoint(self, size: u64) -> LedgerError {
        LedgerError::AtCheckpoint {
            size,
            source: Box::new(self),
        }
    }

    /// The innermost error, without operation or checkpoint context.
    pub fn root_cause(&self) -> &LedgerError {
        match self {
            LedgerError::AtOperation { source, .. } | LedgerError::AtCheckpoint { source, .. } => {
                source.root_cause()
            }
            other => other,
        }
    }

    pub(crate) fn encoding(what: &'static str, detail: impl ToString) -> Self {
        LedgerError::Encoding {
            what,
            detail: detail.to_string(),
        }
    }

    pub(crate) fn note(reason: impl Into<String>) -> Self {
        LedgerError::InvalidNote {
            reason: reason.into(),
        }
    }

    pub(crate) fn proof(reason: impl Into<String>) -> Self {
        LedgerError::InvalidProof {
            reason: reason.into(),
        }
    }
}
