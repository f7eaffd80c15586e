//! In test mode a node binds loopback only — checked in the endpoint's own report and in
//! the kernel's socket tables — and two nodes reach each other there, each seeing the
//! other's identity-derived endpoint id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::net::SocketAddr;

use datacoop_crypto::Identity;
use datacoop_net::{NetConfig, bind, endpoint_key};

const ALPN: &[u8] = b"datacoop/test/0";

/// The inodes of this process's open sockets.
fn my_socket_inodes() -> HashSet<u64> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            target
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect()
}

/// The local addresses of this process's UDP and TCP sockets, as the kernel lists them
/// (hex, as in `/proc/net/*`).
fn my_bound_addresses() -> Vec<(String, String)> {
    let mine = my_socket_inodes();
    let mut found = Vec::new();
    for table in ["udp", "udp6", "tcp", "tcp6"] {
        let text = std::fs::read_to_string(format!("/proc/self/net/{table}")).unwrap();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let inode: u64 = fields[9].parse().unwrap();
            if mine.contains(&inode) {
                found.push((table.to_owned(), fields[1].to_owned()));
            }
        }
    }
    found
}

/// Whether a `/proc/net` local address (`0100007F:1F90`, or 32 hex digits for IPv6) is
/// a loopback one.
fn is_loopback_hex(table: &str, addr: &str) -> bool {
    let ip = addr.split(':').next().unwrap();
    if table.ends_with('6') {
        // ::1 in the kernel's byte order, or ::ffff:127.x.y.z.
        ip == "00000000000000000000000001000000"
            || (ip.starts_with("0000000000000000FFFF0000") && ip.ends_with("7F"))
    } else {
        // 127.x.y.z, little-endian: the last byte pair is 7F.
        ip.ends_with("7F")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_nodes_bind_loopback_only_and_reach_each_other_there() {
    let ada = Identity::from_seeds("Ada", [1; 32], [2; 32]);
    let bo = Identity::from_seeds("Bo", [3; 32], [4; 32]);
    let config = NetConfig::loopback(vec![ALPN.to_vec()]);
    let a = bind(&ada, &config).await.unwrap();
    let b = bind(&bo, &config).await.unwrap();

    // The endpoint's own view.
    for endpoint in [&a, &b] {
        let bound = endpoint.bound_sockets();
        assert!(!bound.is_empty());
        assert!(bound.iter().all(|s| s.ip().is_loopback()), "{bound:?}");
    }
    // The kernel's view: every IP socket this process holds is on loopback.
    let new = my_bound_addresses();
    let outside: Vec<_> = new
        .iter()
        .filter(|(table, addr)| !is_loopback_hex(table, addr))
        .collect();
    assert!(
        outside.is_empty(),
        "sockets bound outside loopback: {outside:?}"
    );
    assert!(
        new.iter().any(|(table, _)| table.starts_with("udp")),
        "the endpoints' UDP sockets are listed: {new:?}"
    );

    // The endpoint id is the identity's derived key, the same for a restored identity.
    assert_eq!(a.id(), endpoint_key(&ada).public());
    let restored = Identity::from_seeds("Ada again", [1; 32], [9; 32]);
    assert_eq!(endpoint_key(&restored).public(), a.id());

    // B dials A at the address a ticket would carry; each sees the other's id.
    let target: SocketAddr = a.bound_sockets()[0];
    let accept = tokio::spawn({
        let a = a.clone();
        async move {
            let incoming = a.accept().await.expect("an incoming connection");
            let connection = incoming.await.expect("accepted");
            let id = connection.remote_id();
            connection.closed().await;
            id
        }
    });
    let connection = b
        .connect(iroh::EndpointAddr::new(a.id()).with_ip_addr(target), ALPN)
        .await
        .unwrap();
    assert_eq!(connection.remote_id(), a.id());
    connection.close(0u32.into(), b"done");
    assert_eq!(accept.await.unwrap(), b.id());

    b.close().await;
    a.close().await;
}

#[test]
fn listen_addresses_are_checked() {
    use datacoop_net::Listen;
    assert_eq!(
        "127.0.0.1:4433".parse::<Listen>().unwrap(),
        Listen::Addr("127.0.0.1:4433".parse().unwrap())
    );
    let err = "my-laptop".parse::<Listen>().unwrap_err();
    assert!(err.to_string().contains("IP:PORT"), "{err}");
}

/// A cooperative's self-hosted relay (here an `iroh-relay` on loopback, plain http): a
/// peer known by its id and the relay alone, with no address to dial, is reached
/// through it, and nothing is bound outside loopback.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_known_only_by_the_cooperatives_relay_is_reached_through_it() {
    use iroh_relay::server::{RelayConfig, Server, ServerConfig};
    let mut relay_config = ServerConfig::default();
    relay_config.relay = Some(RelayConfig::new(SocketAddr::from(([127, 0, 0, 1], 0))));
    let relay_server = Server::spawn(relay_config).await.unwrap();
    let url: iroh::RelayUrl = format!("http://{}", relay_server.http_addr().unwrap())
        .parse()
        .unwrap();
    let config = NetConfig {
        relay: Some(url.clone()),
        ..NetConfig::loopback(vec![ALPN.to_vec()])
    };
    let ada = Identity::from_seeds("Ada", [1; 32], [2; 32]);
    let bo = Identity::from_seeds("Bo", [3; 32], [4; 32]);
    let a = bind(&ada, &config).await.unwrap();
    let b = bind(&bo, &config).await.unwrap();
    let within = std::time::Duration::from_secs(30);
    tokio::time::timeout(within, a.online())
        .await
        .expect("Ada's node reaches the relay");

    let accept = tokio::spawn({
        let a = a.clone();
        async move {
            let connection = a.accept().await.expect("incoming").await.expect("accepted");
            let id = connection.remote_id();
            connection.closed().await;
            id
        }
    });
    let through_relay = iroh::EndpointAddr::new(a.id()).with_relay_url(url);
    assert_eq!(through_relay.ip_addrs().count(), 0);
    let connection = tokio::time::timeout(within, b.connect(through_relay, ALPN))
        .await
        .expect("connected in time")
        .unwrap();
    assert_eq!(connection.remote_id(), a.id());
    connection.close(0u32.into(), b"done");
    assert_eq!(accept.await.unwrap(), b.id());

    let outside: Vec<_> = my_bound_addresses()
        .into_iter()
        .filter(|(table, addr)| !is_loopback_hex(table, addr))
        .collect();
    assert!(
        outside.is_empty(),
        "sockets bound outside loopback: {outside:?}"
    );
    b.close().await;
    a.close().await;
    relay_server.shutdown().await.unwrap();
}

#[test]
fn local_discovery_and_the_relay_are_off_unless_asked_for() {
    let config = NetConfig::loopback(Vec::new());
    assert!(config.relay.is_none());
    assert!(!config.local_discovery);
}
