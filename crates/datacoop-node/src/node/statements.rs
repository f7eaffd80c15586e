//! `activity` and `earnings`: what touched this member's data and what it earned, read off
//! the log (`crate::activity`), and the window's export of either to a file.

use super::*;
use crate::activity::{ActivityEntry, Earnings, Reading, activity_csv, earnings_csv};
use crate::api::{ActivityList, EarningsShow, Statement, StatementFormat, StatementSave};
use crate::views::Saved;

impl Node {
    /// `activity`: everything on the log that touched this identity's data (or, for a
    /// trainer, its requests), oldest first.
    pub async fn activity(
        &self,
        _op: ActivityList,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Vec<ActivityEntry>, NodeError> {
        let (me, names) = (self.me(), self.dataset_names()?);
        self.with_ledger(false, move |ledger| {
            reading(ledger, me, &names, |r| r.activity())
        })
        .await
    }

    /// `earnings`: this member's releases with their credits, and the total.
    pub async fn earnings(
        &self,
        _op: EarningsShow,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Earnings, NodeError> {
        let (me, names) = (self.me(), self.dataset_names()?);
        self.with_ledger(false, move |ledger| {
            reading(ledger, me, &names, |r| Ok(r.earnings()))
        })
        .await
    }

    /// Writes the activity or earnings statement to a file, as JSON or CSV; an existing
    /// file is replaced only when the person said so.
    pub async fn statement_save(
        &self,
        op: StatementSave,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<Saved, NodeError> {
        let bytes = match (op.statement, op.format) {
            (Statement::Activity, format) => {
                let entries = self.activity(ActivityList {}, progress, cancel).await?;
                match format {
                    StatementFormat::Csv => activity_csv(&entries)?,
                    StatementFormat::Json => to_json_bytes(&entries)?,
                }
            }
            (Statement::Earnings, format) => {
                let earnings = self.earnings(EarningsShow {}, progress, cancel).await?;
                match format {
                    StatementFormat::Csv => earnings_csv(&earnings)?,
                    StatementFormat::Json => to_json_bytes(&earnings)?,
                }
            }
        };
        let path = absolute(op.out);
        if op.replace {
            datacoop_crypto::write_atomically(&path, &bytes)?;
        } else {
            datacoop_crypto::write_new_atomically(&path, &bytes)?;
        }
        Ok(Saved { path })
    }
}

fn reading<T>(
    ledger: &Ledger,
    me: [u8; 32],
    names: &std::collections::HashMap<datacoop_ledger::Hash, String>,
    read: impl FnOnce(&Reading<'_, datacoop_ledger::SledStore>) -> Result<T, NodeError>,
) -> Result<T, NodeError> {
    let log = ledger.log();
    read(&Reading {
        log,
        me,
        names,
        quorum_size: log.newest_quorum_size(),
        clock: now(),
    })
}

fn to_json_bytes(value: &impl serde::Serialize) -> Result<Vec<u8>, NodeError> {
    let mut bytes =
        serde_json::to_vec_pretty(value).map_err(|e| NodeError::Protocol(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}
