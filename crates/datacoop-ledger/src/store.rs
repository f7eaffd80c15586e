//! Storage behind a trait: an in-memory store and a sled store. Every append writes its
//! operations and (optionally) a checkpoint covering them in one atomic step.

use std::collections::BTreeMap;
use std::path::Path;

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use crate::LedgerError;
use crate::evidence::Evidence;

/// One stored operation: canonical signed header bytes and body bytes (None if pruned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOp {
    /// Canonical signed header.
    pub header: Vec<u8>,
    /// Canonical body, None once erased.
    pub body: Option<Vec<u8>>,
}

/// Where the log lives.
pub trait LogStore {
    /// Number of operations stored.
    fn len(&self) -> Result<u64, LedgerError>;
    /// Whether the store holds no operation.
    fn is_empty(&self) -> Result<bool, LedgerError> {
        Ok(self.len()? == 0)
    }
    /// The operation at `index`.
    fn get(&self, index: u64) -> Result<StoredOp, LedgerError>;
    /// Appends `ops` at the end and, if given, stores the checkpoint note for size
    /// `checkpoint.0`, atomically: either everything is written or nothing.
    fn append(
        &mut self,
        ops: &[StoredOp],
        checkpoint: Option<(u64, &str)>,
    ) -> Result<(), LedgerError>;
    /// Stores (or replaces) the checkpoint note for a size.
    fn put_checkpoint(&mut self, size: u64, note: &str) -> Result<(), LedgerError>;
    /// Every stored checkpoint note, by ascending size.
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, LedgerError>;
    /// Drops the body of the operation at `index` (erasure).
    fn prune_body(&mut self, index: u64) -> Result<(), LedgerError>;
    /// Keeps a piece of evidence.
    fn add_evidence(&mut self, evidence: &Evidence) -> Result<(), LedgerError>;
    /// All kept evidence.
    fn evidence(&self) -> Result<Vec<Evidence>, LedgerError>;
    /// Stores (or replaces) a witness's newest cosignature line, over the checkpoint of
    /// `size`: what "now" by log time is read from.
    fn put_fresh_cosignature(
        &mut self,
        witness: &[u8; 32],
        size: u64,
        line: &str,
    ) -> Result<(), LedgerError>;
    /// Every witness's newest cosignature: the witness, the checkpoint size, the line.
    fn fresh_cosignatures(&self) -> Result<Vec<([u8; 32], u64, String)>, LedgerError>;
}

/// An in-memory store (tests, tools, trainers' partial views).
#[derive(Debug, Clone, Default)]
pub struct MemStore {
    /// Operations by index. Public so tools and tests can inspect or tamper with them.
    pub ops: Vec<StoredOp>,
    /// Checkpoint notes by size.
    pub checkpoints: BTreeMap<u64, String>,
    /// Kept evidence.
    pub evidence: Vec<Evidence>,
    /// Each witness's newest cosignature: checkpoint size and line.
    pub fresh: BTreeMap<[u8; 32], (u64, String)>,
}

impl MemStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn missing(index: u64) -> LedgerError {
    LedgerError::NotFound {
        what: format!("operation #{index}"),
    }
}

impl LogStore for MemStore {
    fn len(&self) -> Result<u64, LedgerError> {
        Ok(self.ops.len() as u64)
    }
    fn get(&self, index: u64) -> Result<StoredOp, LedgerError> {
        self.ops
            .get(index as usize)
            .cloned()
            .ok_or_else(|| missing(index))
    }
    fn append(
        &mut self,
        ops: &[StoredOp],
        checkpoint: Option<(u64, &str)>,
    ) -> Result<(), LedgerError> {
        self.ops.extend_from_slice(ops);
        if let Some((size, note)) = checkpoint {
            self.checkpoints.insert(size, note.to_owned());
        }
        Ok(())
    }
    fn put_checkpoint(&mut self, size: u64, note: &str) -> Result<(), LedgerError> {
        self.checkpoints.insert(size, note.to_owned());
        Ok(())
    }
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, LedgerError> {
        Ok(self
            .checkpoints
            .iter()
            .map(|(s, n)| (*s, n.clone()))
            .collect())
    }
    fn prune_body(&mut self, index: u64) -> Result<(), LedgerError> {
        self.ops
            .get_mut(index as usize)
            .ok_or_else(|| missing(index))?
            .body = None;
        Ok(())
    }
    fn add_evidence(&mut self, evidence: &Evidence) -> Result<(), LedgerError> {
        self.evidence.push(evidence.clone());
        Ok(())
    }
    fn evidence(&self) -> Result<Vec<Evidence>, LedgerError> {
        Ok(self.evidence.clone())
    }
    fn put_fresh_cosignature(
        &mut self,
        witness: &[u8; 32],
        size: u64,
        line: &str,
    ) -> Result<(), LedgerError> {
        self.fresh.insert(*witness, (size, line.to_owned()));
        Ok(())
    }
    fn fresh_cosignatures(&self) -> Result<Vec<([u8; 32], u64, String)>, LedgerError> {
        Ok(self
            .fresh
            .iter()
            .map(|(w, (size, line))| (*w, *size, line.clone()))
            .collect())
    }
}

/// A sled-backed store: trees `headers`, `bodies`, `checkpoints`, `evidence`, keyed by
/// big-endian index or size.
#[derive(Debug, Clone)]
pub struct SledStore {
    db: sled::Db,
    headers: sled::Tree,
    bodies: sled::Tree,
    checkpoints: sled::Tree,
    evidence: sled::Tree,
    fresh: sled::Tree,
    len: u64,
}

fn store_err(e: impl std::fmt::Display) -> LedgerError {
    LedgerError::Store {
        detail: e.to_string(),
    }
}

impl SledStore {
    /// Opens (or creates) a store in `path`.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        Self::from_db(open_sled(path).map_err(store_err)?)
    }

    /// Wraps an open sled database.
    pub fn from_db(db: sled::Db) -> Result<Self, LedgerError> {
        let headers = db.open_tree("headers").map_err(store_err)?;
        let bodies = db.open_tree("bodies").map_err(store_err)?;
        let checkpoints = db.open_tree("checkpoints").map_err(store_err)?;
        let evidence = db.open_tree("evidence").map_err(store_err)?;
        let fresh = db.open_tree("fresh_cosignatures").map_err(store_err)?;
        let len = match headers.last().map_err(store_err)? {
            Some((k, _)) => key_to_u64(&k)? + 1,
            None => 0,
        };
        Ok(SledStore {
            db,
            headers,
            bodies,
            checkpoints,
            evidence,
            fresh,
            len,
        })
    }

    /// The underlying database (for backups, and for tests that tamper with it).
    pub fn db(&self) -> &sled::Db {
        &self.db
    }

    /// Flushes to disk.
    pub fn flush(&self) -> Result<(), LedgerError> {
        self.db.flush().map(|_| ()).map_err(store_err)
    }
}

/// Opens a sled database, waiting briefly while a handle this process just dropped still
/// holds the file lock (sled releases it from a background thread).
pub(crate) fn open_sled(path: &Path) -> sled::Result<sled::Db> {
    let mut attempts = 0;
    loop {
        match sled::Config::new().path(path).open() {
            Err(sled::Error::Io(e))
                if e.to_string().contains("could not acquire lock") && attempts < 40 =>
            {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

fn key_to_u64(k: &[u8]) -> Result<u64, LedgerError> {
    let b: [u8; 8] = k.try_into().map_err(|_| store_err("malformed key"))?;
    Ok(u64::from_be_bytes(b))
}

impl LogStore for SledStore {
    fn len(&self) -> Result<u64, LedgerError> {
        Ok(self.len)
    }
    fn get(&self, index: u64) -> Result<StoredOp, LedgerError> {
        let key = index.to_be_bytes();
        let header = self
            .headers
            .get(key)
            .map_err(store_err)?
            .ok_or_else(|| missing(index))?;
        let body = self.bodies.get(key).map_err(store_err)?;
        Ok(StoredOp {
            header: header.to_vec(),
            body: body.map(|b| b.to_vec()),
        })
    }
    fn append(
        &mut self,
        ops: &[StoredOp],
        checkpoint: Option<(u64, &str)>,
    ) -> Result<(), LedgerError> {
        let start = self.len;
        (&self.headers, &self.bodies, &self.checkpoints)
            .transaction(|(h, b, c)| {
                for (i, op) in ops.iter().enumerate() {
                    let key = (start + i as u64).to_be_bytes();
                    h.insert(&key, op.header.as_slice())?;
                    if let Some(body) = &op.body {
                        b.insert(&key, body.as_slice())?;
                    }
                }
                if let Some((size, note)) = checkpoint {
                    c.insert(&size.to_be_bytes(), note.as_bytes())?;
                }
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|e| store_err(format!("{e:?}")))?;
        // Durable before anyone is told: a reported operation must survive a crash.
        self.db.flush().map_err(store_err)?;
        self.len = start + ops.len() as u64;
        Ok(())
    }
    fn put_checkpoint(&mut self, size: u64, note: &str) -> Result<(), LedgerError> {
        self.checkpoints
            .insert(size.to_be_bytes(), note.as_bytes())
            .map_err(store_err)?;
        self.db.flush().map_err(store_err)?;
        Ok(())
    }
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, LedgerError> {
        self.checkpoints
            .iter()
            .map(|r| {
                let (k, v) = r.map_err(store_err)?;
                let note = String::from_utf8(v.to_vec())
                    .map_err(|_| LedgerError::note("checkpoint is not UTF-8"))?;
                Ok((key_to_u64(&k)?, note))
            })
            .collect()
    }
    fn prune_body(&mut self, index: u64) -> Result<(), LedgerError> {
        self.bodies.remove(index.to_be_bytes()).map_err(store_err)?;
        self.db.flush().map_err(store_err)?;
        Ok(())
    }
    fn add_evidence(&mut self, evidence: &Evidence) -> Result<(), LedgerError> {
        let id = self.db.generate_id().map_err(store_err)?;
        self.evidence
            .insert(id.to_be_bytes(), crate::encoding::encode(evidence))
            .map_err(store_err)?;
        Ok(())
    }
    fn evidence(&self) -> Result<Vec<Evidence>, LedgerError> {
        self.evidence
            .iter()
            .map(|r| {
                let (_, v) = r.map_err(store_err)?;
                crate::encoding::decode("evidence", &v)
            })
            .collect()
    }
    fn put_fresh_cosignature(
        &mut self,
        witness: &[u8; 32],
        size: u64,
        line: &str,
    ) -> Result<(), LedgerError> {
        let mut value = size.to_be_bytes().to_vec();
        value.extend_from_slice(line.as_bytes());
        self.fresh.insert(witness, value).map_err(store_err)?;
        Ok(())
    }
    fn fresh_cosignatures(&self) -> Result<Vec<([u8; 32], u64, String)>, LedgerError> {
        self.fresh
            .iter()
            .map(|r| {
                let (k, v) = r.map_err(store_err)?;
                let witness: [u8; 32] = k
                    .as_ref()
                    .try_into()
                    .map_err(|_| store_err("malformed key"))?;
                if v.len() < 8 {
                    return Err(store_err("malformed fresh cosignature"));
                }
                let size = key_to_u64(&v[..8])?;
                let line = String::from_utf8(v[8..].to_vec())
                    .map_err(|_| LedgerError::note("cosignature is not UTF-8"))?;
                Ok((witness, size, line))
            })
            .collect()
    }
}
