//! Ciphertext across the cooperative, with real owners on 127.0.0.1: a member adds data,
//! the steward's node pins its epoch roots and key backup and says so on the log; with
//! the member's node off, a fresh fetch from the steward alone gives back every blob; the
//! member, its local ciphertext lost, exports identical files fetched back from the
//! steward; a replaced file's old blobs are collected at the steward while the pins stay.
//! Another member, a trainer and a stranger are refused every blob by both holders. Data
//! added before joining is announced on joining, and a second steward who never met the
//! member finds it through the operator, pins, and later serves it alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Node, PASSPHRASE};
use datacoop_crypto::{BackupOf, Identity, KeyBackup, Keystore};
use datacoop_net::{NetConfig, bind, endpoint_id};
use datacoop_node::api::{CoopCreate, DataAdd, DataExport, DataList};
use datacoop_node::{DataListing, Home};
use datacoop_vault::{Manifest, Vault};
use iroh::EndpointAddr;
use iroh_blobs::protocol::{GetManyRequest, GetRequest};
use iroh_blobs::store::mem::MemStore;
use iroh_blobs::{Hash, HashAndFormat};
use secrecy::SecretString;

async fn addr(node: &Node) -> EndpointAddr {
    let id = iroh::PublicKey::from_bytes(&endpoint_id(&node.identity())).unwrap();
    let addrs = node.owner.listening().await.expect("on the network");
    EndpointAddr::new(id).with_ip_addr(addrs[0])
}

async fn add(node: &Node, files: &Path) {
    node.ok(DataAdd {
        dataset: "runs".into(),
        category: Some("fitness".into()),
        paths: vec![files.to_owned()],
        age: false,
    })
    .await;
}

async fn listing_of(node: &Node) -> DataListing {
    node.ok(DataList { dataset: None }).await
}

/// Exports `runs` and checks every file against `files`, byte for byte.
async fn exports_identical(node: &Node, files: &[(PathBuf, Vec<u8>)]) {
    let out = node.dir.path().join("exported");
    node.ok(DataExport {
        dataset: "runs".into(),
        out: out.clone(),
        age: false,
        passphrase: None,
    })
    .await;
    for (name, bytes) in files {
        let written = std::fs::read(out.join("runs").join(name)).unwrap();
        assert_eq!(&written, bytes, "{}", name.display());
    }
}

async fn founder() -> Node {
    let ada = Node::new("Ada").await;
    ada.ok(CoopCreate {
        name: "Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await;
    ada
}

fn key_id(node: &Node) -> String {
    hex::encode(node.identity().verification_key().to_bytes())
}

/// Waits until the member's listing says the dataset is pinned by `steward` (an
/// identity id) and every epoch it published is on the log.
async fn until_pinned(member: &Node, steward: &str) -> DataListing {
    until_pinned_by(member, &[steward.to_owned()]).await
}

async fn until_pinned_by(member: &Node, stewards: &[String]) -> DataListing {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let listing = listing_of(member).await;
        let placed = listing.placement.first();
        if placed.is_some_and(|p| p.announced == p.epochs && p.pinned_by == stewards) {
            return listing;
        }
        assert!(
            Instant::now() < deadline,
            "not pinned after 60 s: {:?}",
            listing.placement
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn write_files(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let files = vec![
        (PathBuf::from("a.csv"), b"km,minutes\n5,27\n".to_vec()),
        (PathBuf::from("big.bin"), pseudo_random(3 << 20, 7)),
        (PathBuf::from("notes/b.txt"), b"felt good".to_vec()),
    ];
    for (name, bytes) in &files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    files
}

async fn blob_store_of(home: &Home) -> iroh_blobs::store::fs::FsStore {
    let dir = home.vault_dir().join("blobs");
    iroh_blobs::store::fs::FsStore::load_with_opts(
        dir.join("blobs.db"),
        iroh_blobs::store::fs::options::Options::new(&dir),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_members_laptop_off_the_steward_holds_every_blob_and_gives_them_back() {
    let ada = founder().await;
    let mo = Node::new("Mo").await;
    mo.join(ada.invite("member").await).await;
    let originals = tempfile::tempdir().unwrap();
    let files = write_files(&originals.path().join("runs"));
    add(&mo, &originals.path().join("runs")).await;

    let ada_id = key_id(&ada);
    let listing = until_pinned(&mo, &ada_id).await;
    assert_eq!(listing.placement[0].epochs, 1);
    let ada_addr = addr(&ada).await;

    // The member's computer goes off. What the steward holds is checked against the
    // member's own records, hash by hash.
    let mo_identity = mo.identity();
    let stopped = mo.stop().await;
    let (published, entries) = {
        let secrets =
            Keystore::unlock(&stopped.0.keystore(), &SecretString::from(PASSPHRASE)).unwrap();
        let vault = Vault::open(&stopped.0.vault_dir(), &secrets).await.unwrap();
        let name = datacoop_core::DatasetName::new("runs").unwrap();
        let out = (
            vault.published_epochs(&name).unwrap(),
            vault.entries(&name).unwrap(),
        );
        vault.close().await;
        out
    };
    assert_eq!(published.len(), 1);
    assert_eq!(entries.len(), files.len());
    let fresh = MemStore::new();
    let endpoint = bind(&mo_identity, &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let epoch = published[0];
    for content in [
        HashAndFormat::hash_seq(epoch.root),
        HashAndFormat::raw(epoch.key_backup),
    ] {
        datacoop_net::blobs::fetch(
            &endpoint,
            &fresh,
            content,
            std::slice::from_ref(&ada_addr),
            &|_| {},
        )
        .await
        .expect("the steward alone serves the member's epoch");
    }
    for entry in &entries {
        let hash: Hash = entry.blob_hash.parse().unwrap();
        let bytes = fresh.get_bytes(hash).await.unwrap();
        assert_eq!(bytes.len() as u64, entry.stored_size, "{}", entry.name);
        assert_eq!(Hash::new(&bytes), hash);
    }
    // The backup opens with the member's key alone, and its key opens the manifest.
    let backup =
        KeyBackup::from_bytes(fresh.get_bytes(epoch.key_backup).await.unwrap().to_vec()).unwrap();
    let key = backup
        .open(
            &mo_identity,
            &BackupOf {
                dataset: epoch.dataset,
                epoch: 0,
            },
        )
        .unwrap();
    let manifest = Manifest::open(&fresh.get_bytes(epoch.manifest).await.unwrap(), &key).unwrap();
    let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["runs/a.csv", "runs/big.bin", "runs/notes/b.txt"]);
    endpoint.close().await;

    // The member's ciphertext is lost; restarted, its export fetches it back.
    std::fs::remove_dir_all(stopped.0.vault_dir().join("blobs")).unwrap();
    let mo = Node::restart(stopped).await;
    exports_identical(&mo, &files).await;

    // A file replaced: the steward pins the new root and drops the old one, and its
    // collection removes what only the old one named.
    let old_a = entries
        .iter()
        .find(|e| e.name == "runs/a.csv")
        .unwrap()
        .blob_hash
        .clone();
    std::fs::write(originals.path().join("runs/a.csv"), b"km,minutes\n5,26\n").unwrap();
    add(&mo, &originals.path().join("runs")).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let new_root = loop {
        let listing = listing_of(&mo).await;
        let stored = listing.placement[0].clone();
        let entries = mo
            .ok(DataList {
                dataset: Some("runs".into()),
            })
            .await
            .entries;
        let a = entries.iter().find(|e| e.name == "runs/a.csv").unwrap();
        let moved_on = stored.epoch_roots.first() != Some(&epoch.root.to_hex().to_string());
        if a.blob_hash != old_a && moved_on && stored.pinned_by == [ada_id.clone()] {
            break a.blob_hash.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the new root was not pinned: {stored:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Collections run every 2 s in these settings.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let ada_home = ada.stop().await;
    let store = blob_store_of(&ada_home.0).await;
    let old: Hash = old_a.parse().unwrap();
    let new: Hash = new_root.parse().unwrap();
    assert!(store.has(new).await.unwrap(), "the pinned file stays");
    let big: Hash = entries
        .iter()
        .find(|e| e.name == "runs/big.bin")
        .unwrap()
        .blob_hash
        .parse()
        .unwrap();
    assert!(
        store.has(big).await.unwrap(),
        "an unchanged file stays pinned"
    );
    assert!(
        !store.has(old).await.unwrap(),
        "the replaced file is collected"
    );
    assert!(
        !store.has(epoch.root).await.unwrap(),
        "and the replaced root"
    );
    store.shutdown().await.unwrap();
    mo.owner.shutdown().await;
}

/// Every way of asking `holder` for the epoch, as `who`: all refused, nothing received.
async fn refused_everything(
    who: &Identity,
    holder: &EndpointAddr,
    root: Hash,
    backup: Hash,
    files: &[Hash],
) {
    let endpoint = bind(who, &NetConfig::loopback(Vec::new())).await.unwrap();
    let store = MemStore::new();
    let mut requests = vec![
        GetRequest::all(root),
        GetRequest::blob(root),
        GetRequest::blob(backup),
    ];
    requests.extend(files.iter().map(|f| GetRequest::blob(*f)));
    for request in requests {
        let hash = request.hash;
        if let Ok(conn) = endpoint.connect(holder.clone(), iroh_blobs::ALPN).await {
            let got = store.remote().execute_get(conn, request).await;
            assert!(got.is_err(), "{} was served {hash}", who.name());
        }
    }
    if let Ok(conn) = endpoint.connect(holder.clone(), iroh_blobs::ALPN).await {
        let mut hashes = vec![root, backup];
        hashes.extend_from_slice(files);
        let got = store
            .remote()
            .execute_get_many(
                conn,
                GetManyRequest::new(hashes, iroh_blobs::protocol::ChunkRangesSeq::all()),
            )
            .await;
        assert!(got.is_err(), "{} was served a get-many", who.name());
    }
    for hash in files.iter().chain([&root, &backup]) {
        assert!(
            !store.has(*hash).await.unwrap(),
            "{} got {hash}",
            who.name()
        );
    }
    endpoint.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_member_a_trainer_and_a_stranger_are_refused_every_blob() {
    let ada = founder().await;
    let mo = Node::new("Mo").await;
    let bo = Node::new("Bo").await;
    let tia = Node::new("Tia").await;
    mo.join(ada.invite("member").await).await;
    bo.join(ada.invite("member").await).await;
    tia.join(ada.invite("trainer").await).await;
    let files = tempfile::tempdir().unwrap();
    write_files(&files.path().join("runs"));
    add(&mo, &files.path().join("runs")).await;
    let ada_id = key_id(&ada);
    until_pinned(&mo, &ada_id).await;

    let listing = mo
        .ok(DataList {
            dataset: Some("runs".into()),
        })
        .await;
    let file_hashes: Vec<Hash> = listing
        .entries
        .iter()
        .map(|e| e.blob_hash.parse().unwrap())
        .collect();
    let root: Hash = listing.placement[0].epoch_roots[0].parse().unwrap();
    let backup: Hash = listing.placement[0].key_backups[0].parse().unwrap();
    let stranger = Identity::from_seeds("Xi", [61; 32], [62; 32]);
    let holders = [addr(&ada).await, addr(&mo).await];
    for who in [bo.identity(), tia.identity(), stranger] {
        for holder in &holders {
            refused_everything(&who, holder, root, backup, &file_hashes).await;
        }
    }
    for node in [ada, mo, bo, tia] {
        node.owner.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_added_before_joining_is_pinned_by_a_second_steward_who_then_serves_alone() {
    let ada = founder().await;
    let bo = Node::new("Bo").await;
    bo.join(ada.invite("steward").await).await;
    // Mo's data was added before Mo joined: it is announced once Mo is a member.
    let mo = Node::new("Mo").await;
    let originals = tempfile::tempdir().unwrap();
    let files = write_files(&originals.path().join("runs"));
    add(&mo, &originals.path().join("runs")).await;
    assert_eq!(listing_of(&mo).await.placement[0].announced, 0);
    mo.join(ada.invite("member").await).await;
    // Bo never met Mo: the operator's node tells it where Mo listens.
    let stewards = [key_id(&ada), key_id(&bo)];
    until_pinned_by(&mo, &stewards).await;

    // The operator's computer is off and the member's ciphertext is lost: the export
    // fetches everything from the second steward.
    let ada_home = ada.stop().await;
    let stopped = mo.stop().await;
    std::fs::remove_dir_all(stopped.0.vault_dir().join("blobs")).unwrap();
    let mo = Node::restart(stopped).await;
    exports_identical(&mo, &files).await;
    mo.owner.shutdown().await;
    bo.owner.shutdown().await;
    drop(ada_home);
}
