//! Access as the log decides it (rule set 6): every request's terms and where it stands,
//! the consents in force, ask-mode answers, and releases (grants authored by the member
//! whose data they unlock) with the checks each must pass to be appended.

use std::collections::HashMap;

use datacoop_core::{Category, Purpose};

use crate::body::ReleaseTerms;
use crate::{ConsentMode, Hash, KeyBytes, LedgerError, OpId};

use super::EpochRoot;

/// A trainer's access request, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// The request operation.
    pub id: OpId,
    /// Its log index.
    pub index: u64,
    /// The trainer who asked.
    pub trainer: KeyBytes,
    /// What for.
    pub purpose: Purpose,
    /// Which categories of data.
    pub categories: Vec<Category>,
    /// How long the trainer may use the keys, seconds.
    pub period_secs: u64,
    /// SPDX license the trainer accepted by signing.
    pub license: String,
    /// Credits offered to each member who releases.
    pub credits: u64,
    /// Unix seconds (log time) until which ask-mode members may answer.
    pub deadline: u64,
    /// The x25519 key the trainer made for this request alone.
    pub request_key: [u8; 32],
    /// Stewards who approved it, in log order, each once.
    pub approvals: Vec<KeyBytes>,
    /// The log index of the approval that made it approved (the k-th distinct one), or
    /// of the governance change that made its approvals enough.
    pub approved_at: Option<u64>,
    /// The log index of the denial that ended it.
    pub denied_at: Option<u64>,
    /// The denial's reason.
    pub denial_reason: Option<String>,
}

/// A consent in force: the newest of a member's for a dataset, not withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTerms {
    /// The consent operation.
    pub id: OpId,
    /// The member who gave it.
    pub member: KeyBytes,
    /// The dataset.
    pub dataset: Hash,
    /// Purposes allowed.
    pub purposes: Vec<Purpose>,
    /// Released without asking, or asked each time.
    pub mode: ConsentMode,
    /// The longest period accepted, seconds (none: any).
    pub max_period_secs: Option<u64>,
    /// The trainers it is limited to (empty: any).
    pub recipients: Vec<KeyBytes>,
}

impl ConsentTerms {
    /// Whether these terms allow `request` (purpose, period, trainer), asking aside.
    pub fn allows(&self, request: &RequestRecord) -> bool {
        terms_allow(
            &self.purposes,
            self.max_period_secs,
            &self.recipients,
            request,
        )
    }
}

/// Whether consent terms (purposes, longest period, trainers it is limited to, empty:
/// any) allow `request`, asking aside: [`ConsentTerms::allows`] for terms not yet on the
/// log (a change a member is about to record).
pub fn terms_allow(
    purposes: &[Purpose],
    max_period_secs: Option<u64>,
    recipients: &[KeyBytes],
    request: &RequestRecord,
) -> bool {
    purposes.contains(&request.purpose)
        && max_period_secs.is_none_or(|max| max >= request.period_secs)
        && (recipients.is_empty() || recipients.contains(&request.trainer))
}

/// A release on the log: a member's grant of keys to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRecord {
    /// The release operation.
    pub id: OpId,
    /// Its log index.
    pub index: u64,
    /// The member who released (the dataset's owner).
    pub member: KeyBytes,
    /// The request's trainer.
    pub trainer: KeyBytes,
    /// What it grants.
    pub terms: ReleaseTerms,
    /// BLAKE3 of the capability blob.
    pub capability: Hash,
    /// The member's consent in force when it was released (its provenance).
    pub consent: OpId,
    /// The first revocation, if one came: the release ends there in log order.
    pub revoked: Option<Revoked>,
    /// Requests serving peers reported answering for its trainer (rule set 7).
    pub served_requests: u64,
    /// Payload bytes they reported sending.
    pub served_bytes: u64,
}

/// The revocation that ended a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// The revocation operation.
    pub id: OpId,
    /// Its log index.
    pub index: u64,
    /// Who revoked: a steward, or the member who released.
    pub by: KeyBytes,
    /// Why, in the revoker's words.
    pub reason: String,
}

/// How a member's dataset stands for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchStatus {
    /// The consent includes it without asking: the member's node releases.
    Included,
    /// Ask mode, not answered yet.
    Asked,
    /// Ask mode, the member accepted: the member's node releases.
    Accepted,
    /// Ask mode, the member declined.
    Declined,
    /// Released, by this operation.
    Released(OpId),
}

/// One dataset a request matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Its owner.
    pub member: KeyBytes,
    /// The dataset.
    pub dataset: Hash,
    /// Where it stands.
    pub status: MatchStatus,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Access {
    pub(crate) requests: HashMap<OpId, RequestRecord>,
    consents: HashMap<(KeyBytes, Hash), ConsentTerms>,
    consent_keys: HashMap<OpId, (KeyBytes, Hash)>,
    answers: HashMap<(OpId, Hash), bool>,
    releases: HashMap<OpId, ReleaseRecord>,
    by_capability: HashMap<Hash, OpId>,
    by_request: HashMap<OpId, Vec<OpId>>,
    by_trainer: HashMap<KeyBytes, Vec<OpId>>,
}

fn refused(reason: impl Into<String>) -> LedgerError {
    LedgerError::InvalidReference {
        reason: reason.into(),
    }
}

impl Access {
    pub(crate) fn consent_set(&mut self, terms: ConsentTerms) {
        self.consent_keys
            .insert(terms.id, (terms.member, terms.dataset));
        self.consents.insert((terms.member, terms.dataset), terms);
    }

    /// A consent withdrawn or erased is no longer in force (if it still was).
    pub(crate) fn consent_ended(&mut self, consent: &OpId) {
        if let Some(key) = self.consent_keys.get(consent)
            && self.consents.get(key).is_some_and(|c| c.id == *consent)
        {
            self.consents.remove(key);
        }
    }

    pub(crate) fn answer(&mut self, request: OpId, dataset: Hash, allow: bool) {
        self.answers.insert((request, dataset), allow);
    }

    pub(crate) fn consent_of(&self, member: &KeyBytes, dataset: &Hash) -> Option<&ConsentTerms> {
        self.consents.get(&(*member, *dataset))
    }

    pub(crate) fn answer_of(&self, request: &OpId, dataset: &Hash) -> Option<bool> {
        self.answers.get(&(*request, *dataset)).copied()
    }

    pub(crate) fn release(&self, id: &OpId) -> Option<&ReleaseRecord> {
        self.releases.get(id)
    }

    pub(crate) fn release_by_capability(&self, hash: &Hash) -> Option<&ReleaseRecord> {
        self.by_capability
            .get(hash)
            .and_then(|id| self.releases.get(id))
    }

    pub(crate) fn releases_of(&self, request: &OpId) -> impl Iterator<Item = &ReleaseRecord> {
        self.by_request
            .get(request)
            .into_iter()
            .flatten()
            .filter_map(|id| self.releases.get(id))
    }

    pub(crate) fn releases_to(&self, trainer: &KeyBytes) -> impl Iterator<Item = &ReleaseRecord> {
        self.by_trainer
            .get(trainer)
            .into_iter()
            .flatten()
            .filter_map(|id| self.releases.get(id))
    }

    pub(crate) fn all_releases(&self) -> impl Iterator<Item = &ReleaseRecord> {
        self.releases.values()
    }

    /// Adds a serving peer's report to `release`'s totals.
    pub(crate) fn served(&mut self, release: &OpId, requests: u32, bytes: u64) {
        if let Some(r) = self.releases.get_mut(release) {
            r.served_requests = r.served_requests.saturating_add(u64::from(requests));
            r.served_bytes = r.served_bytes.saturating_add(bytes);
        }
    }

    /// Ends `release` with `revocation` (a later one changes nothing).
    pub(crate) fn revoke(&mut self, release: &OpId, revocation: Revoked) {
        if let Some(r) = self.releases.get_mut(release) {
            r.revoked.get_or_insert(revocation);
        }
    }

    /// The datasets `request` matches: those of its categories whose owner's consent in
    /// force allows it, with where each stands (released ones always listed).
    pub(crate) fn matches(
        &self,
        request: &RequestRecord,
        category_of: impl Fn(&Hash) -> Option<Category>,
        owner_of: impl Fn(&Hash) -> Option<KeyBytes>,
    ) -> Vec<Match> {
        let released: HashMap<Hash, &ReleaseRecord> = self
            .releases_of(&request.id)
            .map(|r| (r.terms.dataset, r))
            .collect();
        let mut out: Vec<Match> = released
            .values()
            .map(|r| Match {
                member: r.member,
                dataset: r.terms.dataset,
                status: MatchStatus::Released(r.id),
            })
            .collect();
        for consent in self.consents.values() {
            if released.contains_key(&consent.dataset)
                || owner_of(&consent.dataset) != Some(consent.member)
                || !category_of(&consent.dataset).is_some_and(|c| request.categories.contains(&c))
                || !consent.allows(request)
            {
                continue;
            }
            let status = match (consent.mode, self.answer_of(&request.id, &consent.dataset)) {
                (ConsentMode::Always, _) => MatchStatus::Included,
                (ConsentMode::Ask, None) => MatchStatus::Asked,
                (ConsentMode::Ask, Some(true)) => MatchStatus::Accepted,
                (ConsentMode::Ask, Some(false)) => MatchStatus::Declined,
            };
            out.push(Match {
                member: consent.member,
                dataset: consent.dataset,
                status,
            });
        }
        out.sort_by_key(|m| (m.member, m.dataset));
        out
    }

    /// The rule set 6 checks of a release by `member` (see `docs/LEDGER-NOTES.md`). With
    /// `reads_consents` false (a trainer's view, which never holds consent records) the
    /// checks of the consent it names are left to the witnessed checkpoints.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_release(
        &self,
        member: &KeyBytes,
        terms: &ReleaseTerms,
        capability: &Hash,
        request: &RequestRecord,
        owner: Option<KeyBytes>,
        category: Option<&Category>,
        epochs: &[EpochRoot],
        reads_consents: bool,
    ) -> Result<(), LedgerError> {
        if owner != Some(*member) {
            return Err(LedgerError::Unauthorized {
                reason: "only the dataset's owner releases its keys".into(),
            });
        }
        if !category.is_some_and(|c| request.categories.contains(c)) {
            return Err(refused(
                "the dataset is not of a category the request asks for",
            ));
        }
        if reads_consents {
            self.check_release_consent(member, terms, request)?;
        }
        if self
            .releases_of(&request.id)
            .any(|r| r.terms.dataset == terms.dataset)
        {
            return Err(refused("this dataset was already released to the request"));
        }
        if self.by_capability.contains_key(capability) {
            return Err(refused("the capability is another release's"));
        }
        let last = epochs
            .get(terms.last_epoch as usize)
            .ok_or_else(|| refused("the release names an epoch not announced"))?;
        if last.root != terms.root {
            return Err(refused(
                "the release's root is not the last epoch's as announced",
            ));
        }
        if terms.window_end - terms.window_start != request.period_secs {
            return Err(refused("the release's window is not the request's period"));
        }
        if terms.credits != request.credits {
            return Err(refused("the release's credits are not the request's offer"));
        }
        Ok(())
    }

    fn check_release_consent(
        &self,
        member: &KeyBytes,
        terms: &ReleaseTerms,
        request: &RequestRecord,
    ) -> Result<(), LedgerError> {
        let consent = self
            .consent_of(member, &terms.dataset)
            .ok_or_else(|| refused("no consent of the member is in force for the dataset"))?;
        if consent.id != terms.consent {
            return Err(refused(
                "the release names a consent that is not the member's in force for the dataset",
            ));
        }
        if !consent.allows(request) {
            return Err(refused(
                "the member's consent does not allow this request's purpose, period or trainer",
            ));
        }
        if consent.mode == ConsentMode::Ask
            && self.answer_of(&request.id, &terms.dataset) != Some(true)
        {
            return Err(refused(
                "the member's consent asks first, and the member has not accepted",
            ));
        }
        Ok(())
    }

    pub(crate) fn record_release(&mut self, record: ReleaseRecord) {
        self.by_capability.insert(record.capability, record.id);
        self.by_request
            .entry(record.terms.request)
            .or_default()
            .push(record.id);
        self.by_trainer
            .entry(record.trainer)
            .or_default()
            .push(record.id);
        self.releases.insert(record.id, record);
    }
}
