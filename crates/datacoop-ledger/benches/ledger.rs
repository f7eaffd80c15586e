//! Ledger benchmarks.
//!
//! - `sequence/1000`: operations sequenced per second on one core (batch signature
//!   verification on one thread, rules, tree, sled write, checkpoint).
//! - `verify/<N>`: full verification of an N-operation log (2 threads). N comes from
//!   `DATACOOP_BENCH_OPS` (default 20000); the documented run is 1,000,000:
//!   `DATACOOP_BENCH_OPS=1000000 cargo bench --bench ledger -- verify`
//! - `inclusion_proof/1M`: proof generation at 1,048,576 leaves; the proof and bundle
//!   sizes are printed.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datacoop_core::{Purpose, Role};
use datacoop_ledger::*;
use ed25519_consensus::SigningKey;

const T0: u64 = 1_700_000_000;
const MEMBERS: usize = 64;

fn pk(k: &SigningKey) -> [u8; 32] {
    k.verification_key().to_bytes()
}

struct Fixture {
    steward: SigningKey,
    operator: SigningKey,
    members: Vec<SigningKey>,
}

/// A log with one steward and `MEMBERS` joined members.
fn base_log<S: LogStore>(store: S) -> (Log<S>, Fixture) {
    let steward = SigningKey::from([1; 32]);
    let operator = SigningKey::from([2; 32]);
    let g = Genesis::new("bench", vec![pk(&steward)], pk(&operator));
    let mut log = Log::create(store, Operation::genesis(&steward, g, T0).unwrap()).unwrap();
    let members: Vec<SigningKey> = (0..MEMBERS)
        .map(|i| SigningKey::from([(i + 10) as u8; 32]))
        .collect();
    let mut ops = Vec::new();
    let mut steward_ops = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let secret = [i as u8; 32];
        let invite = log.make_operation(
            &steward,
            Body::Invite {
                secret_hash: sha256(&secret),
                role: Role::Member,
                expires: T0 + 1,
            },
            T0,
        );
        log.append(invite.clone()).unwrap();
        let join = log.make_operation(
            m,
            Body::Join {
                invite: invite.id(),
                secret,
                endpoint_key: [0; 32],
            },
            T0,
        );
        log.append(join.clone()).unwrap();
        steward_ops.push(join.id());
        let accept = log.make_operation(&steward, Body::JoinAcceptance { join: join.id() }, T0);
        log.append(accept).unwrap();
        ops.push(log.make_operation(
            m,
            Body::DatasetAnnounce {
                dataset: [i as u8; 32],
                category: "fitness".parse().unwrap(),
            },
            T0,
        ));
    }
    for op in ops {
        log.append(op).unwrap();
    }
    (
        log,
        Fixture {
            steward,
            operator,
            members,
        },
    )
}

/// `n` consent operations continuing every member's chain, signed on two threads.
fn make_ops<S: LogStore>(log: &Log<S>, fx: &Fixture, n: usize) -> Vec<Operation> {
    let coop = log.state().coop();
    let per_member = n.div_ceil(MEMBERS);
    let heads: Vec<(u64, Option<OpId>)> = fx.members.iter().map(|m| log.next_for(&pk(m))).collect();
    let heads = &heads;
    let chains: Vec<Vec<Operation>> = std::thread::scope(|s| {
        let handles: Vec<_> = fx
            .members
            .chunks(MEMBERS / 2)
            .enumerate()
            .map(|(half, ms)| {
                s.spawn(move || {
                    ms.iter()
                        .enumerate()
                        .map(|(i, m)| {
                            let (mut seq, mut prev) = heads[half * (MEMBERS / 2) + i];
                            let dataset = [0u8; 32];
                            (0..per_member)
                                .map(|j| {
                                    let op = Operation::new(
                                        m,
                                        coop,
                                        seq,
                                        prev,
                                        T0 + j as u64,
                                        Body::ConsentSet {
                                            dataset,
                                            purposes: vec![Purpose::ScientificResearch],
                                            mode: ConsentMode::Always,
                                            valid_until: None,
                                            retention_secs: Some(86_400),
                                            max_period_secs: None,
                                            recipients: vec![],
                                        },
                                    );
                                    seq += 1;
                                    prev = Some(op.id());
                                    op
                                })
                                .collect::<Vec<_>>()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    // Interleave the members' chains round-robin (keeps each chain in order).
    let mut out = Vec::with_capacity(n);
    let mut iters: Vec<_> = chains.into_iter().map(|c| c.into_iter()).collect();
    'outer: loop {
        for it in iters.iter_mut() {
            match it.next() {
                Some(op) if out.len() < n => out.push(op),
                _ => break 'outer,
            }
        }
    }
    out
}

fn bench_sequence(c: &mut Criterion) {
    const BATCH: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let (mut log, fx) = base_log(SledStore::open(dir.path()).unwrap());
    let mut group = c.benchmark_group("sequence");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.bench_function("sled/1000", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let ops = make_ops(&log, &fx, BATCH);
                let start = Instant::now();
                let out = log.sequence(ops, &fx.operator, T0).unwrap();
                total += start.elapsed();
                assert!(out.rejected.is_empty());
            }
            total
        })
    });
    group.finish();
    let _ = &fx.steward;
}

fn bench_verify(c: &mut Criterion) {
    let n: usize = std::env::var("DATACOOP_BENCH_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let (mut log, fx) = base_log(MemStore::new());
    let ops = make_ops(&log, &fx, n);
    for chunk in ops.chunks(10_000) {
        let out = log.sequence(chunk.to_vec(), &fx.operator, T0).unwrap();
        assert!(out.rejected.is_empty());
    }
    drop(ops);
    let store = log.into_store();
    let total = store.len().unwrap();
    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Elements(total));
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_secs(if n >= 100_000 { 60 } else { 5 }));
    group.bench_function(format!("{n}"), |b| {
        b.iter(|| {
            let report = verify_log(&store, &VerifyOptions::default()).unwrap();
            assert_eq!(report.operations, total);
        })
    });
    group.finish();
}

fn bench_inclusion(c: &mut Criterion) {
    const N: u64 = 1 << 20;
    let mut tree = MerkleTree::new();
    for i in 0..N {
        tree.push_leaf_hash(leaf_hash(&i.to_be_bytes()));
    }
    let proof = tree.inclusion_proof(N / 3, N).unwrap();
    let worst = (0..N)
        .step_by(997)
        .map(|i| tree.inclusion_proof(i, N).unwrap().len())
        .max()
        .unwrap();
    eprintln!(
        "inclusion proof at {N} leaves: {} hashes = {} bytes (max over sampled leaves: {} hashes = {} bytes)",
        proof.len(),
        proof.len() * 32,
        worst,
        worst * 32
    );
    let mut group = c.benchmark_group("inclusion_proof");
    group.bench_function("1M", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i = (i + 7919) % N;
            tree.inclusion_proof(i, N).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_sequence, bench_verify, bench_inclusion);
criterion_main!(benches);
