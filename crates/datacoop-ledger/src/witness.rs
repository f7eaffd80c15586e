//! C2SP tlog-cosignatures (`c2sp.org/tlog-cosignature`, Ed25519 type 0x04), the witness
//! role, and log time.

use ed25519_consensus::{Signature, SigningKey, VerificationKey};

use crate::LedgerError;
use crate::checkpoint::{Checkpoint, SignedCheckpoint};
use crate::encoding::Hash;
use crate::evidence::Evidence;
use crate::note::{NoteSignature, SIG_TYPE_COSIGNATURE, key_id};
use crate::tree;

/// The key name a witness cosigns under: `datacoop/witness/<key hex>` (see
/// [`crate::origin_for`] for why no domain).
pub fn witness_name(key: &[u8; 32]) -> String {
    format!("datacoop/witness/{}", hex::encode(key))
}

/// The message a cosigner signs: `cosignature/v1\ntime <t>\n` + checkpoint text.
pub fn cosigned_message(checkpoint: &Checkpoint, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{}", checkpoint.text())
}

/// A timestamped Ed25519 cosignature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cosignature {
    /// Key name.
    pub name: String,
    /// The witness key.
    pub witness: [u8; 32],
    /// POSIX seconds when it was made.
    pub timestamp: u64,
    /// Ed25519 signature.
    pub signature: [u8; 64],
}

impl Cosignature {
    /// Cosigns a checkpoint at time `now` under `name`.
    pub fn sign(
        name: &str,
        key: &SigningKey,
        checkpoint: &Checkpoint,
        now: u64,
    ) -> Result<Cosignature, LedgerError> {
        if !crate::note::valid_key_name(name) {
            return Err(LedgerError::note(format!("invalid key name {name:?}")));
        }
        if now > i64::MAX as u64 {
            return Err(LedgerError::note("timestamp above 2^63 - 1"));
        }
        Ok(Cosignature {
            name: name.to_owned(),
            witness: key.verification_key().to_bytes(),
            timestamp: now,
            signature: key
                .sign(cosigned_message(checkpoint, now).as_bytes())
                .to_bytes(),
        })
    }

    /// The note signature line.
    pub fn to_note_signature(&self) -> NoteSignature {
        let mut sig = self.timestamp.to_be_bytes().to_vec();
        sig.extend_from_slice(&self.signature);
        NoteSignature {
            name: self.name.clone(),
            key_id: key_id(&self.name, SIG_TYPE_COSIGNATURE, &self.witness),
            signature: sig,
        }
    }

    /// Reads a cosignature from a note signature line claimed to be by `witness`.
    pub fn from_note_signature(
        sig: &NoteSignature,
        witness: [u8; 32],
    ) -> Result<Cosignature, LedgerError> {
        if sig.key_id != key_id(&sig.name, SIG_TYPE_COSIGNATURE, &witness) {
            return Err(LedgerError::note(
                "cosignature key id does not match the witness key",
            ));
        }
        if sig.signature.len() != 72 {
            return Err(LedgerError::note("a cosignature is 8 + 64 bytes"));
        }
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&sig.signature[..8]);
        let timestamp = u64::from_be_bytes(ts);
        if timestamp > i64::MAX as u64 {
            return Err(LedgerError::note("timestamp above 2^63 - 1"));
        }
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&sig.signature[8..]);
        Ok(Cosignature {
            name: sig.name.clone(),
            witness,
            timestamp,
            signature,
        })
    }

    /// Parses a lone cosignature line (`— name base64`) for `witness`.
    pub fn parse_line(line: &str, witness: [u8; 32]) -> Result<Cosignature, LedgerError> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        if line.contains('\n') {
            return Err(LedgerError::note("a cosignature is one line"));
        }
        // Reuse the note parser on a dummy note so the line rules are identical.
        let note = crate::note::Note::parse(&format!("x\n\n{line}\n"))?;
        match note.signatures.as_slice() {
            [sig] => Cosignature::from_note_signature(sig, witness),
            _ => Err(LedgerError::note("expected exactly one cosignature line")),
        }
    }

    /// Verifies the cosignature over `checkpoint`.
    pub fn verify(&self, checkpoint: &Checkpoint) -> Result<(), LedgerError> {
        let vk = VerificationKey::try_from(self.witness).map_err(|_| LedgerError::BadKey {
            key: hex::encode(self.witness),
        })?;
        vk.verify(
            &Signature::from(self.signature),
            cosigned_message(checkpoint, self.timestamp).as_bytes(),
        )
        .map_err(|_| LedgerError::BadSignature {
            what: format!("cosignature by {}", self.name),
        })
    }
}

/// Log time of a checkpoint: of the valid cosignatures from the witness set, take the
/// first `quorum` ordered by witness key and return the lower median of their timestamps.
/// None if fewer than `quorum` (or quorum is 0).
pub fn log_time(cosignatures: &[Cosignature], witnesses: &[[u8; 32]], quorum: u32) -> Option<u64> {
    let q = quorum as usize;
    if q == 0 {
        return None;
    }
    let mut valid: Vec<&Cosignature> = cosignatures
        .iter()
        .filter(|c| witnesses.contains(&c.witness))
        .collect();
    valid.sort_by_key(|c| c.witness);
    valid.dedup_by_key(|c| c.witness);
    if valid.len() < q {
        return None;
    }
    let mut times: Vec<u64> = valid[..q].iter().map(|c| c.timestamp).collect();
    times.sort_unstable();
    Some(times[(q - 1) / 2])
}

/// A witness: remembers the last checkpoint it cosigned and only cosigns consistent
/// extensions of it. Its key is wiped when it is dropped and never printed.
pub struct Witness {
    key: SigningKey,
    operator: [u8; 32],
    origin: String,
    last: Option<SignedCheckpoint>,
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witness")
            .field("key", &hex::encode(self.key.verification_key().to_bytes()))
            .field("operator", &hex::encode(self.operator))
            .field("origin", &self.origin)
            .field("last", &self.last.as_ref().map(|c| c.checkpoint.size))
            .finish()
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl Witness {
    /// A witness for the log `origin` run by `operator`, resuming from `last` if known.
    pub fn new(
        key: SigningKey,
        origin: String,
        operator: [u8; 32],
        last: Option<SignedCheckpoint>,
    ) -> Self {
        Witness {
            key,
            operator,
            origin,
            last,
        }
    }

    /// This witness's public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verification_key().to_bytes()
    }

    /// The last checkpoint cosigned.
    pub fn last(&self) -> Option<&SignedCheckpoint> {
        self.last.as_ref()
    }

    /// Changes the operator key it accepts (after a governance change).
    pub fn set_operator(&mut self, operator: [u8; 32]) {
        self.operator = operator;
    }

    /// Checks the operator signature and consistency with the last checkpoint seen
    /// (`proof` from its size to the new one), then cosigns at `now`. The first checkpoint
    /// a new witness sees is trusted as is (pass `last` to [`Witness::new`] to resume).
    ///
    /// An inconsistent checkpoint, or one of the same size with another root, is returned
    /// as [`WitnessOutcome::Evidence`], never cosigned.
    pub fn cosign(
        &mut self,
        checkpoint: &SignedCheckpoint,
        proof: &[Hash],
        now: u64,
    ) -> Result<WitnessOutcome, LedgerError> {
        let cp = &checkpoint.checkpoint;
        if cp.origin != self.origin {
            return Err(LedgerError::note(format!("unknown origin {:?}", cp.origin)));
        }
        checkpoint.verify_operator(&self.operator)?;
        if let Some(last) = &self.last {
            let old = &last.checkpoint;
            if cp.size < old.size {
                return Err(LedgerError::InvalidProof {
                    reason: format!(
                        "checkpoint size {} is older than the {} already cosigned",
                        cp.size, old.size
                    ),
                });
            }
            if cp.size == old.size && cp.root != old.root {
                return Ok(WitnessOutcome::Evidence(Evidence::SplitView {
                    first: last.render(),
                    second: checkpoint.render(),
                }));
            }
            if let Err(e) = tree::verify_consistency(old.size, cp.size, &old.root, &cp.root, proof)
            {
                return Ok(WitnessOutcome::Evidence(
                    Evidence::InconsistentCheckpoints {
                        older: last.render(),
                        newer: checkpoint.render(),
                        reason: e.to_string(),
                    },
                ));
            }
        }
        let cosig = Cosignature::sign(&witness_name(&self.public_key()), &self.key, cp, now)?;
        self.last = Some(checkpoint.clone());
        Ok(WitnessOutcome::Cosigned(cosig))
    }
}

/// What a witness did with a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WitnessOutcome {
    /// It cosigned.
    Cosigned(Cosignature),
    /// It refused, with proof of misbehaviour.
    Evidence(Evidence),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A witness's key (the seed of a steward's signing key) never shows in logs.
    #[test]
    fn debug_never_prints_the_key() {
        let seed = [0x5a; 32];
        let witness = Witness::new(SigningKey::from(seed), "o".into(), [1; 32], None);
        let shown = format!("{witness:?}");
        assert!(!shown.contains(&hex::encode(seed)), "{shown}");
        assert!(!shown.to_lowercase().contains("seed"), "{shown}");
    }
}
