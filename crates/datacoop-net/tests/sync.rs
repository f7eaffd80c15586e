//! Catching up over loopback: a replica pulls a served log batch by batch, ends up with
//! the same verified log, picks up later operations, and refuses a hostile peer's batch
//! without keeping any of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{
    Body, Genesis, LedgerError, Log, MemStore, Operation, SignedCheckpoint, VerifyOptions, sha256,
    verify_log,
};
use datacoop_net::log_sync::LogSource;
use datacoop_net::{
    LOG_ALPN, LogProtocol, MembersOnly, NetConfig, NetError, Operated, bind, bind_guarded,
    catch_up, endpoint_key, submit,
};
use ed25519_consensus::SigningKey;
use iroh::EndpointAddr;
use iroh::protocol::Router;

const T0: u64 = 1_700_000_000;

struct Operator {
    log: Arc<Mutex<Log<MemStore>>>,
    steward: SigningKey,
    operator: SigningKey,
}

impl Operator {
    fn new() -> Self {
        let steward = SigningKey::from([1; 32]);
        let operator = SigningKey::from([2; 32]);
        let genesis = Genesis::new(
            "Runners",
            vec![steward.verification_key().to_bytes()],
            operator.verification_key().to_bytes(),
        );
        let op = Operation::genesis(&steward, genesis, T0).unwrap();
        Operator {
            log: Arc::new(Mutex::new(Log::create(MemStore::new(), op).unwrap())),
            steward,
            operator,
        }
    }

    /// Sequences `n` invitations in batches of `batch`, each with its checkpoint.
    fn sequence(&self, n: u64, batch: u64) {
        let mut log = self.log.lock().unwrap();
        let me = self.steward.verification_key().to_bytes();
        let coop = log.state().coop();
        let mut left = n;
        while left > 0 {
            let (mut seq, mut prev) = log.next_for(&me);
            let mut ops = Vec::new();
            for _ in 0..left.min(batch) {
                let body = Body::Invite {
                    secret_hash: sha256(&seq.to_be_bytes()),
                    role: Role::Member,
                    expires: T0 + 86_400,
                };
                let op = Operation::new(&self.steward, coop, seq, prev, T0 + seq, body);
                prev = Some(op.id());
                seq += 1;
                ops.push(op);
            }
            left -= ops.len() as u64;
            let done = log.sequence(ops, &self.operator, T0 + seq).unwrap();
            assert!(done.rejected.is_empty(), "{:?}", done.rejected);
        }
    }

    /// The steward announces `endpoint` as theirs.
    fn announce(&self, endpoint: [u8; 32]) {
        let mut log = self.log.lock().unwrap();
        let op = log.make_operation(
            &self.steward,
            Body::EndpointAnnounce {
                endpoint_key: endpoint,
            },
            T0,
        );
        log.append(op).unwrap();
    }

    fn replica(&self) -> Arc<Mutex<Log<MemStore>>> {
        let genesis = self.log.lock().unwrap().operation(0).unwrap();
        Arc::new(Mutex::new(Log::create(MemStore::new(), genesis).unwrap()))
    }
}

async fn serve(identity: &Identity, source: impl LogSource + std::fmt::Debug) -> Router {
    let endpoint = bind(identity, &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    Router::builder(endpoint)
        .accept(LOG_ALPN, LogProtocol::new(Arc::new(source)))
        .spawn()
}

fn addr(router: &Router) -> EndpointAddr {
    let endpoint = router.endpoint();
    EndpointAddr::new(endpoint.id()).with_ip_addr(endpoint.bound_sockets()[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_catches_up_over_loopback_and_keeps_up() {
    let operator = Operator::new();
    operator.sequence(1_200, 250);
    let server_log = Arc::clone(&operator.log);
    let server = serve(&Identity::from_seeds("Op", [3; 32], [4; 32]), server_log).await;
    let member = bind(
        &Identity::from_seeds("Bo", [5; 32], [6; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();
    let replica = operator.replica();

    let done = catch_up(&member, addr(&server), &replica, 400)
        .await
        .unwrap();
    assert_eq!(done.appended, 1_200);
    assert!(done.batches >= 4, "{done:?}");
    {
        let (ours, theirs) = (replica.lock().unwrap(), operator.log.lock().unwrap());
        assert_eq!(ours.len(), theirs.len());
        assert_eq!(ours.tree().root(), theirs.tree().root());
        assert_eq!(ours.latest_checkpoint(), theirs.latest_checkpoint());
        verify_log(ours.store(), &VerifyOptions::default()).unwrap();
    }

    // Later operations arrive on the next catch-up; nothing new is a no-op.
    operator.sequence(30, 30);
    let again = catch_up(&member, addr(&server), &replica, 400)
        .await
        .unwrap();
    assert_eq!(again.appended, 30);
    let idle = catch_up(&member, addr(&server), &replica, 400)
        .await
        .unwrap();
    assert_eq!(idle.appended, 0);
    assert_eq!(idle.len, operator.log.lock().unwrap().len());

    member.close().await;
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampering_peer_is_refused_and_nothing_of_its_batch_is_kept() {
    let operator = Operator::new();
    operator.sequence(100, 100);
    let tampering = Tampering(Arc::clone(&operator.log));
    let server = serve(
        &Identity::from_seeds("Mallory", [7; 32], [8; 32]),
        tampering,
    )
    .await;
    let member = bind(
        &Identity::from_seeds("Bo", [5; 32], [6; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();
    let replica = operator.replica();
    let err = catch_up(&member, addr(&server), &replica, 400)
        .await
        .unwrap_err();
    match &err {
        NetError::Ledger(e) => assert_eq!(e.code().as_str(), "ledger.body_hash_mismatch", "{e}"),
        other => panic!("expected the ledger to refuse the batch, got {other}"),
    }
    assert_eq!(
        replica.lock().unwrap().len(),
        1,
        "nothing of the batch is kept"
    );
    member.close().await;
    server.shutdown().await.unwrap();
}

/// A peer that changes one operation's body in every batch it serves.
#[derive(Debug)]
struct Tampering(Arc<Mutex<Log<MemStore>>>);

impl LogSource for Tampering {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.0.head()
    }
    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<datacoop_ledger::KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        let mut batch = self.0.batch(from, limit, trainer)?;
        if let Some((ops, _)) = &mut batch
            && let Some(op) = ops.get_mut(3)
        {
            op.body = Some(Body::Leave);
        }
        Ok(batch)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_endpoints_a_participant_announced_are_served() {
    let operator = Operator::new();
    let bo = Identity::from_seeds("Bo", [5; 32], [6; 32]);
    let bo_endpoint = *endpoint_key(&bo).public().as_bytes();
    operator.announce(bo_endpoint);
    operator.sequence(20, 20);
    let owner = operator
        .log
        .lock()
        .unwrap()
        .state()
        .participant_of_endpoint(&bo_endpoint);
    assert_eq!(owner, Some(operator.steward.verification_key().to_bytes()));
    let guard = MembersOnly::new(Arc::clone(&operator.log), Vec::new());
    let endpoint = bind_guarded(
        &Identity::from_seeds("Op", [3; 32], [4; 32]),
        &NetConfig::loopback(Vec::new()),
        guard,
    )
    .await
    .unwrap();
    let server = Router::builder(endpoint)
        .accept(LOG_ALPN, LogProtocol::new(Arc::clone(&operator.log)))
        .spawn();

    let member = bind(&bo, &NetConfig::loopback(Vec::new())).await.unwrap();
    let replica = operator.replica();
    let done = catch_up(&member, addr(&server), &replica, 100)
        .await
        .unwrap();
    assert_eq!(done.appended, 21);

    // Someone whose endpoint no participant announced learns nothing.
    let eve = Identity::from_seeds("Eve", [8; 32], [9; 32]);
    let stranger = bind(&eve, &NetConfig::loopback(Vec::new())).await.unwrap();
    let theirs = operator.replica();
    let err = catch_up(&stranger, addr(&server), &theirs, 100)
        .await
        .unwrap_err();
    assert!(matches!(err, NetError::NotAMember), "{err}");
    assert!(err.to_string().contains("serves only members"), "{err}");
    assert_eq!(theirs.lock().unwrap().len(), 1);

    stranger.close().await;
    member.close().await;
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_is_sequenced_by_the_operator_and_reaches_replicas() {
    let operator = Operator::new();
    operator.sequence(10, 10);
    let operated = Operated::new(Arc::clone(&operator.log), operator.operator.clone());
    let server = serve(&Identity::from_seeds("Op", [3; 32], [4; 32]), operated).await;
    let member = bind(
        &Identity::from_seeds("Bo", [5; 32], [6; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();
    let operator_key = operator.operator.verification_key().to_bytes();
    let replica = operator.replica();
    catch_up(&member, addr(&server), &replica, 100)
        .await
        .unwrap();

    // Signed against the replica's view of the log, sequenced by the operator.
    let invite = |secret: u8| Body::Invite {
        secret_hash: sha256(&[secret]),
        role: Role::Member,
        expires: T0 + 86_400,
    };
    let op = replica
        .lock()
        .unwrap()
        .make_operation(&operator.steward, invite(1), T0 + 50);
    let (index, checkpoint) = submit(
        &member,
        addr(&server),
        std::slice::from_ref(&op),
        &operator_key,
    )
    .await
    .unwrap();
    assert_eq!(index, 11);
    assert_eq!(checkpoint.checkpoint.size, 12);
    assert_eq!(operator.log.lock().unwrap().operation(11).unwrap(), op);

    // The same operation again, or one whose body was changed, is refused with the
    // ledger's reason, and the log does not move.
    let again = submit(
        &member,
        addr(&server),
        std::slice::from_ref(&op),
        &operator_key,
    )
    .await;
    assert!(
        matches!(again, Err(NetError::PeerRefused { .. })),
        "{again:?}"
    );
    let mut changed =
        operator
            .log
            .lock()
            .unwrap()
            .make_operation(&operator.steward, invite(2), T0 + 51);
    changed.body = Some(invite(3));
    let refused = submit(&member, addr(&server), &[changed], &operator_key)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("body"), "{refused}");
    assert_eq!(operator.log.lock().unwrap().len(), 12);

    // A replica picks the new operation up.
    let caught = catch_up(&member, addr(&server), &replica, 100)
        .await
        .unwrap();
    assert_eq!(caught.appended, 1);
    assert_eq!(replica.lock().unwrap().operation(11).unwrap(), op);

    // Several operations of one author travel in one request and land under one
    // checkpoint.
    let checkpoints = operator.log.lock().unwrap().checkpoints().len();
    let mut three = Vec::new();
    {
        let log = replica.lock().unwrap();
        let coop = log.state().coop();
        let (mut seq, mut prev) = log.next_for(&operator.steward.verification_key().to_bytes());
        for secret in 10..13 {
            let op = Operation::new(&operator.steward, coop, seq, prev, T0 + 60, invite(secret));
            seq += 1;
            prev = Some(op.id());
            three.push(op);
        }
    }
    let (index, checkpoint) = submit(&member, addr(&server), &three, &operator_key)
        .await
        .unwrap();
    assert_eq!(index, 12);
    assert_eq!(checkpoint.checkpoint.size, 15);
    assert_eq!(
        operator.log.lock().unwrap().checkpoints().len(),
        checkpoints + 1,
        "one checkpoint for the submission"
    );
    let empty = submit(&member, addr(&server), &[], &operator_key).await;
    assert!(
        matches!(&empty, Err(NetError::PeerRefused { reason }) if reason.contains("1 to")),
        "{empty:?}"
    );

    member.close().await;
    server.shutdown().await.unwrap();
}

/// A peer that serves its first batch, then stops answering: the test kills it while
/// the replica waits for the second.
#[derive(Debug)]
struct DiesMidway {
    log: Arc<Mutex<Log<MemStore>>>,
    served: std::sync::atomic::AtomicUsize,
    asked_again: std::sync::mpsc::SyncSender<()>,
}

impl LogSource for DiesMidway {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.log.head()
    }
    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<datacoop_ledger::KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        if self
            .served
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            == 0
        {
            return self.log.batch(from, limit, trainer);
        }
        let _ = self.asked_again.try_send(());
        // Never answers: the peer is killed while this request is open.
        std::thread::sleep(std::time::Duration::from_secs(3));
        Err(LedgerError::Store {
            detail: "gone".into(),
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_killed_mid_sync_leaves_a_verified_prefix_and_another_peer_finishes() {
    let operator = Operator::new();
    operator.sequence(300, 100);
    let (asked_again, waiting) = std::sync::mpsc::sync_channel(1);
    let dying = serve(
        &Identity::from_seeds("Ada", [1; 32], [2; 32]),
        DiesMidway {
            log: Arc::clone(&operator.log),
            served: std::sync::atomic::AtomicUsize::new(0),
            asked_again,
        },
    )
    .await;
    let member = bind(
        &Identity::from_seeds("Bo", [5; 32], [6; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();
    let replica = operator.replica();
    let pulling = tokio::spawn({
        let (member, replica, to) = (member.clone(), Arc::clone(&replica), addr(&dying));
        async move { catch_up(&member, to, &replica, 100).await }
    });
    // The second batch was asked for: kill the peer (its endpoint goes away mid-request).
    tokio::task::spawn_blocking(move || waiting.recv().unwrap())
        .await
        .unwrap();
    dying.endpoint().close().await;
    let err = tokio::time::timeout(std::time::Duration::from_secs(20), pulling)
        .await
        .expect("the replica notices the peer is gone")
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, NetError::PeerLost { .. }),
        "expected a lost peer, got {err}"
    );
    // What arrived before is kept, verified, and ends at a checkpoint.
    let kept = replica.lock().unwrap().len();
    assert_eq!(kept, 101, "the first batch (genesis + 100) is kept whole");
    // Another holder of the same log finishes the catch-up from there.
    let other = serve(
        &Identity::from_seeds("Cy", [9; 32], [10; 32]),
        Arc::clone(&operator.log),
    )
    .await;
    let done = catch_up(&member, addr(&other), &replica, 100)
        .await
        .unwrap();
    assert_eq!(done.len, 301);
    assert_eq!(done.appended, 200);
    member.close().await;
    other.shutdown().await.unwrap();
}

/// A peer whose proofs lie: for an odd index it proves the next operation instead, for
/// an even one it changes a hash of the inclusion path.
#[derive(Debug)]
struct LyingProofs(Arc<Mutex<Log<MemStore>>>);

impl LogSource for LyingProofs {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.0.head()
    }
    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<datacoop_ledger::KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        self.0.batch(from, limit, trainer)
    }
    fn proof(&self, index: u64) -> Result<datacoop_ledger::ProofBundle, LedgerError> {
        if index % 2 == 1 {
            return self.0.proof(index + 1);
        }
        let mut bundle = self.0.proof(index)?;
        bundle.proof[0][0] ^= 1;
        Ok(bundle)
    }
}

/// Any member can ask a peer for a proof that an operation is on the log and check it
/// against the cooperative's keys; a proof of another operation, a changed path and an
/// index beyond the log are each refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_fetched_from_a_peer_is_checked_and_a_lying_peer_is_caught() {
    let operator = Operator::new();
    operator.sequence(40, 10);
    let keys = datacoop_ledger::CoopKeys::from_state(operator.log.lock().unwrap().state());
    let honest = serve(
        &Identity::from_seeds("Op", [3; 32], [4; 32]),
        Arc::clone(&operator.log),
    )
    .await;
    let liar = serve(
        &Identity::from_seeds("Liar", [7; 32], [8; 32]),
        LyingProofs(Arc::clone(&operator.log)),
    )
    .await;
    let member = bind(
        &Identity::from_seeds("Bo", [5; 32], [6; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();

    let (receipt, text) = datacoop_net::fetch_proof(&member, addr(&honest), 25, &keys)
        .await
        .unwrap();
    assert_eq!(receipt.index, 25);
    assert!(receipt.tree_size > 25);
    let local = operator
        .log
        .lock()
        .unwrap()
        .proof_bundle(25)
        .unwrap()
        .render();
    assert_eq!(text, local, "the same text `log proof` prints");
    assert_eq!(
        receipt.id,
        operator.log.lock().unwrap().operation(25).unwrap().id()
    );

    let beyond = datacoop_net::fetch_proof(&member, addr(&honest), 4_000, &keys)
        .await
        .unwrap_err();
    assert!(matches!(beyond, NetError::PeerRefused { .. }), "{beyond}");
    for index in [25, 26] {
        let err = datacoop_net::fetch_proof(&member, addr(&liar), index, &keys)
            .await
            .unwrap_err();
        assert!(matches!(err, NetError::BadAnswer { .. }), "{index}: {err}");
        assert_eq!(err.code().as_str(), "net.bad_answer");
    }

    member.close().await;
    honest.shutdown().await.unwrap();
    liar.shutdown().await.unwrap();
}

/// A trainer's node is served the log without members' consent records: its replica
/// (a trainer's view) catches up and verifies; a member's node gets every body; and a
/// full replica refuses what a trainer is served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainer_is_served_the_log_without_consent_records() {
    let operator = Operator::new();
    let bo = Identity::from_seeds("Bo", [5; 32], [6; 32]);
    let tess = Identity::from_seeds("Tess", [7; 32], [8; 32]);
    {
        let mut log = operator.log.lock().unwrap();
        let steward = operator.steward.clone();
        let mut append = |who: &SigningKey, body: Body| {
            let op = log.make_operation(who, body, T0);
            let id = op.id();
            log.append(op).unwrap();
            id
        };
        for (n, who, role) in [(1u8, &bo, Role::Member), (2, &tess, Role::Trainer)] {
            let invite = append(
                &steward,
                Body::Invite {
                    secret_hash: sha256(&[n; 32]),
                    role,
                    expires: T0 + 86_400,
                },
            );
            let join = append(
                who.signing_key(),
                Body::Join {
                    invite,
                    secret: [n; 32],
                    endpoint_key: datacoop_net::endpoint_id(who),
                },
            );
            append(&steward, Body::JoinAcceptance { join });
        }
        append(
            bo.signing_key(),
            Body::ConsentSet {
                dataset: [9; 32],
                purposes: vec![datacoop_core::Purpose::ModelTraining],
                mode: datacoop_ledger::ConsentMode::Always,
                valid_until: None,
                retention_secs: None,
                max_period_secs: None,
                recipients: Vec::new(),
            },
        );
        log.sign_checkpoint(&operator.operator, T0 + 10).unwrap();
    }
    let server = serve(
        &Identity::from_seeds("Op", [3; 32], [4; 32]),
        Arc::clone(&operator.log),
    )
    .await;
    let genesis = operator.log.lock().unwrap().operation(0).unwrap();
    let consent_bodies = |log: &Log<MemStore>| {
        (0..log.len())
            .filter(|i| {
                matches!(
                    log.operation(*i).unwrap().body,
                    Some(Body::ConsentSet { .. })
                )
            })
            .count()
    };

    let trainer_view = datacoop_ledger::View::Trainer(tess.verification_key().to_bytes());
    let endpoint = bind(&tess, &NetConfig::loopback(Vec::new())).await.unwrap();
    let replica = Arc::new(Mutex::new(
        Log::create_as(MemStore::new(), genesis.clone(), trainer_view).unwrap(),
    ));
    catch_up(&endpoint, addr(&server), &replica, 100)
        .await
        .unwrap();
    {
        let replica = replica.lock().unwrap();
        assert_eq!(replica.len(), operator.log.lock().unwrap().len());
        assert_eq!(consent_bodies(&replica), 0);
        assert_eq!(replica.state().withheld_bodies(), 1);
        verify_log(
            replica.store(),
            &VerifyOptions {
                view: trainer_view,
                ..Default::default()
            },
        )
        .unwrap();
    }
    // What the trainer is served does not make a full replica: a consent's body is
    // missing with no erasure notice to explain it, which verification refuses.
    let full = Arc::new(Mutex::new(
        Log::create(MemStore::new(), genesis.clone()).unwrap(),
    ));
    catch_up(&endpoint, addr(&server), &full, 100)
        .await
        .unwrap();
    let err = verify_log(full.lock().unwrap().store(), &VerifyOptions::default()).unwrap_err();
    assert!(err.to_string().contains("body"), "{err}");
    endpoint.close().await;

    // The member's node is served every body.
    let endpoint = bind(&bo, &NetConfig::loopback(Vec::new())).await.unwrap();
    let member = operator.replica();
    catch_up(&endpoint, addr(&server), &member, 100)
        .await
        .unwrap();
    assert_eq!(consent_bodies(&member.lock().unwrap()), 1);
    endpoint.close().await;
    server.shutdown().await.unwrap();
}
