use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::{CryptoError, random_bytes};

const NONCE_LEN: usize = 24;

/// Seals small values (metadata records) with XChaCha20-Poly1305 and a random nonce.
///
/// The associated data binds a sealed value to where it is stored (tree name and key),
/// so a value moved to another place fails to open.
pub struct ValueCipher {
    cipher: XChaCha20Poly1305,
}

impl ValueCipher {
    /// A cipher under `key`.
    pub fn new(key: Zeroizing<[u8; 32]>) -> Self {
        ValueCipher {
            cipher: XChaCha20Poly1305::new(&(*key).into()),
        }
    }

    /// `nonce || ciphertext || tag`.
    pub fn seal(&self, associated_data: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce_bytes: [u8; NONCE_LEN] = random_bytes()?;
        let nonce = XNonce::from(nonce_bytes);
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: associated_data,
                },
            )
            .map_err(|_| CryptoError::SealBroken)?;
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Opens what [`ValueCipher::seal`] produced with the same associated data.
    pub fn open(
        &self,
        associated_data: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::SealBroken);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        let nonce_bytes: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::SealBroken)?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce_bytes),
                Payload {
                    msg: ciphertext,
                    aad: associated_data,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::SealBroken)
    }
}

/// A keyed BLAKE3 hash turning names into opaque, fixed-size storage keys.
pub struct KeyedHasher {
    key: Zeroizing<[u8; 32]>,
}

impl KeyedHasher {
    /// A hasher under `key`.
    pub fn new(key: Zeroizing<[u8; 32]>) -> Self {
        KeyedHasher { key }
    }

    /// Hashes the parts, each length-prefixed so that no two part lists collide.
    pub fn hash(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new_keyed(&self.key);
        for part in parts {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        *hasher.finalize().as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The metadata key inside the cipher is wiped when the cipher goes.
    #[test]
    fn the_cipher_wipes_its_key_on_drop() {
        fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wipes_on_drop::<XChaCha20Poly1305>();
    }

    #[test]
    fn sealed_values_are_bound_to_their_place() {
        let cipher = ValueCipher::new(Zeroizing::new([1; 32]));
        let sealed = cipher.seal(b"tree/key1", b"secret name.txt").unwrap();
        assert_eq!(
            &*cipher.open(b"tree/key1", &sealed).unwrap(),
            b"secret name.txt"
        );
        assert!(cipher.open(b"tree/key2", &sealed).is_err());
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            cipher.open(b"tree/key1", &flipped).unwrap_err().code(),
            "integrity.seal_broken"
        );
        assert!(cipher.open(b"tree/key1", &sealed[..10]).is_err());
        let other = ValueCipher::new(Zeroizing::new([2; 32]));
        assert!(other.open(b"tree/key1", &sealed).is_err());
    }

    #[test]
    fn keyed_hash_separates_parts_and_keys() {
        let a = KeyedHasher::new(Zeroizing::new([1; 32]));
        let b = KeyedHasher::new(Zeroizing::new([2; 32]));
        assert_ne!(a.hash(&[b"ab", b"c"]), a.hash(&[b"a", b"bc"]));
        assert_ne!(a.hash(&[b"x"]), b.hash(&[b"x"]));
        assert_eq!(a.hash(&[b"x"]), a.hash(&[b"x"]));
    }
}
