//! Writing a file so that a crash leaves the old file or the new one, never a mixture,
//! and so that nobody else can see or redirect what is written.
//!
//! The bytes go to a temporary file with a random name, created exclusively (`O_EXCL`,
//! so a file or symlink planted in advance is never opened) and readable by its owner
//! only, in the target's folder; it is fsynced, then moved into place — replacing the
//! target ([`write_atomically`]) or only if there is none ([`write_new_atomically`],
//! checked by the kernel in the same step, not before it) — and the folder is fsynced.
//! Moving replaces a directory entry: a symlink at the target is replaced, never
//! followed.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use crate::CryptoError;

/// Writes `bytes` to `path`, replacing what is there. For files the program owns (the
/// keystore, `owner.json`); files the person names go through [`write_new_atomically`]
/// unless they asked to replace one. The file is readable by its owner only.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CryptoError> {
    let tmp = write_temp(path, bytes)?;
    tmp.persist(path)
        .map_err(|e| CryptoError::io("cannot replace", path, e.error))?;
    sync_parent(path)
}

/// Writes `bytes` to a new file at `path`, atomically; an existing file, folder or
/// symlink at `path` is left alone (`input.file_exists`), even one created while this
/// was writing. The file is readable by its owner only.
pub fn write_new_atomically(path: &Path, bytes: &[u8]) -> Result<(), CryptoError> {
    let tmp = write_temp(path, bytes)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => sync_parent(path),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(CryptoError::FileExists {
                path: path.to_owned(),
            })
        }
        Err(e) => Err(CryptoError::io("cannot create", path, e.error)),
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A fresh, exclusively created, owner-only temporary file beside `path`, holding
/// `bytes`, synced. It is removed if anything fails before it is moved into place.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, CryptoError> {
    let dir = parent(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".datacoop-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| CryptoError::io("cannot create a file in", dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| CryptoError::io("cannot write", path, e))?;
    Ok(tmp)
}

fn sync_parent(path: &Path) -> Result<(), CryptoError> {
    let dir = parent(path);
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| CryptoError::io("cannot sync folder", dir, e))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(mode(&path), 0o600);
    }

    /// Another account pre-creates the temporary name the old code used (its own 0666
    /// file, which it keeps open, here a hard link) or plants a symlink there: neither
    /// receives the secret nor is clobbered.
    #[test]
    fn a_planted_temp_file_or_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kit.txt");
        let planted = dir.path().join(".kit.txt.tmp");
        let attacker_handle = dir.path().join("attacker-copy");
        fs::write(&planted, b"attacker").unwrap();
        fs::hard_link(&planted, &attacker_handle).unwrap();
        write_new_atomically(&path, b"24 secret words").unwrap();
        assert_eq!(fs::read(&attacker_handle).unwrap(), b"attacker");
        assert_eq!(fs::read(&path).unwrap(), b"24 secret words");
        assert_eq!(mode(&path), 0o600);

        let victim = dir.path().join("bashrc");
        fs::write(&victim, b"keep me").unwrap();
        let path = dir.path().join("phrase.txt");
        std::os::unix::fs::symlink(&victim, dir.path().join(".phrase.txt.tmp")).unwrap();
        write_atomically(&path, b"secret").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep me");
        assert_eq!(fs::read(&path).unwrap(), b"secret");
    }

    #[test]
    fn a_new_file_never_replaces_a_file_folder_or_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("existing");
        fs::write(&existing, b"keep me").unwrap();
        let err = write_new_atomically(&existing, b"new").unwrap_err();
        assert_eq!(err.code(), "input.file_exists");
        assert_eq!(fs::read(&existing).unwrap(), b"keep me");

        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep me too").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = write_new_atomically(&link, b"new").unwrap_err();
        assert_eq!(err.code(), "input.file_exists");
        assert_eq!(fs::read(&victim).unwrap(), b"keep me too");

        let err = write_new_atomically(dir.path(), b"new").unwrap_err();
        assert!(
            ["input.file_exists", "io.failed"].contains(&err.code().as_str()),
            "{err}"
        );
        // Nothing was left behind by the refused writes.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }
}
