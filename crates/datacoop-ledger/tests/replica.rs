//! A replica catching up: operations pulled from a peer with the operator's checkpoint,
//! verified together and written once; whatever a hostile peer changes is refused and
//! leaves the replica as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use datacoop_ledger::*;

/// An operator's log with `n` more consents sequenced and cosigned by two witnesses, and
/// an empty replica holding only the genesis.
fn operator_and_replica(n: usize) -> (Coop<MemStore>, Log<MemStore>) {
    let mut coop = Coop::new(MemStore::new());
    for _ in 0..n {
        coop.consent();
    }
    coop.checkpoint_and_cosign(T0 + 1_000, 2);
    let replica = Log::create(MemStore::new(), coop.log.operation(0).unwrap()).unwrap();
    (coop, replica)
}

fn ops_from(log: &Log<MemStore>, from: u64) -> Vec<Operation> {
    (from..log.len())
        .map(|i| log.operation(i).unwrap())
        .collect()
}

#[test]
fn a_replica_catches_up_in_one_write_and_agrees() {
    let (coop, mut replica) = operator_and_replica(200);
    let cp = coop.log.latest_checkpoint().unwrap().clone();
    let done = replica.ingest(ops_from(&coop.log, 1), &cp, 2).unwrap();
    assert_eq!(done.appended, coop.log.len() - 1);
    assert_eq!(replica.len(), coop.log.len());
    assert_eq!(replica.tree().root(), coop.log.tree().root());
    assert_eq!(replica.latest_checkpoint(), coop.log.latest_checkpoint());
    for i in [1, 50, replica.len() - 1] {
        assert_eq!(replica.log_time(i), coop.log.log_time(i));
    }
    assert_eq!(replica.now(), coop.log.now());
    verify_log(replica.store(), &VerifyOptions::default()).unwrap();
    // Reopened, it is the same log.
    let reopened = Log::open(replica.into_store()).unwrap();
    assert_eq!(reopened.len(), coop.log.len());
    assert_eq!(reopened.now(), coop.log.now());
}

#[test]
fn what_a_hostile_peer_changes_is_refused_and_nothing_is_written() {
    let (coop, mut replica) = operator_and_replica(20);
    let cp = coop.log.latest_checkpoint().unwrap().clone();
    let ops = ops_from(&coop.log, 1);
    let untouched = |replica: &Log<MemStore>| {
        assert_eq!(replica.len(), 1);
        assert_eq!(replica.store().ops.len(), 1);
        assert!(replica.checkpoints().is_empty());
    };

    // A body changed after signing.
    let mut tampered = ops.clone();
    let member = coop.member.clone();
    let forged = coop.log.make_operation(&member, Body::Leave, T0);
    tampered[10].body = forged.body.clone();
    let err = replica.ingest(tampered, &cp, 2).unwrap_err();
    assert_eq!(err.code().as_str(), "ledger.body_hash_mismatch", "{err}");
    untouched(&replica);

    // Two operations swapped: every signature holds, the root does not.
    let mut swapped = ops.clone();
    swapped.swap(12, 13);
    let err = replica.ingest(swapped, &cp, 2).unwrap_err();
    assert!(
        [
            "ledger.checkpoint_mismatch",
            "ledger.sequence_gap",
            "ledger.broken_chain"
        ]
        .contains(&err.code().as_str()),
        "{err}"
    );
    untouched(&replica);

    // One operation missing, or the checkpoint of another size.
    let err = replica
        .ingest(ops[..ops.len() - 1].to_vec(), &cp, 2)
        .unwrap_err();
    assert_eq!(err.code().as_str(), "ledger.checkpoint_mismatch", "{err}");
    untouched(&replica);

    // A checkpoint signed by someone other than the operator.
    let stranger = key(99);
    let fake = cp.checkpoint.clone().sign(&stranger).unwrap();
    let err = replica.ingest(ops.clone(), &fake, 2).unwrap_err();
    assert_eq!(err.code().as_str(), "ledger.bad_signature", "{err}");
    untouched(&replica);

    // A checkpoint of another cooperative.
    let mut elsewhere = cp.clone();
    elsewhere.checkpoint.origin = "datacoop/log/00".into();
    assert_eq!(
        replica
            .ingest(ops.clone(), &elsewhere, 2)
            .unwrap_err()
            .code()
            .as_str(),
        "ledger.wrong_coop"
    );
    untouched(&replica);

    // The real thing still goes in afterwards.
    replica.ingest(ops, &cp, 2).unwrap();
    assert_eq!(replica.len(), coop.log.len());
}

#[test]
fn forged_cosignatures_are_dropped_and_later_ones_are_merged() {
    let (mut coop, mut replica) = operator_and_replica(5);
    let cp = coop.log.latest_checkpoint().unwrap().clone();
    // A cosignature line by a key outside the witness set rides along.
    let outsider = key(77);
    let name = witness_name(&pk(&outsider));
    let line = Cosignature::sign(&name, &outsider, &cp.checkpoint, T0 + 5).unwrap();
    let mut carrying = cp.clone();
    carrying.add_cosignature(&line);
    let done = replica
        .ingest(ops_from(&coop.log, 1), &carrying, 1)
        .unwrap();
    assert_eq!(
        done.checkpoint, cp,
        "only the operator's and the witnesses' lines are kept"
    );

    // Later, the idle heartbeat is cosigned again; the replica learns it with no new
    // operation, and its "now" moves with the operator's.
    coop.checkpoint_and_cosign(T0 + 9_000, 3);
    let shared = coop.log.checkpoint_to_share().unwrap();
    assert_eq!(shared.checkpoint, cp.checkpoint);
    let merged = replica.ingest(Vec::new(), &shared, 1).unwrap();
    assert_eq!(merged.appended, 0);
    assert_eq!(merged.evidence, None);
    assert_eq!(replica.now(), coop.log.now());
    assert!(replica.now().unwrap() >= T0 + 9_000);
}

#[test]
fn a_second_root_for_a_known_size_is_kept_as_evidence() {
    let (coop, mut replica) = operator_and_replica(5);
    let cp = coop.log.latest_checkpoint().unwrap().clone();
    replica.ingest(ops_from(&coop.log, 1), &cp, 1).unwrap();
    // The operator signs another root for the same size: a split view.
    let mut other = cp.checkpoint.clone();
    other.root = [7; 32];
    let split = other.sign(&coop.operator).unwrap();
    let seen = replica.ingest(Vec::new(), &split, 1).unwrap();
    assert!(
        matches!(seen.evidence, Some(Evidence::SplitView { .. })),
        "{seen:?}"
    );
    assert_eq!(replica.evidence().unwrap().len(), 1);
    assert_eq!(
        replica.latest_checkpoint(),
        Some(&cp),
        "the first one stays"
    );
}
