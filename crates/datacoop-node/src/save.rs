//! Files the person names outside the home: recovery kits they save or open, proofs.

use std::io::Read;
use std::path::Path;

use crate::NodeError;

/// Writes a recovery kit's text to `path`, readable by its owner only, after checking
/// that it is a whole kit (`input.recovery_kit_corrupt` otherwise). An existing file is
/// kept (`input.file_exists`) unless `replace` says the person agreed to replace it.
pub fn save_recovery_kit(path: &Path, kit: &str, replace: bool) -> Result<(), NodeError> {
    datacoop_crypto::RecoveryKit::from_text(kit)?;
    write_owner_only(path, kit, replace)
}

/// A kit file is about a kilobyte; anything much larger is not one, and is not read whole.
const KIT_FILE_LIMIT: u64 = 64 * 1024;

/// Reads the recovery kit in file `path` and checks that it is a whole kit, so a wrong
/// or damaged file is named before anyone types a phrase for it
/// (`input.recovery_kit_unreadable`, `input.recovery_kit_corrupt`).
pub fn read_recovery_kit(path: &Path) -> Result<String, NodeError> {
    let unreadable = |source| NodeError::KitUnreadable {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(KIT_FILE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let text = (bytes.len() as u64 <= KIT_FILE_LIMIT)
        .then(|| String::from_utf8(bytes).ok())
        .flatten()
        .ok_or_else(|| datacoop_crypto::CryptoError::RecoveryKitCorrupt {
            reason: "it is not a recovery kit's text".into(),
        })?;
    datacoop_crypto::RecoveryKit::from_text(&text)?;
    Ok(text)
}

/// Writes `text` to `path` atomically, readable by its owner only. An existing file is
/// kept (`input.file_exists`) unless `replace` is set — checked in the same step as the
/// write, so a file appearing meanwhile is kept too; a folder is never replaced.
pub fn write_owner_only(path: &Path, text: &str, replace: bool) -> Result<(), NodeError> {
    if path.is_dir() {
        return Err(NodeError::io(
            "cannot write to",
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder"),
        ));
    }
    if replace {
        datacoop_crypto::write_atomically(path, text.as_bytes())?;
    } else {
        datacoop_crypto::write_new_atomically(path, text.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use datacoop_crypto::{KdfCost, KeystoreSecrets, RecoveryKit, RecoveryPhrase};

    use crate::Code;

    use super::*;

    #[test]
    fn a_kit_file_is_read_only_when_it_is_a_whole_kit() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = KeystoreSecrets::generate("Ada");
        let phrase = RecoveryPhrase::generate().unwrap();
        let text = RecoveryKit::seal(&secrets, &phrase, KdfCost::Cheap)
            .unwrap()
            .to_text();
        let kit = dir.path().join("kit.txt");
        std::fs::write(&kit, &text).unwrap();
        assert_eq!(read_recovery_kit(&kit).unwrap(), text);

        let missing = read_recovery_kit(&dir.path().join("nope.txt")).unwrap_err();
        assert_eq!(missing.code(), Code::InputRecoveryKitUnreadable);
        assert!(
            missing.to_string().contains("no such file or folder"),
            "{missing}"
        );
        let folder = read_recovery_kit(dir.path()).unwrap_err();
        assert_eq!(folder.code(), Code::InputRecoveryKitUnreadable);

        let cut = dir.path().join("cut.txt");
        std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
        let photo = dir.path().join("photo.jpg");
        std::fs::write(&photo, [0xff, 0xd8, 0xff, 0xe0, 0x00]).unwrap();
        let huge = dir.path().join("huge.txt");
        std::fs::write(&huge, text.repeat(200)).unwrap();
        for wrong in [cut, photo, huge] {
            let err = read_recovery_kit(&wrong).unwrap_err();
            assert_eq!(err.code(), Code::InputRecoveryKitCorrupt, "{wrong:?}");
            assert!(err.to_string().contains("damaged"), "{err}");
        }
    }
}
