//! The operator's path for submissions from several members at once: every submission
//! queued while the log was busy is sequenced together, under one checkpoint.

use super::*;

/// What [`Log::sequence_submissions`] did with each submission, and the checkpoint over
/// all of them.
#[derive(Debug)]
pub struct Submitted {
    /// Per submission, in the order given: the index of its first operation, or why an
    /// operation of it was refused (its operations before that one stay on the log).
    pub landed: Vec<Result<u64, LedgerError>>,
    /// The one checkpoint over the batch (None if nothing was appended, or if the batch
    /// replaced the operator: the new one signs it).
    pub checkpoint: Option<SignedCheckpoint>,
}

impl<S: LogStore> Log<S> {
    /// Sequences `submissions` (each one author's operations, in their order) as one
    /// batch: one store write and one checkpoint for all of them. A refused operation
    /// fails its own submission only.
    pub fn sequence_submissions(
        &mut self,
        submissions: Vec<Vec<Operation>>,
        operator: &SigningKey,
        now: u64,
    ) -> Result<Submitted, LedgerError> {
        let owners: Vec<(OpId, usize)> = submissions
            .iter()
            .enumerate()
            .flat_map(|(n, ops)| ops.iter().map(move |op| (op.id(), n)))
            .collect();
        let count = submissions.len();
        let outcome = self.sequence(submissions.into_iter().flatten().collect(), operator, now)?;
        let owner_of = |id: &OpId| owners.iter().find(|(o, _)| o == id).map(|(_, n)| *n);
        let mut first: Vec<Option<u64>> = vec![None; count];
        for (index, id) in &outcome.appended {
            if let Some(n) = owner_of(id) {
                first[n].get_or_insert(*index);
            }
        }
        let mut refused: Vec<Option<LedgerError>> = (0..count).map(|_| None).collect();
        for (id, error) in outcome.rejected {
            if let Some(n) = owner_of(&id) {
                refused[n].get_or_insert(error);
            }
        }
        let landed = first
            .into_iter()
            .zip(refused)
            .map(|(first, refused)| match (refused, first) {
                (Some(error), _) => Err(error),
                (None, Some(index)) => Ok(index),
                (None, None) => Err(LedgerError::Unauthorized {
                    reason: "the submission held no operation".into(),
                }),
            })
            .collect();
        Ok(Submitted {
            landed,
            checkpoint: outcome.checkpoint,
        })
    }
}
