//! Every use case, in-process: the typed operations run on a node the test opened itself,
//! the way a one-shot command runs them.

use std::sync::Arc;

use datacoop_core::Role;
use datacoop_crypto::KdfCost;
use datacoop_ledger::OpKind;
use secrecy::SecretString;

use crate::api::{
    ConsentSet, ConsentShow, ConsentWithdraw, CoopCreate, CoopShow, DataAdd, DataExport, DataList,
    DataRecipient, DataRename, LogProof, LogShow, LogVerify, Op, Whoami,
};
use crate::{Code, Home, Inclusion, NoProgress, NodeError, Session, SessionOptions};

async fn run<O: Op>(session: &Session, op: O) -> Result<O::Output, NodeError> {
    session
        .call(op, Arc::new(NoProgress), &crate::CancellationToken::new())
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_use_case_runs_in_process_with_typed_answers() {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let pass = "pass phrase";
    crate::init(&home, "Ada", &SecretString::from(pass), KdfCost::Cheap).unwrap();
    let options = SessionOptions {
        kdf_cost: KdfCost::Cheap,
        ..Default::default()
    };
    let session = Session::open(
        &home,
        || Ok::<_, NodeError>(SecretString::from(pass)),
        options,
        |_| {},
    )
    .await
    .unwrap();
    assert!(matches!(session, Session::Local { .. }));

    let me = run(&session, Whoami {}).await.unwrap();
    assert_eq!(me.identity.name, "Ada");
    assert!(me.roles.is_empty());

    // The vault: add, list, recipient, export.
    let file = dir.path().join("run.csv");
    std::fs::write(&file, b"km,minutes\n5,27\n").unwrap();
    let add = DataAdd {
        dataset: "runs".into(),
        category: Some("fitness".into()),
        paths: vec![file.clone()],
        age: false,
    };
    let added = run(&session, add).await.unwrap();
    assert!(added.created);
    assert_eq!((added.files, added.bytes), (1, 16));
    let listing = run(
        &session,
        DataList {
            dataset: Some("runs".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(listing.datasets.len(), 1);
    assert_eq!(listing.entries[0].name, "run.csv");
    let recipient = DataRecipient {
        dataset: "runs".into(),
        category: None,
    };
    assert!(
        run(&session, recipient)
            .await
            .unwrap()
            .recipient
            .starts_with("age1")
    );
    let out = dir.path().join("back");
    let export = DataExport {
        dataset: "runs".into(),
        out: out.clone(),
        age: false,
        passphrase: None,
    };
    assert_eq!(run(&session, export).await.unwrap().files, 1);
    assert_eq!(
        std::fs::read(out.join("run.csv")).unwrap(),
        std::fs::read(&file).unwrap()
    );

    // The log, before and after founding a cooperative.
    let err = run(&session, CoopShow {}).await.unwrap_err();
    assert_eq!(err.code(), Code::InputNoCooperative);
    let create = CoopCreate {
        name: "Runners".into(),
        threshold: None,
        witness_quorum: None,
    };
    let coop = run(&session, create.clone()).await.unwrap();
    assert_eq!(coop.role, Some(Role::Steward));
    assert_eq!(coop.members.len(), 1);
    let again = run(&session, create).await.unwrap_err();
    assert_eq!(again.code(), Code::InputAlreadyInCooperative);
    let me = run(&session, Whoami {}).await.unwrap();
    assert_eq!(me.roles, vec![Role::Steward]);

    let consent = ConsentSet {
        dataset: "runs".into(),
        allow: vec!["ModelTraining".into()],
        deny: Vec::new(),
        max_days: Some(30),
        ask: true,
    };
    let first = run(&session, consent.clone()).await.unwrap();
    // Changing the terms withdraws the old ones and records the new in one step.
    let changed = ConsentSet {
        max_days: Some(30),
        ..consent.clone()
    };
    let consent = ConsentSet {
        max_days: Some(60),
        ..consent
    };
    run(&session, consent).await.unwrap();
    let recorded = run(&session, changed).await.unwrap();
    let consents = run(&session, ConsentShow {}).await.unwrap();
    assert_eq!(consents.len(), 3);
    assert_eq!(consents[0].record_id, first.operation);
    assert!(consents[0].withdrawn && consents[1].withdrawn);
    let consents = &consents[2..];
    assert_eq!(consents[0].record_id, recorded.operation);
    assert_eq!(consents[0].mode, Inclusion::Ask);
    assert_eq!(consents[0].max_days, Some(30));
    let withdraw = ConsentWithdraw {
        dataset: "runs".into(),
    };
    run(&session, withdraw.clone()).await.unwrap();
    let err = run(&session, withdraw).await.unwrap_err();
    assert_eq!(err.code(), Code::InputNoConsent);

    let entries = run(&session, LogShow { from: 0 }).await.unwrap();
    let rows: Vec<(OpKind, Option<&str>, bool)> = entries
        .iter()
        .map(|e| (e.kind, e.dataset.as_deref(), e.consent_changed))
        .collect();
    use OpKind::{ConsentSet as Set, ConsentWithdraw as Withdraw};
    let runs = Some("runs");
    assert_eq!(
        rows,
        [
            (OpKind::Genesis, None, false),
            (OpKind::EndpointAnnounce, None, false),
            (OpKind::DatasetAnnounce, runs, false),
            (Set, runs, false),
            (Withdraw, runs, true),
            (Set, runs, true),
            (Withdraw, runs, true),
            (Set, runs, true),
            (Withdraw, runs, false),
        ]
    );
    // Read from the middle of a change, the first row still knows it is one.
    let tail = run(&session, LogShow { from: 5 }).await.unwrap();
    assert_eq!(tail[0].index, 5);
    assert!(tail[0].consent_changed);
    let verified = run(&session, LogVerify {}).await.unwrap();
    assert_eq!(verified.operations, 9);

    // A rename keeps the dataset's consents: its public id on the log does not change.
    let consent = ConsentSet {
        dataset: "runs".into(),
        allow: vec!["ModelTraining".into()],
        deny: Vec::new(),
        max_days: None,
        ask: true,
    };
    run(&session, consent).await.unwrap();
    let rename = DataRename {
        dataset: "runs".into(),
        to: "jogging".into(),
    };
    run(&session, rename).await.unwrap();
    let consents = run(&session, ConsentShow {}).await.unwrap();
    assert!(
        consents.iter().all(|c| c.dataset == "jogging"),
        "{consents:?}"
    );
    let entries = run(&session, LogShow { from: 0 }).await.unwrap();
    assert_eq!(entries[2].dataset.as_deref(), Some("jogging"));
    let withdraw = ConsentWithdraw {
        dataset: "jogging".into(),
    };
    run(&session, withdraw).await.unwrap();
    let old = ConsentWithdraw {
        dataset: "runs".into(),
    };
    assert_eq!(
        run(&session, old).await.unwrap_err().code(),
        Code::InputUnknownDataset
    );
    let proof = LogProof {
        id: entries[2].id[..12].to_owned(),
    };
    assert!(!run(&session, proof).await.unwrap().text.is_empty());
    let bad = LogProof { id: "zz".into() };
    assert_eq!(
        run(&session, bad).await.unwrap_err().code(),
        Code::InputBadId
    );
    session.close().await;
}

/// A build without the `insecure-test-kdf` feature ignores the variable (and says so);
/// a build for tests honours it.
#[test]
fn only_builds_for_tests_honour_the_weak_kdf_variable() {
    use crate::kdf_cost_for;
    assert_eq!(kdf_cost_for(Some("1"), false), KdfCost::Default);
    assert_eq!(kdf_cost_for(Some("10"), false), KdfCost::Default);
    assert_eq!(kdf_cost_for(None, false), KdfCost::Default);
    assert_eq!(kdf_cost_for(Some("10"), true), KdfCost::LogN(10));
    assert_eq!(kdf_cost_for(Some("ten"), true), KdfCost::Default);
    assert_eq!(kdf_cost_for(Some(""), true), KdfCost::Default);
}

/// A keystore left weak by such a build is sealed again at the default cost the first
/// time an ordinary build unlocks it, and still opens with the same passphrase.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlocking_a_weak_keystore_seals_it_again_at_the_default_cost() {
    use datacoop_crypto::Keystore;
    let dir = tempfile::tempdir().unwrap();
    let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
    let pass = SecretString::from("pass phrase");
    crate::init(&home, "Ada", &pass, KdfCost::LogN(10)).unwrap();
    assert_eq!(Keystore::work_factor(&home.keystore()).unwrap(), Some(10));
    // A node opened for tests (cheap cost asked) leaves it as it is...
    let node = crate::Node::open(&home, &pass, KdfCost::LogN(10), crate::Events::new())
        .await
        .unwrap();
    node.close().await;
    assert_eq!(Keystore::work_factor(&home.keystore()).unwrap(), Some(10));
    // ...an ordinary one seals it again.
    let node = crate::Node::open(&home, &pass, KdfCost::Default, crate::Events::new())
        .await
        .unwrap();
    node.close().await;
    let now = Keystore::work_factor(&home.keystore()).unwrap().unwrap();
    assert!(now >= crate::MIN_WORK_FACTOR, "work factor {now}");
    Keystore::unlock(&home.keystore(), &pass).unwrap();
}
