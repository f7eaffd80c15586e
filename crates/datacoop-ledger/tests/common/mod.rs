//! Shared fixture: a cooperative with three stewards (k = 2), an operator, witnesses =
//! stewards (q = 2) and a member.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use datacoop_core::{Category, Purpose, Role};
use datacoop_ledger::*;
use ed25519_consensus::SigningKey;

pub const T0: u64 = 1_700_000_000;

pub fn key(n: u8) -> SigningKey {
    SigningKey::from([n; 32])
}

pub fn pk(k: &SigningKey) -> [u8; 32] {
    k.verification_key().to_bytes()
}

pub struct Coop<S: LogStore> {
    pub log: Log<S>,
    pub stewards: Vec<SigningKey>,
    pub operator: SigningKey,
    pub witnesses: Vec<Witness>,
    pub member: SigningKey,
    pub dataset: Hash,
}

impl<S: LogStore> Coop<S> {
    pub fn new(store: S) -> Self {
        let stewards: Vec<SigningKey> = (1..=3).map(key).collect();
        let operator = key(10);
        let genesis = Genesis::new("Runners", stewards.iter().map(pk).collect(), pk(&operator))
            .with_threshold(2);
        assert_eq!(genesis.witness_quorum, 2);
        let op = Operation::genesis(&stewards[0], genesis, T0).unwrap();
        let log = Log::create(store, op).unwrap();
        let witnesses = stewards
            .iter()
            .map(|s| Witness::new(s.clone(), log.origin().to_owned(), pk(&operator), None))
            .collect();
        let mut coop = Coop {
            log,
            stewards,
            operator,
            witnesses,
            member: key(20),
            dataset: sha256(b"dataset runs-2025"),
        };
        coop.join_member();
        coop
    }

    pub fn append(&mut self, k: &SigningKey, body: Body) -> (u64, OpId) {
        let op = self.log.make_operation(k, body, T0 + self.log.len());
        let id = op.id();
        let (index, _) = self.log.append(op).unwrap();
        (index, id)
    }

    fn join_member(&mut self) {
        let secret = [42u8; 32];
        let s0 = self.stewards[0].clone();
        let (_, invite) = self.append(
            &s0,
            Body::Invite {
                secret_hash: sha256(&secret),
                role: Role::Member,
                expires: T0 + 86_400,
            },
        );
        let m = self.member.clone();
        let (_, join) = self.append(
            &m,
            Body::Join {
                invite,
                secret,
                endpoint_key: [5; 32],
            },
        );
        self.append(&s0, Body::JoinAcceptance { join });
        self.append(
            &m,
            Body::DatasetAnnounce {
                dataset: self.dataset,
                category: "fitness".parse::<Category>().unwrap(),
            },
        );
    }

    /// Invites, joins and accepts `trainer` as a trainer (secret `[n; 32]`).
    pub fn join_trainer(&mut self, trainer: &SigningKey, n: u8) {
        let (s0, s1) = (self.stewards[0].clone(), self.stewards[1].clone());
        let (_, invite) = self.append(
            &s0,
            Body::Invite {
                secret_hash: sha256(&[n; 32]),
                role: Role::Trainer,
                expires: T0 + 10,
            },
        );
        let (_, join) = self.append(
            trainer,
            Body::Join {
                invite,
                secret: [n; 32],
                endpoint_key: [n; 32],
            },
        );
        self.append(&s1, Body::JoinAcceptance { join });
    }

    pub fn consent(&mut self) -> (u64, OpId) {
        let m = self.member.clone();
        self.append(
            &m,
            Body::ConsentSet {
                dataset: self.dataset,
                purposes: vec![Purpose::NonCommercialResearch, Purpose::ModelTraining],
                mode: ConsentMode::Ask,
                valid_until: Some(T0 + 365 * 86_400),
                retention_secs: Some(30 * 86_400),
                max_period_secs: Some(90 * 86_400),
                recipients: vec![],
            },
        )
    }

    /// Operator checkpoint, then every witness cosigns with timestamps now, now+1, ...
    pub fn checkpoint_and_cosign(&mut self, now: u64, cosigners: usize) -> SignedCheckpoint {
        let cp = self.log.sign_checkpoint(&self.operator, now).unwrap();
        for (i, w) in self.witnesses.iter_mut().take(cosigners).enumerate() {
            let old = w.last().map_or(0, |c| c.checkpoint.size);
            let proof = self.log.consistency_proof(old, cp.checkpoint.size).unwrap();
            match w.cosign(&cp, &proof, now + i as u64).unwrap() {
                WitnessOutcome::Cosigned(c) => {
                    self.log.add_cosignature(cp.checkpoint.size, &c).unwrap()
                }
                WitnessOutcome::Evidence(e) => panic!("unexpected evidence {e:?}"),
            }
        }
        self.log.checkpoints()[&cp.checkpoint.size].clone()
    }
}
