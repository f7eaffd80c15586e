//! A member's encrypted vault.
//!
//! Each file is streamed through age encryption to its dataset's current **epoch key**
//! (an age X25519 identity) and stored in iroh-blobs under its BLAKE3 hash. File names,
//! media types and keys live only in sealed metadata records (see [`meta`]): values are
//! sealed with XChaCha20-Poly1305 and keys are keyed hashes, so nothing under the vault's
//! folder names or reveals a file.
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread")]
//! # async fn main() {
//! use std::sync::Arc;
//! use datacoop_core::{Category, DatasetName};
//! use datacoop_crypto::KeystoreSecrets;
//! use datacoop_vault::{AddMode, CancellationToken, ExportMode, NoProgress, Vault};
//!
//! let secrets = KeystoreSecrets::generate("Ada");
//! let vault = Vault::in_memory(&secrets);
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("run.csv"), b"km,minutes\n5,27\n").unwrap();
//!
//! let runs = DatasetName::new("runs").unwrap();
//! let fitness: Category = "fitness".parse().unwrap();
//! let report = vault
//!     .add(&runs, Some(&fitness), &[dir.path().join("run.csv")], AddMode::Plain,
//!          Arc::new(NoProgress), &CancellationToken::new())
//!     .await
//!     .unwrap();
//! assert_eq!(report.files, 1);
//!
//! let out = dir.path().join("out");
//! vault.export(&runs, &out, ExportMode::Plain, Arc::new(NoProgress), &CancellationToken::new()).await.unwrap();
//! assert_eq!(std::fs::read(out.join("run.csv")).unwrap(), b"km,minutes\n5,27\n");
//! # }
//! ```

mod age_header;
mod error;
mod files;
pub mod meta;
mod out_dir;
mod pipe;
mod progress;
mod records;
mod sealed;
mod vault;

pub use error::VaultError;
pub use files::{SkipReason, Skipped};
pub use progress::{NoProgress, Progress, ProgressSink, ProgressThrottle};
pub use records::{DatasetSummary, Entry};
/// How long work is asked to stop: the work checks it between chunks.
pub use tokio_util::sync::CancellationToken;
pub use vault::{
    AddMode, AddReport, ExportMode, ExportReport, Manifest, ManifestFile, PublishedEpoch,
    ReleasedEpoch, ReleasedFile, Vault, dataset_id,
};
