//! Five nodes in one process, each an [`Owner`] on 127.0.0.1 as `datacoop serve` runs it:
//! a founder invites two stewards (proposed as stewards on joining) and two members,
//! raises k to 2, moves witnessing to three stewards with quorum 2 by proposal (approved
//! from another steward's node), and everyone converges on one checkpoint cosigned by
//! the quorum, with `log verify` passing everywhere. Then the faults of a real
//! cooperative: a member offline for a hundred operations catches up, witnesses down
//! below quorum make checkpoints wait until they return, and the operator restarted
//! keeps its sequence.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Node, PASSPHRASE, options};
use datacoop_node::api::CoopJoin;
use datacoop_node::api::{
    ConsentSet, CoopCreate, CoopShow, DataAdd, LogVerify, ProposalApprove, ProposalCreate,
    ProposalList,
};
use datacoop_node::{CoopInfo, NetSettings, OwnerOptions, ProposedChange};
use secrecy::SecretString;

impl Node {
    async fn show(&self) -> CoopInfo {
        self.ok(CoopShow {}).await
    }

    async fn id(&self) -> String {
        self.owner.state().await;
        match self.owner.state().await {
            datacoop_node::HomeState::Unlocked { identity } => identity.id.to_string(),
            other => panic!("not unlocked: {other:?}"),
        }
    }

    /// Adds a small dataset and consents to it (three operations the first time, two
    /// for each change after).
    async fn consent(&self, dataset: &str, days: u64) {
        let dir = self.home.root().join(format!("{dataset}-files"));
        if !dir.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("a.csv"), b"1,2\n").unwrap();
            self.ok(DataAdd {
                dataset: dataset.into(),
                category: Some("fitness".into()),
                paths: vec![dir],
                age: false,
            })
            .await;
        }
        self.ok(ConsentSet {
            dataset: dataset.into(),
            allow: vec!["ScientificResearch".into()],
            deny: Vec::new(),
            max_days: Some(days),
            ask: false,
        })
        .await;
    }
}

/// Waits until `check` holds for every node's view, or fails naming what was seen.
async fn until(nodes: &[&Node], what: &str, check: impl Fn(&[CoopInfo]) -> bool) -> Vec<CoopInfo> {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let mut seen = Vec::new();
        for node in nodes {
            seen.push(node.show().await);
        }
        if check(&seen) {
            return seen;
        }
        if Instant::now() > deadline {
            let heads: Vec<_> = seen
                .iter()
                .map(|s| (s.size, s.latest_checkpoint.clone()))
                .collect();
            panic!("{what}: not after 40 s; saw {heads:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn same_head(seen: &[CoopInfo]) -> bool {
    seen.windows(2).all(|w| {
        w[0].size == w[1].size
            && w[0].latest_checkpoint.as_ref().map(|c| &c.root)
                == w[1].latest_checkpoint.as_ref().map(|c| &c.root)
    })
}

fn cosigned_by_quorum(info: &CoopInfo) -> bool {
    info.latest_checkpoint
        .as_ref()
        .is_some_and(|c| c.size == info.size && c.cosigned_by.len() >= info.witness_quorum as usize)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_nodes_govern_witness_and_agree_through_faults() {
    let ada = Node::new("Ada").await;
    ada.ok(CoopCreate {
        name: "Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await;
    let bo = Node::new("Bo").await;
    let cy = Node::new("Cy").await;
    let dee = Node::new("Dee").await;
    let eve = Node::new("Eve").await;
    bo.join(ada.invite("steward").await).await;
    cy.join(ada.invite("steward").await).await;
    dee.join(ada.invite("member").await).await;
    eve.join(ada.invite("member").await).await;

    // Each steward invitation was proposed as a stewardship by the inviter; with k = 1
    // its own approval made it effective.
    let seen = until(&[&ada, &bo, &cy, &dee, &eve], "three stewards", |seen| {
        same_head(seen) && seen.iter().all(|s| s.stewards.len() == 3)
    })
    .await;
    assert_eq!(seen[0].members.len(), 5, "{:?}", seen[0].members);

    // A steward whose node is not the operator's invites too: it checks the join and
    // sends it, with its acceptance, on to the operator.
    let fay = Node::new("Fay").await;
    fay.join(bo.invite("member").await).await;
    until(&[&ada, &bo, &fay], "the join through a steward", |seen| {
        same_head(seen) && seen.iter().all(|s| s.members.len() == 6)
    })
    .await;

    // k = 2, then the witness set by proposal: now it needs a second steward.
    let (a, b, c) = (ada.id().await, bo.id().await, cy.id().await);
    ada.ok(ProposalCreate {
        change: ProposedChange::Threshold { k: 2 },
    })
    .await;
    let proposal = bo
        .call(ProposalCreate {
            change: ProposedChange::Witnesses {
                ids: vec![a[..12].into(), b[..12].into(), c[..12].into()],
                quorum: 2,
            },
        })
        .await
        .expect("a steward's node submits a proposal");
    let waiting = ada.ok(ProposalList {}).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!((waiting[0].approvals, waiting[0].needed), (1, 2));
    assert!(!waiting[0].approved_by_me);
    // A member cannot approve.
    let refused = dee
        .call(ProposalApprove {
            id: proposal.operation.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code().as_str(), "ledger.unauthorized", "{refused}");
    cy.ok(ProposalApprove {
        id: proposal.operation[..10].into(),
    })
    .await;
    assert!(ada.ok(ProposalList {}).await.is_empty());

    let all = [&ada, &bo, &cy, &dee, &eve];
    let seen = until(&all, "one checkpoint cosigned by the quorum", |seen| {
        same_head(seen) && seen.iter().all(cosigned_by_quorum)
    })
    .await;
    assert_eq!(seen[0].witnesses.len(), 3);
    assert_eq!(seen[0].witness_quorum, 2);
    assert!(!seen[0].unwitnessed);
    for node in all {
        node.ok(LogVerify {}).await;
    }

    // Eve is offline for a hundred operations, then catches up and verifies.
    let eve_home = eve.stop().await;
    let before = ada.show().await.size;
    dee.consent("runs", 1).await;
    for days in 2..=50 {
        dee.consent("runs", days).await;
    }
    let grown = ada.show().await.size;
    assert!(grown - before >= 100, "{before} -> {grown}");
    let eve = Node::restart(eve_home).await;
    until(&[&ada, &eve], "the offline member caught up", same_head).await;
    eve.ok(LogVerify {}).await;

    // Two witnesses of three down: quorum 2 cannot be met, checkpoints wait...
    let bo_home = bo.stop().await;
    let cy_home = cy.stop().await;
    dee.consent("runs", 60).await;
    let waiting = ada.show().await;
    assert!(
        !cosigned_by_quorum(&waiting),
        "{:?}",
        waiting.latest_checkpoint
    );
    // ...and catch up when they return.
    let bo = Node::restart(bo_home).await;
    let cy = Node::restart(cy_home).await;
    until(&[&ada, &bo, &cy], "witnesses back", |seen| {
        same_head(seen) && cosigned_by_quorum(&seen[0])
    })
    .await;

    // The operator restarted keeps its sequence: the log goes on from where it was.
    let size = ada.show().await.size;
    let ada = Node::restart(ada.stop().await).await;
    dee.consent("runs", 70).await;
    let all = [&ada, &bo, &cy, &dee, &eve];
    let seen = until(&all, "agreement after the operator's restart", |seen| {
        same_head(seen) && seen[0].size > size
    })
    .await;
    assert!(seen.iter().all(|s| s.evidence.is_empty()), "{seen:?}");
    for node in all {
        node.ok(LogVerify {}).await;
    }
}

/// With timed pulls two minutes apart, a member still sees the operator's new operations
/// within seconds: the operator announces each new checkpoint over gossip, and the
/// announcement makes the member pull at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announcements_make_a_member_pull_at_once() {
    let slow = NetSettings {
        pull_every: Duration::from_secs(120),
        ..NetSettings::loopback()
    };
    let start = |name: &'static str| {
        Node::with(
            name,
            OwnerOptions {
                net: Some(slow.clone()),
                ..options()
            },
        )
    };
    let ada = start("Ada").await;
    ada.ok(CoopCreate {
        name: "Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await;
    let bo = start("Bo").await;
    bo.join(ada.invite("member").await).await;
    // Joining pulls once more right after; let that pull end, so that from here on only
    // an announcement makes the member pull before its two minutes are up.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(bo.show().await.size, ada.show().await.size);
    // The operator writes; within seconds (not the two minutes of the timed pull) the
    // member holds it. Gossip has no history, so each try writes again until one lands
    // after the member has joined the topic.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut days = 1;
    loop {
        ada.consent("runs", days).await;
        days += 1;
        let wrote = ada.show().await.size;
        let heard = Instant::now() + Duration::from_secs(3);
        while Instant::now() < heard && bo.show().await.size < wrote {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if bo.show().await.size >= wrote {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the member never heard of the operator's checkpoints"
        );
    }
    bo.ok(LogVerify {}).await;
}

/// Restarts `node` on a port other than the one its peers know (the old one is held
/// while it binds).
async fn restart_elsewhere(node: Node) -> (Node, u16) {
    let port_file = node.home.root().join("listen-port");
    let old: u16 = std::fs::read_to_string(&port_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let stopped = node.stop().await;
    let held = std::net::UdpSocket::bind(("127.0.0.1", old)).unwrap();
    let node = Node::restart(stopped).await;
    drop(held);
    let new: u16 = std::fs::read_to_string(&port_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_ne!(old, new, "the restarted node listens elsewhere");
    (node, new)
}

/// Whether `node`'s address book lists `port` first for some peer.
fn book_leads_with(node: &Node, port: u16) -> bool {
    let book = std::fs::read_to_string(node.home.root().join("peers.json")).unwrap_or_default();
    book.contains(&format!("127.0.0.1:{port}\""))
}

/// Ada, founder of "Runners", and Bo, a member who joined with her ticket.
async fn founder_and_member() -> (Node, Node) {
    let ada = Node::new("Ada").await;
    ada.ok(CoopCreate {
        name: "Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await;
    let bo = Node::new("Bo").await;
    bo.join(ada.invite("member").await).await;
    (ada, bo)
}

/// Peers learn a moved peer's new address from its next call: a member that comes back
/// on another port is reached by the operator, and when the operator comes back on
/// another port, its first call to the member (announcements) tells the member where to
/// pull from. Tickets and joins alone would leave both stranded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_moves_to_another_port_is_found_again() {
    let (ada, bo) = founder_and_member().await;
    until(&[&ada, &bo], "the member joined", same_head).await;

    // The member moves; its next pull tells the operator where it is now.
    let (bo, bo_port) = restart_elsewhere(bo).await;
    ada.consent("runs", 1).await;
    until(&[&ada, &bo], "the moved member caught up", same_head).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while !book_leads_with(&ada, bo_port) {
        assert!(
            Instant::now() < deadline,
            "the operator never learned the member's new port"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The operator moves; it calls the member (at the address it learned), and the
    // member pulls from the new address.
    let (ada, ada_port) = restart_elsewhere(ada).await;
    ada.consent("runs", 2).await;
    let seen = until(
        &[&ada, &bo],
        "the member pulled from the moved operator",
        same_head,
    )
    .await;
    assert!(seen[0].size >= 8, "{}", seen[0].size);
    assert!(book_leads_with(&bo, ada_port));
    bo.ok(LogVerify {}).await;
}

/// A copy of the operator's node turned hostile: it holds the operator's keys and log,
/// and serves a checkpoint signed by the operator over another root at the size the
/// member already holds.
#[derive(Debug)]
struct SplitView {
    log: std::sync::Mutex<datacoop_ledger::Log<datacoop_ledger::SledStore>>,
    forged: datacoop_ledger::SignedCheckpoint,
}

impl datacoop_net::LogSource for SplitView {
    fn head(
        &self,
    ) -> Result<Option<datacoop_ledger::SignedCheckpoint>, datacoop_ledger::LedgerError> {
        Ok(Some(self.forged.clone()))
    }

    fn batch(
        &self,
        from: u64,
        limit: u64,
        _trainer: Option<datacoop_ledger::KeyBytes>,
    ) -> Result<
        Option<(
            Vec<datacoop_ledger::Operation>,
            datacoop_ledger::SignedCheckpoint,
        )>,
        datacoop_ledger::LedgerError,
    > {
        let log = self.log.lock().unwrap();
        if from >= log.len() {
            return Ok(Some((Vec::new(), self.forged.clone())));
        }
        let end = log.len().min(from + limit);
        let ops = (from..end).map(|i| log.operation(i).unwrap()).collect();
        Ok(Some((ops, log.checkpoints()[&end].clone())))
    }
}

/// A member whose operator serves it a split view (two operator-signed checkpoints of one
/// size with different roots) keeps the proof as evidence, shows it in `coop show`, and
/// keeps its log as it was: nothing of the hostile view is written, and it verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_keeps_evidence_of_a_split_view_its_operator_serves() {
    let (ada, bo) = founder_and_member().await;
    ada.consent("runs", 1).await;
    let seen = until(&[&ada, &bo], "the member caught up", same_head).await;
    let size = seen[1].size;
    let root = seen[1].latest_checkpoint.clone().unwrap().root;
    assert!(seen[1].evidence.is_empty());

    let port: u16 = std::fs::read_to_string(ada.home.root().join("listen-port"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let (home, _dir) = ada.stop().await;
    let identity =
        datacoop_crypto::Keystore::unlock(&home.keystore(), &SecretString::from(PASSPHRASE))
            .unwrap()
            .identity();
    let log = datacoop_ledger::Log::open(
        datacoop_ledger::SledStore::open(&home.root().join("ledger")).unwrap(),
    )
    .unwrap();
    let forged = datacoop_ledger::Checkpoint {
        origin: log.origin().to_owned(),
        size,
        root: [7; 32],
        extensions: Vec::new(),
    }
    .sign(identity.signing_key())
    .unwrap();
    let endpoint = datacoop_net::bind(
        &identity,
        &datacoop_net::NetConfig {
            listen: datacoop_net::Listen::Addr(([127, 0, 0, 1], port).into()),
            ..datacoop_net::NetConfig::loopback(Vec::new())
        },
    )
    .await
    .unwrap();
    let hostile = iroh::protocol::Router::builder(endpoint)
        .accept(
            datacoop_net::LOG_ALPN,
            datacoop_net::LogProtocol::new(Arc::new(SplitView {
                log: std::sync::Mutex::new(log),
                forged,
            })),
        )
        .spawn();

    let deadline = Instant::now() + Duration::from_secs(20);
    let info = loop {
        let info = bo.show().await;
        if !info.evidence.is_empty() {
            break info;
        }
        assert!(Instant::now() < deadline, "no evidence kept: {info:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        info.evidence[0].code, "evidence.split_view",
        "{:?}",
        info.evidence
    );
    assert_eq!(info.size, size);
    assert_eq!(
        info.latest_checkpoint.unwrap().root,
        root,
        "the member's view stays"
    );
    bo.ok(LogVerify {}).await;
    hostile.shutdown().await.unwrap();
}

/// Settings → Network through the typed API: a node on loopback shows where it listens
/// with no relay and no local discovery; a relay that is not a web address is refused;
/// saved choices wait for the next start. A ticket naming a relay never turns one on:
/// when its inviter cannot be reached directly, the error says which relay to set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_settings_wait_for_the_next_start_and_a_relay_ticket_says_what_to_set() {
    use datacoop_node::api::{NetworkSave, NetworkShow};
    let ada = Node::new("Ada").await;
    let shown = ada.ok(NetworkShow {}).await;
    assert!(shown.online);
    assert!(!shown.listening.is_empty());
    assert!(
        shown.listening.iter().all(|a| a.starts_with("127.0.0.1:")),
        "{shown:?}"
    );
    assert_eq!(shown.relay, None);
    assert!(!shown.local_discovery && !shown.pending);

    let err = ada
        .call(NetworkSave {
            relay: Some("relay.coop.example".into()),
            local_discovery: true,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code().as_str(), "input.bad_setting", "{err}");
    assert!(!ada.home.root().join("network.json").exists());
    let saved = ada
        .ok(NetworkSave {
            relay: Some("https://relay.coop.example".into()),
            local_discovery: true,
        })
        .await;
    assert!(saved.pending, "{saved:?}");
    assert_eq!(
        saved.saved.relay.as_deref(),
        Some("https://relay.coop.example/")
    );
    assert_eq!(saved.relay, None, "not in use before the next start");
    assert!(!saved.local_discovery);
    // Back to nothing before anything could restart this home with them on.
    let cleared = ada
        .ok(NetworkSave {
            relay: None,
            local_discovery: false,
        })
        .await;
    assert!(!cleared.pending);

    ada.ok(CoopCreate {
        name: "Riverside Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await;
    let mut ticket: datacoop_net::InviteTicket = ada.invite("member").await.parse().unwrap();
    let gone = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    ticket.inviter.addrs = vec![gone.local_addr().unwrap()];
    drop(gone);
    ticket.relay = Some("https://relay.coop.example/".into());
    let bo = Node::new("Bo").await;
    let err = bo
        .call(CoopJoin {
            ticket: ticket.to_string(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code().as_str(), "net.unreachable", "{err}");
    let said = err.to_string();
    assert!(
        said.contains("Settings → Network") && said.contains("--relay https://relay.coop.example/"),
        "{said}"
    );
}
