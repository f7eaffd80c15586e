//! Full verification of a stored log: what `datacoop log verify` runs.

use ed25519_consensus::batch;
use rand_core::OsRng;

use crate::LedgerError;
use crate::body::Body;
use crate::checkpoint::SignedCheckpoint;
use crate::encoding::{Hash, sha256};
use crate::op::{OpId, SignedHeader, check_body_bytes};
use crate::state::{CoopState, View, Witnessing};
use crate::store::LogStore;
use crate::store::StoredOp;
use crate::tree::MerkleTree;
use crate::witness::log_time;

/// Operations verified per step (decoded, batch-verified, then applied in order).
const CHUNK: usize = 16_384;
/// Signatures per batch verification call.
const BATCH: usize = 512;

/// Options for [`verify_log`].
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Threads for signature verification (2 on the reference machine).
    pub threads: usize,
    /// The newest checkpoint this node saw (kept outside the store): the store must
    /// reach its size and agree with its root.
    pub last_seen: Option<SignedCheckpoint>,
    /// Whose view of the log the store holds (a trainer's lacks some bodies).
    pub view: View,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            threads: 2,
            last_seen: None,
            view: View::Full,
        }
    }
}

/// What a successful verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Operations verified.
    pub operations: u64,
    /// Root of the whole tree.
    pub root: Hash,
    /// Checkpoints verified.
    pub checkpoints: usize,
    /// Of those, how many reach the witness quorum.
    pub quorum_checkpoints: usize,
    /// Size of the newest checkpoint (0 if none).
    pub latest_checkpoint: u64,
    /// Whether the log is witnessed.
    pub witnessing: Witnessing,
    /// Governance proposals still short of k approvals.
    pub pending_proposals: usize,
    /// Operations whose body was erased under an erasure notice.
    pub erased_bodies: u64,
    /// In a trainer's view, operations it holds as signed headers only.
    pub withheld_bodies: u64,
}

/// Verifies signatures of `headers` (ZIP-215 batch verification, falling back to single
/// verification to find the culprits), on `threads` threads. One result per header.
pub fn verify_signatures(
    headers: &[&SignedHeader],
    threads: usize,
) -> Vec<Result<(), LedgerError>> {
    let threads = threads.max(1);
    if threads == 1 || headers.len() < 2 * BATCH {
        return verify_signatures_one_thread(headers);
    }
    let per = headers.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = headers
            .chunks(per)
            .map(|part| s.spawn(move || verify_signatures_one_thread(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                // A panic in a verifier thread is a bug; report it as a failure per item
                // rather than propagating the panic.
                Err(_) => vec![
                    Err(LedgerError::BadSignature {
                        what: "operation header (verifier thread failed)".into()
                    });
                    per
                ],
            })
            .take(headers.len())
            .collect()
    })
}

fn verify_signatures_one_thread(headers: &[&SignedHeader]) -> Vec<Result<(), LedgerError>> {
    let mut out = Vec::with_capacity(headers.len());
    for chunk in headers.chunks(BATCH) {
        let mut v = batch::Verifier::new();
        for h in chunk {
            v.queue(h.batch_item());
        }
        if v.verify(OsRng).is_ok() {
            out.extend(chunk.iter().map(|_| Ok(())));
        } else {
            out.extend(chunk.iter().map(|h| h.verify_signature()));
        }
    }
    out
}

/// Verifies a whole stored log: canonical encodings, every author signature, bodies
/// against their hashes, per-author chains, governance thresholds and authority, every
/// checkpoint's root and operator signature, witness cosignatures, and that the store is
/// not shorter than any checkpoint seen. Errors name the operation (index and id) or
/// the checkpoint.
pub fn verify_log<S: LogStore + ?Sized>(
    store: &S,
    options: &VerifyOptions,
) -> Result<VerifyReport, LedgerError> {
    let len = store.len()?;
    if len == 0 {
        return Err(LedgerError::NotFound {
            what: "genesis".into(),
        });
    }
    let mut checkpoints = store.checkpoints()?;
    checkpoints.sort_by_key(|(s, _)| *s);
    let mut next_cp = checkpoints.iter().peekable();
    let mut state = CoopState::new_as(options.view);
    let mut tree = MerkleTree::new();
    let mut report = VerifyReport {
        operations: len,
        root: [0; 32],
        checkpoints: 0,
        quorum_checkpoints: 0,
        latest_checkpoint: 0,
        witnessing: Witnessing::Unwitnessed,
        pending_proposals: 0,
        erased_bodies: 0,
        withheld_bodies: 0,
    };
    let mut last_good_cp = 0;
    if let Some((0, _)) = next_cp.peek() {
        return Err(LedgerError::note("a checkpoint of size 0 is never signed").at_checkpoint(0));
    }

    let threads = options.threads.max(1);
    let read = |start: u64| -> Result<Vec<StoredOp>, LedgerError> {
        let end = (start + CHUNK as u64).min(len);
        (start..end).map(|i| store.get(i)).collect()
    };
    // A pipeline: while this thread applies the rules to one chunk in log order, the next
    // chunk is decoded, hashed and signature-checked on `threads` other threads.
    std::thread::scope(|scope| -> Result<(), LedgerError> {
        let spawn = |raws: Vec<StoredOp>, start: u64| {
            scope.spawn(move || prepare_parallel(&raws, start, threads))
        };
        let mut start = 0u64;
        let mut pending = Some(spawn(read(0)?, 0));
        while let Some(handle) = pending.take() {
            let prepared = handle.join().unwrap_or_else(|_| {
                vec![Err(LedgerError::BadSignature {
                    what: "operation header (verifier thread failed)".into(),
                })]
            });
            let count = prepared.len() as u64;
            let next = start + count;
            if next < len && count > 0 {
                pending = Some(spawn(read(next)?, next));
            }
            for (i, item) in prepared.into_iter().enumerate() {
                let index = start + i as u64;
                let (header, body) = item?;
                match (body.is_none(), options.view) {
                    (false, _) => {}
                    (true, View::Full) => report.erased_bodies += 1,
                    (true, View::Trainer(_)) => report.withheld_bodies += 1,
                }
                state
                    .apply(&header, body.as_ref())
                    .map_err(|e| e.at_op(index, header.id()))?;
                tree.push_leaf_hash(header.leaf_hash());
                while let Some((size, note)) = next_cp.peek() {
                    if *size != tree.size() {
                        break;
                    }
                    let quorum = verify_checkpoint(*size, note, &tree, &state, last_good_cp)?;
                    report.checkpoints += 1;
                    report.quorum_checkpoints += usize::from(quorum);
                    report.latest_checkpoint = *size;
                    last_good_cp = *size;
                    next_cp.next();
                }
            }
            start = next;
        }
        Ok(())
    })?;
    if tree.size() != len {
        return Err(LedgerError::Store {
            detail: format!("read {} of {len} operations", tree.size()),
        });
    }
    // Checked after the operations, so that a dropped operation is reported by name
    // when the chains show it.
    if let Some((size, _)) = checkpoints.iter().find(|(s, _)| *s > len) {
        return Err(LedgerError::Truncated {
            have: len,
            seen: *size,
        });
    }
    if let Some(seen) = &options.last_seen
        && seen.checkpoint.size > len
    {
        return Err(LedgerError::Truncated {
            have: len,
            seen: seen.checkpoint.size,
        });
    }
    if let Some(seen) = &options.last_seen {
        let size = seen.checkpoint.size;
        let operator = state.keys_at(size).map_or(state.operator(), |k| k.operator);
        seen.verify_operator(&operator)
            .map_err(|e| e.at_checkpoint(size))?;
        if tree.root_at(size)? != seen.checkpoint.root {
            return Err(LedgerError::CheckpointMismatch { size, since: 0 }.at_checkpoint(size));
        }
    }
    if let Some((index, id)) = state.unexplained_missing_bodies().first() {
        return Err(LedgerError::BodyMissing.at_op(*index, *id));
    }
    report.root = tree.root();
    report.witnessing = state.witnessing();
    report.pending_proposals = state.pending_proposals().len();
    Ok(report)
}

type Prepared = Result<(SignedHeader, Option<Body>), LedgerError>;

fn prepare_parallel(raws: &[StoredOp], first: u64, threads: usize) -> Vec<Prepared> {
    if threads == 1 || raws.len() < 2 * BATCH {
        return prepare(raws, first);
    }
    let per = raws.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = raws
            .chunks(per)
            .enumerate()
            .map(|(t, part)| s.spawn(move || prepare(part, first + (t * per) as u64)))
            .collect();
        let mut out = Vec::with_capacity(raws.len());
        for (t, h) in handles.into_iter().enumerate() {
            match h.join() {
                Ok(v) => out.extend(v),
                // A panicking verifier thread is a bug; fail closed on its part.
                Err(_) => {
                    let n = per.min(raws.len() - t * per);
                    out.extend((0..n).map(|i| {
                        let index = first + (t * per + i) as u64;
                        Err(LedgerError::BadSignature {
                            what: "operation header (verifier thread failed)".into(),
                        }
                        .at_op(index, OpId(sha256(&raws[t * per + i].header))))
                    }));
                }
            }
        }
        out
    })
}

/// Decodes headers and bodies, checks body hashes, and verifies signatures in batches.
fn prepare(raws: &[StoredOp], first: u64) -> Vec<Prepared> {
    let mut out: Vec<Prepared> = raws
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let index = first + i as u64;
            let header = SignedHeader::decode(&raw.header)
                .map_err(|e| e.at_op(index, OpId(sha256(&raw.header))))?;
            let body = match &raw.body {
                Some(b) => {
                    Some(check_body_bytes(&header, b).map_err(|e| e.at_op(index, header.id()))?)
                }
                None => None,
            };
            Ok((header, body))
        })
        .collect();
    let decoded: Vec<(usize, &SignedHeader)> = out
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().ok().map(|(h, _)| (i, h)))
        .collect();
    let refs: Vec<&SignedHeader> = decoded.iter().map(|(_, h)| *h).collect();
    let failures: Vec<(usize, LedgerError)> = verify_signatures_one_thread(&refs)
        .into_iter()
        .zip(&decoded)
        .filter_map(|(r, (i, h))| r.err().map(|e| (*i, e.at_op(first + *i as u64, h.id()))))
        .collect();
    for (i, e) in failures {
        out[i] = Err(e);
    }
    out
}

/// Checks one stored checkpoint against the tree and the state at its size; returns
/// whether it reaches the witness quorum.
fn verify_checkpoint(
    size: u64,
    note: &str,
    tree: &MerkleTree,
    state: &CoopState,
    since: u64,
) -> Result<bool, LedgerError> {
    let at = |e: LedgerError| e.at_checkpoint(size);
    let cp = SignedCheckpoint::parse(note).map_err(at)?;
    if cp.checkpoint.size != size
        || cp.checkpoint.origin != crate::checkpoint::origin_for(&state.coop())
    {
        return Err(at(LedgerError::note(
            "checkpoint stored under the wrong size or origin",
        )));
    }
    if cp.checkpoint.root != tree.root() {
        return Err(at(LedgerError::CheckpointMismatch { size, since }));
    }
    cp.verify_operator(&state.operator()).map_err(at)?;
    let cosigs = cp.witness_cosignatures(state.witnesses()).map_err(at)?;
    Ok(log_time(&cosigs, state.witnesses(), state.witness_quorum()).is_some())
}
