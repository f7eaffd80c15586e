//! What the network layer can fail with.

use std::net::SocketAddr;

/// Everything `datacoop-net` can fail with, each naming the problem for a person.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The endpoint could not be bound.
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why, in iroh's words.
        reason: String,
    },
    /// A listen address that is not an IP address and port.
    #[error("{given:?} is not an address to listen on (use IP:PORT, e.g. 0.0.0.0:4433)")]
    BadListenAddr {
        /// What was given.
        given: String,
    },
    /// Text that is not a datacoop invitation at all.
    #[error("this is not a datacoop invitation: it should start with {expected:?}")]
    NotATicket {
        /// The prefix an invitation starts with.
        expected: &'static str,
    },
    /// An invitation whose text was changed or cut (its checksum does not match).
    #[error(
        "this invitation is damaged: a character is missing or wrong; copy it again from the person who sent it"
    )]
    TicketDamaged,
    /// An invitation from a newer datacoop.
    #[error("this invitation was made by a newer datacoop; update datacoop to use it")]
    TicketTooNew,
    /// The inviter's endpoint id in the invitation is not a valid key.
    #[error("this invitation names an inviter that is not a valid endpoint")]
    BadInviter,
}

/// The addresses a node listens on: loopback ones in tests, never others there.
pub(crate) fn all_loopback(addrs: &[SocketAddr]) -> bool {
    !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
}
