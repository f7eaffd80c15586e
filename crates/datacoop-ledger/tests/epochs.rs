//! Rule set 5: epoch announcements by a dataset's owner, and the lookup serving peers use.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use datacoop_core::Role;
use datacoop_ledger::*;

fn announce(dataset: Hash, epoch: u32, root: u8) -> Body {
    Body::EpochAnnounce {
        dataset,
        epoch,
        root: [root; 32],
        key_backup: [root.wrapping_add(100); 32],
        size: 1000 + u64::from(root),
    }
}

fn try_append(
    coop: &mut Coop<MemStore>,
    k: &ed25519_consensus::SigningKey,
    body: Body,
) -> Result<u64, LedgerError> {
    let op = coop.log.make_operation(k, body, T0 + coop.log.len());
    coop.log.append(op).map(|(index, _)| index)
}

#[test]
fn the_owner_announces_epochs_in_order_and_a_later_root_replaces_the_earlier() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let dataset = coop.dataset;
    assert_eq!(coop.log.state().dataset_owner(&dataset), Some(pk(&m)));

    coop.append(&m, announce(dataset, 0, 1));
    let err = try_append(&mut coop, &m, announce(dataset, 2, 3)).unwrap_err();
    assert_eq!(err.code(), "ledger.invalid_reference", "{err}");
    assert!(
        err.to_string().contains("epoch 2 announced before epoch 1"),
        "{err}"
    );
    coop.append(&m, announce(dataset, 1, 2));
    // A file replaced in epoch 0: its new root replaces the old one.
    coop.append(&m, announce(dataset, 0, 4));

    let state = coop.log.state();
    let epochs = state.epochs_of(&dataset);
    assert_eq!(epochs.len(), 2);
    assert_eq!(epochs[0].root, [4; 32]);
    assert_eq!(epochs[1].root, [2; 32]);
    assert_eq!(epochs[0].owner, pk(&m));
    assert!(
        state.announced_blob(&[1; 32]).is_none(),
        "the replaced root is no longer announced"
    );
    assert!(
        matches!(state.announced_blob(&[4; 32]), Some(AnnouncedBlob::EpochRoot(e)) if e.epoch == 0)
    );
    assert!(
        matches!(state.announced_blob(&[104; 32]), Some(AnnouncedBlob::KeyBackup(e)) if e.owner == pk(&m))
    );
    assert_eq!(state.announced_epochs().count(), 2);
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}

#[test]
fn nobody_but_the_owner_announces_a_datasets_epochs() {
    let mut coop = Coop::new(MemStore::new());
    let dataset = coop.dataset;
    let steward = coop.stewards[0].clone();
    let err = try_append(&mut coop, &steward, announce(dataset, 0, 1)).unwrap_err();
    assert_eq!(err.code(), "ledger.unauthorized", "{err}");

    let trainer = key(30);
    coop.join_trainer(&trainer, 7);
    let err = try_append(&mut coop, &trainer, announce([9; 32], 0, 1)).unwrap_err();
    assert_eq!(err.code(), "ledger.unauthorized", "{err}");
    assert!(err.to_string().contains("trainer"), "{err}");

    // Announcing the same dataset id again does not change its owner (rule set 4 logs
    // could hold such an announcement, so it is recorded, not refused).
    coop.append(
        &steward,
        Body::DatasetAnnounce {
            dataset,
            category: "fitness".parse().unwrap(),
        },
    );
    assert_eq!(
        coop.log.state().dataset_owner(&dataset),
        Some(pk(&coop.member))
    );
    let _ = Role::Member;
}

#[test]
fn an_epoch_whose_root_is_its_backup_is_refused() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let body = Body::EpochAnnounce {
        dataset: coop.dataset,
        epoch: 0,
        root: [1; 32],
        key_backup: [1; 32],
        size: 1,
    };
    let err = try_append(&mut coop, &m, body).unwrap_err();
    assert_eq!(err.code(), "ledger.invalid_body", "{err}");
}

#[test]
fn an_erased_dataset_announcement_leaves_its_epochs_verifiable() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let dataset = [77; 32];
    let (announced_at, announced) = coop.append(
        &m,
        Body::DatasetAnnounce {
            dataset,
            category: "sleep".parse().unwrap(),
        },
    );
    let (epoch_at, epoch) = coop.append(&m, announce(dataset, 0, 1));
    coop.append(
        &m,
        Body::ErasureNotice {
            ops: vec![announced, epoch],
        },
    );
    coop.log.erase_body(announced_at).unwrap();
    coop.log.erase_body(epoch_at).unwrap();
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
    let reopened = Log::open(coop.log.into_store()).unwrap();
    assert!(reopened.state().epochs_of(&dataset).is_empty());
}

#[test]
fn stewards_report_what_they_hold_and_a_new_root_starts_afresh() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let dataset = coop.dataset;
    coop.append(&m, announce(dataset, 0, 1));
    let (s0, s1) = (coop.stewards[0].clone(), coop.stewards[1].clone());
    coop.append(
        &s0,
        Body::Pinned {
            roots: vec![[1; 32]],
        },
    );
    // A root nobody announced is recorded and ignored.
    coop.append(
        &s1,
        Body::Pinned {
            roots: vec![[1; 32], [66; 32]],
        },
    );
    assert_eq!(
        coop.log.state().holders_of(&[1; 32]),
        vec![pk(&s0), pk(&s1)]
    );
    assert!(coop.log.state().holders_of(&[66; 32]).is_empty());

    let err = try_append(
        &mut coop,
        &m,
        Body::Pinned {
            roots: vec![[1; 32]],
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "ledger.unauthorized", "{err}");
    let err = try_append(&mut coop, &s0, Body::Pinned { roots: vec![] }).unwrap_err();
    assert_eq!(err.code(), "ledger.invalid_body", "{err}");

    coop.append(&m, announce(dataset, 0, 2));
    assert!(coop.log.state().holders_of(&[2; 32]).is_empty());
    assert!(coop.log.state().holders_of(&[1; 32]).is_empty());
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}
