//! The access decision a serving peer makes for every blob request (the lookup, not the
//! RPC), in a cooperative of 1,000 members who announced 4 epochs each: a steward, the
//! data's owner, another member, a trainer without a grant, a stranger, and a hash
//! nobody announced. Also through `LogAccess`, as the node asks it (the snapshot's `Arc`
//! cloned per request).
//!
//! `cargo bench -p datacoop-net --bench access`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use datacoop_core::Role;
use datacoop_ledger::{Body, CoopState, Genesis, Log, MemStore, Operation, sha256};
use datacoop_net::blobs::{BlobAccess, LogAccess, NoGrants, decide};
use ed25519_consensus::SigningKey;

const T0: u64 = 1_700_000_000;
const MEMBERS: u32 = 1_000;
const EPOCHS: u32 = 4;

fn key(i: u32, salt: u8) -> SigningKey {
    let mut seed = [salt; 32];
    seed[..4].copy_from_slice(&i.to_be_bytes());
    SigningKey::from(seed)
}

fn endpoint(i: u32) -> [u8; 32] {
    key(i, 200).verification_key().to_bytes()
}

fn root(member: u32, epoch: u32) -> [u8; 32] {
    sha256(&[member.to_be_bytes(), epoch.to_be_bytes()].concat())
}

/// Steward 0, members 1..=MEMBERS (each with one dataset of EPOCHS epochs), trainer
/// MEMBERS + 1.
fn cooperative() -> CoopState {
    let steward = key(0, 1);
    let me = steward.verification_key().to_bytes();
    let g = Genesis::new("bench", vec![me], me);
    let mut log = Log::create(
        MemStore::new(),
        Operation::genesis(&steward, g, T0).unwrap(),
    )
    .unwrap();
    let append = |log: &mut Log<MemStore>, who: &SigningKey, body: Body| {
        let op = log.make_operation(who, body, T0);
        let id = op.id();
        log.append(op).unwrap();
        id
    };
    append(
        &mut log,
        &steward,
        Body::EndpointAnnounce {
            endpoint_key: endpoint(0),
        },
    );
    for i in 1..=MEMBERS + 1 {
        let who = key(i, 1);
        let role = if i == MEMBERS + 1 {
            Role::Trainer
        } else {
            Role::Member
        };
        let secret = sha256(&i.to_be_bytes());
        let invite = append(
            &mut log,
            &steward,
            Body::Invite {
                secret_hash: sha256(&secret),
                role,
                expires: T0 + 86_400,
            },
        );
        let join = append(
            &mut log,
            &who,
            Body::Join {
                invite,
                secret,
                endpoint_key: endpoint(i),
            },
        );
        append(&mut log, &steward, Body::JoinAcceptance { join });
        if role == Role::Trainer {
            continue;
        }
        let dataset = sha256(&[b"dataset".as_slice(), &i.to_be_bytes()].concat());
        append(
            &mut log,
            &who,
            Body::DatasetAnnounce {
                dataset,
                category: "fitness".parse().unwrap(),
            },
        );
        for epoch in 0..EPOCHS {
            append(
                &mut log,
                &who,
                Body::EpochAnnounce {
                    dataset,
                    epoch,
                    root: root(i, epoch),
                    key_backup: sha256(&root(i, epoch)),
                    size: 1 << 20,
                },
            );
        }
    }
    log.state().clone()
}

fn access(c: &mut Criterion) {
    let state = Arc::new(cooperative());
    let grants = NoGrants;
    let wanted = root(500, 2);
    let cases = [
        ("steward", endpoint(0), wanted, true),
        ("owner", endpoint(500), wanted, true),
        ("other_member", endpoint(501), wanted, true),
        ("trainer", endpoint(MEMBERS + 1), wanted, true),
        ("stranger", [9; 32], wanted, true),
        ("unannounced_hash", endpoint(500), [7; 32], false),
    ];
    let mut group = c.benchmark_group("access_decision");
    for (name, peer, hash, children) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                decide(
                    black_box(&state),
                    black_box(&peer),
                    black_box(&hash),
                    children,
                    &grants,
                )
            })
        });
    }
    let shared = Arc::clone(&state);
    let through_snapshot = LogAccess::new(move || Some(Arc::clone(&shared)), Arc::new(NoGrants));
    let owner = endpoint(500);
    group.bench_function("owner_through_log_access", |b| {
        b.iter(|| through_snapshot.decide(black_box(&owner), black_box(&wanted), true))
    });
    group.finish();
}

criterion_group!(benches, access);
criterion_main!(benches);
