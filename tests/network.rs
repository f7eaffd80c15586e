//! Three homes form a cooperative from tickets, with real `datacoop serve` processes on
//! 127.0.0.1 driven through the command line only: the founder invites, two members join,
//! a member's consent reaches everyone through the operator, and every node agrees on
//! one verified log, through a restart. Bad tickets are each refused in their own words.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Env, Server, ip_sockets_of, is_loopback_hex, stderr};
use serde_json::Value;

fn named(name: &str) -> Env {
    let env = Env::new();
    env.ok(&["init", "--name", name]);
    env
}

fn show(env: &Env) -> Value {
    serde_json::from_str(&env.ok(&["coop", "show", "--json"])).unwrap()
}

fn show_id(env: &Env) -> Value {
    let me: Value = serde_json::from_str(&env.ok(&["whoami", "--json"])).unwrap();
    me["id"].clone()
}

fn invite(env: &Env, extra: &[&str]) -> String {
    let mut args = vec!["coop", "invite", "--role", "member"];
    args.extend(extra);
    let ticket = env.ok(&args).trim().to_owned();
    assert!(ticket.starts_with("dcinvite"), "{ticket}");
    ticket
}

/// Waits until every home's log has the same checkpoint (size and root).
fn converged(envs: &[&Env]) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let shown: Vec<Value> = envs.iter().map(|e| show(e)).collect();
        let heads: Vec<(Value, Value)> = shown
            .iter()
            .map(|s| (s["size"].clone(), s["latest_checkpoint"]["root"].clone()))
            .collect();
        if heads.windows(2).all(|w| w[0] == w[1]) {
            return shown.into_iter().next().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "the logs did not agree: {heads:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn three_homes_form_a_cooperative_from_tickets_and_agree_on_one_log() {
    let ada = named("Ada");
    let bo = named("Bo");
    let cy = named("Cy");
    let coop = ada.ok(&["coop", "create", "Runners"]).trim().to_owned();
    let servers = [&ada, &bo, &cy].map(Server::start);

    let ticket = invite(&ada, &[]);
    let joined = bo.ok(&["coop", "join", &ticket]);
    assert_eq!(joined.trim(), coop);

    // Every serving node holds IP sockets on loopback only, as the kernel lists them.
    for server in &servers {
        let sockets = ip_sockets_of(server.pid());
        assert!(
            sockets.iter().any(|(table, _)| table.starts_with("udp")),
            "the node's endpoint is listed: {sockets:?}"
        );
        let outside: Vec<_> = sockets
            .iter()
            .filter(|(table, addr)| !is_loopback_hex(table, addr))
            .collect();
        assert!(outside.is_empty(), "bound outside loopback: {outside:?}");
    }

    // The same ticket twice: the first join in log order won.
    let used = cy.run(&["coop", "join", &ticket]);
    assert_eq!(used.status.code(), Some(1), "{}", stderr(&used));
    assert!(stderr(&used).contains("already used"), "{}", stderr(&used));

    // A ticket cut short, and something that is no ticket at all: bad input, exit 2,
    // said before anything is sent.
    let cut = &ticket[..ticket.len() - 3];
    let damaged = cy.run(&["coop", "join", cut]);
    assert_eq!(damaged.status.code(), Some(2), "{}", stderr(&damaged));
    assert!(stderr(&damaged).contains("damaged"), "{}", stderr(&damaged));
    let not_one = cy.run(&["coop", "join", "hello"]);
    assert_eq!(not_one.status.code(), Some(2), "{}", stderr(&not_one));
    assert!(
        stderr(&not_one).contains("not a datacoop invitation"),
        "{}",
        stderr(&not_one)
    );

    // An invitation that lapsed (log time moves with the operator's heartbeat).
    let short = invite(&ada, &["--expires", "1s"]);
    std::thread::sleep(Duration::from_secs(4));
    let expired = cy.run(&["coop", "join", &short]);
    assert_eq!(expired.status.code(), Some(1), "{}", stderr(&expired));
    assert!(stderr(&expired).contains("expired"), "{}", stderr(&expired));

    let ticket = invite(&ada, &[]);
    cy.ok(&["coop", "join", &ticket]);

    // A member's consent is sent to the operator and reaches the other member.
    let data = bo.path("runs");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("monday.csv"), b"km,5\n").unwrap();
    bo.ok(&[
        "data",
        "add",
        "--dataset",
        "runs",
        "--category",
        "fitness",
        data.to_str().unwrap(),
    ]);
    bo.ok(&[
        "consent",
        "set",
        "--dataset",
        "runs",
        "--allow",
        "ScientificResearch",
    ]);

    let agreed = converged(&[&ada, &bo, &cy]);
    let members = agreed["members"].as_array().unwrap();
    assert_eq!(members.len(), 3, "{agreed}");
    assert!(
        members.iter().all(|m| m["endpoint"].is_string()),
        "{agreed}"
    );
    let kinds: Vec<String> = serde_json::from_str::<Value>(&cy.ok(&["log", "show", "--json"]))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains(&"ConsentSet".to_owned()), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "Join").count(),
        2,
        "{kinds:?}"
    );
    for env in [&ada, &bo, &cy] {
        env.ok(&["log", "verify"]);
    }

    // A reviewed invitation: the newcomer waits until a steward accepts them, and its
    // node then finishes joining by itself.
    let dee = named("Dee");
    let dee_server = Server::start(&dee);
    let reviewed = invite(&ada, &["--review"]);
    let waiting = dee.run(&["coop", "join", &reviewed]);
    assert!(waiting.status.success(), "{}", stderr(&waiting));
    assert!(
        stderr(&waiting).contains("waits for a steward"),
        "{}",
        stderr(&waiting)
    );
    let not_yet = dee.run(&["coop", "show"]);
    assert_eq!(not_yet.status.code(), Some(2), "{}", stderr(&not_yet));
    assert!(
        stderr(&not_yet).contains("waits for a steward"),
        "{}",
        stderr(&not_yet)
    );
    let awaiting = show(&ada)["awaiting"].clone();
    assert_eq!(awaiting.as_array().unwrap().len(), 1, "{awaiting}");
    assert_eq!(awaiting[0]["id"], show_id(&dee));
    let join = awaiting[0]["join"].as_str().unwrap().to_owned();
    // Only a steward accepts.
    let refused = bo.run(&["coop", "accept", &join[..12]]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    ada.ok(&["coop", "accept", &join[..12]]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dee.run(&["coop", "show"]).status.success() {
        assert!(
            Instant::now() < deadline,
            "the accepted newcomer never finished joining"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let agreed = converged(&[&ada, &bo, &cy, &dee]);
    assert_eq!(agreed["members"].as_array().unwrap().len(), 4, "{agreed}");
    assert!(
        agreed["awaiting"].as_array().unwrap().is_empty(),
        "{agreed}"
    );
    dee_server.stop();

    // Governance from the command line: a member made steward, then k = 2, then the
    // witness set by proposal, which now needs the second steward's approval; the
    // operator then gathers both stewards' cosignatures across the processes.
    let bo_id = show_id(&bo).as_str().unwrap().to_owned();
    let ada_id = show_id(&ada).as_str().unwrap().to_owned();
    ada.ok(&["proposal", "add-steward", &bo_id[..12]]);
    ada.ok(&["proposal", "threshold", "2"]);
    let proposal = ada
        .ok(&[
            "proposal",
            "witnesses",
            &ada_id[..12],
            &bo_id[..12],
            "--quorum",
            "2",
        ])
        .trim()
        .to_owned();
    // Bo's node hears of it (announcement or timed pull).
    let deadline = Instant::now() + Duration::from_secs(30);
    let waiting = loop {
        let waiting: Value = serde_json::from_str(&bo.ok(&["proposal", "ls", "--json"])).unwrap();
        if waiting.as_array().unwrap().len() == 1 {
            break waiting;
        }
        assert!(
            Instant::now() < deadline,
            "the proposal never reached Bo: {waiting}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(waiting[0]["approvals"], 1);
    assert_eq!(waiting[0]["needed"], 2);
    bo.ok(&["proposal", "approve", &proposal[..12]]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = show(&ada);
        let cosigners = seen["latest_checkpoint"]["cosigned_by"]
            .as_array()
            .unwrap()
            .len();
        if seen["witnesses"].as_array().unwrap().len() == 2 && cosigners == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "never cosigned by both witnesses: {seen}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let agreed = converged(&[&ada, &bo, &cy]);
    assert_eq!(agreed["stewards"].as_array().unwrap().len(), 2, "{agreed}");
    assert_eq!(agreed["unwitnessed"], false, "{agreed}");

    // A member's node restarted keeps agreeing, and catches up what it missed.
    let [ada_server, bo_server, cy_server] = servers;
    bo_server.stop();
    cy.ok(&[
        "data",
        "add",
        "--dataset",
        "sleep",
        "--category",
        "health",
        data.to_str().unwrap(),
    ]);
    cy.ok(&[
        "consent",
        "set",
        "--dataset",
        "sleep",
        "--allow",
        "ModelTraining",
    ]);
    let bo_server = Server::start(&bo);
    let after = converged(&[&ada, &bo, &cy]);
    assert!(
        after["size"].as_u64().unwrap() > agreed["size"].as_u64().unwrap(),
        "{after}"
    );
    bo.ok(&["log", "verify"]);
    for server in [ada_server, bo_server, cy_server] {
        server.stop();
    }
}
