//! The log as one node holds it: store, tree, state and checkpoints. The operator uses it
//! to sequence operations and sign checkpoints; every node uses it to serve proofs.

use std::collections::BTreeMap;

use ed25519_consensus::SigningKey;

use crate::LedgerError;
use crate::body::{Body, KeyBytes};
use crate::checkpoint::{Checkpoint, SignedCheckpoint, origin_for};
use crate::consent::ConsentRecord;
use crate::encoding::Hash;
use crate::evidence::Evidence;
use crate::op::{OpId, Operation, SignedHeader, check_body_bytes};
use crate::proof::{CoopKeys, ProofBundle};
use crate::state::{Applied, CoopState, View};
use crate::store::{LogStore, StoredOp};
use crate::tree::MerkleTree;
use crate::verify::verify_signatures;
use crate::witness::{Cosignature, log_time};

mod ingest;
mod submissions;

pub use ingest::Ingested;
pub use submissions::Submitted;

/// What [`Log::sequence`] did with a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceOutcome {
    /// Accepted operations: (index, id).
    pub appended: Vec<(u64, OpId)>,
    /// Rejected operations with the reason.
    pub rejected: Vec<(OpId, LedgerError)>,
    /// The checkpoint signed over the batch (None if the batch replaced the operator).
    pub checkpoint: Option<SignedCheckpoint>,
}

/// A node's copy of the log.
#[derive(Debug)]
pub struct Log<S: LogStore> {
    store: S,
    tree: MerkleTree,
    state: CoopState,
    checkpoints: BTreeMap<u64, SignedCheckpoint>,
    origin: String,
    last_checkpoint_at: Option<u64>,
    /// Each witness's newest cosignature (and the size it cosigned): "now" by log time.
    fresh: BTreeMap<[u8; 32], (u64, Cosignature)>,
    /// Counts changes to the checkpoints and cosignatures (see [`Log::witnessed_changes`]).
    witnessed: u64,
}

impl<S: LogStore> Log<S> {
    /// Starts a new log in an empty store with its genesis operation.
    pub fn create(store: S, genesis: Operation) -> Result<Self, LedgerError> {
        Self::create_as(store, genesis, View::Full)
    }

    /// [`Log::create`] for a replica holding `view` of the log (a trainer's is given
    /// some operations without their body).
    pub fn create_as(mut store: S, genesis: Operation, view: View) -> Result<Self, LedgerError> {
        if !store.is_empty()? {
            return Err(LedgerError::Store {
                detail: "cannot create a log in a non-empty store".into(),
            });
        }
        genesis
            .header
            .verify_signature()
            .map_err(|e| e.at_op(0, genesis.id()))?;
        genesis.check_body().map_err(|e| e.at_op(0, genesis.id()))?;
        let mut state = CoopState::new_as(view);
        state
            .apply(&genesis.header, genesis.body.as_ref())
            .map_err(|e| e.at_op(0, genesis.id()))?;
        let mut tree = MerkleTree::new();
        tree.push_leaf_hash(genesis.header.leaf_hash());
        store.append(&[stored(&genesis)], None)?;
        let origin = origin_for(&state.coop());
        Ok(Log {
            store,
            tree,
            state,
            checkpoints: BTreeMap::new(),
            witnessed: 0,
            origin,
            last_checkpoint_at: None,
            fresh: BTreeMap::new(),
        })
    }

    /// Opens an existing log, replaying it (signatures are checked by [`crate::verify_log`],
    /// not here). Fails if the store is shorter than a stored checkpoint, or disagrees
    /// with one.
    pub fn open(store: S) -> Result<Self, LedgerError> {
        Self::open_as(store, View::Full)
    }

    /// [`Log::open`] for a replica holding `view` of the log.
    pub fn open_as(store: S, view: View) -> Result<Self, LedgerError> {
        let len = store.len()?;
        let mut tree = MerkleTree::new();
        let mut state = CoopState::new_as(view);
        for index in 0..len {
            let raw = store.get(index)?;
            let header = SignedHeader::decode(&raw.header)
                .map_err(|e| e.at_op(index, OpId(crate::encoding::sha256(&raw.header))))?;
            let body = match &raw.body {
                Some(b) => {
                    Some(check_body_bytes(&header, b).map_err(|e| e.at_op(index, header.id()))?)
                }
                None => None,
            };
            state
                .apply(&header, body.as_ref())
                .map_err(|e| e.at_op(index, header.id()))?;
            tree.push_leaf_hash(header.leaf_hash());
        }
        let mut checkpoints = BTreeMap::new();
        for (size, note) in store.checkpoints()? {
            let cp = SignedCheckpoint::parse(&note).map_err(|e| e.at_checkpoint(size))?;
            if size > len {
                return Err(LedgerError::Truncated {
                    have: len,
                    seen: size,
                });
            }
            if cp.checkpoint.size != size || tree.root_at(size)? != cp.checkpoint.root {
                return Err(LedgerError::CheckpointMismatch { size, since: 0 }.at_checkpoint(size));
            }
            checkpoints.insert(size, cp);
        }
        if len == 0 {
            return Err(LedgerError::NotFound {
                what: "genesis".into(),
            });
        }
        let origin = origin_for(&state.coop());
        // A newest cosignature is kept only if it still verifies over its checkpoint (a
        // damaged one is dropped: the witness's next cosignature replaces it).
        let mut fresh = BTreeMap::new();
        for (witness, size, line) in store.fresh_cosignatures()? {
            let cosig = Cosignature::parse_line(&line, witness)?;
            let verifies = checkpoints
                .get(&size)
                .is_some_and(|cp: &SignedCheckpoint| cosig.verify(&cp.checkpoint).is_ok());
            if verifies {
                fresh.insert(witness, (size, cosig));
            }
        }
        Ok(Log {
            store,
            tree,
            state,
            checkpoints,
            witnessed: 0,
            origin,
            last_checkpoint_at: None,
            fresh,
        })
    }

    /// The state after the last operation.
    pub fn state(&self) -> &CoopState {
        &self.state
    }
    /// The tree.
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }
    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }
    /// The store, mutably (tools and tests).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }
    /// Gives the store back.
    pub fn into_store(self) -> S {
        self.store
    }
    /// Number of operations.
    pub fn len(&self) -> u64 {
        self.tree.size()
    }
    /// Whether the log is empty (never true after create/open).
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
    /// The checkpoint origin line.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// How many times the checkpoints and cosignatures this log holds changed since it
    /// was opened: what [`Log::newest_quorum_size`] and [`Log::now`] read can only differ
    /// when this did (or the log grew), so callers recompute them only then.
    pub fn witnessed_changes(&self) -> u64 {
        self.witnessed
    }

    /// Stored checkpoints by size.
    pub fn checkpoints(&self) -> &BTreeMap<u64, SignedCheckpoint> {
        &self.checkpoints
    }
    /// The newest checkpoint.
    pub fn latest_checkpoint(&self) -> Option<&SignedCheckpoint> {
        self.checkpoints.values().next_back()
    }

    /// The operation at `index` (body None if erased).
    pub fn operation(&self, index: u64) -> Result<Operation, LedgerError> {
        let raw = self.store.get(index)?;
        let header = SignedHeader::decode(&raw.header)?;
        let body = match &raw.body {
            Some(b) => Some(check_body_bytes(&header, b)?),
            None => None,
        };
        Ok(Operation { header, body })
    }

    /// The operation at `index` as trainer `trainer` may see it: without its body unless
    /// [`CoopState::readable_by`] says the trainer may read it (decided on this log's
    /// whole state, so a withdrawal of a consent behind a later release is readable).
    pub fn operation_for_trainer(
        &self,
        index: u64,
        trainer: &KeyBytes,
    ) -> Result<Operation, LedgerError> {
        let mut op = self.operation(index)?;
        if let Some(body) = &op.body
            && !self.state.readable_by(trainer, &op.header, body)
        {
            op.body = None;
        }
        Ok(op)
    }

    /// The index of an operation by id.
    pub fn index_of(&self, id: &OpId) -> Result<u64, LedgerError> {
        self.state
            .index_of(id)
            .ok_or_else(|| LedgerError::NotFound {
                what: format!("operation {id}"),
            })
    }

    /// Sequence number and previous operation the next operation by `author` must use.
    /// A node reads this from the log before signing, so a restored backup never reuses
    /// a sequence number.
    pub fn next_for(&self, author: &[u8; 32]) -> (u64, Option<OpId>) {
        self.state.next_for(author)
    }

    /// Signs a new operation by `key` with the right sequence number and previous id.
    pub fn make_operation(&self, key: &SigningKey, body: Body, claimed_time: u64) -> Operation {
        let (seq, prev) = self.next_for(&key.verification_key().to_bytes());
        Operation::new(key, self.state.coop(), seq, prev, claimed_time, body)
    }

    /// Verifies and appends one operation (no checkpoint). Returns its index.
    pub fn append(&mut self, op: Operation) -> Result<(u64, Applied), LedgerError> {
        let index = self.len();
        let at = |e: LedgerError| e.at_op(index, op.id());
        op.header.verify_signature().map_err(at)?;
        op.check_body().map_err(at)?;
        self.check_window(&op).map_err(at)?;
        let applied = match self.state.apply(&op.header, op.body.as_ref()) {
            Ok(a) => a,
            Err(e) => {
                self.keep_evidence_for(&op.header, &e)?;
                return Err(at(e));
            }
        };
        if let Err(e) = self.store.append(&[stored(&op)], None) {
            // Keep memory in line with the store: rebuild the state from it.
            self.state = Log::open_state(&self.store)?;
            return Err(e);
        }
        self.tree.push_leaf_hash(op.header.leaf_hash());
        Ok((index, applied))
    }

    /// Turns a refused, correctly signed operation into kept evidence when it proves
    /// misbehaviour (equivocation or a sequence gap).
    fn keep_evidence_for(
        &mut self,
        header: &SignedHeader,
        error: &LedgerError,
    ) -> Result<(), LedgerError> {
        let evidence = match error {
            LedgerError::Equivocation { other, .. } => {
                let first = self.store.get(self.index_of(other)?)?.header;
                Evidence::Equivocation {
                    first,
                    second: header.as_bytes().to_vec(),
                }
            }
            LedgerError::SequenceGap { expected, .. } => Evidence::SequenceGap {
                header: header.as_bytes().to_vec(),
                expected: *expected,
            },
            _ => return Ok(()),
        };
        self.store.add_evidence(&evidence)
    }

    /// Checks a checkpoint seen elsewhere (gossip, a witness, a trainer) against this
    /// log: a different root at a size this node has signed checkpoints for, or at a
    /// size its tree covers, is kept as evidence and returned.
    pub fn observe_checkpoint(
        &mut self,
        seen: &SignedCheckpoint,
    ) -> Result<Option<Evidence>, LedgerError> {
        let size = seen.checkpoint.size;
        if seen.checkpoint.origin != self.origin {
            return Err(LedgerError::WrongCoop);
        }
        let operator = self
            .state
            .keys_at(size)
            .map_or(self.state.operator(), |k| k.operator);
        seen.verify_operator(&operator)?;
        let evidence = if let Some(ours) = self.checkpoints.get(&size) {
            (ours.checkpoint.root != seen.checkpoint.root).then(|| Evidence::SplitView {
                first: ours.render(),
                second: seen.render(),
            })
        } else if size <= self.len() && self.tree.root_at(size)? != seen.checkpoint.root {
            // Not a prefix of this log: pair it with our next signed checkpoint.
            self.checkpoints.range(size..).next().map(|(_, ours)| {
                Evidence::InconsistentCheckpoints {
                    older: seen.render(),
                    newer: ours.render(),
                    reason: format!("root at size {size} differs from this log's"),
                }
            })
        } else {
            None
        };
        if let Some(e) = &evidence {
            self.store.add_evidence(e)?;
        }
        Ok(evidence)
    }

    /// Evidence kept so far.
    pub fn evidence(&self) -> Result<Vec<Evidence>, LedgerError> {
        self.store.evidence()
    }

    fn open_state(store: &S) -> Result<CoopState, LedgerError> {
        let mut state = CoopState::new();
        for index in 0..store.len()? {
            let raw = store.get(index)?;
            let header = SignedHeader::decode(&raw.header)?;
            let body = match &raw.body {
                Some(b) => Some(check_body_bytes(&header, b)?),
                None => None,
            };
            state.apply(&header, body.as_ref())?;
        }
        Ok(state)
    }

    /// The operator's batch path: verifies signatures in a batch, applies each operation
    /// (rejecting those that break the rules), and writes the accepted ones together with
    /// a checkpoint over them in one atomic store write.
    pub fn sequence(
        &mut self,
        ops: Vec<Operation>,
        operator: &SigningKey,
        now: u64,
    ) -> Result<SequenceOutcome, LedgerError> {
        self.check_operator(operator)?;
        let headers: Vec<&SignedHeader> = ops.iter().map(|o| &o.header).collect();
        let sig_ok = verify_signatures(&headers, 1);
        let mut appended = Vec::new();
        let mut rejected = Vec::new();
        let mut to_store = Vec::new();
        let old_size = self.tree.size();
        for (op, ok) in ops.iter().zip(sig_ok) {
            // `apply` changes nothing when it fails, so rejected operations leave no trace.
            let result = ok
                .and_then(|()| op.check_body())
                .and_then(|()| self.check_window(op))
                .and_then(|()| self.state.apply(&op.header, op.body.as_ref()));
            match result {
                Ok(_) => {
                    appended.push((self.tree.size(), op.id()));
                    self.tree.push_leaf_hash(op.header.leaf_hash());
                    to_store.push(stored(op));
                }
                Err(e) => rejected.push((op.id(), e)),
            }
        }
        // The operator may have been replaced by this very batch: then the batch is stored
        // without a checkpoint, for the new operator to sign.
        let checkpoint = if self.state.operator() == operator.verification_key().to_bytes() {
            Some(
                Checkpoint {
                    origin: self.origin.clone(),
                    size: self.tree.size(),
                    root: self.tree.root(),
                    extensions: Vec::new(),
                }
                .sign(operator)?,
            )
        } else {
            None
        };
        let note = checkpoint.as_ref().map(|c| (c.checkpoint.size, c.render()));
        if let Err(e) = self
            .store
            .append(&to_store, note.as_ref().map(|(s, n)| (*s, n.as_str())))
        {
            self.tree.truncate(old_size);
            self.state = Log::open_state(&self.store)?;
            return Err(e);
        }
        if let Some(cp) = &checkpoint {
            self.checkpoints.insert(cp.checkpoint.size, cp.clone());
            self.witnessed += 1;
            self.last_checkpoint_at = Some(now);
        }
        // Now that the accepted operations are stored, keep evidence for refused ones.
        for (id, error) in &rejected {
            if let Some(op) = ops.iter().find(|o| o.id() == *id) {
                self.keep_evidence_for(&op.header, error)?;
            }
        }
        Ok(SequenceOutcome {
            appended,
            rejected,
            checkpoint,
        })
    }

    /// Rule sets 6 and 7, where the operator sequences (they need log time, which the
    /// state does not have): a release's window opens at the log time of the approval
    /// that made its request approved, so that approval must be in a quorum checkpoint
    /// first, and a release after the window closed (log time now) is refused.
    fn check_window(&self, op: &Operation) -> Result<(), LedgerError> {
        let Some(Body::Release { terms, .. }) = &op.body else {
            return Ok(());
        };
        let Some(approved_at) = self.state.request_approved_at(&terms.request) else {
            // The state's own check names what is missing.
            return Ok(());
        };
        // Rule set 7: keys are released only inside the window (an inverted window is
        // the body's own error, named by its check).
        if terms.window_end > terms.window_start
            && self.now().is_some_and(|now| now >= terms.window_end)
        {
            return Err(LedgerError::InvalidReference {
                reason: format!(
                    "the request's window closed at {} (log time)",
                    terms.window_end
                ),
            });
        }
        match self.log_time(approved_at) {
            Some(t) if t == terms.window_start => Ok(()),
            Some(t) => Err(LedgerError::InvalidReference {
                reason: format!(
                    "the release's window opens at {}, not at the approval's log time {t}",
                    terms.window_start
                ),
            }),
            None => Err(LedgerError::InvalidReference {
                reason: "the request's approval is not in a quorum checkpoint yet".into(),
            }),
        }
    }

    fn check_operator(&self, operator: &SigningKey) -> Result<(), LedgerError> {
        if operator.verification_key().to_bytes() != self.state.operator() {
            return Err(LedgerError::Unauthorized {
                reason: "this key is not the log operator".into(),
            });
        }
        Ok(())
    }

    /// Signs and stores a checkpoint over the whole log as it is now.
    pub fn sign_checkpoint(
        &mut self,
        operator: &SigningKey,
        now: u64,
    ) -> Result<SignedCheckpoint, LedgerError> {
        self.check_operator(operator)?;
        let size = self.len();
        if let Some(existing) = self.checkpoints.get(&size) {
            self.last_checkpoint_at = Some(now);
            return Ok(existing.clone());
        }
        let cp = Checkpoint {
            origin: self.origin.clone(),
            size,
            root: self.tree.root(),
            extensions: Vec::new(),
        }
        .sign(operator)?;
        self.store.put_checkpoint(size, &cp.render())?;
        self.checkpoints.insert(size, cp.clone());
        self.witnessed += 1;
        self.last_checkpoint_at = Some(now);
        Ok(cp)
    }

    /// The heartbeat: returns a checkpoint to publish if the log grew since the last one
    /// or `interval` seconds passed since the last was published (even when idle, so
    /// witnesses keep cosigning and peers can tell the time). None if nothing is due.
    pub fn heartbeat(
        &mut self,
        operator: &SigningKey,
        now: u64,
        interval: u64,
    ) -> Result<Option<SignedCheckpoint>, LedgerError> {
        let grew = self
            .latest_checkpoint()
            .is_none_or(|c| c.checkpoint.size < self.len());
        let stale = self
            .last_checkpoint_at
            .is_none_or(|t| now.saturating_sub(t) >= interval);
        if grew || stale {
            self.sign_checkpoint(operator, now).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Adds a witness cosignature to the stored checkpoint of its size. A witness's first
    /// cosignature for a size is kept there (so operations' log time never changes); its
    /// newest one, whatever the size, is kept apart for [`Log::now`], so "now" moves in an
    /// idle cooperative whose heartbeat re-cosigns one size. The witness must be in the
    /// witness set in effect at that size.
    pub fn add_cosignature(&mut self, size: u64, cosig: &Cosignature) -> Result<(), LedgerError> {
        let witnesses = self
            .state
            .keys_at(size)
            .map(|e| e.witnesses.clone())
            .unwrap_or_default();
        if !witnesses.contains(&cosig.witness) {
            return Err(LedgerError::Unauthorized {
                reason: "cosigner is not in the witness set".into(),
            });
        }
        let cp = self
            .checkpoints
            .get_mut(&size)
            .ok_or_else(|| LedgerError::NotFound {
                what: format!("checkpoint of size {size}"),
            })?;
        cosig.verify(&cp.checkpoint)?;
        let already = cp
            .witness_cosignatures(std::slice::from_ref(&cosig.witness))?
            .into_iter()
            .next();
        if already.is_none() {
            cp.add_cosignature(cosig);
            let note = cp.render();
            self.store.put_checkpoint(size, &note)?;
            self.witnessed += 1;
        }
        self.remember_fresh(size, cosig)
    }

    /// Keeps `cosig` (over the checkpoint of `size`) as its witness's newest, if it is.
    fn remember_fresh(&mut self, size: u64, cosig: &Cosignature) -> Result<(), LedgerError> {
        let newer = self
            .fresh
            .get(&cosig.witness)
            .is_none_or(|(_, seen)| cosig.timestamp > seen.timestamp);
        if newer {
            let line = cosig.to_note_signature().line();
            self.store
                .put_fresh_cosignature(&cosig.witness, size, &line)?;
            self.fresh.insert(cosig.witness, (size, cosig.clone()));
            self.witnessed += 1;
        }
        Ok(())
    }

    /// The size of the checkpoint `witness` cosigned last, as far as this log knows.
    pub fn newest_cosigned_size(&self, witness: &[u8; 32]) -> Option<u64> {
        self.fresh.get(witness).map(|(size, _)| *size)
    }

    /// Cosigns the newest checkpoint as `witness` if that key is in the witness set (the
    /// node that sequenced it is also a witness), checked consistent with the checkpoint
    /// it cosigned last. Answers whether it cosigned. A checkpoint inconsistent with that
    /// one is refused as evidence: this log changed under its own witness.
    pub fn cosign_own(&mut self, witness: &SigningKey, now: u64) -> Result<bool, LedgerError> {
        let me = witness.verification_key().to_bytes();
        if !self.state.witnesses().contains(&me) {
            return Ok(false);
        }
        let Some(checkpoint) = self.latest_checkpoint().cloned() else {
            return Ok(false);
        };
        let previous = self
            .newest_cosigned_size(&me)
            .and_then(|size| self.checkpoints.get(&size).cloned());
        let proof = match &previous {
            Some(p) if p.checkpoint.size > 0 => {
                self.consistency_proof(p.checkpoint.size, checkpoint.checkpoint.size)?
            }
            _ => Vec::new(),
        };
        let mut own = crate::witness::Witness::new(
            witness.clone(),
            self.origin.clone(),
            self.state.operator(),
            previous,
        );
        match own.cosign(&checkpoint, &proof, now)? {
            crate::witness::WitnessOutcome::Cosigned(cosig) => {
                self.add_cosignature(checkpoint.checkpoint.size, &cosig)?;
                Ok(true)
            }
            crate::witness::WitnessOutcome::Evidence(e) => Err(LedgerError::Evidence {
                summary: e.summary(),
            }),
        }
    }

    /// The newest checkpoint as peers should receive it: with each witness's newest
    /// cosignature of it (the stored note keeps their first ones), so a replica's
    /// [`Log::now`] moves with this log's.
    pub fn checkpoint_to_share(&self) -> Option<SignedCheckpoint> {
        let mut cp = self.latest_checkpoint()?.clone();
        let size = cp.checkpoint.size;
        for (fresh_size, cosig) in self.fresh.values() {
            if *fresh_size == size {
                cp.add_cosignature(cosig);
            }
        }
        Some(cp)
    }

    /// "Now" by log time: the newest time a witness quorum has attested, from each
    /// witness's newest cosignature (of the witness set and quorum in effect at the
    /// newest checkpoint; the same lower-median rule as operations' log time). None until
    /// a quorum has cosigned. Expiry and the stale-checkpoint rule read this, never a
    /// local clock.
    pub fn now(&self) -> Option<u64> {
        let size = self.latest_checkpoint()?.checkpoint.size;
        let keys = self.state.keys_at(size)?;
        let newest: Vec<Cosignature> = self.fresh.values().map(|(_, c)| c.clone()).collect();
        log_time(&newest, &keys.witnesses, keys.quorum)
    }

    /// Inclusion proof for `index` in the tree of `size`.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        self.tree.inclusion_proof(index, size)
    }

    /// Consistency proof from `old` to `new` size.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, LedgerError> {
        self.tree.consistency_proof(old, new)
    }

    /// The first checkpoint containing `index` that reaches the witness quorum.
    /// Witnesses and quorum are those in effect at each checkpoint's size.
    pub fn first_quorum_checkpoint(&self, index: u64) -> Option<(&SignedCheckpoint, u64)> {
        self.checkpoints.range(index + 1..).find_map(|(size, cp)| {
            let keys = self.state.keys_at(*size)?;
            let cosigs = cp.witness_cosignatures(&keys.witnesses).ok()?;
            log_time(&cosigs, &keys.witnesses, keys.quorum).map(|t| (cp, t))
        })
    }

    /// The size of the newest checkpoint that reaches the witness quorum: every operation
    /// below it has a log time. 0 when none does.
    pub fn newest_quorum_size(&self) -> u64 {
        self.checkpoints
            .iter()
            .rev()
            .find_map(|(size, cp)| {
                let keys = self.state.keys_at(*size)?;
                let cosigs = cp.witness_cosignatures(&keys.witnesses).ok()?;
                log_time(&cosigs, &keys.witnesses, keys.quorum).map(|_| *size)
            })
            .unwrap_or(0)
    }

    /// The keys a verifier needs for a proof bundle from this log (those in effect at
    /// the bundle's checkpoint size).
    pub fn keys_for(&self, bundle: &ProofBundle) -> CoopKeys {
        CoopKeys::at(&self.state, bundle.checkpoint.checkpoint.size)
    }

    /// Log time of an operation: from the first quorum checkpoint containing it. None
    /// until such a checkpoint exists.
    pub fn log_time(&self, index: u64) -> Option<u64> {
        self.first_quorum_checkpoint(index).map(|(_, t)| t)
    }

    /// A proof bundle (receipt) for the operation at `index`: the first quorum
    /// checkpoint containing it, else the newest checkpoint containing it.
    pub fn proof_bundle(&self, index: u64) -> Result<ProofBundle, LedgerError> {
        let cp = match self.first_quorum_checkpoint(index) {
            Some((cp, _)) => cp,
            None => self
                .checkpoints
                .range(index + 1..)
                .next_back()
                .map(|(_, c)| c)
                .ok_or_else(|| LedgerError::NotFound {
                    what: format!("a checkpoint containing operation #{index}"),
                })?,
        };
        let proof = self.tree.inclusion_proof(index, cp.checkpoint.size)?;
        let raw = self.store.get(index)?;
        Ok(ProofBundle {
            index,
            header: raw.header,
            proof,
            checkpoint: cp.clone(),
        })
    }

    /// Erases the body of `index`; an erasure notice naming it must be in the log.
    pub fn erase_body(&mut self, index: u64) -> Result<(), LedgerError> {
        let raw = self.store.get(index)?;
        let header = SignedHeader::decode(&raw.header)?;
        if !self.state.is_erased(&header.id()) {
            return Err(LedgerError::Unauthorized {
                reason: "no erasure notice in the log names this operation".into(),
            });
        }
        self.store.prune_body(index)
    }

    /// The ISO/IEC TS 27560 consent record for a ConsentSet operation.
    pub fn consent_record(&self, id: &OpId) -> Result<ConsentRecord, LedgerError> {
        let index = self.index_of(id)?;
        let op = self.operation(index)?;
        let withdrawal = match self.state.withdrawal_of(id) {
            Some(w) => {
                let wi = self.index_of(&w)?;
                let wop = self.operation(wi)?;
                Some((w, self.log_time(wi), wop.header.header().claimed_time))
            }
            None => None,
        };
        ConsentRecord::from_operation(&op, &self.state, self.log_time(index), withdrawal)
    }
}

fn stored(op: &Operation) -> StoredOp {
    StoredOp {
        header: op.header.as_bytes().to_vec(),
        body: op.body.as_ref().map(Body::encode),
    }
}
