//! The cooperative's state as the log defines it, and the rules every operation must
//! follow to be appended: chains, authority, governance thresholds, references.

use std::collections::{HashMap, HashSet};

use datacoop_core::{Category, Role};

use crate::LedgerError;
use crate::body::{Body, Change, KeyBytes, OpKind, validate_params};
use crate::encoding::{Hash, sha256};
use crate::op::{OpId, SignedHeader};

mod access;
mod holdings;

use access::Access;
pub use access::{
    ConsentTerms, Match, MatchStatus, ReleaseRecord, RequestRecord, Revoked, terms_allow,
};
use holdings::Holdings;
pub use holdings::{AnnouncedBlob, EpochRoot};

/// Whether checkpoints carry independent witness cosignatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witnessing {
    /// One steward: nobody independent cosigns; log time rests on that steward alone.
    Unwitnessed,
    /// Witnessed by `witnesses` with quorum `quorum`.
    Witnessed {
        /// Witness keys.
        witnesses: Vec<KeyBytes>,
        /// Cosignatures needed.
        quorum: u32,
    },
}

/// The log keys in effect from a tree size on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEpoch {
    /// First tree size these keys apply to (checkpoints of at least this size).
    pub from_size: u64,
    /// Log operator.
    pub operator: KeyBytes,
    /// Witness keys.
    pub witnesses: Vec<KeyBytes>,
    /// Witness quorum.
    pub quorum: u32,
}

#[derive(Debug, Clone)]
struct Proposal {
    change: Change,
    approvals: Vec<KeyBytes>,
    effective_at: Option<u64>,
}

/// The rule set [`CoopState::apply`] enforces. Since rule set 2, an access request becomes
/// approved at its k-th distinct approval from a current steward, a denial before that
/// ends it, and a grant is valid only for an approved request (rule set 1 accepted a
/// grant for any request). Rule set 3 also approves a pending request at the
/// governance change that makes its approvals enough (k lowered). Rule set 4
/// adds endpoint announcements and keeps each participant's endpoint. Rule set 5 adds
/// epoch announcements by a dataset's owner (its first announcer). Rule set 6 adds
/// releases: grants authored by the member whose data they unlock, valid only under
/// that member's consent in force. Rule set 7 (this one) lets the releasing member revoke
/// their own release, and adds reports of what serving peers sent a release's trainer.
/// Each accepts every log the one before accepted but for what `docs/LEDGER-NOTES.md`
/// lists; changing a rule bumps this number and says how logs written under the old one
/// verify.
pub const RULES: u32 = 7;

/// Whose view of the log a replica holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// A member's or a steward's: every operation with its body (but erased ones).
    #[default]
    Full,
    /// This trainer's: members' consent records, ask answers, and other trainers'
    /// requests and grants reach it as signed headers without their bodies (see
    /// [`CoopState::readable_by`]). The tree still verifies over every header, and the
    /// rules that would read a withheld body are left to the witnesses, who cosign only
    /// checkpoints of logs they verified in full.
    Trainer(KeyBytes),
}

impl View {
    /// Whether this view holds members' consent records.
    pub fn reads_consents(&self) -> bool {
        matches!(self, View::Full)
    }
}

#[derive(Debug, Clone, Copy)]
struct OpInfo {
    index: u64,
    kind: OpKind,
    author: u32,
}

/// The state after applying a prefix of the log.
#[derive(Debug, Clone, Default)]
pub struct CoopState {
    coop: Hash,
    name: String,
    stewards: Vec<KeyBytes>,
    threshold: u32,
    operator: KeyBytes,
    witnesses: Vec<KeyBytes>,
    witness_quorum: u32,
    members: HashMap<KeyBytes, Role>,
    authors: Vec<KeyBytes>,
    author_ix: HashMap<KeyBytes, u32>,
    chains: Vec<Vec<OpId>>,
    ops: HashMap<OpId, OpInfo>,
    proposals: HashMap<OpId, Proposal>,
    invites: HashMap<OpId, (Hash, Role, bool)>,
    joins: HashMap<OpId, (KeyBytes, Role, KeyBytes)>,
    /// Joins a steward accepted.
    accepted_joins: std::collections::HashSet<OpId>,
    /// Each participant's announced network endpoint, and who each endpoint speaks for.
    endpoints: HashMap<KeyBytes, KeyBytes>,
    endpoint_owners: HashMap<KeyBytes, KeyBytes>,
    datasets: HashMap<Hash, Category>,
    holdings: Holdings,
    withdrawals: HashMap<OpId, OpId>,
    access: Access,
    erased: HashSet<OpId>,
    missing_bodies: HashMap<OpId, u64>,
    epochs: Vec<KeyEpoch>,
    len: u64,
    view: View,
    /// Bodies a trainer's view was not given.
    withheld: u64,
}

/// What applying one operation changed, for callers that react to governance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Nothing beyond recording the operation.
    Recorded,
    /// A governance change took effect with this operation (its k-th approval).
    GovernanceEffective(Change),
}

impl CoopState {
    /// Empty state, before genesis.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empty state of a replica holding `view` of the log.
    pub fn new_as(view: View) -> Self {
        CoopState {
            view,
            ..Self::default()
        }
    }

    /// Whose view of the log this state is built from.
    pub fn view(&self) -> View {
        self.view
    }

    /// How many operations reached this trainer's view without their body.
    pub fn withheld_bodies(&self) -> u64 {
        self.withheld
    }

    /// Whether trainer `trainer` may read `body`, the body of the operation `header`
    /// signs: what a node serving the log sends a trainer in full (everything else
    /// reaches it as the signed header alone). Never members' consent records or ask
    /// answers; never another trainer's requests, approvals, denials, releases or
    /// revocations; a withdrawal only of a consent behind a release to this trainer.
    /// Membership, governance and what members announce of their ciphertext (as stewards
    /// see it) stay readable: the trainer's node needs them to check its releases and to
    /// find the peers that hold them.
    pub fn readable_by(&self, trainer: &KeyBytes, header: &SignedHeader, body: &Body) -> bool {
        let own_request = |request: &OpId| {
            self.access
                .requests
                .get(request)
                .is_some_and(|r| r.trainer == *trainer)
        };
        match body {
            Body::ConsentSet { .. } | Body::AskAnswer { .. } => false,
            Body::ConsentWithdraw { consent } => self
                .access
                .releases_to(trainer)
                .any(|r| r.consent == *consent),
            Body::AccessRequest { .. } => header.header().author == *trainer,
            Body::RequestApproval { request }
            | Body::RequestDenial { request, .. }
            | Body::Grant { request, .. } => own_request(request),
            Body::Release { terms, .. } => own_request(&terms.request),
            Body::Revocation { grant, .. } | Body::PinRelease { grant, .. } => self
                .access
                .release(grant)
                .is_some_and(|r| r.trainer == *trainer),
            Body::Served { release, .. } => self
                .access
                .release(release)
                .is_some_and(|r| r.trainer == *trainer),
            _ => true,
        }
    }

    /// Cooperative id.
    pub fn coop(&self) -> Hash {
        self.coop
    }
    /// Cooperative name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Current stewards.
    pub fn stewards(&self) -> &[KeyBytes] {
        &self.stewards
    }
    /// Current approval threshold k.
    pub fn threshold(&self) -> u32 {
        self.threshold
    }
    /// Current log operator key.
    pub fn operator(&self) -> KeyBytes {
        self.operator
    }
    /// Current witness keys.
    pub fn witnesses(&self) -> &[KeyBytes] {
        &self.witnesses
    }
    /// Current witness quorum q.
    pub fn witness_quorum(&self) -> u32 {
        self.witness_quorum
    }
    /// Operations applied.
    pub fn len(&self) -> u64 {
        self.len
    }
    /// Whether genesis is not applied yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Accepted members and their roles.
    pub fn members(&self) -> &HashMap<KeyBytes, Role> {
        &self.members
    }
    /// The network endpoint `participant` announced (at their join, or later).
    pub fn endpoint_of(&self, participant: &KeyBytes) -> Option<KeyBytes> {
        self.endpoints.get(participant).copied()
    }
    /// The steward, member or trainer endpoint `endpoint` speaks for, if it is one of a
    /// current participant's: the question a node asks before it serves a connection.
    pub fn participant_of_endpoint(&self, endpoint: &KeyBytes) -> Option<KeyBytes> {
        let who = self.endpoint_owners.get(endpoint)?;
        (self.stewards.contains(who) || self.members.contains_key(who)).then_some(*who)
    }
    /// An invite's role and whether a join already used it (None: no such invite).
    pub fn invite_status(&self, invite: &OpId) -> Option<(Role, bool)> {
        self.invites
            .get(invite)
            .map(|(_, role, used)| (*role, *used))
    }
    /// The log index at which access request `request` became approved (its k-th
    /// distinct steward approval), if it has.
    pub fn request_approved_at(&self, request: &OpId) -> Option<u64> {
        self.access
            .requests
            .get(request)
            .and_then(|r| r.approved_at)
    }

    /// Whether access request `request` was denied before it was approved.
    pub fn request_denied(&self, request: &OpId) -> bool {
        self.access
            .requests
            .get(request)
            .is_some_and(|r| r.denied_at.is_some())
    }

    /// An access request and where it stands.
    pub fn access_request(&self, request: &OpId) -> Option<&RequestRecord> {
        self.access.requests.get(request)
    }

    /// Every access request, in log order.
    pub fn access_requests(&self) -> Vec<&RequestRecord> {
        let mut out: Vec<_> = self.access.requests.values().collect();
        out.sort_by_key(|r| r.index);
        out
    }

    /// The approvals of `request` that count: from current stewards.
    pub fn counted_approvals(&self, request: &RequestRecord) -> usize {
        self.current_approvals(request)
    }

    /// The datasets `request` matches (their owner's consent in force allows it), with
    /// where each stands; released ones are always listed.
    pub fn matches(&self, request: &RequestRecord) -> Vec<Match> {
        self.access.matches(
            request,
            |d| self.datasets.get(d).cloned(),
            |d| self.holdings.owner(d),
        )
    }

    /// `member`'s consent in force for `dataset`.
    pub fn consent_in_force(&self, member: &KeyBytes, dataset: &Hash) -> Option<&ConsentTerms> {
        self.access.consent_of(member, dataset)
    }

    /// The owner's answer to an ask-mode question about `request` for `dataset`.
    pub fn ask_answer(&self, request: &OpId, dataset: &Hash) -> Option<bool> {
        self.access.answer_of(request, dataset)
    }

    /// A release on the log.
    pub fn release(&self, release: &OpId) -> Option<&ReleaseRecord> {
        self.access.release(release)
    }

    /// The release whose capability blob has this BLAKE3 hash.
    pub fn release_by_capability(&self, hash: &Hash) -> Option<&ReleaseRecord> {
        self.access.release_by_capability(hash)
    }

    /// The releases to `request`, in log order.
    pub fn releases_of(&self, request: &OpId) -> Vec<&ReleaseRecord> {
        let mut out: Vec<_> = self.access.releases_of(request).collect();
        out.sort_by_key(|r| r.index);
        out
    }

    /// The releases to `trainer`'s requests, in log order.
    pub fn releases_to(&self, trainer: &KeyBytes) -> Vec<&ReleaseRecord> {
        let mut out: Vec<_> = self.access.releases_to(trainer).collect();
        out.sort_by_key(|r| r.index);
        out
    }

    /// Every release, in log order.
    pub fn releases(&self) -> Vec<&ReleaseRecord> {
        let mut out: Vec<_> = self.access.all_releases().collect();
        out.sort_by_key(|r| r.index);
        out
    }

    /// How many of a request's approvals are from current stewards.
    fn current_approvals(&self, request: &RequestRecord) -> usize {
        request
            .approvals
            .iter()
            .filter(|a| self.stewards.contains(a))
            .count()
    }

    /// Rule set 3: a governance change that makes a pending request's approvals enough
    /// (a lower k) approves it, at that change. Without this, a request every current
    /// steward had already approved could never become approved.
    fn approve_requests_with_enough(&mut self, index: u64) {
        let threshold = self.threshold as usize;
        let stewards = &self.stewards;
        for request in self.access.requests.values_mut() {
            let counted = request
                .approvals
                .iter()
                .filter(|a| stewards.contains(a))
                .count();
            if request.approved_at.is_none() && request.denied_at.is_none() && counted >= threshold
            {
                request.approved_at = Some(index);
            }
        }
    }

    fn request(&self, request: &OpId) -> Result<&RequestRecord, LedgerError> {
        self.access
            .requests
            .get(request)
            .ok_or_else(|| LedgerError::InvalidReference {
                reason: "unknown request".into(),
            })
    }

    /// The request `request`, if it is approved; else why not.
    fn approved_request(&self, request: &OpId) -> Result<&RequestRecord, LedgerError> {
        self.info(request, OpKind::AccessRequest, "request")?;
        let state = self.request(request)?;
        if state.approved_at.is_none() {
            return Err(LedgerError::InvalidGovernance {
                reason: if state.denied_at.is_some() {
                    "the request was denied".into()
                } else {
                    format!(
                        "the request has {} of the {} steward approvals it needs",
                        self.current_approvals(state),
                        self.threshold
                    )
                },
            });
        }
        Ok(state)
    }

    /// Checks that `grant` names a grant (rule set 1) or a release (rule set 6).
    fn grant_or_release(&self, grant: &OpId) -> Result<(), LedgerError> {
        match self.kind_of(grant) {
            Some(OpKind::Release) => Ok(()),
            _ => self.info(grant, OpKind::Grant, "grant").map(|_| ()),
        }
    }

    /// Whether `key` is a steward.
    pub fn is_steward(&self, key: &KeyBytes) -> bool {
        self.stewards.contains(key)
    }
    /// The operator, witnesses and quorum that apply to a checkpoint of `size`.
    pub fn keys_at(&self, size: u64) -> Option<&KeyEpoch> {
        self.epochs
            .iter()
            .rev()
            .find(|e| e.from_size <= size)
            .or(self.epochs.first())
    }
    /// Every key epoch, oldest first.
    pub fn key_epochs(&self) -> &[KeyEpoch] {
        &self.epochs
    }
    /// Witnessed or not (one steward: unwitnessed).
    pub fn witnessing(&self) -> Witnessing {
        if self.stewards.len() <= 1 || self.witnesses.len() <= 1 {
            Witnessing::Unwitnessed
        } else {
            Witnessing::Witnessed {
                witnesses: self.witnesses.clone(),
                quorum: self.witness_quorum,
            }
        }
    }
    /// Index of an operation in the log.
    pub fn index_of(&self, id: &OpId) -> Option<u64> {
        self.ops.get(id).map(|i| i.index)
    }
    /// Kind of an operation in the log.
    pub fn kind_of(&self, id: &OpId) -> Option<OpKind> {
        self.ops.get(id).map(|i| i.kind)
    }
    /// The next sequence number and previous operation for `author`.
    pub fn next_for(&self, author: &KeyBytes) -> (u64, Option<OpId>) {
        match self.author_ix.get(author) {
            Some(&i) => {
                let chain = &self.chains[i as usize];
                (chain.len() as u64, chain.last().copied())
            }
            None => (0, None),
        }
    }
    /// The category of an announced dataset.
    pub fn dataset_category(&self, dataset: &Hash) -> Option<&Category> {
        self.datasets.get(dataset)
    }
    /// The member who owns an announced dataset (its first announcer).
    pub fn dataset_owner(&self, dataset: &Hash) -> Option<KeyBytes> {
        self.holdings.owner(dataset)
    }
    /// A dataset's announced epochs, by epoch number (each as last announced).
    pub fn epochs_of(&self, dataset: &Hash) -> &[EpochRoot] {
        self.holdings.epochs_of(dataset)
    }
    /// Every announced epoch of every dataset, in no particular order: what stewards pin.
    pub fn announced_epochs(&self) -> impl Iterator<Item = &EpochRoot> {
        self.holdings.all()
    }
    /// What a hash is, if it is a current epoch root or key backup: a serving peer's
    /// lookup before it answers a blob request.
    pub fn announced_blob(&self, hash: &Hash) -> Option<&AnnouncedBlob> {
        self.holdings.lookup(hash)
    }
    /// The stewards who reported holding epoch root `root` complete (current stewards
    /// only), in the order they reported.
    pub fn holders_of(&self, root: &Hash) -> Vec<KeyBytes> {
        self.holdings
            .holders(root)
            .iter()
            .filter(|k| self.stewards.contains(k))
            .copied()
            .collect()
    }
    /// The withdrawal of a consent, if any.
    pub fn withdrawal_of(&self, consent: &OpId) -> Option<OpId> {
        self.withdrawals.get(consent).copied()
    }
    /// Whether an erasure notice covers the operation.
    pub fn is_erased(&self, id: &OpId) -> bool {
        self.erased.contains(id)
    }
    /// Joins that won their invitation and wait for a steward's acceptance, in log order:
    /// (join operation, the newcomer, the role offered).
    pub fn joins_awaiting_acceptance(&self) -> Vec<(OpId, KeyBytes, Role)> {
        let mut out: Vec<_> = self
            .joins
            .iter()
            .filter(|(id, _)| !self.accepted_joins.contains(id))
            .map(|(id, (who, role, _))| (*id, *who, *role))
            .collect();
        out.sort_by_key(|(id, _, _)| self.index_of(id));
        out
    }
    /// Who approved proposal `proposal` so far, in log order (stewards removed since
    /// included; they no longer count).
    pub fn proposal_approvals(&self, proposal: &OpId) -> Option<&[KeyBytes]> {
        self.proposals.get(proposal).map(|p| p.approvals.as_slice())
    }
    /// Proposals not yet in effect: (proposal id, change, approvals so far).
    pub fn pending_proposals(&self) -> Vec<(OpId, Change, usize)> {
        let mut out: Vec<_> = self
            .proposals
            .iter()
            .filter(|(_, p)| p.effective_at.is_none())
            .map(|(id, p)| (*id, p.change.clone(), p.approvals.len()))
            .collect();
        out.sort_by_key(|(id, _, _)| self.index_of(id));
        out
    }
    /// Operations whose bodies are absent and not (yet) covered by an erasure notice.
    pub fn unexplained_missing_bodies(&self) -> Vec<(u64, OpId)> {
        let mut v: Vec<_> = self
            .missing_bodies
            .iter()
            .map(|(id, i)| (*i, *id))
            .collect();
        v.sort();
        v
    }

    fn info(&self, id: &OpId, want: OpKind, what: &str) -> Result<OpInfo, LedgerError> {
        match self.ops.get(id) {
            Some(i) if i.kind == want => Ok(*i),
            Some(i) => Err(LedgerError::InvalidReference {
                reason: format!("{what} {id} is a {} operation, not {want}", i.kind),
            }),
            None => Err(LedgerError::InvalidReference {
                reason: format!("{what} {id} is not in the log before this operation"),
            }),
        }
    }

    fn validate_change(&self, change: &Change) -> Result<(), LedgerError> {
        let mut next = self.clone_params();
        next.apply_change(change);
        if let Change::AddSteward(k) = change
            && self.stewards.contains(k)
        {
            return Err(LedgerError::InvalidGovernance {
                reason: "already a steward".into(),
            });
        }
        if let Change::RemoveSteward(k) = change
            && !self.stewards.contains(k)
        {
            return Err(LedgerError::InvalidGovernance {
                reason: "not a steward".into(),
            });
        }
        validate_params(
            &next.stewards,
            next.threshold,
            &next.witnesses,
            next.witness_quorum,
        )
        .map_err(|reason| LedgerError::InvalidGovernance { reason })
    }

    /// Records `who`'s endpoint, replacing the one they had (an endpoint speaks for one
    /// participant: the newest claim wins).
    fn set_endpoint(&mut self, who: KeyBytes, endpoint: KeyBytes) {
        if let Some(old) = self.endpoints.insert(who, endpoint) {
            self.endpoint_owners.remove(&old);
        }
        if let Some(previous) = self.endpoint_owners.insert(endpoint, who)
            && previous != who
        {
            self.endpoints.remove(&previous);
        }
    }

    fn clone_params(&self) -> Params {
        Params {
            stewards: self.stewards.clone(),
            threshold: self.threshold,
            operator: self.operator,
            witnesses: self.witnesses.clone(),
            witness_quorum: self.witness_quorum,
            removed_member: None,
        }
    }

    /// Checks that `header` (with `body`, None if erased) may follow the current state and
    /// applies it. The author's signature must already have been verified; nothing is
    /// changed when an error is returned.
    pub fn apply(
        &mut self,
        header: &SignedHeader,
        body: Option<&Body>,
    ) -> Result<Applied, LedgerError> {
        let h = header.header();
        let id = header.id();
        let unauthorized = |reason: String| Err(LedgerError::Unauthorized { reason });

        if self.len == 0 {
            let Some(Body::Genesis(g)) = body else {
                return Err(LedgerError::InvalidGenesis {
                    reason: "the first operation must be a genesis with its body".into(),
                });
            };
            g.validate()?;
            if h.coop != g.coop_id() || h.body_hash != g.coop_id() {
                return Err(LedgerError::WrongCoop);
            }
            if h.author_seq != 0 || h.prev_by_author.is_some() {
                return Err(LedgerError::InvalidGenesis {
                    reason: "genesis must be its author's first operation".into(),
                });
            }
            if !g.stewards.contains(&h.author) {
                return Err(LedgerError::InvalidGenesis {
                    reason: "genesis must be signed by a steward".into(),
                });
            }
            self.coop = h.coop;
            self.name = g.name.clone();
            self.stewards = g.stewards.clone();
            self.threshold = g.threshold;
            self.operator = g.operator;
            self.witnesses = g.witnesses.clone();
            self.witness_quorum = g.witness_quorum;
            self.record(header);
            self.push_epoch();
            return Ok(Applied::Recorded);
        }

        if h.coop != self.coop {
            return Err(LedgerError::WrongCoop);
        }
        if h.kind == OpKind::Genesis {
            return Err(LedgerError::InvalidGenesis {
                reason: "only the first operation may be a genesis".into(),
            });
        }
        if let Some(info) = self.ops.get(&id) {
            return Err(LedgerError::DuplicateOperation {
                first_index: info.index,
            });
        }
        let (expected, prev) = self.next_for(&h.author);
        if h.author_seq < expected {
            let other = self.chains[self.author_ix[&h.author] as usize][h.author_seq as usize];
            return Err(LedgerError::Equivocation {
                author: hex::encode(h.author),
                seq: h.author_seq,
                other,
            });
        }
        if h.author_seq > expected {
            return Err(LedgerError::SequenceGap {
                author: hex::encode(h.author),
                expected,
                found: h.author_seq,
            });
        }
        if h.prev_by_author != prev {
            return Err(LedgerError::BrokenChain);
        }
        let is_steward = self.stewards.contains(&h.author);
        if h.kind.steward_only() && !is_steward {
            return unauthorized(format!(
                "{} operations need a steward; the author is not one",
                h.kind
            ));
        }
        if !is_steward && h.kind != OpKind::Join && !self.members.contains_key(&h.author) {
            return unauthorized("the author is not a member of the cooperative".into());
        }
        // Trainers are never members: only they request access, and they hold no data.
        let is_trainer = !is_steward && self.members.get(&h.author) == Some(&Role::Trainer);
        if h.kind == OpKind::AccessRequest && !is_trainer {
            return unauthorized("only trainers request access".into());
        }
        if is_trainer
            && matches!(
                h.kind,
                OpKind::DatasetAnnounce
                    | OpKind::EpochAnnounce
                    | OpKind::ConsentSet
                    | OpKind::ConsentWithdraw
                    | OpKind::AskAnswer
                    | OpKind::ErasureNotice
                    | OpKind::Release
            )
        {
            return unauthorized(format!("a trainer cannot author {} operations", h.kind));
        }
        let Some(body) = body else {
            if let View::Trainer(_) = self.view {
                self.withheld += 1;
                self.record(header);
                return Ok(Applied::Recorded);
            }
            if !h.kind.erasable() {
                return Err(LedgerError::BodyMissing);
            }
            self.missing_bodies.insert(id, self.len);
            self.record(header);
            return Ok(Applied::Recorded);
        };

        body.validate()?;
        let mut applied = Applied::Recorded;
        match body {
            Body::Genesis(_) => unreachable_genesis()?,
            Body::Proposal { change } => {
                self.validate_change(change)?;
                self.proposals.insert(
                    id,
                    Proposal {
                        change: change.clone(),
                        approvals: Vec::new(),
                        effective_at: None,
                    },
                );
            }
            Body::ProposalApproval { proposal } => {
                self.info(proposal, OpKind::Proposal, "proposal")?;
                let p =
                    self.proposals
                        .get(proposal)
                        .ok_or_else(|| LedgerError::InvalidReference {
                            reason: "unknown proposal".into(),
                        })?;
                if p.approvals.contains(&h.author) {
                    return Err(LedgerError::InvalidGovernance {
                        reason: "this steward already approved the proposal".into(),
                    });
                }
                let counted = p
                    .approvals
                    .iter()
                    .filter(|a| self.stewards.contains(a))
                    .count()
                    + 1;
                let takes_effect = p.effective_at.is_none() && counted >= self.threshold as usize;
                let change = p.change.clone();
                if takes_effect {
                    self.validate_change(&change)?;
                }
                let index = self.len;
                if let Some(p) = self.proposals.get_mut(proposal) {
                    p.approvals.push(h.author);
                    if takes_effect {
                        p.effective_at = Some(index);
                    }
                }
                if takes_effect {
                    let mut params = self.clone_params();
                    params.apply_change(&change);
                    self.stewards = params.stewards;
                    self.threshold = params.threshold;
                    self.operator = params.operator;
                    self.witnesses = params.witnesses;
                    self.witness_quorum = params.witness_quorum;
                    if let Some(m) = params.removed_member {
                        self.members.remove(&m);
                    }
                    self.approve_requests_with_enough(index);
                    applied = Applied::GovernanceEffective(change);
                }
            }
            Body::Invite {
                secret_hash, role, ..
            } => {
                self.invites.insert(id, (*secret_hash, *role, false));
            }
            Body::Join {
                invite,
                secret,
                endpoint_key,
            } => {
                self.info(invite, OpKind::Invite, "invite")?;
                let (hash, role, used) = self.invites.get(invite).copied().ok_or_else(|| {
                    LedgerError::InvalidReference {
                        reason: "unknown invite".into(),
                    }
                })?;
                if sha256(secret) != hash {
                    return Err(LedgerError::InvalidReference {
                        reason: "the join secret does not match the invite".into(),
                    });
                }
                // Rule set 6: one role per identity, so a trainer is never also a member
                // or steward, and a member never rejoins as a trainer.
                if is_steward || self.members.contains_key(&h.author) {
                    return unauthorized(
                        "the identity is already in the cooperative; one identity has one role"
                            .into(),
                    );
                }
                if !used {
                    // The first join in log order wins; later ones are recorded but void.
                    self.invites.insert(*invite, (hash, role, true));
                    self.joins.insert(id, (h.author, role, *endpoint_key));
                }
            }
            Body::JoinAcceptance { join } => {
                self.info(join, OpKind::Join, "join")?;
                let (who, role, endpoint) =
                    self.joins
                        .get(join)
                        .copied()
                        .ok_or_else(|| LedgerError::InvalidReference {
                            reason: "the join lost the race for its invite".into(),
                        })?;
                self.set_endpoint(who, endpoint);
                self.accepted_joins.insert(*join);
                // A steward invite makes a member; stewardship needs a proposal.
                let role = if role == Role::Steward {
                    Role::Member
                } else {
                    role
                };
                self.members.insert(who, role);
            }
            Body::Leave => {
                self.members.remove(&h.author);
            }
            Body::EndpointAnnounce { endpoint_key } => {
                self.set_endpoint(h.author, *endpoint_key);
            }
            Body::DatasetAnnounce { dataset, category } => {
                self.datasets
                    .entry(*dataset)
                    .or_insert_with(|| category.clone());
                self.holdings.claim(*dataset, h.author);
            }
            Body::EpochAnnounce {
                dataset,
                epoch,
                root,
                key_backup,
                size,
            } => {
                if root == key_backup {
                    return Err(LedgerError::InvalidBody {
                        reason: "an epoch's root and key backup are different blobs".into(),
                    });
                }
                self.holdings.announce(
                    h.author,
                    EpochRoot {
                        dataset: *dataset,
                        epoch: *epoch,
                        root: *root,
                        key_backup: *key_backup,
                        size: *size,
                        owner: h.author,
                    },
                )?;
            }
            Body::Pinned { roots } => {
                for root in roots {
                    self.holdings.pinned(*root, h.author);
                }
            }
            // The announcement may have been erased since, so it is not required here.
            Body::ConsentSet {
                dataset,
                purposes,
                mode,
                max_period_secs,
                recipients,
                ..
            } => {
                self.access.consent_set(ConsentTerms {
                    id,
                    member: h.author,
                    dataset: *dataset,
                    purposes: purposes.clone(),
                    mode: *mode,
                    max_period_secs: *max_period_secs,
                    recipients: recipients.clone(),
                });
            }
            Body::ConsentWithdraw { consent } => {
                let info = self.info(consent, OpKind::ConsentSet, "consent")?;
                if self.authors[info.author as usize] != h.author {
                    return unauthorized(
                        "only the member who gave a consent can withdraw it".into(),
                    );
                }
                self.withdrawals.entry(*consent).or_insert(id);
                self.access.consent_ended(consent);
            }
            Body::AskAnswer {
                request,
                dataset,
                allow,
            } => {
                self.info(request, OpKind::AccessRequest, "request")?;
                // Rule set 6: only the dataset's owner answers for it.
                if self.holdings.owner(dataset) != Some(h.author) {
                    return unauthorized("only the dataset's owner answers for it".into());
                }
                self.access.answer(*request, *dataset, *allow);
            }
            Body::AccessRequest {
                purpose,
                categories,
                period_secs,
                license,
                credits,
                deadline,
                request_key,
            } => {
                self.access.requests.insert(
                    id,
                    RequestRecord {
                        id,
                        index: self.len,
                        trainer: h.author,
                        purpose: *purpose,
                        categories: categories.clone(),
                        period_secs: *period_secs,
                        license: license.clone(),
                        credits: *credits,
                        deadline: *deadline,
                        request_key: *request_key,
                        approvals: Vec::new(),
                        approved_at: None,
                        denied_at: None,
                        denial_reason: None,
                    },
                );
            }
            Body::RequestApproval { request } => {
                self.info(request, OpKind::AccessRequest, "request")?;
                let state = self.request(request)?;
                if state.denied_at.is_some() {
                    return Err(LedgerError::InvalidGovernance {
                        reason: "the request was denied".into(),
                    });
                }
                if state.approvals.contains(&h.author) {
                    return Err(LedgerError::InvalidGovernance {
                        reason: "this steward already approved the request".into(),
                    });
                }
                // Approvals from stewards removed since do not count (as for proposals).
                let counted = self.current_approvals(state) + 1;
                let now_approved =
                    state.approved_at.is_none() && counted >= self.threshold as usize;
                let index = self.len;
                if let Some(state) = self.access.requests.get_mut(request) {
                    state.approvals.push(h.author);
                    if now_approved {
                        state.approved_at = Some(index);
                    }
                }
            }
            Body::RequestDenial { request, reason } => {
                self.info(request, OpKind::AccessRequest, "request")?;
                let state = self.request(request)?;
                if state.approved_at.is_some() {
                    return Err(LedgerError::InvalidGovernance {
                        reason: "the request is already approved; revoke its grants instead".into(),
                    });
                }
                if state.denied_at.is_some() {
                    return Err(LedgerError::InvalidGovernance {
                        reason: "the request was already denied".into(),
                    });
                }
                let index = self.len;
                if let Some(state) = self.access.requests.get_mut(request) {
                    state.denied_at = Some(index);
                    state.denial_reason = Some(reason.clone());
                }
            }
            Body::Grant { request, .. } => {
                self.approved_request(request)?;
            }
            Body::Release { terms, capability } => {
                let request = self.approved_request(&terms.request)?.clone();
                // A full view checks that the consent it names is the member's in force
                // (below); a trainer's, which holds consent operations as headers only,
                // that it is one of this member's consent operations.
                if !self.view.reads_consents() {
                    let named = self.info(&terms.consent, OpKind::ConsentSet, "consent")?;
                    if self.authors[named.author as usize] != h.author {
                        return unauthorized("a release names another member's consent".into());
                    }
                }
                self.access.check_release(
                    &h.author,
                    terms,
                    capability,
                    &request,
                    self.holdings.owner(&terms.dataset),
                    self.datasets.get(&terms.dataset),
                    self.holdings.epochs_of(&terms.dataset),
                    self.view.reads_consents(),
                )?;
                let consent = terms.consent;
                self.access.record_release(ReleaseRecord {
                    id,
                    index: self.len,
                    member: h.author,
                    trainer: request.trainer,
                    terms: terms.clone(),
                    capability: *capability,
                    consent,
                    revoked: None,
                    served_requests: 0,
                    served_bytes: 0,
                });
            }
            Body::Revocation { grant, reason } => {
                self.grant_or_release(grant)?;
                // Rule set 7: a steward revokes any grant; a member only their own release.
                let releaser = self.access.release(grant).map(|r| r.member);
                if !is_steward && releaser != Some(h.author) {
                    return unauthorized(
                        "only a steward or the member who released it can revoke a grant".into(),
                    );
                }
                let revocation = Revoked {
                    id,
                    index: self.len,
                    by: h.author,
                    reason: reason.clone(),
                };
                self.access.revoke(grant, revocation);
            }
            Body::Served {
                release,
                requests,
                bytes,
            } => {
                let Some(record) = self.access.release(release) else {
                    return Err(LedgerError::InvalidReference {
                        reason: format!("{release} is not a release"),
                    });
                };
                if !is_steward && record.member != h.author {
                    return unauthorized(
                        "only a steward or the member who released it reports serving it".into(),
                    );
                }
                self.access.served(release, *requests, *bytes);
            }
            Body::PinRelease { grant, .. } => {
                self.grant_or_release(grant)?;
            }
            Body::ErasureNotice { ops } => {
                for op in ops {
                    let info =
                        self.ops
                            .get(op)
                            .copied()
                            .ok_or_else(|| LedgerError::InvalidReference {
                                reason: format!("erasure of {op}, which is not in the log"),
                            })?;
                    if !info.kind.erasable() {
                        return Err(LedgerError::InvalidReference {
                            reason: format!("{} operations cannot be erased", info.kind),
                        });
                    }
                    if self.authors[info.author as usize] != h.author && !is_steward {
                        return unauthorized(
                            "only the data's member or a steward can erase it".into(),
                        );
                    }
                }
                for op in ops {
                    self.erased.insert(*op);
                    self.missing_bodies.remove(op);
                    self.access.consent_ended(op);
                }
            }
        }
        self.record(header);
        if matches!(
            &applied,
            Applied::GovernanceEffective(
                Change::SetOperator(_) | Change::SetWitnesses { .. } | Change::SetWitnessQuorum(_)
            )
        ) {
            self.push_epoch();
        }
        Ok(applied)
    }

    fn push_epoch(&mut self) {
        self.epochs.push(KeyEpoch {
            from_size: self.len,
            operator: self.operator,
            witnesses: self.witnesses.clone(),
            quorum: self.witness_quorum,
        });
    }

    fn record(&mut self, header: &SignedHeader) {
        let h = header.header();
        let ix = match self.author_ix.get(&h.author) {
            Some(&i) => i,
            None => {
                let i = self.authors.len() as u32;
                self.authors.push(h.author);
                self.author_ix.insert(h.author, i);
                self.chains.push(Vec::new());
                i
            }
        };
        self.chains[ix as usize].push(header.id());
        self.ops.insert(
            header.id(),
            OpInfo {
                index: self.len,
                kind: h.kind,
                author: ix,
            },
        );
        self.len += 1;
    }
}

fn unreachable_genesis() -> Result<(), LedgerError> {
    Err(LedgerError::InvalidGenesis {
        reason: "only the first operation may be a genesis".into(),
    })
}

struct Params {
    stewards: Vec<KeyBytes>,
    threshold: u32,
    operator: KeyBytes,
    witnesses: Vec<KeyBytes>,
    witness_quorum: u32,
    removed_member: Option<KeyBytes>,
}

impl Params {
    fn apply_change(&mut self, change: &Change) {
        match change {
            Change::AddSteward(k) => {
                if !self.stewards.contains(k) {
                    self.stewards.push(*k);
                }
            }
            Change::RemoveSteward(k) => self.stewards.retain(|s| s != k),
            Change::SetThreshold(k) => self.threshold = *k,
            Change::SetWitnesses { witnesses, quorum } => {
                self.witnesses = witnesses.clone();
                self.witness_quorum = *quorum;
            }
            Change::SetWitnessQuorum(q) => self.witness_quorum = *q,
            Change::SetOperator(k) => self.operator = *k,
            Change::RemoveMember(k) => self.removed_member = Some(*k),
        }
    }
}
