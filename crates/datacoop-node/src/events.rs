//! What a node tells its followers as it happens: the window, `datacoop events`, and
//! (later) the network tasks. Events are facts, not commands; a follower that falls
//! behind is told how many it missed and reads the current state again.

use datacoop_vault::Progress;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// How many events a slow follower may fall behind before it is told it missed some.
const BACKLOG: usize = 256;

/// Something that happened on a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The identity was unlocked: requests run from now on.
    Unlocked {
        /// The identity id.
        identity: String,
        /// Its display name.
        name: String,
    },
    /// The home was locked (or its owner is stopping); what was still running was
    /// cancelled first.
    Locked {
        /// The work that was running and had to stop.
        cancelled: Vec<JobKind>,
    },
    /// Files were added to a dataset, or a dataset was created.
    DatasetsChanged {
        /// The dataset's name.
        dataset: String,
    },
    /// Operations were appended to the cooperative's log.
    LogAppended {
        /// The log's size now.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        size: u64,
    },
    /// Whether the peers this node works with answer changed (one became reachable or
    /// unreachable): read `coop show` again.
    PeersChanged {
        /// Peers known reachable now.
        reachable: u32,
        /// Peers known unreachable now.
        unreachable: u32,
    },
    /// A holder served ciphertext that did not match its hash (caught by verified
    /// streaming; the fetch went on from another holder).
    HolderTampered {
        /// The holder's endpoint id.
        endpoint: String,
    },
    /// This member's node released a dataset's keys to an approved request.
    Released {
        /// The request's id.
        request: String,
        /// The dataset's name.
        dataset: String,
    },
    /// A grant this node is party to (as the member who released it, its trainer or a
    /// steward) ended: its window closed or it was revoked. Serving peers refuse its
    /// trainer from now on.
    GrantEnded {
        /// The release's operation id.
        release: String,
        /// The request it answered.
        request: String,
        /// How it ended.
        ending: crate::views::GrantEnding,
    },
    /// On a trainer's node: a request's window closed (or it was denied), and the key
    /// made for it was wiped from this computer, so nothing released to it opens here
    /// any more.
    RequestKeyWiped {
        /// The request's id.
        request: String,
    },
    /// Long work started (adding, exporting).
    JobStarted {
        /// The job's number in this owner.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        job: u64,
        /// What it does.
        kind: JobKind,
    },
    /// Long work advanced (at most ten times a second).
    JobProgress {
        /// The job's number.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        job: u64,
        /// Where it is.
        progress: Progress,
    },
    /// Long work ended.
    JobFinished {
        /// The job's number.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        job: u64,
        /// What it did.
        kind: JobKind,
        /// How it ended.
        outcome: JobOutcome,
    },
    /// This follower fell behind and missed events: read the state again.
    Missed {
        /// How many.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        count: u64,
    },
}

/// Work running on a node, as people are told about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum JobKind {
    /// Encrypting files into a dataset.
    Adding {
        /// The dataset.
        dataset: String,
    },
    /// Decrypting a dataset into a folder.
    Exporting {
        /// The dataset.
        dataset: String,
    },
    /// Any shorter request (listing, consent, the log).
    Request {
        /// The request's name on the control socket (`data_list`, `consent_set`, ...).
        op: String,
    },
}

impl JobKind {
    /// Whether followers hear of this job's start, progress and end.
    pub fn is_long(&self) -> bool {
        !matches!(self, JobKind::Request { .. })
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobKind::Adding { dataset } => write!(f, "adding files to {dataset:?}"),
            JobKind::Exporting { dataset } => write!(f, "exporting {dataset:?}"),
            JobKind::Request { op } => write!(f, "a {op} request"),
        }
    }
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum JobOutcome {
    /// It did what was asked.
    Done,
    /// It was cancelled (by its caller, or because the home was locked or its owner
    /// stopped); nothing it did half-way was kept.
    Cancelled,
    /// It failed.
    Failed {
        /// The error's code.
        code: datacoop_core::Code,
    },
}

/// Where a node's events go: cheap to clone, and fine to emit into with nobody following.
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Events::new()
    }
}

impl Events {
    /// A channel nobody follows yet.
    pub fn new() -> Self {
        Events {
            sender: broadcast::channel(BACKLOG).0,
        }
    }

    /// Tells every follower.
    pub fn emit(&self, event: Event) {
        // No follower is not an error: a one-shot command has none.
        let _ = self.sender.send(event);
    }

    /// Follows the events from now on.
    pub fn subscribe(&self) -> Subscription {
        Subscription {
            receiver: self.sender.subscribe(),
        }
    }
}

/// One follower's view of the events.
#[derive(Debug)]
pub struct Subscription {
    receiver: broadcast::Receiver<Event>,
}

impl Subscription {
    /// The next event; `None` once the node has gone. A follower that fell behind gets
    /// [`Event::Missed`] in place of what it missed.
    pub async fn next(&mut self) -> Option<Event> {
        match self.receiver.recv().await {
            Ok(event) => Some(event),
            Err(broadcast::error::RecvError::Lagged(count)) => Some(Event::Missed { count }),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_follower_is_told_what_it_missed() {
        let events = Events::new();
        let mut follower = events.subscribe();
        for size in 0..(BACKLOG as u64 + 10) {
            events.emit(Event::LogAppended { size });
        }
        assert_eq!(follower.next().await, Some(Event::Missed { count: 10 }));
        assert_eq!(follower.next().await, Some(Event::LogAppended { size: 10 }));
    }

    #[test]
    fn events_have_a_stable_json_shape() {
        let event = Event::JobFinished {
            job: 3,
            kind: JobKind::Adding {
                dataset: "runs".into(),
            },
            outcome: JobOutcome::Failed {
                code: datacoop_core::Code::IoDiskFull,
            },
        };
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            r#"{"event":"job_finished","job":3,"kind":{"job":"adding","dataset":"runs"},"outcome":{"outcome":"failed","code":"io.disk_full"}}"#
        );
    }
}
