//! Operating-system errors in words a person can act on, without error numbers.

use std::io;

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
}
