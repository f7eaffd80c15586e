//! Helpers shared by the command-line scenario tests: a throwaway home and a command
//! builder that never inherits the developer's own datacoop settings.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// `datacoop` with a clean environment: cheap scrypt (tests only) and no inherited home.
pub fn bare_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_datacoop"));
    cmd.env_remove("DATACOOP_HOME")
        .env_remove("DATACOOP_PASSPHRASE")
        .env_remove("DATACOOP_RECOVERY_PHRASE")
        .env("DATACOOP_INSECURE_KDF_LOG_N", "10")
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
