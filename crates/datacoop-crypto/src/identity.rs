use std::fmt;
use std::str::FromStr;

use ed25519_consensus::{SigningKey, VerificationKey};
use serde::{Deserialize, Serialize};
use x25519_dalek::{PublicKey as X25519Public, StaticSecret};

use crate::CryptoError;

/// An identity's public id: its ed25519 verification key, written as 64 lowercase hex
/// digits. Any unique prefix of 8 or more digits names it on the command line.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct IdentityId([u8; 32]);

impl IdentityId {
    /// The raw verification key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 8 hex digits, for display next to a name.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..4])
    }
}

impl fmt::Display for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for IdentityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdentityId({self})")
    }
}

impl FromStr for IdentityId {
    type Err = CryptoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes)
            .map_err(|e| CryptoError::InvalidKey(format!("identity id: {e}")))?;
        Ok(IdentityId(bytes))
    }
}

impl TryFrom<String> for IdentityId {
    type Error = CryptoError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<IdentityId> for String {
    fn from(value: IdentityId) -> Self {
        value.to_string()
    }
}

/// The public half of an identity, safe to show and share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PublicIdentity {
    /// The identity id (ed25519 verification key).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: IdentityId,
    /// The x25519 public key others seal secrets to, as hex.
    pub x25519_public: String,
    /// The display name chosen at `init`.
    pub name: String,
}

/// A member's identity: an ed25519 signing key for the log and an x25519 key that
/// sealed secrets (key backups) are addressed to.
pub struct Identity {
    name: String,
    signing: SigningKey,
    agreement: StaticSecret,
}

impl Identity {
    /// Rebuilds an identity from its secret seeds.
    pub fn from_seeds(name: &str, signing_seed: [u8; 32], agreement_seed: [u8; 32]) -> Self {
        Identity {
            name: name.to_owned(),
            signing: SigningKey::from(signing_seed),
            agreement: StaticSecret::from(agreement_seed),
        }
    }

    /// The public id.
    pub fn id(&self) -> IdentityId {
        IdentityId(self.signing.verification_key().to_bytes())
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The ed25519 verification key.
    pub fn verification_key(&self) -> VerificationKey {
        self.signing.verification_key()
    }

    /// The ed25519 signing key, for signing log operations.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// Signs a message with the identity's ed25519 key.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }

    /// The seed of this identity's network endpoint key: derived from the signing key
    /// with its own domain, so a restored identity comes back with the same endpoint,
    /// and the endpoint key reveals nothing of the signing key. The identity certifies
    /// the endpoint on the log (it is not derivable from the public identity).
    pub fn endpoint_seed(&self) -> zeroize::Zeroizing<[u8; 32]> {
        let signing = zeroize::Zeroizing::new(self.signing.to_bytes());
        zeroize::Zeroizing::new(blake3::derive_key(
            "datacoop 2026-12-02 network endpoint key from identity v1",
            signing.as_slice(),
        ))
    }

    /// The x25519 secret that values sealed to [`Identity::x25519_public`] open with.
    pub(crate) fn agreement_secret(&self) -> &StaticSecret {
        &self.agreement
    }

    /// The x25519 public key.
    pub fn x25519_public(&self) -> [u8; 32] {
        X25519Public::from(&self.agreement).to_bytes()
    }

    /// What may be shown to anyone.
    pub fn public(&self) -> PublicIdentity {
        PublicIdentity {
            id: self.id(),
            x25519_public: hex::encode(self.x25519_public()),
            name: self.name.clone(),
        }
    }
}

impl Drop for Identity {
    fn drop(&mut self) {
        // The x25519 secret wipes itself (x25519-dalek's `zeroize` feature); the ed25519
        // key has no drop of its own.
        zeroize::Zeroize::zeroize(&mut self.signing);
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("name", &self.name)
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_endpoint_seed_is_fixed_per_identity_and_unlike_its_keys() {
        let a = Identity::from_seeds("Ada", [1; 32], [2; 32]);
        let again = Identity::from_seeds("Ada (restored)", [1; 32], [3; 32]);
        let other = Identity::from_seeds("Ada", [4; 32], [2; 32]);
        assert_eq!(*a.endpoint_seed(), *again.endpoint_seed());
        assert_ne!(*a.endpoint_seed(), *other.endpoint_seed());
        assert_ne!(*a.endpoint_seed(), [1; 32]);
        assert_ne!(*a.endpoint_seed(), a.verification_key().to_bytes());
    }

    use super::*;

    #[test]
    fn id_round_trips_and_signs() {
        let identity = Identity::from_seeds("Ada", [7; 32], [9; 32]);
        let id = identity.id();
        assert_eq!(id.to_string().len(), 64);
        assert_eq!(id.to_string().parse::<IdentityId>().unwrap(), id);
        let sig = identity.sign(b"hello");
        let key = VerificationKey::try_from(*id.as_bytes()).unwrap();
        key.verify(&ed25519_consensus::Signature::from(sig), b"hello")
            .unwrap();
        assert!(!format!("{identity:?}").contains("signing"));
    }
}
