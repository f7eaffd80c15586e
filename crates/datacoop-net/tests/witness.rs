//! Cosigning over loopback: the operator gathers cosignatures from witness nodes until
//! the log's time is known; a witness that cosigned a size refuses another root for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{Body, Genesis, Log, MemStore, Operation, Witness, sha256};
use datacoop_net::{
    LOG_ALPN, LogProtocol, NetConfig, NetError, Witnessing, bind, request_cosignature,
};
use ed25519_consensus::SigningKey;
use iroh::EndpointAddr;
use iroh::protocol::Router;

const T0: u64 = 1_700_000_000;

fn pk(k: &SigningKey) -> [u8; 32] {
    k.verification_key().to_bytes()
}

/// Three stewards (the witnesses, quorum 2) and an operator; `secret` varies the
/// invitations so two logs from one genesis can differ.
fn log_with(
    genesis: &Operation,
    steward: &SigningKey,
    operator: &SigningKey,
    n: u64,
    secret: u8,
) -> Log<MemStore> {
    let mut log = Log::create(MemStore::new(), genesis.clone()).unwrap();
    extend(&mut log, steward, operator, n, secret);
    log
}

fn extend(
    log: &mut Log<MemStore>,
    steward: &SigningKey,
    operator: &SigningKey,
    n: u64,
    secret: u8,
) {
    let coop = log.state().coop();
    let (mut seq, mut prev) = log.next_for(&pk(steward));
    let mut ops = Vec::new();
    for _ in 0..n {
        let body = Body::Invite {
            secret_hash: sha256(&[secret, seq as u8]),
            role: Role::Member,
            expires: T0 + 86_400,
        };
        let op = Operation::new(steward, coop, seq, prev, T0 + seq, body);
        prev = Some(op.id());
        seq += 1;
        ops.push(op);
    }
    log.sequence(ops, operator, T0 + seq).unwrap();
}

async fn witness_node(
    name: &str,
    seed: u8,
    key: &SigningKey,
    genesis: &Operation,
    operator: &SigningKey,
) -> Router {
    let replica = Log::create(MemStore::new(), genesis.clone()).unwrap();
    let origin = replica.origin().to_owned();
    let replica = Arc::new(Mutex::new(replica));
    let witness = Witness::new(key.clone(), origin, pk(operator), None);
    let endpoint = bind(
        &Identity::from_seeds(name, [seed; 32], [seed + 1; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();
    Router::builder(endpoint)
        .accept(
            LOG_ALPN,
            LogProtocol::new(Arc::new(Witnessing::new(replica, witness))),
        )
        .spawn()
}

fn addr(router: &Router) -> EndpointAddr {
    let endpoint = router.endpoint();
    EndpointAddr::new(endpoint.id()).with_ip_addr(endpoint.bound_sockets()[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_gathers_a_quorum_and_a_witness_refuses_a_second_root() {
    let stewards: Vec<SigningKey> = (1..=3).map(|n| SigningKey::from([n; 32])).collect();
    let operator = SigningKey::from([9; 32]);
    let genesis = Operation::genesis(
        &stewards[0],
        Genesis::new("Runners", stewards.iter().map(pk).collect(), pk(&operator)),
        T0,
    )
    .unwrap();
    let log = Arc::new(Mutex::new(log_with(
        &genesis,
        &stewards[0],
        &operator,
        10,
        0,
    )));
    let w1 = witness_node("w1", 20, &stewards[1], &genesis, &operator).await;
    let w2 = witness_node("w2", 30, &stewards[2], &genesis, &operator).await;
    let op_node = bind(
        &Identity::from_seeds("op", [40; 32], [41; 32]),
        &NetConfig::loopback(Vec::new()),
    )
    .await
    .unwrap();

    assert_eq!(log.lock().unwrap().now(), None);
    request_cosignature(&op_node, addr(&w1), &log, pk(&stewards[1]))
        .await
        .unwrap();
    assert_eq!(log.lock().unwrap().now(), None, "one of a quorum of two");
    request_cosignature(&op_node, addr(&w2), &log, pk(&stewards[2]))
        .await
        .unwrap();
    assert!(log.lock().unwrap().now().is_some());
    assert!(log.lock().unwrap().log_time(5).is_some());
    let size = log.lock().unwrap().len();

    // The log grows; the witness checks the extension against what it cosigned.
    extend(&mut log.lock().unwrap(), &stewards[0], &operator, 5, 0);
    request_cosignature(&op_node, addr(&w1), &log, pk(&stewards[1]))
        .await
        .unwrap();

    // A log that forked at the size the witness already cosigned: another root there is
    // refused with evidence, even from a log that does not know what the witness saw.
    let fork = Arc::new(Mutex::new(log_with(
        &genesis,
        &stewards[0],
        &operator,
        size - 1,
        7,
    )));
    assert_eq!(fork.lock().unwrap().len(), size);
    let refused = request_cosignature(&op_node, addr(&w2), &fork, pk(&stewards[2]))
        .await
        .unwrap_err();
    match &refused {
        NetError::PeerRefused { reason } => {
            assert!(reason.contains("evidence"), "{reason}")
        }
        other => panic!("expected a refusal with evidence, got {other}"),
    }

    op_node.close().await;
    w1.shutdown().await.unwrap();
    w2.shutdown().await.unwrap();
}
