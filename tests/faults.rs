//! Faults: tampered ciphertext, `kill -9` mid-import, a full disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Env, files_under, noise, stderr};

#[test]
fn a_flipped_byte_in_a_stored_blob_fails_export_naming_the_file() {
    let env = Env::new();
    env.init();
    let file = env.path("precious.bin");
    fs::write(&file, noise(2_000_000, 11)).unwrap();
    env.ok(&[
        "data",
        "add",
        file.to_str().unwrap(),
        "--dataset",
        "d",
        "--category",
        "fitness",
    ]);
    let blob = files_under(&env.home.join("vault/blobs"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "data"))
        .expect("a blob data file");
    let mut bytes = fs::read(&blob).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(&blob, bytes).unwrap();

    let out_dir = env.path("out");
    let out = env.run(&[
        "data",
        "export",
        "--dataset",
        "d",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("precious.bin") && message.contains("integrity"),
        "{message}"
    );
    assert!(
        files_under(&out_dir).is_empty(),
        "no partial plaintext is left behind"
    );
}

#[test]
fn kill_9_during_import_never_leaves_anything_half_visible() {
    let env = Env::new();
    env.init();
    let kept = env.path("kept.bin");
    fs::write(&kept, noise(100_000, 1)).unwrap();
    env.ok(&[
        "data",
        "add",
        kept.to_str().unwrap(),
        "--dataset",
        "d",
        "--category",
        "fitness",
    ]);
    let big = env.path("big.bin");
    fs::write(&big, noise(128 << 20, 2)).unwrap();
    let folder = env.path("folder");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..6 {
        fs::write(folder.join(format!("part{i}.bin")), noise(8 << 20, 10 + i)).unwrap();
    }

    let mut killed_mid_import = 0;
    for round in 0..12u64 {
        let target = if round % 2 == 0 { &big } else { &folder };
        let mut child = env
            .cmd()
            .args(["data", "add", target.to_str().unwrap(), "--dataset", "d"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + (round * 41) % 300));
        let _ = Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        {
            use std::os::unix::process::ExitStatusExt;
            if status.signal() == Some(9) {
                killed_mid_import += 1;
            }
        }

        // The next start opens cleanly and everything listed exports intact.
        let listing = env.ls_json(Some("d"));
        let names: Vec<String> = listing["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            names.contains(&"kept.bin".to_owned()),
            "round {round}: {names:?}"
        );
        let out_dir = env.path(&format!("out{round}"));
        env.ok(&[
            "data",
            "export",
            "--dataset",
            "d",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_eq!(
            fs::read(out_dir.join("kept.bin")).unwrap(),
            noise(100_000, 1)
        );
        if names.contains(&"big.bin".to_owned()) {
            assert_eq!(
                fs::read(out_dir.join("big.bin")).unwrap(),
                noise(128 << 20, 2)
            );
        }
        for i in 0..6 {
            let name = format!("folder/part{i}.bin");
            if names.contains(&name) {
                assert_eq!(
                    fs::read(out_dir.join(&name)).unwrap(),
                    noise(8 << 20, 10 + i)
                );
            }
        }
        fs::remove_dir_all(&out_dir).unwrap();
    }
    assert!(
        killed_mid_import >= 4,
        "only {killed_mid_import} of 12 imports were interrupted"
    );
}

/// A small tmpfs, unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: std::path::PathBuf, size: &str) -> Tmpfs {
        fs::create_dir_all(&at).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                at.to_str().unwrap(),
            ])
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "mounting a tmpfs needs root (as on CI): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(at)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_during_import_is_a_clear_error_and_the_vault_stays_consistent() {
    let scratch = Env::new();
    let mount = Tmpfs::mount(scratch.path("small-disk"), "12m");
    let env = Env::at(mount.0.join("home"));
    env.init();
    let small = scratch.path("small.bin");
    fs::write(&small, noise(1 << 20, 5)).unwrap();
    env.ok(&[
        "data",
        "add",
        small.to_str().unwrap(),
        "--dataset",
        "d",
        "--category",
        "fitness",
    ]);

    let huge = scratch.path("huge.bin");
    fs::write(&huge, noise(32 << 20, 6)).unwrap();
    let out = env.run(&["data", "add", huge.to_str().unwrap(), "--dataset", "d"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("disk is full"), "{}", stderr(&out));

    let listing = env.ls_json(Some("d"));
    let entries = listing["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let out_dir = scratch.path("out");
    env.ok(&[
        "data",
        "export",
        "--dataset",
        "d",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        fs::read(out_dir.join("small.bin")).unwrap(),
        noise(1 << 20, 5)
    );
}
