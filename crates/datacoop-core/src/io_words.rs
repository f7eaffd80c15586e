//! Operating-system errors in words a person can act on, without error numbers.

use std::io;

use serde::{Deserialize, Serialize};

/// The kinds of file trouble a person can do something about, each of which the window
/// turns into its own sentence naming the file or folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IoKind {
    /// A file or folder on the way does not exist.
    NotFound,
    /// Something already has the name.
    Exists,
    /// The system does not allow it.
    PermissionDenied,
    /// The disk is read-only.
    ReadOnly,
    /// The disk is full.
    Full,
    /// A folder where a file was wanted.
    IsAFolder,
    /// A file where a folder was wanted.
    NotAFolder,
    /// Anything else.
    Other,
}

impl IoKind {
    /// The kind of `error`.
    pub fn of(error: &io::Error) -> Self {
        use io::ErrorKind as K;
        match error.kind() {
            K::NotFound => IoKind::NotFound,
            K::AlreadyExists => IoKind::Exists,
            K::PermissionDenied => IoKind::PermissionDenied,
            K::ReadOnlyFilesystem => IoKind::ReadOnly,
            K::StorageFull | K::QuotaExceeded => IoKind::Full,
            K::IsADirectory => IoKind::IsAFolder,
            K::NotADirectory => IoKind::NotAFolder,
            _ => IoKind::Other,
        }
    }
}

/// What went wrong with a file operation, plainly: `permission denied`, `the disk is
/// full`, ... (never `(os error 13)`).
pub fn plain_io(error: &io::Error) -> String {
    use io::ErrorKind as K;
    let words = match error.kind() {
        K::PermissionDenied => "permission denied",
        K::NotFound => "there is no such file or folder",
        K::AlreadyExists => "something already has that name",
        K::ReadOnlyFilesystem => "the disk is read-only",
        K::StorageFull => "the disk is full",
        K::IsADirectory => "it is a folder",
        K::NotADirectory => "part of the path is a file, not a folder",
        K::DirectoryNotEmpty => "the folder is not empty",
        _ => {
            let text = error.to_string();
            return match text.find(" (os error") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
        }
    };
    words.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_error_numbers_reach_people() {
        let denied = io::Error::from_raw_os_error(13);
        assert_eq!(plain_io(&denied), "permission denied");
        let missing = io::Error::from_raw_os_error(2);
        assert_eq!(plain_io(&missing), "there is no such file or folder");
        let busy = io::Error::from_raw_os_error(16);
        let text = plain_io(&busy);
        assert!(!text.contains("os error"), "{text}");
        assert_eq!(plain_io(&io::Error::other("custom")), "custom");
    }

    #[test]
    fn kinds_follow_the_system_error() {
        for (errno, kind) in [
            (2, IoKind::NotFound),
            (17, IoKind::Exists),
            (13, IoKind::PermissionDenied),
            (30, IoKind::ReadOnly),
            (28, IoKind::Full),
            (21, IoKind::IsAFolder),
            (20, IoKind::NotAFolder),
            (16, IoKind::Other),
        ] {
            assert_eq!(
                IoKind::of(&io::Error::from_raw_os_error(errno)),
                kind,
                "{errno}"
            );
        }
    }
}
