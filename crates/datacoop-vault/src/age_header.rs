//! Reading the recipient stanzas of an age file's header (the text before `---`), so that
//! `add --age` can refuse a file that someone besides the dataset could also open.
//!
//! Only a header with exactly one stanza, an X25519 one, is accepted. That refuses files
//! carrying "grease" stanzas too (rage adds them): a grease stanza is indistinguishable
//! from a key wrapped for a reader datacoop does not know.

use std::io::{self, Read};

/// The longest header read: far more than one stanza needs.
const MAX_HEADER: usize = 64 * 1024;

/// Reads the start of `file` (up to [`MAX_HEADER`] bytes) and the type of each
/// recipient stanza in it (`X25519`, `scrypt`, ...), in order. The bytes read are
/// returned so that they, not a second reading, are what is then decrypted and stored.
/// A file that is not age, or whose header does not end within [`MAX_HEADER`] bytes,
/// gives the stanzas found (the decryptor then says what is wrong).
pub(crate) fn read_header(file: &mut impl Read) -> io::Result<(Vec<u8>, Vec<String>)> {
    let mut header = Vec::new();
    file.take(MAX_HEADER as u64).read_to_end(&mut header)?;
    let stanzas = datacoop_crypto::age_stanzas(&header)
        .into_iter()
        .map(|stanza| stanza.into_iter().next().unwrap_or_default())
        .collect();
    Ok((header, stanzas))
}

/// Accepts exactly one X25519 stanza (which the dataset's key must then open); says what
/// is wrong otherwise.
pub(crate) fn only_one_x25519(stanzas: &[String]) -> Result<(), String> {
    match stanzas {
        [only] if only == "X25519" => Ok(()),
        [only] => Err(format!(
            "it is encrypted with a {only} recipient; datacoop stores only files encrypted to the dataset's recipient alone"
        )),
        [] => Err("it has no age recipient stanza".into()),
        more => Err(format!(
            "its header has {} recipient stanzas ({}); anyone else it names could read it wherever it is stored, so datacoop stores only files encrypted to the dataset's recipient alone",
            more.len(),
            more.join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(stanzas: &[&str]) -> io::Cursor<Vec<u8>> {
        let mut text = String::from("age-encryption.org/v1\n");
        for s in stanzas {
            text.push_str(&format!("-> {s} abc\nd2hhdGV2ZXI\n"));
        }
        text.push_str("--- mac\nbody");
        io::Cursor::new(text.into_bytes())
    }

    #[test]
    fn one_x25519_stanza_and_nothing_else() {
        let one = header(&["X25519"]);
        let (read, stanzas) = read_header(&mut one.clone()).unwrap();
        assert_eq!(stanzas, ["X25519"]);
        assert_eq!(read, one.into_inner());
        assert!(only_one_x25519(&stanzas).is_ok());
        let stanzas_of = |mut c: io::Cursor<Vec<u8>>| read_header(&mut c).unwrap().1;
        let two = stanzas_of(header(&["X25519", "X25519"]));
        assert!(
            only_one_x25519(&two)
                .unwrap_err()
                .contains("2 recipient stanzas")
        );
        let scrypt = stanzas_of(header(&["scrypt"]));
        assert!(only_one_x25519(&scrypt).unwrap_err().contains("scrypt"));
        let mixed = stanzas_of(header(&["X25519", "ssh-ed25519"]));
        assert!(only_one_x25519(&mixed).is_err());
        assert!(only_one_x25519(&[]).is_err());
    }
}
