//! Ticket to a verified, caught-up member on a log of N operations (`DATACOOP_BENCH_OPS`,
//! default 10,000), over iroh on 127.0.0.1, side by side with the catch-up alone:
//!
//! - `ticket_to_member`: the ticket's text parsed, the join sent to the inviter and
//!   sequenced with its acceptance, the genesis fetched and checked against the ticket's
//!   cooperative, a sled replica started and caught up (every operation verified);
//! - `catch_up_only`: a fresh replica pulling the same log as a member already known.
//!
//! Each sample uses a fresh invitation and a fresh newcomer (an invitation works once).
//! The newcomers' endpoints are bound before timing: a running node already has its own.
//!
//! `cargo bench -p datacoop-net --bench join`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{Body, Genesis, Log, MemStore, Operation, SledStore, sha256};
use datacoop_net::{
    InviteTicket, Inviter, JOIN_ALPN, LOG_ALPN, LogProtocol, NetConfig, Peer, bind, catch_up,
    endpoint_id, fetch_genesis, join,
};
use ed25519_consensus::SigningKey;
use iroh::EndpointAddr;
use iroh::protocol::Router;

const T0: u64 = 1_700_000_000;
const SEQUENCED: u64 = 1_000;
const PULL: u64 = 20_000;

fn secret(i: u64) -> [u8; 32] {
    let mut s = [7; 32];
    s[..8].copy_from_slice(&i.to_be_bytes());
    s
}

/// A log of `n` invitations, each to be used once, by a steward who is also operator.
fn served_log(steward: &SigningKey, n: u64) -> Log<MemStore> {
    let me = steward.verification_key().to_bytes();
    let g = Genesis::new("bench", vec![me], me);
    let mut log =
        Log::create(MemStore::new(), Operation::genesis(steward, g, T0).unwrap()).unwrap();
    let coop = log.state().coop();
    let far = T0 + 100 * 365 * 86_400;
    let mut left = n;
    while left > 0 {
        let (mut seq, mut prev) = log.next_for(&me);
        let mut ops = Vec::new();
        for _ in 0..left.min(SEQUENCED) {
            let body = Body::Invite {
                secret_hash: sha256(&secret(seq)),
                role: Role::Member,
                expires: far,
            };
            let op = Operation::new(steward, coop, seq, prev, T0 + seq, body);
            prev = Some(op.id());
            seq += 1;
            ops.push(op);
        }
        left -= ops.len() as u64;
        log.sequence(ops, steward, T0 + seq).unwrap();
    }
    log
}

fn fresh_replica(genesis: Operation) -> (tempfile::TempDir, Arc<Mutex<Log<SledStore>>>) {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(&dir.path().join("log")).unwrap();
    (
        dir,
        Arc::new(Mutex::new(Log::create(store, genesis).unwrap())),
    )
}

fn bench(c: &mut Criterion) {
    let n: u64 = std::env::var("DATACOOP_BENCH_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let steward = SigningKey::from([1; 32]);
    let log = served_log(&steward, n);
    let coop = log.state().coop();
    // The invitations in log order (the genesis is the steward's sequence 0, so
    // invitation i is its sequence i): (operation id, its secret).
    let invites: Vec<([u8; 32], [u8; 32])> = (1..=n)
        .map(|i| (log.operation(i).unwrap().id().0, secret(i)))
        .collect();
    let genesis = log.operation(0).unwrap();
    let served = Arc::new(Mutex::new(log));
    let router = rt.block_on(async {
        let endpoint = bind(
            &Identity::from_seeds("steward", [3; 32], [4; 32]),
            &NetConfig::loopback(Vec::new()),
        )
        .await
        .unwrap();
        Router::builder(endpoint)
            .accept(LOG_ALPN, LogProtocol::new(Arc::clone(&served)))
            .accept(
                JOIN_ALPN,
                Inviter::new(Arc::clone(&served), steward.clone(), steward.clone()),
            )
            .spawn()
    });
    let inviter = Peer {
        endpoint: *router.endpoint().id().as_bytes(),
        addrs: router.endpoint().bound_sockets(),
    };
    let addr = EndpointAddr::new(router.endpoint().id())
        .with_ip_addr(router.endpoint().bound_sockets()[0]);
    let mut next = 0usize;

    let mut group = c.benchmark_group("join");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function(format!("ticket_to_member/{n}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (invite, secret) = invites[next];
                next += 1;
                let seed = u8::try_from(next % 200).unwrap() + 20;
                let newcomer = Identity::from_seeds("new", [seed; 32], [seed + 1; 32]);
                let endpoint = rt
                    .block_on(bind(&newcomer, &NetConfig::loopback(Vec::new())))
                    .unwrap();
                let text = InviteTicket {
                    coop,
                    invite,
                    secret,
                    inviter: inviter.clone(),
                    relay: None,
                    role: None,
                }
                .to_string();
                let start = Instant::now();
                let (_dir, caught) = rt.block_on(async {
                    let ticket: InviteTicket = text.parse().unwrap();
                    join(
                        &endpoint,
                        &ticket,
                        newcomer.signing_key(),
                        endpoint_id(&newcomer),
                    )
                    .await
                    .unwrap();
                    let genesis = fetch_genesis(&endpoint, addr.clone(), ticket.coop)
                        .await
                        .unwrap();
                    let (dir, replica) = fresh_replica(genesis);
                    let done = catch_up(&endpoint, addr.clone(), &replica, PULL)
                        .await
                        .unwrap();
                    (dir, done)
                });
                total += start.elapsed();
                assert!(caught.len > n);
                rt.block_on(endpoint.close());
            }
            total
        })
    });
    group.bench_function(format!("catch_up_only/{n}"), |b| {
        let member = rt
            .block_on(bind(
                &Identity::from_seeds("known", [9; 32], [10; 32]),
                &NetConfig::loopback(Vec::new()),
            ))
            .unwrap();
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (_dir, replica) = fresh_replica(genesis.clone());
                let start = Instant::now();
                rt.block_on(catch_up(&member, addr.clone(), &replica, PULL))
                    .unwrap();
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
    rt.block_on(router.shutdown()).unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
