//! One access request over a simulated cooperative of `DATACOOP_BENCH_MEMBERS` members
//! (default 1,000), each with one dataset of 1,000 items in one epoch, all consenting,
//! resolved into grants at library level (no endpoints): the request, k = 2 approvals and
//! the quorum checkpoint fixing the window; then for every member the matching, the
//! capability (HPKE-sealing its epoch key to the request key, bound to the terms) and
//! its signed release; the operator sequencing them all; and a checkpoint cosigned by a
//! quorum of witnesses (2 of 3). One epoch root names all of a member's items, so their
//! number changes the announcement's size field, not the work of resolving.
//!
//! `cargo bench -p datacoop-node --bench resolve`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use datacoop_core::{Purpose, Role};
use datacoop_crypto::{Capability, EpochKey, RequestKey};
use datacoop_ledger::{
    Body, ConsentMode, Genesis, Log, MatchStatus, MemStore, Operation, ReleaseTerms, Witness,
    WitnessOutcome, sha256,
};
use ed25519_consensus::SigningKey;

const T0: u64 = 1_700_000_000;
const ITEMS: u64 = 1_000;

fn key(i: u32) -> SigningKey {
    let mut seed = [0u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    seed[31] = 1;
    SigningKey::from(seed)
}

fn pk(k: &SigningKey) -> [u8; 32] {
    k.verification_key().to_bytes()
}

fn append(log: &mut Log<MemStore>, k: &SigningKey, body: Body) -> datacoop_ledger::OpId {
    let op = log.make_operation(k, body, T0);
    let id = op.id();
    log.append(op).unwrap();
    id
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let members: u32 = std::env::var("DATACOOP_BENCH_MEMBERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let stewards: Vec<SigningKey> = (1..=3).map(|i| key(1_000_000 + i)).collect();
    let operator = stewards[0].clone();
    let genesis =
        Genesis::new("bench", stewards.iter().map(pk).collect(), pk(&operator)).with_threshold(2);
    let mut log = Log::create(
        MemStore::new(),
        Operation::genesis(&stewards[0], genesis, T0).unwrap(),
    )
    .unwrap();
    let mut witnesses: Vec<Witness> = stewards
        .iter()
        .map(|s| Witness::new(s.clone(), log.origin().to_owned(), pk(&operator), None))
        .collect();
    let mut cosign = |log: &mut Log<MemStore>, now: u64| {
        let cp = log.sign_checkpoint(&operator, now).unwrap();
        for w in witnesses.iter_mut().take(2) {
            let old = w.last().map_or(0, |c| c.checkpoint.size);
            let proof = log.consistency_proof(old, cp.checkpoint.size).unwrap();
            match w.cosign(&cp, &proof, now).unwrap() {
                WitnessOutcome::Cosigned(c) => log.add_cosignature(cp.checkpoint.size, &c).unwrap(),
                WitnessOutcome::Evidence(e) => panic!("{e:?}"),
            }
        }
    };

    // The cooperative: every member joined, announced and consenting.
    let setup = Instant::now();
    let trainer = key(2_000_000);
    let people: Vec<(SigningKey, Role)> = (0..members)
        .map(|i| (key(i), Role::Member))
        .chain(std::iter::once((trainer.clone(), Role::Trainer)))
        .collect();
    let mut epoch_keys = Vec::new();
    for (n, (who, role)) in people.iter().enumerate() {
        let secret = sha256(&(n as u64).to_le_bytes());
        let invite = append(
            &mut log,
            &stewards[0],
            Body::Invite {
                secret_hash: sha256(&secret),
                role: *role,
                expires: T0 + 86_400,
            },
        );
        let join = append(
            &mut log,
            who,
            Body::Join {
                invite,
                secret,
                endpoint_key: pk(&key(3_000_000 + n as u32)),
            },
        );
        append(&mut log, &stewards[1], Body::JoinAcceptance { join });
        if *role == Role::Trainer {
            continue;
        }
        let dataset = sha256(&pk(who));
        append(
            &mut log,
            who,
            Body::DatasetAnnounce {
                dataset,
                category: "fitness".parse().unwrap(),
            },
        );
        append(
            &mut log,
            who,
            Body::EpochAnnounce {
                dataset,
                epoch: 0,
                root: sha256(&dataset),
                key_backup: sha256(&sha256(&dataset)),
                size: ITEMS * 100_000,
            },
        );
        let consent = append(
            &mut log,
            who,
            Body::ConsentSet {
                dataset,
                purposes: vec![Purpose::ModelTraining],
                mode: ConsentMode::Always,
                valid_until: None,
                retention_secs: None,
                max_period_secs: None,
                recipients: Vec::new(),
            },
        );
        epoch_keys.push((who.clone(), dataset, consent, EpochKey::generate()));
    }
    cosign(&mut log, T0 + 1);
    let setup = setup.elapsed();

    // The request, resolved into grants.
    let start = Instant::now();
    let request_key = RequestKey::generate().unwrap();
    let request = append(
        &mut log,
        &trainer,
        Body::AccessRequest {
            purpose: Purpose::ModelTraining,
            categories: vec!["fitness".parse().unwrap()],
            period_secs: 30 * 86_400,
            license: "CC-BY-NC-4.0".into(),
            credits: 5,
            deadline: T0 + 86_400,
            request_key: request_key.public(),
        },
    );
    append(&mut log, &stewards[0], Body::RequestApproval { request });
    append(&mut log, &stewards[1], Body::RequestApproval { request });
    cosign(&mut log, T0 + 2);
    let window_start = log
        .log_time(log.state().request_approved_at(&request).unwrap())
        .unwrap();
    let record = log.state().access_request(&request).unwrap().clone();
    let matches = log.state().matches(&record);
    assert_eq!(matches.len(), members as usize);
    let coop = log.state().coop();
    let mut releases = Vec::with_capacity(matches.len());
    for (who, dataset, consent, epoch_key) in &epoch_keys {
        let m = matches.iter().find(|m| m.dataset == *dataset).unwrap();
        assert_eq!(m.status, MatchStatus::Included);
        let terms = ReleaseTerms {
            request,
            dataset: *dataset,
            first_epoch: 0,
            last_epoch: 0,
            root: sha256(dataset),
            window_start,
            window_end: window_start + record.period_secs,
            credits: record.credits,
            consent: *consent,
        };
        let capability = Capability::seal(
            &[(0, epoch_key.clone())],
            &record.request_key,
            &terms.binding(&coop, &pk(who)),
        )
        .unwrap();
        let capability = *blake3::hash(capability.as_bytes()).as_bytes();
        releases.push(log.make_operation(who, Body::Release { terms, capability }, T0 + 3));
    }
    let outcome = log.sequence(releases, &operator, T0 + 3).unwrap();
    assert!(
        outcome.rejected.is_empty(),
        "{:?}",
        outcome.rejected.first()
    );
    let cosigning = Instant::now();
    cosign(&mut log, T0 + 4);
    let cosigning = cosigning.elapsed();
    let total = start.elapsed();
    assert_eq!(log.state().releases_of(&request).len(), members as usize);
    println!(
        "one request over {members} members x {ITEMS} items, resolved into grants (set-up of the cooperative, untimed: {:.2} s):",
        setup.as_secs_f64()
    );
    println!(
        "  request, approvals, {members} capabilities and releases, sequencing and a cosigned checkpoint: {:.3} s (cosigning {:.3} s)",
        total.as_secs_f64(),
        cosigning.as_secs_f64()
    );
}
