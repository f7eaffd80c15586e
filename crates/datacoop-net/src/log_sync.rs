//! The log over the network: a node serves its operations and checkpoints on
//! [`LOG_ALPN`], and a replica pulls what it lacks and ingests it batch by batch
//! ([`catch_up`]), each batch ending at a checkpoint the operator signed.
//!
//! One request per bidirectional stream: the client writes a postcard [`Request`] and
//! finishes its side; the server answers one postcard [`Response`] and finishes. Gossip
//! (announcing new checkpoints) comes on top of this; correctness never depends on it.

use std::sync::{Arc, Mutex};

use datacoop_core::Role;
use datacoop_ledger::{
    CoopKeys, CoopState, KeyBytes, LedgerError, Log, LogStore, Operation, ProofBundle, Receipt,
    SignedCheckpoint,
};

use crate::shared::{SharedLog, on_log};
use crate::submissions::Submissions;
use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr};
use serde::{Deserialize, Serialize};

use crate::NetError;

/// The log protocol's ALPN.
pub const LOG_ALPN: &[u8] = b"datacoop/log/1";

/// Requests are small but for submissions (operations are a few hundred bytes); a batch
/// of the log may be large.
const MAX_REQUEST: usize = 1024 * 1024;
/// The most operations one submission may carry.
pub const MAX_SUBMISSION: usize = 1000;
const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// How many operations a replica asks for at a time (the server ends each batch at a
/// checkpoint, so a batch may be shorter, or longer when checkpoints are sparse).
pub const DEFAULT_BATCH: u64 = 20_000;

/// A request on the log protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// The newest checkpoint, as the peer shares it.
    Head,
    /// Operations from index `from` on, about `limit` of them, ending at a checkpoint.
    Pull {
        /// The first index wanted (the replica's length).
        from: u64,
        /// About how many.
        limit: u64,
    },
    /// Operations for the operator to sequence, in order (each author's in their own
    /// order; transport encoding; at most [`MAX_SUBMISSION`]).
    Submit(Vec<Vec<u8>>),
    /// The operator asks a witness to cosign `checkpoint`, proving it consistent with
    /// the checkpoint of size `from` (the witness's last) by `proof`.
    Cosign {
        /// The checkpoint note.
        checkpoint: String,
        /// The size the proof starts from.
        from: u64,
        /// The consistency proof from `from` to the checkpoint's size.
        proof: Vec<[u8; 32]>,
    },
    /// A proof that the operation at `index` is in the log (as `log proof` prints it).
    Proof {
        /// The operation's index.
        index: u64,
    },
    /// Where these endpoints (participants' endpoints on the log) were last seen: a node
    /// asks the operator's, which every member calls, for peers it has never met.
    WhereIs(Vec<[u8; 32]>),
    /// Whom an access request still waits for: the request's trainer asks a node that
    /// holds the full log (its own view never holds the consent records that say).
    Pending {
        /// The request operation's id.
        request: [u8; 32],
    },
}

/// An answer on the log protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// The newest checkpoint note, if the log has one.
    Head(Option<String>),
    /// Operations (transport encoding) and the checkpoint note at their end.
    Batch {
        /// The operations, in log order.
        ops: Vec<Vec<u8>>,
        /// The checkpoint at `from + ops.len()`.
        checkpoint: String,
    },
    /// The operator sequenced a submission: its first operation's index and the
    /// checkpoint over it.
    Sequenced {
        /// Its position in the log.
        index: u64,
        /// The checkpoint note that covers it.
        checkpoint: String,
    },
    /// A witness's cosignature line.
    Cosigned(String),
    /// The witness last cosigned this size: prove consistency from there.
    NeedProofFrom(u64),
    /// A proof bundle (tlog-proof text) for the operation asked about.
    Proof(String),
    /// The peer could not answer.
    Refused(String),
    /// Where the endpoints asked about listen, for those the peer knows.
    Addresses(Vec<crate::Peer>),
    /// The members an access request still waits for.
    Pending(Vec<[u8; 32]>),
}

/// A log this node serves.
pub trait LogSource: Send + Sync + 'static {
    /// The newest checkpoint, with each witness's newest cosignature.
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError>;
    /// Operations from `from` up to a checkpoint, about `limit` of them (none, with the
    /// newest checkpoint, when `from` is the log's end); for a trainer, as it may see them
    /// (see [`Log::operation_for_trainer`]).
    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError>;
    /// The trainer `endpoint` speaks for, if it is a current trainer's: a trainer is
    /// served the log without members' consent records.
    fn trainer_of(&self, endpoint: &[u8; 32]) -> Option<KeyBytes> {
        let _ = endpoint;
        None
    }
    /// Cosigns a checkpoint, if this node is a witness (see [`crate::Witnessing`]).
    fn cosign(
        &self,
        checkpoint: &SignedCheckpoint,
        from: u64,
        proof: &[[u8; 32]],
    ) -> Result<Response, LedgerError> {
        let _ = (checkpoint, from, proof);
        Err(LedgerError::Unauthorized {
            reason: "this node is not a witness of the log".into(),
        })
    }
    /// Where `endpoints` were last seen, for those of current participants this node knows
    /// (none by default).
    fn addresses(&self, endpoints: &[[u8; 32]]) -> Vec<crate::Peer> {
        let _ = endpoints;
        Vec::new()
    }
    /// A proof that the operation at `index` is in the log: its first quorum checkpoint
    /// containing it, else the newest one (see [`Log::proof_bundle`]).
    fn proof(&self, index: u64) -> Result<ProofBundle, LedgerError> {
        let _ = index;
        Err(LedgerError::Unauthorized {
            reason: "this peer serves no proofs".into(),
        })
    }
    /// The members access request `request` still waits for, if `asker` (an endpoint)
    /// is its trainer's and this node holds the full log.
    fn pending(&self, asker: &[u8; 32], request: &[u8; 32]) -> Result<Vec<[u8; 32]>, LedgerError> {
        let _ = (asker, request);
        Err(LedgerError::Unauthorized {
            reason: "this peer does not say whom a request waits for".into(),
        })
    }
    /// Sequences submitted operations (in order), if this node is the log's operator:
    /// answers the index of the first and the checkpoint over them.
    fn submit(&self, ops: Vec<Operation>) -> Result<(u64, SignedCheckpoint), LedgerError> {
        let _ = ops;
        Err(LedgerError::Unauthorized {
            reason: "this node is not the log's operator".into(),
        })
    }
}

/// Any shared log serves as itself.
impl<L: SharedLog> LogSource for L {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.with_log(|log| Ok(log.checkpoint_to_share()))
    }

    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        self.with_log(move |log| batch_of(log, from, limit, trainer.as_ref()))
    }

    fn trainer_of(&self, endpoint: &[u8; 32]) -> Option<KeyBytes> {
        let endpoint = *endpoint;
        self.with_log(move |log| Ok(trainer_of_endpoint(log.state(), &endpoint)))
            .ok()
            .flatten()
    }

    fn proof(&self, index: u64) -> Result<ProofBundle, LedgerError> {
        self.with_log(move |log| log.proof_bundle(index))
    }
}

/// The current trainer `endpoint` speaks for.
fn trainer_of_endpoint(state: &CoopState, endpoint: &[u8; 32]) -> Option<KeyBytes> {
    state
        .participant_of_endpoint(endpoint)
        .filter(|who| state.members().get(who) == Some(&Role::Trainer))
}

/// Operations from `from` to the furthest checkpoint within `limit` of it (else the first
/// beyond), with that checkpoint.
fn batch_of<S: LogStore>(
    log: &Log<S>,
    from: u64,
    limit: u64,
    trainer: Option<&KeyBytes>,
) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
    let Some(head) = log.checkpoint_to_share() else {
        return Ok(None);
    };
    let newest = head.checkpoint.size;
    if from >= newest {
        return Ok(Some((Vec::new(), head)));
    }
    let reach = from.saturating_add(limit.max(1));
    let end = log
        .checkpoints()
        .range(from + 1..=reach)
        .next_back()
        .or_else(|| log.checkpoints().range(reach..).next())
        .map_or(newest, |(size, _)| *size);
    let checkpoint = if end == newest {
        head
    } else {
        log.checkpoints()[&end].clone()
    };
    let ops = (from..end)
        .map(|i| match trainer {
            Some(trainer) => log.operation_for_trainer(i, trainer),
            None => log.operation(i),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some((ops, checkpoint)))
}

/// The operator's log: served like any other, and it sequences what members submit,
/// each author's operations in their own order (a gap or a replay is refused, and kept
/// as evidence when it proves misbehaviour); submissions that arrive together share one
/// batch and one checkpoint (see [`Submissions`]).
pub struct Operated<L> {
    log: Arc<L>,
    operator: ed25519_consensus::SigningKey,
    queue: Arc<Submissions>,
}

impl<L> std::fmt::Debug for Operated<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operated").finish_non_exhaustive()
    }
}

impl<L: SharedLog> Operated<L> {
    /// Sequences into `log` with the operator key `operator`.
    pub fn new(log: Arc<L>, operator: ed25519_consensus::SigningKey) -> Self {
        Operated {
            log,
            operator,
            queue: Arc::default(),
        }
    }
}

impl<L: SharedLog> LogSource for Operated<L> {
    fn head(&self) -> Result<Option<SignedCheckpoint>, LedgerError> {
        self.log.head()
    }

    fn batch(
        &self,
        from: u64,
        limit: u64,
        trainer: Option<KeyBytes>,
    ) -> Result<Option<(Vec<Operation>, SignedCheckpoint)>, LedgerError> {
        self.log.batch(from, limit, trainer)
    }

    fn trainer_of(&self, endpoint: &[u8; 32]) -> Option<KeyBytes> {
        self.log.trainer_of(endpoint)
    }

    fn proof(&self, index: u64) -> Result<ProofBundle, LedgerError> {
        self.log.proof(index)
    }

    fn submit(&self, ops: Vec<Operation>) -> Result<(u64, SignedCheckpoint), LedgerError> {
        let queued = self.queue.queue(ops)?;
        let (operator, queue) = (self.operator.clone(), Arc::clone(&self.queue));
        let asked = self.log.with_log(move |log| {
            queue.sequence_queued(|submissions| {
                let now = crate::unix_now();
                let done = log.sequence_submissions(submissions, &operator, now)?;
                // An operator that is also a witness cosigns what it sequenced.
                if done.checkpoint.is_some() {
                    log.cosign_own(&operator, now)?;
                }
                Ok((done.landed, done.checkpoint))
            })
        });
        if let Err(e) = asked {
            self.queue.fail_queued(&e);
        }
        queued.wait()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, LedgerError> {
    m.lock().map_err(|_| LedgerError::Store {
        detail: "the log's lock was poisoned".into(),
    })
}

/// Serves a [`LogSource`] on [`LOG_ALPN`] (register it with an iroh `Router`).
#[derive(Debug)]
pub struct LogProtocol<L> {
    log: Arc<L>,
}

impl<L> Clone for LogProtocol<L> {
    fn clone(&self) -> Self {
        LogProtocol {
            log: Arc::clone(&self.log),
        }
    }
}

impl<L: LogSource> LogProtocol<L> {
    /// Serves `log`.
    pub fn new(log: Arc<L>) -> Self {
        LogProtocol { log }
    }

    /// Answers `request` from the endpoint `remote`.
    fn answer(&self, remote: &[u8; 32], request: &[u8]) -> Response {
        let request: Request = match postcard::from_bytes(request) {
            Ok(r) => r,
            Err(_) => return Response::Refused("not a log protocol request".into()),
        };
        let answered = match request {
            Request::Head => self
                .log
                .head()
                .map(|cp| Response::Head(cp.map(|c| c.render()))),
            Request::Pull { from, limit } => {
                let trainer = self.log.trainer_of(remote);
                self.log.batch(from, limit, trainer).map(|b| match b {
                    Some((ops, cp)) => Response::Batch {
                        ops: ops.iter().map(Operation::encode).collect(),
                        checkpoint: cp.render(),
                    },
                    None => Response::Head(None),
                })
            }
            Request::Submit(ops) if ops.is_empty() || ops.len() > MAX_SUBMISSION => {
                Err(LedgerError::Unauthorized {
                    reason: format!(
                        "a submission carries 1 to {MAX_SUBMISSION} operations, not {}",
                        ops.len()
                    ),
                })
            }
            Request::Submit(ops) => ops
                .iter()
                .map(|bytes| Operation::decode(bytes))
                .collect::<Result<Vec<_>, _>>()
                .and_then(|ops| self.log.submit(ops))
                .map(|(index, cp)| Response::Sequenced {
                    index,
                    checkpoint: cp.render(),
                }),
            Request::Cosign {
                checkpoint,
                from,
                proof,
            } => SignedCheckpoint::parse(&checkpoint)
                .and_then(|cp| self.log.cosign(&cp, from, &proof)),
            Request::Proof { index } => self
                .log
                .proof(index)
                .map(|bundle| Response::Proof(bundle.render())),
            Request::WhereIs(endpoints) if endpoints.len() > MAX_WHERE_IS => {
                Err(LedgerError::Unauthorized {
                    reason: format!("ask about at most {MAX_WHERE_IS} endpoints at once"),
                })
            }
            Request::WhereIs(endpoints) => Ok(Response::Addresses(self.log.addresses(&endpoints))),
            Request::Pending { request } => {
                self.log.pending(remote, &request).map(Response::Pending)
            }
        };
        answered.unwrap_or_else(|e| Response::Refused(e.to_string()))
    }
}

impl<L: LogSource + std::fmt::Debug> ProtocolHandler for LogProtocol<L> {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        // Each stream is one request; the connection ends when the peer closes it.
        let remote = *connection.remote_id().as_bytes();
        while let Ok((mut send, mut recv)) = connection.accept_bi().await {
            let request = recv
                .read_to_end(MAX_REQUEST)
                .await
                .map_err(AcceptError::from_err)?;
            let this = self.clone();
            let response = tokio::task::spawn_blocking(move || this.answer(&remote, &request))
                .await
                .map_err(AcceptError::from_err)?;
            let bytes = postcard::to_stdvec(&response).map_err(AcceptError::from_err)?;
            send.write_all(&bytes)
                .await
                .map_err(AcceptError::from_err)?;
            send.finish().map_err(AcceptError::from_err)?;
        }
        Ok(())
    }
}

/// Why a connection ended, in the network layer's words: a peer that refused this
/// endpoint as a non-member says so (`NOT_A_MEMBER`), anything else is a lost peer.
fn ended(connection: &Connection, what: String) -> NetError {
    match connection.close_reason() {
        Some(iroh::endpoint::ConnectionError::ApplicationClosed(close))
            if close.error_code == crate::members::NOT_A_MEMBER.into() =>
        {
            NetError::NotAMember
        }
        _ => NetError::PeerLost { reason: what },
    }
}

/// One request and its answer.
pub(crate) async fn ask(connection: &Connection, request: &Request) -> Result<Response, NetError> {
    let lost = |e: String| ended(connection, e);
    let (mut send, mut recv) = connection
        .open_bi()
        .await
        .map_err(|e| lost(e.to_string()))?;
    let bytes = postcard::to_stdvec(request).map_err(|e| lost(e.to_string()))?;
    send.write_all(&bytes)
        .await
        .map_err(|e| lost(e.to_string()))?;
    send.finish().map_err(|e| lost(e.to_string()))?;
    let answer = recv
        .read_to_end(MAX_RESPONSE)
        .await
        .map_err(|e| lost(e.to_string()))?;
    postcard::from_bytes(&answer).map_err(|_| NetError::BadAnswer {
        what: "not a log protocol answer".into(),
    })
}

/// Sends `ops` (in order, each author's in their own; at most [`MAX_SUBMISSION`]) to the
/// operator at `operator` to be sequenced in one request; answers the first one's index
/// and the checkpoint over them (checked to be signed by `operator_key`, the log's
/// operator). An operation the operator refuses comes back as [`NetError::PeerRefused`]
/// with the ledger's reason (the ones before it stay on the log).
pub async fn submit(
    endpoint: &Endpoint,
    operator: impl Into<EndpointAddr>,
    ops: &[Operation],
    operator_key: &[u8; 32],
) -> Result<(u64, SignedCheckpoint), NetError> {
    let connection = crate::dial(endpoint, operator, LOG_ALPN).await?;
    let request = Request::Submit(ops.iter().map(Operation::encode).collect());
    let answer = ask(&connection, &request).await;
    connection.close(0u32.into(), b"submitted");
    match answer? {
        Response::Sequenced { index, checkpoint } => {
            let checkpoint = SignedCheckpoint::parse(&checkpoint)?;
            checkpoint.verify_operator(operator_key)?;
            Ok((index, checkpoint))
        }
        Response::Refused(reason) => Err(NetError::PeerRefused { reason }),
        _ => Err(NetError::BadAnswer {
            what: "not an answer to a submission".into(),
        }),
    }
}

/// Asks `peer` for a proof that the operation at `index` is in the log and checks it
/// against `keys` (the cooperative's operator and witnesses, from a replica or the
/// genesis): what it proves, and the proof as `log proof` prints it. A proof that does
/// not verify, or proves another operation, is [`NetError::BadAnswer`].
pub async fn fetch_proof(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    index: u64,
    keys: &CoopKeys,
) -> Result<(Receipt, String), NetError> {
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let answer = ask(&connection, &Request::Proof { index }).await;
    connection.close(0u32.into(), b"proof");
    let text = match answer? {
        Response::Proof(text) => text,
        Response::Refused(reason) => return Err(NetError::PeerRefused { reason }),
        _ => {
            return Err(NetError::BadAnswer {
                what: "not an answer to a proof request".into(),
            });
        }
    };
    let bad = |e: LedgerError| NetError::BadAnswer {
        what: format!("the proof does not hold: {e}"),
    };
    let receipt = ProofBundle::parse(&text)
        .and_then(|bundle| bundle.verify(keys, false))
        .map_err(bad)?;
    if receipt.index != index {
        return Err(NetError::BadAnswer {
            what: format!("a proof of operation #{} for #{index}", receipt.index),
        });
    }
    Ok((receipt, text))
}

/// The most endpoints one [`Request::WhereIs`] asks about.
pub const MAX_WHERE_IS: usize = 256;

/// Asks `peer` (the operator's node, which every member calls) where `endpoints` listen;
/// answers what it knows, only about the endpoints asked for.
pub async fn where_is(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    endpoints: &[[u8; 32]],
) -> Result<Vec<crate::Peer>, NetError> {
    let asked = &endpoints[..endpoints.len().min(MAX_WHERE_IS)];
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let answer = ask(&connection, &Request::WhereIs(asked.to_vec())).await;
    connection.close(0u32.into(), b"where");
    match answer? {
        Response::Addresses(peers) => Ok(peers
            .into_iter()
            .filter(|p| asked.contains(&p.endpoint))
            .collect()),
        Response::Refused(reason) => Err(NetError::PeerRefused { reason }),
        _ => Err(NetError::BadAnswer {
            what: "not an answer to a where-is request".into(),
        }),
    }
}

/// Asks `peer` (a node holding the full log, such as the operator's) whom access request
/// `request` of this trainer still waits for: members whose consent includes it, or who
/// were asked and have not answered.
pub async fn pending(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    request: [u8; 32],
) -> Result<Vec<[u8; 32]>, NetError> {
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let answer = ask(&connection, &Request::Pending { request }).await;
    connection.close(0u32.into(), b"pending");
    match answer? {
        Response::Pending(members) => Ok(members),
        Response::Refused(reason) => Err(NetError::PeerRefused { reason }),
        _ => Err(NetError::BadAnswer {
            what: "not an answer to a pending request".into(),
        }),
    }
}

/// Fetches the log's first operation, its genesis, from `peer`, checked to found the
/// cooperative `coop` (a replica starts from it, then catches up).
pub async fn fetch_genesis(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    coop: [u8; 32],
) -> Result<Operation, NetError> {
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let answer = ask(&connection, &Request::Pull { from: 0, limit: 1 }).await;
    connection.close(0u32.into(), b"genesis");
    let first = match answer? {
        Response::Batch { ops, .. } => ops.into_iter().next(),
        Response::Refused(reason) => return Err(NetError::PeerRefused { reason }),
        _ => None,
    };
    let first = first.ok_or_else(|| NetError::BadAnswer {
        what: "no genesis where the log's first operation was asked for".into(),
    })?;
    let genesis = Operation::decode(&first)?;
    let founded = Log::create(datacoop_ledger::MemStore::new(), genesis.clone())?;
    if founded.state().coop() != coop {
        return Err(NetError::WrongCooperative);
    }
    Ok(genesis)
}

/// What catching up did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaughtUp {
    /// Operations appended.
    pub appended: u64,
    /// Batches ingested.
    pub batches: u64,
    /// The log's length afterwards.
    pub len: u64,
}

/// Pulls from `peer` everything `log` lacks, batch by batch, each verified and written
/// once (see [`Log::ingest`]); stops when the replica holds the peer's newest
/// checkpoint. A batch the ledger refuses (tampered, forged, inconsistent) ends the
/// catch-up with that error; what was ingested before it stays.
pub async fn catch_up<L: SharedLog>(
    endpoint: &Endpoint,
    peer: impl Into<EndpointAddr>,
    log: &Arc<L>,
    batch: u64,
) -> Result<CaughtUp, NetError> {
    let connection = crate::dial(endpoint, peer, LOG_ALPN).await?;
    let mut done = CaughtUp::default();
    loop {
        let from = on_log(log, |log| Ok(log.len())).await?;
        let (ops, note) = match ask(&connection, &Request::Pull { from, limit: batch }).await? {
            Response::Batch { ops, checkpoint } => (ops, checkpoint),
            Response::Head(None) => break,
            Response::Head(Some(_))
            | Response::Sequenced { .. }
            | Response::Cosigned(_)
            | Response::NeedProofFrom(_)
            | Response::Proof(_)
            | Response::Addresses(_)
            | Response::Pending(_) => {
                return Err(NetError::BadAnswer {
                    what: "not a batch, where a batch was asked for".into(),
                });
            }
            Response::Refused(why) => return Err(NetError::PeerRefused { reason: why }),
        };
        let checkpoint = SignedCheckpoint::parse(&note)?;
        let ops = ops
            .iter()
            .map(|bytes| Operation::decode(bytes))
            .collect::<Result<Vec<_>, _>>()?;
        let caught_up = ops.is_empty();
        // Another pull into the same log may have ingested this range meanwhile: the batch
        // then starts before the log's end and is asked for again from there.
        let ingested = on_log(log, move |log| {
            if log.len() != from {
                return Ok(None);
            }
            log.ingest(ops, &checkpoint, 2).map(Some)
        })
        .await?;
        let Some(ingested) = ingested else {
            continue;
        };
        done.appended += ingested.appended;
        done.batches += 1;
        if caught_up {
            break;
        }
    }
    done.len = on_log(log, |log| Ok(log.len())).await?;
    connection.close(0u32.into(), b"caught up");
    Ok(done)
}
