//! A fresh replica catching up with an N-operation log (`DATACOOP_BENCH_OPS`, default
//! 20,000; the documented run is 100,000), side by side:
//!
//! - `catch_up/loopback`: pulled over iroh on 127.0.0.1 (`datacoop_net::catch_up`), each
//!   batch verified and written to a sled store;
//! - `catch_up/in_process`: the same batches handed to `Log::ingest` directly, so the
//!   difference is what the network costs.
//!
//! `DATACOOP_BENCH_OPS=100000 cargo bench -p datacoop-net --bench catch_up`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{Body, Genesis, Log, MemStore, Operation, SledStore, sha256};
use datacoop_net::log_sync::LogSource;
use datacoop_net::{LOG_ALPN, LogProtocol, NetConfig, bind, catch_up};
use ed25519_consensus::SigningKey;
use iroh::EndpointAddr;
use iroh::protocol::Router;

const T0: u64 = 1_700_000_000;
/// Operations per operator checkpoint in the served log.
const SEQUENCED: u64 = 1_000;
/// Operations a replica asks for at a time.
const PULL: u64 = 20_000;

fn operator_log(n: u64) -> Log<MemStore> {
    let steward = SigningKey::from([1; 32]);
    let operator = SigningKey::from([2; 32]);
    let me = steward.verification_key().to_bytes();
    let g = Genesis::new("bench", vec![me], operator.verification_key().to_bytes());
    let mut log = Log::create(
        MemStore::new(),
        Operation::genesis(&steward, g, T0).unwrap(),
    )
    .unwrap();
    let coop = log.state().coop();
    let mut left = n;
    while left > 0 {
        let (mut seq, mut prev) = log.next_for(&me);
        let mut ops = Vec::new();
        for _ in 0..left.min(SEQUENCED) {
            let body = Body::Invite {
                secret_hash: sha256(&seq.to_be_bytes()),
                role: Role::Member,
                expires: T0 + 86_400,
            };
            let op = Operation::new(&steward, coop, seq, prev, T0 + seq, body);
            prev = Some(op.id());
            seq += 1;
            ops.push(op);
        }
        left -= ops.len() as u64;
        log.sequence(ops, &operator, T0 + seq).unwrap();
    }
    log
}

fn fresh_replica(genesis: &Operation) -> (tempfile::TempDir, Arc<Mutex<Log<SledStore>>>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(&dir.path().join("log")).unwrap();
    let log = Log::create(store, genesis.clone()).unwrap();
    (dir, Arc::new(Mutex::new(log)))
}

fn bench(c: &mut Criterion) {
    let n: u64 = std::env::var("DATACOOP_BENCH_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let served = Arc::new(Mutex::new(operator_log(n)));
    let genesis = served.lock().unwrap().operation(0).unwrap();
    let (router, member) = rt.block_on(async {
        let endpoint = bind(
            &Identity::from_seeds("op", [3; 32], [4; 32]),
            &NetConfig::loopback(Vec::new()),
        )
        .await
        .unwrap();
        let router = Router::builder(endpoint)
            .accept(LOG_ALPN, LogProtocol::new(Arc::clone(&served)))
            .spawn();
        let member = bind(
            &Identity::from_seeds("m", [5; 32], [6; 32]),
            &NetConfig::loopback(Vec::new()),
        )
        .await
        .unwrap();
        (router, member)
    });
    let addr = EndpointAddr::new(router.endpoint().id())
        .with_ip_addr(router.endpoint().bound_sockets()[0]);

    let mut group = c.benchmark_group("catch_up");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(n));
    group.bench_function(format!("loopback/{n}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (_dir, replica) = fresh_replica(&genesis);
                let start = Instant::now();
                let done = rt
                    .block_on(catch_up(&member, addr.clone(), &replica, PULL))
                    .unwrap();
                total += start.elapsed();
                assert_eq!(done.appended, n);
            }
            total
        })
    });
    group.bench_function(format!("in_process/{n}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (_dir, replica) = fresh_replica(&genesis);
                let start = Instant::now();
                let mut replica = replica.lock().unwrap();
                while let Some((ops, cp)) = served.batch(replica.len(), PULL, None).unwrap() {
                    if ops.is_empty() {
                        break;
                    }
                    replica.ingest(ops, &cp, 2).unwrap();
                }
                total += start.elapsed();
                assert_eq!(replica.len(), n + 1);
            }
            total
        })
    });
    group.finish();
    rt.block_on(async {
        member.close().await;
        router.shutdown().await.unwrap();
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
