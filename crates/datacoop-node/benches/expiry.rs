//! From the end of a grant's window to refusal at every serving peer, with real owners on
//! 127.0.0.1: a steward who is operator and witness, a second steward, a member who
//! released, and the trainer. Each run asks for a `DATACOOP_BENCH_PERIOD` (default 20 s)
//! window, waits until every holder (the member and both stewards) serves the trainer a
//! raw iroh-blobs request for the capability and the epoch, then asks each holder every
//! 100 ms from two seconds before the window's end until it refuses, and reports when it
//! first refused relative to the end (negative: it refused early, which would be a bug).
//! Peers refuse at the earlier of log time and their own clock passing the end; the
//! heartbeat here is 2 s (`NetSettings::loopback`), 60 s by default.
//!
//! `cargo bench -p datacoop-node --bench expiry --features insecure-test-kdf`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::story::{Raw, add, addr, consent, founder, member, raw_fetch, request_for, wait_for};
use datacoop_node::api::{GrantList, ProposalList, RequestApprove};

fn now_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn main() {
    let period: u64 = std::env::var("DATACOOP_BENCH_PERIOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let runs: usize = std::env::var("DATACOOP_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(period, runs));
}

async fn bench(period: u64, runs: usize) {
    let work = tempfile::tempdir().unwrap();
    let ada = founder().await;
    let sam = member(&ada, "Sam", "steward").await;
    // k = 1: the steward invitation's proposal took effect with the inviter's approval.
    assert!(sam.ok(ProposalList {}).await.is_empty());
    let bea = member(&ada, "Bea", "member").await;
    let tess = member(&ada, "Tess", "trainer").await;
    add(
        &bea,
        &work.path().join("bea"),
        &[("mon.csv", &[7u8; 100_000])],
    )
    .await;
    consent(&bea, false).await;
    let holders = [
        ("member", addr(&bea).await),
        ("steward (operator)", addr(&ada).await),
        ("steward", addr(&sam).await),
    ];
    println!(
        "window {period} s, heartbeat 2 s, {runs} run(s); seconds from the window's end to the first refusal:"
    );
    println!(
        "{:<5} {:>10} {:>20} {:>10}",
        "run", "member", "steward (operator)", "steward"
    );
    let mut worst: f64 = f64::MIN;
    for run in 1..=runs {
        let id = request_for(&tess, period).await;
        ada.ok(RequestApprove { id: id.clone() }).await;
        wait_for(&tess, &id, "the release", |v| v.released == 1).await;
        let grant = loop {
            let grants = tess.ok(GrantList {}).await;
            if let Some(g) = grants.into_iter().find(|g| g.request == id && g.live) {
                break g;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        // Every holder serves first (the stewards pin in their own rounds).
        let ready = Instant::now();
        for (name, holder) in &holders {
            while raw_fetch(&tess, holder, &grant).await != Raw::Served {
                assert!(
                    ready.elapsed() < Duration::from_secs(period),
                    "{name} never served inside the window"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let end = grant.window_end as f64;
        let start_polling = end - 2.0;
        while now_f64() < start_polling {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut refused_at: [Option<f64>; 3] = [None; 3];
        while refused_at.iter().any(Option::is_none) {
            for (i, (_, holder)) in holders.iter().enumerate() {
                if refused_at[i].is_none() && raw_fetch(&tess, holder, &grant).await == Raw::Refused
                {
                    refused_at[i] = Some(now_f64() - end);
                }
            }
            assert!(
                now_f64() < end + 120.0,
                "a holder still serves 2 min after the end"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let [m, s0, s1] = refused_at.map(Option::unwrap_or_default);
        println!("{run:<5} {m:>10.2} {s0:>20.2} {s1:>10.2}");
        worst = worst.max(m).max(s0).max(s1);
    }
    println!("worst: {worst:.2} s (target: at most one heartbeat + 5 s)");
    for node in [tess, bea, sam, ada] {
        node.owner.shutdown().await;
    }
}
