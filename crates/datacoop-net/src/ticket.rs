//! Invitation tickets: what a steward hands a new member (or trainer) to join with.
//!
//! The text is an [`iroh_tickets::Ticket`]: the kind `dcinvite`, then lowercase base32 of
//! `version || postcard(fields) || checksum`, the checksum being the first 4 bytes of
//! the BLAKE3 hash of what precedes it. The checksum tells a mistyped or cut ticket
//! (damaged) from one that decodes but was never issued (refused by the inviter).
//! Version 2 adds the cooperative's relay, if it has one; version 3 the role the
//! invitation offers (a trainer's node keeps a trainer's view of the log from its first
//! operation on). Version 1 and 2 tickets still read, without a role.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use datacoop_core::Role;
use iroh_tickets::{ParseError, Ticket};
use serde::{Deserialize, Serialize};

use crate::NetError;

/// The format this version writes.
const VERSION: u8 = 3;
const CHECKSUM_LEN: usize = 4;
const DAMAGED: &str = "damaged";
const TOO_NEW: &str = "too new";
const BAD_INVITER: &str = "bad inviter";

/// A peer as tickets and the log name it: its endpoint id and the addresses to dial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    /// The endpoint id (an ed25519 public key).
    pub endpoint: [u8; 32],
    /// Where it listens.
    pub addrs: Vec<SocketAddr>,
}

/// An invitation to a cooperative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteTicket {
    /// The cooperative's id (the hash of its genesis).
    pub coop: [u8; 32],
    /// The invite operation on the log.
    pub invite: [u8; 32],
    /// The secret whose hash the invite operation holds; the join reveals it.
    pub secret: [u8; 32],
    /// The inviting steward's node, which the join is sent to.
    pub inviter: Peer,
    /// The self-hosted relay the inviter is reached through, if the cooperative uses one
    /// (an `iroh-relay` URL). A hint: a node uses a relay only once its owner sets it.
    pub relay: Option<String>,
    /// The role the invitation offers, as the inviter wrote it (the invite operation on
    /// the log is what counts; none in tickets older than version 3).
    pub role: Option<Role>,
}

impl InviteTicket {
    /// Where the inviter can be dialled: its addresses, and the relay the ticket names
    /// (used only by an endpoint that has a relay configured; one with relays off
    /// dials the addresses alone).
    pub fn inviter_addr(&self) -> Result<iroh::EndpointAddr, NetError> {
        let id = iroh::PublicKey::from_bytes(&self.inviter.endpoint)
            .map_err(|_| NetError::BadInviter)?;
        let mut addr = self
            .inviter
            .addrs
            .iter()
            .fold(iroh::EndpointAddr::new(id), |a, s| a.with_ip_addr(*s));
        if let Some(relay) = self.relay.as_deref().and_then(|r| r.parse().ok()) {
            addr = addr.with_relay_url(relay);
        }
        Ok(addr)
    }
}

/// Version 1: no relay.
#[derive(Deserialize)]
struct InviteTicketV1 {
    coop: [u8; 32],
    invite: [u8; 32],
    secret: [u8; 32],
    inviter: Peer,
}

/// Version 2: no role.
#[derive(Deserialize)]
struct InviteTicketV2 {
    coop: [u8; 32],
    invite: [u8; 32],
    secret: [u8; 32],
    inviter: Peer,
    relay: Option<String>,
}

fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    let hash = blake3::hash(bytes);
    let mut out = [0; CHECKSUM_LEN];
    out.copy_from_slice(&hash.as_bytes()[..CHECKSUM_LEN]);
    out
}

impl Ticket for InviteTicket {
    const KIND: &'static str = "dcinvite";

    fn encode_bytes(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        // Serialising fixed-size arrays, a Vec and socket addresses cannot fail.
        out.extend(postcard::to_stdvec(self).unwrap_or_default());
        let sum = checksum(&out);
        out.extend_from_slice(&sum);
        out
    }

    fn decode_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        let Some(split) = bytes.len().checked_sub(CHECKSUM_LEN).filter(|&n| n > 0) else {
            return Err(ParseError::verification_failed(DAMAGED));
        };
        let (body, sum) = bytes.split_at(split);
        if checksum(body) != sum {
            return Err(ParseError::verification_failed(DAMAGED));
        }
        let damaged = |_| ParseError::verification_failed(DAMAGED);
        let ticket: InviteTicket = match body[0] {
            1 => {
                let v1: InviteTicketV1 = postcard::from_bytes(&body[1..]).map_err(damaged)?;
                InviteTicket {
                    coop: v1.coop,
                    invite: v1.invite,
                    secret: v1.secret,
                    inviter: v1.inviter,
                    relay: None,
                    role: None,
                }
            }
            2 => {
                let v2: InviteTicketV2 = postcard::from_bytes(&body[1..]).map_err(damaged)?;
                InviteTicket {
                    coop: v2.coop,
                    invite: v2.invite,
                    secret: v2.secret,
                    inviter: v2.inviter,
                    relay: v2.relay,
                    role: None,
                }
            }
            VERSION => postcard::from_bytes(&body[1..]).map_err(damaged)?,
            _ => return Err(ParseError::verification_failed(TOO_NEW)),
        };
        if let Some(relay) = &ticket.relay
            && relay.parse::<iroh::RelayUrl>().is_err()
        {
            return Err(ParseError::verification_failed(DAMAGED));
        }
        if iroh::PublicKey::from_bytes(&ticket.inviter.endpoint).is_err() {
            return Err(ParseError::verification_failed(BAD_INVITER));
        }
        Ok(ticket)
    }
}

impl fmt::Display for InviteTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode_string())
    }
}

impl FromStr for InviteTicket {
    type Err = NetError;

    /// Parses a ticket as pasted: surrounding white space and line breaks (a ticket
    /// wrapped by a mail program) are ignored, upper case is accepted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        InviteTicket::decode_string(&text).map_err(|e| match e {
            ParseError::Kind { expected, .. } => NetError::NotATicket { expected },
            ParseError::Verify { message, .. } if message == TOO_NEW => NetError::TicketTooNew,
            ParseError::Verify { message, .. } if message == BAD_INVITER => NetError::BadInviter,
            _ => NetError::TicketDamaged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> InviteTicket {
        InviteTicket {
            coop: [1; 32],
            invite: [2; 32],
            secret: [3; 32],
            inviter: Peer {
                endpoint: *iroh::SecretKey::from_bytes(&[9; 32]).public().as_bytes(),
                addrs: vec![
                    "127.0.0.1:4433".parse().unwrap(),
                    "[::1]:4433".parse().unwrap(),
                ],
            },
            relay: Some("https://relay.coop.example/".into()),
            role: Some(Role::Trainer),
        }
    }

    #[test]
    fn a_first_version_ticket_still_reads_without_a_relay() {
        // Written by the first version (kept byte for byte).
        let v1 = ticket();
        let mut bytes = vec![1];
        bytes.extend(
            postcard::to_stdvec(&(v1.coop, v1.invite, v1.secret, v1.inviter.clone())).unwrap(),
        );
        let sum = checksum(&bytes);
        bytes.extend_from_slice(&sum);
        let text = format!("{}{}", InviteTicket::KIND, data_encoding_lower(&bytes));
        let read: InviteTicket = text.parse().unwrap();
        assert_eq!(read.relay, None);
        assert_eq!(read.role, None);
        assert_eq!(read.inviter, v1.inviter);
        assert_eq!(read.secret, v1.secret);
    }

    #[test]
    fn a_second_version_ticket_still_reads_without_a_role() {
        let v2 = ticket();
        let mut bytes = vec![2];
        bytes.extend(
            postcard::to_stdvec(&(
                v2.coop,
                v2.invite,
                v2.secret,
                v2.inviter.clone(),
                v2.relay.clone(),
            ))
            .unwrap(),
        );
        let sum = checksum(&bytes);
        bytes.extend_from_slice(&sum);
        let text = format!("{}{}", InviteTicket::KIND, data_encoding_lower(&bytes));
        let read: InviteTicket = text.parse().unwrap();
        assert_eq!(read.role, None);
        assert_eq!(read.relay, v2.relay);
        assert_eq!(read.inviter, v2.inviter);
    }

    #[test]
    fn a_ticket_round_trips_as_pasted() {
        let t = ticket();
        let text = t.to_string();
        assert!(text.starts_with("dcinvite"), "{text}");
        assert!(
            text.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_eq!(text.parse::<InviteTicket>().unwrap(), t);
        // Wrapped by a mail program, shouted, with a trailing newline.
        let (a, b) = text.split_at(30);
        let mangled = format!("  {}\n{}\n", a.to_uppercase(), b);
        assert_eq!(mangled.parse::<InviteTicket>().unwrap(), t);
    }

    #[test]
    fn each_kind_of_bad_ticket_is_named() {
        let text = ticket().to_string();
        assert!(matches!(
            "hello".parse::<InviteTicket>(),
            Err(NetError::NotATicket {
                expected: "dcinvite"
            })
        ));
        // Every single-character change and every cut is caught as damage.
        let alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        for at in "dcinvite".len()..text.len() {
            let original = text.as_bytes()[at] as char;
            let other = alphabet.chars().find(|&c| c != original).unwrap();
            let mut changed = text.clone();
            changed.replace_range(at..=at, &other.to_string());
            let err = changed.parse::<InviteTicket>().unwrap_err();
            assert!(matches!(err, NetError::TicketDamaged), "at {at}: {err}");
        }
        for cut in ["dcinvite".len(), text.len() / 2, text.len() - 1] {
            let err = text[..cut].parse::<InviteTicket>().unwrap_err();
            assert!(
                matches!(err, NetError::TicketDamaged),
                "cut at {cut}: {err}"
            );
        }
        assert!(
            NetError::TicketDamaged
                .to_string()
                .contains("a character is missing or wrong")
        );
    }

    #[test]
    fn a_newer_format_or_an_invalid_inviter_is_said_so() {
        let mut bytes = ticket().encode_bytes();
        bytes.truncate(bytes.len() - CHECKSUM_LEN);
        bytes[0] = VERSION + 1;
        let sum = checksum(&bytes);
        bytes.extend_from_slice(&sum);
        let mut text = InviteTicket::KIND.to_owned();
        text.push_str(&data_encoding_lower(&bytes));
        assert!(matches!(
            text.parse::<InviteTicket>(),
            Err(NetError::TicketTooNew)
        ));

        // An endpoint id that is not a point on the curve.
        let mut bad = ticket();
        bad.inviter.endpoint = (0..=255u8)
            .map(|b| {
                let mut key = [b; 32];
                key[31] &= 0x7f;
                key
            })
            .find(|key| iroh::PublicKey::from_bytes(key).is_err())
            .expect("some 32-byte string is not a curve point");
        assert!(matches!(
            bad.to_string().parse::<InviteTicket>(),
            Err(NetError::BadInviter)
        ));
    }

    /// Base32 as tickets write it, for building tickets by hand.
    fn data_encoding_lower(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut out = String::new();
        let mut buffer: u32 = 0;
        let mut bits = 0;
        for &b in bytes {
            buffer = (buffer << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
        }
        out
    }
}
