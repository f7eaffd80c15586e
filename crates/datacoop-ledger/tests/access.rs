//! Rule set 6: releases authored by the member whose data they unlock, valid only for an
//! approved request under that member's consent in force, in log order. Rule set 7:
//! revocations by the releasing member, reports of what serving peers sent, and no
//! release once the window closed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use datacoop_core::{Category, Purpose, Role};
use datacoop_ledger::*;
use ed25519_consensus::SigningKey;

const PERIOD: u64 = 30 * 86_400;

fn try_append(coop: &mut Coop<MemStore>, k: &SigningKey, body: Body) -> Result<u64, LedgerError> {
    let op = coop.log.make_operation(k, body, T0 + coop.log.len());
    coop.log.append(op).map(|(index, _)| index)
}

/// A cooperative with a trainer, the member's epoch 0 announced and a request by the
/// trainer (not yet approved).
struct World {
    coop: Coop<MemStore>,
    trainer: SigningKey,
    request: OpId,
}

fn world(purpose: Purpose) -> World {
    let mut coop = Coop::new(MemStore::new());
    let trainer = key(30);
    coop.join_trainer(&trainer, 7);
    let m = coop.member.clone();
    coop.append(
        &m,
        Body::EpochAnnounce {
            dataset: coop.dataset,
            epoch: 0,
            root: [1; 32],
            key_backup: [2; 32],
            size: 10,
        },
    );
    let (_, request) = coop.append(
        &trainer,
        Body::AccessRequest {
            purpose,
            categories: vec!["fitness".parse::<Category>().unwrap()],
            period_secs: PERIOD,
            license: "CC-BY-NC-4.0".into(),
            credits: 5,
            deadline: T0 + 86_400,
            request_key: [9; 32],
        },
    );
    World {
        coop,
        trainer,
        request,
    }
}

impl World {
    /// k = 2 stewards approve, and a quorum checkpoint fixes the approval's log time.
    fn approve(&mut self) -> u64 {
        let request = self.request;
        let (s0, s1) = (self.coop.stewards[0].clone(), self.coop.stewards[1].clone());
        self.coop.append(&s0, Body::RequestApproval { request });
        self.coop.append(&s1, Body::RequestApproval { request });
        self.coop.checkpoint_and_cosign(T0 + 500, 2);
        let at = self.coop.log.state().request_approved_at(&request).unwrap();
        self.coop.log.log_time(at).unwrap()
    }

    fn answer(&mut self, allow: bool) {
        let m = self.coop.member.clone();
        let (request, dataset) = (self.request, self.coop.dataset);
        self.coop.append(
            &m,
            Body::AskAnswer {
                request,
                dataset,
                allow,
            },
        );
    }

    fn release(&self, window_start: u64) -> Body {
        // The member's consent in force, as the member's node names it (none: a made-up
        // id, which only a release that must fail for want of consent names).
        let consent = self
            .coop
            .log
            .state()
            .consent_in_force(&pk(&self.coop.member), &self.coop.dataset)
            .map_or(OpId([0; 32]), |c| c.id);
        Body::Release {
            terms: ReleaseTerms {
                consent,
                request: self.request,
                dataset: self.coop.dataset,
                first_epoch: 0,
                last_epoch: 0,
                root: [1; 32],
                window_start,
                window_end: window_start + PERIOD,
                credits: 5,
            },
            capability: [77; 32],
        }
    }

    fn try_release(&mut self, body: Body) -> Result<u64, LedgerError> {
        let m = self.coop.member.clone();
        try_append(&mut self.coop, &m, body)
    }
}

fn refused(result: Result<u64, LedgerError>, code: &str, words: &str) {
    let err = result.unwrap_err();
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains(words), "{err}");
}

#[test]
fn a_consenting_member_releases_to_an_approved_request_and_the_state_indexes_it() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    let state = w.coop.log.state();
    let request = state.access_request(&w.request).unwrap().clone();
    assert_eq!(request.trainer, pk(&w.trainer));
    assert_eq!(
        state.matches(&request)[0].status,
        MatchStatus::Asked,
        "ask mode: asked until answered"
    );
    w.answer(true);
    let t = w.approve();
    let index = w.try_release(w.release(t)).unwrap();

    let state = w.coop.log.state();
    let releases = state.releases_of(&w.request);
    assert_eq!(releases.len(), 1);
    let r = releases[0];
    assert_eq!(
        (r.index, r.member, r.trainer),
        (index, pk(&w.coop.member), pk(&w.trainer))
    );
    assert_eq!(state.release_by_capability(&[77; 32]).unwrap().id, r.id);
    assert_eq!(state.releases_to(&pk(&w.trainer)).len(), 1);
    let request = state.access_request(&w.request).unwrap();
    assert_eq!(
        state.matches(request)[0].status,
        MatchStatus::Released(r.id)
    );
    // The binding the capability is sealed with names the coop and the member.
    let b = r.terms.binding(&state.coop(), &r.member);
    assert_ne!(b, r.terms.binding(&state.coop(), &pk(&w.trainer)));
    assert_ne!(b, r.terms.binding(&[0; 32], &r.member));

    // One release per dataset and request.
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "already released",
    );
    verify_log(w.coop.log.store(), &VerifyOptions::default()).unwrap();
}

#[test]
fn no_release_before_the_quorum_of_approvals_or_after_a_denial() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let request = w.request;
    let s0 = w.coop.stewards[0].clone();
    w.coop.append(&s0, Body::RequestApproval { request });
    refused(
        w.try_release(w.release(T0)),
        "ledger.invalid_governance",
        "1 of the 2 steward approvals",
    );
    let s1 = w.coop.stewards[1].clone();
    w.coop.append(
        &s1,
        Body::RequestDenial {
            request,
            reason: "too broad".into(),
        },
    );
    refused(
        w.try_release(w.release(T0)),
        "ledger.invalid_governance",
        "denied",
    );
    let state = w.coop.log.state();
    let record = state.access_request(&request).unwrap();
    assert_eq!(record.denial_reason.as_deref(), Some("too broad"));
}

#[test]
fn consent_decides_who_may_release() {
    // The consent allows ModelTraining and NonCommercialResearch, not CommercialResearch.
    let mut w = world(Purpose::CommercialResearch);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    let state = w.coop.log.state();
    assert!(
        state
            .matches(state.access_request(&w.request).unwrap())
            .is_empty(),
        "a member whose consent does not cover the purpose is never matched"
    );
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "does not allow this request",
    );

    // Ask mode: silence and a decline are a no.
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    let t = w.approve();
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "has not accepted",
    );
    w.answer(false);
    let state = w.coop.log.state();
    assert_eq!(
        state.matches(state.access_request(&w.request).unwrap())[0].status,
        MatchStatus::Declined
    );
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "has not accepted",
    );

    // No consent at all.
    let mut w = world(Purpose::ModelTraining);
    let t = w.approve();
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "no consent",
    );
}

#[test]
fn a_withdrawal_earlier_in_log_order_wins_over_a_release() {
    let mut w = world(Purpose::ModelTraining);
    let (_, consent) = w.coop.consent();
    w.answer(true);
    let t = w.approve();
    let m = w.coop.member.clone();
    w.coop.append(&m, Body::ConsentWithdraw { consent });
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "no consent",
    );
    assert!(w.coop.log.state().releases().is_empty());
}

#[test]
fn a_release_names_the_owner_the_announced_root_the_requests_period_and_offer() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    let with = |w: &World, f: &dyn Fn(&mut ReleaseTerms)| {
        let Body::Release {
            mut terms,
            capability,
        } = w.release(t)
        else {
            unreachable!()
        };
        f(&mut terms);
        Body::Release { terms, capability }
    };
    refused(
        w.try_release(with(&w, &|t| t.root = [3; 32])),
        "ledger.invalid_reference",
        "root",
    );
    refused(
        w.try_release(with(&w, &|t| t.last_epoch = 1)),
        "ledger.invalid_reference",
        "not announced",
    );
    refused(
        w.try_release(with(&w, &|t| t.window_end += 1)),
        "ledger.invalid_reference",
        "period",
    );
    refused(
        w.try_release(with(&w, &|t| t.credits = 50)),
        "ledger.invalid_reference",
        "offer",
    );
    refused(
        w.try_release(with(&w, &|t| {
            t.window_start += 60;
            t.window_end += 60;
        })),
        "ledger.invalid_reference",
        "approval's log time",
    );
    refused(
        w.try_release(with(&w, &|t| t.window_end = t.window_start)),
        "ledger.invalid_body",
        "window",
    );

    // Nobody but the owner releases: a steward, a trainer.
    let body = w.release(t);
    let s0 = w.coop.stewards[0].clone();
    refused(
        try_append(&mut w.coop, &s0, body.clone()),
        "ledger.unauthorized",
        "owner",
    );
    let trainer = w.trainer.clone();
    refused(
        try_append(&mut w.coop, &trainer, body.clone()),
        "ledger.unauthorized",
        "trainer",
    );
    w.try_release(body).unwrap();
}

#[test]
fn the_approval_must_be_in_a_quorum_checkpoint_before_a_release() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let request = w.request;
    let (s0, s1) = (w.coop.stewards[0].clone(), w.coop.stewards[1].clone());
    w.coop.append(&s0, Body::RequestApproval { request });
    w.coop.append(&s1, Body::RequestApproval { request });
    refused(
        w.try_release(w.release(T0)),
        "ledger.invalid_reference",
        "not in a quorum checkpoint",
    );
}

#[test]
fn one_identity_has_one_role_a_trainer_never_joins_as_a_member() {
    let mut w = world(Purpose::ModelTraining);
    let s0 = w.coop.stewards[0].clone();
    let (_, invite) = w.coop.append(
        &s0,
        Body::Invite {
            secret_hash: sha256(&[8; 32]),
            role: Role::Member,
            expires: T0 + 100,
        },
    );
    let trainer = w.trainer.clone();
    refused(
        try_append(
            &mut w.coop,
            &trainer,
            Body::Join {
                invite,
                secret: [8; 32],
                endpoint_key: [8; 32],
            },
        ),
        "ledger.unauthorized",
        "one identity has one role",
    );
    // Only the dataset's owner answers for it.
    let request = w.request;
    let dataset = w.coop.dataset;
    refused(
        try_append(
            &mut w.coop,
            &s0,
            Body::AskAnswer {
                request,
                dataset,
                allow: true,
            },
        ),
        "ledger.unauthorized",
        "owner",
    );
}

#[test]
fn a_tampered_or_forged_release_is_refused() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    let m = w.coop.member.clone();
    // Changed after signing: other credits.
    let mut op = w.coop.log.make_operation(&m, w.release(t), T0);
    let Some(Body::Release { terms, capability }) = op.body.clone() else {
        unreachable!()
    };
    op.body = Some(Body::Release {
        terms: ReleaseTerms {
            credits: 500,
            ..terms
        },
        capability,
    });
    let err = w.coop.log.append(op).unwrap_err();
    assert_eq!(err.code(), "ledger.body_hash_mismatch", "{err}");
    // Signed by someone else in the member's name: the signature fails.
    let trainer = w.trainer.clone();
    let mut forged = w.coop.log.make_operation(&trainer, w.release(t), T0);
    let mut header = forged.header.as_bytes().to_vec();
    let author_at = header
        .windows(32)
        .position(|win| win == pk(&trainer))
        .unwrap();
    header[author_at..author_at + 32].copy_from_slice(&pk(&m));
    forged.header = SignedHeader::decode(&header).unwrap();
    let err = w.coop.log.append(forged).unwrap_err();
    assert_eq!(err.code(), "ledger.bad_signature", "{err}");
    assert!(w.coop.log.state().releases().is_empty());
}

/// The whole log as a node serving it sends it to trainer `me`.
fn as_served_to(log: &Log<MemStore>, me: &[u8; 32]) -> Vec<Operation> {
    (0..log.len())
        .map(|i| log.operation_for_trainer(i, me).unwrap())
        .collect()
}

/// A trainer's view of the log: members' consent records, ask answers and another
/// trainer's request reach it as signed headers only, yet its replica verifies against
/// the same cosigned checkpoints and holds its own request, its approvals and the
/// release to it (naming the consent behind it, as a header it can prove).
#[test]
fn a_trainers_view_verifies_without_the_members_consent_records() {
    let mut w = world(Purpose::ModelTraining);
    let (_, consent) = w.coop.consent();
    w.answer(true);
    let other = key(31);
    w.coop.join_trainer(&other, 8);
    let (_, theirs) = w.coop.append(
        &other,
        Body::AccessRequest {
            purpose: Purpose::ModelTraining,
            categories: vec!["fitness".parse::<Category>().unwrap()],
            period_secs: PERIOD,
            license: "MIT".into(),
            credits: 1,
            deadline: T0 + 86_400,
            request_key: [8; 32],
        },
    );
    let s0 = w.coop.stewards[0].clone();
    w.coop
        .append(&s0, Body::RequestApproval { request: theirs });
    let t = w.approve();
    w.try_release(w.release(t)).unwrap();
    let checkpoint = w.coop.checkpoint_and_cosign(T0 + 600, 2);
    let me = pk(&w.trainer);

    let served = as_served_to(&w.coop.log, &me);
    for op in &served {
        assert!(
            !matches!(
                op.body,
                Some(Body::ConsentSet { .. } | Body::AskAnswer { .. })
            ),
            "a consent record or answer was served to the trainer"
        );
        if op.header.header().author == pk(&other) && op.header.header().kind != OpKind::Join {
            assert!(
                op.body.is_none(),
                "another trainer's {:?} was served",
                op.body
            );
        }
    }
    let withheld = served.iter().filter(|op| op.body.is_none()).count() as u64;
    // The consent, the answer, the other trainer's request and its approval.
    assert_eq!(withheld, 4);

    let view = View::Trainer(me);
    let mut mine = Log::create_as(MemStore::new(), served[0].clone(), view).unwrap();
    mine.ingest(served[1..].to_vec(), &checkpoint, 1).unwrap();
    let state = mine.state();
    assert_eq!(state.withheld_bodies(), withheld);
    assert!(state.access_request(&theirs).is_none());
    assert_eq!(
        state.request_approved_at(&w.request),
        w.coop.log.state().request_approved_at(&w.request)
    );
    let releases = state.releases_to(&me);
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0].consent, consent);
    assert!(
        state
            .consent_in_force(&pk(&w.coop.member), &w.coop.dataset)
            .is_none()
    );

    // It verifies as a trainer's view; as a full view it does not (a member's replica
    // must hold every body, so a server cannot hide operations from members this way).
    let report = verify_log(
        mine.store(),
        &VerifyOptions {
            view,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(report.withheld_bodies, withheld);
    assert_eq!(report.operations, w.coop.log.len());
    let err = verify_log(mine.store(), &VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), "ledger.body_missing", "{err}");
    let mut member = Log::create(MemStore::new(), served[0].clone()).unwrap();
    let err = member
        .ingest(served[1..].to_vec(), &checkpoint, 1)
        .unwrap_err();
    assert_eq!(err.code(), "ledger.body_missing", "{err}");
    // Reopened, the view is rebuilt the same.
    let reopened = Log::open_as(mine.into_store(), view).unwrap();
    assert_eq!(reopened.state().releases_to(&me).len(), 1);
}

/// What a trainer's view cannot be fooled by: a withheld header changed in transit (the
/// tree no longer reaches the checkpoint), a readable body withheld from a member's
/// view, a release naming another member's consent.
#[test]
fn a_trainers_view_still_refuses_tampering() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    w.try_release(w.release(t)).unwrap();
    let checkpoint = w.coop.checkpoint_and_cosign(T0 + 600, 2);
    let me = pk(&w.trainer);
    let view = View::Trainer(me);
    let served = as_served_to(&w.coop.log, &me);

    // A withheld operation swapped for another signed header by the same member.
    let m = w.coop.member.clone();
    let mut swapped = served.clone();
    let at = swapped.iter().position(|op| op.body.is_none()).unwrap();
    let h = swapped[at].header.header().clone();
    let forged = datacoop_ledger::Header {
        claimed_time: h.claimed_time + 1,
        ..h
    }
    .sign(&m);
    swapped[at] = Operation {
        header: forged,
        body: None,
    };
    let mut mine = Log::create_as(MemStore::new(), served[0].clone(), view).unwrap();
    let err = mine
        .ingest(swapped[1..].to_vec(), &checkpoint, 1)
        .unwrap_err();
    // Caught by the member's next operation (its chain names the original) or, failing
    // that, by the tree's root.
    assert!(
        ["ledger.broken_chain", "ledger.checkpoint_mismatch"]
            .iter()
            .any(|code| err.code() == *code),
        "{err}"
    );
    assert_eq!(mine.len(), 1, "a refused batch leaves nothing");

    // A release naming a consent that is not one of the releasing member's.
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    let Body::Release {
        terms, capability, ..
    } = w.release(t)
    else {
        unreachable!()
    };
    let bad = Body::Release {
        terms: ReleaseTerms {
            consent: w.request,
            ..terms
        },
        capability,
    };
    refused(
        w.try_release(bad),
        "ledger.invalid_reference",
        "not the member's in force",
    );
}

/// A member other than the fixture's, accepted (secret `[n; 32]`).
fn another_member(coop: &mut Coop<MemStore>, who: &SigningKey, n: u8) {
    let s0 = coop.stewards[0].clone();
    let (_, invite) = coop.append(
        &s0,
        Body::Invite {
            secret_hash: sha256(&[n; 32]),
            role: Role::Member,
            expires: T0 + 86_400,
        },
    );
    let (_, join) = coop.append(
        who,
        Body::Join {
            invite,
            secret: [n; 32],
            endpoint_key: pk(&key(n)),
        },
    );
    coop.append(&s0, Body::JoinAcceptance { join });
}

/// A world whose member released to the approved request: (world, release id).
fn released() -> (World, OpId) {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    w.try_release(w.release(t)).unwrap();
    let id = w.coop.log.state().releases_of(&w.request)[0].id;
    (w, id)
}

#[test]
fn the_releasing_member_or_a_steward_revokes_a_release_and_nobody_else() {
    let (mut w, release) = released();
    let other = key(40);
    another_member(&mut w.coop, &other, 41);
    let revoke = |reason: &str| Body::Revocation {
        grant: release,
        reason: reason.into(),
    };
    // Another member and the trainer cannot.
    refused(
        try_append(&mut w.coop, &other, revoke("mine now")),
        "ledger.unauthorized",
        "the member who released it",
    );
    let trainer = w.trainer.clone();
    refused(
        try_append(&mut w.coop, &trainer, revoke("keep it")),
        "ledger.unauthorized",
        "the member who released it",
    );
    assert!(
        w.coop
            .log
            .state()
            .release(&release)
            .unwrap()
            .revoked
            .is_none()
    );
    // The member can; the revocation says who and why; a later one changes nothing.
    let member = w.coop.member.clone();
    let index = try_append(&mut w.coop, &member, revoke("changed my mind")).unwrap();
    let s1 = w.coop.stewards[1].clone();
    try_append(&mut w.coop, &s1, revoke("late")).unwrap();
    let revoked = w
        .coop
        .log
        .state()
        .release(&release)
        .unwrap()
        .revoked
        .clone()
        .unwrap();
    assert_eq!(
        (revoked.index, revoked.by, revoked.reason.as_str()),
        (index, pk(&member), "changed my mind")
    );
    verify_log(w.coop.log.store(), &VerifyOptions::default()).unwrap();

    // A steward revokes any release.
    let (mut w, release) = released();
    let s2 = w.coop.stewards[2].clone();
    try_append(
        &mut w.coop,
        &s2,
        Body::Revocation {
            grant: release,
            reason: "license breached".into(),
        },
    )
    .unwrap();
    let revoked = w
        .coop
        .log
        .state()
        .release(&release)
        .unwrap()
        .revoked
        .clone()
        .unwrap();
    assert_eq!(revoked.by, pk(&s2));
    assert_eq!(RULES, 7);
}

#[test]
fn serving_peers_report_what_they_sent_a_releases_trainer() {
    let (mut w, release) = released();
    let served = |requests| Body::Served {
        release,
        requests,
        bytes: 4096,
    };
    let (s0, member, trainer) = (
        w.coop.stewards[0].clone(),
        w.coop.member.clone(),
        w.trainer.clone(),
    );
    try_append(&mut w.coop, &s0, served(2)).unwrap();
    try_append(&mut w.coop, &member, served(1)).unwrap();
    let r = w.coop.log.state().release(&release).unwrap().clone();
    assert_eq!((r.served_requests, r.served_bytes), (3, 8192));
    refused(
        try_append(&mut w.coop, &trainer, served(1)),
        "ledger.unauthorized",
        "reports serving it",
    );
    refused(
        try_append(&mut w.coop, &s0, served(0)),
        "ledger.invalid_body",
        "at least one request",
    );
    let request = w.request;
    refused(
        try_append(
            &mut w.coop,
            &s0,
            Body::Served {
                release: request,
                requests: 1,
                bytes: 1,
            },
        ),
        "ledger.invalid_reference",
        "not a release",
    );
    verify_log(w.coop.log.store(), &VerifyOptions::default()).unwrap();
}

#[test]
fn no_release_once_the_window_closed_by_log_time() {
    let mut w = world(Purpose::ModelTraining);
    w.coop.consent();
    w.answer(true);
    let t = w.approve();
    // Witnesses cosign a checkpoint after the window's end: log time is past it.
    w.coop.checkpoint_and_cosign(t + PERIOD, 2);
    refused(
        w.try_release(w.release(t)),
        "ledger.invalid_reference",
        "window closed",
    );
}

/// A trainer's view holds the revocation of its release and the reports about it, and
/// neither of another trainer's.
#[test]
fn a_trainers_view_reads_the_end_of_its_own_grants() {
    let (mut w, release) = released();
    let (member, s0) = (w.coop.member.clone(), w.coop.stewards[0].clone());
    try_append(
        &mut w.coop,
        &s0,
        Body::Served {
            release,
            requests: 1,
            bytes: 10,
        },
    )
    .unwrap();
    try_append(
        &mut w.coop,
        &member,
        Body::Revocation {
            grant: release,
            reason: "withdrawn".into(),
        },
    )
    .unwrap();
    let checkpoint = w.coop.checkpoint_and_cosign(T0 + 900, 2);
    let me = pk(&w.trainer);
    let served = as_served_to(&w.coop.log, &me);
    let last: Vec<OpKind> = served[served.len() - 2..]
        .iter()
        .map(|op| op.header.header().kind)
        .collect();
    assert_eq!(last, [OpKind::Served, OpKind::Revocation]);
    assert!(
        served[served.len() - 2..]
            .iter()
            .all(|op| op.body.is_some())
    );
    let mut mine = Log::create_as(MemStore::new(), served[0].clone(), View::Trainer(me)).unwrap();
    mine.ingest(served[1..].to_vec(), &checkpoint, 1).unwrap();
    let revoked = mine
        .state()
        .release(&release)
        .unwrap()
        .revoked
        .clone()
        .unwrap();
    assert_eq!(
        (revoked.by, revoked.reason.as_str()),
        (pk(&member), "withdrawn")
    );
    // Another trainer receives both as headers only.
    let stranger = key(60);
    let theirs = as_served_to(&w.coop.log, &pk(&stranger));
    assert!(
        theirs[theirs.len() - 2..]
            .iter()
            .all(|op| op.body.is_none())
    );
}
