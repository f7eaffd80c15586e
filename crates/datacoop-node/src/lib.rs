//! The one API surface of datacoop. The CLI and the desktop app call these functions;
//! nothing here knows about either.
//!
//! A home is owned by one process at a time ([`HomeLock`]). A one-shot command owns it
//! for its duration; a long-running owner (`datacoop serve`, the desktop app) is an
//! [`Owner`]: it also serves an owner-only control socket ([`control`]) through which
//! other commands reach it, tracks the work running on the node, and publishes
//! [`Event`]s. [`Session`] hides the difference for the CLI: it opens the home or
//! connects to its owner.
//!
//! ```no_run
//! # async fn example() -> Result<(), datacoop_node::NodeError> {
//! use std::sync::Arc;
//! use datacoop_node::{Home, Session, SessionOptions, api::Whoami};
//! use datacoop_vault::{CancellationToken, NoProgress};
//! use secrecy::SecretString;
//!
//! let home = Home::resolve(Some("/tmp/ada".into()))?;
//! let session = Session::open(
//!     &home,
//!     || Ok::<_, datacoop_node::NodeError>(SecretString::from("passphrase")),
//!     SessionOptions::default(),
//!     |_owner| {},
//! )
//! .await?;
//! let me = session
//!     .call(Whoami {}, Arc::new(NoProgress), &CancellationToken::new())
//!     .await?;
//! println!("{} ({})", me.identity.name, me.identity.id);
//! session.close().await;
//! # Ok(()) }
//! ```

pub mod activity;
pub mod api;
pub mod control;
pub mod coop;
mod croissant;
mod error;
mod events;
mod governance;
mod home;
pub mod ledger_handle;
mod lock;
mod net_log;
pub mod net_prefs;
mod network;
mod node;
mod owner;
mod peers;
mod pending;
mod read_only;
mod save;
mod session;
pub mod views;

pub use datacoop_crypto::KdfCost;

/// Whether this build honours `DATACOOP_INSECURE_KDF_LOG_N`: only builds made for test
/// suites and benchmarks (the `insecure-test-kdf` feature). Release builds and the
/// packages lack it, and say they ignore the variable.
pub const INSECURE_KDF_HONOURED: bool = cfg!(feature = "insecure-test-kdf");

/// Scrypt cost for new keystores and recovery kits: age's calibrated default, unless a
/// build made for tests is told otherwise by `DATACOOP_INSECURE_KDF_LOG_N`. Shared by
/// the CLI and the desktop app.
pub fn kdf_cost_from_env() -> KdfCost {
    let value = std::env::var("DATACOOP_INSECURE_KDF_LOG_N").ok();
    kdf_cost_for(value.as_deref(), INSECURE_KDF_HONOURED)
}

/// The cost `value` (of `DATACOOP_INSECURE_KDF_LOG_N`) asks for, in a build that does or
/// does not `honour` it.
pub fn kdf_cost_for(value: Option<&str>, honour: bool) -> KdfCost {
    match value.map(str::trim) {
        None | Some("") => KdfCost::Default,
        Some(v) if honour => v.parse::<u8>().map_or(KdfCost::Default, KdfCost::LogN),
        Some(_) => {
            tracing::warn!(
                "DATACOOP_INSECURE_KDF_LOG_N is ignored: this build of datacoop never weakens passphrases"
            );
            KdfCost::Default
        }
    }
}

pub use activity::{
    ActivityEntry, ActivityKind, Earning, EarningStatus, Earnings, activity_csv, earnings_csv,
};
pub use control::RemoteEvents;
pub use datacoop_core::Code;
pub use datacoop_net::Listen;
pub use datacoop_vault::{CancellationToken, NoProgress, Progress, ProgressSink, ProgressThrottle};
pub use error::NodeError;
pub use events::{Event, Events, JobKind, JobOutcome, Subscription};
pub use governance::{ProposalView, ProposedChange};
pub use home::Home;
pub use lock::{HomeLock, OwnerInfo, OwnerKind, Ownership};
pub use net_prefs::{NetworkInfo, NetworkPrefs};
pub use network::NetSettings;
pub use node::{
    DEFAULT_DEADLINE_SECS, MIN_PASSPHRASE_CHARS, MIN_WORK_FACTOR, Node, absolute,
    check_new_passphrase, init, restore,
};
pub use owner::{HomeState, Launch, Owner, OwnerOptions, StopReport};
pub use save::{read_recovery_kit, save_recovery_kit, write_owner_only};
pub use session::{Session, SessionOptions, with_exclusive_home};
pub use views::*;
