//! C2SP signed notes (`c2sp.org/signed-note`): text, a blank line, signature lines.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_consensus::{Signature, SigningKey, VerificationKey};

use crate::LedgerError;
use crate::encoding::sha256;

/// Signature type byte of plain Ed25519 note signatures.
pub const SIG_TYPE_ED25519: u8 = 0x01;
/// Signature type byte of timestamped Ed25519 cosignatures (`c2sp.org/tlog-cosignature`).
pub const SIG_TYPE_COSIGNATURE: u8 = 0x04;
/// Most signature lines accepted in one note.
pub const MAX_SIGNATURES: usize = 100;

/// Key id: first four bytes (big-endian) of SHA-256(name || 0x0A || type || public key).
pub fn key_id(name: &str, sig_type: u8, public_key: &[u8; 32]) -> u32 {
    let mut buf = Vec::with_capacity(name.len() + 34);
    buf.extend_from_slice(name.as_bytes());
    buf.push(b'\n');
    buf.push(sig_type);
    buf.extend_from_slice(public_key);
    let h = sha256(&buf);
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

/// Whether `name` is a valid key name: non-empty, no spaces or `+`.
pub fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// Key id.
    pub key_id: u32,
    /// Signature bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line, without the final newline: `— name base64(keyid || sig)`.
    pub fn line(&self) -> String {
        let mut blob = self.key_id.to_be_bytes().to_vec();
        blob.extend_from_slice(&self.signature);
        format!("\u{2014} {} {}", self.name, B64.encode(blob))
    }

    /// Signs `text` with a plain Ed25519 note signature.
    pub fn sign_ed25519(
        name: &str,
        key: &SigningKey,
        text: &str,
    ) -> Result<NoteSignature, LedgerError> {
        if !valid_key_name(name) {
            return Err(LedgerError::note(format!("invalid key name {name:?}")));
        }
        let pk = key.verification_key().to_bytes();
        Ok(NoteSignature {
            name: name.to_owned(),
            key_id: key_id(name, SIG_TYPE_ED25519, &pk),
            signature: key.sign(text.as_bytes()).to_bytes().to_vec(),
        })
    }

    /// Whether this line claims to be from (name, plain Ed25519 key).
    pub fn is_from_ed25519(&self, name: &str, key: &[u8; 32]) -> bool {
        self.name == name && self.key_id == key_id(name, SIG_TYPE_ED25519, key)
    }

    /// Verifies a plain Ed25519 signature over `text`.
    pub fn verify_ed25519(&self, key: &[u8; 32], text: &str) -> Result<(), LedgerError> {
        let bad = || LedgerError::BadSignature {
            what: format!("note signature by {}", self.name),
        };
        let sig: [u8; 64] = self.signature.as_slice().try_into().map_err(|_| bad())?;
        let vk = VerificationKey::try_from(*key).map_err(|_| LedgerError::BadKey {
            key: hex::encode(key),
        })?;
        vk.verify(&Signature::from(sig), text.as_bytes())
            .map_err(|_| bad())
    }
}

/// A signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text, ending in a newline.
    pub text: String,
    /// Signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a signed note strictly: valid UTF-8, no control characters but newline,
    /// canonical base64, at least one and at most [`MAX_SIGNATURES`] signatures.
    pub fn parse(input: &str) -> Result<Note, LedgerError> {
        if input.chars().any(|c| c < ' ' && c != '\n') {
            return Err(LedgerError::note("control character in note"));
        }
        let split = input
            .rfind("\n\n")
            .ok_or_else(|| LedgerError::note("no blank line before the signatures"))?;
        let text = &input[..split + 1];
        let sigs = &input[split + 2..];
        if !sigs.ends_with('\n') {
            return Err(LedgerError::note("signature block must end with a newline"));
        }
        let mut signatures = Vec::new();
        for line in sigs[..sigs.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(LedgerError::note("too many signatures"));
            }
            let rest = line.strip_prefix("\u{2014} ").ok_or_else(|| {
                LedgerError::note("signature line must start with an em dash and a space")
            })?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or_else(|| LedgerError::note("signature line without a signature"))?;
            if !valid_key_name(name) {
                return Err(LedgerError::note(format!("invalid key name {name:?}")));
            }
            let blob = B64
                .decode(b64)
                .map_err(|e| LedgerError::note(format!("bad base64 signature: {e}")))?;
            if blob.len() < 5 {
                return Err(LedgerError::note("signature too short"));
            }
            let sig = NoteSignature {
                name: name.to_owned(),
                key_id: u32::from_be_bytes([blob[0], blob[1], blob[2], blob[3]]),
                signature: blob[4..].to_vec(),
            };
            if sig.line() != line {
                return Err(LedgerError::NonCanonical {
                    what: "note signature line",
                });
            }
            signatures.push(sig);
        }
        if signatures.is_empty() {
            return Err(LedgerError::note("no signatures"));
        }
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note as text: text, blank line, signature lines.
    pub fn render(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
            out.push('\n');
        }
        out
    }
}
