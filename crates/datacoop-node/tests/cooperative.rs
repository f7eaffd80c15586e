//! Five nodes in one process, each an [`Owner`] on 127.0.0.1 as `datacoop serve` runs it:
//! a founder invites two stewards (proposed as stewards on joining) and two members,
//! raises k to 2, moves witnessing to three stewards with quorum 2 by proposal (approved
//! from another steward's node), and everyone converges on one checkpoint cosigned by
//! the quorum, with `log verify` passing everywhere. Then the faults of a real
//! cooperative: a member offline for a hundred operations catches up, witnesses down
//! below quorum make checkpoints wait until they return, and the operator restarted
//! keeps its sequence.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use datacoop_node::api::{
    ConsentSet, CoopCreate, CoopInvite, CoopJoin, CoopShow, DataAdd, LogVerify, Op,
    ProposalApprove, ProposalCreate, ProposalList,
};
use datacoop_node::{
    CancellationToken, CoopInfo, Home, KdfCost, Launch, NetSettings, NoProgress, NodeError, Owner,
    OwnerKind, OwnerOptions, ProposedChange,
};
use secrecy::SecretString;

const PASSPHRASE: &str = "correct horse battery staple";

struct Node {
    owner: Owner,
    home: Home,
    _dir: tempfile::TempDir,
}

fn options() -> OwnerOptions {
    OwnerOptions {
        kind: OwnerKind::Serve,
        kdf_cost: KdfCost::Cheap,
        patience: Duration::from_secs(5),
        on_activate: None,
        net: Some(NetSettings::loopback()),
    }
}

async fn launch(home: &Home) -> Owner {
    match Owner::launch(home, options()).await {
        Ok(Launch::Owned(owner)) => owner,
        Ok(_) => panic!("the home is owned by another process"),
        Err(e) => panic!("launch failed: {e}"),
    }
}

impl Node {
    async fn new(name: &str) -> Node {
        Node::with(name, options()).await
    }

    /// A new identity on a home owned with `options`.
    async fn with(name: &str, options: OwnerOptions) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
        let owner = match Owner::launch(&home, options).await {
            Ok(Launch::Owned(owner)) => owner,
            Ok(_) => panic!("the home is owned by another process"),
            Err(e) => panic!("launch failed: {e}"),
        };
        owner
            .create(name, SecretString::from(PASSPHRASE))
            .await
            .unwrap();
        Node {
            owner,
            home,
            _dir: dir,
        }
    }

    async fn call<O: Op>(&self, op: O) -> Result<O::Output, NodeError> {
        self.owner
            .call(op, Arc::new(NoProgress), CancellationToken::new())
            .await
    }

    async fn ok<O: Op>(&self, op: O) -> O::Output {
        match self.call(op).await {
            Ok(out) => out,
            Err(e) => panic!("{} failed: {e}", O::NAME),
        }
    }

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

    async fn stop(self) -> (Home, tempfile::TempDir) {
        self.owner.shutdown().await;
        (self.home, self._dir)
    }

    async fn restart((home, dir): (Home, tempfile::TempDir)) -> Node {
        let owner = launch(&home).await;
        owner.unlock(&SecretString::from(PASSPHRASE)).await.unwrap();
        Node {
            owner,
            home,
            _dir: dir,
        }
    }

    async fn invite(&self, role: &str) -> String {
        self.ok(CoopInvite {
            role: role.into(),
            expires_secs: None,
            review: false,
        })
        .await
        .ticket
    }

    async fn join(&self, ticket: String) {
        self.ok(CoopJoin { ticket }).await;
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
