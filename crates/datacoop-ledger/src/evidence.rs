//! Evidence of misbehaviour: kept as typed, self-contained values that a third party can
//! check with the public keys alone.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::LedgerError;
use crate::checkpoint::SignedCheckpoint;
use crate::op::SignedHeader;

/// Proof that someone broke the log's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Evidence {
    /// One author signed two different operations with the same sequence number.
    Equivocation {
        /// First signed header (canonical bytes).
        first: Vec<u8>,
        /// Second signed header.
        second: Vec<u8>,
    },
    /// The operator signed two checkpoints of one size with different roots.
    SplitView {
        /// First signed checkpoint note.
        first: String,
        /// Second signed checkpoint note.
        second: String,
    },
    /// A newer checkpoint that is not an extension of an older one.
    InconsistentCheckpoints {
        /// The older signed checkpoint note.
        older: String,
        /// The newer signed checkpoint note.
        newer: String,
        /// Why the consistency check failed.
        reason: String,
    },
    /// An author's operation skipped sequence numbers.
    SequenceGap {
        /// The signed header with the unexpected sequence number.
        header: Vec<u8>,
        /// The sequence number expected.
        expected: u64,
    },
}

impl Evidence {
    /// A stable code for the kind of evidence.
    pub fn code(&self) -> &'static str {
        match self {
            Evidence::Equivocation { .. } => "evidence.equivocation",
            Evidence::SplitView { .. } => "evidence.split_view",
            Evidence::InconsistentCheckpoints { .. } => "evidence.inconsistent_checkpoint",
            Evidence::SequenceGap { .. } => "evidence.sequence_gap",
        }
    }

    /// One line for humans.
    pub fn summary(&self) -> String {
        match self {
            Evidence::Equivocation { first, .. } => match SignedHeader::decode(first) {
                Ok(h) => format!(
                    "author {} signed two operations with seq {}",
                    hex::encode(h.header().author),
                    h.header().author_seq
                ),
                Err(_) => "equivocation (undecodable header)".into(),
            },
            Evidence::SplitView { first, .. } => match SignedCheckpoint::parse(first) {
                Ok(c) => format!(
                    "two checkpoints of size {} with different roots",
                    c.checkpoint.size
                ),
                Err(_) => "split view (undecodable checkpoint)".into(),
            },
            Evidence::InconsistentCheckpoints { reason, .. } => {
                format!("inconsistent checkpoints: {reason}")
            }
            Evidence::SequenceGap { header, expected } => match SignedHeader::decode(header) {
                Ok(h) => format!(
                    "author {} jumped to seq {} (expected {expected})",
                    hex::encode(h.header().author),
                    h.header().author_seq
                ),
                Err(_) => "sequence gap (undecodable header)".into(),
            },
        }
    }

    /// Checks that the evidence proves what it claims: both signatures verify and the
    /// statements conflict. `operator` is the log key for checkpoint evidence.
    pub fn verify(&self, operator: &[u8; 32]) -> Result<(), LedgerError> {
        let not = |why: &str| LedgerError::InvalidReference {
            reason: format!("not evidence: {why}"),
        };
        match self {
            Evidence::Equivocation { first, second } => {
                let a = SignedHeader::decode(first)?;
                let b = SignedHeader::decode(second)?;
                a.verify_signature()?;
                b.verify_signature()?;
                let (ha, hb) = (a.header(), b.header());
                if ha.author != hb.author || ha.author_seq != hb.author_seq || a.id() == b.id() {
                    return Err(not("not two distinct operations of one author and seq"));
                }
                Ok(())
            }
            Evidence::SplitView { first, second } => {
                let a = SignedCheckpoint::parse(first)?;
                let b = SignedCheckpoint::parse(second)?;
                a.verify_operator(operator)?;
                b.verify_operator(operator)?;
                if a.checkpoint.origin != b.checkpoint.origin
                    || a.checkpoint.size != b.checkpoint.size
                    || a.checkpoint.root == b.checkpoint.root
                {
                    return Err(not("checkpoints do not conflict"));
                }
                Ok(())
            }
            Evidence::InconsistentCheckpoints { older, newer, .. } => {
                let a = SignedCheckpoint::parse(older)?;
                let b = SignedCheckpoint::parse(newer)?;
                a.verify_operator(operator)?;
                b.verify_operator(operator)?;
                if a.checkpoint.size > b.checkpoint.size {
                    return Err(not("older checkpoint is larger"));
                }
                Ok(())
            }
            Evidence::SequenceGap { header, expected } => {
                let h = SignedHeader::decode(header)?;
                h.verify_signature()?;
                if h.header().author_seq <= *expected {
                    return Err(not("no gap"));
                }
                Ok(())
            }
        }
    }
}

/// Watches operations and checkpoints as they are seen and returns evidence when two of
/// them conflict.
#[derive(Debug, Default)]
pub struct EvidenceTracker {
    by_author_seq: HashMap<([u8; 32], u64), SignedHeader>,
    next_seq: HashMap<[u8; 32], u64>,
    checkpoints: HashMap<(String, u64), SignedCheckpoint>,
    found: Vec<Evidence>,
}

impl EvidenceTracker {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an operation header (signature already verified by the caller).
    pub fn observe_operation(&mut self, header: &SignedHeader) -> Option<Evidence> {
        let h = header.header();
        let key = (h.author, h.author_seq);
        let evidence = match self.by_author_seq.get(&key) {
            Some(other) if other.id() != header.id() => Some(Evidence::Equivocation {
                first: other.as_bytes().to_vec(),
                second: header.as_bytes().to_vec(),
            }),
            Some(_) => None,
            None => {
                let expected = self.next_seq.get(&h.author).copied().unwrap_or(0);
                self.by_author_seq.insert(key, header.clone());
                let next = self.next_seq.entry(h.author).or_insert(0);
                *next = (*next).max(h.author_seq + 1);
                (h.author_seq > expected).then(|| Evidence::SequenceGap {
                    header: header.as_bytes().to_vec(),
                    expected,
                })
            }
        };
        self.keep(evidence)
    }

    /// Records a checkpoint (operator signature already verified by the caller).
    pub fn observe_checkpoint(&mut self, checkpoint: &SignedCheckpoint) -> Option<Evidence> {
        let key = (
            checkpoint.checkpoint.origin.clone(),
            checkpoint.checkpoint.size,
        );
        let evidence = match self.checkpoints.get(&key) {
            Some(other) if other.checkpoint.root != checkpoint.checkpoint.root => {
                Some(Evidence::SplitView {
                    first: other.render(),
                    second: checkpoint.render(),
                })
            }
            Some(_) => None,
            None => {
                self.checkpoints.insert(key, checkpoint.clone());
                None
            }
        };
        self.keep(evidence)
    }

    /// Records that a consistency proof between two checkpoints failed.
    pub fn observe_inconsistency(
        &mut self,
        older: &SignedCheckpoint,
        newer: &SignedCheckpoint,
        reason: &LedgerError,
    ) -> Evidence {
        let e = Evidence::InconsistentCheckpoints {
            older: older.render(),
            newer: newer.render(),
            reason: reason.to_string(),
        };
        self.found.push(e.clone());
        e
    }

    fn keep(&mut self, evidence: Option<Evidence>) -> Option<Evidence> {
        if let Some(e) = &evidence {
            self.found.push(e.clone());
        }
        evidence
    }

    /// Everything found so far.
    pub fn evidence(&self) -> &[Evidence] {
        &self.found
    }
}
