//! Witnessing over the network: the operator asks each witness to cosign its newest
//! checkpoint, with a consistency proof from the checkpoint that witness cosigned last;
//! a witness cosigns only consistent extensions, and answers a split view or an
//! inconsistent checkpoint with evidence instead.

use std::sync::{Arc, Mutex};

use datacoop_ledger::{
    Cosignature, LedgerError, Log, LogStore, Operation, SignedCheckpoint, Witness, WitnessOutcome,
};
use iroh::{Endpoint, EndpointAddr};

use crate::NetError;
use crate::log_sync::{LOG_ALPN, LogSource, Request, Response, ask, lock};

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
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        self.inner.batch(from, limit)
    }

    fn submit(&self, op: Operation) -> Result<(u64, SignedCheckpoint), LedgerError> {
        self.inner.submit(op)
    }

    fn cosign(
        &self,
        checkpoint: &SignedCheckpoint,
        from: u64,
        proof: &[[u8; 32]],
    ) -> Result<Response, LedgerError> {
        let mut witness = lock(&self.witness)?;
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
}

/// Asks the witness with key `witness` at `peer` to cosign `log`'s newest checkpoint,
/// and adds its cosignature to the log (which verifies it). Answers the cosignature.
pub async fn request_cosignature<S: LogStore + Send + 'static>(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    log: &Arc<Mutex<Log<S>>>,
    witness: [u8; 32],
) -> Result<Cosignature, NetError> {
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let (checkpoint, mut from) = {
        let log = lock(log)?;
        let checkpoint = log
            .latest_checkpoint()
            .cloned()
            .ok_or(LedgerError::NotFound {
                what: "a checkpoint to cosign".into(),
            })?;
        (checkpoint, log.newest_cosigned_size(&witness).unwrap_or(0))
    };
    let size = checkpoint.checkpoint.size;
    // At most twice: once from what this log knows, once from what the witness says.
    for _ in 0..2 {
        let proof = lock(log)?.consistency_proof(from, size)?;
        let request = Request::Cosign {
            checkpoint: checkpoint.render(),
            from,
            proof,
        };
        match ask(&connection, &request).await? {
            Response::Cosigned(line) => {
                connection.close(0u32.into(), b"cosigned");
                let cosig = Cosignature::parse_line(&line, witness)?;
                lock(log)?.add_cosignature(size, &cosig)?;
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
