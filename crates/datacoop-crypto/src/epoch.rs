use std::fmt;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};

use crate::CryptoError;

/// The age X25519 identity that a dataset's files of one epoch are encrypted to.
///
/// Granting access hands out whole epochs, so each epoch has its own key.
pub struct EpochKey(age::x25519::Identity);

impl EpochKey {
    /// A fresh random epoch key.
    pub fn generate() -> Self {
        EpochKey(age::x25519::Identity::generate())
    }

    /// The public recipient (`age1...`) files are encrypted to.
    pub fn recipient(&self) -> age::x25519::Recipient {
        self.0.to_public()
    }

    /// The age identity, for decrypting.
    pub fn age_identity(&self) -> &age::x25519::Identity {
        &self.0
    }

    /// The secret in age's text form (`AGE-SECRET-KEY-1...`), which stock `age -d -i` reads.
    pub fn to_secret_string(&self) -> SecretString {
        self.0.to_string()
    }
}

impl FromStr for EpochKey {
    type Err = CryptoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        age::x25519::Identity::from_str(s)
            .map(EpochKey)
            .map_err(|e| CryptoError::InvalidKey(e.to_string()))
    }
}

impl Clone for EpochKey {
    fn clone(&self) -> Self {
        // Round-tripping through the text form is the only copy age offers.
        #[allow(clippy::expect_used)]
        EpochKey(
            age::x25519::Identity::from_str(self.0.to_string().expose_secret())
                .expect("age parses its own identity encoding"),
        )
    }
}

impl fmt::Debug for EpochKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EpochKey({})", self.recipient())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_text_round_trips() {
        let key = EpochKey::generate();
        let text = key.to_secret_string();
        assert!(text.expose_secret().starts_with("AGE-SECRET-KEY-1"));
        let back: EpochKey = text.expose_secret().parse().unwrap();
        assert_eq!(back.recipient().to_string(), key.recipient().to_string());
        assert!(format!("{key:?}").contains("age1"));
    }
}
