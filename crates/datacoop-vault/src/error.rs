//! What the vault can fail with: [`VaultError`], each variant with its stable code.

use datacoop_core::Code;
use std::io;
use std::path::PathBuf;

use datacoop_core::CoreError;
use datacoop_crypto::CryptoError;
use thiserror::Error;

/// Everything that can go wrong in the vault.
#[derive(Debug, Error)]
pub enum VaultError {
    /// Invalid names, categories and the like.
    #[error(transparent)]
    Input(#[from] CoreError),
    /// Key or sealing failures.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// No dataset by that name.
    #[error("no dataset named {name:?}")]
    UnknownDataset {
        /// The name asked for.
        name: String,
    },
    /// A rename to a name another dataset already has.
    #[error("there is already a dataset named {name:?}")]
    DatasetExists {
        /// The name asked for.
        name: String,
    },
    /// A new dataset needs a category.
    #[error("dataset {name:?} is new and needs a category (for example fitness)")]
    CategoryRequired {
        /// The dataset name.
        name: String,
    },
    /// A dataset's category is fixed when it is created.
    #[error(
        "dataset {name:?} has category {existing:?}, not {given:?}; a dataset's category cannot change"
    )]
    CategoryMismatch {
        /// The dataset name.
        name: String,
        /// Its category.
        existing: String,
        /// The category given now.
        given: String,
    },
    /// Two of the files given would get the same name in the dataset.
    #[error(
        "two of the files given would both be named {name:?} in the dataset; add them separately or rename one"
    )]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// Nothing to add: no files, or only files that cannot be added.
    #[error("no files to add in {path}{}", skipped_note(skipped))]
    NothingToAdd {
        /// The path given.
        path: PathBuf,
        /// What was found and skipped, and why.
        skipped: Vec<crate::Skipped>,
    },
    /// A file to add cannot be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A file changed or vanished while it was being added; nothing of it was stored.
    #[error("{path} changed while it was being added; nothing of it was stored, try again")]
    ChangedWhileAdding {
        /// The file.
        path: PathBuf,
    },
    /// The dataset was removed or made anew while files were being added to it (another
    /// add that created it failed and took it back): nothing more of this add is kept.
    #[error(
        "dataset {name:?} was renamed, removed or created anew while adding to it; add the files again"
    )]
    DatasetChanged {
        /// The dataset name.
        name: String,
    },
    /// A folder inside an export's target is a symbolic link.
    #[error("{path} is a symbolic link; datacoop does not write an export through links")]
    LinkInExportTarget {
        /// The link.
        path: PathBuf,
    },
    /// A file given to `add --age` is not age-encrypted to this dataset's recipient.
    #[error("{path} is not an age file encrypted to dataset {dataset:?}'s recipient ({reason})")]
    NotForThisDataset {
        /// The file.
        path: PathBuf,
        /// The dataset.
        dataset: String,
        /// What age said.
        reason: String,
    },
    /// Stored ciphertext failed verification (tampered or damaged).
    #[error(
        "the stored copy of {name:?} in dataset {dataset:?} failed its integrity check ({reason})"
    )]
    Integrity {
        /// The dataset.
        dataset: String,
        /// The file's name.
        name: String,
        /// What failed.
        reason: String,
    },
    /// The disk is full; what was being added is not stored, earlier data is intact.
    #[error("the disk is full while {action}; nothing partial was kept, earlier data is intact")]
    DiskFull {
        /// What we were doing.
        action: String,
    },
    /// An add stopped partway; the files before the one it stopped at were stored.
    #[error("{cause} ({stored} of {total} files were stored before it stopped)")]
    Interrupted {
        /// Files stored.
        stored: u64,
        /// Files the add was given.
        total: u64,
        /// Why it stopped.
        cause: Box<VaultError>,
    },
    /// The user cancelled; nothing partial was kept.
    #[error("cancelled; nothing partial was kept")]
    Cancelled,
    /// An export target already has a file of that name.
    #[error("{path} already exists; export into an empty folder")]
    ExportTargetExists {
        /// The path.
        path: PathBuf,
    },
    /// The folder to export into is a file.
    #[error("{path} is a file; an export needs a folder to write into")]
    ExportTargetNotAFolder {
        /// The file.
        path: PathBuf,
    },
    /// Metadata storage failed.
    #[error("metadata store: {0}")]
    Meta(String),
    /// A metadata record could not be decoded after it opened (format bug or version skew).
    #[error("a metadata record is unreadable: {0}")]
    Record(String),
    /// The blob store failed.
    #[error("blob store: {0}")]
    Blobs(String),
    /// Other file system errors.
    #[error("{action} {path}: {}", datacoop_core::plain_io(source))]
    Io {
        /// What we were doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl VaultError {
    /// A stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            VaultError::Input(e) => e.code(),
            VaultError::Crypto(e) => e.code(),
            VaultError::UnknownDataset { .. } => Code::InputUnknownDataset,
            VaultError::CategoryRequired { .. } => Code::InputCategoryRequired,
            VaultError::CategoryMismatch { .. } => Code::InputCategoryMismatch,
            VaultError::NothingToAdd { .. } => Code::InputNothingToAdd,
            VaultError::DuplicateName { .. } => Code::InputDuplicateName,
            VaultError::DatasetExists { .. } => Code::InputDatasetExists,
            VaultError::Unreadable { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                Code::InputNotFound
            }
            VaultError::Unreadable { .. } => Code::IoUnreadable,
            VaultError::ChangedWhileAdding { .. } => Code::IoChangedWhileAdding,
            VaultError::DatasetChanged { .. } => Code::IoDatasetChanged,
            VaultError::NotForThisDataset { .. } => Code::InputNotForThisDataset,
            VaultError::Integrity { .. } => Code::IntegrityBlob,
            VaultError::DiskFull { .. } => Code::IoDiskFull,
            VaultError::Cancelled => Code::Cancelled,
            VaultError::Interrupted { cause, .. } => cause.code(),
            VaultError::ExportTargetExists { .. } => Code::InputExportTargetExists,
            VaultError::LinkInExportTarget { .. } => Code::InputLinkInExportTarget,
            VaultError::ExportTargetNotAFolder { .. } => Code::InputNotAFolder,
            VaultError::Meta(_) => Code::IoMeta,
            VaultError::Record(_) => Code::IntegrityRecord,
            VaultError::Blobs(_) => Code::IoBlobs,
            VaultError::Io { .. } => Code::IoFailed,
        }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        if is_disk_full_io(&source) {
            return VaultError::DiskFull {
                action: format!("{action} {}", path.into().display()),
            };
        }
        VaultError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Maps a blob store error, recognising a full disk anywhere in its source chain.
    pub fn blobs(action: &str, error: impl std::error::Error + 'static) -> Self {
        let mut text = error.to_string();
        let mut disk_full = looks_like_disk_full(&text);
        let mut source = error.source();
        while let Some(cause) = source {
            if let Some(io) = cause.downcast_ref::<io::Error>() {
                disk_full |= is_disk_full_io(io);
            }
            let cause_text = cause.to_string();
            disk_full |= looks_like_disk_full(&cause_text);
            if !text.contains(&cause_text) {
                text = format!("{text}: {cause_text}");
            }
            source = cause.source();
        }
        if disk_full {
            VaultError::DiskFull {
                action: action.to_owned(),
            }
        } else {
            VaultError::Blobs(format!("{action}: {text}"))
        }
    }
}

pub(crate) fn is_disk_full_io(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    ) || looks_like_disk_full(&e.to_string())
}

/// `: skipped a (why), b (why)` after "no files to add", when some were found.
fn skipped_note(skipped: &[crate::Skipped]) -> String {
    if skipped.is_empty() {
        String::new()
    } else {
        format!("; skipped {}", crate::files::describe_skipped(skipped))
    }
}

fn looks_like_disk_full(text: &str) -> bool {
    text.contains("No space left on device")
        || text.contains("os error 28")
        || text.contains("StorageFull")
        || text.contains("storage full")
}

impl From<sled::Error> for VaultError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(io) if is_disk_full_io(&io) => VaultError::DiskFull {
                action: "writing metadata".into(),
            },
            other => VaultError::Meta(other.to_string()),
        }
    }
}
