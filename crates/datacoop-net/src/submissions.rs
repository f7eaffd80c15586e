//! Members' submissions waiting for the operator's log. Each request queues its
//! operations and asks the log's owner to sequence "whatever is queued": the first such
//! call to run takes every submission that arrived while the log was busy, so a burst
//! from many members is sequenced in one batch under one checkpoint (DESIGN.md: a
//! checkpoint per batch), and the others find the queue empty.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use datacoop_ledger::{LedgerError, Operation, SignedCheckpoint};

use crate::log_sync::lock;

/// Where one submission landed: the index of its first operation and the checkpoint over it.
pub type Landed = Result<(u64, SignedCheckpoint), LedgerError>;

/// The per-submission answers of one batch, and the checkpoint over it (see
/// [`datacoop_ledger::Submitted`]).
pub type BatchOutcome = (Vec<Result<u64, LedgerError>>, Option<SignedCheckpoint>);

struct Waiting {
    ops: Vec<Operation>,
    answer: SyncSender<Landed>,
}

/// Submissions queued for sequencing.
#[derive(Default)]
pub struct Submissions {
    waiting: Mutex<Vec<Waiting>>,
}

impl std::fmt::Debug for Submissions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submissions").finish_non_exhaustive()
    }
}

/// A queued submission's answer, to wait for once the log has been asked to sequence.
#[derive(Debug)]
pub struct Queued(Receiver<Landed>);

impl Queued {
    /// Waits for where the submission landed.
    pub fn wait(self) -> Landed {
        self.0.recv().unwrap_or_else(|_| {
            Err(LedgerError::Store {
                detail: "the log stopped before sequencing the submission".into(),
            })
        })
    }
}

impl Submissions {
    /// Queues `ops` (in the order they are to be sequenced).
    pub fn queue(&self, ops: Vec<Operation>) -> Result<Queued, LedgerError> {
        let (answer, wait) = sync_channel(1);
        lock(&self.waiting)?.push(Waiting { ops, answer });
        Ok(Queued(wait))
    }

    /// Takes every queued submission and sequences them together with `sequence` (which
    /// gets each submission's operations and answers per submission, with the batch's
    /// checkpoint), then answers each submitter. Does nothing when the queue is empty
    /// (another call took it).
    pub fn sequence_queued(
        &self,
        sequence: impl FnOnce(Vec<Vec<Operation>>) -> Result<BatchOutcome, LedgerError>,
    ) -> Result<(), LedgerError> {
        let taken = std::mem::take(&mut *lock(&self.waiting)?);
        if taken.is_empty() {
            return Ok(());
        }
        let (ops, answers): (Vec<_>, Vec<_>) = taken.into_iter().map(|w| (w.ops, w.answer)).unzip();
        match sequence(ops) {
            Ok((landed, checkpoint)) => {
                for (answer, landed) in answers.into_iter().zip(landed) {
                    let landed = landed.and_then(|index| match &checkpoint {
                        Some(checkpoint) => Ok((index, checkpoint.clone())),
                        None => Err(LedgerError::Unauthorized {
                            reason: "the batch replaced the operator; the new one signs it".into(),
                        }),
                    });
                    // A submitter that stopped waiting needs no answer.
                    let _ = answer.send(landed);
                }
            }
            Err(e) => {
                for answer in answers {
                    let _ = answer.send(Err(e.clone()));
                }
            }
        }
        Ok(())
    }

    /// Answers every queued submission with `error` (the log could not be reached, so
    /// no call will sequence them).
    pub fn fail_queued(&self, error: &LedgerError) {
        if let Ok(mut waiting) = self.waiting.lock() {
            for w in waiting.drain(..) {
                let _ = w.answer.send(Err(error.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(n: u8) -> Operation {
        let key = ed25519_consensus::SigningKey::from([n; 32]);
        let genesis = datacoop_ledger::Genesis::new(
            "Runners",
            vec![key.verification_key().to_bytes()],
            key.verification_key().to_bytes(),
        );
        Operation::genesis(&key, genesis, 1_700_000_000).unwrap()
    }

    #[test]
    fn one_call_sequences_everything_queued_and_later_calls_find_nothing() {
        let queue = Submissions::default();
        let first = queue.queue(vec![op(1)]).unwrap();
        let second = queue.queue(vec![op(2), op(3)]).unwrap();
        let mut seen = Vec::new();
        queue
            .sequence_queued(|submissions| {
                seen = submissions.iter().map(Vec::len).collect();
                Ok((
                    vec![
                        Ok(7),
                        Err(LedgerError::Unauthorized {
                            reason: "refused".into(),
                        }),
                    ],
                    None,
                ))
            })
            .unwrap();
        assert_eq!(seen, vec![1, 2], "both submissions in one batch, in order");
        // No checkpoint (the batch replaced the operator): a landed submission says so.
        assert!(first.wait().unwrap_err().to_string().contains("new one"));
        assert!(second.wait().unwrap_err().to_string().contains("refused"));
        let mut called = false;
        queue
            .sequence_queued(|_| {
                called = true;
                Ok((Vec::new(), None))
            })
            .unwrap();
        assert!(!called, "an empty queue sequences nothing");
    }

    #[test]
    fn a_log_that_cannot_be_reached_fails_what_is_queued() {
        let queue = Submissions::default();
        let waiting = queue.queue(vec![op(1)]).unwrap();
        queue.fail_queued(&LedgerError::Store {
            detail: "gone".into(),
        });
        assert!(waiting.wait().unwrap_err().to_string().contains("gone"));
    }
}
