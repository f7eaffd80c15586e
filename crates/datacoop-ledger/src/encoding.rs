//! Canonical binary encoding: a version byte followed by postcard, with decoding that
//! accepts only the bytes the encoder would have produced.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::LedgerError;

/// The encoding version of every binary structure this build writes.
pub const VERSION: u8 = 1;

/// Domain-separation prefix of the message an author signs for an operation header.
pub const OP_SIGNING_DOMAIN: &[u8] = b"datacoop/op/v1\n";

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash {
    Sha256::digest(data).into()
}

/// Encodes `value` as `VERSION || postcard(value)`.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let out = vec![VERSION];
    // postcard's Vec flavor only fails for sequences of unknown length and for
    // serialize impls that return errors; no type encoded by this crate has either.
    #[allow(clippy::expect_used)]
    postcard::to_extend(value, out).expect("postcard encoding into a Vec cannot fail")
}

/// Decodes `VERSION || postcard(value)`, rejecting other versions, trailing bytes and any
/// encoding that does not re-encode to exactly the same bytes.
pub fn decode<T: Serialize + DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T, LedgerError> {
    let (&version, rest) = bytes
        .split_first()
        .ok_or_else(|| LedgerError::encoding(what, "empty input"))?;
    if version != VERSION {
        return Err(LedgerError::UnsupportedVersion {
            what,
            found: version,
        });
    }
    let (value, tail): (T, &[u8]) =
        postcard::take_from_bytes(rest).map_err(|e| LedgerError::encoding(what, e))?;
    if !tail.is_empty() {
        return Err(LedgerError::encoding(
            what,
            format!("{} trailing bytes", tail.len()),
        ));
    }
    if encode(&value) != bytes {
        return Err(LedgerError::NonCanonical { what });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Sample {
        n: u64,
        s: String,
        o: Option<bool>,
    }

    #[test]
    fn round_trips_and_rejects_variants() {
        let v = Sample {
            n: 300,
            s: "hi".into(),
            o: Some(true),
        };
        let bytes = encode(&v);
        assert_eq!(bytes, [1, 0xac, 0x02, 2, b'h', b'i', 1, 1]);
        assert_eq!(decode::<Sample>("sample", &bytes).ok(), Some(v));

        // Overlong varint for 300: not canonical.
        let overlong = [1, 0xac, 0x82, 0x00, 2, b'h', b'i', 1, 1];
        let err = decode::<Sample>("sample", &overlong).err();
        assert!(matches!(
            err,
            Some(LedgerError::NonCanonical { .. }) | Some(LedgerError::Encoding { .. })
        ));
        // Trailing byte.
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            decode::<Sample>("sample", &trailing)
                .err()
                .map(|e| e.code()),
            Some(datacoop_core::Code::LedgerEncoding)
        );
        // Wrong version.
        let mut v2 = bytes.clone();
        v2[0] = 2;
        assert_eq!(
            decode::<Sample>("sample", &v2).err().map(|e| e.code()),
            Some(datacoop_core::Code::LedgerUnsupportedVersion)
        );
        // Bool other than 0/1.
        let mut badbool = bytes;
        badbool[7] = 2;
        assert!(decode::<Sample>("sample", &badbool).is_err());
    }
}
