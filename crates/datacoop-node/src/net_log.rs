//! The node's log as the network layer sees it: [`NodeLog`] lends `datacoop-net` the log
//! through the thread that owns it (so network writes queue with the node's own and
//! readers see them in the next snapshot), [`NodeServe`] answers the log protocol as
//! this node's roles allow (sequencing when it is the operator, cosigning when it is a
//! witness), and [`Admitted`] tells the connection hook who is a participant, from the
//! snapshot, without waiting on a writer.

use std::sync::{Arc, Mutex};

use datacoop_crypto::Identity;
use datacoop_ledger::{LedgerError, Log, Operation, SignedCheckpoint, SledStore, Witness};
use datacoop_net::log_sync::Response;
use datacoop_net::members::Participants;
use datacoop_net::{LogSource, SharedLog};
use tokio::sync::watch;

use crate::NodeError;
use crate::ledger_handle::{LedgerHandle, LogSnapshot};

/// What the network layer reports when the node's log refused or failed its work.
fn to_ledger_error(e: NodeError) -> LedgerError {
    match e {
        NodeError::Ledger(e) => e,
        NodeError::NotInCoop => LedgerError::NotFound {
            what: "a cooperative on this node".into(),
        },
        other => LedgerError::Store {
            detail: other.to_string(),
        },
    }
}

/// The node's log, lent to the network layer.
#[derive(Clone)]
pub(crate) struct NodeLog {
    pub(crate) ledger: LedgerHandle,
}

impl SharedLog for NodeLog {
    type Store = SledStore;

    fn with_log<T, F>(&self, work: F) -> Result<T, LedgerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Log<SledStore>) -> Result<T, LedgerError> + Send + 'static,
    {
        self.ledger
            .run_blocking(move |slot| {
                let ledger = slot.as_mut().ok_or(NodeError::NotInCoop)?;
                let seen = ledger
                    .log_mut()
                    .latest_checkpoint()
                    .map(|c| c.checkpoint.size);
                let answer = work(ledger.log_mut());
                if ledger
                    .log_mut()
                    .latest_checkpoint()
                    .map(|c| c.checkpoint.size)
                    != seen
                {
                    ledger.note_seen()?;
                }
                Ok(answer)
            })
            .map_err(to_ledger_error)?
    }
}

/// The log protocol as this node answers it.
pub(crate) struct NodeServe {
    log: NodeLog,
    identity: Arc<Identity>,
    /// This node's witness state, made on the first request to cosign (from the newest
    /// checkpoint it cosigned before, so a restarted witness still refuses a fork).
    witness: Mutex<Option<Witness>>,
    /// Submissions waiting for the ledger thread (sequenced together).
    queue: Arc<datacoop_net::Submissions>,
    /// Where peers were last seen, for `WhereIs` (none: answers nothing).
    book: Option<Arc<crate::peers::AddressBook>>,
}

impl std::fmt::Debug for NodeServe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeServe").finish_non_exhaustive()
    }
}

impl NodeServe {
    pub(crate) fn new(log: NodeLog, identity: Arc<Identity>) -> Self {
        NodeServe {
            log,
            identity,
            witness: Mutex::new(None),
            queue: Arc::default(),
            book: None,
        }
    }

    /// Answers `WhereIs` from `book`, about current participants' endpoints only.
    pub(crate) fn telling_addresses(mut self, book: Arc<crate::peers::AddressBook>) -> Self {
        self.book = Some(book);
        self
    }

    fn me(&self) -> [u8; 32] {
        self.identity.verification_key().to_bytes()
    }

    fn state(&self) -> Option<Arc<datacoop_ledger::CoopState>> {
        self.log.ledger.snapshot().state
    }
}

impl LogSource for NodeServe {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.log.head()
    }

    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<datacoop_ledger::KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        self.log.batch(from, limit, trainer)
    }

    fn trainer_of(&self, endpoint: &[u8; 32]) -> Option<datacoop_ledger::KeyBytes> {
        self.log.trainer_of(endpoint)
    }

    fn pending(&self, asker: &[u8; 32], request: &[u8; 32]) -> Result<Vec<[u8; 32]>, LedgerError> {
        let state = self.state().ok_or_else(|| LedgerError::NotFound {
            what: "the cooperative's log".into(),
        })?;
        let refused = |reason: &str| LedgerError::Unauthorized {
            reason: reason.into(),
        };
        if !state.view().reads_consents() {
            return Err(refused("this node holds no consent records"));
        }
        let record = state
            .access_request(&datacoop_ledger::OpId(*request))
            .ok_or_else(|| LedgerError::NotFound {
                what: format!("request {}", hex::encode(request)),
            })?;
        if state.participant_of_endpoint(asker) != Some(record.trainer) {
            return Err(refused("only the request's trainer asks whom it waits for"));
        }
        Ok(crate::node::access::pending_members(&state, record))
    }

    fn proof(&self, index: u64) -> Result<datacoop_ledger::ProofBundle, LedgerError> {
        self.log.proof(index)
    }

    fn addresses(&self, endpoints: &[[u8; 32]]) -> Vec<datacoop_net::Peer> {
        let (Some(book), Some(state)) = (&self.book, self.state()) else {
            return Vec::new();
        };
        endpoints
            .iter()
            .filter(|e| state.participant_of_endpoint(e).is_some())
            .filter_map(|e| {
                let addr = book.get(e)?;
                let addrs: Vec<std::net::SocketAddr> = addr.ip_addrs().copied().collect();
                (!addrs.is_empty()).then_some(datacoop_net::Peer {
                    endpoint: *e,
                    addrs,
                })
            })
            .collect()
    }

    fn submit(&self, ops: Vec<Operation>) -> Result<(u64, SignedCheckpoint), LedgerError> {
        let queued = self.queue.queue(ops)?;
        let (identity, queue) = (Arc::clone(&self.identity), Arc::clone(&self.queue));
        let asked = self
            .log
            .ledger
            .run_blocking(move |slot| {
                let ledger = slot.as_mut().ok_or(NodeError::NotInCoop)?;
                if !ledger.is_operator(&identity) {
                    return Err(NodeError::NotOperator);
                }
                // What queued while the ledger thread was busy is sequenced together.
                queue
                    .sequence_queued(|submissions| {
                        let done = ledger
                            .sequence_submitted(&identity, submissions, crate::node::now())
                            .map_err(to_ledger_error)?;
                        Ok((done.landed, done.checkpoint))
                    })
                    .map_err(NodeError::Ledger)
            })
            .map_err(to_ledger_error);
        if let Err(e) = asked {
            self.queue.fail_queued(&e);
        }
        queued.wait()
    }

    fn cosign(
        &self,
        checkpoint: &SignedCheckpoint,
        from: u64,
        proof: &[[u8; 32]],
    ) -> Result<Response, LedgerError> {
        let me = self.me();
        let state = self.state().ok_or(LedgerError::NotFound {
            what: "a cooperative on this node".into(),
        })?;
        if !state.witnesses().contains(&me) {
            return Err(LedgerError::Unauthorized {
                reason: "this node is not a witness of the log".into(),
            });
        }
        let mut slot = self.witness.lock().map_err(|_| LedgerError::Store {
            detail: "the witness state's lock was poisoned".into(),
        })?;
        if slot.is_none() {
            let key = self.identity.signing_key().clone();
            let operator = state.operator();
            *slot = Some(self.log.with_log(move |log| {
                let previous = log
                    .newest_cosigned_size(&me)
                    .and_then(|size| log.checkpoints().get(&size).cloned());
                Ok(Witness::new(
                    key,
                    log.origin().to_owned(),
                    operator,
                    previous,
                ))
            })?);
        }
        let witness = slot.as_mut().ok_or(LedgerError::NotFound {
            what: "the witness state".into(),
        })?;
        datacoop_net::cosign_as(witness, checkpoint, from, proof)
    }
}

/// Who the connection hook admits: the endpoints the current participants announced,
/// read from the newest snapshot.
pub(crate) struct Admitted(pub(crate) watch::Receiver<LogSnapshot>);

impl Participants for Admitted {
    fn admits(&self, endpoint: &[u8; 32]) -> bool {
        self.0
            .borrow()
            .state
            .as_ref()
            .is_some_and(|state| state.participant_of_endpoint(endpoint).is_some())
    }
}
