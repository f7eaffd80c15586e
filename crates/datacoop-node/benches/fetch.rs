//! A trainer fetching and decrypting a released epoch over loopback from another process,
//! against a bare iroh-blobs transfer of the same ciphertext in the same run.
//!
//! The holder (this binary again, as a child process) keeps one epoch of
//! `DATACOOP_BENCH_MIB` MiB (default 1024) as a member's vault does: eight files, each
//! age-encrypted to the epoch key, an encrypted manifest listing them, and the hash
//! sequence over them, in a file store. It serves them through `BlobServer`, every
//! connection and request checked against a log on which the member released the epoch to
//! the trainer's request, and through iroh-blobs' own `BlobsProtocol` with no checks. The
//! fetcher alternates, for `DATACOOP_BENCH_RUNS` runs (default 3), a bare fetch
//! (`Remote::fetch` of the root into a fresh file store) and a trainer's fetch
//! (`datacoop_net::blobs::fetch` into a fresh vault's store, then `export_released`:
//! decrypt, check every plaintext hash, write each file complete).
//!
//! `cargo bench -p datacoop-node --bench fetch`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Instant;

use datacoop_core::{Purpose, Role};
use datacoop_crypto::{EpochKey, Identity, KeystoreSecrets};
use datacoop_ledger::{
    Body, ConsentMode, CoopState, Genesis, Log, MemStore, Operation, ReleaseRecord, ReleaseTerms,
    sha256,
};
use datacoop_net::blobs::{BLOBS_ALPN, BlobServer, GrantRule, LogAccess, fetch};
use datacoop_net::{NetConfig, bind, endpoint_id};
use datacoop_vault::{Manifest, ManifestFile, ReleasedEpoch, Vault};
use iroh::protocol::Router;
use iroh::{EndpointAddr, EndpointId};
use iroh_blobs::hashseq::HashSeq;
use iroh_blobs::store::fs::FsStore;
use iroh_blobs::{BlobFormat, BlobsProtocol, Hash, HashAndFormat};
use secrecy::ExposeSecret;

const T0: u64 = 1_700_000_000;
const FILES: usize = 8;

fn person(n: u8) -> Identity {
    Identity::from_seeds(&format!("p{n}"), [n; 32], [n.wrapping_add(100); 32])
}

/// Every release counts: the bench measures transfer and decryption, not log time.
struct Live;

impl GrantRule for Live {
    fn live(&self, _: &CoopState, _: &ReleaseRecord) -> bool {
        true
    }
}

/// Steward 1, member 2 (the data's owner), trainer 4; the member's epoch released to the
/// trainer's approved request.
fn cooperative(root: Hash) -> CoopState {
    let s = person(1);
    let me = s.verification_key().to_bytes();
    let mut log = Log::create(
        MemStore::new(),
        Operation::genesis(s.signing_key(), Genesis::new("bench", vec![me], me), T0).unwrap(),
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
    for (n, role) in [(2u8, Role::Member), (4, Role::Trainer)] {
        let who = person(n);
        let invite = append(
            &mut log,
            &s,
            Body::Invite {
                secret_hash: sha256(&[n; 32]),
                role,
                expires: T0 + 86_400,
            },
        );
        let join = append(
            &mut log,
            &who,
            Body::Join {
                invite,
                secret: [n; 32],
                endpoint_key: endpoint_id(&who),
            },
        );
        append(&mut log, &s, Body::JoinAcceptance { join });
    }
    let (member, trainer) = (person(2), person(4));
    let dataset = [9; 32];
    append(
        &mut log,
        &member,
        Body::DatasetAnnounce {
            dataset,
            category: "fitness".parse().unwrap(),
        },
    );
    append(
        &mut log,
        &member,
        Body::EpochAnnounce {
            dataset,
            epoch: 0,
            root: *root.as_bytes(),
            key_backup: [8; 32],
            size: 0,
        },
    );
    let consent = append(
        &mut log,
        &member,
        Body::ConsentSet {
            dataset,
            purposes: vec![Purpose::ModelTraining],
            mode: ConsentMode::Always,
            valid_until: None,
            retention_secs: None,
            max_period_secs: None,
            recipients: Vec::new(),
        },
    );
    let request = append(
        &mut log,
        &trainer,
        Body::AccessRequest {
            purpose: Purpose::ModelTraining,
            categories: vec!["fitness".parse().unwrap()],
            period_secs: 86_400,
            license: "MIT".into(),
            credits: 0,
            deadline: T0 + 86_400,
            request_key: [7; 32],
        },
    );
    append(&mut log, &s, Body::RequestApproval { request });
    log.sign_checkpoint(s.signing_key(), T0).unwrap();
    log.cosign_own(s.signing_key(), T0).unwrap();
    let start = log
        .log_time(log.state().request_approved_at(&request).unwrap())
        .unwrap();
    append(
        &mut log,
        &member,
        Body::Release {
            terms: ReleaseTerms {
                request,
                dataset,
                first_epoch: 0,
                last_epoch: 0,
                root: *root.as_bytes(),
                window_start: start,
                window_end: start + 86_400,
                credits: 0,
                consent,
            },
            capability: [6; 32],
        },
    );
    log.state().clone()
}

fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut out = vec![0u8; len];
    let mut x = seed | 1;
    for chunk in out.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
    }
    out
}

fn encrypt(key: &EpochKey, plain: &[u8]) -> Vec<u8> {
    let recipient = key.recipient();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .unwrap();
    let mut out = Vec::with_capacity(plain.len() + plain.len() / 4000 + 300);
    let mut writer = encryptor.wrap_output(&mut out).unwrap();
    writer.write_all(plain).unwrap();
    writer.finish().unwrap();
    out
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
    let key = EpochKey::generate();
    let mut files = Vec::new();
    for i in 0..FILES {
        let plain = pseudo_random((mib << 20) / FILES, i as u64 + 2);
        let sealed = encrypt(&key, &plain);
        let blob = store.add_bytes(sealed.clone()).await.unwrap().hash;
        files.push(ManifestFile {
            name: format!("runs/part-{i}.bin"),
            media_type: "application/octet-stream".into(),
            size: plain.len() as u64,
            stored_size: sealed.len() as u64,
            plaintext_hash: *blake3::hash(&plain).as_bytes(),
            blob_hash: *blob.as_bytes(),
            added_at: T0,
        });
    }
    let manifest = Manifest {
        epoch: 0,
        previous: None,
        files,
    };
    let sealed = manifest.seal(&key).unwrap();
    let manifest_hash = store.add_bytes(sealed).await.unwrap().hash;
    let sequence: HashSeq = std::iter::once(manifest_hash)
        .chain(manifest.files.iter().map(|f| Hash::from_bytes(f.blob_hash)))
        .collect();
    let root = store
        .add_bytes_with_opts((sequence.into_inner(), BlobFormat::HashSeq))
        .await
        .unwrap()
        .hash;
    store.sync_db().await.unwrap();
    let state = Arc::new(cooperative(root));
    let access = LogAccess::new(move || Some(Arc::clone(&state)), Arc::new(Live));
    let guarded = Router::builder(
        bind(&person(2), &NetConfig::loopback(Vec::new()))
            .await
            .unwrap(),
    )
    .accept(
        BLOBS_ALPN,
        BlobServer::new((*store).clone(), Arc::new(access)),
    )
    .spawn();
    let bare = Router::builder(
        bind(&person(60), &NetConfig::loopback(Vec::new()))
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
        key.to_secret_string().expose_secret()
    );
    std::io::stdout().flush().unwrap();
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
    let key: EpochKey = parts[3].parse().unwrap();
    let endpoint = bind(&person(4), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let (mut fetches, mut bares) = (Vec::new(), Vec::new());
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
        let vault = Vault::open(
            &dir.path().join("vault"),
            &KeystoreSecrets::generate("trainer"),
        )
        .await
        .unwrap();
        let store = vault.blob_store().await.unwrap();
        let start = Instant::now();
        store
            .tags()
            .set("dc/fetched/bench", HashAndFormat::hash_seq(root))
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
        let written = vault
            .export_released(
                &[ReleasedEpoch {
                    epoch: 0,
                    root,
                    key: key.clone(),
                }],
                "bench",
                &dir.path().join("out"),
                Arc::new(datacoop_vault::NoProgress),
                &datacoop_vault::CancellationToken::new(),
            )
            .await
            .unwrap();
        fetches.push(start.elapsed().as_secs_f64());
        assert_eq!(written.len(), FILES);
        vault.close().await;
    }
    drop(child.stdin.take());
    child.wait().unwrap();
    let size = mib as f64;
    let (ours, bare) = (median(fetches.clone()), median(bares.clone()));
    println!(
        "fetch + decrypt of {mib} MiB over loopback from another process, {runs} runs each, alternating:"
    );
    println!(
        "  bare iroh-blobs fetch:       median {bare:.2} s = {:.0} MiB/s  {bares:.2?}",
        size / bare
    );
    println!(
        "  datacoop fetch and decrypt:  median {ours:.2} s = {:.0} MiB/s  {fetches:.2?}",
        size / ours
    );
    println!("  ratio (datacoop speed / bare speed): {:.2}x", bare / ours);
}
