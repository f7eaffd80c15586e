//! Ciphertext over loopback: who is served which blob (stewards everything announced, a
//! member only their own, nobody else anything, on get, get-many, child ranges and
//! observe), a holder killed mid-transfer (the fetch resumes from another holder), and a
//! holder serving tampered bytes (caught, reported, and fetched from another).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{
    Body, ConsentMode, CoopState, Genesis, Log, MemStore, Operation, ReleaseRecord, ReleaseTerms,
    sha256,
};
use datacoop_net::blobs::{
    BLOBS_ALPN, BlobServer, Decision, FetchEvent, GrantRule, LogAccess, NoGrants, fetch,
};
use datacoop_net::{NetConfig, bind, endpoint_id};
use iroh::EndpointAddr;
use iroh::protocol::Router;
use iroh_blobs::api::Store;
use iroh_blobs::hashseq::HashSeq;
use iroh_blobs::protocol::{GetManyRequest, GetRequest, ObserveRequest};
use iroh_blobs::store::mem::MemStore as BlobMem;
use iroh_blobs::{BlobFormat, Hash, HashAndFormat};

const T0: u64 = 1_700_000_000;

fn person(n: u8) -> Identity {
    Identity::from_seeds(&format!("p{n}"), [n; 32], [n.wrapping_add(100); 32])
}

/// A cooperative's state: steward `s` (1), members `a` (2, the data's owner) and `b`
/// (3), trainer `t` (4); `a` announced one epoch whose root and backup are given.
fn coop(root: Hash, backup: Hash) -> Arc<CoopState> {
    Arc::new(coop_log(root, backup).state().clone())
}

fn append(log: &mut Log<MemStore>, who: &Identity, body: Body) -> datacoop_ledger::OpId {
    let op = log.make_operation(who.signing_key(), body, T0 + log.len());
    let id = op.id();
    log.append(op).unwrap();
    id
}

/// [`coop`]'s log, with a second trainer `u` (5).
fn coop_log(root: Hash, backup: Hash) -> Log<MemStore> {
    let s = person(1);
    let genesis = Genesis::new(
        "Runners",
        vec![s.verification_key().to_bytes()],
        s.verification_key().to_bytes(),
    );
    let first = Operation::genesis(s.signing_key(), genesis, T0).unwrap();
    let mut log = Log::create(MemStore::new(), first).unwrap();
    append(
        &mut log,
        &s,
        Body::EndpointAnnounce {
            endpoint_key: endpoint_id(&s),
        },
    );
    for (n, role) in [
        (2u8, Role::Member),
        (3, Role::Member),
        (4, Role::Trainer),
        (5, Role::Trainer),
    ] {
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
    let a = person(2);
    let dataset = [9; 32];
    append(
        &mut log,
        &a,
        Body::DatasetAnnounce {
            dataset,
            category: "fitness".parse().unwrap(),
        },
    );
    append(
        &mut log,
        &a,
        Body::EpochAnnounce {
            dataset,
            epoch: 0,
            root: *root.as_bytes(),
            key_backup: *backup.as_bytes(),
            size: 0,
        },
    );
    log
}

/// A member's epoch: a "manifest", one file of `size` bytes, the sequence and a backup.
struct Epoch {
    manifest: Hash,
    file: Hash,
    root: Hash,
    backup: Hash,
}

async fn put_epoch(store: &Store, file_bytes: Bytes) -> Epoch {
    let manifest = store
        .add_bytes(Bytes::from_static(b"sealed manifest"))
        .await
        .unwrap()
        .hash;
    let file = store.add_bytes(file_bytes).await.unwrap().hash;
    let sequence: HashSeq = [manifest, file].into_iter().collect();
    let root = store
        .add_bytes_with_opts((sequence.into_inner(), BlobFormat::HashSeq))
        .await
        .unwrap()
        .hash;
    let backup = store
        .add_bytes(Bytes::from_static(b"dckb sealed key"))
        .await
        .unwrap()
        .hash;
    Epoch {
        manifest,
        file,
        root,
        backup,
    }
}

async fn holder(identity: &Identity, store: &Store, state: Arc<CoopState>) -> Router {
    let endpoint = bind(identity, &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let access = LogAccess::new(move || Some(Arc::clone(&state)), Arc::new(NoGrants));
    Router::builder(endpoint)
        .accept(BLOBS_ALPN, BlobServer::new(store.clone(), Arc::new(access)))
        .spawn()
}

fn addr(router: &Router) -> EndpointAddr {
    let endpoint = router.endpoint();
    EndpointAddr::new(endpoint.id()).with_ip_addr(endpoint.bound_sockets()[0])
}

fn random_bytes(len: usize) -> Bytes {
    let mut out = vec![0u8; len];
    let mut x = 0x9e37_79b9_7f4a_7c15_u64;
    for chunk in out.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bytes = x.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    Bytes::from(out)
}

/// Every way of asking for a blob, from `who`: each must be refused.
async fn all_refused(who: &Identity, server: &Router, epoch: &Epoch) {
    let endpoint = bind(who, &NetConfig::loopback(Vec::new())).await.unwrap();
    let store = BlobMem::new();
    let remote = store.remote();
    let requests = [
        ("the root with its children", GetRequest::all(epoch.root)),
        ("the root alone", GetRequest::blob(epoch.root)),
        ("a file by its hash", GetRequest::blob(epoch.file)),
        ("the manifest by its hash", GetRequest::blob(epoch.manifest)),
        ("the key backup", GetRequest::blob(epoch.backup)),
        (
            "the backup read as a sequence",
            GetRequest::all(epoch.backup),
        ),
    ];
    for (what, request) in requests {
        let outcome = match endpoint.connect(addr(server), BLOBS_ALPN).await {
            Ok(conn) => remote
                .execute_get(conn, request)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        assert!(outcome.is_err(), "{} was served {what}", who.name());
    }
    for hashes in [vec![epoch.root], vec![epoch.backup], vec![epoch.file]] {
        let outcome = match endpoint.connect(addr(server), BLOBS_ALPN).await {
            Ok(conn) => remote
                .execute_get_many(
                    conn,
                    GetManyRequest::new(hashes, iroh_blobs::protocol::ChunkRangesSeq::all()),
                )
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        assert!(outcome.is_err(), "{} was served a get-many", who.name());
    }
    if let Ok(conn) = endpoint.connect(addr(server), BLOBS_ALPN).await {
        use futures_lite::StreamExt;
        let mut observed = std::pin::pin!(
            store
                .remote()
                .observe(conn, ObserveRequest::new(epoch.root))
        );
        let first = tokio::time::timeout(std::time::Duration::from_secs(5), observed.next())
            .await
            .ok()
            .flatten();
        assert!(
            !matches!(first, Some(Ok(_))),
            "{} observed the root: {first:?}",
            who.name()
        );
    }
    for hash in [epoch.root, epoch.file, epoch.manifest, epoch.backup] {
        assert!(!store.has(hash).await.unwrap(), "{} got {hash}", who.name());
    }
    endpoint.close().await;
}

/// Whether a release is live, as the node would answer from its checkpoints and log time.
struct Live(bool);

impl GrantRule for Live {
    fn live(&self, _: &CoopState, _: &ReleaseRecord) -> bool {
        self.0
    }
}

/// A release decides what its trainer is served: the capability and the epochs it covers,
/// only while it is live; another trainer, another member: nothing.
#[test]
fn a_release_serves_its_trainer_alone_and_only_while_live() {
    let (root, backup, capability) = (Hash::new(b"root"), Hash::new(b"backup"), Hash::new(b"cap"));
    let mut log = coop_log(root, backup);
    let (s, a) = (person(1), person(2));
    let dataset = [9; 32];
    let consent = append(
        &mut log,
        &a,
        Body::ConsentSet {
            dataset,
            purposes: vec![datacoop_core::Purpose::ModelTraining],
            mode: ConsentMode::Always,
            valid_until: None,
            retention_secs: None,
            max_period_secs: None,
            recipients: Vec::new(),
        },
    );
    let request = append(
        &mut log,
        &person(4),
        Body::AccessRequest {
            purpose: datacoop_core::Purpose::ModelTraining,
            categories: vec!["fitness".parse().unwrap()],
            period_secs: 600,
            license: "MIT".into(),
            credits: 1,
            deadline: T0 + 600,
            request_key: [7; 32],
        },
    );
    append(&mut log, &s, Body::RequestApproval { request });
    log.sign_checkpoint(s.signing_key(), T0 + 100).unwrap();
    assert!(log.cosign_own(s.signing_key(), T0 + 100).unwrap());
    let approved = log.state().request_approved_at(&request).unwrap();
    let start = log.log_time(approved).unwrap();
    append(
        &mut log,
        &a,
        Body::Release {
            terms: ReleaseTerms {
                request,
                dataset,
                first_epoch: 0,
                last_epoch: 0,
                root: *root.as_bytes(),
                window_start: start,
                window_end: start + 600,
                credits: 1,
                consent,
            },
            capability: *capability.as_bytes(),
        },
    );
    let state = log.state().clone();
    let decide = |who: u8, hash: &Hash, children: bool, live: bool| {
        datacoop_net::blobs::decide(
            &state,
            &endpoint_id(&person(who)),
            hash.as_bytes(),
            children,
            &Live(live),
        )
    };
    // The request's trainer: the capability and the released root, only while live.
    assert_eq!(decide(4, &capability, false, true), Decision::Allow);
    assert_eq!(decide(4, &root, true, true), Decision::Allow);
    assert_eq!(decide(4, &capability, false, false), Decision::NoGrant);
    assert_eq!(decide(4, &root, true, false), Decision::NoGrant);
    assert_eq!(
        decide(4, &backup, false, true),
        Decision::NoGrant,
        "never the key backup"
    );
    assert_eq!(decide(4, &capability, true, true), Decision::NotASequence);
    // Another trainer's capability, another member: refused; the owner and stewards keep it.
    assert_eq!(decide(5, &capability, false, true), Decision::NotYours);
    assert_eq!(decide(5, &root, true, true), Decision::NoGrant);
    assert_eq!(decide(3, &capability, false, true), Decision::NotYours);
    assert_eq!(decide(2, &capability, false, false), Decision::Allow);
    assert_eq!(decide(1, &capability, false, false), Decision::Allow);

    // Get-many: never for a trainer, even of what one get each would serve (every byte a
    // trainer is sent is counted against its release); others as each hash decides.
    let many = |who: u8, hashes: &[Hash]| {
        let hashes: Vec<[u8; 32]> = hashes.iter().map(|h| *h.as_bytes()).collect();
        datacoop_net::blobs::decide_many(&state, &endpoint_id(&person(who)), &hashes, &Live(true))
    };
    assert_eq!(many(4, &[capability]), Decision::OnePerRequest);
    assert_eq!(many(4, &[root, capability]), Decision::OnePerRequest);
    assert_eq!(many(1, &[root, backup, capability]), Decision::Allow);
    assert_eq!(many(2, &[root, capability]), Decision::Allow);
    assert_eq!(many(3, &[root]), Decision::NotYours);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_stewards_and_the_owner_are_served_and_nobody_else_anything() {
    let store = BlobMem::new();
    let epoch = put_epoch(&store, random_bytes(300_000)).await;
    let state = coop(epoch.root, epoch.backup);
    let server = holder(&person(50), &store, Arc::clone(&state)).await;

    // The rule itself.
    let grants = NoGrants;
    let decide = |who: u8, hash: &Hash, children: bool| {
        datacoop_net::blobs::decide(
            &state,
            &endpoint_id(&person(who)),
            hash.as_bytes(),
            children,
            &grants,
        )
    };
    assert_eq!(decide(1, &epoch.root, true), Decision::Allow, "a steward");
    assert_eq!(decide(2, &epoch.root, true), Decision::Allow, "the owner");
    assert_eq!(decide(2, &epoch.backup, false), Decision::Allow);
    assert_eq!(decide(2, &epoch.backup, true), Decision::NotASequence);
    assert_eq!(
        decide(2, &epoch.file, false),
        Decision::NotAnnounced,
        "children only under the root"
    );
    assert_eq!(
        decide(3, &epoch.root, true),
        Decision::NotYours,
        "another member"
    );
    assert_eq!(
        decide(4, &epoch.root, true),
        Decision::NoGrant,
        "a trainer without a grant"
    );
    assert_eq!(decide(4, &epoch.backup, false), Decision::NoGrant);
    assert_eq!(decide(77, &epoch.root, true), Decision::NotAParticipant);

    // Over the wire: the owner and a steward get the whole epoch ...
    for who in [2u8, 1] {
        let endpoint = bind(&person(who), &NetConfig::loopback(Vec::new()))
            .await
            .unwrap();
        let mine = BlobMem::new();
        fetch(
            &endpoint,
            &mine,
            HashAndFormat::hash_seq(epoch.root),
            &[addr(&server)],
            &|_| {},
        )
        .await
        .unwrap();
        fetch(
            &endpoint,
            &mine,
            HashAndFormat::raw(epoch.backup),
            &[addr(&server)],
            &|_| {},
        )
        .await
        .unwrap();
        for hash in [epoch.root, epoch.manifest, epoch.file, epoch.backup] {
            assert!(mine.has(hash).await.unwrap());
        }
        endpoint.close().await;
    }
    // ... and another member, a trainer and a stranger nothing, however they ask.
    for who in [3u8, 4, 77] {
        all_refused(&person(who), &server, &epoch).await;
    }
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_killed_mid_transfer_is_resumed_from_by_another() {
    let data = random_bytes(96 << 20);
    let (first_store, second_store) = (BlobMem::new(), BlobMem::new());
    let epoch = put_epoch(&first_store, data.clone()).await;
    put_epoch(&second_store, data).await;
    let state = coop(epoch.root, epoch.backup);
    let first = holder(&person(51), &first_store, Arc::clone(&state)).await;
    let second = holder(&person(52), &second_store, Arc::clone(&state)).await;
    let holders = [addr(&first), addr(&second)];

    let member = bind(&person(2), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let mine = BlobMem::new();
    let events = Arc::new(Mutex::new(Vec::new()));
    let (kill_tx, kill_rx) = tokio::sync::oneshot::channel::<()>();
    let kill_tx = Mutex::new(Some(kill_tx));
    let first_endpoint = first.endpoint().clone();
    let killer = tokio::spawn(async move {
        if kill_rx.await.is_ok() {
            // Gone at once, as a killed process is: its connections end with it.
            first_endpoint.close().await;
        }
    });
    let seen = Arc::clone(&events);
    let report = move |event: FetchEvent| {
        if matches!(event, FetchEvent::Progress(bytes) if bytes > 4 << 20)
            && let Some(tx) = kill_tx.lock().unwrap().take()
        {
            tx.send(()).ok();
        }
        seen.lock().unwrap().push(event);
    };
    fetch(
        &member,
        &mine,
        HashAndFormat::hash_seq(epoch.root),
        &holders,
        &report,
    )
    .await
    .unwrap();
    killer.await.unwrap();
    assert!(
        mine.has(epoch.file).await.unwrap(),
        "the whole file arrived"
    );
    let events = events.lock().unwrap().clone();
    let (first_id, second_id) = (holders[0].id, holders[1].id);
    assert!(events.contains(&FetchEvent::Trying(first_id)));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, FetchEvent::Failed(id, _) if *id == first_id)),
        "the killed holder is reported: {events:?}"
    );
    let from_second = events
        .iter()
        .position(|e| *e == FetchEvent::Trying(second_id))
        .expect("the second holder was asked");
    let second_bytes = events[from_second..]
        .iter()
        .filter_map(|e| match e {
            FetchEvent::Progress(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    assert!(
        second_bytes < 92 << 20,
        "the second holder sent only what was missing ({second_bytes} bytes)"
    );
    // The bytes are the ones hashed: read back and compared.
    let back = mine.get_bytes(epoch.file).await.unwrap();
    assert_eq!(Hash::new(&back), epoch.file);
    second.shutdown().await.unwrap();
}

/// A peer that serves tampered bytes: it asks an honest holder for what it is asked and
/// passes the answer on with one byte flipped past the first `flip_at` bytes.
#[derive(Debug, Clone)]
struct Tampering {
    endpoint: iroh::Endpoint,
    honest: EndpointAddr,
    flip_at: usize,
}

impl iroh::protocol::ProtocolHandler for Tampering {
    async fn accept(
        &self,
        conn: iroh::endpoint::Connection,
    ) -> Result<(), iroh::protocol::AcceptError> {
        use iroh::protocol::AcceptError;
        while let Ok((mut send, mut recv)) = conn.accept_bi().await {
            let request = recv
                .read_to_end(64 * 1024)
                .await
                .map_err(AcceptError::from_err)?;
            let upstream = self
                .endpoint
                .connect(self.honest.clone(), iroh_blobs::ALPN)
                .await
                .map_err(AcceptError::from_err)?;
            let (mut up_send, mut up_recv) =
                upstream.open_bi().await.map_err(AcceptError::from_err)?;
            up_send
                .write_all(&request)
                .await
                .map_err(AcceptError::from_err)?;
            up_send.finish().map_err(AcceptError::from_err)?;
            let mut buf = vec![0u8; 64 * 1024];
            let mut offset = 0;
            while let Some(n) = up_recv
                .read(&mut buf)
                .await
                .map_err(AcceptError::from_err)?
            {
                if (offset..offset + n).contains(&self.flip_at) {
                    buf[self.flip_at - offset] ^= 0x40;
                }
                send.write_all(&buf[..n])
                    .await
                    .map_err(AcceptError::from_err)?;
                offset += n;
            }
            send.finish().map_err(AcceptError::from_err)?;
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_serving_tampered_bytes_is_caught_and_another_serves() {
    let data = random_bytes(2 << 20);
    let honest_store = BlobMem::new();
    let epoch = put_epoch(&honest_store, data).await;
    let state = coop(epoch.root, epoch.backup);
    // The honest holder behind the tampering peer answers anyone (no checks), so the
    // tampering peer can relay whatever it is asked.
    let upstream = Router::builder(
        bind(&person(55), &NetConfig::loopback(Vec::new()))
            .await
            .unwrap(),
    )
    .accept(
        iroh_blobs::ALPN,
        iroh_blobs::BlobsProtocol::new(&honest_store, None),
    )
    .spawn();
    let bad_endpoint = bind(&person(53), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let bad = Router::builder(bad_endpoint.clone())
        .accept(
            BLOBS_ALPN,
            Tampering {
                endpoint: bad_endpoint,
                honest: addr(&upstream),
                flip_at: 1 << 20,
            },
        )
        .spawn();
    let good = holder(&person(54), &honest_store, Arc::clone(&state)).await;

    let member = bind(&person(2), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let mine = BlobMem::new();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let holders = [addr(&bad), addr(&good)];
    fetch(
        &member,
        &mine,
        HashAndFormat::hash_seq(epoch.root),
        &holders,
        &move |e| seen.lock().unwrap().push(e),
    )
    .await
    .unwrap();
    let events = events.lock().unwrap().clone();
    assert!(
        events.contains(&FetchEvent::Tampered(holders[0].id)),
        "the tampering holder is reported: {:?}",
        events
            .iter()
            .filter(|e| !matches!(e, FetchEvent::Progress(_)))
            .collect::<Vec<_>>()
    );
    assert!(!events.contains(&FetchEvent::Tampered(holders[1].id)));
    let back = mine.get_bytes(epoch.file).await.unwrap();
    assert_eq!(
        Hash::new(&back),
        epoch.file,
        "only verified bytes were kept"
    );

    // Alone, the tampering holder cannot complete a fetch: the error says so.
    let elsewhere = BlobMem::new();
    let err = fetch(
        &member,
        &elsewhere,
        HashAndFormat::hash_seq(epoch.root),
        &holders[..1],
        &|_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), datacoop_core::Code::NetNotHeld, "{err}");
    for router in [bad, good, upstream] {
        router.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_whose_disk_damaged_a_blob_stops_and_another_serves() {
    let data = random_bytes(2 << 20);
    let dir = tempfile::tempdir().unwrap();
    let epoch = {
        let store = iroh_blobs::store::fs::FsStore::load(dir.path())
            .await
            .unwrap();
        let epoch = put_epoch(&store, data.clone()).await;
        store.sync_db().await.unwrap();
        store.shutdown().await.unwrap();
        epoch
    };
    let file = iroh_blobs::store::fs::options::PathOptions::new(dir.path()).data_path(&epoch.file);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[1 << 20] ^= 0x40;
    std::fs::write(&file, bytes).unwrap();
    let damaged = iroh_blobs::store::fs::FsStore::load(dir.path())
        .await
        .unwrap();
    let honest = BlobMem::new();
    put_epoch(&honest, data).await;
    let state = coop(epoch.root, epoch.backup);
    let bad = holder(&person(56), &damaged, Arc::clone(&state)).await;
    let good = holder(&person(57), &honest, Arc::clone(&state)).await;
    let member = bind(&person(2), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let mine = BlobMem::new();
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let holders = [addr(&bad), addr(&good)];
    fetch(
        &member,
        &mine,
        HashAndFormat::hash_seq(epoch.root),
        &holders,
        &move |e| seen.lock().unwrap().push(e),
    )
    .await
    .unwrap();
    let events = events.lock().unwrap().clone();
    assert!(
        events.iter().any(|e| matches!(e, FetchEvent::Failed(id, _) | FetchEvent::Tampered(id) if *id == holders[0].id)),
        "the damaged holder's transfer ended"
    );
    let back = mine.get_bytes(epoch.file).await.unwrap();
    assert_eq!(Hash::new(&back), epoch.file);
    bad.shutdown().await.unwrap();
    good.shutdown().await.unwrap();
}
