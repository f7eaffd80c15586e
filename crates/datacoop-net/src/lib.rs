//! datacoop on iroh: the network layer the cooperative's log, pinning and fetching stand
//! on.
//!
//! - [`bind`] makes an iroh [`Endpoint`](iroh::Endpoint) for a member: its key is derived
//!   from the member's identity ([`endpoint_key`]), so a restored identity speaks with the
//!   same endpoint; relays, the portmapper and public address lookup are off (peers dial
//!   the addresses carried in tickets and learned from the log), and [`Listen::Loopback`]
//!   binds 127.0.0.1 only, as every test, demo and benchmark must.
//! - [`InviteTicket`] is the invitation a steward hands out: a versioned, checksummed
//!   compact string (`dcinvite…`) naming the cooperative, the invite operation, its secret
//!   and where the inviter can be reached.
//!
//! ```
//! use datacoop_net::{InviteTicket, Peer};
//!
//! let inviter = *iroh::SecretKey::from_bytes(&[4; 32]).public().as_bytes();
//! let ticket = InviteTicket {
//!     coop: [1; 32],
//!     invite: [2; 32],
//!     secret: [3; 32],
//!     inviter: Peer { endpoint: inviter, addrs: vec!["127.0.0.1:4433".parse().unwrap()] },
//!     relay: None,
//!     role: Some(datacoop_core::Role::Member),
//! };
//! let text = ticket.to_string();
//! assert!(text.starts_with("dcinvite"));
//! assert_eq!(text.parse::<InviteTicket>().unwrap(), ticket);
//! ```
//!
//! - [`log_sync`] serves a node's log on [`LOG_ALPN`] and lets a replica [`catch_up`]:
//!   batches that end at operator-signed checkpoints, each verified and written once.
//!
//! - [`MembersOnly`] ([`bind_guarded`]) refuses incoming connections from endpoints no
//!   current participant announced on the log, on every protocol but the join path.
//!
//!   Members [`submit`] operations to the operator ([`Operated`] sequences them); what
//!   arrives while the log is busy is sequenced together under one checkpoint
//!   ([`Submissions`]).
//!
//! - The operator gathers cosignatures: [`request_cosignature`] asks a witness node
//!   ([`Witnessing`]) to cosign with a consistency proof from its last checkpoint.
//!
//! - A newcomer [`join`]s with a ticket on [`JOIN_ALPN`], the one protocol open to
//!   non-members; the inviting steward's node ([`Inviter`]) checks and accepts it.
//!
//! - [`announce`]: the operator's node announces new checkpoints over iroh-gossip, a hint
//!   for replicas to pull at once (never needed for correctness).
//!
//! - A node's log is borrowed, never owned: [`SharedLog`] is how the network layer reads
//!   and writes it (a `Mutex<Log<S>>` is one; datacoop's node lends its own).
//!
//! Not here yet: proofs over the protocol.

pub mod announce;
pub mod blobs;
mod endpoint;
mod error;
pub mod join;
pub mod log_sync;
pub mod members;
mod shared;
pub mod submissions;
mod ticket;
pub mod witnessing;

pub use endpoint::{Listen, NetConfig, advertised, bind, bind_guarded, endpoint_id, endpoint_key};
pub use error::NetError;
pub use iroh_gossip;
pub use join::{
    Forward, Forwarded, Inviter, JOIN_ALPN, JoinOutcome, JoinRefusal, Joined, Reviewed, join,
};
pub use log_sync::{
    LOG_ALPN, LogProtocol, LogSource, Operated, catch_up, fetch_genesis, fetch_proof, submit,
    where_is,
};
pub use members::MembersOnly;
pub use shared::SharedLog;
pub use submissions::Submissions;
pub use ticket::{InviteTicket, Peer};
pub use witnessing::{Witnessing, cosign_as, request_cosignature};

/// The local clock in Unix seconds: for claimed times and for the operator's own
/// decisions where no log time is known yet.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// How long a peer has to answer a call: a node that is off or unreachable is reported
/// after this rather than after QUIC's much longer idle timeout.
pub const DIAL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Connects to `peer` on `alpn`, saying in our words when it cannot be reached.
pub(crate) async fn dial(
    endpoint: &iroh::Endpoint,
    peer: impl Into<iroh::EndpointAddr>,
    alpn: &[u8],
) -> Result<iroh::endpoint::Connection, NetError> {
    match tokio::time::timeout(DIAL_TIMEOUT, endpoint.connect(peer, alpn)).await {
        Ok(connected) => connected.map_err(|e| NetError::PeerUnreachable {
            reason: e.to_string(),
        }),
        Err(_) => Err(NetError::PeerUnreachable {
            reason: format!("no answer within {} s", DIAL_TIMEOUT.as_secs()),
        }),
    }
}
