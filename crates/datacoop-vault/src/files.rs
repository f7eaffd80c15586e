//! Turning the paths a user gives into the list of files to add, and the one naming
//! rule both add and export follow.
//!
//! A name is the file's path relative to what was given, with `/` between parts. Inside
//! the folders given, symbolic links are never followed (one could lead anywhere, such as
//! `~/.ssh`); a name export could not write back as the same path (a part with `\`) and
//! a name that is a file and a folder at once (`a` beside `a/b`) are skipped at add. What
//! was skipped is reported, never silently dropped.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::VaultError;

/// A file that was not added or not exported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Skipped {
    /// Its name in the dataset (or the one it would have had).
    pub name: String,
    /// Why.
    pub reason: SkipReason,
}

/// Why a file was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A symbolic link inside a folder given: never followed.
    SymbolicLink,
    /// A name with a part export could not write as the same path (it contains `\`).
    UnsupportedName,
    /// The name is a file where another file needs a folder, or the other way round.
    NameConflict,
    /// A device, a named pipe or a socket: not a file with contents to keep.
    NotAFile,
    /// A name that is not valid UTF-8, which a dataset cannot hold.
    NotUtf8,
    /// It changed, moved or vanished while it was being read (still being written?).
    ChangedWhileAdding,
    /// It could not be read (permission denied, say).
    Unreadable,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SkipReason::SymbolicLink => "a symbolic link, which datacoop never follows",
            SkipReason::UnsupportedName => "its name contains \\, which a path cannot hold",
            SkipReason::NameConflict => "it would be a file and a folder at once",
            SkipReason::NotAFile => "a device, pipe or socket, not a file",
            SkipReason::NotUtf8 => "its name is not valid UTF-8",
            SkipReason::ChangedWhileAdding => {
                "it changed while being read; add it again once it is complete"
            }
            SkipReason::Unreadable => "it could not be read",
        })
    }
}

/// The first few skipped files and why, for a message: `a (why), b (why) and 3 more`.
pub(crate) fn describe_skipped(skipped: &[Skipped]) -> String {
    const SHOWN: usize = 3;
    let mut text = skipped
        .iter()
        .take(SHOWN)
        .map(|s| format!("{} ({})", s.name, s.reason))
        .collect::<Vec<_>>()
        .join(", ");
    if skipped.len() > SHOWN {
        text.push_str(&format!(" and {} more", skipped.len() - SHOWN));
    }
    text
}

/// What [`collect_sources`] found.
pub(crate) struct Collected {
    pub(crate) sources: Vec<Source>,
    pub(crate) skipped: Vec<Skipped>,
}

/// A file to add and the name it gets in the dataset.
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    pub(crate) size: u64,
    /// The file seen when the folder was read: opening the path must give this file.
    pub(crate) id: FileId,
    /// Whether the path itself may be a link (a file the person named, not one found in
    /// a folder).
    pub(crate) follow: bool,
}

/// Which file a path is: its device and inode.
pub(crate) type FileId = (u64, u64);

/// The [`FileId`] of what `meta` describes.
pub(crate) fn file_id(meta: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

/// A name in the dataset, or why a path cannot have one.
enum Named {
    Name(String),
    NotUtf8(String),
}

fn name_for(path: &Path, base: &Path) -> Named {
    let relative = path.strip_prefix(base).unwrap_or(path);
    let mut parts = Vec::new();
    for component in relative.components() {
        if let Component::Normal(part) = component {
            match part.to_str() {
                Some(part) => parts.push(part),
                None => return Named::NotUtf8(relative.to_string_lossy().into_owned()),
            }
        }
    }
    Named::Name(parts.join("/"))
}

/// Expands files and folders into files, named relative to what was given: a file keeps
/// its own name, a folder's files are named `folder/sub/file`.
pub(crate) fn collect_sources(paths: &[PathBuf]) -> Result<Collected, VaultError> {
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    for given in paths {
        let meta = std::fs::metadata(given).map_err(|source| VaultError::Unreadable {
            path: given.clone(),
            source,
        })?;
        let base = given.parent().unwrap_or(Path::new("")).to_owned();
        if !meta.is_dir() {
            Found::new(&mut sources, &mut skipped).file(given, &base, &meta, true);
            continue;
        }
        let before = sources.len() + skipped.len();
        // The folder given may itself be a link (the person chose it); nothing under it
        // is followed.
        for item in walkdir::WalkDir::new(given)
            .follow_links(false)
            .follow_root_links(true)
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
            if item.depth() == 0 || item.file_type().is_dir() {
                continue;
            }
            let mut found = Found::new(&mut sources, &mut skipped);
            if item.path_is_symlink() {
                found.skip(item.path(), &base, SkipReason::SymbolicLink);
                continue;
            }
            let meta = item.metadata().map_err(|e| VaultError::Unreadable {
                path: item.path().to_owned(),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("unreadable")),
            })?;
            found.file(item.path(), &base, &meta, false);
        }
        if sources.len() + skipped.len() == before {
            return Err(VaultError::NothingToAdd {
                path: given.clone(),
                skipped: Vec::new(),
            });
        }
    }
    // One naming rule: parts export can write back as themselves.
    let (sources, unsupported): (Vec<Source>, Vec<Source>) = sources
        .into_iter()
        .partition(|s| s.name.split('/').all(|part| !part.contains('\\')));
    skipped.extend(unsupported.into_iter().map(|s| Skipped {
        name: s.name,
        reason: SkipReason::UnsupportedName,
    }));
    Ok(Collected { sources, skipped })
}

/// Sorts what a walk meets into files to add and files skipped.
struct Found<'a> {
    sources: &'a mut Vec<Source>,
    skipped: &'a mut Vec<Skipped>,
}

impl<'a> Found<'a> {
    fn new(sources: &'a mut Vec<Source>, skipped: &'a mut Vec<Skipped>) -> Self {
        Found { sources, skipped }
    }

    fn skip(&mut self, path: &Path, base: &Path, reason: SkipReason) {
        let (name, reason) = match name_for(path, base) {
            Named::Name(name) => (name, reason),
            Named::NotUtf8(name) => (name, SkipReason::NotUtf8),
        };
        self.skipped.push(Skipped { name, reason });
    }

    fn file(&mut self, path: &Path, base: &Path, meta: &std::fs::Metadata, follow: bool) {
        if !meta.is_file() {
            return self.skip(path, base, SkipReason::NotAFile);
        }
        match name_for(path, base) {
            Named::Name(name) => self.sources.push(Source {
                path: path.to_owned(),
                name,
                size: meta.len(),
                id: file_id(meta),
                follow,
            }),
            Named::NotUtf8(name) => self.skipped.push(Skipped {
                name,
                reason: SkipReason::NotUtf8,
            }),
        }
    }
}

/// Keeps the items whose names can live beside `existing` names and each other: a name
/// may not be a file where another needs a folder (`a` and `a/b`). Earlier names win; a
/// name equal to an existing one replaces it and is kept. Returns (kept, conflicting).
pub(crate) fn without_conflicts<'a, T>(
    existing: impl IntoIterator<Item = &'a str>,
    items: Vec<T>,
    name_of: impl Fn(&T) -> &str,
) -> (Vec<T>, Vec<T>) {
    let mut files: BTreeSet<String> = BTreeSet::new();
    let mut folders: BTreeSet<String> = BTreeSet::new();
    fn take(name: &str, files: &mut BTreeSet<String>, folders: &mut BTreeSet<String>) {
        files.insert(name.to_owned());
        for (i, _) in name.match_indices('/') {
            folders.insert(name[..i].to_owned());
        }
    }
    for name in existing {
        take(name, &mut files, &mut folders);
    }
    let mut kept = Vec::new();
    let mut conflicting = Vec::new();
    for item in items {
        let name = name_of(&item);
        let under_a_file = name
            .match_indices('/')
            .any(|(i, _)| files.contains(&name[..i]));
        if folders.contains(name) || under_a_file {
            conflicting.push(item);
            continue;
        }
        take(name, &mut files, &mut folders);
        kept.push(item);
    }
    (kept, conflicting)
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

    /// What was skipped, as (name, reason).
    fn skipped_pairs(collected: &Collected) -> Vec<(&str, SkipReason)> {
        collected
            .skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason))
            .collect()
    }

    #[test]
    fn names_are_relative_to_what_was_given() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("runs");
        std::fs::create_dir_all(folder.join("2025")).unwrap();
        std::fs::write(folder.join("a.csv"), b"1").unwrap();
        std::fs::write(folder.join("2025/b.csv"), b"22").unwrap();
        let single = dir.path().join("c.txt");
        std::fs::write(&single, b"333").unwrap();
        let collected = collect_sources(&[folder, single]).unwrap();
        assert!(collected.skipped.is_empty());
        let names: Vec<_> = collected
            .sources
            .iter()
            .map(|s| (s.name.as_str(), s.size))
            .collect();
        assert_eq!(
            names,
            [("runs/2025/b.csv", 2), ("runs/a.csv", 1), ("c.txt", 3)]
        );
    }

    /// Links inside a folder are not followed wherever they point, and say so; a name
    /// with a backslash is skipped too. The folder given may itself be a link.
    #[cfg(unix)]
    #[test]
    fn links_inside_are_skipped_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = dir.path().join("ssh");
        std::fs::create_dir(&secrets).unwrap();
        std::fs::write(secrets.join("id_ed25519"), b"PRIVATE").unwrap();
        let photos = dir.path().join("photos");
        std::fs::create_dir(&photos).unwrap();
        std::fs::write(photos.join("cat.jpg"), b"meow").unwrap();
        std::fs::write(photos.join("win\\dows.txt"), b"x").unwrap();
        std::os::unix::fs::symlink(&secrets, photos.join("keys")).unwrap();
        std::os::unix::fs::symlink(secrets.join("id_ed25519"), photos.join("key")).unwrap();
        let chosen = dir.path().join("chosen");
        std::os::unix::fs::symlink(&photos, &chosen).unwrap();
        let collected = collect_sources(&[chosen]).unwrap();
        let names: Vec<_> = collected.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["chosen/cat.jpg"]);
        let skipped = skipped_pairs(&collected);
        assert_eq!(
            skipped,
            [
                ("chosen/key", SkipReason::SymbolicLink),
                ("chosen/keys", SkipReason::SymbolicLink),
                ("chosen/win\\dows.txt", SkipReason::UnsupportedName),
            ]
        );
    }

    /// A pipe (a read would wait forever) and a name that is not UTF-8 are skipped and
    /// said, never silently dropped, and do not stop the files beside them.
    #[test]
    fn pipes_and_names_that_are_not_utf8_are_reported() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("in");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("ok.txt"), b"1").unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        std::fs::write(folder.join(odd), b"2").unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            folder.join("pipe"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let collected = collect_sources(std::slice::from_ref(&folder)).unwrap();
        let names: Vec<_> = collected.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["in/ok.txt"]);
        let skipped = skipped_pairs(&collected);
        assert_eq!(
            skipped,
            [
                ("in/caf\u{fffd}.txt", SkipReason::NotUtf8),
                ("in/pipe", SkipReason::NotAFile)
            ]
        );
        // Named directly, a pipe is skipped too rather than read.
        let collected = collect_sources(&[folder.join("pipe")]).unwrap();
        assert!(collected.sources.is_empty());
        assert_eq!(collected.skipped[0].reason, SkipReason::NotAFile);
        assert!(describe_skipped(&collected.skipped).contains("pipe (a device, pipe or socket"));
    }

    #[test]
    fn a_name_is_never_a_file_and_a_folder_at_once() {
        let (kept, skipped) = without_conflicts(
            ["a", "docs/x.txt"],
            vec!["a/b", "docs", "docs/y.txt", "a", "c/d", "c"],
            |name| name,
        );
        assert_eq!(kept, ["docs/y.txt", "a", "c/d"]);
        assert_eq!(skipped, ["a/b", "docs", "c"]);
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
