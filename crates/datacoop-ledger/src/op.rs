//! Signed operation headers, operations and their canonical encodings.

use std::fmt;

use ed25519_consensus::{Signature, SigningKey, VerificationKey};
use serde::{Deserialize, Serialize};

use crate::LedgerError;
use crate::body::{Body, KeyBytes, OpKind};
use crate::encoding::{self, Hash, OP_SIGNING_DOMAIN};
use crate::tree;

/// An operation id: SHA-256 of the signed header encoding, signature included.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OpId(pub Hash);

impl OpId {
    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Result<OpId, LedgerError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s.trim(), &mut out)
            .map_err(|e| LedgerError::encoding("operation id", e))?;
        Ok(OpId(out))
    }
}

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OpId({})", self.to_hex())
    }
}

/// The fields an author signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Cooperative id (SHA-256 of the genesis body).
    pub coop: Hash,
    /// Author's Ed25519 key.
    pub author: KeyBytes,
    /// Author's sequence number, from 0 without gaps.
    pub author_seq: u64,
    /// The author's previous operation (None exactly when `author_seq` is 0).
    pub prev_by_author: Option<OpId>,
    /// SHA-256 of the canonical body encoding.
    pub body_hash: Hash,
    /// Author's clock at signing, unix seconds; for display only.
    pub claimed_time: u64,
    /// Kind of the body.
    pub kind: OpKind,
}

impl Header {
    /// The exact bytes signed: `b"datacoop/op/v1\n" || VERSION || postcard(header)`.
    pub fn signing_message(&self) -> Vec<u8> {
        let mut msg = OP_SIGNING_DOMAIN.to_vec();
        msg.extend_from_slice(&encoding::encode(self));
        msg
    }

    /// Signs the header.
    pub fn sign(self, key: &SigningKey) -> SignedHeader {
        let signature = key.sign(&self.signing_message()).to_bytes();
        SignedHeader::from_parts(self, signature)
    }
}

/// A header with its author's signature; the leaf of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeader {
    header: Header,
    signature: [u8; 64],
    bytes: Vec<u8>,
    id: OpId,
}

impl SignedHeader {
    fn from_parts(header: Header, signature: [u8; 64]) -> Self {
        let mut bytes = encoding::encode(&header);
        bytes.extend_from_slice(&signature);
        let id = OpId(encoding::sha256(&bytes));
        SignedHeader {
            header,
            signature,
            bytes,
            id,
        }
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The 64-byte signature.
    pub fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// Canonical encoding: `VERSION || postcard(header) || signature`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The operation id.
    pub fn id(&self) -> OpId {
        self.id
    }

    /// The RFC 6962 leaf hash the tree commits to.
    pub fn leaf_hash(&self) -> Hash {
        tree::leaf_hash(&self.bytes)
    }

    /// Decodes a canonical signed header (the signature is not checked here).
    pub fn decode(bytes: &[u8]) -> Result<SignedHeader, LedgerError> {
        const WHAT: &str = "signed header";
        if bytes.len() < 65 {
            return Err(LedgerError::encoding(WHAT, "too short"));
        }
        let (head, sig) = bytes.split_at(bytes.len() - 64);
        let header: Header = encoding::decode(WHAT, head)?;
        let mut signature = [0u8; 64];
        signature.copy_from_slice(sig);
        let decoded = SignedHeader::from_parts(header, signature);
        if decoded.bytes != bytes {
            return Err(LedgerError::NonCanonical { what: WHAT });
        }
        Ok(decoded)
    }

    /// The signed message, from the stored bytes (equal to
    /// [`Header::signing_message`], since the encoding is canonical).
    fn signing_message(&self) -> Vec<u8> {
        let unsigned = &self.bytes[..self.bytes.len() - 64];
        let mut msg = Vec::with_capacity(OP_SIGNING_DOMAIN.len() + unsigned.len());
        msg.extend_from_slice(OP_SIGNING_DOMAIN);
        msg.extend_from_slice(unsigned);
        msg
    }

    /// Verifies the author's signature (ZIP-215 rules).
    pub fn verify_signature(&self) -> Result<(), LedgerError> {
        let key =
            VerificationKey::try_from(self.header.author).map_err(|_| LedgerError::BadKey {
                key: hex::encode(self.header.author),
            })?;
        key.verify(&Signature::from(self.signature), &self.signing_message())
            .map_err(|_| LedgerError::BadSignature {
                what: "operation header".into(),
            })
    }

    /// A batch verification item for this header.
    pub fn batch_item(&self) -> ed25519_consensus::batch::Item {
        let msg = self.signing_message();
        (
            ed25519_consensus::VerificationKeyBytes::from(self.header.author),
            Signature::from(self.signature),
            &msg,
        )
            .into()
    }
}

/// An operation: signed header plus body (absent once erased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The signed header.
    pub header: SignedHeader,
    /// The body, or None if pruned.
    pub body: Option<Body>,
}

/// Transport encoding of an operation.
#[derive(Serialize, Deserialize)]
struct Wire {
    header: Vec<u8>,
    body: Option<Vec<u8>>,
}

impl Operation {
    /// Creates and signs an operation.
    pub fn new(
        key: &SigningKey,
        coop: Hash,
        author_seq: u64,
        prev_by_author: Option<OpId>,
        claimed_time: u64,
        body: Body,
    ) -> Operation {
        let header = Header {
            coop,
            author: key.verification_key().to_bytes(),
            author_seq,
            prev_by_author,
            body_hash: encoding::sha256(&body.encode()),
            claimed_time,
            kind: body.kind(),
        };
        Operation {
            header: header.sign(key),
            body: Some(body),
        }
    }

    /// Signs the genesis operation; its coop id is the genesis body's hash.
    pub fn genesis(
        founder: &SigningKey,
        genesis: crate::body::Genesis,
        claimed_time: u64,
    ) -> Result<Operation, LedgerError> {
        genesis.validate()?;
        if !genesis
            .stewards
            .contains(&founder.verification_key().to_bytes())
        {
            return Err(LedgerError::InvalidGenesis {
                reason: "the founder signing the genesis must be a steward".into(),
            });
        }
        let coop = genesis.coop_id();
        Ok(Operation::new(
            founder,
            coop,
            0,
            None,
            claimed_time,
            Body::Genesis(genesis),
        ))
    }

    /// The operation id.
    pub fn id(&self) -> OpId {
        self.header.id()
    }

    /// Checks the body (if present) against the header's hash and kind.
    pub fn check_body(&self) -> Result<(), LedgerError> {
        if let Some(body) = &self.body {
            check_body_bytes(&self.header, &body.encode())?;
        }
        Ok(())
    }

    /// Canonical transport encoding: `VERSION || postcard({header bytes, body bytes?})`.
    pub fn encode(&self) -> Vec<u8> {
        encoding::encode(&Wire {
            header: self.header.as_bytes().to_vec(),
            body: self.body.as_ref().map(Body::encode),
        })
    }

    /// Decodes the transport encoding, checking canonical form and the body hash.
    pub fn decode(bytes: &[u8]) -> Result<Operation, LedgerError> {
        let wire: Wire = encoding::decode("operation", bytes)?;
        let header = SignedHeader::decode(&wire.header)?;
        let body = match &wire.body {
            Some(b) => Some(check_body_bytes(&header, b)?),
            None => None,
        };
        Ok(Operation { header, body })
    }
}

/// Decodes body bytes and checks them against a header.
pub fn check_body_bytes(header: &SignedHeader, bytes: &[u8]) -> Result<Body, LedgerError> {
    if encoding::sha256(bytes) != header.header().body_hash {
        return Err(LedgerError::BodyHashMismatch);
    }
    let body = Body::decode(bytes)?;
    if body.kind() != header.header().kind {
        return Err(LedgerError::KindMismatch {
            header: header.header().kind.to_string(),
            body: body.kind().to_string(),
        });
    }
    Ok(body)
}
