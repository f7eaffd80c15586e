//! The access story's steps, shared by the access and time-limit tests: a founder, members
//! and trainers joined by ticket, data added, consent recorded, a request, waiting for it
//! to reach a state, fetching.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use datacoop_net::{NetConfig, bind, endpoint_id};
use datacoop_node::api::{ConsentSet, CoopCreate, DataAdd, Fetch, RequestCreate, RequestList};
use datacoop_node::{FetchReport, GrantView, RequestView};
use iroh::EndpointAddr;
use iroh_blobs::Hash;
use iroh_blobs::protocol::GetRequest;
use iroh_blobs::store::mem::MemStore;

use super::Node;

pub async fn founder() -> Node {
    let ada = Node::new("Ada").await;
    ada.ok(CoopCreate {
        name: "Runners".into(),
        threshold: None,
        witness_quorum: None,
    })
    .await;
    ada
}

pub async fn member(steward: &Node, name: &str, role: &str) -> Node {
    let node = Node::new(name).await;
    node.join(steward.invite(role).await).await;
    node
}

pub async fn add(node: &Node, dir: &Path, files: &[(&str, &[u8])]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    node.ok(DataAdd {
        dataset: "runs".into(),
        category: Some("fitness".into()),
        paths: vec![dir.to_owned()],
        age: false,
    })
    .await;
}

pub async fn consent(node: &Node, ask: bool) {
    node.ok(ConsentSet {
        dataset: "runs".into(),
        allow: vec!["ModelTraining".into()],
        deny: Vec::new(),
        max_days: Some(90),
        ask,
    })
    .await;
}

pub async fn request(trainer: &Node) -> String {
    request_for(trainer, 30 * 86_400).await
}

/// A ModelTraining request for fitness data, for `period_secs`, offering 5 credits.
pub async fn request_for(trainer: &Node, period_secs: u64) -> String {
    trainer
        .ok(RequestCreate {
            category: "fitness".into(),
            purpose: "ModelTraining".into(),
            period_secs,
            license: "CC-BY-NC-4.0".into(),
            credits: 5,
            deadline_secs: None,
        })
        .await
        .operation
}

pub async fn view(node: &Node, id: &str) -> Option<RequestView> {
    node.ok(RequestList {})
        .await
        .into_iter()
        .find(|r| r.id == id)
}

/// Polls `check` on `node`'s view of request `id` for up to 60 s.
pub async fn wait_for(node: &Node, id: &str, what: &str, check: impl Fn(&RequestView) -> bool) {
    let start = Instant::now();
    loop {
        if let Some(v) = view(node, id).await
            && check(&v)
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}: {:?}",
            view(node, id).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn fetch(
    trainer: &Node,
    id: &str,
    out: &Path,
    wait: u64,
    all: bool,
) -> Result<FetchReport, datacoop_node::NodeError> {
    trainer
        .call(Fetch {
            id: id.to_owned(),
            out: out.to_owned(),
            wait_secs: Some(wait),
            all,
        })
        .await
}

pub async fn addr(node: &Node) -> EndpointAddr {
    let id = iroh::PublicKey::from_bytes(&endpoint_id(&node.identity())).unwrap();
    let addrs = node.owner.listening().await.expect("on the network");
    EndpointAddr::new(id).with_ip_addr(addrs[0])
}

/// What a holder did with a trainer's raw request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raw {
    /// Both blobs came.
    Served,
    /// The holder answered the connection but not the requests (a holder that held them
    /// before and refuses them now).
    Refused,
    /// The holder could not be reached at all (proves nothing either way).
    Unreachable,
}

/// What a trainer skipping its client's checks gets from `holder`: asks, under the
/// trainer's own identity and endpoint key, for the grant's capability blob and its
/// epoch root with every file.
pub async fn raw_fetch(trainer: &Node, holder: &EndpointAddr, grant: &GrantView) -> Raw {
    let endpoint = bind(&trainer.identity(), &NetConfig::loopback(Vec::new()))
        .await
        .unwrap();
    let store = MemStore::new();
    let mut outcome = Raw::Served;
    for request in [
        GetRequest::blob(Hash::from_bytes(hex32(&grant.capability))),
        GetRequest::all(Hash::from_bytes(hex32(&grant.root))),
    ] {
        match endpoint.connect(holder.clone(), iroh_blobs::ALPN).await {
            Ok(conn) => {
                if store.remote().execute_get(conn, request).await.is_err() {
                    outcome = Raw::Refused;
                }
            }
            Err(_) => {
                outcome = Raw::Unreachable;
                break;
            }
        }
    }
    endpoint.close().await;
    outcome
}

pub fn hex32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}
