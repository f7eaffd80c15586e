//! Files the person asked to have written outside the home: recovery kits, proofs.

use std::path::Path;

use crate::NodeError;

/// Writes a recovery kit's text to `path`, readable by its owner only, after checking
/// that it is a whole kit (`input.recovery_kit_corrupt` otherwise). An existing file is
/// kept (`input.file_exists`) unless `replace` says the person agreed to replace it.
pub fn save_recovery_kit(path: &Path, kit: &str, replace: bool) -> Result<(), NodeError> {
    datacoop_crypto::RecoveryKit::from_text(kit)?;
    write_owner_only(path, kit, replace)
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
