//! Helpers shared by the command-line scenario tests: a throwaway home and a command
//! builder that never inherits the developer's own datacoop settings.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const PASSPHRASE: &str = "correct horse battery staple";

/// A temporary home (and scratch space) for one test.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        Env { dir, home }
    }

    pub fn at(home: PathBuf) -> Self {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
            home,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `datacoop` with this home and the passphrase in the environment.
    pub fn cmd(&self) -> Command {
        let mut cmd = bare_cmd();
        cmd.env("DATACOOP_HOME", &self.home)
            .env("DATACOOP_PASSPHRASE", PASSPHRASE);
        cmd
    }

    /// Runs `datacoop ARGS` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run datacoop")
    }

    /// Runs `datacoop ARGS`, asserting success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "datacoop {args:?} failed with {:?}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    pub fn init(&self) -> String {
        self.ok(&["init", "--name", "Ada"]).trim().to_owned()
    }

    pub fn ls_json(&self, dataset: Option<&str>) -> serde_json::Value {
        let mut args = vec!["data", "ls", "--json"];
        if let Some(d) = dataset {
            args.extend(["--dataset", d]);
        }
        serde_json::from_str(&self.ok(&args)).expect("json")
    }
}

/// `datacoop` with a clean environment: cheap scrypt (tests only), no inherited home, and
/// the network on loopback only with short intervals.
pub fn bare_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_datacoop"));
    cmd.env_remove("DATACOOP_HOME")
        .env_remove("DATACOOP_PASSPHRASE")
        .env_remove("DATACOOP_RECOVERY_PHRASE")
        .env("DATACOOP_INSECURE_KDF_LOG_N", "10")
        .env("DATACOOP_LISTEN", "127.0.0.1:0")
        .env("DATACOOP_SYNC_INTERVAL", "1s")
        .env("DATACOOP_HEARTBEAT", "2s")
        .stdin(std::process::Stdio::null());
    cmd
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Every regular file under `root`.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Every regular file under `root` with its bytes, sorted: a snapshot to compare.
pub fn tree_bytes(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = files_under(root)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// Asserts two folders hold the same files with the same bytes.
pub fn assert_same_tree(expected: &Path, actual: &Path) {
    let mut want: Vec<_> = files_under(expected)
        .into_iter()
        .map(|p| p.strip_prefix(expected).unwrap().to_owned())
        .collect();
    let mut got: Vec<_> = files_under(actual)
        .into_iter()
        .map(|p| p.strip_prefix(actual).unwrap().to_owned())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(want, got, "file lists differ");
    for rel in want {
        assert!(
            fs::read(expected.join(&rel)).unwrap() == fs::read(actual.join(&rel)).unwrap(),
            "{} differs",
            rel.display()
        );
    }
}

/// A running `datacoop serve` and what it says on stderr.
pub struct Server {
    pub child: Child,
    pub stderr: std::sync::mpsc::Receiver<String>,
}

impl Server {
    pub fn start(env: &Env) -> Server {
        let mut child = env
            .cmd()
            .arg("serve")
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let server = Server { child, stderr: rx };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let line = server
                .stderr
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("serve did not start");
            if line.contains("control socket") {
                return server;
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stop(self) {
        self.stop_saying();
    }

    /// Stops serve with SIGTERM; returns what it said on stderr while stopping.
    pub fn stop_saying(mut self) -> String {
        Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        let said: Vec<String> = self.stderr.try_iter().collect();
        assert!(status.success(), "serve exited with {status:?}: {said:?}");
        said.join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The local addresses of process `pid`'s UDP and TCP sockets as the kernel lists them
/// (`/proc/PID/net/*`, hex), for the sockets among its open files.
pub fn ip_sockets_of(pid: u32) -> Vec<(String, String)> {
    let inodes: std::collections::HashSet<u64> = fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .flatten()
        .filter_map(|fd| fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            target
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect();
    let mut found = Vec::new();
    for table in ["udp", "udp6", "tcp", "tcp6"] {
        let text = fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if inodes.contains(&fields[9].parse().unwrap()) {
                found.push((table.to_owned(), fields[1].to_owned()));
            }
        }
    }
    found
}

/// Whether a `/proc/net` local address (`0100007F:1F90`, or 32 hex digits for IPv6) is
/// a loopback one.
pub fn is_loopback_hex(table: &str, addr: &str) -> bool {
    let ip = addr.split(':').next().unwrap();
    if table.ends_with('6') {
        ip == "00000000000000000000000001000000"
            || (ip.starts_with("0000000000000000FFFF0000") && ip.ends_with("7F"))
    } else {
        ip.ends_with("7F")
    }
}
