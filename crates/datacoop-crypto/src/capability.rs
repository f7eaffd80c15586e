//! Capabilities: a dataset's epoch keys released to one access request, sealed with HPKE
//! ([`crate::hpke_seal`]) to the x25519 key the trainer made for that request alone
//! ([`RequestKey`]), with the grant's terms as associated data.
//!
//! Format, version 1: `"dccp" || 0x01 || sealed`; `sealed` is HPKE with info `datacoop
//! capability v1` and associated data the 32-byte binding of the grant's terms, the
//! cooperative and the member (`datacoop_ledger::ReleaseTerms::binding`), of the lines
//! `<epoch> AGE-SECRET-KEY-1…\n`, epochs ascending. A capability copied into another
//! grant, or opened with another request's key, does not open.

use std::fmt::Write as _;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::{CryptoError, EpochKey, hpke_seal};

const MAGIC: &[u8; 4] = b"dccp";
const VERSION: u8 = 1;
const INFO: &[u8] = b"datacoop capability v1";
/// The most epochs one capability carries (as a grant names at most 64).
pub const MAX_EPOCHS: usize = 64;
const MAX_LEN: usize = 5 + hpke_seal::OVERHEAD + MAX_EPOCHS * 96;

/// The x25519 key a trainer makes for one request: its public half goes on the log in the
/// request, its secret stays with the trainer until the grant ends.
pub struct RequestKey(StaticSecret);

impl RequestKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(RequestKey(StaticSecret::from(crate::random_bytes::<32>()?)))
    }

    /// The key from its stored secret bytes.
    pub fn from_secret(bytes: [u8; 32]) -> Self {
        RequestKey(StaticSecret::from(bytes))
    }

    /// The secret bytes, to store sealed.
    pub fn to_secret(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public key the request names.
    pub fn public(&self) -> [u8; 32] {
        PublicKey::from(&self.0).to_bytes()
    }
}

impl std::fmt::Debug for RequestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RequestKey({})", hex::encode(self.public()))
    }
}

/// Epoch keys sealed to a request's key, bound to a grant.
///
/// ```
/// use datacoop_crypto::{Capability, EpochKey, RequestKey};
///
/// let request = RequestKey::generate().unwrap();
/// let keys = vec![(0, EpochKey::generate()), (1, EpochKey::generate())];
/// let binding = [7u8; 32]; // ReleaseTerms::binding(coop, member) on the log
/// let cap = Capability::seal(&keys, &request.public(), &binding).unwrap();
/// let opened = Capability::from_bytes(cap.as_bytes().to_vec()).unwrap()
///     .open(&request, &binding).unwrap();
/// assert_eq!(opened[1].0, 1);
/// assert_eq!(opened[1].1.recipient().to_string(), keys[1].1.recipient().to_string());
/// // Bound to its grant: another binding does not open it.
/// assert!(cap.open(&request, &[8u8; 32]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability(Vec<u8>);

impl Capability {
    /// Seals `keys` (epoch number, key; ascending, 1 to [`MAX_EPOCHS`]) to `request_key`
    /// with `binding` as associated data.
    pub fn seal(
        keys: &[(u32, EpochKey)],
        request_key: &[u8; 32],
        binding: &[u8; 32],
    ) -> Result<Self, CryptoError> {
        if keys.is_empty() || keys.len() > MAX_EPOCHS {
            return Err(CryptoError::InvalidKey(format!(
                "a capability carries 1 to {MAX_EPOCHS} epoch keys"
            )));
        }
        let mut text = Zeroizing::new(String::new());
        for (epoch, key) in keys {
            let _ = writeln!(text, "{epoch} {}", key.to_secret_string().expose_secret());
        }
        let sealed = hpke_seal::seal(request_key, INFO, binding, text.as_bytes())?;
        let mut bytes = Vec::with_capacity(MAGIC.len() + 1 + sealed.len());
        bytes.extend_from_slice(MAGIC);
        bytes.push(VERSION);
        bytes.extend_from_slice(&sealed);
        Ok(Capability(bytes))
    }

    /// Opens the capability with the request's key, for the grant `binding` names.
    pub fn open(
        &self,
        request_key: &RequestKey,
        binding: &[u8; 32],
    ) -> Result<Vec<(u32, EpochKey)>, CryptoError> {
        let sealed = &self.0[MAGIC.len() + 1..];
        let text = hpke_seal::open(&request_key.0, INFO, binding, sealed)?;
        let damaged = || CryptoError::CapabilityDamaged {
            reason: "it holds no epoch keys".into(),
        };
        let text = std::str::from_utf8(&text).map_err(|_| damaged())?;
        let mut keys = Vec::new();
        for line in text.lines() {
            let (epoch, secret) = line.split_once(' ').ok_or_else(damaged)?;
            let epoch: u32 = epoch.parse().map_err(|_| damaged())?;
            let key = EpochKey::from_str(secret).map_err(|_| damaged())?;
            keys.push((epoch, key));
        }
        if keys.is_empty() {
            return Err(damaged());
        }
        Ok(keys)
    }

    /// The bytes to store or send.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Reads received bytes, checking the frame (not the seal: [`Capability::open`] does).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, CryptoError> {
        let damaged = |reason: &str| CryptoError::CapabilityDamaged {
            reason: reason.into(),
        };
        if bytes.len() < MAGIC.len() + 1 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(damaged("it is not a datacoop capability"));
        }
        if bytes[MAGIC.len()] != VERSION {
            return Err(damaged("it was made by a newer datacoop"));
        }
        if bytes.len() < MAGIC.len() + 1 + hpke_seal::OVERHEAD {
            return Err(damaged("it is cut short"));
        }
        if bytes.len() > MAX_LEN {
            return Err(damaged("it is too long to be a capability"));
        }
        Ok(Capability(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The frame is fixed: magic, version, then exactly the HPKE overhead plus the lines.
    #[test]
    fn format_vector_and_refusals() {
        let request = RequestKey::from_secret([3; 32]);
        let key: EpochKey =
            "AGE-SECRET-KEY-1GQ9778VQXMMJVE8SK7J6VT8UJ4HDQAJUVSFCWCM02D8GEWQ72PVQ2Y5J33"
                .parse()
                .unwrap();
        let cap = Capability::seal(&[(0, key.clone())], &request.public(), &[1; 32]).unwrap();
        let bytes = cap.as_bytes();
        assert_eq!(&bytes[..5], b"dccp\x01");
        let line = format!("0 {}\n", key.to_secret_string().expose_secret());
        assert_eq!(bytes.len(), 5 + hpke_seal::OVERHEAD + line.len());

        // Another request's key, another grant, a flipped byte: SealedToAnother.
        let other = RequestKey::from_secret([4; 32]);
        assert_eq!(
            cap.open(&other, &[1; 32]).unwrap_err().code(),
            datacoop_core::Code::IntegritySealedKey
        );
        assert!(matches!(
            cap.open(&request, &[2; 32]),
            Err(CryptoError::SealedToAnother)
        ));
        let mut flipped = bytes.to_vec();
        flipped[40] ^= 1;
        let flipped = Capability::from_bytes(flipped).unwrap();
        assert!(matches!(
            flipped.open(&request, &[1; 32]),
            Err(CryptoError::SealedToAnother)
        ));
        for (bad, why) in [
            (b"dckb\x01".to_vec(), "not a datacoop capability"),
            (b"dccp\x02".to_vec(), "newer"),
            (b"dccp\x01abc".to_vec(), "cut short"),
            (
                vec![b'd', b'c', b'c', b'p', 1]
                    .into_iter()
                    .chain([0; 9000])
                    .collect(),
                "too long",
            ),
        ] {
            let err = Capability::from_bytes(bad).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
        }
        assert!(Capability::seal(&[], &request.public(), &[1; 32]).is_err());
        let opened = cap.open(&request, &[1; 32]).unwrap();
        assert_eq!(opened.len(), 1);
        assert_eq!(
            opened[0].1.recipient().to_string(),
            key.recipient().to_string()
        );
        assert!(format!("{request:?}").starts_with("RequestKey("));
    }
}
