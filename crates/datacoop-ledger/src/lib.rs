//! The cooperative's signed, append-only consent log.
//!
//! - [`Operation`]: an author-signed [`Header`] plus a [`Body`], canonically encoded
//!   (version byte, postcard, domain-separated signing message); the operation id is
//!   SHA-256 of the signed header, and the tree commits to signed headers, so a body
//!   can be erased while the log still verifies.
//! - [`Log`]: a node's copy of the log over a [`LogStore`] ([`MemStore`], [`SledStore`]):
//!   the operator appends and signs C2SP checkpoints, witnesses cosign ([`Witness`]).
//! - [`verify_log`]: full verification; [`ProofBundle`]: offline-verifiable receipts;
//!   [`EvidenceTracker`]: typed evidence of misbehaviour; [`ConsentRecord`]: ISO/IEC TS
//!   27560 records as DPV JSON.
//!
//! Time is always a parameter: nothing here reads a clock.
//!
//! ```
//! use datacoop_ledger::*;
//! use ed25519_consensus::SigningKey;
//!
//! let steward = SigningKey::from([1u8; 32]);
//! let operator = SigningKey::from([2u8; 32]);
//! let s = steward.verification_key().to_bytes();
//! let genesis = Genesis::new("Runners", vec![s], operator.verification_key().to_bytes());
//! let op = Operation::genesis(&steward, genesis, 1_700_000_000).unwrap();
//! let mut log = Log::create(MemStore::new(), op).unwrap();
//! assert_eq!(log.state().witnessing(), Witnessing::Unwitnessed);
//!
//! // The steward cosigns as the only witness; the operator signs a checkpoint.
//! let cp = log.sign_checkpoint(&operator, 1_700_000_010).unwrap();
//! let mut witness = Witness::new(steward.clone(), log.origin().to_owned(), operator.verification_key().to_bytes(), None);
//! let WitnessOutcome::Cosigned(cosig) = witness.cosign(&cp, &[], 1_700_000_011).unwrap() else { panic!() };
//! log.add_cosignature(cp.checkpoint.size, &cosig).unwrap();
//! assert_eq!(log.log_time(0), Some(1_700_000_011));
//!
//! let report = verify_log(log.store(), &VerifyOptions::default()).unwrap();
//! assert_eq!(report.operations, 1);
//!
//! let bundle = log.proof_bundle(0).unwrap();
//! let text = bundle.render();
//! let receipt = ProofBundle::parse(&text).unwrap().verify(&CoopKeys::from_state(log.state()), true).unwrap();
//! assert_eq!(receipt.index, 0);
//! ```

mod body;
mod checkpoint;
mod consent;
mod encoding;
mod error;
mod evidence;
mod log;
mod note;
mod op;
mod proof;
mod state;
mod store;
mod tree;
mod verify;
mod witness;

pub use body::{
    Body, Change, ConsentMode, Genesis, KeyBytes, MAX_LIST, MAX_TEXT, OpKind, ReleaseTerms,
    majority, valid_spdx_id,
};
pub use checkpoint::{Checkpoint, SignedCheckpoint, origin_for};
pub use consent::{ConsentRecord, ConsentStatus, rfc3339};
pub use encoding::{Hash, OP_SIGNING_DOMAIN, VERSION, sha256};
pub use error::LedgerError;
pub use evidence::{Evidence, EvidenceTracker};
pub use log::{Ingested, Log, SequenceOutcome, Submitted};
pub use note::{
    MAX_SIGNATURES, Note, NoteSignature, SIG_TYPE_COSIGNATURE, SIG_TYPE_ED25519, key_id,
};
pub use op::{Header, OpId, Operation, SignedHeader, check_body_bytes};
pub use proof::{CoopKeys, ProofBundle, Receipt};
pub use state::{
    AnnouncedBlob, Applied, ConsentTerms, CoopState, EpochRoot, KeyEpoch, Match, MatchStatus,
    RULES, ReleaseRecord, RequestRecord, Revoked, View, Witnessing, terms_allow,
};
pub use store::{LogStore, MemStore, SledStore, StoredOp};
pub use tree::{
    EMPTY_ROOT, MerkleTree, leaf_hash, node_hash, root_from_inclusion_proof, verify_consistency,
    verify_inclusion,
};
pub use verify::{VerifyOptions, VerifyReport, verify_log, verify_signatures};
pub use witness::{Cosignature, Witness, WitnessOutcome, cosigned_message, log_time, witness_name};

/// Decoders for fuzzing and corpus replay: each must return an error, never panic.
pub mod fuzz {
    use super::*;

    /// Decodes an operation (transport encoding).
    pub fn operation(data: &[u8]) -> Result<Operation, LedgerError> {
        Operation::decode(data)
    }
    /// Parses a signed checkpoint note.
    pub fn checkpoint(data: &[u8]) -> Result<SignedCheckpoint, LedgerError> {
        let text = std::str::from_utf8(data).map_err(|e| LedgerError::Encoding {
            what: "checkpoint",
            detail: e.to_string(),
        })?;
        SignedCheckpoint::parse(text)
    }
    /// Parses a cosignature line for the witness key in the first 32 bytes.
    pub fn cosignature(data: &[u8]) -> Result<Cosignature, LedgerError> {
        if data.len() < 32 {
            return Err(LedgerError::Encoding {
                what: "cosignature",
                detail: "needs a 32-byte key prefix".into(),
            });
        }
        let (key, line) = data.split_at(32);
        let key: [u8; 32] = key.try_into().map_err(|_| LedgerError::Encoding {
            what: "cosignature",
            detail: "key".into(),
        })?;
        let text = std::str::from_utf8(line).map_err(|e| LedgerError::Encoding {
            what: "cosignature",
            detail: e.to_string(),
        })?;
        Cosignature::parse_line(text, key)
    }
    /// Parses a proof bundle.
    pub fn proof_bundle(data: &[u8]) -> Result<ProofBundle, LedgerError> {
        let text = std::str::from_utf8(data).map_err(|e| LedgerError::Encoding {
            what: "proof bundle",
            detail: e.to_string(),
        })?;
        ProofBundle::parse(text)
    }

    // The check_* functions are the fuzz targets' bodies: decode, and if accepted, assert
    // the canonical round trip. A panic here is a bug the fuzzer reports.

    /// Fuzz body for [`operation`].
    pub fn check_operation(data: &[u8]) {
        if let Ok(op) = operation(data) {
            assert_eq!(op.encode(), data, "operation decode is not canonical");
            let _ = op.header.verify_signature();
        }
    }
    /// Fuzz body for [`checkpoint`].
    pub fn check_checkpoint(data: &[u8]) {
        if let Ok(cp) = checkpoint(data) {
            assert_eq!(
                cp.render().as_bytes(),
                data,
                "checkpoint parse is not canonical"
            );
            let _ = cp.verify_operator(&[0; 32]);
        }
    }
    /// Fuzz body for [`cosignature`].
    pub fn check_cosignature(data: &[u8]) {
        if let Ok(c) = cosignature(data) {
            assert_eq!(
                c.to_note_signature().line().as_bytes(),
                data[32..].strip_suffix(b"\n").unwrap_or(&data[32..])
            );
        }
    }
    /// Fuzz body for [`proof_bundle`].
    pub fn check_proof_bundle(data: &[u8]) {
        if let Ok(b) = proof_bundle(data) {
            assert_eq!(
                b.render().as_bytes(),
                data,
                "proof bundle parse is not canonical"
            );
            let keys = CoopKeys {
                coop: [0; 32],
                operator: [0; 32],
                witnesses: vec![],
                quorum: 0,
            };
            let _ = b.verify(&keys, false);
        }
    }
}
