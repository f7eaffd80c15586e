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
    #[error("{given:?} is not an address to listen on (use IP:PORT, e.g. 127.0.0.1:4433)")]
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
    /// The peer could not be reached.
    #[error("the peer cannot be reached: {reason}")]
    PeerUnreachable {
        /// Why.
        reason: String,
    },
    /// The connection to the peer ended midway.
    #[error("the connection to the peer was lost: {reason}")]
    PeerLost {
        /// Why.
        reason: String,
    },
    /// The peer serves only its cooperative's members and does not know this endpoint.
    #[error(
        "the peer refused this computer: it serves only members of its cooperative, and no member announced this computer's network key"
    )]
    NotAMember,
    /// The inviter refused the join, saying why.
    #[error(transparent)]
    JoinRefused(crate::join::JoinRefusal),
    /// The peer refused a request.
    #[error("the peer refused: {reason}")]
    PeerRefused {
        /// Its reason.
        reason: String,
    },
    /// The peer answered something that is not the protocol.
    #[error("the peer's answer makes no sense: {what}")]
    BadAnswer {
        /// What was wrong.
        what: String,
    },
    /// What the peer sent does not verify against the log.
    #[error(transparent)]
    Ledger(#[from] datacoop_ledger::LedgerError),
    /// The peer serves another cooperative's log than the one asked for.
    #[error("the peer serves another cooperative's log than the invitation names")]
    WrongCooperative,
    /// Ciphertext could not be fetched whole from any holder.
    #[error("could not fetch the ciphertext: {reason}")]
    Blobs {
        /// Which holders were asked, or what failed here.
        reason: String,
    },
    /// The inviter's endpoint id in the invitation is not a valid key.
    #[error("this invitation names an inviter that is not a valid endpoint")]
    BadInviter,
}

impl NetError {
    /// The stable code scripts and the window match on.
    pub fn code(&self) -> datacoop_core::Code {
        use crate::JoinRefusal;
        use datacoop_core::Code;
        match self {
            NetError::Bind { .. } => Code::NetBind,
            NetError::BadListenAddr { .. } => Code::InputBadListenAddr,
            NetError::NotATicket { .. } => Code::InputNotATicket,
            NetError::TicketDamaged | NetError::BadInviter => Code::InputTicketDamaged,
            NetError::TicketTooNew => Code::InputTicketTooNew,
            NetError::PeerUnreachable { .. } => Code::NetUnreachable,
            NetError::PeerLost { .. } => Code::NetLost,
            NetError::NotAMember => Code::NetNotAMember,
            NetError::JoinRefused(refusal) => match refusal {
                JoinRefusal::Unknown => Code::JoinUnknownInvite,
                JoinRefusal::Forged => Code::JoinForged,
                JoinRefusal::Used => Code::JoinUsed,
                JoinRefusal::Expired => Code::JoinExpired,
                JoinRefusal::Failed(_) => Code::JoinFailed,
            },
            NetError::PeerRefused { .. } => Code::NetRefused,
            NetError::BadAnswer { .. } => Code::NetBadAnswer,
            NetError::WrongCooperative => Code::NetWrongCooperative,
            NetError::Blobs { .. } => Code::NetNotHeld,
            NetError::Ledger(e) => e.code(),
        }
    }
}

/// The addresses a node listens on: loopback ones in tests, never others there.
pub(crate) fn all_loopback(addrs: &[SocketAddr]) -> bool {
    !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
}
