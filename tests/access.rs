//! Access through the command line with real `datacoop serve` processes on 127.0.0.1: a
//! steward, two members of whom one consents, and a trainer. The trainer's fetch gives
//! files bit-identical to the consenting member's and nothing of the other's, with a
//! croissant.json that MLCommons' validator accepts and a proof bundle per operation that
//! `log verify`-style checks accept offline. Refusals name the problem and exit with the
//! codes of CLI.md. `datacoop demo` tells the same story in one process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Env, Server, files_under, stderr};
use serde_json::Value;

fn named(name: &str) -> Env {
    let env = Env::new();
    env.ok(&["init", "--name", name]);
    env
}

fn invite(env: &Env, role: &str) -> String {
    env.ok(&["coop", "invite", "--role", role])
        .trim()
        .to_owned()
}

fn requests(env: &Env) -> Value {
    serde_json::from_str(&env.ok(&["request", "ls", "--json"])).unwrap()
}

fn wait_for(env: &Env, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let listed = requests(env);
        if check(&listed) {
            return listed;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {listed}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn write(dir: &Path, files: &[(&str, &[u8])]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Adds `files` as the dataset `runs` (fitness) and consents to `purpose` without asking.
fn add_and_consent(env: &Env, files: &[(&str, &[u8])], purpose: &str) {
    let dir = env.path("runs");
    write(&dir, files);
    env.ok(&[
        "data",
        "add",
        dir.to_str().unwrap(),
        "--dataset",
        "runs",
        "--category",
        "fitness",
    ]);
    env.ok(&[
        "consent",
        "set",
        "--dataset",
        "runs",
        "--allow",
        purpose,
        "--mode",
        "auto",
    ]);
}

fn refused(env: &Env, args: &[&str], exit: i32, words: &str) {
    let out = env.run(args);
    assert_eq!(
        out.status.code(),
        Some(exit),
        "datacoop {args:?}: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains(words),
        "datacoop {args:?}: {}",
        stderr(&out)
    );
}

#[test]
fn a_trainer_fetches_exactly_what_a_consenting_member_released() {
    let ada = named("Ada");
    ada.ok(&["coop", "create", "Runners"]);
    let bea = named("Bea");
    let cy = named("Cy");
    let tess = named("Tess");
    let servers: Vec<Server> = [&ada, &bea, &cy, &tess]
        .into_iter()
        .map(Server::start)
        .collect();
    bea.ok(&["coop", "join", &invite(&ada, "member")]);
    cy.ok(&["coop", "join", &invite(&ada, "member")]);
    tess.ok(&["coop", "join", &invite(&ada, "trainer")]);

    let bea_files: &[(&str, &[u8])] = &[
        ("monday.csv", b"km,minutes\n5.2,31\n"),
        ("long run.gpx", &[7u8; 300_000]),
    ];
    add_and_consent(&bea, bea_files, "ModelTraining");
    add_and_consent(
        &cy,
        &[("cy-only.csv", b"CY-PRIVATE-MARKER")],
        "ScientificResearch",
    );

    // Bad requests are refused before anything is signed.
    refused(
        &tess,
        &[
            "request",
            "create",
            "--category",
            "fitness",
            "--purpose",
            "ModelTraining",
            "--days",
            "30",
            "--license",
            "not a license!",
        ],
        2,
        "SPDX",
    );
    refused(
        &bea,
        &[
            "request",
            "create",
            "--category",
            "fitness",
            "--purpose",
            "ModelTraining",
            "--days",
            "30",
            "--license",
            "MIT",
        ],
        2,
        "trainer",
    );
    let id = tess
        .ok(&[
            "request",
            "create",
            "--category",
            "fitness",
            "--purpose",
            "ModelTraining",
            "--days",
            "30",
            "--license",
            "CC-BY-NC-4.0",
            "--credits",
            "5",
        ])
        .trim()
        .to_owned();
    assert_eq!(id.len(), 64, "{id}");

    // Quorum not reached yet: nothing is released, and fetch says who is pending.
    let out = tess.path("fetched");
    refused(
        &tess,
        &["fetch", &id, "--out", out.to_str().unwrap()],
        1,
        "nothing has been released",
    );
    refused(&bea, &["request", "approve", &id], 2, "steward");
    let listed = wait_for(&ada, "the request", |l| l[0]["matching"] == 1);
    assert_eq!(listed[0]["status"], "pending", "{listed}");
    assert_eq!(listed[0]["threshold"], 1);
    let text = ada.ok(&["request", "ls"]);
    assert!(
        text.contains("pending") && text.contains("CC-BY-NC-4.0"),
        "{text}"
    );

    ada.ok(&["request", "approve", &id]);
    let report = tess.ok(&[
        "fetch",
        &id,
        "--out",
        out.to_str().unwrap(),
        "--wait",
        "60s",
        "--all",
    ]);
    assert!(report.contains(out.to_str().unwrap()), "{report}");

    // Bit-identical to Bea's originals; nothing of Cy's anywhere.
    let fetched = files_under(&out);
    for (name, bytes) in bea_files {
        let file = fetched
            .iter()
            .find(|p| p.file_name().is_some_and(|n| n == *name))
            .unwrap_or_else(|| panic!("{name} not fetched: {fetched:?}"));
        assert_eq!(std::fs::read(file).unwrap(), *bytes, "{name}");
    }
    for file in &fetched {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !bytes.windows(17).any(|w| w == b"CY-PRIVATE-MARKER"),
            "{}",
            file.display()
        );
    }
    let croissant: Value =
        serde_json::from_slice(&std::fs::read(out.join("croissant.json")).unwrap()).unwrap();
    assert_eq!(
        croissant["conformsTo"],
        "http://mlcommons.org/croissant/1.1"
    );
    assert_eq!(croissant["distribution"].as_array().unwrap().len(), 2);
    validate_croissant(&out.join("croissant.json"));
    // Every proof bundle beside the files is one the log itself gives for that operation.
    let proofs = files_under(&out.join("proofs"));
    assert!(proofs.len() >= 3, "{proofs:?}");
    for proof in &proofs {
        let op = proof.file_stem().unwrap().to_str().unwrap();
        assert_eq!(
            std::fs::read_to_string(proof).unwrap(),
            tess.ok(&["log", "proof", op]),
            "{op}"
        );
    }

    // The grant as each side sees it; Cy is party to none.
    let grants: Value = serde_json::from_str(&bea.ok(&["grant", "ls", "--json"])).unwrap();
    assert_eq!(grants.as_array().unwrap().len(), 1, "{grants}");
    assert_eq!(grants[0]["credits"], 5);
    assert_eq!(grants[0]["dataset"], "runs");
    assert!(grants[0]["live"].as_bool().unwrap());
    let none: Value = serde_json::from_str(&cy.ok(&["grant", "ls", "--json"])).unwrap();
    assert_eq!(none, serde_json::json!([]));

    // A second fetch into the same folder refuses to overwrite; a denied request says
    // why; a trainer cannot fetch another trainer's request.
    refused(
        &tess,
        &["fetch", &id, "--out", out.to_str().unwrap()],
        2,
        "exists",
    );
    let second = tess
        .ok(&[
            "request",
            "create",
            "--category",
            "fitness",
            "--purpose",
            "ModelTraining",
            "--duration",
            "12h",
            "--license",
            "MIT",
        ])
        .trim()
        .to_owned();
    refused(
        &ada,
        &["request", "deny", &second, "--reason", " "],
        2,
        "reason",
    );
    ada.ok(&["request", "deny", &second, "--reason", "not this season"]);
    let denied = wait_for(&tess, "the denial", |l| {
        l.as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "denied")
    });
    assert!(denied.to_string().contains("not this season"), "{denied}");
    refused(
        &tess,
        &["fetch", &second, "--out", tess.path("d").to_str().unwrap()],
        1,
        "not this season",
    );
    let uma = named("Uma");
    let uma_server = Server::start(&uma);
    uma.ok(&["coop", "join", &invite(&ada, "trainer")]);
    refused(
        &uma,
        &["fetch", &id, "--out", uma.path("u").to_str().unwrap()],
        2,
        "another trainer's",
    );
    uma_server.stop();
    for server in servers {
        server.stop();
    }
}

/// A trainer's grant that expires (a 20 s window) and one the member revokes: `fetch`
/// exits 1 naming each; `activity` and `earnings` show both, as CSV and JSON.
#[test]
fn grants_end_by_expiry_and_revocation_and_the_member_sees_it() {
    let ada = named("Ada");
    ada.ok(&["coop", "create", "Runners"]);
    let bea = named("Bea");
    let tess = named("Tess");
    let servers: Vec<Server> = [&ada, &bea, &tess].into_iter().map(Server::start).collect();
    bea.ok(&["coop", "join", &invite(&ada, "member")]);
    tess.ok(&["coop", "join", &invite(&ada, "trainer")]);
    add_and_consent(&bea, &[("monday.csv", b"km,5\n")], "ModelTraining");
    let create = |period: &[&str]| {
        let mut args = vec![
            "request",
            "create",
            "--category",
            "fitness",
            "--purpose",
            "ModelTraining",
            "--license",
            "MIT",
            "--credits",
            "5",
        ];
        args.extend_from_slice(period);
        tess.ok(&args).trim().to_owned()
    };
    let short = create(&["--duration", "20s"]);
    let long = create(&["--days", "30"]);
    ada.ok(&["request", "approve", &short]);
    ada.ok(&["request", "approve", &long]);
    for id in [&short, &long] {
        let out = tess.path(&format!("in-time-{}", &id[..8]));
        tess.ok(&[
            "fetch",
            id,
            "--out",
            out.to_str().unwrap(),
            "--wait",
            "60s",
            "--all",
        ]);
    }

    // Bea revokes her grant to the long request; the trainer's fetch says so.
    let grants: Value = serde_json::from_str(&bea.ok(&["grant", "ls", "--json"])).unwrap();
    let grant = grants
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["request"] == long.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let said = bea.ok(&["grant", "revoke", &grant[..12], "--reason", "no longer"]);
    assert_eq!(said.trim(), grant);
    refused(&bea, &["grant", "revoke", &grant], 2, "already ended");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = tess.run(&[
            "fetch",
            &long,
            "--out",
            tess.path("revoked").to_str().unwrap(),
        ]);
        let words = stderr(&out);
        if out.status.code() == Some(1) && words.contains("revoked by the member") {
            assert!(words.contains("no longer"), "{words}");
            break;
        }
        assert!(Instant::now() < deadline, "{words}");
        std::thread::sleep(Duration::from_millis(500));
    }

    // The short window closes: fetch exits 1 saying it expired.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = tess.run(&[
            "fetch",
            &short,
            "--out",
            tess.path("late").to_str().unwrap(),
        ]);
        if out.status.code() == Some(1) && stderr(&out).contains("expired") {
            break;
        }
        assert!(Instant::now() < deadline, "{}", stderr(&out));
        std::thread::sleep(Duration::from_secs(1));
    }
    let listed = requests(&tess);
    assert!(listed.to_string().contains("\"expired\""), "{listed}");

    // What Bea sees: both grants in her activity and her earnings.
    let csv = bea.ok(&["activity", "--csv"]);
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("time,kind,dataset"), "{header}");
    for kind in [
        "consent_given",
        "request_matched",
        "keys_released",
        "grant_revoked",
        "grant_expired",
    ] {
        assert!(csv.contains(kind), "{kind} missing from\n{csv}");
    }
    let activity: Value = serde_json::from_str(&bea.ok(&["activity", "--json"])).unwrap();
    assert_eq!(activity.as_array().unwrap().len() + 1, csv.lines().count());
    let earnings: Value = serde_json::from_str(&bea.ok(&["earnings", "--json"])).unwrap();
    assert_eq!(earnings["total"], 10, "{earnings}");
    assert_eq!(earnings["grants"].as_array().unwrap().len(), 2);
    let statement = bea.ok(&["earnings"]);
    assert!(
        statement.contains("total") && statement.contains("revoked"),
        "{statement}"
    );
    let csv = bea.ok(&["earnings", "--csv"]);
    assert!(csv.lines().last().unwrap().contains(",total,"), "{csv}");
    for server in servers {
        server.stop();
    }
}

#[test]
fn the_demo_tells_the_whole_story_on_loopback() {
    let env = Env::new();
    let kept = env.path("demo");
    let out = env.run(&["demo", "--dir", kept.to_str().unwrap()]);
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    for words in [
        "founds the cooperative",
        "She approves",
        "releases its keys",
        "identical to Bea's originals; nothing of Cy's",
        "you earn 5 credits",
    ] {
        assert!(said.contains(words), "{words:?} missing from:\n{said}");
    }
    assert!(kept.join("fetched/croissant.json").is_file());
}

/// `mlcroissant validate` (MLCommons' validator, in the virtual environment
/// `scripts/croissant-venv.sh` makes once) accepts the document with no error or warning.
fn validate_croissant(path: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/croissant-venv.sh");
    let venv = std::process::Command::new("bash")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        venv.status.success(),
        "{}",
        String::from_utf8_lossy(&venv.stderr)
    );
    let mlcroissant = String::from_utf8(venv.stdout).unwrap();
    let checked = std::process::Command::new(mlcroissant.trim())
        .args(["validate", "--jsonld"])
        .arg(path)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(checked.status.success(), "{said}");
    assert!(
        !said.contains("error(s)") && !said.contains("warning(s)"),
        "{said}"
    );
}
