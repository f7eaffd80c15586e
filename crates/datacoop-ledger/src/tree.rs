//! RFC 6962 / RFC 9162 Merkle tree over SHA-256: hashing, inclusion and consistency
//! proofs, and their verification.

use crate::LedgerError;
use crate::encoding::Hash;
use sha2::{Digest, Sha256};

/// Root of the empty tree: SHA-256 of the empty string.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// Leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// Interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// An in-memory Merkle tree that keeps every complete subtree hash, so roots at any
/// earlier size and proofs cost O(log n) hashes.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    /// `levels[l][i]` is the hash of leaves `[i << l, (i + 1) << l)`.
    levels: Vec<Vec<Hash>>,
}

fn largest_power_of_two_below(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

impl MerkleTree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Appends a leaf by its leaf hash (see [`leaf_hash`]).
    pub fn push_leaf_hash(&mut self, hash: Hash) {
        let mut level = 0;
        let mut current = hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(current);
            if row.len() % 2 == 1 {
                break;
            }
            current = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
    }

    /// Removes every leaf at index `size` and beyond.
    pub fn truncate(&mut self, size: u64) {
        for (level, row) in self.levels.iter_mut().enumerate() {
            row.truncate((size >> level) as usize);
        }
        while self.levels.last().is_some_and(Vec::is_empty) {
            self.levels.pop();
        }
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels.first()?.get(index as usize).copied()
    }

    /// Hash of the leaves `[start, start + len)`, where the range lies within the tree
    /// and `start` is a multiple of the largest power of two below `len` (as every range
    /// the RFC algorithms visit is).
    fn range_hash(&self, start: u64, len: u64) -> Hash {
        if len.is_power_of_two() {
            let level = len.trailing_zeros() as usize;
            return self.levels[level][(start >> level) as usize];
        }
        let k = largest_power_of_two_below(len);
        let left = self.range_hash(start, k);
        let right = self.range_hash(start + k, len - k);
        node_hash(&left, &right)
    }

    /// The root of the tree made of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, LedgerError> {
        if size > self.size() {
            return Err(LedgerError::proof(format!(
                "tree size {size} exceeds the {} leaves known",
                self.size()
            )));
        }
        Ok(if size == 0 {
            EMPTY_ROOT
        } else {
            self.range_hash(0, size)
        })
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        let size = self.size();
        if size == 0 {
            EMPTY_ROOT
        } else {
            self.range_hash(0, size)
        }
    }

    /// Inclusion proof (RFC 6962 audit path) for leaf `index` in the tree of `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, LedgerError> {
        if index >= size || size > self.size() {
            return Err(LedgerError::proof(format!(
                "no leaf {index} in a tree of size {size} ({} known)",
                self.size()
            )));
        }
        let mut out = Vec::new();
        self.path(index, 0, size, &mut out);
        Ok(out)
    }

    fn path(&self, m: u64, start: u64, n: u64, out: &mut Vec<Hash>) {
        if n <= 1 {
            return;
        }
        let k = largest_power_of_two_below(n);
        if m < k {
            self.path(m, start, k, out);
            out.push(self.range_hash(start + k, n - k));
        } else {
            self.path(m - k, start + k, n - k, out);
            out.push(self.range_hash(start, k));
        }
    }

    /// Consistency proof between the trees of `old_size` and `new_size` leaves.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, LedgerError> {
        if old_size > new_size || new_size > self.size() {
            return Err(LedgerError::proof(format!(
                "no consistency proof from {old_size} to {new_size} ({} known)",
                self.size()
            )));
        }
        let mut out = Vec::new();
        if old_size > 0 && old_size < new_size {
            self.subproof(old_size, 0, new_size, true, &mut out);
        }
        Ok(out)
    }

    fn subproof(&self, m: u64, start: u64, n: u64, complete: bool, out: &mut Vec<Hash>) {
        if m == n {
            if !complete {
                out.push(self.range_hash(start, n));
            }
            return;
        }
        let k = largest_power_of_two_below(n);
        if m <= k {
            self.subproof(m, start, k, complete, out);
            out.push(self.range_hash(start + k, n - k));
        } else {
            self.subproof(m - k, start + k, n - k, false, out);
            out.push(self.range_hash(start, k));
        }
    }
}

/// Computes the root implied by an inclusion proof (RFC 9162, section 2.1.3.2).
pub fn root_from_inclusion_proof(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
) -> Result<Hash, LedgerError> {
    if index >= size {
        return Err(LedgerError::proof(format!(
            "index {index} is not below size {size}"
        )));
    }
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(LedgerError::proof("inclusion proof too long"));
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(LedgerError::proof("inclusion proof too short"));
    }
    Ok(r)
}

/// Verifies that `leaf` is at `index` in the tree of `size` leaves with root `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), LedgerError> {
    if root_from_inclusion_proof(index, size, leaf, proof)? == *root {
        Ok(())
    } else {
        Err(LedgerError::proof(
            "inclusion proof does not lead to the root",
        ))
    }
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the tree
/// of `new_size` leaves with root `new_root` (RFC 9162, section 2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), LedgerError> {
    if old_size > new_size {
        return Err(LedgerError::proof(
            "the old tree is larger than the new one",
        ));
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(LedgerError::proof(
                "proof between equal sizes must be empty",
            ));
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(LedgerError::proof("different roots at the same size"))
        };
    }
    if old_size == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(LedgerError::proof(
                "proof from the empty tree must be empty",
            ))
        };
    }
    if proof.is_empty() {
        return Err(LedgerError::proof("empty consistency proof"));
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let mut fr = path[0];
    let mut sr = path[0];
    for c in &path[1..] {
        if snode == 0 {
            return Err(LedgerError::proof("consistency proof too long"));
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(LedgerError::proof("consistency proof too short"));
    }
    if fr != *old_root {
        return Err(LedgerError::proof(
            "consistency proof does not lead to the old root",
        ));
    }
    if sr != *new_root {
        return Err(LedgerError::proof(
            "consistency proof does not lead to the new root",
        ));
    }
    Ok(())
}
