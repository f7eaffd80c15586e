use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where long work (adding, exporting) is at. Sent often; consumers throttle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// The file being worked on, relative to what the user gave.
    pub current: String,
    /// Files finished so far.
    pub files_done: u64,
    /// Files in all.
    pub files_total: u64,
    /// Plaintext bytes processed so far, over all files.
    pub bytes_done: u64,
    /// Plaintext bytes in all.
    pub bytes_total: u64,
}

/// Receives [`Progress`] reports.
pub trait ProgressSink: Send + Sync {
    /// Called as work advances.
    fn report(&self, progress: &Progress);
}

/// A sink that ignores every report.
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _: &Progress) {}
}

impl<F: Fn(&Progress) + Send + Sync> ProgressSink for F {
    fn report(&self, progress: &Progress) {
        self(progress)
    }
}

/// A flag that asks running work to stop; cheap to clone and share.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether stopping was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
