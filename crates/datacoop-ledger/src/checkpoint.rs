//! C2SP tlog-checkpoints (`c2sp.org/tlog-checkpoint`): origin, size, root hash, extension
//! lines, signed as a note by the log operator.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_consensus::SigningKey;

use crate::LedgerError;
use crate::encoding::Hash;
use crate::note::{Note, NoteSignature};
use crate::witness::Cosignature;

/// A checkpoint body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Origin line: the log's identity.
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// Root hash at that size.
    pub root: Hash,
    /// Extension lines (non-empty, without newline).
    pub extensions: Vec<String>,
}

/// The origin line of a cooperative's log: `datacoop/log/<coop id hex>`. Unique (the
/// coop id is the hash of its genesis) and tied to no domain, which could lapse while
/// receipts naming it live on; see LEDGER-NOTES.
pub fn origin_for(coop: &Hash) -> String {
    format!("datacoop/log/{}", hex::encode(coop))
}

impl Checkpoint {
    /// The note text: lines terminated by newlines.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            B64.encode(self.root)
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Parses note text strictly (no leading zeros, canonical base64, 32-byte root).
    pub fn parse_text(text: &str) -> Result<Checkpoint, LedgerError> {
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| LedgerError::note("checkpoint text must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(LedgerError::note("empty origin line"));
        }
        let size_line = lines
            .next()
            .ok_or_else(|| LedgerError::note("missing size line"))?;
        if size_line.is_empty()
            || !size_line.bytes().all(|b| b.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(LedgerError::note(
                "size must be a decimal without leading zeros",
            ));
        }
        let size: u64 = size_line
            .parse()
            .map_err(|_| LedgerError::note("size out of range"))?;
        let root_line = lines
            .next()
            .ok_or_else(|| LedgerError::note("missing root hash line"))?;
        let root: Hash = B64
            .decode(root_line)
            .map_err(|e| LedgerError::note(format!("bad root hash: {e}")))?
            .try_into()
            .map_err(|_| LedgerError::note("root hash must be 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(LedgerError::note("empty extension line"));
        }
        let cp = Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        };
        if cp.text() != text {
            return Err(LedgerError::NonCanonical { what: "checkpoint" });
        }
        Ok(cp)
    }

    /// Signs the checkpoint as the log operator (key name = origin).
    pub fn sign(self, operator: &SigningKey) -> Result<SignedCheckpoint, LedgerError> {
        let sig = NoteSignature::sign_ed25519(&self.origin, operator, &self.text())?;
        Ok(SignedCheckpoint {
            checkpoint: self,
            signatures: vec![sig],
        })
    }
}

/// A checkpoint with its note signatures: the operator's and any cosignatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// Every signature line, operator's and witnesses'.
    pub signatures: Vec<NoteSignature>,
}

impl SignedCheckpoint {
    /// Parses a signed checkpoint note (signatures are not verified here).
    pub fn parse(input: &str) -> Result<SignedCheckpoint, LedgerError> {
        let note = Note::parse(input)?;
        let checkpoint = Checkpoint::parse_text(&note.text)?;
        Ok(SignedCheckpoint {
            checkpoint,
            signatures: note.signatures,
        })
    }

    /// Renders the note.
    pub fn render(&self) -> String {
        Note {
            text: self.checkpoint.text(),
            signatures: self.signatures.clone(),
        }
        .render()
    }

    /// Verifies the operator's signature: one must be present and valid.
    pub fn verify_operator(&self, operator: &[u8; 32]) -> Result<(), LedgerError> {
        let name = &self.checkpoint.origin;
        let text = self.checkpoint.text();
        let mut found = false;
        for sig in self
            .signatures
            .iter()
            .filter(|s| s.is_from_ed25519(name, operator))
        {
            sig.verify_ed25519(operator, &text)?;
            found = true;
        }
        if found {
            Ok(())
        } else {
            Err(LedgerError::BadSignature {
                what: format!(
                    "checkpoint {}: no signature by the log operator",
                    self.checkpoint.size
                ),
            })
        }
    }

    /// Adds (or replaces) a witness cosignature line.
    pub fn add_cosignature(&mut self, cosig: &Cosignature) {
        let line = cosig.to_note_signature();
        self.signatures
            .retain(|s| !(s.name == line.name && s.key_id == line.key_id));
        self.signatures.push(line);
    }

    /// The cosignatures in this note that verify for one of `witnesses`, at most one per
    /// witness (invalid lines from a listed witness are an error).
    pub fn witness_cosignatures(
        &self,
        witnesses: &[[u8; 32]],
    ) -> Result<Vec<Cosignature>, LedgerError> {
        let mut out: Vec<Cosignature> = Vec::new();
        for w in witnesses {
            let name = crate::witness::witness_name(w);
            let id = crate::note::key_id(&name, crate::note::SIG_TYPE_COSIGNATURE, w);
            if let Some(sig) = self
                .signatures
                .iter()
                .find(|s| s.name == name && s.key_id == id)
            {
                let cosig = Cosignature::from_note_signature(sig, *w)?;
                cosig.verify(&self.checkpoint)?;
                out.push(cosig);
            }
        }
        Ok(out)
    }
}
