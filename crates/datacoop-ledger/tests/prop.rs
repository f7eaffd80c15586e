//! Property tests: appends never invalidate earlier proofs; encodings round-trip.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use datacoop_ledger::*;
use proptest::prelude::*;

proptest! {
    /// Any sequence of appends keeps every earlier checkpoint's inclusion proofs and every
    /// consistency proof between checkpoints valid against the current tree.
    #[test]
    fn appends_keep_earlier_proofs_valid(batches in proptest::collection::vec(1usize..40, 1..12), seed in any::<u64>()) {
        let mut tree = MerkleTree::new();
        let mut leaves = Vec::new();
        let mut checkpoints: Vec<(u64, Hash)> = Vec::new();
        for (b, n) in batches.iter().enumerate() {
            for i in 0..*n {
                let leaf = leaf_hash(format!("{seed}/{b}/{i}").as_bytes());
                tree.push_leaf_hash(leaf);
                leaves.push(leaf);
            }
            checkpoints.push((tree.size(), tree.root()));
            let (size, root) = (tree.size(), tree.root());
            for &(old_size, old_root) in &checkpoints {
                // The old root is still what the tree says at that size.
                prop_assert_eq!(tree.root_at(old_size).unwrap(), old_root);
                let proof = tree.consistency_proof(old_size, size).unwrap();
                prop_assert!(verify_consistency(old_size, size, &old_root, &root, &proof).is_ok());
                for index in (0..old_size).step_by(1 + old_size as usize / 7) {
                    let p = tree.inclusion_proof(index, old_size).unwrap();
                    prop_assert!(verify_inclusion(index, old_size, &leaves[index as usize], &p, &old_root).is_ok());
                    let p = tree.inclusion_proof(index, size).unwrap();
                    prop_assert!(verify_inclusion(index, size, &leaves[index as usize], &p, &root).is_ok());
                }
            }
        }
    }

    /// The tree's roots equal a naive recursive RFC 6962 computation.
    #[test]
    fn roots_match_naive_definition(n in 0usize..70) {
        fn mth(leaves: &[Hash]) -> Hash {
            match leaves.len() {
                0 => EMPTY_ROOT,
                1 => leaves[0],
                n => {
                    let k = n.next_power_of_two() / 2;
                    let k = if k == n { n / 2 } else { k };
                    node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
                }
            }
        }
        let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut tree = MerkleTree::new();
        for l in &leaves { tree.push_leaf_hash(*l); }
        for size in 0..=n {
            prop_assert_eq!(tree.root_at(size as u64).unwrap(), mth(&leaves[..size]));
        }
        // Truncation gives back the smaller tree.
        let mut t = tree.clone();
        t.truncate(n as u64 / 2);
        prop_assert_eq!(t.root(), mth(&leaves[..n / 2]));
    }

    /// Signed headers round-trip canonically for arbitrary field values.
    #[test]
    fn headers_round_trip(coop in any::<[u8; 32]>(), seq in any::<u64>(), prev in any::<Option<[u8; 32]>>(),
                          body_hash in any::<[u8; 32]>(), time in any::<u64>(), kind in 0usize..18) {
        let kinds = [OpKind::Genesis, OpKind::Proposal, OpKind::ProposalApproval, OpKind::Invite, OpKind::Join,
            OpKind::JoinAcceptance, OpKind::Leave, OpKind::DatasetAnnounce, OpKind::ConsentSet, OpKind::ConsentWithdraw,
            OpKind::AskAnswer, OpKind::AccessRequest, OpKind::RequestApproval, OpKind::RequestDenial, OpKind::Grant,
            OpKind::Revocation, OpKind::ErasureNotice, OpKind::PinRelease];
        let k = key(3);
        let h = Header { coop, author: pk(&k), author_seq: seq, prev_by_author: prev.map(OpId), body_hash, claimed_time: time, kind: kinds[kind] };
        let signed = h.clone().sign(&k);
        let back = SignedHeader::decode(signed.as_bytes()).unwrap();
        prop_assert_eq!(back.header(), &h);
        prop_assert_eq!(back.id(), signed.id());
        prop_assert!(back.verify_signature().is_ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// With real operations through the log: every receipt issued so far still verifies
    /// against the newest checkpoint's consistency proof and its own checkpoint.
    #[test]
    fn log_receipts_stay_valid(batches in proptest::collection::vec(1usize..6, 1..5)) {
        let mut coop = Coop::new(MemStore::new());
        let mut receipts = Vec::new();
        for (b, n) in batches.iter().enumerate() {
            for _ in 0..*n { coop.consent(); }
            coop.checkpoint_and_cosign(T0 + 100 * b as u64, 2);
            let keys = CoopKeys::from_state(coop.log.state());
            let latest = coop.log.latest_checkpoint().unwrap().checkpoint.clone();
            for index in 0..coop.log.len() {
                if let Ok(bundle) = coop.log.proof_bundle(index) {
                    let r = bundle.verify(&keys, true).unwrap();
                    receipts.push((bundle.checkpoint.checkpoint.clone(), r));
                }
            }
            for (cp, r) in &receipts {
                let proof = coop.log.consistency_proof(cp.size, latest.size).unwrap();
                prop_assert!(verify_consistency(cp.size, latest.size, &cp.root, &latest.root, &proof).is_ok());
                let p = coop.log.inclusion_proof(r.index, latest.size).unwrap();
                prop_assert!(verify_inclusion(r.index, latest.size, &r.header.leaf_hash(), &p, &latest.root).is_ok());
            }
        }
    }
}
