//! A replica's batch path: operations pulled from a peer, with the operator's checkpoint
//! over them, verified together and written once.

use super::*;

/// What [`Log::ingest`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    /// How many operations were appended.
    pub appended: u64,
    /// The checkpoint as stored: the operator's signature and the cosignatures that
    /// verified (others are dropped).
    pub checkpoint: SignedCheckpoint,
    /// Evidence the batch revealed (a split view), also kept in the store.
    pub evidence: Option<Evidence>,
}

impl<S: LogStore> Log<S> {
    /// Appends `ops`, which a peer says extend this log to `checkpoint`, exactly as the
    /// operator sequenced them. Everything is checked before anything is written:
    /// the batch starts where this log ends and reaches the checkpoint's size, every
    /// author signature (in a batch, on `threads` threads) and every rule holds, the
    /// tree's root equals the checkpoint's, and the checkpoint is signed by the operator
    /// in effect at its size. Then the operations and the checkpoint (with the
    /// cosignatures that verify) are written in one store write: a refused batch leaves
    /// no trace but the evidence it proves. A checkpoint at a size this log already has
    /// (an empty batch) adds its cosignatures, or is kept as evidence of a split view.
    pub fn ingest(
        &mut self,
        ops: Vec<Operation>,
        checkpoint: &SignedCheckpoint,
        threads: usize,
    ) -> Result<Ingested, LedgerError> {
        let start = self.len();
        let size = checkpoint.checkpoint.size;
        if checkpoint.checkpoint.origin != self.origin {
            return Err(LedgerError::WrongCoop);
        }
        if ops.is_empty() && size <= start {
            return self.ingest_known(checkpoint);
        }
        if size != start + ops.len() as u64 {
            return Err(LedgerError::CheckpointMismatch { size, since: start }.at_checkpoint(size));
        }
        let headers: Vec<&SignedHeader> = ops.iter().map(|o| &o.header).collect();
        let signatures = verify_signatures(&headers, threads);
        let mut state = self.state.clone();
        let old_size = self.tree.size();
        for (i, (op, signature)) in ops.iter().zip(signatures).enumerate() {
            let index = start + i as u64;
            let checked = signature
                .and_then(|()| op.check_body())
                .and_then(|()| state.apply(&op.header, op.body.as_ref()).map(|_| ()));
            if let Err(e) = checked {
                self.tree.truncate(old_size);
                // Evidence is kept when it can be: an equivocation whose first half is in
                // this same batch has nothing stored to pair with, and the batch is
                // refused either way.
                let _ = self.keep_evidence_for(&op.header, &e);
                return Err(e.at_op(index, op.id()));
            }
            self.tree.push_leaf_hash(op.header.leaf_hash());
        }
        if self.tree.root() != checkpoint.checkpoint.root {
            self.tree.truncate(old_size);
            return Err(LedgerError::CheckpointMismatch { size, since: start }.at_checkpoint(size));
        }
        let kept = match trusted_copy(&state, checkpoint) {
            Ok(kept) => kept,
            Err(e) => {
                self.tree.truncate(old_size);
                return Err(e.at_checkpoint(size));
            }
        };
        let to_store: Vec<StoredOp> = ops.iter().map(stored).collect();
        if let Err(e) = self.store.append(&to_store, Some((size, &kept.render()))) {
            self.tree.truncate(old_size);
            return Err(e);
        }
        self.state = state;
        self.checkpoints.insert(size, kept.clone());
        self.witnessed += 1;
        self.note_fresh(size, &kept)?;
        Ok(Ingested {
            appended: ops.len() as u64,
            checkpoint: kept,
            evidence: None,
        })
    }

    /// A checkpoint at a size this log already covers: its cosignatures join ours, or
    /// a different root is kept as evidence.
    fn ingest_known(&mut self, checkpoint: &SignedCheckpoint) -> Result<Ingested, LedgerError> {
        let size = checkpoint.checkpoint.size;
        if let Some(evidence) = self.observe_checkpoint(checkpoint)? {
            return Ok(Ingested {
                appended: 0,
                checkpoint: checkpoint.clone(),
                evidence: Some(evidence),
            });
        }
        if self.tree.root_at(size)? != checkpoint.checkpoint.root {
            return Err(LedgerError::CheckpointMismatch { size, since: size }.at_checkpoint(size));
        }
        let kept = trusted_copy(&self.state, checkpoint).map_err(|e| e.at_checkpoint(size))?;
        if !self.checkpoints.contains_key(&size) {
            self.store.put_checkpoint(size, &kept.render())?;
            self.checkpoints.insert(size, kept.clone());
            self.witnessed += 1;
        }
        let witnesses = self.witnesses_at(size);
        for cosig in valid_cosignatures(&kept, &witnesses) {
            self.add_cosignature(size, &cosig)?;
        }
        Ok(Ingested {
            appended: 0,
            checkpoint: self.checkpoints[&size].clone(),
            evidence: None,
        })
    }

    fn witnesses_at(&self, size: u64) -> Vec<[u8; 32]> {
        self.state
            .keys_at(size)
            .map(|k| k.witnesses.clone())
            .unwrap_or_default()
    }

    /// Records a stored checkpoint's cosignatures as the witnesses' newest, where newer.
    fn note_fresh(&mut self, size: u64, checkpoint: &SignedCheckpoint) -> Result<(), LedgerError> {
        for cosig in valid_cosignatures(checkpoint, &self.witnesses_at(size)) {
            self.remember_fresh(size, &cosig)?;
        }
        Ok(())
    }
}

/// The cosignatures of `checkpoint` that verify for one of `witnesses`, one per witness;
/// a line that does not verify is left out (it proves nothing against anyone).
fn valid_cosignatures(checkpoint: &SignedCheckpoint, witnesses: &[[u8; 32]]) -> Vec<Cosignature> {
    witnesses
        .iter()
        .filter_map(|w| {
            checkpoint
                .witness_cosignatures(std::slice::from_ref(w))
                .ok()?
                .into_iter()
                .next()
        })
        .collect()
}

/// `checkpoint` as this log keeps it: it must carry a valid signature of the operator
/// in effect at its size (per `state`); only that signature and the cosignatures that
/// verify are kept.
fn trusted_copy(
    state: &CoopState,
    checkpoint: &SignedCheckpoint,
) -> Result<SignedCheckpoint, LedgerError> {
    let size = checkpoint.checkpoint.size;
    let keys = state.keys_at(size);
    let operator = keys.map_or(state.operator(), |k| k.operator);
    checkpoint.verify_operator(&operator)?;
    let origin = &checkpoint.checkpoint.origin;
    let mut kept = SignedCheckpoint {
        checkpoint: checkpoint.checkpoint.clone(),
        signatures: checkpoint
            .signatures
            .iter()
            .filter(|s| s.is_from_ed25519(origin, &operator))
            .cloned()
            .collect(),
    };
    let witnesses = keys.map(|k| k.witnesses.clone()).unwrap_or_default();
    for cosig in valid_cosignatures(checkpoint, &witnesses) {
        kept.add_cosignature(&cosig);
    }
    Ok(kept)
}
