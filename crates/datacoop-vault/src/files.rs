//! Turning the paths a user gives into the list of files to add.

use std::path::{Component, Path, PathBuf};

use crate::VaultError;

/// A file to add and the name it gets in the dataset.
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    pub(crate) size: u64,
}

/// Expands files and folders into files, named relative to what was given: a file keeps
/// its own name, a folder's files are named `folder/sub/file`.
pub(crate) fn collect_sources(paths: &[PathBuf]) -> Result<Vec<Source>, VaultError> {
    let mut sources = Vec::new();
    for given in paths {
        let meta = std::fs::metadata(given).map_err(|source| VaultError::Unreadable {
            path: given.clone(),
            source,
        })?;
        let base = given.parent().unwrap_or(Path::new("")).to_owned();
        if meta.is_file() {
            sources.push(source_for(given, &base, meta.len())?);
            continue;
        }
        let before = sources.len();
        for item in walkdir::WalkDir::new(given)
            .follow_links(true)
            .sort_by_file_name()
        {
            let item = item.map_err(|e| VaultError::Unreadable {
                path: e
                    .path()
                    .map(Path::to_owned)
                    .unwrap_or_else(|| given.clone()),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("file system loop")),
            })?;
            if item.file_type().is_file() {
                let len = item
                    .metadata()
                    .map_err(|e| VaultError::Unreadable {
                        path: item.path().to_owned(),
                        source: e
                            .into_io_error()
                            .unwrap_or_else(|| std::io::Error::other("unreadable")),
                    })?
                    .len();
                sources.push(source_for(item.path(), &base, len)?);
            }
        }
        if sources.len() == before {
            return Err(VaultError::NothingToAdd {
                path: given.clone(),
            });
        }
    }
    Ok(sources)
}

fn source_for(path: &Path, base: &Path, size: u64) -> Result<Source, VaultError> {
    let relative = path.strip_prefix(base).unwrap_or(path);
    let mut parts = Vec::new();
    for component in relative.components() {
        if let Component::Normal(part) = component {
            let part = part.to_str().ok_or_else(|| VaultError::Unreadable {
                path: path.to_owned(),
                source: std::io::Error::other("file names must be valid UTF-8"),
            })?;
            parts.push(part);
        }
    }
    Ok(Source {
        path: path.to_owned(),
        name: parts.join("/"),
        size,
    })
}

/// Where an entry named `name` is written under `root`; names with anything but plain
/// components are refused, so a damaged manifest cannot write outside `root`.
pub(crate) fn safe_join(root: &Path, name: &str) -> Option<PathBuf> {
    let mut out = root.to_owned();
    for part in name.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_relative_to_what_was_given() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("runs");
        std::fs::create_dir_all(folder.join("2025")).unwrap();
        std::fs::write(folder.join("a.csv"), b"1").unwrap();
        std::fs::write(folder.join("2025/b.csv"), b"22").unwrap();
        let single = dir.path().join("c.txt");
        std::fs::write(&single, b"333").unwrap();
        let sources = collect_sources(&[folder, single]).unwrap();
        let names: Vec<_> = sources.iter().map(|s| (s.name.as_str(), s.size)).collect();
        assert_eq!(
            names,
            [("runs/2025/b.csv", 2), ("runs/a.csv", 1), ("c.txt", 3)]
        );
    }

    #[test]
    fn empty_folder_and_missing_path_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let err = collect_sources(&[dir.path().to_owned()]).err().unwrap();
        assert_eq!(err.code(), "input.nothing_to_add");
        let err = collect_sources(&[dir.path().join("nope")]).err().unwrap();
        assert_eq!(err.code(), "input.not_found");
    }

    #[test]
    fn safe_join_refuses_escapes() {
        let root = Path::new("/out");
        assert_eq!(
            safe_join(root, "a/b.txt"),
            Some(PathBuf::from("/out/a/b.txt"))
        );
        for bad in ["../x", "a/../../x", "/abs", "a//b", "", "a\\..\\b"] {
            assert_eq!(safe_join(root, bad), None, "{bad}");
        }
    }
}
