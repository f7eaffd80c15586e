use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::CryptoError;

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one,
/// never a mixture: write a temporary sibling, fsync it, rename it over, fsync the folder.
///
/// The file is created readable by its owner only.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CryptoError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp"));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&tmp)
            .map_err(|e| CryptoError::io("cannot create", &tmp, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| CryptoError::io("cannot write", &tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| CryptoError::io("cannot replace", path, e))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| CryptoError::io("cannot sync folder", dir, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
