//! Joining by ticket over loopback: a newcomer the hook refuses joins on the open join
//! path, is accepted by the inviter, then catches up as a member; a used, forged,
//! unknown and expired ticket are each refused with their own words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use datacoop_core::Role;
use datacoop_crypto::Identity;
use datacoop_ledger::{Body, Genesis, Log, MemStore, Operation, sha256};
use datacoop_net::{
    InviteTicket, Inviter, JOIN_ALPN, JoinRefusal, LOG_ALPN, LogProtocol, MembersOnly, NetConfig,
    NetError, Peer, bind, bind_guarded, catch_up, endpoint_key, join,
};
use ed25519_consensus::SigningKey;
use iroh::EndpointAddr;
use iroh::protocol::Router;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_lets_a_newcomer_in_once_and_bad_tickets_say_why() {
    let steward = SigningKey::from([1; 32]);
    let operator = SigningKey::from([2; 32]);
    let genesis = Genesis::new(
        "Runners",
        vec![steward.verification_key().to_bytes()],
        operator.verification_key().to_bytes(),
    );
    let genesis = Operation::genesis(&steward, genesis, now()).unwrap();
    let mut log = Log::create(MemStore::new(), genesis.clone()).unwrap();
    let invite = |log: &Log<MemStore>, secret: [u8; 32], expires: u64| {
        log.make_operation(
            &steward,
            Body::Invite {
                secret_hash: sha256(&secret),
                role: Role::Member,
                expires,
            },
            now(),
        )
    };
    let fresh = invite(&log, [7; 32], now() + 86_400);
    log.append(fresh.clone()).unwrap();
    let stale = invite(&log, [8; 32], now() - 60);
    log.append(stale.clone()).unwrap();
    let unused = invite(&log, [11; 32], now() + 86_400);
    log.append(unused.clone()).unwrap();
    log.sign_checkpoint(&operator, now()).unwrap();
    let coop = log.state().coop();
    let log = Arc::new(Mutex::new(log));

    let guard = MembersOnly::new(Arc::clone(&log), vec![JOIN_ALPN.to_vec()]);
    let endpoint = bind_guarded(
        &Identity::from_seeds("Steward", [3; 32], [4; 32]),
        &NetConfig::loopback(Vec::new()),
        guard,
    )
    .await
    .unwrap();
    let inviter = Peer {
        endpoint: *endpoint.id().as_bytes(),
        addrs: endpoint.bound_sockets(),
    };
    let router = Router::builder(endpoint)
        .accept(
            JOIN_ALPN,
            Inviter::new(Arc::clone(&log), operator.clone(), steward.clone()),
        )
        .accept(LOG_ALPN, LogProtocol::new(Arc::clone(&log)))
        .spawn();
    let server = EndpointAddr::new(router.endpoint().id())
        .with_ip_addr(router.endpoint().bound_sockets()[0]);
    let ticket = |invite: &Operation, secret: [u8; 32]| {
        // Through text, as a person passes it on.
        InviteTicket {
            coop,
            invite: invite.id().0,
            secret,
            inviter: inviter.clone(),
            relay: None,
            role: None,
        }
        .to_string()
        .parse::<InviteTicket>()
        .unwrap()
    };

    let bo = Identity::from_seeds("Bo", [5; 32], [6; 32]);
    let bo_node = bind(&bo, &NetConfig::loopback(Vec::new())).await.unwrap();
    let bo_endpoint = *endpoint_key(&bo).public().as_bytes();
    let replica = Arc::new(Mutex::new(
        Log::create(MemStore::new(), genesis.clone()).unwrap(),
    ));
    // Not a member yet: the log is closed to Bo.
    let closed = catch_up(&bo_node, server.clone(), &replica, 100).await;
    assert!(matches!(closed, Err(NetError::NotAMember)), "{closed:?}");

    let good = ticket(&fresh, [7; 32]);
    let datacoop_net::JoinOutcome::Joined { index, checkpoint } =
        join(&bo_node, &good, bo.signing_key(), bo_endpoint)
            .await
            .unwrap()
    else {
        panic!("the inviter's own invitation is accepted at once");
    };
    assert_eq!(index, 4);
    assert_eq!(checkpoint.checkpoint.size, 6, "the join and its acceptance");
    let member = bo.verification_key().to_bytes();
    assert_eq!(
        log.lock().unwrap().state().members().get(&member),
        Some(&Role::Member)
    );
    // Now a member, Bo catches up and sees their own join.
    let caught = catch_up(&bo_node, server.clone(), &replica, 100)
        .await
        .unwrap();
    assert_eq!(caught.len, 6);

    // Each bad ticket, refused with its own reason; the log does not move.
    let cy = Identity::from_seeds("Cy", [9; 32], [10; 32]);
    let cy_node = bind(&cy, &NetConfig::loopback(Vec::new())).await.unwrap();
    let cy_endpoint = *endpoint_key(&cy).public().as_bytes();
    let refusal = |result: Result<datacoop_net::JoinOutcome, NetError>| match result {
        Err(NetError::JoinRefused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let used = join(&cy_node, &good, cy.signing_key(), cy_endpoint).await;
    assert_eq!(refusal(used), JoinRefusal::Used);
    let forged = join(
        &cy_node,
        &ticket(&unused, [12; 32]),
        cy.signing_key(),
        cy_endpoint,
    )
    .await;
    assert_eq!(refusal(forged), JoinRefusal::Forged);
    let expired = join(
        &cy_node,
        &ticket(&stale, [8; 32]),
        cy.signing_key(),
        cy_endpoint,
    )
    .await;
    assert_eq!(refusal(expired), JoinRefusal::Expired);
    let mut unknown = good.clone();
    unknown.invite = [0xaa; 32];
    let unknown = join(&cy_node, &unknown, cy.signing_key(), cy_endpoint).await;
    assert_eq!(refusal(unknown), JoinRefusal::Unknown);
    assert!(JoinRefusal::Used.to_string().contains("already used"));
    assert!(JoinRefusal::Expired.to_string().contains("expired"));
    assert!(JoinRefusal::Forged.to_string().contains("forged"));
    assert_eq!(log.lock().unwrap().len(), 6);

    cy_node.close().await;
    bo_node.close().await;
    router.shutdown().await.unwrap();
}
