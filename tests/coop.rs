//! The cooperative's log from the command line: founding, consent records, log
//! inspection, verification and proofs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;

use common::{Env, files_under, stderr};

fn json(env: &Env, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&env.ok(args)).unwrap()
}

#[test]
fn founding_a_cooperative_makes_you_its_unwitnessed_steward() {
    let env = Env::new();
    let me = env.init();
    let id = env.ok(&["coop", "create", "Runners United"]);
    assert_eq!(id.trim().len(), 64);
    let info = json(&env, &["coop", "show", "--json"]);
    assert_eq!(info["name"], "Runners United");
    assert_eq!(info["id"], id.trim());
    assert_eq!(info["stewards"], serde_json::json!([me]));
    assert_eq!(info["threshold"], 1);
    assert_eq!(info["unwitnessed"], true);
    // The genesis and the founder's network endpoint, under one checkpoint.
    assert_eq!(info["latest_checkpoint"]["size"], 2);
    assert_eq!(info["evidence"], serde_json::json!([]));
    let human = env.ok(&["coop", "show"]);
    assert!(human.contains("unwitnessed"), "{human}");
    let whoami = json(&env, &["whoami", "--json"]);
    assert_eq!(whoami["roles"], serde_json::json!(["steward"]));

    let again = env.run(&["coop", "create", "Another"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
}

#[test]
fn a_threshold_above_the_number_of_stewards_is_refused() {
    let env = Env::new();
    env.init();
    let out = env.run(&["coop", "create", "Too Strict", "--threshold", "2"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!env.home.join("ledger").exists());
    let out = env.run(&["coop", "show"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not in a cooperative"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn consent_is_recorded_withdrawn_verified_and_provable() {
    let env = Env::new();
    env.init();
    let file = env.path("run.csv");
    fs::write(&file, b"km\n5\n").unwrap();
    env.ok(&[
        "data",
        "add",
        file.to_str().unwrap(),
        "--dataset",
        "secret-dataset-name",
        "--category",
        "fitness",
    ]);

    let out = env.run(&[
        "consent",
        "set",
        "--dataset",
        "secret-dataset-name",
        "--allow",
        "NonCommercialResearch",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no cooperative yet: {}",
        stderr(&out)
    );
    env.ok(&["coop", "create", "Runners"]);

    let out = env.run(&[
        "consent",
        "set",
        "--dataset",
        "secret-dataset-name",
        "--allow",
        "Marketing",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ScientificResearch"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "consent",
        "set",
        "--dataset",
        "secret-dataset-name",
        "--allow",
        "ModelTraining",
        "--deny",
        "modeltraining",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env.run(&[
        "consent",
        "set",
        "--dataset",
        "nope",
        "--allow",
        "ModelTraining",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let op = env.ok(&[
        "consent",
        "set",
        "--dataset",
        "secret-dataset-name",
        "--allow",
        "noncommercialresearch",
        "ModelTraining",
        "--deny",
        "CommercialResearch",
        "--max-days",
        "30",
        "--mode",
        "ask",
    ]);
    let consents = json(&env, &["consent", "show", "--json"]);
    let c = &consents[0];
    assert_eq!(c["record_id"], op.trim());
    assert_eq!(c["dataset"], "secret-dataset-name");
    assert_eq!(c["category"], "fitness");
    assert_eq!(c["mode"], "ask");
    assert_eq!(c["max_days"], 30);
    assert_eq!(c["withdrawn"], false);
    let record = c["record"].to_string();
    assert!(
        record.contains("https://w3id.org/dpv#NonCommercialResearch"),
        "{record}"
    );
    assert!(
        record.contains("https://w3id.org/dpv#ResearchAndDevelopment"),
        "{record}"
    );
    assert!(
        !record.contains("secret-dataset-name"),
        "the log never holds dataset names"
    );

    // Setting again replaces: the earlier consent is withdrawn on the log.
    env.ok(&[
        "consent",
        "set",
        "--dataset",
        "secret-dataset-name",
        "--allow",
        "ScientificResearch",
    ]);
    let consents = json(&env, &["consent", "show", "--json"]);
    assert_eq!(consents.as_array().unwrap().len(), 2);
    assert_eq!(consents[0]["withdrawn"], true);
    assert_eq!(consents[1]["withdrawn"], false);

    env.ok(&["consent", "withdraw", "--dataset", "secret-dataset-name"]);
    let consents = json(&env, &["consent", "show", "--json"]);
    assert_eq!(consents[1]["withdrawn"], true);
    let out = env.run(&["consent", "withdraw", "--dataset", "secret-dataset-name"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    let entries = json(&env, &["log", "show", "--json"]);
    let kinds: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "Genesis",
            "EndpointAnnounce",
            "DatasetAnnounce",
            "ConsentSet",
            "ConsentWithdraw",
            "ConsentSet",
            "ConsentWithdraw"
        ]
    );
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["log_time"].is_u64())
    );
    let from_two = json(&env, &["log", "show", "--json", "--from", "2"]);
    assert_eq!(from_two[0]["index"], 2);

    let verified = env.ok(&["log", "verify"]);
    assert!(verified.contains("verified 7 operation(s)"), "{verified}");

    let proof = env.ok(&["log", "proof", &op.trim()[..10]]);
    let bundle = datacoop_ledger::ProofBundle::parse(&proof).expect("a C2SP proof bundle");
    assert_eq!(bundle.render(), proof);
    assert!(proof.starts_with("c2sp.org/tlog-proof@v1"), "{proof}");
    // Verified offline with nothing but the cooperative's public keys.
    let info = json(&env, &["coop", "show", "--json"]);
    let key = |v: &serde_json::Value| -> [u8; 32] {
        hex::decode(v.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    let keys = datacoop_ledger::CoopKeys {
        coop: key(&info["id"]),
        operator: key(&info["operator"]),
        witnesses: info["witnesses"]
            .as_array()
            .unwrap()
            .iter()
            .map(key)
            .collect(),
        quorum: info["witness_quorum"].as_u64().unwrap() as u32,
    };
    let receipt = bundle
        .verify(&keys, true)
        .expect("the bundle verifies offline");
    assert_eq!(receipt.index, 3);
    let out = env.run(&["log", "proof", "abc"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = env.run(&["log", "proof", "0123456789abcdef"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    for path in files_under(&env.home.join("ledger")) {
        let bytes = fs::read(&path).unwrap();
        assert!(
            !bytes.windows(11).any(|w| w == b"secret-data"),
            "{}",
            path.display()
        );
    }
}

/// Rewrites the home's log store with `change` applied to its operations.
fn rewrite_log(
    env: &Env,
    change: impl FnOnce(&mut Vec<datacoop_ledger::StoredOp>),
    keep_checkpoints: bool,
) {
    use datacoop_ledger::{LogStore, SledStore};
    let dir = env.home.join("ledger");
    let (mut ops, checkpoints) = {
        let store = SledStore::open(&dir).unwrap();
        let ops: Vec<_> = (0..store.len().unwrap())
            .map(|i| store.get(i).unwrap())
            .collect();
        (ops, store.checkpoints().unwrap())
    };
    change(&mut ops);
    fs::remove_dir_all(&dir).unwrap();
    let mut store = SledStore::open(&dir).unwrap();
    store.append(&ops, None).unwrap();
    if keep_checkpoints {
        for (size, note) in checkpoints {
            store.put_checkpoint(size, &note).unwrap();
        }
    }
    store.flush().unwrap();
}

fn coop_with_consents(env: &Env) -> Vec<serde_json::Value> {
    env.init();
    let file = env.path("run.csv");
    fs::write(&file, b"km\n5\n").unwrap();
    env.ok(&[
        "data",
        "add",
        file.to_str().unwrap(),
        "--dataset",
        "runs",
        "--category",
        "fitness",
    ]);
    env.ok(&["coop", "create", "Runners"]);
    env.ok(&[
        "consent",
        "set",
        "--dataset",
        "runs",
        "--allow",
        "ScientificResearch",
    ]);
    env.ok(&[
        "consent",
        "set",
        "--dataset",
        "runs",
        "--allow",
        "ModelTraining",
    ]);
    json(env, &["log", "show", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn log_verify_names_a_tampered_operation_and_the_vault_stays_usable() {
    let env = Env::new();
    let entries = coop_with_consents(&env);
    let victim = entries[2]["id"].as_str().unwrap().to_owned();
    rewrite_log(
        &env,
        |ops| {
            let header = &mut ops[2].header;
            let last = header.len() - 1;
            header[last] ^= 0x01;
        },
        true,
    );
    let out = env.run(&["log", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("#2") || message.contains(&victim[..12]),
        "{message}"
    );
    // The member's own data does not depend on the log.
    assert_eq!(
        env.ls_json(Some("runs"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn log_verify_detects_a_store_truncated_below_the_last_checkpoint_seen() {
    let env = Env::new();
    coop_with_consents(&env);
    rewrite_log(&env, |ops| ops.truncate(ops.len() - 2), false);
    let out = env.run(&["log", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("truncated"), "{}", stderr(&out));
}
