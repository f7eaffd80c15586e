//! Access with real owners on 127.0.0.1: a trainer requests, the steward approves, the
//! consenting member's node releases on its own and the trainer fetches files identical to
//! the member's, with croissant.json and proofs; nothing of the member who did not consent
//! is fetched. Refusals: a request not yet approved, a denied one, an ask-mode member who
//! declines, a withdrawal before the release, another trainer's request, a trainer joining
//! as a member.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::story::{add, consent, fetch, founder, member, request, view, wait_for};
use datacoop_node::api::{
    ConsentAnswer, ConsentSet, ConsentWithdraw, CoopAccept, CoopInvite, CoopJoin, CoopShow,
    GrantList, LogVerify, RequestApprove, RequestCreate, RequestDeny,
};
use datacoop_node::{Code, RequestStatus};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_approved_is_released_by_the_consenting_member_and_fetched_identical() {
    let ada = founder().await;
    let bea = member(&ada, "Bea", "member").await;
    let cy = member(&ada, "Cy", "member").await;
    let tess = member(&ada, "Tess", "trainer").await;
    // The trainer's home keeps a trainer's view of the log; members' homes a full one.
    let kept = std::fs::read_to_string(tess.home.root().join("ledger-view")).unwrap();
    assert!(kept.starts_with("trainer "), "{kept}");
    assert!(!bea.home.root().join("ledger-view").exists());
    let work = tempfile::tempdir().unwrap();
    let bea_files: &[(&str, &[u8])] = &[("mon.csv", b"km,5\n"), ("tue.csv", b"km,7\n")];
    add(&bea, &work.path().join("bea"), bea_files).await;
    add(&cy, &work.path().join("cy"), &[("secret.csv", b"cy's own")]).await;
    consent(&bea, false).await;
    // Cy consents to research only: not a match for ModelTraining.
    cy.ok(ConsentSet {
        dataset: "runs".into(),
        allow: vec!["ScientificResearch".into()],
        deny: Vec::new(),
        max_days: None,
        ask: false,
    })
    .await;

    // A trainer never becomes a member with the same identity.
    let again = tess
        .call(CoopJoin {
            ticket: ada.invite("member").await,
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::InputAlreadyInCooperative, "{again}");

    let id = request(&tess).await;
    // Only stewards approve; only trainers request.
    let err = bea
        .call(RequestApprove { id: id.clone() })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputWrongRole, "{err}");
    let err = bea
        .call(RequestCreate {
            category: "fitness".into(),
            purpose: "ModelTraining".into(),
            period_secs: 60,
            license: "MIT".into(),
            credits: 0,
            deadline_secs: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputWrongRole, "{err}");

    // Not approved yet: nothing is released, fetch says so and names who is pending.
    let out = work.path().join("fetched");
    let err = fetch(&tess, &id, &out, 0, false).await.unwrap_err();
    assert_eq!(err.code(), Code::AccessNothingReleased, "{err}");
    let pending = view(&ada, &id).await.unwrap();
    assert_eq!(pending.status, RequestStatus::Pending);
    assert_eq!(pending.matching, 1, "Bea matches, Cy does not: {pending:?}");

    ada.ok(RequestApprove { id: id.clone() }).await;
    wait_for(&tess, &id, "Bea's release", |v| v.released == 1).await;
    let report = fetch(&tess, &id, &out, 30, true).await.unwrap();
    assert_eq!(report.files, 2, "{report:?}");
    assert_eq!(report.released_by.len(), 1);
    assert!(report.pending.is_empty(), "{report:?}");

    // Bit-identical to Bea's originals, nothing of Cy's.
    let mut written = Vec::new();
    for entry in walk(&out) {
        written.push(entry.strip_prefix(&out).unwrap().to_owned());
    }
    for (name, bytes) in bea_files {
        let path = written
            .iter()
            .find(|p| p.ends_with(Path::new("runs").join(name)) || p.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not fetched: {written:?}"));
        assert_eq!(std::fs::read(out.join(path)).unwrap(), *bytes, "{name}");
    }
    for path in &written {
        let bytes = std::fs::read(out.join(path)).unwrap();
        assert!(
            !bytes.windows(8).any(|w| w == b"cy's own"),
            "{}",
            path.display()
        );
    }
    // croissant.json names the license, the window and each file's provenance.
    let croissant: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("croissant.json")).unwrap()).unwrap();
    assert_eq!(
        croissant["license"],
        "https://spdx.org/licenses/CC-BY-NC-4.0.html"
    );
    let files = croissant["distribution"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for f in files {
        assert_eq!(f["prov:wasDerivedFrom"].as_array().unwrap().len(), 3, "{f}");
        assert!(
            out.join(f["datacoop:proof"].as_str().unwrap()).is_file(),
            "{f}"
        );
    }

    croissant_validates(&out.join("croissant.json"));

    // Both sides see the grant; the member's says what it earns.
    let grants = bea.ok(GrantList {}).await;
    assert_eq!(grants.len(), 1);
    assert!(grants[0].mine && grants[0].live, "{:?}", grants[0]);
    assert_eq!(grants[0].credits, 5);
    assert_eq!(grants[0].dataset.as_deref(), Some("runs"));
    assert_eq!(tess.ok(GrantList {}).await.len(), 1);
    assert!(cy.ok(GrantList {}).await.is_empty());

    // With Bea's computer off, the steward's copies serve the same release again.
    let bea_home = bea.stop().await;
    let started = Instant::now();
    let mut attempt = 0;
    let (again, report) = loop {
        // The steward's node pins the capability in its next round: until then, not held.
        attempt += 1;
        let again = work.path().join(format!("again-{attempt}"));
        match fetch(&tess, &id, &again, 0, true).await {
            Ok(report) => break (again, report),
            Err(e)
                if e.code() == Code::NetNotHeld && started.elapsed() < Duration::from_secs(60) =>
            {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("fetch from the steward: {e}"),
        }
    };
    assert_eq!(report.files, 2, "{report:?}");
    for (name, bytes) in bea_files {
        let found = walk(&again)
            .into_iter()
            .find(|p| p.ends_with(name))
            .unwrap_or_else(|| panic!("{name} not fetched from the steward"));
        assert_eq!(std::fs::read(found).unwrap(), *bytes, "{name}");
    }
    drop(bea_home);

    // Another trainer cannot fetch this request, nor decrypt its capability.
    let uma = member(&ada, "Uma", "trainer").await;
    let err = fetch(&uma, &id, &work.path().join("uma"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputNotYourRequest, "{err}");
    // The trainer's view of the log, its release included, verifies; Bea's and Cy's
    // consent records reached it as signed headers only.
    let verified = tess.ok(LogVerify {}).await;
    assert!(verified.operations > 10, "{verified:?}");
    assert!(verified.withheld >= 2, "{verified:?}");
    assert_eq!(ada.ok(LogVerify {}).await.withheld, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn denials_declines_and_withdrawals_release_nothing() {
    let ada = founder().await;
    let bea = member(&ada, "Bea", "member").await;
    let tess = member(&ada, "Tess", "trainer").await;
    let work = tempfile::tempdir().unwrap();
    add(&bea, &work.path().join("bea"), &[("mon.csv", b"km,5\n")]).await;
    consent(&bea, true).await;

    // A denied request reaches the trainer with its reason.
    let denied = request(&tess).await;
    let err = ada
        .call(RequestDeny {
            id: denied.clone(),
            reason: " ".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InputReasonRequired, "{err}");
    ada.ok(RequestDeny {
        id: denied.clone(),
        reason: "too broad".into(),
    })
    .await;
    wait_for(&tess, &denied, "the denial", |v| {
        v.status == RequestStatus::Denied
    })
    .await;
    let err = fetch(&tess, &denied, &work.path().join("d"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessDenied, "{err}");
    assert!(err.to_string().contains("too broad"), "{err}");

    // Ask mode: Bea is asked; she declines; nothing is released.
    let asked = request(&tess).await;
    wait_for(&bea, &asked, "the question", |v| v.asks_me == ["runs"]).await;
    bea.ok(ConsentAnswer {
        id: asked.clone(),
        accept: false,
    })
    .await;
    ada.ok(RequestApprove { id: asked.clone() }).await;
    // Silence or a no: still nothing after a while (the steward's node has released
    // nothing either: it owns no data).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let err = fetch(&tess, &asked, &work.path().join("a"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessNothingReleased, "{err}");
    assert!(bea.ok(GrantList {}).await.is_empty());

    // A withdrawal before the approval: the member's node never releases.
    let late = request(&tess).await;
    wait_for(&bea, &late, "the question", |v| v.asks_me == ["runs"]).await;
    bea.ok(ConsentAnswer {
        id: late.clone(),
        accept: true,
    })
    .await;
    bea.ok(ConsentWithdraw {
        dataset: "runs".into(),
    })
    .await;
    ada.ok(RequestApprove { id: late.clone() }).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let err = fetch(&tess, &late, &work.path().join("l"), 0, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AccessNothingReleased, "{err}");
    assert!(bea.ok(GrantList {}).await.is_empty());
}

/// A trainer admitted through a reviewed invitation holds a trainer's view once a steward
/// accepted it, like one joined at once, and can request.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reviewed_trainer_joins_with_a_trainers_view() {
    let ada = founder().await;
    let ticket = ada
        .ok(CoopInvite {
            role: "trainer".into(),
            expires_secs: None,
            review: true,
        })
        .await
        .ticket;
    let tess = common::Node::new("Tess").await;
    let joining = tess.ok(CoopJoin { ticket }).await;
    assert!(
        matches!(joining, datacoop_node::Joining::AwaitingReview { .. }),
        "{joining:?}"
    );
    let awaiting = ada.ok(CoopShow {}).await.awaiting;
    assert_eq!(awaiting.len(), 1, "{awaiting:?}");
    ada.ok(CoopAccept {
        id: awaiting[0].join.clone(),
    })
    .await;
    let start = Instant::now();
    while tess.call(CoopShow {}).await.is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the accepted trainer never finished joining"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let kept = std::fs::read_to_string(tess.home.root().join("ledger-view")).unwrap();
    assert!(kept.starts_with("trainer "), "{kept}");
    let id = request(&tess).await;
    wait_for(&ada, &id, "the request", |_| true).await;
}

/// `mlcroissant validate` (MLCommons' validator, in a virtual environment that
/// `scripts/croissant-venv.sh` makes once) accepts the document with no error.
fn croissant_validates(path: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/croissant-venv.sh");
    let venv = std::process::Command::new("bash")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        venv.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&venv.stderr)
    );
    let mlcroissant = String::from_utf8(venv.stdout).unwrap();
    let checked = std::process::Command::new(mlcroissant.trim())
        .args(["validate", "--jsonld"])
        .arg(path)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(
        checked.status.success(),
        "mlcroissant refused {}: {said}",
        path.display()
    );
    assert!(
        !said.contains("error(s)") && !said.contains("warning(s)"),
        "{said}"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "proofs") {
                continue;
            }
            out.extend(walk(&path));
        } else if path.file_name().is_some_and(|n| n != "croissant.json") {
            out.push(path);
        }
    }
    out
}

/// A capability moved into another grant (another request, dataset, window, member or
/// cooperative) or opened with another request's key does not open.
#[test]
fn a_capability_opens_only_for_its_own_grant_with_its_request_key() {
    use datacoop_crypto::{Capability, EpochKey, RequestKey};
    use datacoop_ledger::{OpId, ReleaseTerms};
    let key = RequestKey::generate().unwrap();
    let terms = ReleaseTerms {
        request: OpId([1; 32]),
        dataset: [2; 32],
        first_epoch: 0,
        last_epoch: 0,
        root: [3; 32],
        window_start: 10,
        window_end: 20,
        credits: 5,
        consent: OpId([6; 32]),
    };
    let (coop, member) = ([4; 32], [5; 32]);
    let epoch = EpochKey::generate();
    let cap = Capability::seal(
        &[(0, epoch.clone())],
        &key.public(),
        &terms.binding(&coop, &member),
    )
    .unwrap();
    let opened = cap.open(&key, &terms.binding(&coop, &member)).unwrap();
    assert_eq!(
        opened[0].1.recipient().to_string(),
        epoch.recipient().to_string()
    );
    let others = [
        ReleaseTerms {
            request: OpId([9; 32]),
            ..terms.clone()
        }
        .binding(&coop, &member),
        ReleaseTerms {
            dataset: [9; 32],
            ..terms.clone()
        }
        .binding(&coop, &member),
        ReleaseTerms {
            window_end: 99,
            ..terms.clone()
        }
        .binding(&coop, &member),
        ReleaseTerms {
            last_epoch: 1,
            ..terms.clone()
        }
        .binding(&coop, &member),
        terms.binding(&coop, &[9; 32]),
        terms.binding(&[9; 32], &member),
    ];
    for other in others {
        let err = cap.open(&key, &other).unwrap_err();
        assert_eq!(err.code(), Code::IntegritySealedKey, "{err}");
    }
    let another_trainer = RequestKey::generate().unwrap();
    let err = cap
        .open(&another_trainer, &terms.binding(&coop, &member))
        .unwrap_err();
    assert_eq!(err.code(), Code::IntegritySealedKey, "{err}");
}
