//! Owners on 127.0.0.1 as `datacoop serve` runs them, for the node's integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

pub mod story;

use std::sync::Arc;
use std::time::Duration;

use datacoop_crypto::{Identity, Keystore};
use datacoop_node::api::{CoopInvite, CoopJoin, Op};
use datacoop_node::{
    CancellationToken, Home, KdfCost, Launch, NetSettings, NoProgress, NodeError, Owner, OwnerKind,
    OwnerOptions,
};
use secrecy::SecretString;

pub const PASSPHRASE: &str = "correct horse battery staple";

/// One home and its owner.
pub struct Node {
    pub owner: Owner,
    pub home: Home,
    pub dir: tempfile::TempDir,
}

/// A serve-like owner on loopback with short intervals.
pub fn options() -> OwnerOptions {
    OwnerOptions {
        kind: OwnerKind::Serve,
        kdf_cost: KdfCost::Cheap,
        patience: Duration::from_secs(5),
        on_activate: None,
        net: Some(NetSettings::loopback()),
    }
}

pub async fn launch_with(home: &Home, options: OwnerOptions) -> Owner {
    match Owner::launch(home, options).await {
        Ok(Launch::Owned(owner)) => owner,
        Ok(_) => panic!("the home is owned by another process"),
        Err(e) => panic!("launch failed: {e}"),
    }
}

pub async fn launch(home: &Home) -> Owner {
    launch_with(home, options()).await
}

impl Node {
    /// A new identity `name` on a fresh home.
    pub async fn new(name: &str) -> Node {
        Node::with(name, options()).await
    }

    /// A new identity on a home owned with `options`.
    pub async fn with(name: &str, options: OwnerOptions) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
        let owner = launch_with(&home, options).await;
        owner
            .create(name, SecretString::from(PASSPHRASE))
            .await
            .unwrap();
        Node { owner, home, dir }
    }

    pub async fn call<O: Op>(&self, op: O) -> Result<O::Output, NodeError> {
        self.owner
            .call(op, Arc::new(NoProgress), CancellationToken::new())
            .await
    }

    pub async fn ok<O: Op>(&self, op: O) -> O::Output {
        match self.call(op).await {
            Ok(out) => out,
            Err(e) => panic!("{} failed: {e}", O::NAME),
        }
    }

    pub async fn invite(&self, role: &str) -> String {
        self.ok(CoopInvite {
            role: role.into(),
            expires_secs: None,
            review: false,
        })
        .await
        .ticket
    }

    pub async fn join(&self, ticket: String) {
        self.ok(CoopJoin { ticket }).await;
    }

    /// The home's identity, read from its keystore.
    pub fn identity(&self) -> Identity {
        Keystore::unlock(&self.home.keystore(), &SecretString::from(PASSPHRASE))
            .unwrap()
            .identity()
    }

    pub async fn stop(self) -> (Home, tempfile::TempDir) {
        self.owner.shutdown().await;
        (self.home, self.dir)
    }

    pub async fn restart((home, dir): (Home, tempfile::TempDir)) -> Node {
        let owner = launch(&home).await;
        owner.unlock(&SecretString::from(PASSPHRASE)).await.unwrap();
        Node { owner, home, dir }
    }
}
