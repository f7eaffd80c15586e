//! The network choices a person saves for a home (`HOME/network.json`, written from the
//! app's Settings): a self-hosted relay the cooperative uses, and local-network discovery.
//! Both are off until chosen; `serve --relay` / `DATACOOP_RELAY` and `serve
//! --local-discovery` / `DATACOOP_LOCAL_DISCOVERY` override them for one run. They take
//! effect when the node next goes on the network (the next start or unlock).

use serde::{Deserialize, Serialize};

use crate::NodeError;

/// The saved network choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkPrefs {
    /// A self-hosted `iroh-relay` to be reached through (`https://relay.example.org`),
    /// or none: peers then reach this computer only at the addresses it listens on.
    #[serde(default)]
    pub relay: Option<String>,
    /// Announce this computer and find the cooperative's peers on the local network
    /// (mDNS). Off by default: it tells everyone on the network that datacoop runs here.
    #[serde(default)]
    pub local_discovery: bool,
}

const FILE: &str = "network.json";

impl NetworkPrefs {
    /// The home's saved choices (none saved: the defaults). A damaged file is reported,
    /// not guessed at.
    pub fn load(home: &crate::Home) -> Result<Self, NodeError> {
        let path = home.root().join(FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| NodeError::BadSetting {
                what: format!("{}: {e}", path.display()),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(NetworkPrefs::default()),
            Err(e) => Err(NodeError::io("cannot read", &path, e)),
        }
    }

    /// Checks the choices (a relay must be an http(s) URL; a blank one is none) and saves
    /// them atomically.
    pub fn save(&self, home: &crate::Home) -> Result<(), NodeError> {
        let relay = match self.relay.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(relay) => Some(parse_relay(relay)?.to_string()),
        };
        let clean = NetworkPrefs {
            relay,
            local_discovery: self.local_discovery,
        };
        let bytes =
            serde_json::to_vec_pretty(&clean).map_err(|e| NodeError::Protocol(e.to_string()))?;
        datacoop_crypto::write_atomically(&home.root().join(FILE), &bytes)?;
        Ok(())
    }
}

/// This node's network settings, as Settings → Network shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NetworkInfo {
    /// Whether the node is on the network now (a long-running owner: the app, `serve`).
    pub online: bool,
    /// The addresses it listens on and puts in its tickets (none when offline).
    pub listening: Vec<String>,
    /// The relay in use now, if any.
    pub relay: Option<String>,
    /// Whether local-network discovery is on now.
    pub local_discovery: bool,
    /// The saved choices, used from the next start.
    pub saved: NetworkPrefs,
    /// The saved choices differ from those in use: they apply when the node next
    /// starts (or `serve --relay` / `--local-discovery` override them for this run).
    pub pending: bool,
}

impl NetworkInfo {
    /// What a node on `home` uses now (`network`: its presence on the network, if any).
    pub(crate) fn of(
        home: &crate::Home,
        network: Option<&crate::network::Network>,
    ) -> Result<Self, NodeError> {
        let saved = NetworkPrefs::load(home)?;
        let (listening, relay, local_discovery) = match network {
            Some(network) => (
                network.addrs().iter().map(ToString::to_string).collect(),
                network.relay().map(ToString::to_string),
                network.local_discovery(),
            ),
            None => (Vec::new(), None, false),
        };
        let normal = |relay: &Option<String>| {
            relay
                .as_deref()
                .and_then(|r| parse_relay(r).ok())
                .map(|u| u.to_string())
        };
        let pending = network.is_some()
            && (normal(&saved.relay) != relay || saved.local_discovery != local_discovery);
        Ok(NetworkInfo {
            online: network.is_some(),
            listening,
            relay,
            local_discovery,
            saved,
            pending,
        })
    }
}

/// A relay URL as a person types it: `https://` (or `http://` for a relay on this
/// computer or a test), nothing after the host but a path.
pub fn parse_relay(text: &str) -> Result<iroh::RelayUrl, NodeError> {
    let text = text.trim();
    let bad = |why: &str| NodeError::BadSetting {
        what: format!("the relay address {text:?} {why}"),
    };
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return Err(bad("must start with https://"));
    }
    text.parse::<iroh::RelayUrl>()
        .map_err(|_| bad("is not a web address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_off_until_saved_and_read_back_as_saved() {
        let dir = tempfile::tempdir().unwrap();
        let home = crate::Home::resolve(Some(dir.path().join("home"))).unwrap();
        std::fs::create_dir_all(home.root()).unwrap();
        assert_eq!(NetworkPrefs::load(&home).unwrap(), NetworkPrefs::default());
        assert!(!NetworkPrefs::default().local_discovery);
        let chosen = NetworkPrefs {
            relay: Some("https://relay.coop.example".into()),
            local_discovery: true,
        };
        chosen.save(&home).unwrap();
        let read = NetworkPrefs::load(&home).unwrap();
        assert_eq!(read.relay.as_deref(), Some("https://relay.coop.example/"));
        assert!(read.local_discovery);
        NetworkPrefs {
            relay: Some("  ".into()),
            local_discovery: false,
        }
        .save(&home)
        .unwrap();
        assert_eq!(NetworkPrefs::load(&home).unwrap(), NetworkPrefs::default());
    }

    #[test]
    fn a_relay_that_is_not_a_web_address_is_refused_and_nothing_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let home = crate::Home::resolve(Some(dir.path().join("home"))).unwrap();
        std::fs::create_dir_all(home.root()).unwrap();
        for bad in ["relay.coop.example", "ftp://relay.coop.example", "https://"] {
            let err = NetworkPrefs {
                relay: Some(bad.into()),
                local_discovery: false,
            }
            .save(&home)
            .unwrap_err();
            assert_eq!(err.code().as_str(), "input.bad_setting", "{bad}: {err}");
            assert!(err.to_string().contains("relay"), "{err}");
        }
        assert!(!home.root().join(FILE).exists());
        std::fs::write(home.root().join(FILE), b"{not json").unwrap();
        let err = NetworkPrefs::load(&home).unwrap_err();
        assert!(err.to_string().contains("network.json"), "{err}");
    }
}
