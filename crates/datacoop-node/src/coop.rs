//! The cooperative's consent log as this node keeps it (`HOME/ledger`).
//!
//! Until the network arrives, a node can found a cooperative (`coop create`) and is then
//! its first steward, log operator and only witness: every operation it writes is
//! sequenced, checkpointed and cosigned at once. Such a log is "unwitnessed" and says so.

use std::path::{Path, PathBuf};

use crate::NodeError;
use crate::views::{
    AwaitingJoin, CheckpointInfo, ConsentView, CoopInfo, EvidenceInfo, Inclusion, LogEntry,
    MemberInfo, VerifySummary,
};
use datacoop_core::{Category, Purpose};
use datacoop_crypto::{Identity, KeyedHasher};
use datacoop_ledger::{
    Body, ConsentMode, CoopState, Genesis, Hash, LedgerError, Log, OpId, OpKind, Operation,
    SignedCheckpoint, SledStore, VerifyOptions, View, Witnessing, verify_log,
};

/// A node's copy of the log.
pub struct Ledger {
    log: Log<SledStore>,
    seen_file: PathBuf,
    view: View,
}

/// Where a home says whose view of the log it holds (`HOME/ledger-view`: absent for a
/// member's or steward's full view, `trainer <key hex>` for a trainer's).
fn view_file(home: &Path) -> PathBuf {
    home.join("ledger-view")
}

/// The view the home's log holds.
fn read_view(home: &Path) -> Result<View, NodeError> {
    let path = view_file(home);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(View::Full),
        Err(e) => return Err(NodeError::io("cannot read", &path, e)),
    };
    let key = text
        .trim()
        .strip_prefix("trainer ")
        .and_then(|hex_key| hex::decode(hex_key).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
    key.map(View::Trainer).ok_or_else(|| {
        NodeError::Protocol(format!(
            "{} is damaged: it should say `trainer` and this identity's key",
            path.display()
        ))
    })
}

/// Records `view` for the home's log (nothing for a full view).
fn write_view(home: &Path, view: View) -> Result<(), NodeError> {
    let path = view_file(home);
    match view {
        View::Full => match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(NodeError::io("cannot remove", &path, e)),
        },
        View::Trainer(key) => Ok(datacoop_crypto::write_atomically(
            &path,
            format!("trainer {}\n", hex::encode(key)).as_bytes(),
        )?),
    }
}

fn hex_key(key: &[u8; 32]) -> String {
    hex::encode(key)
}

impl Ledger {
    fn dir(home: &Path) -> PathBuf {
        home.join("ledger")
    }

    /// Opens the home's log if the node is in a cooperative.
    pub fn open(home: &Path) -> Result<Option<Ledger>, NodeError> {
        let dir = Ledger::dir(home);
        if !dir.exists() {
            return Ok(None);
        }
        let store = SledStore::open(&dir)?;
        if datacoop_ledger::LogStore::is_empty(&store)? {
            // A founding interrupted before its genesis was stored: not in a cooperative.
            drop(store);
            std::fs::remove_dir_all(&dir).map_err(|e| NodeError::io("cannot remove", &dir, e))?;
            return Ok(None);
        }
        let view = read_view(home)?;
        let log = Log::open_as(store, view)?;
        Ok(Some(Ledger {
            log,
            seen_file: home.join("ledger-seen.checkpoint"),
            view,
        }))
    }

    /// Founds a cooperative with `identity` as its first steward, operator and witness.
    pub fn create(
        home: &Path,
        identity: &Identity,
        name: &str,
        threshold: Option<u32>,
        witness_quorum: Option<u32>,
        now: u64,
    ) -> Result<Ledger, NodeError> {
        let me = identity.verification_key().to_bytes();
        let mut genesis = Genesis::new(name, vec![me], me);
        if let Some(k) = threshold {
            genesis = genesis.with_threshold(k);
        }
        if let Some(q) = witness_quorum {
            genesis = genesis.with_witness_quorum(q);
        }
        genesis.validate()?;
        let op = Operation::genesis(identity.signing_key(), genesis, now)?;
        write_view(home, View::Full)?;
        let dir = Ledger::dir(home);
        let log = Log::create(SledStore::open(&dir)?, op);
        let log = match log {
            Ok(log) => log,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e.into());
            }
        };
        let mut ledger = Ledger {
            log,
            seen_file: home.join("ledger-seen.checkpoint"),
            view: View::Full,
        };
        // The founder's endpoint, so members' nodes serve the operator's connections;
        // sequenced with the genesis under the first checkpoint.
        let endpoint_key = datacoop_net::endpoint_id(identity);
        if let Err(e) = ledger.publish(identity, Body::EndpointAnnounce { endpoint_key }, now) {
            drop(ledger);
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
        Ok(ledger)
    }

    /// Cosigns the newest checkpoint if this identity is a witness, and records it as
    /// seen.
    fn witness(&mut self, identity: &Identity, now: u64) -> Result<(), NodeError> {
        match self.log.cosign_own(identity.signing_key(), now) {
            Ok(_) => {}
            Err(LedgerError::Evidence { .. }) => {
                return Err(NodeError::Protocol(
                    "this node's own log is inconsistent with its last checkpoint: verify the whole log to find what changed".into(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        self.note_seen()
    }

    /// Signs `body` as `identity`, sequences it (this node must be the operator) and
    /// cosigns the new checkpoint. Returns the operation id.
    pub fn publish(
        &mut self,
        identity: &Identity,
        body: Body,
        now: u64,
    ) -> Result<OpId, NodeError> {
        let ids = self.publish_all(identity, vec![body], now)?;
        ids.into_iter()
            .next()
            .ok_or_else(|| NodeError::Protocol("nothing was sequenced".into()))
    }

    /// Signs `bodies` as consecutive operations of `identity` and sequences them in one
    /// atomic write with one checkpoint: all are recorded, or none.
    pub fn publish_all(
        &mut self,
        identity: &Identity,
        bodies: Vec<Body>,
        now: u64,
    ) -> Result<Vec<OpId>, NodeError> {
        if !self.is_operator(identity) {
            return Err(NodeError::NotOperator);
        }
        let ops = self.prepare(identity, bodies, now)?;
        self.sequence_own(identity, ops, now)
    }

    /// Whether `identity` is the log's operator.
    pub fn is_operator(&self, identity: &Identity) -> bool {
        self.log.state().operator() == identity.verification_key().to_bytes()
    }

    /// Signs `bodies` as `identity`'s next operations, each checked against the state
    /// the ones before it leave, so a refused one is refused before anything is sent or
    /// written.
    pub fn prepare(
        &self,
        identity: &Identity,
        bodies: Vec<Body>,
        now: u64,
    ) -> Result<Vec<Operation>, NodeError> {
        self.prepare_after(identity, &[], bodies, now)
    }

    /// [`Ledger::prepare`], following `earlier`: operations of `identity` signed but not
    /// yet in the log, to be sequenced in the same batch before these.
    pub fn prepare_after(
        &self,
        identity: &Identity,
        earlier: &[Operation],
        bodies: Vec<Body>,
        now: u64,
    ) -> Result<Vec<Operation>, NodeError> {
        let key = identity.signing_key();
        let (mut seq, mut prev) = self.log.next_for(&key.verification_key().to_bytes());
        let mut scratch = self.log.state().clone();
        for op in earlier {
            scratch.apply(&op.header, op.body.as_ref())?;
            seq += 1;
            prev = Some(op.id());
        }
        let mut ops = Vec::with_capacity(bodies.len());
        for body in bodies {
            let op = Operation::new(key, self.log.state().coop(), seq, prev, now, body);
            op.check_body()?;
            scratch.apply(&op.header, op.body.as_ref())?;
            seq += 1;
            prev = Some(op.id());
            ops.push(op);
        }
        Ok(ops)
    }

    /// The log, to read.
    pub fn log(&self) -> &Log<SledStore> {
        &self.log
    }

    /// Sequences `ops` (this node is the operator) with one checkpoint, and cosigns it
    /// if this node is a witness.
    pub fn sequence_own(
        &mut self,
        identity: &Identity,
        ops: Vec<Operation>,
        now: u64,
    ) -> Result<Vec<OpId>, NodeError> {
        let ids: Vec<OpId> = ops.iter().map(Operation::id).collect();
        let outcome = self.log.sequence(ops, identity.signing_key(), now)?;
        if let Some((_, error)) = outcome.rejected.into_iter().next() {
            return Err(error.into());
        }
        if outcome.checkpoint.is_some() {
            self.witness(identity, now)?;
        }
        Ok(ids)
    }

    /// Sequences what members submitted (this node is the operator) as one batch under
    /// one checkpoint, cosigned if this node is a witness. Answers per submission where
    /// it landed, and the checkpoint.
    pub fn sequence_submitted(
        &mut self,
        identity: &Identity,
        submissions: Vec<Vec<Operation>>,
        now: u64,
    ) -> Result<datacoop_ledger::Submitted, NodeError> {
        let mut done = self
            .log
            .sequence_submissions(submissions, identity.signing_key(), now)?;
        if done.checkpoint.is_some() {
            self.witness(identity, now)?;
            // Shared with the cosignatures gathered so far.
            done.checkpoint = self.log.checkpoint_to_share();
        }
        Ok(done)
    }

    /// The operator's heartbeat: a checkpoint when the log grew or `interval` seconds
    /// passed since the last, cosigned here if this node is a witness, so log time moves
    /// in an idle cooperative. True when a checkpoint was signed.
    pub fn heartbeat(
        &mut self,
        identity: &Identity,
        interval: u64,
        now: u64,
    ) -> Result<bool, NodeError> {
        match self.log.heartbeat(identity.signing_key(), now, interval)? {
            Some(_) => {
                self.witness(identity, now)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// A replica of the cooperative founded by `genesis` (fetched from a peer), whose
    /// id must be `coop`, holding `view` of the log (a trainer's, for a trainer); the
    /// rest of the log is caught up from peers.
    pub fn create_replica(
        home: &Path,
        genesis: Operation,
        coop: [u8; 32],
        view: View,
    ) -> Result<Ledger, NodeError> {
        write_view(home, view)?;
        let dir = Ledger::dir(home);
        let log = Log::create_as(SledStore::open(&dir)?, genesis, view).and_then(|log| {
            if log.state().coop() == coop {
                Ok(log)
            } else {
                Err(LedgerError::WrongCoop)
            }
        });
        match log {
            Ok(log) => Ok(Ledger {
                log,
                seen_file: home.join("ledger-seen.checkpoint"),
                view,
            }),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                let _ = write_view(home, View::Full);
                Err(e.into())
            }
        }
    }

    /// The join waiting for review that `id` names (its operation id or a unique prefix):
    /// (join, newcomer, role offered).
    pub fn awaiting_join(
        &self,
        id: &str,
    ) -> Result<(OpId, [u8; 32], datacoop_core::Role), NodeError> {
        let index = self.resolve(id)?;
        let join = self.log.operation(index)?.id();
        self.log
            .state()
            .joins_awaiting_acceptance()
            .into_iter()
            .find(|(j, _, _)| *j == join)
            .ok_or_else(|| NodeError::BadId {
                given: id.to_owned(),
                reason: "no join with this id waits for acceptance".into(),
            })
    }

    /// Whose view of the log this node holds.
    pub fn view(&self) -> View {
        self.view
    }

    /// Log time now, if a quorum has told it.
    pub fn log_now(&self) -> Option<u64> {
        self.log.now()
    }

    /// The log itself, for the network layer.
    pub fn log_mut(&mut self) -> &mut Log<SledStore> {
        &mut self.log
    }

    /// Records the newest checkpoint as seen (outside the store, for `log verify`).
    pub fn note_seen(&self) -> Result<(), NodeError> {
        if let Some(latest) = self.log.latest_checkpoint() {
            datacoop_crypto::write_atomically(&self.seen_file, latest.render().as_bytes())?;
        }
        Ok(())
    }

    /// The cooperative's name.
    pub fn name(&self) -> String {
        self.log.state().name().to_owned()
    }

    /// The cooperative as `coop show` presents it to the identity `me`.
    pub fn info(&self, me: &[u8; 32]) -> CoopInfo {
        let evidence = match self.log.evidence() {
            Ok(kept) => kept
                .iter()
                .map(|e| EvidenceInfo {
                    code: e.code().to_owned(),
                    summary: e.summary(),
                })
                .collect(),
            Err(e) => vec![EvidenceInfo {
                code: e.code().to_string(),
                summary: format!("kept evidence could not be read: {e}"),
            }],
        };
        let state = self.log.state();
        // Stewards first, then everyone else once, each group in id order.
        let mut others: Vec<MemberInfo> = state
            .members()
            .iter()
            .filter(|(key, _)| !state.is_steward(key))
            .map(|(key, role)| MemberInfo {
                id: hex_key(key),
                role: *role,
                endpoint: state.endpoint_of(key).as_ref().map(hex_key),
                reachable: None,
            })
            .collect();
        others.sort_by(|a, b| a.id.cmp(&b.id));
        let mut members: Vec<MemberInfo> = state
            .stewards()
            .iter()
            .map(|key| MemberInfo {
                id: hex_key(key),
                role: datacoop_core::Role::Steward,
                endpoint: state.endpoint_of(key).as_ref().map(hex_key),
                reachable: None,
            })
            .collect();
        members.sort_by(|a, b| a.id.cmp(&b.id));
        members.extend(others);
        let roles = self.roles_of(me);
        let role = if roles.contains(&datacoop_core::Role::Steward) {
            Some(datacoop_core::Role::Steward)
        } else {
            roles.first().copied()
        };
        CoopInfo {
            id: hex::encode(state.coop()),
            name: state.name().to_owned(),
            role,
            stewards: state.stewards().iter().map(hex_key).collect(),
            threshold: state.threshold(),
            operator: hex_key(&state.operator()),
            witnesses: state.witnesses().iter().map(hex_key).collect(),
            witness_quorum: state.witness_quorum(),
            unwitnessed: state.witnessing() == Witnessing::Unwitnessed,
            members,
            awaiting: state
                .joins_awaiting_acceptance()
                .into_iter()
                .map(|(join, who, role)| AwaitingJoin {
                    join: join.to_hex(),
                    id: hex_key(&who),
                    role,
                })
                .collect(),
            size: self.log.len(),
            latest_checkpoint: self.log.latest_checkpoint().map(|c| CheckpointInfo {
                size: c.checkpoint.size,
                root: hex::encode(c.checkpoint.root),
                signatures: u32::try_from(c.signatures.len()).unwrap_or(u32::MAX),
                cosigned_by: c
                    .signatures
                    .iter()
                    .filter_map(|s| s.name.strip_prefix("datacoop/witness/"))
                    .map(str::to_owned)
                    .collect(),
            }),
            evidence,
        }
    }

    /// Operations in the log.
    pub fn size(&self) -> u64 {
        self.log.len()
    }

    /// The roles `key` holds in the cooperative.
    pub fn roles_of(&self, key: &[u8; 32]) -> Vec<datacoop_core::Role> {
        roles_in(self.log.state(), key)
    }

    /// The cooperative's current state.
    pub fn state(&self) -> &CoopState {
        self.log.state()
    }

    /// Operations from index `from` on.
    ///
    /// `name_of` names the datasets this member holds, so rows about them say which; a
    /// consent changed (its withdrawal and the new terms, sequenced together) is marked.
    pub fn entries(
        &self,
        from: u64,
        name_of: impl Fn(&Hash) -> Option<String>,
    ) -> Result<Vec<LogEntry>, NodeError> {
        let mut entries = Vec::new();
        let mut previous: Option<(Operation, Option<Hash>)> = None;
        // The row before `from` decides whether the first row is half of a change.
        for index in from.saturating_sub(1)..self.log.len() {
            let op = self.log.operation(index)?;
            let dataset = self.dataset_of(&op)?;
            let changes = previous
                .as_ref()
                .is_some_and(|(before, about)| is_consent_change(before, *about, &op, dataset));
            if changes && let Some(last) = entries.last_mut() {
                let last: &mut LogEntry = last;
                last.consent_changed = true;
            }
            if index >= from {
                let header = op.header.header();
                entries.push(LogEntry {
                    index,
                    id: op.id().to_hex(),
                    kind: header.kind,
                    author: hex_key(&header.author),
                    claimed_time: header.claimed_time,
                    log_time: self.log.log_time(index),
                    dataset: dataset.as_ref().and_then(&name_of),
                    consent_changed: changes,
                });
            }
            previous = Some((op, dataset));
        }
        Ok(entries)
    }

    /// The dataset an operation is about, when it names one (a withdrawal, through the
    /// consent it withdraws).
    fn dataset_of(&self, op: &Operation) -> Result<Option<Hash>, NodeError> {
        Ok(match &op.body {
            Some(Body::DatasetAnnounce { dataset, .. } | Body::ConsentSet { dataset, .. }) => {
                Some(*dataset)
            }
            Some(Body::ConsentWithdraw { consent }) => {
                let index = self.log.index_of(consent)?;
                match self.log.operation(index)?.body {
                    Some(Body::ConsentSet { dataset, .. }) => Some(dataset),
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// Verifies everything, including that the store still reaches the newest checkpoint
    /// this node recorded.
    pub fn verify(&self) -> Result<VerifySummary, NodeError> {
        let last_seen = std::fs::read_to_string(&self.seen_file)
            .ok()
            .map(|text| SignedCheckpoint::parse(&text))
            .transpose()?;
        let report = verify_log(
            self.log.store(),
            &VerifyOptions {
                threads: 2,
                last_seen,
                view: self.view,
            },
        )
        .map_err(NodeError::LogInvalid)?;
        Ok(VerifySummary {
            operations: report.operations,
            checkpoints: report.checkpoints as u64,
            latest_checkpoint: report.latest_checkpoint,
            root: hex::encode(report.root),
            unwitnessed: report.witnessing == Witnessing::Unwitnessed,
            withheld: report.withheld_bodies,
        })
    }

    /// Verifies a log that could not even be opened, to name what is wrong with it.
    pub fn verify_damaged(home: &Path) -> Result<(), NodeError> {
        let store = SledStore::open(&Ledger::dir(home))?;
        let last_seen = std::fs::read_to_string(home.join("ledger-seen.checkpoint"))
            .ok()
            .map(|text| SignedCheckpoint::parse(&text))
            .transpose()?;
        verify_log(
            &store,
            &VerifyOptions {
                threads: 2,
                last_seen,
                view: read_view(home)?,
            },
        )
        .map_err(NodeError::LogInvalid)?;
        Ok(())
    }

    /// Resolves a full id or a unique prefix of 8+ hex digits to a log index.
    pub fn resolve(&self, id: &str) -> Result<u64, NodeError> {
        let id = id.trim().to_ascii_lowercase();
        if id.len() < 8 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NodeError::BadId {
                given: id,
                reason: "give 8 or more hex digits".into(),
            });
        }
        if id.len() == 64 {
            let op = OpId::from_hex(&id)?;
            return self.log.index_of(&op).map_err(|_| NodeError::BadId {
                given: id,
                reason: "no operation has this id".into(),
            });
        }
        let mut found = None;
        for index in 0..self.log.len() {
            if self.log.operation(index)?.id().to_hex().starts_with(&id) {
                if found.is_some() {
                    return Err(NodeError::BadId {
                        given: id,
                        reason: "more than one operation has this prefix".into(),
                    });
                }
                found = Some(index);
            }
        }
        found.ok_or(NodeError::BadId {
            given: id,
            reason: "no operation has this id".into(),
        })
    }

    /// The offline-verifiable proof bundle of an operation.
    pub fn proof(&self, id: &str) -> Result<String, NodeError> {
        let index = self.resolve(id)?;
        Ok(self.log.proof_bundle(index)?.render())
    }

    /// What records that `identity` consents to `purposes` for a dataset: the dataset's
    /// announcement first if needed, the withdrawal of the consent it replaces, the new
    /// consent (sequenced together, so all or none are recorded).
    pub fn consent_bodies(
        &self,
        identity: &Identity,
        dataset: Hash,
        category: &Category,
        purposes: Vec<Purpose>,
        mode: ConsentMode,
        max_period_secs: Option<u64>,
    ) -> Result<Vec<Body>, NodeError> {
        let mut bodies = Vec::new();
        if self.log.state().dataset_category(&dataset).is_none() {
            bodies.push(Body::DatasetAnnounce {
                dataset,
                category: category.clone(),
            });
        }
        if let Some(previous) = self.active_consent(identity, &dataset)? {
            bodies.push(Body::ConsentWithdraw { consent: previous });
        }
        bodies.push(Body::ConsentSet {
            dataset,
            purposes,
            mode,
            valid_until: None,
            retention_secs: None,
            max_period_secs,
            recipients: Vec::new(),
        });
        Ok(bodies)
    }

    /// When `request`'s window closes: the log time of the approval that approved it plus
    /// its period (none until that approval has a log time).
    pub fn request_window_end(&self, request: &datacoop_ledger::RequestRecord) -> Option<u64> {
        request
            .approved_at
            .and_then(|at| self.log.log_time(at))
            .map(|t| t.saturating_add(request.period_secs))
    }

    /// Revocations of `identity`'s grants of `dataset` that have not ended, recorded with a
    /// consent change: all of them when the consent is withdrawn (`keeps` None), else
    /// those whose request the new terms do not allow (`keeps` says which they do).
    pub fn revocations_on(
        &self,
        identity: &Identity,
        dataset: &Hash,
        keeps: Option<&dyn Fn(&datacoop_ledger::RequestRecord) -> bool>,
    ) -> Vec<Body> {
        let me = identity.verification_key().to_bytes();
        let state = self.log.state();
        let now = self.log.now();
        let reason = if keeps.is_some() {
            "the member changed their consent"
        } else {
            "the member withdrew their consent"
        };
        state
            .releases()
            .into_iter()
            .filter(|r| r.member == me && r.terms.dataset == *dataset)
            // Ended by the log's own time only: a clock running ahead must not leave a
            // grant that peers still serve without its revocation.
            .filter(|r| !crate::network::ended_on_log(r, now))
            .filter(|r| {
                let kept = keeps.zip(state.access_request(&r.terms.request));
                !kept.is_some_and(|(keeps, request)| keeps(request))
            })
            .map(|r| Body::Revocation {
                grant: r.id,
                reason: reason.into(),
            })
            .collect()
    }

    /// What withdraws `identity`'s consent for a dataset (none when none is in force).
    pub fn withdrawal_body(
        &self,
        identity: &Identity,
        dataset: &Hash,
    ) -> Result<Option<Body>, NodeError> {
        Ok(self
            .active_consent(identity, dataset)?
            .map(|consent| Body::ConsentWithdraw { consent }))
    }

    fn my_consents(&self, identity: &Identity) -> Result<Vec<(OpId, Hash, Operation)>, NodeError> {
        let me = identity.verification_key().to_bytes();
        let mut out = Vec::new();
        for index in 0..self.log.len() {
            let op = self.log.operation(index)?;
            let header = op.header.header();
            if header.author != me || header.kind != OpKind::ConsentSet {
                continue;
            }
            if let Some(Body::ConsentSet { dataset, .. }) = &op.body {
                out.push((op.id(), *dataset, op.clone()));
            }
        }
        Ok(out)
    }

    fn active_consent(
        &self,
        identity: &Identity,
        dataset: &Hash,
    ) -> Result<Option<OpId>, NodeError> {
        Ok(self
            .my_consents(identity)?
            .into_iter()
            .filter(|(id, d, _)| d == dataset && self.log.state().withdrawal_of(id).is_none())
            .map(|(id, _, _)| id)
            .next_back())
    }

    /// `identity`'s consents, newest last, with the names `name_of` gives their datasets.
    pub fn consents(
        &self,
        identity: &Identity,
        name_of: impl Fn(&Hash) -> Option<String>,
    ) -> Result<Vec<ConsentView>, NodeError> {
        let mut views = Vec::new();
        for (id, dataset, op) in self.my_consents(identity)? {
            let record = self.log.consent_record(&id)?;
            let Some(Body::ConsentSet {
                purposes,
                mode,
                max_period_secs,
                ..
            }) = &op.body
            else {
                continue;
            };
            views.push(ConsentView {
                record_id: id.to_hex(),
                dataset: name_of(&dataset)
                    .unwrap_or_else(|| format!("(unknown {})", &hex::encode(dataset)[..8])),
                category: record.category.as_ref().map(|c| c.to_string()),
                purposes: purposes.clone(),
                mode: match mode {
                    ConsentMode::Always => Inclusion::Auto,
                    ConsentMode::Ask => Inclusion::Ask,
                },
                max_days: max_period_secs.map(|s| s / 86_400),
                withdrawn: record.withdrawal.is_some(),
                record: record.to_json(),
            });
        }
        Ok(views)
    }
}

/// The roles `key` holds in a cooperative in `state`: the one rule, for every caller.
pub fn roles_in(state: &CoopState, key: &[u8; 32]) -> Vec<datacoop_core::Role> {
    let mut roles: Vec<datacoop_core::Role> =
        state.members().get(key).copied().into_iter().collect();
    if state.is_steward(key) && !roles.contains(&datacoop_core::Role::Steward) {
        roles.push(datacoop_core::Role::Steward);
    }
    roles
}

/// Whether `after` is the new terms of a consent `before` withdrew: one author, one
/// dataset, sequenced together (how [`Ledger::consent_bodies`] records a change).
fn is_consent_change(
    before: &Operation,
    before_dataset: Option<Hash>,
    after: &Operation,
    after_dataset: Option<Hash>,
) -> bool {
    let (b, a) = (before.header.header(), after.header.header());
    b.kind == OpKind::ConsentWithdraw
        && a.kind == OpKind::ConsentSet
        && b.author == a.author
        && before_dataset.is_some()
        && before_dataset == after_dataset
}

/// A dataset's public id on the log: a keyed hash of its local name, so the name stays
/// private while the id stays stable for this member.
pub fn dataset_id(hasher: &KeyedHasher, name: &str) -> Hash {
    datacoop_vault::dataset_id(hasher, name)
}

impl From<LedgerError> for NodeError {
    fn from(e: LedgerError) -> Self {
        NodeError::Ledger(e)
    }
}
