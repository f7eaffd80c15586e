//! Sealing small secrets to an x25519 public key with HPKE (RFC 9180, base mode,
//! DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305): key backups to the
//! member's own key now, capabilities to a trainer's request key later.
//!
//! A sealed value is `enc (32 bytes) || ciphertext || tag (16 bytes)`. The `info` names
//! what the value is for, so a value sealed for one use never opens as another, and the
//! associated data binds it to what it is about.

use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use x25519_dalek::StaticSecret;
use zeroize::Zeroizing;

use crate::CryptoError;

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::ChaCha20Poly1305;

/// The length of the encapsulated key in front of every sealed value.
pub const ENC_LEN: usize = 32;
/// What sealing adds to the plaintext's length.
pub const OVERHEAD: usize = ENC_LEN + 16;

/// Seals `plaintext` to `recipient` (an x25519 public key).
pub fn seal(
    recipient: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    seal_with_rng(recipient, info, aad, plaintext, &mut SystemRandom)
}

pub(crate) fn seal_with_rng(
    recipient: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    rng: &mut impl hpke::rand_core::CryptoRng,
) -> Result<Vec<u8>, CryptoError> {
    let public = <Kem as hpke::Kem>::PublicKey::from_bytes(recipient)
        .map_err(|_| CryptoError::InvalidKey("not an x25519 public key".into()))?;
    let (enc, ciphertext) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &public,
        info,
        plaintext,
        aad,
        rng,
    )
    .map_err(|e| CryptoError::Random(e.to_string()))?;
    let mut sealed = Vec::with_capacity(ENC_LEN + ciphertext.len());
    sealed.extend_from_slice(&enc.to_bytes());
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

/// Opens what [`seal`] sealed to the public half of `secret`, with the same `info` and
/// `aad`; anything else (another key, another use, tampered bytes) is
/// [`CryptoError::SealedToAnother`].
pub fn open(
    secret: &StaticSecret,
    info: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.len() < OVERHEAD {
        return Err(CryptoError::SealedToAnother);
    }
    let (enc, ciphertext) = sealed.split_at(ENC_LEN);
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc)
        .map_err(|_| CryptoError::SealedToAnother)?;
    let secret_bytes = Zeroizing::new(secret.to_bytes());
    let private = <Kem as hpke::Kem>::PrivateKey::from_bytes(&secret_bytes[..])
        .map_err(|_| CryptoError::InvalidKey("not an x25519 secret key".into()))?;
    hpke::single_shot_open::<Aead, Kdf, Kem>(&OpModeR::Base, &private, &enc, info, ciphertext, aad)
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::SealedToAnother)
}

/// The operating system's random source, as HPKE's sender asks for one.
struct SystemRandom;

impl hpke::rand_core::TryRng for SystemRandom {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        // An infallible source is what the sender takes; a failing OS random source is
        // not something to seal secrets with, so it stops here.
        #[allow(clippy::expect_used)]
        getrandom::fill(dst).expect("the system random number generator failed");
        Ok(())
    }
}

impl hpke::rand_core::TryCryptoRng for SystemRandom {}

/// The public half of `secret`.
#[cfg(test)]
fn public_of(secret: &StaticSecret) -> [u8; 32] {
    x25519_dalek::PublicKey::from(secret).to_bytes()
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// Gives out fixed bytes: the sender's ephemeral key material of a test vector.
    pub(crate) struct Fixed(Vec<u8>);

    impl Fixed {
        pub(crate) fn new(bytes: impl Into<Vec<u8>>) -> Self {
            Fixed(bytes.into())
        }
    }

    impl hpke::rand_core::TryRng for Fixed {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            unreachable!("HPKE asks for whole keys")
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            unreachable!("HPKE asks for whole keys")
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            let taken: Vec<u8> = self.0.drain(..dst.len()).collect();
            dst.copy_from_slice(&taken);
            Ok(())
        }
    }

    impl hpke::rand_core::TryCryptoRng for Fixed {}
}

#[cfg(test)]
mod tests {
    use super::tests_support::Fixed;
    use super::*;

    fn unhex<const N: usize>(text: &str) -> [u8; N] {
        let mut out = [0; N];
        hex::decode_to_slice(text, &mut out).unwrap();
        out
    }

    // RFC 9180, Appendix A.2.1 (base mode) and A.2.1.1 (sequence number 0).
    const IKM_E: &str = "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b";
    const SK_R: &str = "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb";
    const PK_R: &str = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
    const ENC: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
    const INFO: &[u8] = b"Ode on a Grecian Urn";
    const AAD: &[u8] = b"Count-0";
    const PT: &[u8] = b"Beauty is truth, truth beauty";
    const CT: &str = "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28";

    fn vector_sealed() -> Vec<u8> {
        let mut sealed = unhex::<32>(ENC).to_vec();
        sealed.extend(hex::decode(CT).unwrap());
        sealed
    }

    #[test]
    fn sealing_with_the_vectors_ephemeral_key_gives_the_rfc_9180_bytes() {
        let sealed = seal_with_rng(
            &unhex(PK_R),
            INFO,
            AAD,
            PT,
            &mut Fixed::new(unhex::<32>(IKM_E)),
        )
        .unwrap();
        assert_eq!(hex::encode(&sealed), hex::encode(vector_sealed()));
    }

    #[test]
    fn the_rfc_9180_ciphertext_opens_with_the_recipients_key() {
        let secret = StaticSecret::from(unhex::<32>(SK_R));
        assert_eq!(public_of(&secret), unhex::<32>(PK_R));
        let opened = open(&secret, INFO, AAD, &vector_sealed()).unwrap();
        assert_eq!(opened.as_slice(), PT);
    }

    #[test]
    fn another_key_use_context_or_a_flipped_bit_does_not_open() {
        let secret = StaticSecret::from(unhex::<32>(SK_R));
        let sealed = seal(&unhex(PK_R), INFO, AAD, PT).unwrap();
        assert_eq!(sealed.len(), PT.len() + OVERHEAD);
        assert_ne!(sealed, vector_sealed(), "a fresh ephemeral key each time");
        assert_eq!(open(&secret, INFO, AAD, &sealed).unwrap().as_slice(), PT);
        let other = StaticSecret::from([9; 32]);
        let refused = [
            open(&other, INFO, AAD, &sealed),
            open(&secret, b"another use", AAD, &sealed),
            open(&secret, INFO, b"Count-1", &sealed),
            open(&secret, INFO, AAD, &sealed[..sealed.len() - 1]),
            open(&secret, INFO, AAD, &sealed[..10]),
        ];
        for (n, result) in refused.into_iter().enumerate() {
            assert!(
                matches!(result, Err(CryptoError::SealedToAnother)),
                "case {n}"
            );
        }
        for at in [0, ENC_LEN, sealed.len() - 1] {
            let mut flipped = sealed.clone();
            flipped[at] ^= 1;
            assert!(open(&secret, INFO, AAD, &flipped).is_err(), "bit at {at}");
        }
    }
}
