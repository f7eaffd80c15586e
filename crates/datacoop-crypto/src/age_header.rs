//! The recipient stanzas of an age file's header (the text lines before `---`), for the
//! checks that look at a header without decrypting: the keystore's work factor and the
//! recipients of a file given to `add --age`.

/// Each stanza's line after `-> `, split at spaces: the stanza type, then its arguments
/// (`["X25519", share]`, `["scrypt", salt, log_n]`). Stops at the header's end (`\n---`)
/// or the end of `header`, whichever comes first.
pub fn age_stanzas(header: &[u8]) -> Vec<Vec<String>> {
    let end = header
        .windows(4)
        .position(|w| w == b"\n---")
        .unwrap_or(header.len());
    String::from_utf8_lossy(&header[..end])
        .lines()
        .filter_map(|line| line.strip_prefix("-> "))
        .map(|args| args.split(' ').map(str::to_owned).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stanzas_end_at_the_mac_line() {
        let header = b"age-encryption.org/v1\n-> X25519 abc\nd2hhdA\n-> scrypt c2FsdA 18\nd2hhdA\n--- mac\n-> not a stanza";
        assert_eq!(
            age_stanzas(header),
            [vec!["X25519", "abc"], vec!["scrypt", "c2FsdA", "18"]]
        );
        assert!(age_stanzas(b"not age at all").is_empty());
    }
}
