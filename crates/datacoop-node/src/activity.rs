//! What touched a member's data, and what it earned, read off the log: `datacoop
//! activity` and `datacoop earnings`, the app's Activity and Earnings screens, and their
//! exports (JSON, as `--json` prints it, or CSV). Nothing here comes from a trainer's
//! say-so: every row is an operation on the log (or, for an expiry, a release's window
//! closing by log time), with its id, so `log proof` proves it.

use std::collections::{HashMap, HashSet};

use datacoop_core::Purpose;
use datacoop_ledger::{Body, CoopState, Hash, KeyBytes, Log, LogStore, OpId, ReleaseRecord};
use serde::{Deserialize, Serialize};

use crate::NodeError;
use crate::network::{GrantState, grant_closed_at, grant_state};

/// What happened, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// The member recorded consent for a dataset.
    ConsentGiven,
    /// The member changed the terms of a consent.
    ConsentChanged,
    /// The member withdrew a consent.
    ConsentWithdrawn,
    /// This trainer asked for access.
    RequestMade,
    /// A trainer's request matched the member's data.
    RequestMatched,
    /// The member answered an ask-mode question.
    AskAnswered,
    /// Stewards approved a request that matches the member's data (or this trainer's).
    RequestApproved,
    /// Stewards denied it.
    RequestDenied,
    /// The member's node released a dataset's keys to a request.
    KeysReleased,
    /// A serving peer reported sending a release's trainer its ciphertext.
    DataServed,
    /// A grant was revoked (by the member, a steward, or with a consent change).
    GrantRevoked,
    /// A grant's window closed.
    GrantExpired,
}

/// One row of the activity timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityEntry {
    /// What happened.
    pub kind: ActivityKind,
    /// When, by log time (Unix seconds; none until a witness quorum has cosigned it). An
    /// expiry's is the window's end.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub time: Option<u64>,
    /// When its author says it was signed (for display until it has a log time).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub claimed_time: u64,
    /// The operation's index on the log (none for an expiry, which is no operation).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub index: Option<u64>,
    /// The operation's id: `datacoop log proof` proves it (an expiry: its release's).
    pub operation: String,
    /// The member's dataset, by its local name (or a short public id).
    pub dataset: Option<String>,
    /// The request concerned.
    pub request: Option<String>,
    /// The grant (release) concerned.
    pub grant: Option<String>,
    /// The trainer concerned (identity id).
    pub trainer: Option<String>,
    /// Who did it, when not the member: a steward, a serving peer (identity id).
    pub by: Option<String>,
    /// The request's purpose.
    pub purpose: Option<Purpose>,
    /// Credits the release earns.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub credits: Option<u64>,
    /// Bytes a serving peer sent.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub bytes: Option<u64>,
    /// Whether an ask-mode answer accepted.
    pub accepted: Option<bool>,
    /// A denial's or revocation's reason.
    pub reason: Option<String>,
}

/// Where an earning grant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EarningStatus {
    /// Released, not yet final in log order.
    Waiting,
    /// The trainer may fetch.
    Live,
    /// Its window closed.
    Expired,
    /// Revoked.
    Revoked,
}

/// One grant's credits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Earning {
    /// The release's operation id (`datacoop log proof` proves it).
    pub grant: String,
    /// Its index on the log.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub index: u64,
    /// When it was released, by log time (none until cosigned).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub time: Option<u64>,
    /// The request it answered.
    pub request: String,
    /// The trainer (identity id).
    pub trainer: String,
    /// The member's dataset, by its local name.
    pub dataset: Option<String>,
    /// The request's purpose.
    pub purpose: Option<Purpose>,
    /// The license the trainer accepted.
    pub license: String,
    /// Credits, as the release operation (the member's own signed act) states them.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub credits: u64,
    /// When its window closes (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub window_end: u64,
    /// Where it stands.
    pub status: EarningStatus,
}

/// Credits per grant and in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Earnings {
    /// Every release this member made, oldest first.
    pub grants: Vec<Earning>,
    /// Their credits summed.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

/// What the statements are read with: the log, the identity they are about, names for
/// its datasets, and the time (log time now, the clock, the newest quorum size).
pub(crate) struct Reading<'a, S: LogStore> {
    pub(crate) log: &'a Log<S>,
    pub(crate) me: KeyBytes,
    pub(crate) names: &'a HashMap<Hash, String>,
    pub(crate) quorum_size: u64,
    pub(crate) clock: u64,
}

impl<S: LogStore> Reading<'_, S> {
    fn state(&self) -> &CoopState {
        self.log.state()
    }

    fn name(&self, dataset: &Hash) -> String {
        self.names
            .get(dataset)
            .cloned()
            .unwrap_or_else(|| hex::encode(&dataset[..4]))
    }

    fn at(&self, release: &ReleaseRecord) -> GrantState {
        grant_state(release, self.quorum_size, self.log.now(), self.clock)
    }

    /// Requests that concern this identity: its own, those matching its data, those it
    /// answered or released to.
    fn concerning(&self) -> HashSet<OpId> {
        let state = self.state();
        state
            .access_requests()
            .into_iter()
            .filter(|r| {
                r.trainer == self.me
                    || state.matches(r).iter().any(|m| m.member == self.me)
                    || state.releases_of(&r.id).iter().any(|x| x.member == self.me)
            })
            .map(|r| r.id)
            .collect()
    }

    /// The activity timeline, oldest first.
    pub(crate) fn activity(&self) -> Result<Vec<ActivityEntry>, NodeError> {
        let state = self.state();
        let concerning = self.concerning();
        let mut consents: HashMap<OpId, Hash> = HashMap::new();
        let mut out: Vec<ActivityEntry> = Vec::new();
        for index in 0..self.log.len() {
            let op = self.log.operation(index)?;
            let header = op.header.header();
            let Some(body) = &op.body else { continue };
            let mine = header.author == self.me;
            let entry = |kind| ActivityEntry {
                kind,
                time: self.log.log_time(index),
                claimed_time: header.claimed_time,
                index: Some(index),
                operation: op.id().to_hex(),
                dataset: None,
                request: None,
                grant: None,
                trainer: None,
                by: (!mine).then(|| hex::encode(header.author)),
                purpose: None,
                credits: None,
                bytes: None,
                accepted: None,
                reason: None,
            };
            let row = match body {
                Body::ConsentSet { dataset, .. } if mine => {
                    consents.insert(op.id(), *dataset);
                    // Recorded right after its withdrawal: one change, told once.
                    let changed = out.last().is_some_and(|last| {
                        last.kind == ActivityKind::ConsentWithdrawn
                            && last.index == Some(index.wrapping_sub(1))
                            && last.dataset.as_deref() == Some(&self.name(dataset))
                    });
                    if changed {
                        out.pop();
                    }
                    let kind = if changed {
                        ActivityKind::ConsentChanged
                    } else {
                        ActivityKind::ConsentGiven
                    };
                    Some(ActivityEntry {
                        dataset: Some(self.name(dataset)),
                        ..entry(kind)
                    })
                }
                Body::ConsentWithdraw { consent } if mine => {
                    consents.get(consent).map(|dataset| ActivityEntry {
                        dataset: Some(self.name(dataset)),
                        ..entry(ActivityKind::ConsentWithdrawn)
                    })
                }
                Body::AccessRequest { purpose, .. } if concerning.contains(&op.id()) => {
                    let kind = if mine {
                        ActivityKind::RequestMade
                    } else {
                        ActivityKind::RequestMatched
                    };
                    let dataset = state
                        .access_request(&op.id())
                        .and_then(|r| state.matches(r).into_iter().find(|m| m.member == self.me))
                        .map(|m| self.name(&m.dataset));
                    Some(ActivityEntry {
                        request: Some(op.id().to_hex()),
                        trainer: Some(hex::encode(header.author)),
                        purpose: Some(*purpose),
                        dataset,
                        by: None,
                        ..entry(kind)
                    })
                }
                Body::AskAnswer {
                    request,
                    dataset,
                    allow,
                } if mine => Some(ActivityEntry {
                    request: Some(request.to_hex()),
                    dataset: Some(self.name(dataset)),
                    accepted: Some(*allow),
                    ..entry(ActivityKind::AskAnswered)
                }),
                Body::RequestApproval { request }
                    if concerning.contains(request)
                        && state.request_approved_at(request) == Some(index) =>
                {
                    Some(ActivityEntry {
                        request: Some(request.to_hex()),
                        ..entry(ActivityKind::RequestApproved)
                    })
                }
                Body::RequestDenial { request, reason } if concerning.contains(request) => {
                    Some(ActivityEntry {
                        request: Some(request.to_hex()),
                        reason: Some(reason.clone()),
                        ..entry(ActivityKind::RequestDenied)
                    })
                }
                Body::Release { terms, .. } => state
                    .release(&op.id())
                    .filter(|r| r.member == self.me || r.trainer == self.me)
                    .map(|r| ActivityEntry {
                        request: Some(terms.request.to_hex()),
                        grant: Some(op.id().to_hex()),
                        trainer: Some(hex::encode(r.trainer)),
                        dataset: Some(self.name(&terms.dataset)),
                        purpose: state.access_request(&terms.request).map(|q| q.purpose),
                        credits: Some(terms.credits),
                        ..entry(ActivityKind::KeysReleased)
                    }),
                Body::Served { release, bytes, .. } => state
                    .release(release)
                    .filter(|r| r.member == self.me || r.trainer == self.me)
                    .map(|r| ActivityEntry {
                        request: Some(r.terms.request.to_hex()),
                        grant: Some(release.to_hex()),
                        trainer: Some(hex::encode(r.trainer)),
                        dataset: Some(self.name(&r.terms.dataset)),
                        bytes: Some(*bytes),
                        ..entry(ActivityKind::DataServed)
                    }),
                Body::Revocation { grant, reason } => state
                    .release(grant)
                    .filter(|r| r.member == self.me || r.trainer == self.me)
                    .map(|r| ActivityEntry {
                        request: Some(r.terms.request.to_hex()),
                        grant: Some(grant.to_hex()),
                        trainer: Some(hex::encode(r.trainer)),
                        dataset: Some(self.name(&r.terms.dataset)),
                        reason: Some(reason.clone()),
                        ..entry(ActivityKind::GrantRevoked)
                    }),
                _ => None,
            };
            out.extend(row);
        }
        // Expiries are no operations: each at its window's end, among the rest by time.
        for r in state.releases() {
            if (r.member != self.me && r.trainer != self.me)
                || r.revoked.is_some()
                || !grant_closed_at(r.terms.window_end, self.log.now(), self.clock)
            {
                continue;
            }
            out.push(ActivityEntry {
                kind: ActivityKind::GrantExpired,
                time: Some(r.terms.window_end),
                claimed_time: r.terms.window_end,
                index: None,
                operation: r.id.to_hex(),
                dataset: Some(self.name(&r.terms.dataset)),
                request: Some(r.terms.request.to_hex()),
                grant: Some(r.id.to_hex()),
                trainer: Some(hex::encode(r.trainer)),
                by: None,
                purpose: state.access_request(&r.terms.request).map(|q| q.purpose),
                credits: None,
                bytes: None,
                accepted: None,
                reason: None,
            });
        }
        // Operations are in log order, whose log times never go back; those without a
        // log time yet are the newest.
        out.sort_by_key(|e| (e.time.unwrap_or(u64::MAX), e.index.unwrap_or(u64::MAX)));
        Ok(out)
    }

    /// This member's releases and their credits.
    pub(crate) fn earnings(&self) -> Earnings {
        let state = self.state();
        let mut grants: Vec<Earning> = state
            .releases()
            .into_iter()
            .filter(|r| r.member == self.me)
            .map(|r| {
                let request = state.access_request(&r.terms.request);
                Earning {
                    grant: r.id.to_hex(),
                    index: r.index,
                    time: self.log.log_time(r.index),
                    request: r.terms.request.to_hex(),
                    trainer: hex::encode(r.trainer),
                    dataset: Some(self.name(&r.terms.dataset)),
                    purpose: request.map(|q| q.purpose),
                    license: request.map(|q| q.license.clone()).unwrap_or_default(),
                    credits: r.terms.credits,
                    window_end: r.terms.window_end,
                    status: match self.at(r) {
                        GrantState::Waiting => EarningStatus::Waiting,
                        GrantState::Live => EarningStatus::Live,
                        GrantState::Expired => EarningStatus::Expired,
                        GrantState::Revoked => EarningStatus::Revoked,
                    },
                }
            })
            .collect();
        grants.sort_by_key(|g| g.index);
        // The credits are the trainer's offer: a sum that could overflow saturates.
        let total = grants
            .iter()
            .fold(0u64, |sum, g| sum.saturating_add(g.credits));
        Earnings { grants, total }
    }
}

/// The activity timeline as CSV, one row per entry, times in RFC 3339 (UTC).
pub fn activity_csv(entries: &[ActivityEntry]) -> Result<Vec<u8>, NodeError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "time",
        "kind",
        "dataset",
        "request",
        "grant",
        "trainer",
        "by",
        "purpose",
        "credits",
        "bytes",
        "accepted",
        "reason",
        "index",
        "operation",
    ])
    .map_err(csv_error)?;
    for e in entries {
        out.write_record([
            e.time.map(datacoop_ledger::rfc3339).unwrap_or_default(),
            kind_name(e.kind),
            e.dataset.clone().unwrap_or_default(),
            e.request.clone().unwrap_or_default(),
            e.grant.clone().unwrap_or_default(),
            e.trainer.clone().unwrap_or_default(),
            e.by.clone().unwrap_or_default(),
            e.purpose.map(|p| p.name().to_owned()).unwrap_or_default(),
            e.credits.map(|c| c.to_string()).unwrap_or_default(),
            e.bytes.map(|b| b.to_string()).unwrap_or_default(),
            e.accepted.map(|a| a.to_string()).unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
            e.index.map(|i| i.to_string()).unwrap_or_default(),
            e.operation.clone(),
        ])
        .map_err(csv_error)?;
    }
    out.into_inner().map_err(|e| csv_error(e.into_error()))
}

/// The earnings statement as CSV: one row per grant, then a total row.
pub fn earnings_csv(earnings: &Earnings) -> Result<Vec<u8>, NodeError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "time",
        "grant",
        "request",
        "trainer",
        "dataset",
        "purpose",
        "license",
        "credits",
        "window_end",
        "status",
        "index",
    ])
    .map_err(csv_error)?;
    for g in &earnings.grants {
        out.write_record([
            g.time.map(datacoop_ledger::rfc3339).unwrap_or_default(),
            g.grant.clone(),
            g.request.clone(),
            g.trainer.clone(),
            g.dataset.clone().unwrap_or_default(),
            g.purpose.map(|p| p.name().to_owned()).unwrap_or_default(),
            g.license.clone(),
            g.credits.to_string(),
            datacoop_ledger::rfc3339(g.window_end),
            json_name(&g.status),
            g.index.to_string(),
        ])
        .map_err(csv_error)?;
    }
    let total = earnings.total.to_string();
    out.write_record(["", "total", "", "", "", "", "", &total, "", "", ""])
        .map_err(csv_error)?;
    out.into_inner().map_err(|e| csv_error(e.into_error()))
}

fn kind_name(kind: ActivityKind) -> String {
    json_name(&kind)
}

/// A unit variant's name as JSON writes it.
fn json_name(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn csv_error(e: impl std::fmt::Display) -> NodeError {
    NodeError::Protocol(format!("writing CSV: {e}"))
}
