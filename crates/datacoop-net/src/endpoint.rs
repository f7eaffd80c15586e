//! A member's iroh endpoint: keyed by the identity, offline by default (no relay, no
//! portmapper, no public address lookup), loopback-only in tests. Two opt-in settings
//! reach further: a self-hosted relay the cooperative names (for peers behind NATs) and
//! local-network discovery (mDNS).

use std::net::{Ipv4Addr, SocketAddr};

use datacoop_crypto::Identity;
use iroh::endpoint::{NetReportConfig, PortmapperConfig, presets};
use iroh::{Endpoint, RelayMode, SecretKey};

use crate::NetError;

/// The mDNS service datacoop nodes advertise under (apart from other iroh programs).
const MDNS_SERVICE: &str = "datacoop";

/// Where a node listens (and what it tells peers to dial).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// 127.0.0.1 on a free port: every test, demo and benchmark. (Any 127.0.0.1
    /// address is checked the same way: an endpoint that bound anything else is refused.)
    Loopback,
    /// One address, bound and advertised (`--listen`, `DATACOOP_LISTEN`).
    Addr(SocketAddr),
}

impl std::str::FromStr for Listen {
    type Err = NetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .parse()
            .map(Listen::Addr)
            .map_err(|_| NetError::BadListenAddr {
                given: s.to_owned(),
            })
    }
}

/// How to bind an endpoint.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// Where to listen.
    pub listen: Listen,
    /// The protocols the endpoint accepts.
    pub alpns: Vec<Vec<u8>>,
    /// Where peers known by id only can be dialled (gossip dials by endpoint id): the
    /// node fills it from its address book. None: no lookup at all.
    pub lookup: Option<iroh::address_lookup::MemoryLookup>,
    /// A self-hosted relay to keep a connection to and be reached through (None: no
    /// relay at all, the default).
    pub relay: Option<iroh::RelayUrl>,
    /// Advertise this endpoint and find peers on the local network by mDNS (off by
    /// default; never in tests).
    pub local_discovery: bool,
}

impl NetConfig {
    /// Loopback only, accepting `alpns`: the configuration for tests.
    pub fn loopback(alpns: Vec<Vec<u8>>) -> Self {
        NetConfig {
            listen: Listen::Loopback,
            alpns,
            lookup: None,
            relay: None,
            local_discovery: false,
        }
    }
}

/// The endpoint key of `identity`: derived from it (see
/// [`Identity::endpoint_seed`]), so it is the same after a restore.
pub fn endpoint_key(identity: &Identity) -> SecretKey {
    SecretKey::from_bytes(&identity.endpoint_seed())
}

/// The endpoint id of `identity` (the public half of [`endpoint_key`]), as the log and
/// tickets name it.
pub fn endpoint_id(identity: &Identity) -> [u8; 32] {
    *endpoint_key(identity).public().as_bytes()
}

/// Binds `identity`'s endpoint. Only IP transports are used, on the one address
/// `config.listen` names, and the relay `config.relay` names if any; no portmapper (it
/// probes the LAN gateway), no address lookup but the node's own and, when asked for,
/// mDNS (peers are dialled at the addresses their tickets and calls give).
pub async fn bind(identity: &Identity, config: &NetConfig) -> Result<Endpoint, NetError> {
    bind_inner(identity, config, None::<crate::MembersOnly<NoOne>>).await
}

/// [`bind`], serving only the endpoints `guard` admits (see [`crate::MembersOnly`]).
pub async fn bind_guarded<P: crate::members::Participants>(
    identity: &Identity,
    config: &NetConfig,
    guard: crate::MembersOnly<P>,
) -> Result<Endpoint, NetError> {
    bind_inner(identity, config, Some(guard)).await
}

/// Admits nobody; the type of "no guard".
struct NoOne;

impl crate::members::Participants for NoOne {
    fn admits(&self, _: &[u8; 32]) -> bool {
        false
    }
}

impl Listen {
    /// The socket address to bind.
    pub fn addr(self) -> SocketAddr {
        match self {
            Listen::Loopback => SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            Listen::Addr(addr) => addr,
        }
    }
}

async fn bind_inner<P: crate::members::Participants>(
    identity: &Identity,
    config: &NetConfig,
    guard: Option<crate::MembersOnly<P>>,
) -> Result<Endpoint, NetError> {
    let addr = config.listen.addr();
    let bind_error = |reason: String| NetError::Bind {
        addr: addr.to_string(),
        reason,
    };
    let mut builder = Endpoint::builder(presets::Minimal);
    if let Some(guard) = guard {
        builder = builder.hooks(guard);
    }
    builder = builder.clear_address_lookup();
    if let Some(lookup) = &config.lookup {
        builder = builder.address_lookup(lookup.clone());
    }
    if config.local_discovery {
        builder = builder.address_lookup(
            iroh_mdns_address_lookup::MdnsAddressLookup::builder().service_name(MDNS_SERVICE),
        );
    }
    let relay_mode = match &config.relay {
        Some(url) => RelayMode::Custom(url.clone().into()),
        None => RelayMode::Disabled,
    };
    // The relay's latency probe picks it as the home relay; without a relay, no probes.
    let mut net_report = NetReportConfig::minimal();
    net_report.https_probes = config.relay.is_some();
    let endpoint = builder
        .clear_ip_transports()
        .relay_mode(relay_mode)
        .portmapper_config(PortmapperConfig::Disabled)
        .net_report_config(net_report)
        .secret_key(endpoint_key(identity))
        .alpns(config.alpns.clone())
        .bind_addr(addr)
        .map_err(|e| bind_error(e.to_string()))?
        .bind()
        .await
        .map_err(|e| bind_error(e.to_string()))?;
    let bound = endpoint.bound_sockets();
    tracing::info!(?bound, id = %endpoint.id().fmt_short(), "endpoint bound");
    if addr.ip().is_loopback() && !crate::error::all_loopback(&bound) {
        endpoint.close().await;
        return Err(bind_error(format!("it bound {bound:?}, not loopback only")));
    }
    Ok(endpoint)
}

/// The addresses to tell peers: the bound ones, and for an unspecified bind address
/// (`0.0.0.0`) the interface addresses iroh found.
pub fn advertised(endpoint: &Endpoint) -> Vec<SocketAddr> {
    let bound = endpoint.bound_sockets();
    if bound.iter().all(|a| !a.ip().is_unspecified()) {
        return bound;
    }
    let mut found: Vec<SocketAddr> = endpoint.addr().ip_addrs().copied().collect();
    found.extend(bound.into_iter().filter(|a| !a.ip().is_unspecified()));
    found.sort();
    found.dedup();
    found
}
