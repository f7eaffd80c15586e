//! Joining by ticket: the newcomer signs a join revealing the ticket's secret and sends
//! it to the inviter on [`JOIN_ALPN`] (the one protocol open to non-members); the
//! inviting steward's node checks the invitation, sequences the join with its own
//! acceptance (the ticket was its decision), and answers where they landed. The
//! newcomer then catches up on the log protocol as a member.

use std::sync::Arc;

use datacoop_ledger::{Body, LedgerError, Log, LogStore, OpId, Operation, SignedCheckpoint};
use ed25519_consensus::SigningKey;
use iroh::Endpoint;
use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use serde::{Deserialize, Serialize};

use crate::shared::SharedLog;
use crate::{InviteTicket, NetError, Peer};

/// The join protocol's ALPN: open to endpoints no member announced yet.
pub const JOIN_ALPN: &[u8] = b"datacoop/join/1";

const MAX_MESSAGE: usize = 64 * 1024;

/// Why an inviter refused a join, each said plainly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum JoinRefusal {
    /// No such invitation on this cooperative's log.
    #[error(
        "this invitation is not on the cooperative's log: it was never issued, or is for another cooperative"
    )]
    Unknown,
    /// The secret does not match the invitation's.
    #[error("this invitation's secret does not match the one issued: it is forged or altered")]
    Forged,
    /// Someone already joined with it.
    #[error("this invitation was already used; ask for a new one")]
    Used,
    /// It expired.
    #[error("this invitation expired; ask for a new one")]
    Expired,
    /// The join could not be recorded.
    #[error("the inviter could not record the join: {0}")]
    Failed(String),
}

/// What a newcomer sends: its signed join and where it can be reached.
#[derive(Debug, Serialize, Deserialize)]
struct JoinRequest {
    join: Vec<u8>,
    addrs: Vec<std::net::SocketAddr>,
}

#[derive(Debug, Serialize, Deserialize)]
enum JoinAnswer {
    Joined {
        index: u64,
        checkpoint: String,
    },
    Refused(JoinRefusal),
    /// Sequenced, waiting for a steward to accept it (a reviewed invitation).
    Waiting {
        index: u64,
        checkpoint: String,
    },
}

/// Where a join sent with [`join`] landed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinOutcome {
    /// Accepted at once (the inviter's own decision): a member now.
    Joined {
        /// The join's position in the log.
        index: u64,
        /// The checkpoint over it.
        checkpoint: SignedCheckpoint,
    },
    /// On the log, waiting for a steward to accept it: not a member yet.
    AwaitingReview {
        /// The join's position in the log.
        index: u64,
        /// The checkpoint over it.
        checkpoint: SignedCheckpoint,
    },
}

/// Which invitations a steward reviews before their newcomer is in.
pub type Reviewed = Arc<dyn Fn(&OpId) -> bool + Send + Sync>;

/// The inviting steward's node: it accepts valid joins of invitations on its log, and
/// sequences them (it is the log's operator here; forwarding to another operator comes
/// with the network's node integration).
pub struct Inviter<L> {
    log: Arc<L>,
    operator: SigningKey,
    steward: SigningKey,
    joined: Option<tokio::sync::mpsc::UnboundedSender<Joined>>,
    reviewed: Option<Reviewed>,
    forward: Option<Arc<dyn Forward>>,
}

/// A newcomer whose join the inviter sequenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// Its identity.
    pub who: [u8; 32],
    /// The role its invitation offered (a steward invitation makes a member until a
    /// proposal makes them a steward).
    pub role: datacoop_core::Role,
    /// Its endpoint and where it listens.
    pub peer: Peer,
    /// The join operation.
    pub join: OpId,
    /// True when its invitation is reviewed: it waits for a steward's acceptance.
    pub awaiting_review: bool,
}

impl<L> std::fmt::Debug for Inviter<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inviter").finish_non_exhaustive()
    }
}

impl<L: SharedLog> Inviter<L> {
    /// Accepts joins into `log`, sequencing with `operator` and accepting as `steward`.
    pub fn new(log: Arc<L>, operator: SigningKey, steward: SigningKey) -> Self {
        Inviter {
            log,
            operator,
            steward,
            joined: None,
            reviewed: None,
            forward: None,
        }
    }

    /// When this node is not the log's operator, admitted joins go to it through
    /// `forward` (without one, such joins are refused as failed).
    pub fn forward_with(mut self, forward: Arc<dyn Forward>) -> Self {
        self.forward = Some(forward);
        self
    }

    /// Joins of the invitations `reviewed` names are sequenced without this node's
    /// acceptance: they wait for a steward's (`--review` invitations).
    pub fn review_when(mut self, reviewed: Reviewed) -> Self {
        self.reviewed = Some(reviewed);
        self
    }

    /// Tells `joined` about each newcomer once its join is sequenced (a node keeps its
    /// addresses to reach it, and proposes a steward invitee as steward).
    pub fn tell_joins(mut self, joined: tokio::sync::mpsc::UnboundedSender<Joined>) -> Self {
        self.joined = Some(joined);
        self
    }

    /// Checks and sequences `join` (blocking: run off the async workers). Answers where
    /// it landed, the role offered, and whether it waits for review.
    fn admit(&self, join: Operation) -> Result<Decision, JoinRefusal> {
        let (operator, steward) = (self.operator.clone(), self.steward.clone());
        let review = match (&self.reviewed, &join.body) {
            (Some(reviewed), Some(Body::Join { invite, .. })) => reviewed(invite),
            _ => false,
        };
        self.log
            .with_log(move |log| Ok(admit(log, join, &operator, &steward, review)))
            .unwrap_or_else(|e| Err(JoinRefusal::Failed(e.to_string())))
    }
}

/// What the inviter made of a join it checked.
enum Decision {
    /// This node is the log's operator and sequenced it.
    Sequenced(Admitted),
    /// Another node is the operator: these operations (the join, and this steward's
    /// acceptance unless the invitation is reviewed) go to it.
    Forward {
        ops: Vec<Operation>,
        role: datacoop_core::Role,
        review: bool,
    },
}

/// Where forwarded operations landed: the first one's index and the checkpoint over the
/// last, or why they could not be sent.
pub type Forwarded = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(u64, SignedCheckpoint), String>> + Send>,
>;

/// Sends an admitted join to the log's operator, for an inviting steward whose node is
/// not the operator (the node knows where the operator is).
pub trait Forward: Send + Sync + 'static {
    /// Sends `ops` to the operator in order.
    fn forward(&self, ops: Vec<Operation>) -> Forwarded;
}

/// A join the inviter sequenced.
struct Admitted {
    index: u64,
    checkpoint: SignedCheckpoint,
    role: datacoop_core::Role,
    review: bool,
}

/// Checks `join` against the invitations on `log` and sequences it, with `steward`'s
/// acceptance unless the invitation is reviewed.
fn admit<S: LogStore>(
    log: &mut Log<S>,
    join: Operation,
    operator: &SigningKey,
    steward: &SigningKey,
    review: bool,
) -> Result<Decision, JoinRefusal> {
    let failed = |e: LedgerError| JoinRefusal::Failed(e.to_string());
    let Some(Body::Join { invite, secret, .. }) = &join.body else {
        return Err(JoinRefusal::Failed("not a join operation".into()));
    };
    let (role, used) = log
        .state()
        .invite_status(invite)
        .ok_or(JoinRefusal::Unknown)?;
    if used {
        return Err(JoinRefusal::Used);
    }
    let index = log.index_of(invite).map_err(failed)?;
    let (expires, secret_hash) = match log.operation(index).map_err(failed)?.body {
        Some(Body::Invite {
            expires,
            secret_hash,
            ..
        }) => (expires, secret_hash),
        _ => return Err(JoinRefusal::Unknown),
    };
    if datacoop_ledger::sha256(secret) != secret_hash {
        return Err(JoinRefusal::Forged);
    }
    // Log time when a quorum has told it; this node's clock otherwise.
    if log.now().unwrap_or_else(crate::unix_now) > expires {
        return Err(JoinRefusal::Expired);
    }
    let acceptance = log.make_operation(
        steward,
        Body::JoinAcceptance { join: join.id() },
        crate::unix_now(),
    );
    let batch = if review {
        vec![join]
    } else {
        vec![join, acceptance]
    };
    if log.state().operator() != operator.verification_key().to_bytes() {
        return Ok(Decision::Forward {
            ops: batch,
            role,
            review,
        });
    }
    let done = log
        .sequence(batch, operator, crate::unix_now())
        .map_err(failed)?;
    if done.rejected.is_empty() {
        // The inviting steward witnesses too, when it is one: the newcomer's first
        // checkpoint then carries its cosignature.
        log.cosign_own(steward, crate::unix_now()).map_err(failed)?;
    }
    if let Some((_, e)) = done.rejected.first() {
        return Err(match e.root_cause() {
            LedgerError::InvalidReference { reason } if reason.contains("secret") => {
                JoinRefusal::Forged
            }
            other => JoinRefusal::Failed(other.to_string()),
        });
    }
    match (done.appended.first(), done.checkpoint) {
        (Some((index, _)), Some(checkpoint)) => Ok(Decision::Sequenced(Admitted {
            index: *index,
            checkpoint,
            role,
            review,
        })),
        _ => Err(JoinRefusal::Failed("nothing was sequenced".into())),
    }
}

impl<L: SharedLog> ProtocolHandler for Inviter<L> {
    async fn accept(&self, connection: Connection) -> Result<(), AcceptError> {
        let (mut send, mut recv) = connection.accept_bi().await?;
        let bytes = recv
            .read_to_end(MAX_MESSAGE)
            .await
            .map_err(AcceptError::from_err)?;
        let this = Inviter {
            log: Arc::clone(&self.log),
            operator: self.operator.clone(),
            steward: self.steward.clone(),
            joined: None,
            reviewed: self.reviewed.clone(),
            forward: None,
        };
        let decoded = postcard::from_bytes::<JoinRequest>(&bytes)
            .map_err(|e| LedgerError::Encoding {
                what: "a join request",
                detail: e.to_string(),
            })
            .and_then(|request| Ok((Operation::decode(&request.join)?, request.addrs)));
        let answer = match decoded {
            Ok((join, addrs)) => {
                let who = join.header.header().author;
                let id = join.id();
                let decided = tokio::task::spawn_blocking(move || this.admit(join))
                    .await
                    .unwrap_or_else(|e| Err(JoinRefusal::Failed(e.to_string())));
                let admitted = match decided {
                    Ok(Decision::Sequenced(admitted)) => Ok(admitted),
                    Ok(Decision::Forward { ops, role, review }) => match &self.forward {
                        Some(forward) => forward
                            .forward(ops)
                            .await
                            .map(|(index, checkpoint)| Admitted {
                                index,
                                checkpoint,
                                role,
                                review,
                            })
                            .map_err(JoinRefusal::Failed),
                        None => Err(JoinRefusal::Failed(
                            "this steward's node cannot send joins to the log's operator".into(),
                        )),
                    },
                    Err(refusal) => Err(refusal),
                };
                match admitted {
                    Ok(admitted) => {
                        if let Some(joined) = &self.joined {
                            let _ = joined.send(Joined {
                                who,
                                role: admitted.role,
                                peer: Peer {
                                    endpoint: *connection.remote_id().as_bytes(),
                                    addrs,
                                },
                                join: id,
                                awaiting_review: admitted.review,
                            });
                        }
                        let (index, checkpoint) = (admitted.index, admitted.checkpoint.render());
                        if admitted.review {
                            JoinAnswer::Waiting { index, checkpoint }
                        } else {
                            JoinAnswer::Joined { index, checkpoint }
                        }
                    }
                    Err(refusal) => JoinAnswer::Refused(refusal),
                }
            }
            Err(e) => JoinAnswer::Refused(JoinRefusal::Failed(e.to_string())),
        };
        let bytes = postcard::to_stdvec(&answer).map_err(AcceptError::from_err)?;
        send.write_all(&bytes)
            .await
            .map_err(AcceptError::from_err)?;
        send.finish().map_err(AcceptError::from_err)?;
        connection.closed().await;
        Ok(())
    }
}

/// Joins the cooperative of `ticket` as `identity` (its signing key), naming
/// `endpoint_key` as this node's endpoint; answers where the join landed, and whether it
/// waits for a steward's review. A refused join is [`NetError::JoinRefused`], saying
/// which way the ticket is wrong.
pub async fn join(
    endpoint: &Endpoint,
    ticket: &InviteTicket,
    identity: &SigningKey,
    endpoint_key: [u8; 32],
) -> Result<JoinOutcome, NetError> {
    let body = Body::Join {
        invite: OpId(ticket.invite),
        secret: ticket.secret,
        endpoint_key,
    };
    // A newcomer's first operation: sequence 0, nothing before it.
    let op = Operation::new(identity, ticket.coop, 0, None, crate::unix_now(), body);
    let addr = ticket.inviter_addr()?;
    let connection = crate::dial(endpoint, addr, JOIN_ALPN).await?;
    let lost = |e: String| NetError::PeerLost { reason: e };
    let (mut send, mut recv) = connection
        .open_bi()
        .await
        .map_err(|e| lost(e.to_string()))?;
    let request = JoinRequest {
        join: op.encode(),
        addrs: crate::advertised(endpoint),
    };
    let request = postcard::to_stdvec(&request).map_err(|e| lost(e.to_string()))?;
    send.write_all(&request)
        .await
        .map_err(|e| lost(e.to_string()))?;
    send.finish().map_err(|e| lost(e.to_string()))?;
    let bytes = recv
        .read_to_end(MAX_MESSAGE)
        .await
        .map_err(|e| lost(e.to_string()))?;
    connection.close(0u32.into(), b"joined");
    match postcard::from_bytes(&bytes).map_err(|_| NetError::BadAnswer {
        what: "not an answer to a join".into(),
    })? {
        JoinAnswer::Joined { index, checkpoint } => Ok(JoinOutcome::Joined {
            index,
            checkpoint: SignedCheckpoint::parse(&checkpoint)?,
        }),
        JoinAnswer::Waiting { index, checkpoint } => Ok(JoinOutcome::AwaitingReview {
            index,
            checkpoint: SignedCheckpoint::parse(&checkpoint)?,
        }),
        JoinAnswer::Refused(refusal) => Err(NetError::JoinRefused(refusal)),
    }
}
