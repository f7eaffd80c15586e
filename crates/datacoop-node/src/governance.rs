//! Governance: a steward proposes a change (with its own approval, in one batch) and the
//! change takes effect at the k-th steward's approval in log order. Proposals travel like
//! any operation: a steward's node that is not the operator submits them.
//!
//! Replacing the operator is left out (a later issue: it needs the successor's first
//! checkpoint cosigned on an agreed base).

use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{Body, Change, CoopState, OpId, Operation};
use serde::{Deserialize, Serialize};

use crate::NodeError;
use crate::coop::Ledger;

/// A change a steward can propose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ProposedChange {
    /// Makes a member a steward.
    AddSteward {
        /// Identity id or unique prefix (8+ hex digits).
        id: String,
    },
    /// Removes a steward.
    RemoveSteward {
        /// Identity id or unique prefix.
        id: String,
    },
    /// Sets how many steward approvals governance and requests need (k).
    Threshold {
        /// The new k.
        k: u32,
    },
    /// Replaces the witness set and its quorum.
    Witnesses {
        /// The witnesses' identity ids or unique prefixes.
        ids: Vec<String>,
        /// Cosignatures a checkpoint needs.
        quorum: u32,
    },
    /// Sets the witness quorum (q).
    WitnessQuorum {
        /// The new q.
        q: u32,
    },
}

/// A governance proposal and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProposalView {
    /// The proposal operation's id.
    pub id: String,
    /// What it changes, in words.
    pub summary: String,
    /// Stewards who approved it (identity ids), in log order.
    pub approved_by: Vec<String>,
    /// Approvals that count, of `needed`.
    pub approvals: u32,
    /// Approvals it needs (k).
    pub needed: u32,
    /// Whether the asking steward approved it.
    pub approved_by_me: bool,
}

/// The participant (steward, member or trainer) `given` names: a full identity id or a
/// unique prefix of 8+ hex digits.
pub fn resolve_participant(state: &CoopState, given: &str) -> Result<[u8; 32], NodeError> {
    let given = given.trim().to_ascii_lowercase();
    let bad = |reason: &str| NodeError::BadId {
        given: given.clone(),
        reason: reason.into(),
    };
    if given.len() < 8 || !given.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("give 8 or more hex digits of an identity id"));
    }
    let mut found = state
        .stewards()
        .iter()
        .chain(state.members().keys())
        .filter(|key| hex::encode(key).starts_with(&given))
        .copied()
        .collect::<Vec<_>>();
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(bad("nobody in the cooperative has this id")),
        _ => Err(bad("more than one participant has this prefix")),
    }
}

fn short(key: &[u8; 32]) -> String {
    hex::encode(&key[..4])
}

/// A change in words, naming people by the start of their id.
pub fn describe(change: &Change) -> String {
    match change {
        Change::AddSteward(k) => format!("make {} a steward", short(k)),
        Change::RemoveSteward(k) => format!("remove steward {}", short(k)),
        Change::SetThreshold(k) => format!("require {k} steward approval(s)"),
        Change::SetWitnesses { witnesses, quorum } => format!(
            "witnesses {} with quorum {quorum}",
            witnesses.iter().map(short).collect::<Vec<_>>().join(", ")
        ),
        Change::SetWitnessQuorum(q) => format!("witness quorum {q}"),
        Change::SetOperator(k) => format!("make {} the log operator", short(k)),
        Change::RemoveMember(k) => format!("remove member {}", short(k)),
    }
}

impl Ledger {
    /// The ledger's change for `proposed`, with the identities it names resolved.
    pub fn change_for(&self, proposed: &ProposedChange) -> Result<Change, NodeError> {
        let state = self.state();
        Ok(match proposed {
            ProposedChange::AddSteward { id } => {
                let who = resolve_participant(state, id)?;
                if state.members().get(&who) == Some(&Role::Trainer) {
                    return Err(NodeError::Ledger(
                        datacoop_ledger::LedgerError::InvalidGovernance {
                            reason: "a trainer cannot be a steward of the same cooperative".into(),
                        },
                    ));
                }
                Change::AddSteward(who)
            }
            ProposedChange::RemoveSteward { id } => {
                Change::RemoveSteward(resolve_participant(state, id)?)
            }
            ProposedChange::Threshold { k } => Change::SetThreshold(*k),
            ProposedChange::Witnesses { ids, quorum } => Change::SetWitnesses {
                witnesses: ids
                    .iter()
                    .map(|id| resolve_participant(state, id))
                    .collect::<Result<_, _>>()?,
                quorum: *quorum,
            },
            ProposedChange::WitnessQuorum { q } => Change::SetWitnessQuorum(*q),
        })
    }

    /// A proposal of `change` by `identity` and its own approval, signed in order.
    pub fn proposal_ops(
        &self,
        identity: &Identity,
        change: Change,
        now: u64,
    ) -> Result<Vec<Operation>, NodeError> {
        let mut ops = self.prepare(identity, vec![Body::Proposal { change }], now)?;
        let proposal = ops
            .first()
            .map(Operation::id)
            .ok_or_else(|| NodeError::Protocol("no proposal was made".into()))?;
        // Checked against the state the proposal leaves, as one batch.
        ops.extend(self.prepare_after(
            identity,
            &ops,
            vec![Body::ProposalApproval { proposal }],
            now,
        )?);
        Ok(ops)
    }

    /// Governance proposals, newest last, as `me` sees them.
    pub fn proposals(&self, me: &[u8; 32]) -> Vec<ProposalView> {
        let state = self.state();
        state
            .pending_proposals()
            .into_iter()
            .map(|(id, change, _)| proposal_view(state, &id, &change, me))
            .collect()
    }

    /// The proposal `id` names (an operation id or unique prefix).
    pub fn proposal_id(&self, id: &str) -> Result<OpId, NodeError> {
        let index = self.resolve(id)?;
        let op = self.log().operation(index)?;
        match op.body {
            Some(Body::Proposal { .. }) => Ok(op.id()),
            _ => Err(NodeError::BadId {
                given: id.to_owned(),
                reason: "this operation is not a proposal".into(),
            }),
        }
    }
}

fn proposal_view(state: &CoopState, id: &OpId, change: &Change, me: &[u8; 32]) -> ProposalView {
    let approvers = state.proposal_approvals(id).unwrap_or_default();
    let counted = approvers.iter().filter(|a| state.is_steward(a)).count();
    ProposalView {
        id: id.to_hex(),
        summary: describe(change),
        approved_by: approvers.iter().map(hex::encode).collect(),
        approvals: u32::try_from(counted).unwrap_or(u32::MAX),
        needed: state.threshold(),
        approved_by_me: approvers.contains(me),
    }
}
