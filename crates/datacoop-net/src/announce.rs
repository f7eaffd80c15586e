//! Checkpoint announcements over iroh-gossip: when the log grows, the operator's node
//! announces the new checkpoint (its note: size, root, the operator's signature and any
//! cosignatures) on the cooperative's topic, and a replica that hears of a checkpoint
//! beyond its log pulls at once instead of at its next timed pull.
//!
//! Gossip carries nothing else: no operations, no history for late joiners, no order,
//! and messages of at most 4 KiB. Correctness never depends on it: an announcement is
//! only a hint to pull, checked against the operator's key first, and the timed pull
//! stays. Gossip connections pass the members-only hook like every other protocol.

use datacoop_ledger::SignedCheckpoint;
use iroh_gossip::TopicId;

use crate::NetError;

/// The gossip protocol's ALPN (iroh-gossip's own).
pub const GOSSIP_ALPN: &[u8] = iroh_gossip::ALPN;

/// The largest announcement sent (iroh-gossip's default message limit).
const MAX_ANNOUNCEMENT: usize = 4096;

/// The cooperative `coop`'s gossip topic: a BLAKE3 key derivation of its id, so topics
/// of different cooperatives never meet.
pub fn topic(coop: &[u8; 32]) -> TopicId {
    TopicId::from_bytes(blake3::derive_key("datacoop gossip topic v1", coop))
}

/// The announcement of `checkpoint`, or none when its note does not fit a gossip
/// message (replicas then learn of it at their next pull).
pub fn announcement(checkpoint: &SignedCheckpoint) -> Option<bytes::Bytes> {
    let note = checkpoint.render();
    (note.len() <= MAX_ANNOUNCEMENT).then(|| bytes::Bytes::from(note.into_bytes()))
}

/// Reads an announcement, checked to be signed by the operator `operator`; answers the
/// checkpoint it announces.
pub fn read_announcement(bytes: &[u8], operator: &[u8; 32]) -> Result<SignedCheckpoint, NetError> {
    let text = std::str::from_utf8(bytes).map_err(|_| NetError::BadAnswer {
        what: "an announcement that is not text".into(),
    })?;
    let checkpoint = SignedCheckpoint::parse(text)?;
    checkpoint.verify_operator(operator)?;
    Ok(checkpoint)
}
