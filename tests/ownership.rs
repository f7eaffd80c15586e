//! One owner per home, with real processes: `datacoop serve` owns a home and other
//! commands reach it through its control socket; a second owner is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, Server, noise, stderr};

#[test]
fn commands_go_through_the_serving_owner_and_a_second_owner_is_refused() {
    let env = Env::new();
    let id = env.init();
    let server = Server::start(&env);

    // No passphrase needed: the owner has the home unlocked.
    let file = env.path("steps.csv");
    fs::write(&file, noise(300_000, 3)).unwrap();
    let no_pass = || {
        let mut cmd = common::bare_cmd();
        cmd.env("DATACOOP_HOME", &env.home);
        cmd
    };
    let out = no_pass()
        .args([
            "data",
            "add",
            file.to_str().unwrap(),
            "--dataset",
            "steps",
            "--category",
            "fitness",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let me = no_pass().args(["whoami", "--json"]).output().unwrap();
    assert!(String::from_utf8_lossy(&me.stdout).contains(&id));
    let out_dir = env.path("out");
    let out = no_pass()
        .args([
            "data",
            "export",
            "--dataset",
            "steps",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fs::read(out_dir.join("steps.csv")).unwrap(),
        noise(300_000, 3)
    );

    // Errors travel back with their exit codes.
    let out = no_pass()
        .args(["data", "ls", "--dataset", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // A second owner names the first and exits 4.
    let second = env.cmd().arg("serve").output().unwrap();
    assert_eq!(second.status.code(), Some(4), "{}", stderr(&second));
    let message = stderr(&second);
    assert!(
        message.contains("datacoop serve") && message.contains(&server.pid().to_string()),
        "{message}"
    );

    // The socket is the owner's alone.
    let socket = env.home.join("control.sock");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let home_mode = fs::metadata(&env.home).unwrap().permissions().mode() & 0o777;
        assert_eq!(home_mode, 0o700);
    }

    server.stop();
    assert!(!socket.exists());
    // With the owner gone, the command opens the home itself again.
    let listing = env.ls_json(Some("steps"));
    assert_eq!(listing["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn a_recovery_kit_through_serve_needs_the_passphrase() {
    let env = Env::new();
    let id = env.init();
    let _server = Server::start(&env);
    let kit = env.path("kit.txt");
    let export = |passphrase: Option<&str>| {
        let mut cmd = common::bare_cmd();
        cmd.env("DATACOOP_HOME", &env.home)
            .args(["recovery", "export", "--out", kit.to_str().unwrap()])
            .stdin(std::process::Stdio::null());
        if let Some(p) = passphrase {
            cmd.env("DATACOOP_PASSPHRASE", p);
        }
        cmd.output().unwrap()
    };

    // Other commands need no passphrase through serve; a copy of the keys does.
    let wrong = export(Some("not the passphrase"));
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains("wrong passphrase"),
        "{}",
        stderr(&wrong)
    );
    assert!(!kit.exists(), "no kit for a wrong passphrase");

    let right = export(Some(common::PASSPHRASE));
    assert!(right.status.success(), "{}", stderr(&right));
    assert!(fs::read_to_string(&kit).unwrap().contains(&id));
}

#[test]
fn an_owner_that_does_not_answer_gives_exit_4() {
    let env = Env::new();
    env.init();
    // This test process holds the lock and claims to serve, but has no socket.
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(env.home.join("owner.lock"))
        .unwrap();
    lock.lock().unwrap();
    let owner = format!("{{\"pid\":{},\"kind\":\"serve\"}}", std::process::id());
    fs::write(env.home.join("owner.json"), owner).unwrap();
    let out = env.run(&["whoami"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains("does not answer"), "{message}");
    assert!(
        message.contains(&std::process::id().to_string()),
        "{message}"
    );
    lock.unlock().unwrap();
}

#[test]
fn concurrent_adds_into_a_new_dataset_through_serve_stay_decryptable() {
    let env = Env::new();
    env.init();
    let server = Server::start(&env);
    let mut children = Vec::new();
    for i in 0..4u64 {
        let file = env.path(&format!("c{i}.bin"));
        fs::write(&file, noise(2 << 20, 100 + i)).unwrap();
        let mut cmd = common::bare_cmd();
        cmd.env("DATACOOP_HOME", &env.home)
            .args([
                "data",
                "add",
                file.to_str().unwrap(),
                "--dataset",
                "fresh",
                "--category",
                "sleep",
            ])
            .stderr(Stdio::piped());
        children.push(cmd.spawn().unwrap());
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out_dir = env.path("out");
    let mut cmd = common::bare_cmd();
    let out = cmd
        .env("DATACOOP_HOME", &env.home)
        .args([
            "data",
            "export",
            "--dataset",
            "fresh",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for i in 0..4u64 {
        assert_eq!(
            fs::read(out_dir.join(format!("c{i}.bin"))).unwrap(),
            noise(2 << 20, 100 + i)
        );
    }
    server.stop();
}

#[test]
fn stopping_serve_mid_import_cancels_it_cleanly_and_keeps_the_vault_consistent() {
    let env = Env::new();
    env.init();
    let server = Server::start(&env);
    let big = env.path("big.bin");
    fs::write(&big, noise(192 << 20, 42)).unwrap();
    let mut cmd = common::bare_cmd();
    let client = cmd
        .env("DATACOOP_HOME", &env.home)
        .args([
            "data",
            "add",
            big.to_str().unwrap(),
            "--dataset",
            "d",
            "--category",
            "fitness",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let said = server.stop_saying();
    let out = client.wait_with_output().unwrap();
    let message = stderr(&out);
    assert!(
        out.status.success() || message.contains("cancelled"),
        "{:?}: {message}",
        out.status
    );
    // serve says what it stopped: the add, if it was still running, or nothing.
    assert!(said.contains("stopped"), "{said}");
    if !out.status.success() {
        assert!(
            said.contains("cancelling adding files to \"d\""),
            "serve must say what it cancelled: {said}"
        );
    }
    // The home is free again and consistent: whatever is listed exports intact. Serve may
    // stop before the first file is committed (the cancelled add then leaves no dataset)
    // or after it (the dataset holds the whole file): both are right, so list every
    // dataset rather than asking for `d`, which may rightly not exist.
    let listing = env.ls_json(None);
    let datasets = listing["datasets"].as_array().unwrap();
    assert!(datasets.len() <= 1, "{listing}");
    let committed = match datasets.first() {
        Some(d) => {
            assert_eq!(d["name"], "d", "{listing}");
            env.ls_json(Some("d"))["entries"].as_array().unwrap().len()
        }
        None => 0,
    };
    assert!(committed <= 1);
    if out.status.success() {
        assert_eq!(committed, 1, "a successful add must have recorded its file");
    }
    if committed == 1 {
        let out_dir = env.path("out");
        env.ok(&[
            "data",
            "export",
            "--dataset",
            "d",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_eq!(
            fs::read(out_dir.join("big.bin")).unwrap(),
            noise(192 << 20, 42)
        );
    }
}

#[test]
fn concurrent_one_shot_commands_take_turns() {
    let env = Env::new();
    env.init();
    let mut children = Vec::new();
    for i in 0..4 {
        let file = env.path(&format!("f{i}.bin"));
        fs::write(&file, noise(400_000, i)).unwrap();
        children.push(
            env.cmd()
                .args([
                    "data",
                    "add",
                    file.to_str().unwrap(),
                    "--dataset",
                    "many",
                    "--category",
                    "fitness",
                ])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(
        env.ls_json(Some("many"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn events_json_follows_an_add_made_by_another_command() {
    let env = Env::new();
    env.init();
    let server = Server::start(&env);
    let mut follower = common::bare_cmd()
        .env("DATACOOP_HOME", &env.home)
        .args(["events", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it follows: it says so on stderr once the subscription is in place.
    let mut err_lines = BufReader::new(follower.stderr.take().unwrap()).lines();
    let said = err_lines.next().unwrap().unwrap();
    assert!(said.contains("following events"), "{said}");
    let file = env.path("run.csv");
    fs::write(&file, b"km,minutes\n5,27\n").unwrap();
    env.ok(&[
        "data",
        "add",
        file.to_str().unwrap(),
        "--dataset",
        "runs",
        "--category",
        "fitness",
    ]);
    // One JSON document per line, in the order they happened.
    let mut kinds = Vec::new();
    for line in BufReader::new(follower.stdout.take().unwrap()).lines() {
        let event: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        kinds.push(event["event"].as_str().unwrap().to_owned());
        if event["event"] == "datasets_changed" {
            assert_eq!(event["dataset"], "runs");
        }
        if event["event"] == "job_finished" {
            assert_eq!(event["outcome"]["outcome"], "done");
            assert_eq!(event["kind"]["job"], "adding");
            break;
        }
    }
    assert_eq!(kinds.first().map(String::as_str), Some("job_started"));
    assert!(kinds.contains(&"datasets_changed".to_owned()), "{kinds:?}");
    // The follower ends when the owner stops.
    server.stop();
    let status = follower.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn events_need_a_running_owner() {
    let env = Env::new();
    env.init();
    let out = env.run(&["events"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("only a running datacoop"),
        "{}",
        stderr(&out)
    );
}

/// The README's promise, through a running owner: after adds (plain and `--age`), a
/// cooperative and consent operations made through `serve`, no plaintext, no file name
/// and no dataset name is anywhere under the home.
#[test]
fn through_serve_the_home_holds_no_plaintext_and_no_names() {
    let env = Env::new();
    env.init();
    let server = Server::start(&env);
    let folder = env.path("walrus-folder");
    fs::create_dir_all(folder.join("heartbeat-notes")).unwrap();
    fs::write(
        folder.join("heartbeat-notes/quokka-diary.txt"),
        b"zebra plaintext line one\n",
    )
    .unwrap();
    let name_args = ["--dataset", "privatediary", "--category", "writing"];
    let mut add: Vec<&str> = vec!["data", "add", folder.to_str().unwrap()];
    add.extend(name_args);
    env.ok(&add);
    let recipient = env.ok(&["data", "recipient", "--dataset", "privatediary"]);
    let plain = env.path("narwhal-ageonly.txt");
    fs::write(&plain, b"okapi plaintext via age\n").unwrap();
    let sealed = env.path("narwhal-ageonly.txt.age");
    let age = ["/usr/bin/age", "/usr/local/bin/age"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("the Go `age` CLI (Debian package `age`) is needed: scripts/setup.sh installs it");
    let status = Command::new(age)
        .args(["-r", recipient.trim(), "-o"])
        .arg(&sealed)
        .arg(&plain)
        .status()
        .unwrap();
    assert!(status.success());
    env.ok(&[
        "data",
        "add",
        "--age",
        sealed.to_str().unwrap(),
        "--dataset",
        "privatediary",
    ]);
    env.ok(&["coop", "create", "Runners United"]);
    env.ok(&[
        "consent",
        "set",
        "--dataset",
        "privatediary",
        "--allow",
        "ModelTraining",
    ]);
    env.ok(&["consent", "withdraw", "--dataset", "privatediary"]);
    assert_eq!(
        env.ls_json(Some("privatediary"))["entries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    server.stop();
    let needles: [&[u8]; 8] = [
        b"zebra plaintext",
        b"okapi plaintext",
        b"walrus-folder",
        b"heartbeat-notes",
        b"quokka-diary",
        b"narwhal-ageonly",
        b"privatediary",
        b"text/plain",
    ];
    for file in common::files_under(&env.home) {
        let bytes = fs::read(&file).unwrap();
        for needle in needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} contains {:?}",
                file.display(),
                String::from_utf8_lossy(needle)
            );
        }
        let path = file.to_string_lossy();
        for needle in ["walrus", "heartbeat", "quokka", "narwhal", "privatediary"] {
            assert!(!path.contains(needle), "{path}");
        }
    }
}

/// `serve` killed while it runs a command: the command says which process stopped before
/// answering (exit 4), instead of a protocol error.
#[test]
fn a_command_whose_serve_is_killed_says_so() {
    let env = Env::new();
    env.init();
    let server = Server::start(&env);
    let big = env.path("big.bin");
    fs::write(&big, noise(192 << 20, 7)).unwrap();
    let mut events = common::bare_cmd()
        .env("DATACOOP_HOME", &env.home)
        .args(["events", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let lines = events.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(lines).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Once the follower is in place, start the add and wait until it is running.
    std::thread::sleep(Duration::from_millis(500));
    let client = common::bare_cmd()
        .env("DATACOOP_HOME", &env.home)
        .args([
            "data",
            "add",
            big.to_str().unwrap(),
            "--dataset",
            "d",
            "--category",
            "fitness",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the add never started");
        if line.contains("\"job_started\"") {
            break;
        }
    }
    let pid = server.pid();
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    let out = client.wait_with_output().unwrap();
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{message}");
    assert!(
        message.contains(&format!("(pid {pid}) stopped before answering")),
        "{message}"
    );
    let _ = events.kill();
    let _ = events.wait();
    drop(server);
}
