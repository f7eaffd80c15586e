//! Replays every fuzz corpus file through its decoder (must not panic; seeds named
//! `valid-*` must decode). `cargo test --test corpus -- --ignored` rewrites the seeds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::PathBuf;

use common::*;
use datacoop_ledger::*;

const TARGETS: [&str; 4] = ["operation", "checkpoint", "cosignature", "proof_bundle"];

fn corpus_dir(target: &str) -> PathBuf {
    // Read at run time: the shared target folder may hold a binary built in another
    // checkout of this repository, whose compile-time path would be stale.
    PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
    )
    .join("fuzz/corpus")
    .join(target)
}

fn decodes(target: &str, data: &[u8]) -> bool {
    match target {
        "operation" => fuzz::operation(data).is_ok(),
        "checkpoint" => fuzz::checkpoint(data).is_ok(),
        "cosignature" => fuzz::cosignature(data).is_ok(),
        _ => fuzz::proof_bundle(data).is_ok(),
    }
}

fn check(target: &str, data: &[u8]) {
    match target {
        "operation" => fuzz::check_operation(data),
        "checkpoint" => fuzz::check_checkpoint(data),
        "cosignature" => fuzz::check_cosignature(data),
        _ => fuzz::check_proof_bundle(data),
    }
}

#[test]
fn replay_fuzz_corpora() {
    for target in TARGETS {
        let mut files = 0;
        let mut valid = 0;
        for entry in fs::read_dir(corpus_dir(target)).unwrap() {
            let path = entry.unwrap().path();
            let data = fs::read(&path).unwrap();
            check(target, &data);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("valid-") {
                assert!(decodes(target, &data), "{target}/{name} no longer decodes");
                valid += 1;
            }
            files += 1;
        }
        assert!(
            valid > 0 && files > valid,
            "{target}: {files} files, {valid} valid seeds"
        );
    }
}

#[test]
#[ignore = "rewrites the committed seed corpora"]
fn write_seed_corpora() {
    let mut coop = Coop::new(MemStore::new());
    let (_, consent) = coop.consent();
    let m = coop.member.clone();
    coop.append(&m, Body::ConsentWithdraw { consent });
    let s0 = coop.stewards[0].clone();
    coop.append(
        &s0,
        Body::Proposal {
            change: Change::SetWitnesses {
                witnesses: vec![[1; 32], [2; 32]],
                quorum: 2,
            },
        },
    );
    let cp = coop.checkpoint_and_cosign(T0 + 50, 3);
    let mut seeds: Vec<(&str, String, Vec<u8>)> = Vec::new();
    for i in 0..coop.log.len() {
        let op = coop.log.operation(i).unwrap();
        let bytes = op.encode();
        seeds.push(("operation", format!("valid-{i}"), bytes.clone()));
        seeds.push((
            "operation",
            format!("truncated-{i}"),
            bytes[..bytes.len() / 2].to_vec(),
        ));
        let pruned = Operation {
            header: op.header.clone(),
            body: None,
        };
        seeds.push(("operation", format!("valid-pruned-{i}"), pruned.encode()));
    }
    let note = cp.render();
    seeds.push((
        "checkpoint",
        "valid-cosigned".into(),
        note.clone().into_bytes(),
    ));
    seeds.push((
        "checkpoint",
        "leading-zero".into(),
        note.replacen("\n", "\n0", 1).into_bytes(),
    ));
    for (i, w) in coop.log.state().witnesses().iter().enumerate() {
        let cosig = cp
            .witness_cosignatures(std::slice::from_ref(w))
            .unwrap()
            .remove(0);
        let mut data = w.to_vec();
        data.extend_from_slice(cosig.to_note_signature().line().as_bytes());
        seeds.push(("cosignature", format!("valid-{i}"), data.clone()));
        let n = data.len();
        data.truncate(n - 3);
        seeds.push(("cosignature", format!("truncated-{i}"), data));
    }
    for i in [0, 3, coop.log.len() - 1] {
        let text = coop.log.proof_bundle(i).unwrap().render();
        seeds.push((
            "proof_bundle",
            format!("valid-{i}"),
            text.clone().into_bytes(),
        ));
        seeds.push((
            "proof_bundle",
            format!("no-blank-{i}"),
            text.replacen("\n\n", "\n", 1).into_bytes(),
        ));
    }
    for target in TARGETS {
        let dir = corpus_dir(target);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
    }
    for (target, name, data) in seeds {
        fs::write(corpus_dir(target).join(name), data).unwrap();
    }
}
