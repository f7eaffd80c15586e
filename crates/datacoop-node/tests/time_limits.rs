//! Every way access ends, with real owners on 127.0.0.1 and real durations (a 30 s
//! window, a 2 s heartbeat, a 10 s stale bound): expiry, revocation by the member and by a
//! steward, withdrawal racing a release in both orders, a serving peer whose log time went
//! stale, and data added after a grant. In each case the trainer's own client refuses and
//! says why, and a trainer that skips its client's checks (a raw iroh-blobs request under
//! its identity) is refused by every serving peer, where the same request was served
//! while the grant was live. The activity and earnings statements match the log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::Node;
use common::story::{
    Raw, add, addr, consent, fetch, founder, member, raw_fetch, request, request_for, view,
    wait_for,
};
use datacoop_node::api::{
    ActivityList, ConsentSet, ConsentWithdraw, DataAdd, DataList, EarningsShow, GrantList,
    GrantRevoke, LogProof, RequestApprove,
};
use datacoop_node::{
    ActivityKind, Code, EarningStatus, Event, GrantEnding, GrantView, RequestStatus,
};
use iroh::EndpointAddr;

/// A steward (operator and only witness), a consenting member with two files, a trainer.
async fn cooperative(work: &Path) -> (Node, Node, Node) {
    let ada = founder().await;
    let bea = member(&ada, "Bea", "member").await;
    let tess = member(&ada, "Tess", "trainer").await;
    add(
        &bea,
        &work.join("bea"),
        &[("mon.csv", b"km,5\n"), ("tue.csv", b"km,7\n")],
    )
    .await;
    consent(&bea, false).await;
    (ada, bea, tess)
}

/// Approves `id` and waits until Bea's release is deliverable to the trainer.
async fn approved_and_released(ada: &Node, tess: &Node, id: &str) -> GrantView {
    ada.ok(RequestApprove { id: id.to_owned() }).await;
    wait_for(tess, id, "the release", |v| v.released == 1).await;
    let start = Instant::now();
    loop {
        let grants = tess.ok(GrantList {}).await;
        if let Some(g) = grants.iter().find(|g| g.request == id && g.live) {
            return g.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{grants:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Polls `check` for up to `secs` seconds.
async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Waits until `holder` serves the trainer `grant` (a holder may still be pinning it).
async fn served_by(trainer: &Node, holder: &EndpointAddr, grant: &GrantView, who: &str) {
    eventually(30, &format!("{who} to serve"), || async {
        raw_fetch(trainer, holder, grant).await == Raw::Served
    })
    .await;
}

async fn grant(node: &Node, id: &str) -> GrantView {
    node.ok(GrantList {})
        .await
        .into_iter()
        .find(|g| g.id == id)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_grant_is_refused_by_every_peer_and_by_the_client_which_wiped_its_key() {
    let work = tempfile::tempdir().unwrap();
    let (ada, bea, tess) = cooperative(work.path()).await;
    let mut told = tess.owner.subscribe();
    let id = request_for(&tess, 30).await;
    let live = approved_and_released(&ada, &tess, &id).await;
    assert_eq!(live.window_end - live.window_start, 30);

    // Inside the window: the client fetches, and both holders serve even a raw request.
    let report = fetch(&tess, &id, &work.path().join("in-time"), 0, true)
        .await
        .unwrap();
    assert_eq!(report.files, 2, "{report:?}");
    let (ada_addr, bea_addr) = (addr(&ada).await, addr(&bea).await);
    served_by(&tess, &bea_addr, &live, "the member").await;
    // The steward pins the capability in its own round.
    served_by(&tess, &ada_addr, &live, "the steward").await;

    // The window closes: every peer refuses, the client refuses and wipes its key.
    let wait = live.window_end.saturating_sub(now()) + 1;
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(
        raw_fetch(&tess, &bea_addr, &live).await,
        Raw::Refused,
        "the member"
    );
    assert_eq!(
        raw_fetch(&tess, &ada_addr, &live).await,
        Raw::Refused,
        "the steward"
    );
    let err = fetch(&tess, &id, &work.path().join("late"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessExpired, "{err}");
    assert!(err.to_string().contains("expired"), "{err}");
    let mut heard = Vec::new();
    let start = Instant::now();
    while !heard
        .iter()
        .any(|e| matches!(e, Event::RequestKeyWiped { request } if *request == id))
    {
        assert!(start.elapsed() < Duration::from_secs(30), "{heard:?}");
        heard.extend(drain(&mut told).await);
    }
    assert!(
        !work.path().join("late").join("croissant.json").exists(),
        "nothing was written after expiry"
    );
    assert_eq!(
        view(&tess, &id).await.unwrap().status,
        RequestStatus::Expired
    );
    // Both sides show it expired.
    for node in [&bea, &tess, &ada] {
        let g = grant(node, &live.id).await;
        assert!(!g.live, "{g:?}");
        assert_eq!(
            g.ending,
            Some(GrantEnding::Expired {
                at: live.window_end
            })
        );
    }
    let expired = bea.ok(ActivityList {}).await;
    assert!(
        expired.iter().any(|e| e.kind == ActivityKind::GrantExpired),
        "{expired:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_or_a_steward_revokes_and_the_trainer_is_told_why() {
    let work = tempfile::tempdir().unwrap();
    let (ada, bea, tess) = cooperative(work.path()).await;
    let cy = member(&ada, "Cy", "member").await;
    let mut told = tess.owner.subscribe();
    let first = request(&tess).await;
    let first_grant = approved_and_released(&ada, &tess, &first).await;
    let second = request(&tess).await;
    let second_grant = approved_and_released(&ada, &tess, &second).await;
    let bea_addr = addr(&bea).await;
    served_by(&tess, &bea_addr, &first_grant, "the member").await;

    // Nobody else may end Bea's grant: not another member, not the trainer.
    let err = cy
        .call(GrantRevoke {
            id: first_grant.id.clone(),
            reason: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputNothingToRevoke, "{err}");
    let err = tess
        .call(GrantRevoke {
            id: first.clone(),
            reason: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputNothingToRevoke, "{err}");

    // The member revokes her grant to the first request.
    let revoked = bea
        .ok(GrantRevoke {
            id: first_grant.id.clone(),
            reason: Some("changed my mind".into()),
        })
        .await;
    assert_eq!(revoked.revoked, std::slice::from_ref(&first_grant.id));
    eventually(30, "the trainer to hear of it", || async {
        grant(&tess, &first_grant.id).await.ending.is_some()
    })
    .await;
    let err = fetch(&tess, &first, &work.path().join("one"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessRevoked, "{err}");
    assert!(
        err.to_string().contains("revoked by the member")
            && err.to_string().contains("changed my mind"),
        "{err}"
    );
    assert_eq!(
        raw_fetch(&tess, &bea_addr, &first_grant).await,
        Raw::Refused,
        "refused once revoked"
    );
    // The second grant is untouched.
    served_by(&tess, &bea_addr, &second_grant, "the member").await;

    // A steward revokes every grant of the second request, naming the request.
    ada.ok(GrantRevoke {
        id: second.clone(),
        reason: Some("license breached".into()),
    })
    .await;
    eventually(30, "the second revocation", || async {
        grant(&tess, &second_grant.id).await.ending.is_some()
    })
    .await;
    let err = fetch(&tess, &second, &work.path().join("two"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessRevoked, "{err}");
    assert!(err.to_string().contains("revoked by steward"), "{err}");
    assert!(err.to_string().contains("license breached"), "{err}");
    // The member's node hears of the steward's revocation and refuses too.
    eventually(30, "the member to refuse", || async {
        raw_fetch(&tess, &bea_addr, &second_grant).await == Raw::Refused
    })
    .await;
    // Ending it twice is refused with what happened.
    let err = ada
        .call(GrantRevoke {
            id: second.clone(),
            reason: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputNothingToRevoke, "{err}");

    // The trainer's node told it, as events.
    let endings: Vec<GrantEnding> = drain(&mut told)
        .await
        .into_iter()
        .filter_map(|event| match event {
            Event::GrantEnded { ending, .. } => Some(ending),
            _ => None,
        })
        .collect();
    assert!(
        endings.iter().any(|e| matches!(e, GrantEnding::Revoked { by_member: true, reason, .. } if reason == "changed my mind")),
        "{endings:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn consent_changes_and_withdrawals_end_grants_by_log_order_both_ways() {
    let work = tempfile::tempdir().unwrap();
    let (ada, bea, tess) = cooperative(work.path()).await;
    let cy = member(&ada, "Cy", "member").await;
    add(&cy, &work.path().join("cy"), &[("cy.csv", b"km,3\n")]).await;
    let set = |allow: &str, max_days: u64| ConsentSet {
        dataset: "runs".into(),
        allow: vec![allow.into()],
        deny: Vec::new(),
        max_days: Some(max_days),
        ask: false,
    };

    // A change of terms that still allows the request keeps the grant; one that no
    // longer does ends it, and the trainer is told.
    let id = request(&tess).await;
    let live = approved_and_released(&ada, &tess, &id).await;
    bea.ok(set("ModelTraining", 120)).await;
    let kept = grant(&bea, &live.id).await;
    assert!(kept.ending.is_none() && kept.live, "{kept:?}");
    bea.ok(set("ScientificResearch", 120)).await;
    let ended = grant(&bea, &live.id).await;
    assert!(
        matches!(&ended.ending, Some(GrantEnding::Revoked { by_member: true, reason, .. }) if reason.contains("changed")),
        "{ended:?}"
    );

    // The release first: the withdrawal that follows ends it in the same batch.
    consent(&bea, false).await;
    let id = request(&tess).await;
    let live = approved_and_released(&ada, &tess, &id).await;
    fetch(&tess, &id, &work.path().join("before"), 0, true)
        .await
        .unwrap();
    bea.ok(ConsentWithdraw {
        dataset: "runs".into(),
    })
    .await;
    let ended = grant(&bea, &live.id).await;
    assert!(
        matches!(&ended.ending, Some(GrantEnding::Revoked { by_member: true, reason, .. }) if reason.contains("withdrew")),
        "{ended:?}"
    );
    eventually(30, "the trainer to hear of it", || async {
        grant(&tess, &live.id).await.ending.is_some()
    })
    .await;
    let err = fetch(&tess, &id, &work.path().join("after"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessRevoked, "{err}");
    assert!(err.to_string().contains("withdrew"), "{err}");
    assert_eq!(
        raw_fetch(&tess, &addr(&bea).await, &live).await,
        Raw::Refused
    );

    // The withdrawal first (before the approval): Bea's node never releases, while Cy,
    // who consents to the same request, does.
    consent(&bea, false).await;
    consent(&cy, false).await;
    let late = request(&tess).await;
    wait_for(&ada, &late, "both to match", |v| v.matching == 2).await;
    bea.ok(ConsentWithdraw {
        dataset: "runs".into(),
    })
    .await;
    ada.ok(RequestApprove { id: late.clone() }).await;
    wait_for(&ada, &late, "Cy's release", |v| v.released == 1).await;
    let cy_id = hex::encode(cy.identity().verification_key().to_bytes());
    let released: Vec<String> = ada
        .ok(GrantList {})
        .await
        .into_iter()
        .filter(|g| g.request == late)
        .map(|g| g.member)
        .collect();
    assert_eq!(released, [cy_id], "only Cy released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_serving_peer_whose_log_time_went_stale_refuses_trainers() {
    let work = tempfile::tempdir().unwrap();
    let (ada, bea, tess) = cooperative(work.path()).await;
    let id = request(&tess).await;
    let live = approved_and_released(&ada, &tess, &id).await;
    let bea_addr = addr(&bea).await;
    served_by(&tess, &bea_addr, &live, "the member").await;

    // The only witness stops: Bea's log time stops moving, and after the stale bound
    // (10 s in tests) she cannot tell whether the grant expired, so she refuses.
    let ada_home = ada.stop().await;
    eventually(40, "the member to refuse", || async {
        raw_fetch(&tess, &bea_addr, &live).await == Raw::Refused
    })
    .await;
    let err = fetch(&tess, &id, &work.path().join("stale"), 0, false)
        .await
        .unwrap_err();
    assert_ne!(err.code(), Code::AccessExpired, "not expired: {err}");
    // The witness is back: log time moves again and she serves.
    let _ada = Node::restart(ada_home).await;
    eventually(40, "the member to serve again", || async {
        raw_fetch(&tess, &bea_addr, &live).await == Raw::Served
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn files_added_after_a_grant_are_under_keys_it_never_opens() {
    let work = tempfile::tempdir().unwrap();
    let (ada, bea, tess) = cooperative(work.path()).await;
    let id = request(&tess).await;
    let live = approved_and_released(&ada, &tess, &id).await;
    assert_eq!(live.last_epoch, 0);

    // Bea adds a file: it goes to a new epoch, under a key released to nobody.
    let later = work.path().join("later");
    std::fs::create_dir_all(&later).unwrap();
    std::fs::write(later.join("wed.csv"), b"km,9\n").unwrap();
    bea.ok(DataAdd {
        dataset: "runs".into(),
        category: None,
        paths: vec![later.join("wed.csv")],
        age: false,
    })
    .await;
    // The new epoch reaches the log, and the steward pins it.
    let start = Instant::now();
    let placement = loop {
        let listing = bea.ok(DataList { dataset: None }).await;
        let placement = listing.placement[0].clone();
        if placement.epochs == 2 && placement.announced == 2 && !placement.pinned_by.is_empty() {
            break placement;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{placement:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let new_root = placement.epoch_roots[1].clone();

    // The old capability fetches the old files only.
    let out = work.path().join("fetched");
    let report = fetch(&tess, &id, &out, 0, true).await.unwrap();
    assert_eq!(report.files, 2, "{report:?}");
    assert!(
        !walk_has(&out, "wed.csv"),
        "a file added after the grant was fetched"
    );
    // Asked for directly, the new epoch is refused by both holders, who serve the
    // granted one.
    let newer = GrantView {
        root: new_root,
        ..live.clone()
    };
    for holder in [addr(&bea).await, addr(&ada).await] {
        served_by(&tess, &holder, &live, "a holder").await;
        assert_eq!(raw_fetch(&tess, &holder, &newer).await, Raw::Refused);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn activity_and_earnings_are_read_off_the_log() {
    let work = tempfile::tempdir().unwrap();
    let (ada, bea, tess) = cooperative(work.path()).await;
    let id = request(&tess).await;
    let live = approved_and_released(&ada, &tess, &id).await;
    fetch(&tess, &id, &work.path().join("f"), 0, true)
        .await
        .unwrap();
    // The holders report what they sent the trainer on the log.
    eventually(40, "a report of what was served", || async {
        grant(&bea, &live.id).await.served_requests > 0
    })
    .await;
    bea.ok(GrantRevoke {
        id: live.id.clone(),
        reason: Some("enough".into()),
    })
    .await;

    let earnings = bea.ok(EarningsShow {}).await;
    assert_eq!(earnings.grants.len(), 1);
    assert_eq!(earnings.total, 5);
    assert_eq!(earnings.grants[0].grant, live.id);
    assert_eq!(earnings.grants[0].status, EarningStatus::Revoked);
    assert!(tess.ok(EarningsShow {}).await.grants.is_empty());

    let activity = bea.ok(ActivityList {}).await;
    let kinds: Vec<ActivityKind> = activity.iter().map(|e| e.kind).collect();
    for kind in [
        ActivityKind::ConsentGiven,
        ActivityKind::RequestMatched,
        ActivityKind::RequestApproved,
        ActivityKind::KeysReleased,
        ActivityKind::DataServed,
        ActivityKind::GrantRevoked,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from {kinds:?}");
    }
    let position = |k| kinds.iter().position(|x| *x == k).unwrap();
    assert!(position(ActivityKind::ConsentGiven) < position(ActivityKind::KeysReleased));
    assert!(position(ActivityKind::KeysReleased) < position(ActivityKind::GrantRevoked));
    // Every row is an operation the log proves.
    for entry in &activity {
        let proof = bea
            .ok(LogProof {
                id: entry.operation.clone(),
            })
            .await;
        assert!(
            proof.text.starts_with("c2sp.org/tlog-proof@v1"),
            "{proof:?}"
        );
    }
    // The CSV export has the same rows.
    let csv = datacoop_node::activity_csv(&activity).unwrap();
    assert_eq!(
        String::from_utf8(csv).unwrap().lines().count(),
        activity.len() + 1
    );
    let served = activity
        .iter()
        .find(|e| e.kind == ActivityKind::DataServed)
        .unwrap();
    assert!(served.bytes.unwrap() > 0, "{served:?}");
    let trainer_side = tess.ok(ActivityList {}).await;
    assert!(
        trainer_side
            .iter()
            .any(|e| e.kind == ActivityKind::RequestMade),
        "{trainer_side:?}"
    );
}

/// The events `events` holds now (waiting a moment for the next one).
async fn drain(events: &mut datacoop_node::Subscription) -> Vec<Event> {
    let mut out = Vec::new();
    while let Ok(Some(event)) =
        tokio::time::timeout(Duration::from_millis(200), events.next()).await
    {
        out.push(event);
    }
    out
}

fn walk_has(dir: &Path, name: &str) -> bool {
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk_has(&path, name)
        } else {
            path.file_name().is_some_and(|n| n == name)
        }
    })
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
