//! The log end to end: genesis rules, governance, witnessing and log time, proofs,
//! evidence, storage, consent records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use datacoop_core::{Category, Purpose, Role};
use datacoop_ledger::*;

#[test]
fn genesis_rules() {
    let s = [pk(&key(1)), pk(&key(2))];
    let op = pk(&key(10));
    let g = Genesis::new("x", s.to_vec(), op);
    assert_eq!(
        (g.threshold, g.witnesses.clone(), g.witness_quorum),
        (1, s.to_vec(), 2)
    );
    assert_eq!(majority(3), 2);
    assert_eq!(majority(4), 3);
    let too_high = g.clone().with_threshold(3);
    assert_eq!(
        too_high.validate().unwrap_err().code(),
        "ledger.invalid_genesis"
    );
    assert!(Operation::genesis(&key(1), too_high, T0).is_err());
    assert!(g.clone().with_threshold(0).validate().is_err());
    assert!(g.clone().with_witness_quorum(3).validate().is_err());
    assert!(Genesis::new("x", vec![s[0], s[0]], op).validate().is_err());
    assert!(Genesis::new("", s.to_vec(), op).validate().is_err());
    // Only a steward may sign genesis.
    assert!(Operation::genesis(&key(9), g.clone(), T0).is_err());
    // Coop id = SHA-256 of the canonical genesis body, and the header says so.
    let gop = Operation::genesis(&key(1), g.clone(), T0).unwrap();
    assert_eq!(
        gop.header.header().coop,
        sha256(&Body::Genesis(g.clone()).encode())
    );
    assert_eq!(gop.header.header().coop, g.coop_id());
    // Default witness quorum: majority; single steward: unwitnessed.
    let single = Log::create(
        MemStore::new(),
        Operation::genesis(&key(1), Genesis::new("solo", vec![s[0]], op), T0).unwrap(),
    )
    .unwrap();
    assert_eq!(single.state().witnessing(), Witnessing::Unwitnessed);
    let coop = Coop::new(MemStore::new());
    assert_eq!(
        coop.log.state().witnessing(),
        Witnessing::Witnessed {
            witnesses: coop.stewards.iter().map(pk).collect(),
            quorum: 2
        }
    );
}

#[test]
fn operations_round_trip_canonically() {
    let mut coop = Coop::new(MemStore::new());
    coop.consent();
    for i in 0..coop.log.len() {
        let op = coop.log.operation(i).unwrap();
        let bytes = op.encode();
        let back = Operation::decode(&bytes).unwrap();
        assert_eq!(back, op);
        assert_eq!(back.encode(), bytes);
        assert_eq!(
            SignedHeader::decode(op.header.as_bytes())
                .unwrap()
                .as_bytes(),
            op.header.as_bytes()
        );
        // Every single-byte change is rejected or decodes to something that re-encodes
        // to exactly those bytes (never silently normalised).
        for pos in 0..bytes.len() {
            let mut b = bytes.clone();
            b[pos] ^= 0x01;
            if let Ok(other) = Operation::decode(&b) {
                assert_eq!(other.encode(), b);
                assert_ne!(other, op);
            }
        }
        // Trailing garbage.
        let mut t = bytes.clone();
        t.push(0);
        assert!(Operation::decode(&t).is_err());
    }
    // The signed message carries the domain prefix.
    let op = coop.log.operation(1).unwrap();
    assert!(
        op.header
            .header()
            .signing_message()
            .starts_with(b"datacoop/op/v1\n\x01")
    );
    // Canonical encoding of a known header, byte for byte.
    let header = Header {
        coop: [0xaa; 32],
        author: [0xbb; 32],
        author_seq: 300,
        prev_by_author: None,
        body_hash: [0xcc; 32],
        claimed_time: 1,
        kind: OpKind::Leave,
    };
    let mut want = vec![1u8];
    want.extend([0xaa; 32]);
    want.extend([0xbb; 32]);
    want.extend([0xac, 0x02, 0x00]);
    want.extend([0xcc; 32]);
    want.extend([0x01, 0x06]);
    assert_eq!(header.signing_message()[OP_SIGNING_DOMAIN.len()..], want);
}

#[test]
fn chains_equivocation_gaps_and_duplicates_are_refused_and_tracked() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let coop_id = coop.log.state().coop();
    let (seq, prev) = coop.log.next_for(&pk(&m));
    let a = Operation::new(&m, coop_id, seq, prev, T0, Body::Leave);
    let b = Operation::new(&m, coop_id, seq, prev, T0 + 1, Body::Leave);
    let mut tracker = EvidenceTracker::new();
    for i in 0..coop.log.len() {
        assert!(
            tracker
                .observe_operation(&coop.log.operation(i).unwrap().header)
                .is_none()
        );
    }
    assert!(tracker.observe_operation(&a.header).is_none());
    coop.log.append(a.clone()).unwrap();
    // Same op again: duplicate.
    let err = coop.log.append(a.clone()).unwrap_err();
    assert_eq!(err.code(), "ledger.duplicate_operation");
    // Same author and seq, different op: equivocation, kept as evidence.
    let err = coop.log.append(b.clone()).unwrap_err();
    assert_eq!(err.code(), "ledger.equivocation");
    let ev = tracker.observe_operation(&b.header).unwrap();
    assert_eq!(ev.code(), "evidence.equivocation");
    ev.verify(&[0; 32]).unwrap();
    // A gap.
    let c = Operation::new(&m, coop_id, seq + 2, Some(a.id()), T0, Body::Leave);
    assert_eq!(
        coop.log.append(c.clone()).unwrap_err().code(),
        "ledger.sequence_gap"
    );
    let gap = tracker.observe_operation(&c.header).unwrap();
    assert_eq!(gap.code(), "evidence.sequence_gap");
    gap.verify(&[0; 32]).unwrap();
    assert_eq!(tracker.evidence().len(), 2);
    // Broken chain.
    let d = Operation::new(&m, coop_id, seq + 1, Some(OpId([0; 32])), T0, Body::Leave);
    assert_eq!(
        coop.log.append(d).unwrap_err().code(),
        "ledger.broken_chain"
    );
    // Wrong coop.
    let e = Operation::new(&m, [9; 32], seq + 1, Some(a.id()), T0, Body::Leave);
    assert_eq!(coop.log.append(e).unwrap_err().code(), "ledger.wrong_coop");
    // The log kept the same evidence when it refused the operations.
    let kept = coop.log.evidence().unwrap();
    assert_eq!(
        kept.iter().map(Evidence::code).collect::<Vec<_>>(),
        ["evidence.equivocation", "evidence.sequence_gap"]
    );
    assert_eq!(kept[0], ev);
}

#[test]
fn authority_and_references() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    // Members cannot author steward operations.
    let op = coop.log.make_operation(
        &m,
        Body::Proposal {
            change: Change::SetThreshold(1),
        },
        T0,
    );
    let err = coop.log.append(op).unwrap_err();
    assert_eq!(err.code(), "ledger.unauthorized");
    assert!(err.to_string().contains("operation #"), "{err}");
    // Strangers cannot author member operations.
    let stranger = key(77);
    let op = coop.log.make_operation(&stranger, Body::Leave, T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.unauthorized"
    );
    // Join with a wrong secret.
    let s0 = coop.stewards[0].clone();
    let (_, invite) = coop.append(
        &s0,
        Body::Invite {
            secret_hash: sha256(&[1; 32]),
            role: Role::Trainer,
            expires: T0,
        },
    );
    let op = coop.log.make_operation(
        &stranger,
        Body::Join {
            invite,
            secret: [2; 32],
            endpoint_key: [0; 32],
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_reference"
    );
    // Withdrawing someone else's consent.
    let (_, consent) = coop.consent();
    let op = coop
        .log
        .make_operation(&s0, Body::ConsentWithdraw { consent }, T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.unauthorized"
    );
    // Approving a non-proposal.
    let op = coop
        .log
        .make_operation(&s0, Body::ProposalApproval { proposal: consent }, T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_reference"
    );
    // A steward invite makes a member, not a steward.
    let (_, inv) = coop.append(
        &s0,
        Body::Invite {
            secret_hash: sha256(&[3; 32]),
            role: Role::Steward,
            expires: T0,
        },
    );
    let newbie = key(30);
    let (_, join) = coop.append(
        &newbie,
        Body::Join {
            invite: inv,
            secret: [3; 32],
            endpoint_key: [0; 32],
        },
    );
    coop.append(&s0, Body::JoinAcceptance { join });
    assert!(!coop.log.state().is_steward(&pk(&newbie)));
    assert_eq!(coop.log.state().members()[&pk(&newbie)], Role::Member);
    // The first join wins: a second join of the same invite is void.
    let late = key(31);
    let (_, late_join) = coop.append(
        &late,
        Body::Join {
            invite: inv,
            secret: [3; 32],
            endpoint_key: [0; 32],
        },
    );
    let op = coop
        .log
        .make_operation(&s0, Body::JoinAcceptance { join: late_join }, T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_reference"
    );
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}

#[test]
fn governance_takes_effect_with_the_kth_approval() {
    let mut coop = Coop::new(MemStore::new());
    let (s0, s1, s2) = (
        coop.stewards[0].clone(),
        coop.stewards[1].clone(),
        coop.stewards[2].clone(),
    );
    let newcomer = key(40);
    let (_, p) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::AddSteward(pk(&newcomer)),
        },
    );
    let (_, applied) = coop
        .log
        .append(
            coop.log
                .make_operation(&s0, Body::ProposalApproval { proposal: p }, T0),
        )
        .unwrap();
    assert_eq!(applied, Applied::Recorded);
    assert!(!coop.log.state().is_steward(&pk(&newcomer)));
    assert_eq!(coop.log.state().pending_proposals().len(), 1);
    // The same steward approving twice does not count.
    let dup = coop
        .log
        .make_operation(&s0, Body::ProposalApproval { proposal: p }, T0);
    assert_eq!(
        coop.log.append(dup).unwrap_err().code(),
        "ledger.invalid_governance"
    );
    let (_, applied) = coop
        .log
        .append(
            coop.log
                .make_operation(&s1, Body::ProposalApproval { proposal: p }, T0),
        )
        .unwrap();
    assert_eq!(
        applied,
        Applied::GovernanceEffective(Change::AddSteward(pk(&newcomer)))
    );
    assert!(coop.log.state().is_steward(&pk(&newcomer)));
    // A late third approval is harmless.
    coop.append(&s2, Body::ProposalApproval { proposal: p });
    // Invalid changes are refused at proposal time.
    let op = coop.log.make_operation(
        &s0,
        Body::Proposal {
            change: Change::SetThreshold(9),
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_governance"
    );
    // Operator change: afterwards only the new operator can sign checkpoints.
    let new_op = key(11);
    let (_, p2) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::SetOperator(pk(&new_op)),
        },
    );
    coop.append(&s1, Body::ProposalApproval { proposal: p2 });
    coop.append(&s2, Body::ProposalApproval { proposal: p2 });
    assert_eq!(coop.log.state().operator(), pk(&new_op));
    let old = coop.operator.clone();
    assert_eq!(
        coop.log.sign_checkpoint(&old, T0).unwrap_err().code(),
        "ledger.unauthorized"
    );
    coop.log.sign_checkpoint(&new_op, T0).unwrap();
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}

/// A log with a governance change that has fewer than k approvals, followed by an
/// operation relying on it, is rejected by verification, naming the operation.
#[test]
fn verification_rejects_governance_with_fewer_than_k_approvals() {
    let mut coop = Coop::new(MemStore::new());
    let s0 = coop.stewards[0].clone();
    let newcomer = key(40);
    let (_, p) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::AddSteward(pk(&newcomer)),
        },
    );
    coop.append(&s0, Body::ProposalApproval { proposal: p });
    // Forge the log: the newcomer acts as a steward with only 1 of k = 2 approvals. The
    // operator's own append refuses it, so write it into the store directly.
    let forged = coop
        .log
        .make_operation(&newcomer, Body::ProposalApproval { proposal: p }, T0);
    let index = coop.log.len();
    coop.log
        .store_mut()
        .append(
            &[StoredOp {
                header: forged.header.as_bytes().to_vec(),
                body: forged.body.as_ref().map(Body::encode),
            }],
            None,
        )
        .unwrap();
    let err = verify_log(coop.log.store(), &VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), "ledger.unauthorized");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("operation #{index} ({})", forged.id())),
        "{msg}"
    );

    // Same with an operator change approved once: a checkpoint by the would-be operator
    // does not verify.
    let mut coop = Coop::new(MemStore::new());
    let s0 = coop.stewards[0].clone();
    let rogue = key(12);
    let (_, p) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::SetOperator(pk(&rogue)),
        },
    );
    coop.append(&s0, Body::ProposalApproval { proposal: p });
    let cp = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size: coop.log.len(),
        root: coop.log.tree().root(),
        extensions: vec![],
    }
    .sign(&rogue)
    .unwrap();
    coop.log
        .store_mut()
        .put_checkpoint(cp.checkpoint.size, &cp.render())
        .unwrap();
    let err = verify_log(coop.log.store(), &VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), "ledger.bad_signature");
    assert!(
        err.to_string()
            .contains(&format!("checkpoint at size {}", cp.checkpoint.size)),
        "{err}"
    );
}

#[test]
fn witnesses_log_time_and_unwitnessed_state() {
    let mut coop = Coop::new(MemStore::new());
    let (ci, _) = coop.consent();
    assert_eq!(coop.log.log_time(ci), None);
    // One cosignature of q = 2: no quorum yet.
    let cp = coop.checkpoint_and_cosign(T0 + 100, 1);
    assert_eq!(coop.log.log_time(ci), None);
    // The operator's heartbeat while idle republishes the same checkpoint.
    assert!(
        coop.log
            .heartbeat(&coop.operator.clone(), T0 + 110, 60)
            .unwrap()
            .is_none()
    );
    let hb = coop
        .log
        .heartbeat(&coop.operator.clone(), T0 + 161, 60)
        .unwrap()
        .unwrap();
    assert_eq!(hb.checkpoint, cp.checkpoint);
    // Three cosignatures at t, t+1, t+2; the first two by witness key count.
    let cp2 = coop.checkpoint_and_cosign(T0 + 200, 3);
    assert_eq!(cp2.checkpoint.size, cp.checkpoint.size);
    let cosigs = cp2
        .witness_cosignatures(coop.log.state().witnesses())
        .unwrap();
    assert_eq!(cosigs.len(), 3);
    let mut by_key: Vec<_> = cosigs.iter().map(|c| (c.witness, c.timestamp)).collect();
    by_key.sort();
    let mut first_two: Vec<u64> = by_key[..2].iter().map(|(_, t)| *t).collect();
    first_two.sort();
    // The first witness's earlier cosignature (T0 + 100) is kept, not replaced.
    assert!(first_two.contains(&(T0 + 100)) || by_key.iter().all(|(_, t)| *t != T0 + 100));
    assert_eq!(coop.log.log_time(ci), Some(first_two[0]));
    assert_eq!(
        log_time(&cosigs, coop.log.state().witnesses(), 2),
        Some(first_two[0])
    );
    // Lower median of q = 3 timestamps is the middle one.
    assert_eq!(
        log_time(&cosigs, coop.log.state().witnesses(), 3),
        Some({
            let mut t: Vec<u64> = cosigs.iter().map(|c| c.timestamp).collect();
            t.sort();
            t[1]
        })
    );
    // Cosignatures from non-witnesses do not count.
    assert_eq!(log_time(&cosigs, &[], 1), None);
    let report = verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
    assert_eq!(report.quorum_checkpoints, 1);
}

#[test]
fn witness_detects_split_view_and_inconsistency() {
    let mut coop = Coop::new(MemStore::new());
    coop.checkpoint_and_cosign(T0, 3);
    let size = coop.log.len();
    let operator = coop.operator.clone();
    // Same size, different root.
    let forked = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size,
        root: [7; 32],
        extensions: vec![],
    }
    .sign(&operator)
    .unwrap();
    let out = coop.witnesses[0].cosign(&forked, &[], T0 + 1).unwrap();
    let WitnessOutcome::Evidence(ev) = out else {
        panic!("cosigned a split view")
    };
    assert_eq!(ev.code(), "evidence.split_view");
    ev.verify(&pk(&operator)).unwrap();
    let mut tracker = EvidenceTracker::new();
    assert!(
        tracker
            .observe_checkpoint(&coop.log.checkpoints()[&size])
            .is_none()
    );
    assert_eq!(
        tracker.observe_checkpoint(&forked).unwrap().code(),
        "evidence.split_view"
    );
    // Larger, but not an extension.
    coop.consent();
    let bogus = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size: size + 1,
        root: [8; 32],
        extensions: vec![],
    }
    .sign(&operator)
    .unwrap();
    let proof = coop.log.consistency_proof(size, size + 1).unwrap();
    let WitnessOutcome::Evidence(ev) = coop.witnesses[0].cosign(&bogus, &proof, T0 + 2).unwrap()
    else {
        panic!()
    };
    assert_eq!(ev.code(), "evidence.inconsistent_checkpoint");
    ev.verify(&pk(&operator)).unwrap();
    // A checkpoint not signed by the operator is refused outright.
    let stranger = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size: size + 1,
        root: [8; 32],
        extensions: vec![],
    }
    .sign(&key(99))
    .unwrap();
    assert_eq!(
        coop.witnesses[0]
            .cosign(&stranger, &proof, T0)
            .unwrap_err()
            .code(),
        "ledger.bad_signature"
    );
    // The genuine extension is cosigned.
    let real = coop.log.sign_checkpoint(&operator, T0 + 3).unwrap();
    assert!(matches!(
        coop.witnesses[0].cosign(&real, &proof, T0 + 3).unwrap(),
        WitnessOutcome::Cosigned(_)
    ));
}

#[test]
fn proof_bundles_verify_offline() {
    let mut coop = Coop::new(MemStore::new());
    let (ci, cid) = coop.consent();
    coop.checkpoint_and_cosign(T0 + 500, 3);
    coop.consent();
    coop.checkpoint_and_cosign(T0 + 600, 3);
    let keys = CoopKeys::from_state(coop.log.state());
    for index in 0..coop.log.len() {
        let text = coop.log.proof_bundle(index).unwrap().render();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "));
        let bundle = ProofBundle::parse(&text).unwrap();
        assert_eq!(bundle.render(), text);
        let receipt = bundle.verify(&keys, true).unwrap();
        assert_eq!(receipt.index, index);
        assert!(receipt.log_time.is_some());
    }
    let receipt = coop
        .log
        .proof_bundle(ci)
        .unwrap()
        .verify(&keys, true)
        .unwrap();
    assert_eq!(receipt.id, cid);
    assert_eq!(receipt.log_time, coop.log.log_time(ci));
    // Tampering with any part fails.
    let bundle = coop.log.proof_bundle(ci).unwrap();
    let mut b = bundle.clone();
    b.index += 1;
    assert!(b.verify(&keys, false).is_err());
    let mut b = bundle.clone();
    b.proof[0][3] ^= 1;
    assert!(b.verify(&keys, false).is_err());
    let mut b = bundle.clone();
    let last = b.header.len() - 1;
    b.header[last] ^= 1;
    assert!(b.verify(&keys, false).is_err());
    let mut other = keys.clone();
    other.operator = [3; 32];
    assert!(bundle.verify(&other, false).is_err());
    let mut other = keys.clone();
    other.quorum = 3;
    other.witnesses.truncate(2);
    assert!(bundle.verify(&other, true).is_err());
    // Malformed text.
    let text = bundle.render();
    for bad in [
        text.replace("index ", "index 0"),
        text.replacen("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2", 1),
        text.replacen("\n\n", "\n", 1),
    ] {
        assert!(ProofBundle::parse(&bad).is_err());
    }
}

#[test]
fn consent_record_json() {
    let mut coop = Coop::new(MemStore::new());
    let (ci, cid) = coop.consent();
    coop.checkpoint_and_cosign(T0 + 1000, 3);
    let record = coop.log.consent_record(&cid).unwrap();
    assert_eq!(record.status(), ConsentStatus::Given);
    assert_eq!(Some(record.given_at), coop.log.log_time(ci));
    let j = record.to_json();
    // Shape of the W3C DPV guide consent-27560 (w3c/dpv guides/consent-27560.html,
    // section "DPV-27560 Consent Record"); see consent.rs for the full mapping.
    assert_eq!(j["@type"], "dpv:ConsentRecord");
    assert_eq!(
        j["dct:conformsTo"],
        "https://w3id.org/dpv/schema/dpv-27560#record"
    );
    assert_eq!(j["dct:identifier"], cid.to_hex());
    let p = &j["dpv:hasProcess"];
    assert_eq!(p["@type"], "dpv:Process");
    assert_eq!(
        p["dpv:hasPurpose"][0]["@id"],
        "https://w3id.org/dpv#NonCommercialResearch"
    );
    // ModelTraining is datacoop's own purpose, a narrower dpv:ResearchAndDevelopment.
    assert_eq!(p["dpv:hasPurpose"][1]["@id"], "datacoop:ModelTraining");
    assert_eq!(
        p["dpv:hasPurpose"][1]["skos:broader"]["@id"],
        "https://w3id.org/dpv#ResearchAndDevelopment"
    );
    assert_eq!(j["dpv:hasEntity"][0]["@type"], "dpv:DataController");
    assert_eq!(j["dpv:hasEntity"][0]["dpv:hasName"], "Runners");
    assert_eq!(
        j["dpv:hasDataController"]["@id"],
        j["dpv:hasEntity"][0]["@id"]
    );
    assert_eq!(p["dpv:hasPersonalData"]["datacoop:category"], "fitness");
    assert_eq!(
        p["dpv:hasStorageCondition"][0]["dpv:hasDuration"]["rdf:value"],
        "PT2592000S"
    );
    assert_eq!(j["dpv:hasConsentControl"]["@type"], "dpv:WithdrawConsent");
    let events = j["dpv:hasConsentStatus"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["@type"], "dpv:ConsentGiven");
    assert_eq!(events[0]["dpv:isIndicatedAtTime"], rfc3339(record.given_at));
    assert_eq!(
        events[0]["dpv:hasDuration"]["rdf:value"],
        rfc3339(T0 + 365 * 86_400)
    );
    let m = coop.member.clone();
    let (_, wid) = coop.append(&m, Body::ConsentWithdraw { consent: cid });
    let record = coop.log.consent_record(&cid).unwrap();
    assert_eq!(record.status(), ConsentStatus::Withdrawn);
    let j = record.to_json();
    assert_eq!(
        j["dpv:hasConsentStatus"][1]["@type"],
        "dpv:ConsentWithdrawn"
    );
    assert_eq!(j["dpv:hasConsentStatus"][1]["dct:identifier"], wid.to_hex());
    // Not a consent.
    let genesis = coop.log.operation(0).unwrap().id();
    assert!(coop.log.consent_record(&genesis).is_err());
}

#[test]
fn erasure_prunes_bodies_and_the_log_still_verifies() {
    let mut coop = Coop::new(MemStore::new());
    let (ci, cid) = coop.consent();
    // No notice yet: erasure refused.
    assert!(coop.log.erase_body(ci).is_err());
    coop.checkpoint_and_cosign(T0, 3);
    let m = coop.member.clone();
    coop.append(&m, Body::ErasureNotice { ops: vec![cid] });
    coop.log.erase_body(ci).unwrap();
    coop.checkpoint_and_cosign(T0 + 10, 3);
    let report = verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
    assert_eq!(report.erased_bodies, 1);
    assert!(coop.log.operation(ci).unwrap().body.is_none());
    // Governance bodies cannot be erased: notices naming them are refused.
    let s0 = coop.stewards[0].clone();
    let genesis = coop.log.operation(0).unwrap().id();
    let op = coop
        .log
        .make_operation(&s0, Body::ErasureNotice { ops: vec![genesis] }, T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_reference"
    );
    // A body missing without a notice is found.
    let mut store = coop.log.into_store();
    store.ops[1].body = None;
    let err = verify_log(&store, &VerifyOptions::default()).unwrap_err();
    assert_eq!(err.code(), "ledger.body_missing");
    assert!(err.to_string().contains("operation #1"), "{err}");
}

#[test]
fn sequence_batches_append_atomically_with_a_checkpoint() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let coop_id = coop.log.state().coop();
    let (mut seq, mut prev) = coop.log.next_for(&pk(&m));
    let mut ops = Vec::new();
    for i in 0..10u8 {
        let op = Operation::new(
            &m,
            coop_id,
            seq,
            prev,
            T0,
            Body::DatasetAnnounce {
                dataset: [i; 32],
                category: "sleep".parse::<Category>().unwrap(),
            },
        );
        seq += 1;
        prev = Some(op.id());
        ops.push(op);
    }
    // One bad signature in the batch: that op is rejected, and so is everything after it
    // in the same author's chain.
    let mut bad = ops[5].clone();
    let mut h = bad.header.as_bytes().to_vec();
    let n = h.len();
    h[n - 1] ^= 1;
    bad.header = SignedHeader::decode(&h).unwrap();
    ops[5] = bad;
    let before = coop.log.len();
    let out = coop.log.sequence(ops, &coop.operator.clone(), T0).unwrap();
    assert_eq!(out.appended.len(), 5);
    assert_eq!(out.rejected.len(), 5);
    assert_eq!(out.rejected[0].1.code(), "ledger.bad_signature");
    let cp = out.checkpoint.unwrap();
    assert_eq!(cp.checkpoint.size, before + 5);
    assert_eq!(
        coop.log.store().checkpoints.get(&(before + 5)),
        Some(&cp.render())
    );
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
    // Reopen from the store: same tree.
    let root = coop.log.tree().root();
    let reopened = Log::open(coop.log.into_store()).unwrap();
    assert_eq!(reopened.tree().root(), root);
    let _ = Purpose::ALL;
}

#[test]
fn key_epochs_keep_old_receipts_and_log_times_valid() {
    let mut coop = Coop::new(MemStore::new());
    let (ci, _) = coop.consent();
    coop.checkpoint_and_cosign(T0 + 100, 3);
    let t_before = coop.log.log_time(ci).unwrap();
    let old_bundle = coop.log.proof_bundle(ci).unwrap();
    // Replace the witness set with two new witnesses (q = 2) and the operator.
    let (s0, s1) = (coop.stewards[0].clone(), coop.stewards[1].clone());
    let (w1, w2, new_op) = (key(50), key(51), key(52));
    let (_, p) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::SetWitnesses {
                witnesses: vec![pk(&w1), pk(&w2)],
                quorum: 2,
            },
        },
    );
    coop.append(&s0, Body::ProposalApproval { proposal: p });
    coop.append(&s1, Body::ProposalApproval { proposal: p });
    let (_, p) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::SetOperator(pk(&new_op)),
        },
    );
    coop.append(&s0, Body::ProposalApproval { proposal: p });
    coop.append(&s1, Body::ProposalApproval { proposal: p });
    assert_eq!(coop.log.state().key_epochs().len(), 3);
    // Old witnesses' cosignatures no longer count for new checkpoints.
    let cp = coop.log.sign_checkpoint(&new_op, T0 + 200).unwrap();
    let size = cp.checkpoint.size;
    let old_w = Cosignature::sign(&witness_name(&pk(&s0)), &s0, &cp.checkpoint, T0 + 201).unwrap();
    assert_eq!(
        coop.log.add_cosignature(size, &old_w).unwrap_err().code(),
        "ledger.unauthorized"
    );
    for (i, w) in [&w1, &w2].into_iter().enumerate() {
        let c = Cosignature::sign(
            &witness_name(&pk(w)),
            w,
            &cp.checkpoint,
            T0 + 300 + i as u64,
        )
        .unwrap();
        coop.log.add_cosignature(size, &c).unwrap();
    }
    // Log time of the old operation is unchanged; new operations get the new quorum's.
    assert_eq!(coop.log.log_time(ci), Some(t_before));
    assert_eq!(coop.log.log_time(size - 1), Some(T0 + 300));
    // The old receipt verifies with the keys of its checkpoint, not the current ones.
    assert!(
        old_bundle
            .verify(&CoopKeys::from_state(coop.log.state()), true)
            .is_err()
    );
    old_bundle
        .verify(&coop.log.keys_for(&old_bundle), true)
        .unwrap();
    let new_bundle = coop.log.proof_bundle(size - 1).unwrap();
    new_bundle
        .verify(&coop.log.keys_for(&new_bundle), true)
        .unwrap();
    let report = verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
    assert_eq!(report.quorum_checkpoints, 2);
}

#[test]
fn trainer_request_flow_and_role_rules() {
    let mut coop = Coop::new(MemStore::new());
    let (s0, s1) = (coop.stewards[0].clone(), coop.stewards[1].clone());
    let trainer = key(60);
    let (_, invite) = coop.append(
        &s0,
        Body::Invite {
            secret_hash: sha256(&[6; 32]),
            role: Role::Trainer,
            expires: T0 + 10,
        },
    );
    let (_, join) = coop.append(
        &trainer,
        Body::Join {
            invite,
            secret: [6; 32],
            endpoint_key: [1; 32],
        },
    );
    coop.append(&s1, Body::JoinAcceptance { join });
    let request_body = Body::AccessRequest {
        purpose: Purpose::ScientificResearch,
        categories: vec!["fitness".parse::<Category>().unwrap()],
        period_secs: 30 * 86_400,
        license: "CC-BY-4.0".into(),
        credits: 100,
        deadline: T0 + 7 * 86_400,
        request_key: [9; 32],
    };
    // Members do not request access; trainers do not give consent.
    let m = coop.member.clone();
    let op = coop.log.make_operation(&m, request_body.clone(), T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.unauthorized"
    );
    let op = coop.log.make_operation(
        &trainer,
        Body::DatasetAnnounce {
            dataset: [1; 32],
            category: "sleep".parse::<Category>().unwrap(),
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.unauthorized"
    );
    let (_, request) = coop.append(&trainer, request_body);
    let dataset = coop.dataset;
    coop.append(
        &m,
        Body::AskAnswer {
            request,
            dataset,
            allow: true,
        },
    );
    coop.append(&s0, Body::RequestApproval { request });
    coop.append(&s1, Body::RequestApproval { request });
    let (_, grant) = coop.append(
        &s0,
        Body::Grant {
            request,
            capability_hash: [3; 32],
            window_start: T0,
            window_end: T0 + 100,
            epochs: vec![0, 1, 2],
            credits: 100,
        },
    );
    coop.append(
        &s1,
        Body::PinRelease {
            grant,
            blob: [4; 32],
        },
    );
    coop.append(
        &s1,
        Body::Revocation {
            grant,
            reason: "done".into(),
        },
    );
    // Bad references: a grant for a grant, an inverted window.
    let op = coop.log.make_operation(
        &s0,
        Body::Revocation {
            grant: request,
            reason: String::new(),
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_reference"
    );
    let op = coop.log.make_operation(
        &s0,
        Body::Grant {
            request,
            capability_hash: [3; 32],
            window_start: T0 + 5,
            window_end: T0,
            epochs: vec![0],
            credits: 0,
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_body"
    );
    // Field rules: license ids, reason length, empty purposes.
    let op = coop.log.make_operation(
        &trainer,
        Body::AccessRequest {
            purpose: Purpose::ScientificResearch,
            categories: vec!["fitness".parse::<Category>().unwrap()],
            period_secs: 1,
            license: "not a licence!".into(),
            credits: 0,
            deadline: T0,
            request_key: [0; 32],
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_body"
    );
    for good in [
        "CC-BY-4.0",
        "MIT OR Apache-2.0",
        "(MIT AND BSD-3-Clause)",
        "LicenseRef-coop-1",
        "GPL-2.0+",
    ] {
        assert!(valid_spdx_id(good), "{good}");
    }
    for bad in ["", "MIT  OR Apache-2.0", "a/b", "()", "MIT\n"] {
        assert!(!valid_spdx_id(bad), "{bad:?}");
    }
    let op = coop.log.make_operation(
        &s1,
        Body::RequestDenial {
            request,
            reason: "x".repeat(MAX_TEXT + 1),
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_body"
    );
    let op = coop.log.make_operation(
        &m,
        Body::ConsentSet {
            dataset: coop.dataset,
            purposes: vec![],
            mode: ConsentMode::Always,
            valid_until: None,
            retention_secs: None,
            max_period_secs: None,
            recipients: vec![],
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.invalid_body"
    );
    // A request nobody approved yet can be denied.
    let (_, unanswered) = coop.append(
        &trainer,
        Body::AccessRequest {
            purpose: Purpose::ScientificResearch,
            categories: vec!["fitness".parse::<Category>().unwrap()],
            period_secs: 86_400,
            license: "CC-BY-4.0".into(),
            credits: 0,
            deadline: T0 + 86_400,
            request_key: [8; 32],
        },
    );
    coop.append(
        &s1,
        Body::RequestDenial {
            request: unanswered,
            reason: "late".into(),
        },
    );
    // Removing a member by governance.
    let (_, p) = coop.append(
        &s0,
        Body::Proposal {
            change: Change::RemoveMember(pk(&m)),
        },
    );
    coop.append(&s0, Body::ProposalApproval { proposal: p });
    coop.append(&s1, Body::ProposalApproval { proposal: p });
    let op = coop.log.make_operation(&m, Body::Leave, T0);
    assert_eq!(
        coop.log.append(op).unwrap_err().code(),
        "ledger.unauthorized"
    );
    coop.checkpoint_and_cosign(T0 + 9, 2);
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}

#[test]
fn the_log_keeps_evidence_it_sees() {
    let mut coop = Coop::new(MemStore::new());
    let m = coop.member.clone();
    let coop_id = coop.log.state().coop();
    let (seq, prev) = coop.log.next_for(&pk(&m));
    let a = Operation::new(&m, coop_id, seq, prev, T0, Body::Leave);
    let b = Operation::new(&m, coop_id, seq, prev, T0 + 1, Body::Leave);
    coop.log.append(a).unwrap();
    assert_eq!(
        coop.log.append(b).unwrap_err().code(),
        "ledger.equivocation"
    );
    let gap = Operation::new(&m, coop_id, seq + 5, None, T0, Body::Leave);
    assert_eq!(
        coop.log.append(gap).unwrap_err().code(),
        "ledger.sequence_gap"
    );
    let kept = coop.log.evidence().unwrap();
    assert_eq!(
        kept.iter().map(Evidence::code).collect::<Vec<_>>(),
        ["evidence.equivocation", "evidence.sequence_gap"]
    );
    for e in &kept {
        e.verify(&[0; 32]).unwrap();
    }
    // A checkpoint from elsewhere that disagrees with ours.
    let operator = coop.operator.clone();
    let ours = coop.log.sign_checkpoint(&operator, T0).unwrap();
    assert_eq!(coop.log.observe_checkpoint(&ours).unwrap(), None);
    let size = ours.checkpoint.size;
    let forked = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size,
        root: [1; 32],
        extensions: vec![],
    }
    .sign(&operator)
    .unwrap();
    let e = coop.log.observe_checkpoint(&forked).unwrap().unwrap();
    assert_eq!(e.code(), "evidence.split_view");
    e.verify(&pk(&operator)).unwrap();
    let older = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size: size - 1,
        root: [2; 32],
        extensions: vec![],
    }
    .sign(&operator)
    .unwrap();
    assert_eq!(
        coop.log.observe_checkpoint(&older).unwrap().unwrap().code(),
        "evidence.inconsistent_checkpoint"
    );
    // Unsigned by the operator: refused, not evidence.
    let bogus = Checkpoint {
        origin: coop.log.origin().to_owned(),
        size,
        root: [1; 32],
        extensions: vec![],
    }
    .sign(&key(99))
    .unwrap();
    assert!(coop.log.observe_checkpoint(&bogus).is_err());
    assert_eq!(coop.log.evidence().unwrap().len(), 4);
}

/// A trainer's request for fitness data, answered by `deadline`.
fn access_request(deadline: u64) -> Body {
    Body::AccessRequest {
        purpose: Purpose::ScientificResearch,
        categories: vec!["fitness".parse::<Category>().unwrap()],
        period_secs: 86_400,
        license: "CC-BY-4.0".into(),
        credits: 5,
        deadline,
        request_key: [9; 32],
    }
}

/// A grant for `request`.
fn grant_for(request: OpId) -> Body {
    Body::Grant {
        request,
        capability_hash: [3; 32],
        window_start: T0,
        window_end: T0 + 100,
        epochs: vec![0],
        credits: 5,
    }
}

/// A request for access is approved by the k-th distinct steward approval (k = 2 here),
/// and only then can a grant name it; a denial before that ends it for good.
#[test]
fn a_grant_needs_k_distinct_approvals_and_a_denial_ends_the_request() {
    let mut coop = Coop::new(MemStore::new());
    let (s0, s1, s2) = (
        coop.stewards[0].clone(),
        coop.stewards[1].clone(),
        coop.stewards[2].clone(),
    );
    let trainer = key(61);
    coop.join_trainer(&trainer, 7);
    let refused = |coop: &mut Coop<MemStore>, k: &ed25519_consensus::SigningKey, body: Body| {
        let op = coop.log.make_operation(k, body, T0);
        coop.log.append(op).unwrap_err()
    };

    let (_, request) = coop.append(&trainer, access_request(T0 + 100));
    coop.append(&s0, Body::RequestApproval { request });
    // One approval of two: no grant yet.
    let e = refused(&mut coop, &s0, grant_for(request));
    assert_eq!(e.code(), "ledger.invalid_governance");
    assert!(e.to_string().contains("1 of the 2"), "{e}");
    // The same steward approving again does not count twice; it is refused.
    let e = refused(&mut coop, &s0, Body::RequestApproval { request });
    assert_eq!(e.code(), "ledger.invalid_governance");
    assert_eq!(coop.log.state().request_approved_at(&request), None);
    let (approved_at, _) = coop.append(&s1, Body::RequestApproval { request });
    assert_eq!(
        coop.log.state().request_approved_at(&request),
        Some(approved_at)
    );
    coop.append(&s0, grant_for(request));
    // Approved requests are not denied afterwards.
    let e = refused(
        &mut coop,
        &s2,
        Body::RequestDenial {
            request,
            reason: "late".into(),
        },
    );
    assert_eq!(e.code(), "ledger.invalid_governance");

    // A denial before the k-th approval ends the request.
    let (_, second) = coop.append(&trainer, access_request(T0 + 200));
    coop.append(&s0, Body::RequestApproval { request: second });
    coop.append(
        &s2,
        Body::RequestDenial {
            request: second,
            reason: "not for this purpose".into(),
        },
    );
    assert!(coop.log.state().request_denied(&second));
    let e = refused(&mut coop, &s1, Body::RequestApproval { request: second });
    assert!(e.to_string().contains("denied"), "{e}");
    let e = refused(&mut coop, &s0, grant_for(second));
    assert!(e.to_string().contains("denied"), "{e}");
    assert_eq!(RULES, 7);
}

/// Rule set 3: lowering k approves a pending request whose approvals are now enough, at
/// the change; approvals from stewards removed since are not counted, in the rule or in
/// the message saying how many a request has.
#[test]
fn lowering_k_approves_a_request_whose_approvals_are_now_enough() {
    let mut coop = Coop::new(MemStore::new());
    let (s0, s1, s2) = (
        coop.stewards[0].clone(),
        coop.stewards[1].clone(),
        coop.stewards[2].clone(),
    );
    let govern =
        |coop: &mut Coop<MemStore>, change: Change, by: &[&ed25519_consensus::SigningKey]| {
            let (_, p) = coop.append(by[0], Body::Proposal { change });
            let mut last = 0;
            for k in by {
                last = coop.append(k, Body::ProposalApproval { proposal: p }).0;
            }
            last
        };
    govern(&mut coop, Change::SetThreshold(3), &[&s0, &s1]);
    assert_eq!(coop.log.state().threshold(), 3);
    let trainer = key(62);
    coop.join_trainer(&trainer, 7);
    let (_, first) = coop.append(&trainer, access_request(T0 + 100));
    coop.append(&s0, Body::RequestApproval { request: first });
    coop.append(&s2, Body::RequestApproval { request: first });
    assert_eq!(coop.log.state().request_approved_at(&first), None);
    // k = 2: two approvals are enough now, so the request is approved at that change.
    let lowered = govern(&mut coop, Change::SetThreshold(2), &[&s0, &s1, &s2]);
    assert_eq!(coop.log.state().request_approved_at(&first), Some(lowered));

    // An approval from a steward removed since does not count, and is not counted in
    // the message either.
    let (_, second) = coop.append(&trainer, access_request(T0 + 200));
    coop.append(&s2, Body::RequestApproval { request: second });
    govern(&mut coop, Change::RemoveSteward(pk(&s2)), &[&s0, &s1]);
    let op = coop.log.make_operation(&s0, grant_for(second), T0);
    let e = coop.log.append(op).unwrap_err();
    assert!(e.to_string().contains("0 of the 2"), "{e}");
    coop.append(&s1, grant_for(first));
}

/// In an idle cooperative the heartbeat re-publishes one checkpoint and witnesses cosign
/// it again: "now" follows their newest cosignatures, while an operation's log time stays
/// the time of the first quorum that covered it.
#[test]
fn now_moves_with_repeated_cosignatures_while_log_time_stays() {
    let mut coop = Coop::new(MemStore::new());
    let (ci, _) = coop.consent();
    assert_eq!(coop.log.now(), None);
    let cp = coop.checkpoint_and_cosign(T0 + 100, 3);
    let first = coop.log.log_time(ci).unwrap();
    assert_eq!(coop.log.now(), Some(first));

    let again = coop.checkpoint_and_cosign(T0 + 500, 3);
    assert_eq!(again.checkpoint, cp.checkpoint, "idle: the same size");
    assert_eq!(coop.log.log_time(ci), Some(first), "log time never changes");
    let now = coop.log.now().unwrap();
    assert!((T0 + 500..=T0 + 502).contains(&now), "{now}");

    // It survives reopening; a stored newest cosignature that no longer verifies is
    // dropped rather than trusted.
    let mut store = coop.log.store().clone();
    assert_eq!(Log::open(store.clone()).unwrap().now(), Some(now));
    for (_, (size, _)) in store.fresh.iter_mut() {
        *size = 0;
    }
    assert_eq!(Log::open(store).unwrap().now(), None);
}

/// Endpoints: a join carries the joiner's, an announcement replaces it, and an endpoint
/// speaks only for a current participant.
#[test]
fn endpoints_speak_for_current_participants_only() {
    let mut coop = Coop::new(MemStore::new());
    let member = pk(&coop.member);
    let state = |coop: &Coop<MemStore>| coop.log.state().clone();
    assert_eq!(state(&coop).endpoint_of(&member), Some([5; 32]));
    assert_eq!(state(&coop).participant_of_endpoint(&[5; 32]), Some(member));

    let s0 = coop.stewards[0].clone();
    let first = pk(&key(50));
    coop.append(
        &s0,
        Body::EndpointAnnounce {
            endpoint_key: first,
        },
    );
    assert_eq!(state(&coop).participant_of_endpoint(&first), Some(pk(&s0)));
    let second = pk(&key(51));
    coop.append(
        &s0,
        Body::EndpointAnnounce {
            endpoint_key: second,
        },
    );
    assert_eq!(state(&coop).participant_of_endpoint(&first), None);
    assert_eq!(state(&coop).endpoint_of(&pk(&s0)), Some(second));

    // A key that is not an ed25519 point cannot be announced.
    let not_a_point = (0..=255u8)
        .map(|b| [b; 32])
        .find(|k| ed25519_consensus::VerificationKey::try_from(*k).is_err())
        .unwrap();
    let op = coop.log.make_operation(
        &s0,
        Body::EndpointAnnounce {
            endpoint_key: not_a_point,
        },
        T0,
    );
    assert_eq!(
        coop.log.append(op).unwrap_err().code().as_str(),
        "ledger.invalid_body"
    );

    // Someone who left no longer has an endpoint that speaks for them.
    let m = coop.member.clone();
    coop.append(&m, Body::Leave);
    assert_eq!(state(&coop).participant_of_endpoint(&[5; 32]), None);
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}

#[test]
fn submissions_queued_together_share_one_checkpoint_and_fail_alone() {
    let mut coop = Coop::new(MemStore::new());
    let coop_id = coop.log.state().coop();
    let announce = |k: &ed25519_consensus::SigningKey, seq, prev, n: u8| {
        Operation::new(
            k,
            coop_id,
            seq,
            prev,
            T0,
            Body::DatasetAnnounce {
                dataset: [n; 32],
                category: "sleep".parse::<Category>().unwrap(),
            },
        )
    };
    let member = coop.member.clone();
    let (seq, prev) = coop.log.next_for(&pk(&member));
    let first = announce(&member, seq, prev, 1);
    let second = announce(&member, seq + 1, Some(first.id()), 2);
    let steward = coop.stewards[1].clone();
    let (s_seq, s_prev) = coop.log.next_for(&pk(&steward));
    let from_steward = announce(&steward, s_seq, s_prev, 3);
    let stranger = key(99);
    let from_stranger = announce(&stranger, 0, None, 4);
    let size = coop.log.len();
    let checkpoints = coop.log.checkpoints().len();
    let done = coop
        .log
        .sequence_submissions(
            vec![vec![first, second], vec![from_stranger], vec![from_steward]],
            &coop.operator.clone(),
            T0,
        )
        .unwrap();
    assert_eq!(done.landed[0].as_ref().unwrap(), &size);
    let refused = done.landed[1].as_ref().unwrap_err();
    assert!(
        refused.code().as_str().starts_with("ledger."),
        "a stranger's operation is refused: {refused}"
    );
    assert_eq!(done.landed[2].as_ref().unwrap(), &(size + 2));
    assert_eq!(done.checkpoint.unwrap().checkpoint.size, size + 3);
    assert_eq!(
        coop.log.checkpoints().len(),
        checkpoints + 1,
        "one checkpoint for the whole batch"
    );
    verify_log(coop.log.store(), &VerifyOptions::default()).unwrap();
}
