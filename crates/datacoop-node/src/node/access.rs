//! Access, as people use it: a trainer requests, stewards approve or deny, members answer
//! ask-mode questions; the member's node releases on its own
//! (`network/releasing.rs`); the trainer fetches what was released.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use datacoop_core::{Category, Role};
use datacoop_crypto::{Capability, RequestKey};
use datacoop_ledger::{
    Body, CoopState, MatchStatus, OpId, OpKind, ReleaseRecord, RequestRecord, valid_spdx_id,
};
use datacoop_vault::ReleasedEpoch;

use super::*;
use crate::api::RequestList;
use crate::api::{
    ConsentAnswer, Fetch, GrantList, GrantRevoke, RequestApprove, RequestCreate, RequestDeny,
};
use crate::network::{GrantState, ended_on_log, grant_closed, grant_closed_at, grant_state};
use crate::views::{
    EndedGrant, FetchReport, GrantEnding, GrantView, RequestStatus, RequestView, RevokeReport,
};

/// How long ask-mode members have to answer when the trainer says nothing: 7 days.
pub const DEFAULT_DEADLINE_SECS: u64 = 7 * 86_400;

fn short(key: &[u8; 32]) -> String {
    hex::encode(&key[..4])
}

/// The status a request's record says it has, with its window's end once known and
/// the log time and clock to tell whether that passed.
fn status_of(
    request: &RequestRecord,
    window_end: Option<u64>,
    now: Option<u64>,
    clock: u64,
) -> RequestStatus {
    let closed = window_end.is_some_and(|end| grant_closed_at(end, now, clock));
    if request.denied_at.is_some() {
        RequestStatus::Denied
    } else if closed {
        RequestStatus::Expired
    } else if request.approved_at.is_some() {
        RequestStatus::Approved
    } else {
        RequestStatus::Pending
    }
}

/// Who still has to release to `request`: members whose consent includes it (or who
/// accepted), and ask-mode members who have not answered.
pub(crate) fn pending_members(state: &CoopState, request: &RequestRecord) -> Vec<[u8; 32]> {
    let pending: BTreeSet<[u8; 32]> = state
        .matches(request)
        .into_iter()
        .filter(|m| {
            matches!(
                m.status,
                MatchStatus::Included | MatchStatus::Accepted | MatchStatus::Asked
            )
        })
        .map(|m| m.member)
        .collect();
    pending.into_iter().collect()
}

impl Node {
    fn require_role(&self, role: Role, what: &'static str) -> Result<(), NodeError> {
        let me = self.me();
        let state = self.ledger.snapshot().state.ok_or(NodeError::NotInCoop)?;
        let has = match role {
            Role::Steward => state.is_steward(&me),
            other => state.members().get(&me) == Some(&other),
        };
        if has {
            Ok(())
        } else {
            Err(NodeError::WrongRole {
                what,
                needs: match role {
                    Role::Steward => "steward",
                    Role::Trainer => "trainer",
                    Role::Member => "member",
                },
            })
        }
    }

    /// An access request by id or unique prefix.
    async fn find_request(&self, id: &str) -> Result<OpId, NodeError> {
        let id = id.to_owned();
        self.with_ledger(false, move |ledger| {
            let index = ledger.resolve(&id)?;
            let op = ledger.log().operation(index)?;
            if op.header.header().kind != OpKind::AccessRequest {
                return Err(NodeError::BadId {
                    given: id,
                    reason: format!(
                        "it names a {} operation, not a request",
                        op.header.header().kind
                    ),
                });
            }
            Ok(op.id())
        })
        .await
    }

    /// `request create`: signs an access request (accepting its license) with a fresh
    /// x25519 key made for it alone, kept sealed in this home's vault.
    pub async fn request_create(
        &self,
        op: RequestCreate,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        self.require_role(Role::Trainer, "requesting access")?;
        let category: Category = op.category.parse()?;
        let purpose = parse_purposes(std::slice::from_ref(&op.purpose))?
            .into_iter()
            .next()
            .ok_or(NodeError::ZeroMaxDays)?;
        let license = op.license.trim().to_owned();
        if !valid_spdx_id(&license) {
            return Err(NodeError::InvalidLicense { given: license });
        }
        if op.period_secs == 0 {
            return Err(NodeError::ZeroMaxDays);
        }
        let now = self.ledger.snapshot().now.unwrap_or_else(now);
        let deadline = now.saturating_add(op.deadline_secs.unwrap_or(DEFAULT_DEADLINE_SECS));
        let key = RequestKey::generate()?;
        self.vault.keep_request_key(&key)?;
        let body = Body::AccessRequest {
            purpose,
            categories: vec![category],
            period_secs: op.period_secs,
            license,
            credits: op.credits,
            deadline,
            request_key: key.public(),
        };
        let ids = self.publish(move |_| Ok(vec![body])).await?;
        recorded(ids)
    }

    /// `request ls`: every request this node may see (a trainer: its own), newest last.
    pub async fn request_list(
        &self,
        _op: RequestList,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Vec<RequestView>, NodeError> {
        let me = self.me();
        let names = self.dataset_names()?;
        let snapshot = self.ledger.snapshot();
        let state = snapshot.state.ok_or(NodeError::NotInCoop)?;
        let ids: Vec<OpId> = state.access_requests().iter().map(|r| r.id).collect();
        let times = self
            .with_ledger(false, move |ledger| {
                let state = ledger.state();
                Ok(ids
                    .iter()
                    .map(|id| {
                        state
                            .request_approved_at(id)
                            .and_then(|at| ledger.log().log_time(at))
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
        let is_trainer = state.members().get(&me) == Some(&Role::Trainer);
        // A trainer's view holds no consent records: whom its requests wait for is what
        // the operator's node last said.
        // (Members who released since are not pending any more.)
        let heard = |request: &RequestRecord| -> Option<Vec<[u8; 32]>> {
            if state.view().reads_consents() {
                return None;
            }
            let released: BTreeSet<[u8; 32]> = state
                .releases_of(&request.id)
                .into_iter()
                .map(|r| r.member)
                .collect();
            let mut pending = self
                .network
                .get()
                .and_then(|n| n.pending_heard(&request.id))
                .unwrap_or_default();
            pending.retain(|m| !released.contains(m));
            Some(pending)
        };
        let clock = now();
        let mut views = Vec::new();
        for (request, opened) in state.access_requests().into_iter().zip(times) {
            if is_trainer && request.trainer != me {
                continue;
            }
            let matches = state.matches(request);
            let released = matches
                .iter()
                .filter(|m| matches!(m.status, MatchStatus::Released(_)))
                .count() as u32;
            let asks_me = matches
                .iter()
                .filter(|m| m.member == me && m.status == MatchStatus::Asked)
                .filter_map(|m| names.get(&m.dataset).cloned())
                .collect();
            views.push(RequestView {
                id: request.id.to_hex(),
                trainer: hex::encode(request.trainer),
                mine: request.trainer == me,
                purpose: request.purpose,
                categories: request.categories.iter().map(|c| c.to_string()).collect(),
                license: request.license.clone(),
                period_secs: request.period_secs,
                credits: request.credits,
                deadline: request.deadline,
                status: status_of(
                    request,
                    opened.map(|t| t.saturating_add(request.period_secs)),
                    snapshot.now,
                    clock,
                ),
                denial_reason: request.denial_reason.clone(),
                approvals: state.counted_approvals(request) as u32,
                threshold: state.threshold(),
                stewards: state.stewards().len() as u32,
                approved_by_me: request.approvals.contains(&me),
                window_start: opened,
                window_end: opened.map(|t| t.saturating_add(request.period_secs)),
                matching: match heard(request) {
                    Some(pending) => released + pending.len() as u32,
                    None => matches
                        .iter()
                        .filter(|m| m.status != MatchStatus::Declined)
                        .count() as u32,
                },
                released,
                pending: heard(request)
                    .unwrap_or_else(|| pending_members(&state, request))
                    .iter()
                    .map(hex::encode)
                    .collect(),
                asks_me,
            });
        }
        Ok(views)
    }

    /// `request approve`: a steward's approval; the k-th distinct one approves it.
    pub async fn request_approve(
        &self,
        op: RequestApprove,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        self.require_role(Role::Steward, "approving a request")?;
        let request = self.find_request(&op.id).await?;
        recorded(
            self.publish(move |_| Ok(vec![Body::RequestApproval { request }]))
                .await?,
        )
    }

    /// `request deny`: a steward ends a request with a reason the trainer sees.
    pub async fn request_deny(
        &self,
        op: RequestDeny,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        self.require_role(Role::Steward, "denying a request")?;
        let reason = op.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(NodeError::ReasonRequired);
        }
        let request = self.find_request(&op.id).await?;
        recorded(
            self.publish(move |_| Ok(vec![Body::RequestDenial { request, reason }]))
                .await?,
        )
    }

    /// `consent answer`: this member's yes or no, for every dataset of theirs the request
    /// asks about, until its deadline (log time).
    pub async fn consent_answer(
        &self,
        op: ConsentAnswer,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        let request = self.find_request(&op.id).await?;
        let me = self.me();
        let snapshot = self.ledger.snapshot();
        let state = snapshot.state.ok_or(NodeError::NotInCoop)?;
        let record = state
            .access_request(&request)
            .ok_or_else(|| NodeError::BadId {
                given: op.id.clone(),
                reason: "no request has this id".into(),
            })?;
        if snapshot.now.unwrap_or_else(now) > record.deadline {
            return Err(NodeError::DeadlinePassed { id: op.id.clone() });
        }
        let datasets: Vec<[u8; 32]> = state
            .matches(record)
            .into_iter()
            .filter(|m| {
                m.member == me
                    && matches!(
                        m.status,
                        MatchStatus::Asked | MatchStatus::Accepted | MatchStatus::Declined
                    )
            })
            .map(|m| m.dataset)
            .collect();
        if datasets.is_empty() {
            return Err(NodeError::NotAsked { id: op.id.clone() });
        }
        let allow = op.accept;
        recorded(
            self.publish(move |_| {
                Ok(datasets
                    .into_iter()
                    .map(|dataset| Body::AskAnswer {
                        request,
                        dataset,
                        allow,
                    })
                    .collect())
            })
            .await?,
        )
    }

    /// `grant ls`: releases this node is party to (a steward: all).
    pub async fn grant_list(
        &self,
        _op: GrantList,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Vec<GrantView>, NodeError> {
        let me = self.me();
        let names = self.dataset_names()?;
        let snapshot = self.ledger.snapshot();
        let state = snapshot.state.ok_or(NodeError::NotInCoop)?;
        let steward = state.is_steward(&me);
        let clock = now();
        Ok(state
            .releases()
            .into_iter()
            .filter(|r| steward || r.member == me || r.trainer == me)
            .map(|r| {
                let at = grant_state(r, snapshot.quorum_size, snapshot.now, clock);
                grant_view(&state, r, &me, &names, snapshot.quorum_size, at)
            })
            .collect())
    }

    /// `fetch`: the trainer fetches, decrypts and checks what was released for one of its
    /// requests, and writes `croissant.json` and each release's proofs beside the files.
    /// Grants that ended are named and never opened; once the request's window closed
    /// nothing is, and the request's key is wiped.
    pub async fn fetch(
        &self,
        op: Fetch,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<FetchReport, NodeError> {
        self.require_role(Role::Trainer, "fetching released data")?;
        let network = Arc::clone(self.network("fetching released data")?);
        let request_id = self.find_request(&op.id).await?;
        let me = self.me();
        let give_up = Instant::now() + Duration::from_secs(op.wait_secs.unwrap_or(0));
        // A trainer's view holds no consent records: the operator's node says whom the
        // request waits for.
        let reads_consents = self
            .ledger
            .snapshot()
            .state
            .is_none_or(|s| s.view().reads_consents());
        let (state, live, pending, ended) = loop {
            // Asked before catching up, so that a member the answer no longer names
            // released before it, and the catch-up brings that release here.
            let heard = if reads_consents {
                None
            } else {
                match network.pending_of(request_id).await {
                    Ok(pending) => Some(pending),
                    Err(e) => {
                        tracing::info!("asking whom the request waits for: {e}");
                        network.pending_heard(&request_id)
                    }
                }
            };
            if let Err(e) = network.catch_up().await {
                tracing::info!("catching up before fetching: {e}");
            }
            let snapshot = self.ledger.snapshot();
            let state = snapshot.state.ok_or(NodeError::NotInCoop)?;
            // The operation is a request (found above); a trainer's view holds no
            // record of another trainer's.
            let request = state
                .access_request(&request_id)
                .ok_or_else(|| NodeError::NotYourRequest { id: op.id.clone() })?
                .clone();
            if request.trainer != me {
                return Err(NodeError::NotYourRequest { id: op.id.clone() });
            }
            if let Some(reason) = &request.denial_reason {
                return Err(NodeError::RequestDenied {
                    id: op.id.clone(),
                    reason: reason.clone(),
                });
            }
            if let Some(end) = self.window_end(&request).await?
                && grant_closed(end, snapshot.now)
            {
                if snapshot.now.is_some_and(|now| now >= end) {
                    network.wipe_request_key(&request).await;
                }
                return Err(NodeError::GrantExpired {
                    id: op.id.clone(),
                    at: datacoop_ledger::rfc3339(end),
                });
            }
            let clock = now();
            let (mut live, mut ended, mut waiting) = (Vec::new(), Vec::new(), Vec::new());
            for r in state.releases_of(&request_id) {
                match grant_state(r, snapshot.quorum_size, snapshot.now, clock) {
                    GrantState::Live => live.push(r.clone()),
                    GrantState::Waiting => waiting.push(r.member),
                    at @ (GrantState::Expired | GrantState::Revoked) => {
                        if let Some(ending) = ending_of(r, at) {
                            ended.push(EndedGrant {
                                release: r.id.to_hex(),
                                member: hex::encode(r.member),
                                ending,
                            });
                        }
                    }
                }
            }
            // Released but not final yet count as pending. Whom the operator's node
            // could not be asked about is not known to be nobody: the wait goes on.
            let (mut pending, known) = match heard {
                _ if reads_consents => (pending_members(&state, &request), true),
                Some(heard) => (heard, true),
                None => (Vec::new(), false),
            };
            for member in waiting {
                if !pending.contains(&member) {
                    pending.push(member);
                }
            }
            let settled = known && pending.is_empty();
            if settled || Instant::now() >= give_up || cancel.is_cancelled() {
                break (state, live, pending, ended);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let pending_text: Vec<String> = pending.iter().map(short).collect();
        if live.is_empty() && !ended.is_empty() && pending.is_empty() {
            return Err(NodeError::GrantsRevoked {
                id: op.id.clone(),
                ended: ended_text(&ended),
            });
        }
        if live.is_empty() {
            return Err(NodeError::NothingReleased {
                id: op.id.clone(),
                pending: pending_text.join(", "),
            });
        }
        if op.all && !pending.is_empty() {
            return Err(NodeError::Incomplete {
                id: op.id.clone(),
                pending: pending_text.join(", "),
            });
        }
        let request = state
            .access_request(&request_id)
            .ok_or(NodeError::NotInCoop)?
            .clone();
        let key = self
            .vault
            .request_key(&request.request_key)?
            .ok_or_else(|| NodeError::NoRequestKey { id: op.id.clone() })?;
        let out = op.out.clone();
        let mut files = Vec::new();
        let mut ended = ended;
        for release in &live {
            if cancel.is_cancelled() {
                return Err(NodeError::Vault(datacoop_vault::VaultError::Cancelled));
            }
            let (capability, roots) = network
                .fetch_release(&state, release, progress.as_ref())
                .await?;
            // The official client opens nothing of a grant that ended meanwhile, whatever
            // a serving peer did: once the window closed, nothing at all.
            let snapshot = self.ledger.snapshot();
            let now_as = snapshot
                .state
                .as_ref()
                .and_then(|s| s.release(&release.id).cloned())
                .unwrap_or_else(|| release.clone());
            match grant_state(&now_as, snapshot.quorum_size, snapshot.now, now()) {
                GrantState::Expired => {
                    network.release_fetched().await?;
                    return Err(NodeError::GrantExpired {
                        id: op.id.clone(),
                        at: datacoop_ledger::rfc3339(release.terms.window_end),
                    });
                }
                at @ GrantState::Revoked => {
                    ended.extend(ending_of(&now_as, at).map(|ending| EndedGrant {
                        release: release.id.to_hex(),
                        member: hex::encode(release.member),
                        ending,
                    }));
                    continue;
                }
                GrantState::Live | GrantState::Waiting => {}
            }
            let binding = release.terms.binding(&state.coop(), &release.member);
            let keys = Capability::from_bytes(capability)?.open(&key, &binding)?;
            let epochs = roots
                .into_iter()
                .map(|(epoch, root)| {
                    let key = keys
                        .iter()
                        .find(|(e, _)| *e == epoch)
                        .map(|(_, k)| k.clone())
                        .ok_or_else(|| {
                            NodeError::from(datacoop_crypto::CryptoError::CapabilityDamaged {
                                reason: format!("it lacks the key of epoch {epoch}"),
                            })
                        })?;
                    Ok(ReleasedEpoch { epoch, root, key })
                })
                .collect::<Result<Vec<_>, NodeError>>()?;
            let prefix = format!(
                "{}-{}",
                short(&release.member),
                short(&release.terms.dataset)
            );
            let written = self
                .vault
                .export_released(&epochs, &prefix, &out, progress.clone(), &cancel)
                .await?;
            files.push((release.clone(), written));
        }
        network.release_fetched().await?;
        if files.is_empty() {
            return Err(NodeError::GrantsRevoked {
                id: op.id.clone(),
                ended: ended_text(&ended),
            });
        }
        let live: Vec<ReleaseRecord> = files.iter().map(|(r, _)| r.clone()).collect();
        let proofs = self.write_proofs(&out, &live, &request).await?;
        let croissant = crate::croissant::write(&out, &state, &request, &files, &proofs)?;
        Ok(FetchReport {
            request: request_id.to_hex(),
            out: out.clone(),
            files: files.iter().map(|(_, w)| w.len() as u32).sum(),
            bytes: files
                .iter()
                .flat_map(|(_, w)| w.iter().map(|f| f.size))
                .sum(),
            released_by: live.iter().map(|r| hex::encode(r.member)).collect(),
            pending: pending.iter().map(hex::encode).collect(),
            ended,
            croissant,
        })
    }

    /// When `request`'s window closes (none until its approval has a log time).
    async fn window_end(&self, request: &RequestRecord) -> Result<Option<u64>, NodeError> {
        let request = request.clone();
        self.with_ledger(false, move |ledger| Ok(ledger.request_window_end(&request)))
            .await
    }

    /// `grant revoke`: ends one grant, or every grant of a request, that this identity
    /// may revoke (a steward: any; a member: their own releases), with a reason the
    /// trainer is told.
    pub async fn grant_revoke(
        &self,
        op: GrantRevoke,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<RevokeReport, NodeError> {
        let me = self.me();
        let reason = op.reason.as_deref().unwrap_or("").trim().to_owned();
        let given = op.id.clone();
        let ids = self
            .publish(move |ledger| {
                let index = ledger.resolve(&given)?;
                let target = ledger.log().operation(index)?.id();
                let state = ledger.state();
                let steward = state.is_steward(&me);
                let named: Vec<&ReleaseRecord> = match state.release(&target) {
                    Some(release) => vec![release],
                    None if state.access_request(&target).is_some() => state.releases_of(&target),
                    None => {
                        return Err(NodeError::BadId {
                            given,
                            reason: "it names neither a grant nor a request".into(),
                        });
                    }
                };
                if !steward && !named.iter().any(|r| r.member == me) {
                    return Err(NodeError::NothingToRevoke {
                        id: given,
                        reason: "only a steward, or the member who released a grant, revokes it"
                            .into(),
                    });
                }
                let log_now = ledger.log_now();
                let bodies: Vec<Body> = named
                    .into_iter()
                    .filter(|r| steward || r.member == me)
                    .filter(|r| !ended_on_log(r, log_now))
                    .map(|r| Body::Revocation {
                        grant: r.id,
                        reason: reason.clone(),
                    })
                    .collect();
                if bodies.is_empty() {
                    return Err(NodeError::NothingToRevoke {
                        id: given,
                        reason: "its grants already ended".into(),
                    });
                }
                Ok(bodies)
            })
            .await?;
        let revoked = self
            .with_ledger(false, move |ledger| {
                Ok(ids
                    .iter()
                    .filter_map(|id| match ledger.state().index_of(id) {
                        Some(index) => ledger.log().operation(index).ok(),
                        None => None,
                    })
                    .filter_map(|op| match op.body {
                        Some(Body::Revocation { grant, .. }) => Some(grant.to_hex()),
                        _ => None,
                    })
                    .collect())
            })
            .await?;
        Ok(RevokeReport { revoked })
    }

    /// Writes the proof bundle of each release, of the approval that approved its request
    /// and of the consent it was released under into `out/proofs/`, named by operation id.
    async fn write_proofs(
        &self,
        out: &std::path::Path,
        releases: &[ReleaseRecord],
        request: &RequestRecord,
    ) -> Result<Vec<(OpId, String)>, NodeError> {
        let mut ids: Vec<OpId> = vec![request.id];
        for r in releases {
            ids.push(r.id);
            ids.push(r.consent);
        }
        let approved_at = request.approved_at;
        let bundles = self
            .with_ledger(false, move |ledger| {
                let mut out = Vec::new();
                if let Some(at) = approved_at {
                    let op = ledger.log().operation(at)?;
                    out.push((op.id(), ledger.log().proof_bundle(at)?.render()));
                }
                for id in ids {
                    let index = ledger.log().index_of(&id)?;
                    out.push((id, ledger.log().proof_bundle(index)?.render()));
                }
                Ok(out)
            })
            .await?;
        let dir = out.join("proofs");
        std::fs::create_dir_all(&dir).map_err(|e| NodeError::io("cannot create", &dir, e))?;
        for (id, text) in &bundles {
            let path = dir.join(format!("{}.proof", id.to_hex()));
            datacoop_crypto::write_atomically(&path, text.as_bytes())?;
        }
        Ok(bundles)
    }
}

/// Ended grants in one line: whose, and how each ended.
fn ended_text(ended: &[EndedGrant]) -> String {
    ended
        .iter()
        .map(|e| format!("the grant of member {} {}", &e.member[..8], e.ending))
        .collect::<Vec<_>>()
        .join("; ")
}

fn recorded(ids: Vec<OpId>) -> Result<Recorded, NodeError> {
    let operation = ids
        .last()
        .ok_or_else(|| NodeError::Protocol("nothing was sequenced".into()))?;
    Ok(Recorded {
        operation: operation.to_hex(),
    })
}

fn grant_view(
    state: &CoopState,
    r: &ReleaseRecord,
    me: &[u8; 32],
    names: &std::collections::HashMap<[u8; 32], String>,
    quorum_size: u64,
    at: GrantState,
) -> GrantView {
    let request = state.access_request(&r.terms.request);
    GrantView {
        id: r.id.to_hex(),
        request: r.terms.request.to_hex(),
        trainer: hex::encode(r.trainer),
        member: hex::encode(r.member),
        mine: r.member == *me,
        to_me: r.trainer == *me,
        dataset: names.get(&r.terms.dataset).cloned(),
        dataset_id: hex::encode(r.terms.dataset),
        first_epoch: r.terms.first_epoch,
        last_epoch: r.terms.last_epoch,
        root: hex::encode(r.terms.root),
        capability: hex::encode(r.capability),
        window_start: r.terms.window_start,
        window_end: r.terms.window_end,
        credits: r.terms.credits,
        purpose: request.map(|q| q.purpose),
        license: request.map(|q| q.license.clone()).unwrap_or_default(),
        delivered: r.index < quorum_size,
        live: at == GrantState::Live,
        revoked: r.revoked.is_some(),
        ending: ending_of(r, at),
        served_requests: r.served_requests,
        served_bytes: r.served_bytes,
    }
}

/// How `r` ended, when `at` says it did.
pub(crate) fn ending_of(r: &ReleaseRecord, at: GrantState) -> Option<GrantEnding> {
    match at {
        GrantState::Revoked => r.revoked.as_ref().map(|v| GrantEnding::Revoked {
            by: hex::encode(v.by),
            by_member: v.by == r.member,
            reason: v.reason.clone(),
        }),
        GrantState::Expired => Some(GrantEnding::Expired {
            at: r.terms.window_end,
        }),
        GrantState::Waiting | GrantState::Live => None,
    }
}
