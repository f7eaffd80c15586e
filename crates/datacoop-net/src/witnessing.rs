//! Witnessing over the network: the operator asks each witness to cosign its newest
//! checkpoint, with a consistency proof from the checkpoint that witness cosigned last;
//! a witness cosigns only consistent extensions, and answers a split view or an
//! inconsistent checkpoint with evidence instead.

use std::sync::{Arc, Mutex};

use datacoop_ledger::{
    Cosignature, LedgerError, Operation, SignedCheckpoint, Witness, WitnessOutcome,
};
use iroh::{Endpoint, EndpointAddr};

use crate::NetError;
use crate::log_sync::{LOG_ALPN, LogSource, Request, Response, ask, lock};
use crate::shared::{SharedLog, on_log};

/// A node that is a witness of the log it serves: everything `inner` answers, and
/// cosignatures.
pub struct Witnessing<L> {
    inner: L,
    witness: Mutex<Witness>,
}

impl<L> std::fmt::Debug for Witnessing<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witnessing").finish_non_exhaustive()
    }
}

impl<L: LogSource> Witnessing<L> {
    /// Serves `inner` and cosigns as `witness`.
    pub fn new(inner: L, witness: Witness) -> Self {
        Witnessing {
            inner,
            witness: Mutex::new(witness),
        }
    }
}

impl<L: LogSource> LogSource for Witnessing<L> {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.inner.head()
    }

    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<datacoop_ledger::KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        self.inner.batch(from, limit, trainer)
    }

    fn trainer_of(&self, endpoint: &[u8; 32]) -> Option<datacoop_ledger::KeyBytes> {
        self.inner.trainer_of(endpoint)
    }

    fn pending(&self, asker: &[u8; 32], request: &[u8; 32]) -> Result<Vec<[u8; 32]>, LedgerError> {
        self.inner.pending(asker, request)
    }

    fn submit(&self, ops: Vec<Operation>) -> Result<(u64, SignedCheckpoint), LedgerError> {
        self.inner.submit(ops)
    }

    fn proof(&self, index: u64) -> Result<datacoop_ledger::ProofBundle, LedgerError> {
        self.inner.proof(index)
    }

    fn addresses(&self, endpoints: &[[u8; 32]]) -> Vec<crate::Peer> {
        self.inner.addresses(endpoints)
    }

    fn cosign(
        &self,
        checkpoint: &SignedCheckpoint,
        from: u64,
        proof: &[[u8; 32]],
    ) -> Result<Response, LedgerError> {
        cosign_as(&mut *lock(&self.witness)?, checkpoint, from, proof)
    }
}

/// How `witness` answers a request to cosign `checkpoint`, proven consistent from size
/// `from` by `proof`: a cosignature, the size it needs a proof from, or a refusal with
/// evidence.
pub fn cosign_as(
    witness: &mut Witness,
    checkpoint: &SignedCheckpoint,
    from: u64,
    proof: &[[u8; 32]],
) -> Result<Response, LedgerError> {
    let last = witness.last().map_or(0, |c| c.checkpoint.size);
    if witness.last().is_some() && from != last {
        return Ok(Response::NeedProofFrom(last));
    }
    Ok(
        match witness.cosign(checkpoint, proof, crate::unix_now())? {
            WitnessOutcome::Cosigned(c) => Response::Cosigned(c.to_note_signature().line()),
            WitnessOutcome::Evidence(e) => {
                tracing::warn!("refused to cosign: {}", e.summary());
                Response::Refused(format!("evidence of misbehaviour: {}", e.summary()))
            }
        },
    )
}

/// Asks the witness with key `witness` at `peer` to cosign `log`'s newest checkpoint,
/// and adds its cosignature to the log (which verifies it). Answers the cosignature.
pub async fn request_cosignature<L: SharedLog>(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    log: &Arc<L>,
    witness: [u8; 32],
) -> Result<Cosignature, NetError> {
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let (checkpoint, mut from) = on_log(log, move |log| {
        let checkpoint = log
            .latest_checkpoint()
            .cloned()
            .ok_or(LedgerError::NotFound {
                what: "a checkpoint to cosign".into(),
            })?;
        Ok((checkpoint, log.newest_cosigned_size(&witness).unwrap_or(0)))
    })
    .await?;
    let size = checkpoint.checkpoint.size;
    // At most twice: once from what this log knows, once from what the witness says.
    for _ in 0..2 {
        let proof = on_log(log, move |log| log.consistency_proof(from, size)).await?;
        let request = Request::Cosign {
            checkpoint: checkpoint.render(),
            from,
            proof,
        };
        match ask(&connection, &request).await? {
            Response::Cosigned(line) => {
                connection.close(0u32.into(), b"cosigned");
                let cosig = Cosignature::parse_line(&line, witness)?;
                let added = cosig.clone();
                on_log(log, move |log| log.add_cosignature(size, &added)).await?;
                return Ok(cosig);
            }
            Response::NeedProofFrom(last) if last <= size => from = last,
            Response::Refused(reason) => return Err(NetError::PeerRefused { reason }),
            _ => break,
        }
    }
    Err(NetError::BadAnswer {
        what: "the witness did not cosign or say what it needs".into(),
    })
}
