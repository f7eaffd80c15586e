use std::fmt;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::keystore::{OpenFailure, open_with_passphrase, seal_with_passphrase};
use crate::{CryptoError, IdentityId, KdfCost, KeystoreSecrets, random_bytes};

const KIT_HEADER: &str = "datacoop recovery kit v1";

/// A generated 24-word BIP-39 phrase (256 bits of entropy) that opens a recovery kit.
pub struct RecoveryPhrase(SecretString);

impl RecoveryPhrase {
    /// A new random phrase.
    pub fn generate() -> Result<Self, CryptoError> {
        let entropy = Zeroizing::new(random_bytes::<32>()?);
        let mnemonic = bip39::Mnemonic::from_entropy(entropy.as_ref())
            .map_err(|e| CryptoError::Random(e.to_string()))?;
        Ok(RecoveryPhrase(SecretString::from(mnemonic.to_string())))
    }

    /// The phrase's words separated by single spaces. Show it once; never log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    fn as_passphrase(&self) -> &SecretString {
        &self.0
    }
}

impl FromStr for RecoveryPhrase {
    type Err = CryptoError;

    /// Accepts any spacing and case, and the words numbered as a kit shows them
    /// (`1. sing 2. will …`); checks the count, every word and the checksum, and says
    /// which in words a person can act on.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let words: Zeroizing<Vec<String>> = Zeroizing::new(
            s.split_whitespace()
                .filter(|token| !is_word_number(token))
                .map(str::to_lowercase)
                .collect(),
        );
        let invalid = |reason: String| CryptoError::InvalidRecoveryPhrase { reason };
        if words.len() != 24 {
            return Err(invalid(format!(
                "the phrase has {} words; datacoop recovery phrases have 24",
                words.len()
            )));
        }
        let normalised = Zeroizing::new(words.join(" "));
        let mnemonic = bip39::Mnemonic::parse_normalized(&normalised).map_err(|e| {
            invalid(match e {
                bip39::Error::UnknownWord(i) => format!(
                    "word {} is not one of the recovery words; check its spelling",
                    i + 1
                ),
                bip39::Error::InvalidChecksum => {
                    "the words do not fit together: a word is misspelled or out of order".into()
                }
                other => other.to_string(),
            })
        })?;
        Ok(RecoveryPhrase(SecretString::from(mnemonic.to_string())))
    }
}

/// A word's number as a kit lists it: `1.`, `12)`, `3`.
fn is_word_number(token: &str) -> bool {
    let digits = token.trim_end_matches(['.', ')', ':']);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

impl fmt::Debug for RecoveryPhrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryPhrase(..)")
    }
}

/// A recovery kit: the keystore's secrets sealed to a [`RecoveryPhrase`], as a printable
/// text file (a short header, then an armored age file).
pub struct RecoveryKit {
    identity: IdentityId,
    armored: String,
}

impl RecoveryKit {
    /// Seals `secrets` to `phrase`.
    pub fn seal(
        secrets: &KeystoreSecrets,
        phrase: &RecoveryPhrase,
        cost: KdfCost,
    ) -> Result<Self, CryptoError> {
        let sealed = seal_with_passphrase(&secrets.encode()?, phrase.as_passphrase(), cost)?;
        let mut armored = Vec::new();
        {
            use std::io::Write;
            age::armor::ArmoredWriter::wrap_output(&mut armored, age::armor::Format::AsciiArmor)
                .and_then(|mut w| w.write_all(&sealed).map(|()| w))
                .and_then(|w| w.finish())
                .map_err(|e| CryptoError::RecoveryKitCorrupt {
                    reason: e.to_string(),
                })?;
        }
        Ok(RecoveryKit {
            identity: secrets.identity().id(),
            armored: String::from_utf8_lossy(&armored).into_owned(),
        })
    }

    /// The identity the kit restores.
    pub fn identity(&self) -> IdentityId {
        self.identity
    }

    /// The kit as the text file users keep.
    pub fn to_text(&self) -> String {
        format!(
            "{KIT_HEADER}\n\
             identity: {}\n\
             Keep this file and its recovery phrase apart. Together they restore your datacoop identity.\n\
             They do not hold your data: keep your own copies of the files you add.\n\
             \n{}",
            self.identity, self.armored
        )
    }

    /// Parses a kit file. Tolerates what copying and pasting does to text: other line
    /// endings, lost or re-flowed line breaks, indentation.
    pub fn from_text(text: &str) -> Result<Self, CryptoError> {
        const BEGIN: &str = "-----BEGIN AGE ENCRYPTED FILE-----";
        const END: &str = "-----END AGE ENCRYPTED FILE-----";
        let corrupt = |reason: &str| CryptoError::RecoveryKitCorrupt {
            reason: reason.to_owned(),
        };
        let text = text.trim_start();
        if !text.starts_with(KIT_HEADER) {
            return Err(corrupt(
                "it does not start with the datacoop recovery kit header",
            ));
        }
        let after_label = text
            .find("identity:")
            .map(|at| text[at + "identity:".len()..].trim_start())
            .ok_or_else(|| corrupt("the identity line is missing"))?;
        let identity = after_label
            .get(..64)
            .ok_or_else(|| corrupt("the identity line is cut short"))?
            .parse()
            .map_err(|_| corrupt("the identity line is damaged"))?;
        let start = text
            .find(BEGIN)
            .ok_or_else(|| corrupt("the sealed part is missing"))?
            + BEGIN.len();
        let end = text[start..]
            .find(END)
            .map(|at| start + at)
            .ok_or_else(|| corrupt("the end of the sealed part is missing"))?;
        // Re-wrap the base64 body at age's 64 columns, whatever happened to its lines.
        let body: String = text[start..end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut armored = format!("{BEGIN}\n");
        for chunk in body.as_bytes().chunks(64) {
            armored.push_str(&String::from_utf8_lossy(chunk));
            armored.push('\n');
        }
        armored.push_str(END);
        armored.push('\n');
        Ok(RecoveryKit { identity, armored })
    }

    /// Opens the kit with `phrase`, giving back the keystore's secrets.
    pub fn open(&self, phrase: &RecoveryPhrase) -> Result<KeystoreSecrets, CryptoError> {
        use std::io::Read;
        let corrupt = |reason: String| CryptoError::RecoveryKitCorrupt { reason };
        let mut sealed = Vec::new();
        age::armor::ArmoredReader::new(self.armored.as_bytes())
            .read_to_end(&mut sealed)
            .map_err(|_| corrupt("its sealed part is damaged".into()))?;
        let plaintext =
            open_with_passphrase(&sealed, phrase.as_passphrase()).map_err(|f| match f {
                OpenFailure::WrongSecret => CryptoError::WrongRecoveryPhrase,
                // age's own words ("Unknown age format…") help nobody holding a kit.
                OpenFailure::Corrupt(_) => corrupt("its sealed part is damaged".into()),
            })?;
        let secrets = KeystoreSecrets::decode(&plaintext).map_err(corrupt)?;
        if secrets.identity().id() != self.identity {
            return Err(corrupt(
                "the sealed identity does not match the kit's identity line".into(),
            ));
        }
        Ok(secrets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kit() -> (KeystoreSecrets, RecoveryPhrase, RecoveryKit) {
        let secrets = KeystoreSecrets::generate("Ada");
        let phrase = RecoveryPhrase::generate().unwrap();
        let kit = RecoveryKit::seal(&secrets, &phrase, KdfCost::Cheap).unwrap();
        (secrets, phrase, kit)
    }

    #[test]
    fn kit_round_trips_through_text() {
        let (secrets, phrase, kit) = kit();
        assert_eq!(phrase.expose().split(' ').count(), 24);
        let text = kit.to_text();
        assert!(!text.contains("Ada"));
        // Until files can be recovered from the cooperative, the kit says it holds none.
        assert!(text.contains("They do not hold your data"), "{text}");
        let parsed = RecoveryKit::from_text(&text).unwrap();
        let retyped: RecoveryPhrase = phrase
            .expose()
            .to_uppercase()
            .replace(' ', "  \n")
            .parse()
            .unwrap();
        let back = parsed.open(&retyped).unwrap();
        assert_eq!(back.identity().id(), secrets.identity().id());
        assert_eq!(back.vault_key(), secrets.vault_key());
    }

    #[test]
    fn wrong_and_invalid_phrases_are_told_apart() {
        let (_, _, kit) = kit();
        let other = RecoveryPhrase::generate().unwrap();
        assert_eq!(
            kit.open(&other).unwrap_err().code(),
            "auth.wrong_recovery_phrase"
        );
        let err = "apple banana".parse::<RecoveryPhrase>().unwrap_err();
        assert_eq!(err.code(), "auth.invalid_recovery_phrase");
        let mut words: Vec<String> = other.expose().split(' ').map(String::from).collect();
        words.swap(0, 1);
        if words[0] != words[1] {
            // A swapped pair of words almost always breaks the checksum.
            let swapped = words.join(" ").parse::<RecoveryPhrase>();
            if let Err(e) = swapped {
                assert_eq!(e.code(), "auth.invalid_recovery_phrase");
            }
        }
    }

    /// Each way a typed phrase goes wrong is said so that a person can fix it, and the
    /// words pasted as a kit lists them (numbered) are accepted.
    #[test]
    fn phrase_problems_are_said_plainly_and_numbered_words_are_accepted() {
        let phrase = RecoveryPhrase::generate().unwrap();
        let words: Vec<&str> = phrase.expose().split(' ').collect();
        let message = |text: &str| text.parse::<RecoveryPhrase>().unwrap_err().to_string();
        assert!(
            message("sing will dog").contains("has 3 words; datacoop recovery phrases have 24"),
            "{}",
            message("sing will dog")
        );
        let mut misspelled = words.clone();
        misspelled[4] = "zzzzqx";
        let text = misspelled.join(" ");
        assert!(
            message(&text).contains("word 5 is not one of the recovery words"),
            "{}",
            message(&text)
        );
        // Found by search: a last word that breaks the checksum.
        let bad_checksum = (0..2048)
            .map(|i| bip39::Language::English.word_list()[i])
            .map(|last| {
                let mut w = words.clone();
                w[23] = last;
                w.join(" ")
            })
            .find(|text| text.parse::<RecoveryPhrase>().is_err())
            .unwrap();
        assert!(
            message(&bad_checksum).contains("misspelled or out of order"),
            "{}",
            message(&bad_checksum)
        );
        let numbered: String = words
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{}. {} ", i + 1, w.to_uppercase()))
            .collect();
        let back: RecoveryPhrase = numbered.parse().unwrap();
        assert_eq!(back.expose(), phrase.expose());
    }

    #[test]
    fn pasted_kits_with_mangled_line_breaks_still_open() {
        let (secrets, phrase, kit) = kit();
        let text = kit.to_text();
        for mangled in [
            text.replace('\n', ""),
            text.replace('\n', "\r\n"),
            format!("   {}", text.replace('\n', "\n    ")),
            text.replace('\n', " "),
        ] {
            let back = RecoveryKit::from_text(&mangled)
                .unwrap()
                .open(&phrase)
                .unwrap();
            assert_eq!(back.identity().id(), secrets.identity().id());
        }
    }

    #[test]
    fn damaged_kits_are_reported() {
        let (_, phrase, kit) = kit();
        let text = kit.to_text();
        assert!(RecoveryKit::from_text("hello").is_err());
        let cut = &text[..text.len() - 80];
        let err = RecoveryKit::from_text(cut)
            .and_then(|k| k.open(&phrase))
            .unwrap_err();
        assert_eq!(err.code(), "input.recovery_kit_corrupt", "{err}");
    }
}
