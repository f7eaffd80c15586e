//! Writing an export below the folder the person chose, through opened folders.
//!
//! Each folder below the export folder is made (0700) and opened relative to its parent's
//! open handle without following links, and every file is created and renamed relative to
//! its folder's handle. So a link swapped in for a folder while an export runs cannot send
//! plaintext anywhere else: the walk refuses the link, and a handle already open keeps
//! writing into the folder it was opened on. The export folder itself may be a link the
//! person chose.

use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags, RenameFlags};
use rustix::io::Errno;

use crate::VaultError;

/// An opened folder of an export: the export folder or one below it.
#[derive(Debug)]
pub(crate) struct OutDir {
    fd: OwnedFd,
    path: PathBuf,
}

pub(crate) use crate::files::FileId;

/// Why [`Partial::persist_new`] did not give the file its name.
#[derive(Debug)]
pub(crate) enum PersistError {
    /// Something already has the name: this file `(device, inode)` or a link.
    Exists(Option<FileId>),
    /// Anything else.
    Io(io::Error),
}

const PRIVATE: u32 = 0o700;

impl OutDir {
    /// Makes the export folder (and missing parents, 0700) and opens it.
    pub(crate) fn create(path: &Path) -> Result<Self, VaultError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(PRIVATE);
        }
        builder
            .create(path)
            .map_err(|e| VaultError::io("cannot create", path, e))?;
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| VaultError::io("cannot open", path, e.into()))?;
        Ok(OutDir {
            fd,
            path: path.to_owned(),
        })
    }

    /// The path this folder was opened at, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Makes (0700) and opens the folder `parts` below this one, one part at a time, never
    /// following a link: a link where a folder should be is
    /// [`VaultError::LinkInExportTarget`].
    pub(crate) fn folder<'a>(
        &self,
        parts: impl IntoIterator<Item = &'a str>,
    ) -> Result<OutDir, VaultError> {
        let mut current: Option<OutDir> = None;
        for part in parts {
            let parent = current.as_ref().unwrap_or(self);
            let path = parent.path.join(part);
            match rustix::fs::mkdirat(&parent.fd, part, Mode::from_raw_mode(PRIVATE)) {
                Ok(()) | Err(Errno::EXIST) => {}
                Err(e) => return Err(VaultError::io("cannot create", &path, e.into())),
            }
            let opened = rustix::fs::openat(
                &parent.fd,
                part,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            );
            let fd = match opened {
                Ok(fd) => fd,
                Err(Errno::LOOP) => return Err(VaultError::LinkInExportTarget { path }),
                // A link to something that is not a folder also gives ENOTDIR.
                Err(Errno::NOTDIR) if is_link(&parent.fd, part) => {
                    return Err(VaultError::LinkInExportTarget { path });
                }
                Err(Errno::NOTDIR) => return Err(VaultError::ExportTargetExists { path }),
                Err(e) => return Err(VaultError::io("cannot open", &path, e.into())),
            };
            current = Some(OutDir { fd, path });
        }
        match current {
            Some(folder) => Ok(folder),
            None => Ok(OutDir {
                fd: self
                    .fd
                    .try_clone()
                    .map_err(|e| VaultError::io("cannot open", &self.path, e))?,
                path: self.path.clone(),
            }),
        }
    }

    /// A new file with a random name nobody could have planted (created exclusively,
    /// 0600: decrypted personal data is its owner's only), removed unless persisted.
    pub(crate) fn partial(&self) -> io::Result<Partial<'_>> {
        loop {
            let name = format!(".datacoop-partial-{}", uuid::Uuid::new_v4().simple());
            let created = rustix::fs::openat(
                &self.fd,
                name.as_str(),
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            );
            match created {
                Ok(fd) => {
                    return Ok(Partial {
                        folder: self,
                        name,
                        file: File::from(fd),
                        persisted: false,
                    });
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn file_id(&self, name: &str) -> Option<FileId> {
        let stat = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        Some((stat.st_dev as u64, stat.st_ino as u64))
    }
}

fn is_link(dir: &OwnedFd, name: &str) -> bool {
    rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|s| {
        rustix::fs::FileType::from_raw_mode(s.st_mode) == rustix::fs::FileType::Symlink
    })
}

/// A file being written in an [`OutDir`] under a temporary name.
pub(crate) struct Partial<'a> {
    folder: &'a OutDir,
    name: String,
    file: File,
    persisted: bool,
}

impl Partial<'_> {
    /// The open file.
    pub(crate) fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }

    /// Which file this is.
    pub(crate) fn id(&self) -> io::Result<FileId> {
        let stat = rustix::fs::fstat(&self.file)?;
        Ok((stat.st_dev as u64, stat.st_ino as u64))
    }

    /// Gives the file `name` in its folder, never replacing anything that has that name
    /// (whatever appeared there since the export started). `durable` waits for the disk
    /// first; exported files do not (like `cp` or `age -d`: the vault keeps the
    /// originals, and waiting would make an export far slower than the disk's cache).
    pub(crate) fn persist_new(mut self, name: &str, durable: bool) -> Result<(), PersistError> {
        if durable {
            self.file.sync_all().map_err(PersistError::Io)?;
        }
        let fd = &self.folder.fd;
        let renamed =
            rustix::fs::renameat_with(fd, self.name.as_str(), fd, name, RenameFlags::NOREPLACE);
        let result = match renamed {
            Ok(()) => Ok(()),
            // File systems without an exclusive rename: a hard link fails if the name is
            // taken, then the temporary name goes.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {
                rustix::fs::linkat(fd, self.name.as_str(), fd, name, AtFlags::empty()).map(|()| {
                    let _ = rustix::fs::unlinkat(fd, self.name.as_str(), AtFlags::empty());
                })
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                self.persisted = true;
                Ok(())
            }
            Err(Errno::EXIST) => Err(PersistError::Exists(self.folder.file_id(name))),
            Err(e) => Err(PersistError::Io(e.into())),
        }
    }
}

impl Drop for Partial<'_> {
    fn drop(&mut self) {
        if !self.persisted {
            // Only ever the name this run created.
            let _ = rustix::fs::unlinkat(&self.folder.fd, self.name.as_str(), AtFlags::empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// The window a path-based check leaves open: a folder checked, then replaced by a
    /// link to somewhere else before the file is written. Through the opened folder, the
    /// file still lands in the folder that was checked, never through the link.
    #[test]
    fn a_link_swapped_in_after_opening_redirects_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let out = OutDir::create(&dir.path().join("out")).unwrap();
        let folder = out.folder(["sub"]).unwrap();
        std::fs::rename(dir.path().join("out/sub"), dir.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, dir.path().join("out/sub")).unwrap();
        let mut partial = folder.partial().unwrap();
        partial.file_mut().write_all(b"plaintext").unwrap();
        partial.persist_new("a.txt", false).unwrap();
        assert!(names(&elsewhere).is_empty());
        assert_eq!(names(&dir.path().join("moved")), ["a.txt"]);
        // Opening the folder again now meets the link, and refuses it.
        let err = out.folder(["sub"]).unwrap_err();
        assert_eq!(err.code(), "input.link_in_export_target");
    }

    #[test]
    fn folders_are_private_and_links_below_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::create(&dir.path().join("out")).unwrap();
        out.folder(["a", "b"]).unwrap();
        for folder in ["out", "out/a", "out/a/b"] {
            let mode = std::fs::metadata(dir.path().join(folder))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700, "{folder}");
        }
        std::fs::write(dir.path().join("target.txt"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("out/a/up")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("target.txt"), dir.path().join("out/f"))
            .unwrap();
        for link in [vec!["a", "up"], vec!["f"]] {
            let err = out.folder(link.iter().copied()).unwrap_err();
            assert_eq!(err.code(), "input.link_in_export_target", "{link:?}");
        }
        std::fs::write(dir.path().join("out/plain"), b"x").unwrap();
        let err = out.folder(["plain"]).unwrap_err();
        assert_eq!(err.code(), "input.export_target_exists");
    }

    /// A name taken by anything, a dangling link included, is never replaced; the
    /// partial file goes, and one that is dropped unpersisted goes too.
    #[test]
    fn persisting_never_replaces_and_partials_never_stay() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutDir::create(dir.path()).unwrap();
        std::fs::write(dir.path().join("taken"), b"keep").unwrap();
        std::os::unix::fs::symlink("/nonexistent", dir.path().join("dangling")).unwrap();
        for name in ["taken", "dangling"] {
            let partial = out.partial().unwrap();
            assert!(matches!(
                partial.persist_new(name, true),
                Err(PersistError::Exists(Some(_)))
            ));
        }
        drop(out.partial().unwrap());
        assert_eq!(names(dir.path()), ["dangling", "taken"]);
        assert_eq!(std::fs::read(dir.path().join("taken")).unwrap(), b"keep");
        let mut partial = out.partial().unwrap();
        partial.file_mut().write_all(b"new").unwrap();
        let id = partial.id().unwrap();
        partial.persist_new("fresh", false).unwrap();
        assert_eq!(out.file_id("fresh"), Some(id));
    }
}
