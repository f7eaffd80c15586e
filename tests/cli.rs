//! The command line as a user scripts it: identity, recovery, adding and exporting data,
//! and the exit codes of CLI.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::process::Command;

use common::{Env, assert_same_tree, files_under, noise, stderr, tree_bytes};

const MARKER: &[u8] = b"MARKER-plaintext-must-never-reach-the-home";

fn sample_folder(env: &Env) -> std::path::PathBuf {
    let root = env.path("diary-folder");
    fs::create_dir_all(root.join("2025/november")).unwrap();
    fs::write(
        root.join("secret-diary-name.txt"),
        [MARKER, b" first entry\n"].concat(),
    )
    .unwrap();
    fs::write(
        root.join("2025/november/heart-rate.csv"),
        b"t,bpm\n0,61\n1,64\n",
    )
    .unwrap();
    fs::write(root.join("2025/big-recording.bin"), noise(1_500_000, 7)).unwrap();
    fs::write(root.join("2025/empty.txt"), b"").unwrap();
    root
}

#[test]
fn add_then_export_gives_back_identical_files_and_the_home_holds_no_plaintext() {
    let env = Env::new();
    let id = env.init();
    assert_eq!(id.len(), 64);
    let folder = sample_folder(&env);
    env.ok(&[
        "data",
        "add",
        folder.to_str().unwrap(),
        "--dataset",
        "diary",
        "--category",
        "writing",
    ]);

    let listing = env.ls_json(Some("diary"));
    let entries = listing["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    let big = entries
        .iter()
        .find(|e| e["name"] == "diary-folder/2025/big-recording.bin")
        .unwrap();
    assert_eq!(big["size"], 1_500_000);
    assert_eq!(listing["datasets"][0]["category"], "writing");
    assert_eq!(listing["datasets"][0]["items"], 4);

    let out = env.path("out");
    env.ok(&[
        "data",
        "export",
        "--dataset",
        "diary",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_same_tree(&folder, &out.join("diary-folder"));

    for file in files_under(&env.home) {
        let bytes = fs::read(&file).unwrap();
        for needle in [
            MARKER,
            b"secret-diary-name",
            b"heart-rate",
            b"big-recording",
            b"diary",
            b"t,bpm",
        ] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} contains {:?}",
                file.display(),
                String::from_utf8_lossy(needle)
            );
        }
        let name = file.to_string_lossy();
        assert!(!name.contains("diary") && !name.contains("heart"), "{name}");
    }
}

#[test]
fn exporting_twice_into_the_same_folder_refuses_to_overwrite() {
    let env = Env::new();
    env.init();
    let folder = sample_folder(&env);
    env.ok(&[
        "data",
        "add",
        folder.to_str().unwrap(),
        "--dataset",
        "diary",
        "--category",
        "writing",
    ]);
    let out = env.path("out");
    env.ok(&[
        "data",
        "export",
        "--dataset",
        "diary",
        "--out",
        out.to_str().unwrap(),
    ]);
    let again = env.run(&[
        "data",
        "export",
        "--dataset",
        "diary",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("already exists"));
    assert_same_tree(&folder, &out.join("diary-folder"));
}

#[test]
fn whoami_json_is_one_document_on_stdout() {
    let env = Env::new();
    let id = env.init();
    let me: serde_json::Value = serde_json::from_str(&env.ok(&["whoami", "--json"])).unwrap();
    assert_eq!(me["id"], id);
    assert_eq!(me["name"], "Ada");
    assert_eq!(me["x25519_public"].as_str().unwrap().len(), 64);
}

#[test]
fn a_wrong_passphrase_exits_3_and_touches_nothing() {
    let env = Env::new();
    env.init();
    let keystore = fs::read(env.home.join("keystore.age")).unwrap();
    let out = env
        .cmd()
        .env("DATACOOP_PASSPHRASE", "not it")
        .args(["data", "ls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(env.home.join("keystore.age")).unwrap(), keystore);
}

#[test]
fn the_passphrase_can_come_from_a_file() {
    let env = Env::new();
    env.init();
    let file = env.path("pass.txt");
    fs::write(&file, format!("{}\n", common::PASSPHRASE)).unwrap();
    let out = common::bare_cmd()
        .env("DATACOOP_HOME", &env.home)
        .args(["--passphrase-file", file.to_str().unwrap(), "whoami"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn no_passphrase_source_and_no_terminal_exits_2() {
    let env = Env::new();
    env.init();
    let out = common::bare_cmd()
        .env("DATACOOP_HOME", &env.home)
        .arg("whoami")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("DATACOOP_PASSPHRASE"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_uninitialised_home_exits_2_and_a_second_init_is_refused() {
    let env = Env::new();
    let out = env.run(&["whoami"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("datacoop init"), "{}", stderr(&out));

    let id = env.init();
    let keystore = fs::read(env.home.join("keystore.age")).unwrap();
    let again = env.run(&["init", "--name", "Eve"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already holds"),
        "{}",
        stderr(&again)
    );
    assert_eq!(fs::read(env.home.join("keystore.age")).unwrap(), keystore);
    assert!(env.ok(&["whoami"]).contains(&id));
}

#[test]
fn a_truncated_keystore_is_reported_as_damaged() {
    let env = Env::new();
    env.init();
    let path = env.home.join("keystore.age");
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let out = env.run(&["whoami"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    assert!(stderr(&out).contains("recovery kit"), "{}", stderr(&out));
}

#[test]
fn bad_usage_exits_2() {
    let env = Env::new();
    env.init();
    for args in [
        &[
            "data",
            "add",
            "/nonexistent-path-xyz",
            "--dataset",
            "d",
            "--category",
            "fitness",
        ][..],
        &["data", "ls", "--dataset", "missing"],
        &["data", "ls", "--dataset", "../evil"],
        &["data", "recipient", "--dataset", "nope"],
        &["data", "frobnicate"],
        &["init"],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
}

#[test]
fn two_files_that_would_share_a_name_are_refused_before_anything_is_stored() {
    let env = Env::new();
    env.init();
    for dir in ["a", "b"] {
        fs::create_dir_all(env.path(dir)).unwrap();
        fs::write(env.path(dir).join("x.csv"), dir).unwrap();
    }
    let a = env.path("a").join("x.csv");
    let b = env.path("b").join("x.csv");
    let out = env.run(&[
        "data",
        "add",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--dataset",
        "d",
        "--category",
        "fitness",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("x.csv"), "{}", stderr(&out));
    let listing = env.ls_json(None);
    assert!(listing["datasets"].as_array().unwrap().is_empty());
}

#[test]
fn init_refuses_a_home_whose_keystore_is_lost_but_whose_data_remains() {
    let env = Env::new();
    env.init();
    let file = env.path("a.csv");
    fs::write(&file, b"1").unwrap();
    env.ok(&[
        "data",
        "add",
        file.to_str().unwrap(),
        "--dataset",
        "d",
        "--category",
        "fitness",
    ]);
    fs::remove_file(env.home.join("keystore.age")).unwrap();
    let out = env.run(&["init", "--name", "Again"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("recovery restore"),
        "{}",
        stderr(&out)
    );
    assert!(!env.home.join("keystore.age").exists());
}

#[test]
fn categories_are_required_for_new_datasets_and_fixed_afterwards() {
    let env = Env::new();
    env.init();
    let file = env.path("a.csv");
    fs::write(&file, b"1").unwrap();
    let f = file.to_str().unwrap();
    let out = env.run(&["data", "add", f, "--dataset", "runs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--category"), "{}", stderr(&out));
    let out = env.run(&[
        "data",
        "add",
        f,
        "--dataset",
        "runs",
        "--category",
        "Not A Slug",
    ]);
    assert_eq!(out.status.code(), Some(2));
    env.ok(&[
        "data",
        "add",
        f,
        "--dataset",
        "runs",
        "--category",
        "fitness",
    ]);
    env.ok(&["data", "add", f, "--dataset", "runs"]);
    let out = env.run(&["data", "add", f, "--dataset", "runs", "--category", "sleep"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot change"), "{}", stderr(&out));
    let listing = env.ls_json(Some("runs"));
    assert_eq!(
        listing["entries"].as_array().unwrap().len(),
        1,
        "re-adding replaces"
    );

    // A rename takes its files along; a name in use, or no such dataset, is refused.
    env.ok(&[
        "data",
        "add",
        f,
        "--dataset",
        "sleep",
        "--category",
        "sleep",
    ]);
    let taken = env.run(&["data", "rename", "--dataset", "runs", "--to", "sleep"]);
    assert_eq!(taken.status.code(), Some(2));
    assert!(
        stderr(&taken).contains("already a dataset named \"sleep\""),
        "{}",
        stderr(&taken)
    );
    let missing = env.run(&["data", "rename", "--dataset", "nope", "--to", "x"]);
    assert_eq!(missing.status.code(), Some(2));
    let out = env.run(&["data", "rename", "--dataset", "runs", "--to", "jogging"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Renamed dataset runs to jogging"));
    assert_eq!(
        env.ls_json(Some("jogging"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let names: Vec<String> = env.ls_json(None)["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["jogging", "sleep"]);
}

#[test]
fn recovery_kit_restores_the_identity_elsewhere_and_after_a_lost_passphrase() {
    let env = Env::new();
    let id = env.init();
    let file = env.path("a.csv");
    fs::write(&file, b"kept").unwrap();
    env.ok(&[
        "data",
        "add",
        file.to_str().unwrap(),
        "--dataset",
        "runs",
        "--category",
        "fitness",
    ]);
    let kit = env.path("kit.txt");
    let phrase = env.path("phrase.txt");
    env.ok(&[
        "recovery",
        "export",
        "--out",
        kit.to_str().unwrap(),
        "--phrase-out",
        phrase.to_str().unwrap(),
    ]);
    let words = fs::read_to_string(&phrase).unwrap();
    assert_eq!(words.split_whitespace().count(), 24);
    let kit_text = fs::read_to_string(&kit).unwrap();
    assert!(kit_text.starts_with("datacoop recovery kit v1"));
    assert!(!kit_text.contains("Ada"));

    // On a new computer.
    let elsewhere = Env::new();
    let out = elsewhere
        .cmd()
        .env("DATACOOP_PASSPHRASE", "a new passphrase")
        .env("DATACOOP_RECOVERY_PHRASE", words.trim())
        .args(["recovery", "restore", kit.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let me = elsewhere
        .cmd()
        .env("DATACOOP_PASSPHRASE", "a new passphrase")
        .args(["whoami", "--json"])
        .output()
        .unwrap();
    let me: serde_json::Value = serde_json::from_slice(&me.stdout).unwrap();
    assert_eq!(me["id"], id);

    // A wrong phrase, and words that are not a phrase: exit 3, nothing written.
    let wrong = Env::new();
    let other_words = "abandon ".repeat(23) + "art";
    let out = wrong
        .cmd()
        .env("DATACOOP_RECOVERY_PHRASE", other_words)
        .args(["recovery", "restore", kit.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!wrong.home.join("keystore.age").exists());
    let out = wrong
        .cmd()
        .env(
            "DATACOOP_RECOVERY_PHRASE",
            "these are not twenty four words",
        )
        .args(["recovery", "restore", kit.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // The passphrase of the original home is lost: restore in place keeps the vault.
    let phrase_file = phrase.to_str().unwrap();
    let out = env
        .cmd()
        .env("DATACOOP_PASSPHRASE", "remembered this time")
        .args([
            "recovery",
            "restore",
            kit.to_str().unwrap(),
            "--phrase-file",
            phrase_file,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = env.path("out");
    let out = env
        .cmd()
        .env("DATACOOP_PASSPHRASE", "remembered this time")
        .args([
            "data",
            "export",
            "--dataset",
            "runs",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(out_dir.join("a.csv")).unwrap(), b"kept");

    // A kit never restores over another identity's home.
    let stranger = Env::new();
    stranger.init();
    let out = stranger
        .cmd()
        .env("DATACOOP_RECOVERY_PHRASE", words.trim())
        .args(["recovery", "restore", kit.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

fn go_age() -> Command {
    let path = ["/usr/bin/age", "/usr/local/bin/age"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("the Go `age` CLI (Debian package `age`) is needed: scripts/setup.sh installs it");
    Command::new(path)
}

#[test]
fn stock_age_decrypts_our_export_and_we_import_what_it_encrypts() {
    let env = Env::new();
    env.init();
    let folder = sample_folder(&env);
    env.ok(&[
        "data",
        "add",
        folder.to_str().unwrap(),
        "--dataset",
        "diary",
        "--category",
        "writing",
    ]);
    let out = env.path("age-out");
    env.ok(&[
        "data",
        "export",
        "--dataset",
        "diary",
        "--out",
        out.to_str().unwrap(),
        "--age",
    ]);
    let keys = out.join("epoch-keys.txt");
    let sealed = out.join("diary-folder/2025/big-recording.bin.age");
    let plain = env.path("decrypted.bin");
    let status = go_age()
        .args([
            "-d",
            "-i",
            keys.to_str().unwrap(),
            "-o",
            plain.to_str().unwrap(),
            sealed.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(fs::read(&plain).unwrap(), noise(1_500_000, 7));
    // The stored ciphertext (exported byte for byte) names one recipient, an X25519 one
    // the epoch key opens, besides age's own random "grease" stanzas: the dataset's
    // recipient and nobody else.
    let bytes = fs::read(&sealed).unwrap();
    let header_end = bytes.windows(4).position(|w| w == b"\n---").unwrap();
    let header = String::from_utf8_lossy(&bytes[..header_end]).into_owned();
    let stanzas: Vec<&str> = header
        .lines()
        .filter(|l| l.starts_with("-> "))
        .filter(|l| !l.split(' ').nth(1).unwrap_or("").ends_with("-grease"))
        .collect();
    assert_eq!(stanzas.len(), 1, "{header}");
    assert!(stanzas[0].starts_with("-> X25519 "), "{header}");

    // The other way: Go age encrypts to the dataset's recipient, we import and export it.
    let recipient = env.ok(&["data", "recipient", "--dataset", "diary"]);
    assert!(recipient.trim().starts_with("age1"));
    let original = env.path("notes.txt");
    fs::write(&original, noise(200_000, 9)).unwrap();
    let encrypted = env.path("notes.txt.age");
    let status = go_age()
        .args([
            "-r",
            recipient.trim(),
            "-o",
            encrypted.to_str().unwrap(),
            original.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    env.ok(&[
        "data",
        "add",
        "--age",
        encrypted.to_str().unwrap(),
        "--dataset",
        "diary",
    ]);
    let back = env.path("back");
    env.ok(&[
        "data",
        "export",
        "--dataset",
        "diary",
        "--out",
        back.to_str().unwrap(),
    ]);
    assert_eq!(fs::read(back.join("notes.txt")).unwrap(), noise(200_000, 9));

    // A file encrypted to someone else is refused, and nothing is added.
    let other_key = env.path("other.key");
    assert!(
        Command::new("age-keygen")
            .args(["-o", other_key.to_str().unwrap()])
            .output()
            .unwrap()
            .status
            .success()
    );
    let other_recipient = String::from_utf8(
        Command::new("age-keygen")
            .args(["-y", other_key.to_str().unwrap()])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let stranger = env.path("stranger.age");
    let status = go_age()
        .args([
            "-r",
            other_recipient.trim(),
            "-o",
            stranger.to_str().unwrap(),
            original.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let before = env.ls_json(Some("diary"))["entries"]
        .as_array()
        .unwrap()
        .len();
    let out = env.run(&[
        "data",
        "add",
        "--age",
        stranger.to_str().unwrap(),
        "--dataset",
        "diary",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("stranger.age"), "{}", stderr(&out));
    assert_eq!(
        env.ls_json(Some("diary"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        before
    );

    // Encrypted to the dataset *and* to someone else: the dataset's key opens it, but
    // the other recipient could read it wherever it is stored. Refused, nothing added.
    let shared = env.path("shared.age");
    let status = go_age()
        .args([
            "-r",
            recipient.trim(),
            "-r",
            other_recipient.trim(),
            "-o",
            shared.to_str().unwrap(),
            original.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let out = env.run(&[
        "data",
        "add",
        "--age",
        shared.to_str().unwrap(),
        "--dataset",
        "diary",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 recipient stanzas"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        env.ls_json(Some("diary"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        before
    );
}

/// The kit and its phrase never land on an existing file, nor on each other.
#[test]
fn recovery_export_never_replaces_a_file_and_keeps_kit_and_phrase_apart() {
    let env = Env::new();
    env.init();
    let kit = env.path("kit.txt");
    let same = env.run(&[
        "recovery",
        "export",
        "--out",
        kit.to_str().unwrap(),
        "--phrase-out",
        kit.to_str().unwrap(),
    ]);
    assert_eq!(same.status.code(), Some(2), "{}", stderr(&same));
    assert!(
        stderr(&same).contains("different files"),
        "{}",
        stderr(&same)
    );
    assert!(!kit.exists(), "nothing is written when the paths collide");

    fs::write(&kit, b"my notes").unwrap();
    let over = env.run(&["recovery", "export", "--out", kit.to_str().unwrap()]);
    assert_eq!(over.status.code(), Some(2), "{}", stderr(&over));
    assert!(
        stderr(&over).contains("already exists"),
        "{}",
        stderr(&over)
    );
    assert_eq!(fs::read(&kit).unwrap(), b"my notes");
    // Nothing is left beside it either.
    let names: Vec<_> = fs::read_dir(env.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

/// Replacing an earlier kit is possible when asked; a kit whose phrase could not be
/// written does not stay behind (nobody could open it), and a kit written where the
/// person is, by a bare file name, works.
#[test]
fn recovery_export_replaces_only_when_asked_and_never_keeps_a_kit_without_its_phrase() {
    let env = Env::new();
    env.init();
    let kit = env.path("kit.txt");
    fs::write(&kit, b"an earlier kit").unwrap();
    let phrase = env.path("phrase.txt");
    env.ok(&[
        "recovery",
        "export",
        "--out",
        kit.to_str().unwrap(),
        "--phrase-out",
        phrase.to_str().unwrap(),
        "--replace",
    ]);
    assert!(
        fs::read_to_string(&kit)
            .unwrap()
            .starts_with("datacoop recovery kit v1")
    );
    assert_eq!(
        fs::read_to_string(&phrase)
            .unwrap()
            .split_whitespace()
            .count(),
        24
    );

    let fresh = env.path("fresh-kit.txt");
    let nowhere = env.path("no-such-folder/phrase.txt");
    let out = env.run(&[
        "recovery",
        "export",
        "--out",
        fresh.to_str().unwrap(),
        "--phrase-out",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("was removed again"),
        "{}",
        stderr(&out)
    );
    assert!(!fresh.exists());

    // The README's own command: a bare name, relative to where the person is.
    let out = env
        .cmd()
        .current_dir(env.path(""))
        .args(["recovery", "export", "--out", "datacoop-recovery-kit.txt"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Your recovery phrase"),
        "{}",
        stderr(&out)
    );
    assert!(env.path("datacoop-recovery-kit.txt").exists());
}

/// A new passphrase seals the same keys: the old one stops opening the home, the new one
/// opens it, a wrong current one changes nothing, and a short new one is refused wherever
/// it comes from (the environment here, not only a prompt).
#[test]
fn passphrase_change_reseals_the_same_identity() {
    let env = Env::new();
    let id = env.init();
    let new = "a brand new passphrase";
    let wrong = env
        .cmd()
        .env("DATACOOP_PASSPHRASE", "not the passphrase")
        .env("DATACOOP_NEW_PASSPHRASE", new)
        .args(["passphrase", "change"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    let short = env
        .cmd()
        .env("DATACOOP_NEW_PASSPHRASE", "short")
        .args(["passphrase", "change"])
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2), "{}", stderr(&short));
    assert!(stderr(&short).contains("at least 8"), "{}", stderr(&short));
    env.ok(&["whoami"]);

    let changed = env
        .cmd()
        .env("DATACOOP_NEW_PASSPHRASE", new)
        .args(["passphrase", "change"])
        .output()
        .unwrap();
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert!(
        stderr(&changed).contains("new passphrase"),
        "{}",
        stderr(&changed)
    );
    let old = env.run(&["whoami"]);
    assert_eq!(old.status.code(), Some(3), "{}", stderr(&old));
    let me = env
        .cmd()
        .env("DATACOOP_PASSPHRASE", new)
        .args(["whoami"])
        .output()
        .unwrap();
    assert!(me.status.success(), "{}", stderr(&me));
    assert!(String::from_utf8_lossy(&me.stdout).contains(&id), "{id}");
}

/// A new identity's passphrase needs 8 characters from the environment too; a consent
/// allowing 0 days is refused rather than recorded.
#[test]
fn short_passphrases_and_zero_day_consents_are_refused() {
    let env = Env::new();
    let out = env
        .cmd()
        .env("DATACOOP_PASSPHRASE", "p2")
        .args(["init", "--name", "Ada"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("at least 8"), "{}", stderr(&out));
    assert!(!env.home.join("keystore.age").exists());
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
    let out = env.run(&[
        "consent",
        "set",
        "--dataset",
        "runs",
        "--allow",
        "ModelTraining",
        "--max-days",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("at least 1 day"), "{}", stderr(&out));
    let shown = env.ok(&["consent", "show", "--json"]);
    assert!(!shown.contains("ModelTraining"), "{shown}");
    // Tables say what their columns are; the cooperative says who you are in it.
    env.ok(&[
        "consent",
        "set",
        "--dataset",
        "runs",
        "--allow",
        "ModelTraining",
    ]);
    let table = env.ok(&["consent", "show"]);
    assert!(table.starts_with("DATASET"), "{table}");
    assert!(
        table.contains("ask"),
        "asking first is the default: {table}"
    );
    let coop = env.ok(&["coop", "show"]);
    assert!(coop.contains("you:         steward"), "{coop}");
}

/// A failed `init` or `restore` into a new folder leaves no folder behind (it used to
/// leave one holding only `owner.lock`, which then looked like a home).
#[test]
fn a_failed_init_or_restore_leaves_no_folder() {
    let env = Env::new();
    let out = env.run(&["init", "--name", "   "]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        !env.home.exists(),
        "{:?}",
        fs::read_dir(&env.home).map(|d| d.count())
    );

    let source = Env::new();
    source.init();
    let kit = source.path("kit.txt");
    source.ok(&[
        "recovery",
        "export",
        "--out",
        kit.to_str().unwrap(),
        "--phrase-out",
        source.path("p.txt").to_str().unwrap(),
    ]);
    let elsewhere = Env::new();
    let wrong = "abandon ".repeat(23) + "art";
    let out = elsewhere
        .cmd()
        .env("DATACOOP_RECOVERY_PHRASE", wrong)
        .args(["recovery", "restore", kit.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!elsewhere.home.exists());
}

/// Listing and reading records never open the blob store: its files (`blobs.db`, the
/// ciphertext) are byte for byte what they were, so a copy of a home can be read without
/// being rewritten.
#[test]
fn read_only_commands_leave_the_blob_store_untouched() {
    let env = Env::new();
    env.init();
    let file = env.path("a.csv");
    fs::write(&file, noise(300_000, 3)).unwrap();
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
    let blobs = env.home.join("vault/blobs");
    let snapshot = || tree_bytes(&blobs);
    let before = snapshot();
    assert!(
        before.iter().any(|(p, _)| p.ends_with("blobs.db")),
        "{before:?}"
    );
    for args in [
        &["data", "ls"][..],
        &["data", "ls", "--dataset", "runs", "--json"],
        &["whoami"],
        &["consent", "show"],
        &["coop", "show"],
        &["log", "show"],
        &["log", "verify"],
    ] {
        env.ok(args);
        assert!(
            snapshot() == before,
            "`datacoop {}` changed the blob store",
            args.join(" ")
        );
    }
}

/// A home that cannot be written (someone else's copy, a read-only disk) still shows what
/// it holds, from a private copy of its records; a change is refused, saying why, and
/// nothing in the home changes. Root ignores file modes, so as root the commands run as
/// `nobody` (through `setpriv`) on a home owned by root; otherwise the home is made
/// read-only with `chmod`.
#[test]
fn a_read_only_home_can_be_listed_but_not_changed() {
    let env = Env::new();
    env.init();
    let file = env.path("a.csv");
    fs::write(&file, b"km,min\n5,27\n").unwrap();
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
        "ModelTraining",
    ]);

    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout)
        .unwrap()
        .trim()
        == "0";
    let shared = tempfile::Builder::new().tempdir_in("/tmp").unwrap();
    let sh = |script: &str| {
        let status = Command::new("sh").arg("-c").arg(script).status().unwrap();
        assert!(status.success(), "{script}");
    };
    let (dir, home, bin) = (
        shared.path().display().to_string(),
        shared.path().join("home"),
        shared.path().join("datacoop"),
    );
    sh(&format!(
        "chmod 755 '{dir}' && cp -a '{}' '{}' && cp '{}' '{}' && chmod 755 '{}' \
         && chmod -R a+rX,a-w '{}'",
        env.home.display(),
        home.display(),
        env!("CARGO_BIN_EXE_datacoop"),
        bin.display(),
        bin.display(),
        home.display()
    ));
    let run = |args: &[&str]| {
        let mut cmd = if root {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin);
            cmd
        } else {
            Command::new(&bin)
        };
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("TMPDIR", "/tmp")
            .env("DATACOOP_PASSPHRASE", common::PASSPHRASE)
            .env("DATACOOP_INSECURE_KDF_LOG_N", "10")
            .arg("--home")
            .arg(&home)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let snapshot = || tree_bytes(&home);
    let before = snapshot();

    let listed = run(&["data", "ls", "--json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(
        stderr(&listed).contains("is read-only; showing what it holds"),
        "{}",
        stderr(&listed)
    );
    let listing: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listing["datasets"][0]["name"], "runs");
    let consents = run(&["consent", "show"]);
    assert!(consents.status.success(), "{}", stderr(&consents));
    assert!(String::from_utf8_lossy(&consents.stdout).contains("runs"));
    let verified = run(&["log", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));

    let added = run(&["data", "add", "/etc/hostname", "--dataset", "runs"]);
    assert_eq!(added.status.code(), Some(2), "{}", stderr(&added));
    assert!(
        stderr(&added).contains("is read-only"),
        "{}",
        stderr(&added)
    );
    assert!(
        stderr(&added).contains("copy the folder"),
        "{}",
        stderr(&added)
    );
    let exported = run(&["data", "export", "--dataset", "runs", "--out", "/tmp/x"]);
    assert_eq!(exported.status.code(), Some(2), "{}", stderr(&exported));

    assert!(snapshot() == before, "the read-only home changed");
    // Made writable for the temporary folder's own cleanup.
    sh(&format!("chmod -R u+w '{}'", home.display()));
}
