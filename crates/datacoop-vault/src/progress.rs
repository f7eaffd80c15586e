//! Progress reports for long work, where they go, and how often they are passed on.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where long work (adding, exporting) is at. Sent often; consumers throttle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    /// The file being worked on, relative to what the user gave.
    pub current: String,
    /// Files finished so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub files_done: u64,
    /// Files in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub files_total: u64,
    /// Plaintext bytes processed so far, over all files.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes_done: u64,
    /// Plaintext bytes in all.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
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

/// Passes on at most one progress report per `interval`, and always the last one (all
/// files done), for sinks that forward reports to a slower consumer (a socket, a window).
#[derive(Debug)]
pub struct ProgressThrottle {
    interval: Duration,
    last: Mutex<Option<Instant>>,
}

impl ProgressThrottle {
    /// A throttle letting one report through per `interval`.
    pub fn new(interval: Duration) -> Self {
        ProgressThrottle {
            interval,
            last: Mutex::new(None),
        }
    }

    /// Whether `progress` should be passed on now.
    pub fn due(&self, progress: &Progress) -> bool {
        let finished = progress.files_done == progress.files_total;
        match self.last.lock() {
            Ok(mut last) if finished || last.is_none_or(|t| t.elapsed() >= self.interval) => {
                *last = Some(Instant::now());
                true
            }
            _ => false,
        }
    }
}
