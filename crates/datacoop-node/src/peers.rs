//! Where this node last learned each peer can be reached (`HOME/peers.json`): the log
//! names endpoints, never addresses, so addresses come from tickets (the inviter) and
//! from joins (the newcomer tells the inviter where it listens).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;

use datacoop_net::Peer;
use serde::{Deserialize, Serialize};

use crate::NodeError;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Endpoint id (hex) to the addresses it was last known at.
    endpoints: BTreeMap<String, Vec<SocketAddr>>,
}

/// The node's address book.
#[derive(Debug)]
pub(crate) struct AddressBook {
    file: PathBuf,
    known: Mutex<Stored>,
}

impl AddressBook {
    /// Reads `file`; a missing or unreadable one is an empty book (addresses are learned
    /// again from peers).
    pub(crate) fn open(file: PathBuf) -> Self {
        let known = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        AddressBook {
            file,
            known: Mutex::new(known),
        }
    }

    /// Where `endpoint` can be dialled, if known.
    pub(crate) fn get(&self, endpoint: &[u8; 32]) -> Option<iroh::EndpointAddr> {
        let known = self.known.lock().ok()?;
        let addrs = known.endpoints.get(&hex::encode(endpoint))?;
        let id = iroh::PublicKey::from_bytes(endpoint).ok()?;
        Some(
            addrs
                .iter()
                .fold(iroh::EndpointAddr::new(id), |a, s| a.with_ip_addr(*s)),
        )
    }

    /// Every endpoint known, with where it listens.
    pub(crate) fn all(&self) -> Vec<iroh::EndpointAddr> {
        let keys: Vec<[u8; 32]> = self
            .known
            .lock()
            .map(|known| {
                known
                    .endpoints
                    .keys()
                    .filter_map(|k| {
                        let mut key = [0; 32];
                        hex::decode_to_slice(k, &mut key).ok().map(|()| key)
                    })
                    .collect()
            })
            .unwrap_or_default();
        keys.iter().filter_map(|k| self.get(k)).collect()
    }

    /// Records where `peer` listens (replacing what was known) and saves the book.
    pub(crate) fn learn(&self, peer: &Peer) -> Result<(), NodeError> {
        if peer.addrs.is_empty() {
            return Ok(());
        }
        let bytes = {
            let mut known = self
                .known
                .lock()
                .map_err(|_| NodeError::Protocol("the address book's lock was poisoned".into()))?;
            let key = hex::encode(peer.endpoint);
            if known.endpoints.get(&key) == Some(&peer.addrs) {
                return Ok(());
            }
            known.endpoints.insert(key, peer.addrs.clone());
            serde_json::to_vec_pretty(&*known).map_err(|e| NodeError::Protocol(e.to_string()))?
        };
        datacoop_crypto::write_atomically(&self.file, &bytes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learned_addresses_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("peers.json");
        let endpoint = *iroh::SecretKey::from_bytes(&[5; 32]).public().as_bytes();
        let book = AddressBook::open(file.clone());
        assert!(book.get(&endpoint).is_none());
        let addr: SocketAddr = "127.0.0.1:4433".parse().unwrap();
        book.learn(&Peer {
            endpoint,
            addrs: vec![addr],
        })
        .unwrap();
        let again = AddressBook::open(file);
        let found = again.get(&endpoint).unwrap();
        assert_eq!(found.ip_addrs().copied().collect::<Vec<_>>(), vec![addr]);
    }
}
