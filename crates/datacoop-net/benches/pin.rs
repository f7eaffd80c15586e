//! A steward pinning a member's epoch over loopback from another process, against a bare
//! iroh-blobs transfer of the same bytes in the same run.
//!
//! The holder (this binary again, as a child process) keeps one epoch of
//! `DATACOOP_BENCH_MIB` MiB (default 1024) in a file store: an encrypted-manifest-sized
//! blob and eight files, under one hash sequence, plus a key backup. It serves them twice:
//! through `BlobServer` (every connection and request checked against the log) and
//! through iroh-blobs' own `BlobsProtocol` with no checks. The fetcher alternates, for
//! `DATACOOP_BENCH_RUNS` runs (default 3), a pin (`datacoop_net::blobs::fetch` of the
//! root and the backup into a fresh file store, then tags, then `sync_db`) and a bare
//! fetch (`Remote::fetch` of the root into a fresh file store, then `sync_db`).
//!
//! `cargo bench -p datacoop-net --bench pin`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{Body, CoopState, Genesis, Log, MemStore, Operation, sha256};
use datacoop_net::blobs::{BLOBS_ALPN, BlobServer, LogAccess, NoGrants, fetch};
use datacoop_net::{NetConfig, bind, endpoint_id};
use iroh::protocol::Router;
use iroh::{EndpointAddr, EndpointId};
use iroh_blobs::hashseq::HashSeq;
use iroh_blobs::store::fs::FsStore;
use iroh_blobs::{BlobFormat, BlobsProtocol, Hash, HashAndFormat};

const T0: u64 = 1_700_000_000;
const FILES: usize = 8;

fn steward() -> Identity {
    Identity::from_seeds("Steward", [1; 32], [2; 32])
}

fn member() -> Identity {
    Identity::from_seeds("Member", [3; 32], [4; 32])
}

/// The steward's cooperative with the member's one announced epoch.
fn cooperative(root: Hash, backup: Hash) -> CoopState {
    let (s, m) = (steward(), member());
    let me = s.verification_key().to_bytes();
    let g = Genesis::new("bench", vec![me], me);
    let mut log = Log::create(
        MemStore::new(),
        Operation::genesis(s.signing_key(), g, T0).unwrap(),
    )
    .unwrap();
    let append = |log: &mut Log<MemStore>, who: &Identity, body: Body| {
        let op = log.make_operation(who.signing_key(), body, T0);
        let id = op.id();
        log.append(op).unwrap();
        id
    };
    append(
        &mut log,
        &s,
        Body::EndpointAnnounce {
            endpoint_key: endpoint_id(&s),
        },
    );
    let invite = append(
        &mut log,
        &s,
        Body::Invite {
            secret_hash: sha256(&[5; 32]),
            role: Role::Member,
            expires: T0 + 86_400,
        },
    );
    let join = append(
        &mut log,
        &m,
        Body::Join {
            invite,
            secret: [5; 32],
            endpoint_key: endpoint_id(&m),
        },
    );
    append(&mut log, &s, Body::JoinAcceptance { join });
    let dataset = [9; 32];
    append(
        &mut log,
        &m,
        Body::DatasetAnnounce {
            dataset,
            category: "fitness".parse().unwrap(),
        },
    );
    append(
        &mut log,
        &m,
        Body::EpochAnnounce {
            dataset,
            epoch: 0,
            root: *root.as_bytes(),
            key_backup: *backup.as_bytes(),
            size: 0,
        },
    );
    log.state().clone()
}

fn pseudo_random(len: usize, seed: u64) -> Bytes {
    let mut out = vec![0u8; len];
    let mut x = seed | 1;
    for chunk in out.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    Bytes::from(out)
}

fn addr_text(router: &Router) -> String {
    let endpoint = router.endpoint();
    format!("{} {}", endpoint.id(), endpoint.bound_sockets()[0])
}

fn parse_addr(text: &str) -> EndpointAddr {
    let mut parts = text.split(' ');
    let id: EndpointId = parts.next().unwrap().parse().unwrap();
    EndpointAddr::new(id).with_ip_addr(parts.next().unwrap().parse().unwrap())
}

async fn holder(mib: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store = FsStore::load(dir.path()).await.unwrap();
    let manifest = store
        .add_bytes(pseudo_random(40_000, 1))
        .await
        .unwrap()
        .hash;
    let mut hashes = vec![manifest];
    for i in 0..FILES {
        let bytes = pseudo_random((mib << 20) / FILES, i as u64 + 2);
        hashes.push(store.add_bytes(bytes).await.unwrap().hash);
    }
    let sequence: HashSeq = hashes.into_iter().collect();
    let root = store
        .add_bytes_with_opts((sequence.into_inner(), BlobFormat::HashSeq))
        .await
        .unwrap()
        .hash;
    let backup = store.add_bytes(pseudo_random(127, 99)).await.unwrap().hash;
    store.sync_db().await.unwrap();
    let state = Arc::new(cooperative(root, backup));
    let access = LogAccess::new(move || Some(Arc::clone(&state)), Arc::new(NoGrants));
    let guarded = Router::builder(
        bind(&member(), &NetConfig::loopback(Vec::new()))
            .await
            .unwrap(),
    )
    .accept(
        BLOBS_ALPN,
        BlobServer::new((*store).clone(), Arc::new(access)),
    )
    .spawn();
    let bare_identity = Identity::from_seeds("Bare", [6; 32], [7; 32]);
    let bare = Router::builder(
        bind(&bare_identity, &NetConfig::loopback(Vec::new()))
            .await
            .unwrap(),
    )
    .accept(iroh_blobs::ALPN, BlobsProtocol::new(&store, None))
    .spawn();
    println!(
        "{}|{}|{}|{}",
        addr_text(&guarded),
        addr_text(&bare),
        root,
        backup
    );
    std::io::stdout().flush().unwrap();
    // Serve until the fetcher closes our stdin.
    let mut line = String::new();
    let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
    guarded.shutdown().await.ok();
    bare.shutdown().await.ok();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mib: usize = std::env::var("DATACOOP_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    if std::env::var("DATACOOP_BENCH_ROLE").as_deref() == Ok("holder") {
        holder(mib).await;
        return;
    }
    // `cargo bench` passes `--bench`; a test run (`cargo test --benches`) does nothing.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("DATACOOP_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .env("DATACOOP_BENCH_ROLE", "holder")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let parts: Vec<&str> = line.trim().split('|').collect();
    let (guarded, bare) = (parse_addr(parts[0]), parse_addr(parts[1]));
    let root: Hash = parts[2].parse().unwrap();
    let backup: Hash = parts[3].parse().unwrap();
    let endpoint = bind(&steward(), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let (mut pins, mut bares) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::load(dir.path()).await.unwrap();
        let start = Instant::now();
        let conn = endpoint
            .connect(bare.clone(), iroh_blobs::ALPN)
            .await
            .unwrap();
        store
            .remote()
            .fetch(conn, HashAndFormat::hash_seq(root))
            .await
            .unwrap();
        store.sync_db().await.unwrap();
        bares.push(start.elapsed().as_secs_f64());
        store.shutdown().await.unwrap();
        drop(dir);

        let dir = tempfile::tempdir().unwrap();
        let store = FsStore::load(dir.path()).await.unwrap();
        let start = Instant::now();
        store
            .tags()
            .set("dc/pin/epoch/bench", HashAndFormat::hash_seq(root))
            .await
            .unwrap();
        fetch(
            &endpoint,
            &store,
            HashAndFormat::hash_seq(root),
            std::slice::from_ref(&guarded),
            &|_| {},
        )
        .await
        .unwrap();
        store
            .tags()
            .set("dc/pin/backup/bench", HashAndFormat::raw(backup))
            .await
            .unwrap();
        fetch(
            &endpoint,
            &store,
            HashAndFormat::raw(backup),
            std::slice::from_ref(&guarded),
            &|_| {},
        )
        .await
        .unwrap();
        store.sync_db().await.unwrap();
        pins.push(start.elapsed().as_secs_f64());
        store.shutdown().await.unwrap();
    }
    drop(child.stdin.take());
    child.wait().unwrap();
    let size = mib as f64;
    let (pin, bare) = (median(pins.clone()), median(bares.clone()));
    println!("pin of {mib} MiB over loopback from another process, {runs} runs each, alternating:");
    println!(
        "  bare iroh-blobs fetch: median {bare:.2} s = {:.0} MiB/s  {bares:.2?}",
        size / bare
    );
    println!(
        "  datacoop pin:          median {pin:.2} s = {:.0} MiB/s  {pins:.2?}",
        size / pin
    );
    println!("  ratio (pin speed / bare speed): {:.2}x", bare / pin);
}
