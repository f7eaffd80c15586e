//! Where this node last learned each peer can be reached (`HOME/peers.json`): the log
//! names endpoints, never addresses, so addresses come from tickets (the inviter), from
//! joins (the newcomer tells the inviter where it listens) and from the connections
//! members make (a peer that moved is found again once it calls).

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

/// How many addresses are kept per endpoint.
const KEPT: usize = 4;

/// The node's address book.
#[derive(Debug)]
pub(crate) struct AddressBook {
    file: PathBuf,
    known: Mutex<Stored>,
    /// The cooperative's relay this node uses, if any: every peer can also be reached
    /// through it, by id alone.
    relay: Option<iroh::RelayUrl>,
}

impl AddressBook {
    /// Reads `file`; a missing or unreadable one is an empty book (addresses are learned
    /// again from peers). With a `relay`, every endpoint is also reachable through it.
    pub(crate) fn open(file: PathBuf, relay: Option<iroh::RelayUrl>) -> Self {
        let known = std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        AddressBook {
            file,
            known: Mutex::new(known),
            relay,
        }
    }

    /// Where `endpoint` can be dialled, if known (through the relay, any endpoint is).
    pub(crate) fn get(&self, endpoint: &[u8; 32]) -> Option<iroh::EndpointAddr> {
        let known = self.known.lock().ok()?;
        let id = iroh::PublicKey::from_bytes(endpoint).ok()?;
        let addrs = known.endpoints.get(&hex::encode(endpoint));
        let mut addr = match (addrs, &self.relay) {
            (None, None) => return None,
            (Some(addrs), _) => addrs
                .iter()
                .fold(iroh::EndpointAddr::new(id), |a, s| a.with_ip_addr(*s)),
            (None, Some(_)) => iroh::EndpointAddr::new(id),
        };
        if let Some(relay) = &self.relay {
            addr = addr.with_relay_url(relay.clone());
        }
        Some(addr)
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

    /// Records that `endpoint` called from `addr`: that address goes first, the others
    /// known stay behind it (up to [`KEPT`] in all), and the book is saved when it changed.
    pub(crate) fn observe(&self, endpoint: [u8; 32], addr: SocketAddr) -> Result<bool, NodeError> {
        let bytes = {
            let mut known = self
                .known
                .lock()
                .map_err(|_| NodeError::Protocol("the address book's lock was poisoned".into()))?;
            let addrs = known.endpoints.entry(hex::encode(endpoint)).or_default();
            if addrs.first() == Some(&addr) {
                return Ok(false);
            }
            addrs.retain(|a| *a != addr);
            addrs.insert(0, addr);
            addrs.truncate(KEPT);
            serde_json::to_vec_pretty(&*known).map_err(|e| NodeError::Protocol(e.to_string()))?
        };
        datacoop_crypto::write_atomically(&self.file, &bytes)?;
        Ok(true)
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
        let book = AddressBook::open(file.clone(), None);
        assert!(book.get(&endpoint).is_none());
        let addr: SocketAddr = "127.0.0.1:4433".parse().unwrap();
        book.learn(&Peer {
            endpoint,
            addrs: vec![addr],
        })
        .unwrap();
        let again = AddressBook::open(file, None);
        let found = again.get(&endpoint).unwrap();
        assert_eq!(found.ip_addrs().copied().collect::<Vec<_>>(), vec![addr]);
    }

    #[test]
    fn an_address_a_peer_called_from_goes_first_and_old_ones_age_out() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("peers.json");
        let endpoint = *iroh::SecretKey::from_bytes(&[5; 32]).public().as_bytes();
        let book = AddressBook::open(file.clone(), None);
        let at = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        for port in 1..=6 {
            assert!(book.observe(endpoint, at(port)).unwrap());
        }
        assert!(!book.observe(endpoint, at(6)).unwrap(), "nothing new");
        assert!(book.observe(endpoint, at(4)).unwrap());
        // The saved order (an `EndpointAddr` keeps its addresses sorted).
        let saved: Stored = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let kept = &saved.endpoints[&hex::encode(endpoint)];
        assert_eq!(kept, &vec![at(4), at(6), at(5), at(3)]);
        assert_eq!(
            AddressBook::open(file, None)
                .get(&endpoint)
                .unwrap()
                .ip_addrs()
                .count(),
            4
        );
    }

    #[test]
    fn with_a_relay_every_peer_is_reachable_through_it_and_without_one_only_where_known() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("peers.json");
        let endpoint = *iroh::SecretKey::from_bytes(&[5; 32]).public().as_bytes();
        let stranger = *iroh::SecretKey::from_bytes(&[6; 32]).public().as_bytes();
        let addr: SocketAddr = "127.0.0.1:4433".parse().unwrap();
        AddressBook::open(file.clone(), None)
            .learn(&Peer {
                endpoint,
                addrs: vec![addr],
            })
            .unwrap();
        let relay: iroh::RelayUrl = "https://relay.coop.example".parse().unwrap();
        let book = AddressBook::open(file.clone(), Some(relay.clone()));
        let known = book.get(&endpoint).unwrap();
        assert_eq!(known.ip_addrs().copied().collect::<Vec<_>>(), vec![addr]);
        assert_eq!(
            known.relay_urls().cloned().collect::<Vec<_>>(),
            vec![relay.clone()]
        );
        let by_id = book.get(&stranger).unwrap();
        assert_eq!(by_id.ip_addrs().count(), 0);
        assert_eq!(by_id.relay_urls().cloned().collect::<Vec<_>>(), vec![relay]);
        let without = AddressBook::open(file, None);
        assert!(without.get(&stranger).is_none());
        assert_eq!(without.get(&endpoint).unwrap().relay_urls().count(), 0);
    }
}
