//! Receipts: a proof bundle per operation in the C2SP tlog-proof shape, verifiable
//! offline with the cooperative's public keys.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 signed operation header>
//! index <n>
//! <base64 inclusion proof hash, one per line>
//!
//! <signed checkpoint note, with cosignatures>
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::LedgerError;
use crate::body::KeyBytes;
use crate::checkpoint::{SignedCheckpoint, origin_for};
use crate::encoding::Hash;
use crate::op::{OpId, SignedHeader};
use crate::state::CoopState;
use crate::tree;
use crate::witness::log_time;

const FIRST_LINE: &str = "c2sp.org/tlog-proof@v1";

/// The public keys a verifier trusts for one cooperative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoopKeys {
    /// Cooperative id.
    pub coop: Hash,
    /// Log operator key.
    pub operator: KeyBytes,
    /// Witness keys.
    pub witnesses: Vec<KeyBytes>,
    /// Witness quorum.
    pub quorum: u32,
}

impl CoopKeys {
    /// The keys in effect now (after the last operation of `state`).
    pub fn from_state(state: &CoopState) -> CoopKeys {
        CoopKeys {
            coop: state.coop(),
            operator: state.operator(),
            witnesses: state.witnesses().to_vec(),
            quorum: state.witness_quorum(),
        }
    }

    /// The keys that applied to checkpoints of `size` (operator and witnesses change by
    /// governance; a receipt is checked against the keys of its own checkpoint).
    pub fn at(state: &CoopState, size: u64) -> CoopKeys {
        match state.keys_at(size) {
            Some(e) => CoopKeys {
                coop: state.coop(),
                operator: e.operator,
                witnesses: e.witnesses.clone(),
                quorum: e.quorum,
            },
            None => CoopKeys::from_state(state),
        }
    }
}

/// A proof that an operation is in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofBundle {
    /// Index of the operation.
    pub index: u64,
    /// The operation's signed header (canonical bytes), carried as the `extra` line.
    pub header: Vec<u8>,
    /// Inclusion proof in the checkpoint's tree.
    pub proof: Vec<Hash>,
    /// The checkpoint with its cosignatures.
    pub checkpoint: SignedCheckpoint,
}

/// What a verified proof bundle establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// Index in the log.
    pub index: u64,
    /// Operation id.
    pub id: OpId,
    /// The signed header.
    pub header: SignedHeader,
    /// Log time, if the checkpoint reaches the witness quorum.
    pub log_time: Option<u64>,
    /// Size of the checkpoint the proof is against.
    pub tree_size: u64,
}

impl ProofBundle {
    /// Renders the tlog-proof text.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{FIRST_LINE}\nextra {}\nindex {}\n",
            B64.encode(&self.header),
            self.index
        );
        for h in &self.proof {
            out.push_str(&B64.encode(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint.render());
        out
    }

    /// Parses tlog-proof text strictly (re-rendering must give the same text).
    pub fn parse(text: &str) -> Result<ProofBundle, LedgerError> {
        let bad = |r: &str| LedgerError::note(format!("proof bundle: {r}"));
        let rest = text
            .strip_prefix(FIRST_LINE)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or_else(|| bad("missing c2sp.org/tlog-proof@v1 line"))?;
        let (extra_line, rest) = rest.split_once('\n').ok_or_else(|| bad("truncated"))?;
        let header = B64
            .decode(
                extra_line
                    .strip_prefix("extra ")
                    .ok_or_else(|| bad("missing extra line"))?,
            )
            .map_err(|e| bad(&format!("bad extra: {e}")))?;
        let (index_line, rest) = rest.split_once('\n').ok_or_else(|| bad("truncated"))?;
        let index_str = index_line
            .strip_prefix("index ")
            .ok_or_else(|| bad("missing index line"))?;
        if index_str.is_empty()
            || !index_str.bytes().all(|b| b.is_ascii_digit())
            || (index_str.len() > 1 && index_str.starts_with('0'))
        {
            return Err(bad("index must be a decimal without leading zeros"));
        }
        let index: u64 = index_str.parse().map_err(|_| bad("index out of range"))?;
        let (proof_block, note) = if let Some(note) = rest.strip_prefix('\n') {
            ("", note)
        } else {
            let at = rest
                .find("\n\n")
                .ok_or_else(|| bad("no blank line before the checkpoint"))?;
            (&rest[..at], &rest[at + 2..])
        };
        let mut proof = Vec::new();
        if !proof_block.is_empty() {
            for line in proof_block.split('\n') {
                if proof.len() == 64 {
                    return Err(bad("inclusion proof too long"));
                }
                let h: Hash = B64
                    .decode(line)
                    .map_err(|e| bad(&format!("bad proof hash: {e}")))?
                    .try_into()
                    .map_err(|_| bad("proof hashes are 32 bytes"))?;
                proof.push(h);
            }
        }
        let checkpoint = SignedCheckpoint::parse(note)?;
        let bundle = ProofBundle {
            index,
            header,
            proof,
            checkpoint,
        };
        if bundle.render() != text {
            return Err(LedgerError::NonCanonical {
                what: "proof bundle",
            });
        }
        Ok(bundle)
    }

    /// Verifies everything offline: the operator's checkpoint signature, the author's
    /// header signature, the inclusion proof and the witness cosignatures. With
    /// `require_quorum`, the checkpoint must carry a witness quorum.
    pub fn verify(&self, keys: &CoopKeys, require_quorum: bool) -> Result<Receipt, LedgerError> {
        let cp = &self.checkpoint.checkpoint;
        if cp.origin != origin_for(&keys.coop) {
            return Err(LedgerError::WrongCoop);
        }
        self.checkpoint.verify_operator(&keys.operator)?;
        let header = SignedHeader::decode(&self.header)?;
        if header.header().coop != keys.coop {
            return Err(LedgerError::WrongCoop);
        }
        header.verify_signature()?;
        tree::verify_inclusion(
            self.index,
            cp.size,
            &header.leaf_hash(),
            &self.proof,
            &cp.root,
        )?;
        let cosigs = self.checkpoint.witness_cosignatures(&keys.witnesses)?;
        let time = log_time(&cosigs, &keys.witnesses, keys.quorum);
        if require_quorum && time.is_none() {
            return Err(LedgerError::InvalidProof {
                reason: format!(
                    "checkpoint has {} valid cosignatures, quorum is {}",
                    cosigs.len(),
                    keys.quorum
                ),
            });
        }
        Ok(Receipt {
            index: self.index,
            id: header.id(),
            header,
            log_time: time,
            tree_size: cp.size,
        })
    }
}
