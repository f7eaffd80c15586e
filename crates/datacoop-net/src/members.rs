//! Who may connect: a node serves only the endpoints its cooperative's current
//! participants announced (on the log), on every protocol but the join path. The same
//! hook tells the node where each admitted peer is calling from, so a peer whose
//! address changed (a new port, a new network) is found again once it calls.

use std::sync::{Arc, Mutex};

use datacoop_ledger::{Log, LogStore};
use iroh::endpoint::{AfterHandshakeOutcome, Connection, EndpointHooks, Side};

/// The QUIC close code a refused peer sees.
pub const NOT_A_MEMBER: u32 = 403;

/// Whether an endpoint speaks for a current participant.
pub trait Participants: Send + Sync + 'static {
    /// True when `endpoint` is a current steward's, member's or trainer's.
    fn admits(&self, endpoint: &[u8; 32]) -> bool;
}

impl<S: LogStore + Send + 'static> Participants for Mutex<Log<S>> {
    fn admits(&self, endpoint: &[u8; 32]) -> bool {
        // A poisoned lock admits nobody.
        self.lock()
            .is_ok_and(|log| log.state().participant_of_endpoint(endpoint).is_some())
    }
}

/// An endpoint hook that refuses, right after the handshake, incoming connections from
/// endpoints no current participant announced, except on the `open` protocols (the join
/// path, which a newcomer must reach). Connections this node dials are not checked here:
/// the dialler chose whom to call.
pub struct MembersOnly<P> {
    participants: Arc<P>,
    open: Vec<Vec<u8>>,
    seen: Option<SeenAt>,
}

/// Told the endpoint and IP address of each participant whose connection was admitted.
pub type SeenAt = Arc<dyn Fn([u8; 32], std::net::SocketAddr) + Send + Sync>;

impl<P> std::fmt::Debug for MembersOnly<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MembersOnly")
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

impl<P> Clone for MembersOnly<P> {
    fn clone(&self) -> Self {
        MembersOnly {
            participants: Arc::clone(&self.participants),
            open: self.open.clone(),
            seen: self.seen.clone(),
        }
    }
}

impl<P: Participants> MembersOnly<P> {
    /// Admits `participants`' endpoints, and anyone on the `open` protocols.
    pub fn new(participants: Arc<P>, open: Vec<Vec<u8>>) -> Self {
        MembersOnly {
            participants,
            open,
            seen: None,
        }
    }

    /// Also tells `seen` where each admitted participant called from.
    pub fn telling(mut self, seen: SeenAt) -> Self {
        self.seen = Some(seen);
        self
    }

    /// Whether an incoming connection from `endpoint` on `alpn` is served.
    pub fn serves(&self, endpoint: &[u8; 32], alpn: &[u8]) -> bool {
        self.open.iter().any(|open| open == alpn) || self.participants.admits(endpoint)
    }
}

impl<P: Participants> EndpointHooks for MembersOnly<P> {
    async fn after_handshake(&self, connection: &Connection) -> AfterHandshakeOutcome {
        if connection.side() == Side::Client {
            return AfterHandshakeOutcome::accept();
        }
        let endpoint = *connection.remote_id().as_bytes();
        if self.participants.admits(&endpoint) {
            if let Some(seen) = &self.seen {
                let paths = connection.paths();
                for path in paths.iter() {
                    if let iroh::TransportAddr::Ip(addr) = path.remote_addr() {
                        seen(endpoint, *addr);
                    }
                }
            }
            return AfterHandshakeOutcome::accept();
        }
        if self.serves(&endpoint, connection.alpn()) {
            return AfterHandshakeOutcome::accept();
        }
        tracing::info!(
            peer = %connection.remote_id().fmt_short(),
            "refused a connection from an endpoint no member announced"
        );
        AfterHandshakeOutcome::Reject {
            error_code: NOT_A_MEMBER.into(),
            reason: b"not a member of this cooperative".to_vec(),
        }
    }
}
