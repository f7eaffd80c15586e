//! An unlocked home and every use case that runs on it: the identity's secrets, the
//! vault and the cooperative's log. [`crate::api`] names the operations; each is a method
//! here taking its arguments and returning its answer.

use std::path::PathBuf;
use std::sync::Arc;

use datacoop_core::{Category, DatasetName};
use datacoop_crypto::{
    Identity, KdfCost, Keystore, KeystoreSecrets, PublicIdentity, RecoveryKit, RecoveryPhrase,
};
use datacoop_vault::{AddMode, CancellationToken, ExportMode, ProgressSink, Vault};
use secrecy::{ExposeSecret, SecretString};

use crate::api::{
    ConsentSet, ConsentShow, ConsentWithdraw, CoopAccept, CoopCreate, CoopInvite, CoopJoin,
    CoopShow, DataAdd, DataExport, DataList, DataRecipient, DataRename, LogProof, LogShow,
    LogVerify, Passphrase, PassphraseChange, ProposalApprove, ProposalCreate, ProposalList,
    RecoveryExport, Whoami,
};
use crate::coop::{Ledger, dataset_id};
use crate::events::{Event, Events};
use crate::governance::ProposalView;
use crate::ledger_handle::LedgerHandle;
use crate::network::{JoinProgress, NetSettings, Network};
use crate::views::{
    AddReport, ConsentView, CoopInfo, DataListing, ExportReport, Invitation, Joining, LogEntry,
    NewRecoveryKit, Profile, Proof, Recipient, Recorded, VerifySummary,
};
use datacoop_ledger::ConsentMode;
use datacoop_ledger::{Body, OpId, OpKind, Operation};

fn parse_purposes(names: &[String]) -> Result<Vec<datacoop_core::Purpose>, NodeError> {
    let mut purposes = Vec::new();
    for name in names {
        let purpose: datacoop_core::Purpose = name.parse()?;
        if !purposes.contains(&purpose) {
            purposes.push(purpose);
        }
    }
    Ok(purposes)
}
use crate::{Home, NodeError};

/// An unlocked home: the identity's secrets and the open vault. Every use case runs here,
/// whether asked by the CLI in-process, over the control socket, or by the desktop app.
pub struct Node {
    home: Home,
    secrets: KeystoreSecrets,
    /// The one copy of the signing identity this node uses (wiped when the last clone
    /// goes); jobs on the log's thread hold clones of it.
    identity: Arc<Identity>,
    /// Shared with the network's tasks, which announce and serve its ciphertext.
    vault: Arc<Vault>,
    kdf_cost: KdfCost,
    ledger: LedgerHandle,
    /// Why the log could not be opened, if it could not: the vault stays usable and
    /// cooperative commands report this (`log verify` names the damaged operation).
    ledger_damage: Option<(datacoop_core::Code, String)>,
    events: Events,
    /// The node on the network, while a long-running owner holds it unlocked.
    network: std::sync::OnceLock<Arc<Network>>,
}

/// How long an invitation stays valid unless its steward says otherwise.
const DEFAULT_INVITE_SECS: u64 = 7 * 86_400;

pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Node {
    /// Unlocks the keystore and opens the vault. The caller must own the home. What
    /// changes is told to `events`.
    pub async fn open(
        home: &Home,
        passphrase: &SecretString,
        kdf_cost: KdfCost,
        events: Events,
    ) -> Result<Self, NodeError> {
        let secrets = Keystore::unlock(&home.keystore(), passphrase)?;
        if kdf_cost == KdfCost::Default
            && let Err(e) = reseal_if_weak(home, passphrase).await
        {
            // The data must still open (a full disk, a read-only home); try next time.
            tracing::warn!("could not seal the weak keystore again: {e}");
        }
        let vault = Vault::open(&home.vault_dir(), &secrets).await?;
        let root = home.root().to_owned();
        let opened = tokio::task::spawn_blocking(move || Ledger::open(&root))
            .await
            .map_err(|e| NodeError::Protocol(e.to_string()))?;
        let (ledger, ledger_damage) = match opened {
            Ok(ledger) => (ledger, None),
            Err(e) => {
                tracing::warn!("the cooperative's log could not be opened: {e}");
                (None, Some((e.code(), e.to_string())))
            }
        };
        let ledger = match LedgerHandle::start(ledger) {
            Ok(ledger) => ledger,
            Err(e) => {
                vault.close().await;
                return Err(e);
            }
        };
        Ok(Node {
            home: home.clone(),
            identity: Arc::new(secrets.identity()),
            secrets,
            vault: Arc::new(vault),
            kdf_cost,
            ledger,
            ledger_damage,
            events,
            network: std::sync::OnceLock::new(),
        })
    }

    /// Puts the node on the network (a long-running owner does, once unlocked): binds its
    /// endpoint and serves the cooperative until `cancel` is cancelled, with its tasks on
    /// `tracker`.
    pub async fn start_network(
        &self,
        settings: NetSettings,
        cancel: CancellationToken,
        tracker: &tokio_util::task::TaskTracker,
    ) -> Result<(), NodeError> {
        if self.network.get().is_some() {
            return Ok(());
        }
        let network = Network::start(
            &self.home,
            Arc::clone(&self.identity),
            self.ledger.clone(),
            Arc::clone(&self.vault),
            settings,
            self.events.clone(),
            cancel,
            tracker,
        )
        .await?;
        let _ = self.network.set(network);
        Ok(())
    }

    /// The addresses this node listens on, if it is on the network.
    pub fn listening(&self) -> Option<Vec<std::net::SocketAddr>> {
        self.network.get().map(|n| n.addrs())
    }

    fn network(&self, what: &'static str) -> Result<&Arc<Network>, NodeError> {
        self.network.get().ok_or(NodeError::NotServing { what })
    }

    /// Signs the operations `make` describes (given the log as it is) and records them:
    /// sequenced here when this node is the operator, else sent to the operator's node
    /// (after catching up, so they follow this member's operations already on the log).
    async fn publish(
        &self,
        make: impl FnOnce(&Ledger) -> Result<Vec<Body>, NodeError> + Send + 'static,
    ) -> Result<Vec<OpId>, NodeError> {
        self.publish_ops(move |ledger, identity, now| {
            let bodies = make(ledger)?;
            ledger.prepare(identity, bodies, now)
        })
        .await
    }

    /// [`Node::publish`] for operations `make` signs itself (as `identity`, at `now`).
    async fn publish_ops(
        &self,
        make: impl FnOnce(&Ledger, &Identity, u64) -> Result<Vec<Operation>, NodeError> + Send + 'static,
    ) -> Result<Vec<OpId>, NodeError> {
        self.check_ledger_damage(false).await?;
        let network = self.network.get().map(Arc::as_ref);
        crate::network::record(&self.ledger, &self.identity, network, make).await
    }

    /// `proposal add-steward` and the other proposals: proposes a change with this
    /// steward's own approval.
    pub async fn proposal_create(
        &self,
        op: ProposalCreate,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        let ids = self
            .publish_ops(move |ledger, identity, now| {
                let change = ledger.change_for(&op.change)?;
                ledger.proposal_ops(identity, change, now)
            })
            .await?;
        let proposal = ids
            .first()
            .ok_or_else(|| NodeError::Protocol("nothing was sequenced".into()))?;
        Ok(Recorded {
            operation: proposal.to_hex(),
        })
    }

    /// `proposal ls`: the proposals not yet in effect.
    pub async fn proposal_list(
        &self,
        _op: ProposalList,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Vec<ProposalView>, NodeError> {
        let me = self.me();
        self.with_ledger(false, move |ledger| Ok(ledger.proposals(&me)))
            .await
    }

    /// `proposal approve ID`: this steward approves a proposal.
    pub async fn proposal_approve(
        &self,
        op: ProposalApprove,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        let ids = self
            .publish(move |ledger| {
                let proposal = ledger.proposal_id(&op.id)?;
                Ok(vec![Body::ProposalApproval { proposal }])
            })
            .await?;
        let approval = ids
            .first()
            .ok_or_else(|| NodeError::Protocol("nothing was sequenced".into()))?;
        Ok(Recorded {
            operation: approval.to_hex(),
        })
    }

    /// Checks that `passphrase` opens this home's keystore (`auth.wrong_passphrase`
    /// otherwise). Costs one scrypt derivation, run off the async workers.
    pub async fn check_passphrase(&self, passphrase: SecretString) -> Result<(), NodeError> {
        let keystore = self.home.keystore();
        let unlocked =
            tokio::task::spawn_blocking(move || Keystore::unlock(&keystore, &passphrase))
                .await
                .map_err(|e| NodeError::Protocol(e.to_string()))??;
        if unlocked.identity().public().id == self.identity().id {
            Ok(())
        } else {
            // Another identity's keystore was put in place while this one was unlocked.
            Err(NodeError::Crypto(
                datacoop_crypto::CryptoError::WrongPassphrase,
            ))
        }
    }

    /// The public identity.
    pub fn identity(&self) -> PublicIdentity {
        self.identity.public()
    }

    /// `whoami`: the identity, its roles and the home.
    pub async fn whoami(
        &self,
        _op: Whoami,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Profile, NodeError> {
        Ok(Profile {
            identity: self.identity(),
            roles: self.roles(),
            home: self.home.root().to_owned(),
        })
    }

    /// `data add`: encrypts files into a dataset, creating it if a category is given.
    pub async fn data_add(
        &self,
        op: DataAdd,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<AddReport, NodeError> {
        let dataset = DatasetName::new(&op.dataset)?;
        let category = op.category.map(|c| c.parse::<Category>()).transpose()?;
        let mode = if op.age {
            AddMode::AgeEncrypted
        } else {
            AddMode::Plain
        };
        let report = self
            .vault
            .add(
                &dataset,
                category.as_ref(),
                &op.paths,
                mode,
                progress,
                &cancel,
            )
            .await?;
        self.events.emit(Event::DatasetsChanged {
            dataset: dataset.to_string(),
        });
        if let Some(network) = self.network.get() {
            network.datasets_changed();
        }
        Ok(report)
    }

    /// `data ls`: the datasets, or one dataset and its files.
    pub async fn data_list(
        &self,
        op: DataList,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<DataListing, NodeError> {
        let mut datasets = self.vault.datasets()?;
        let entries = match op.dataset {
            Some(name) => {
                let name = DatasetName::new(&name)?;
                datasets.retain(|d| d.name == name);
                if datasets.is_empty() {
                    return Err(datacoop_vault::VaultError::UnknownDataset {
                        name: name.to_string(),
                    }
                    .into());
                }
                self.vault.entries(&name)?
            }
            None => Vec::new(),
        };
        let state = self.ledger.snapshot().state;
        let mut placement = Vec::with_capacity(datasets.len());
        for dataset in &datasets {
            let published = self.vault.published_epochs(&dataset.name)?;
            let (announced, holders) = match &state {
                Some(state) => crate::network::placement(
                    state,
                    &self.vault.dataset_id(&dataset.name)?,
                    &published
                        .iter()
                        .map(|e| *e.root.as_bytes())
                        .collect::<Vec<_>>(),
                ),
                None => (0, Vec::new()),
            };
            placement.push(crate::views::Placement {
                dataset: dataset.name.to_string(),
                epochs: u32::try_from(published.len()).unwrap_or(u32::MAX),
                announced,
                pinned_by: holders.iter().map(hex::encode).collect(),
                epoch_roots: published
                    .iter()
                    .map(|e| e.root.to_hex().to_string())
                    .collect(),
                key_backups: published
                    .iter()
                    .map(|e| e.key_backup.to_hex().to_string())
                    .collect(),
            });
        }
        Ok(DataListing {
            datasets,
            entries,
            placement,
        })
    }

    /// `data export`: decrypts (or copies the ciphertext of) a dataset into a folder.
    pub async fn data_export(
        &self,
        op: DataExport,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<ExportReport, NodeError> {
        if let Some(passphrase) = op.passphrase {
            self.check_passphrase(passphrase.to_secret()).await?;
        }
        let dataset = DatasetName::new(&op.dataset)?;
        let mode = if op.age {
            ExportMode::Age
        } else {
            ExportMode::Plain
        };
        // Ciphertext lost here (a damaged or replaced disk) comes back from the stewards
        // that pin it, checked blob by blob against the hashes the records name.
        if let Some(network) = self.network.get()
            && self.vault.lacks_ciphertext(&dataset).await?
        {
            self.vault.restore_tags(&dataset).await?;
            let epochs = self.vault.publish_epochs(&dataset).await?;
            let fetched = network.fetch_own(&epochs).await?;
            tracing::info!(
                fetched,
                "fetched this dataset's ciphertext back from its holders"
            );
        }
        Ok(self
            .vault
            .export(&dataset, &op.out, mode, progress, &cancel)
            .await?)
    }

    /// `data recipient`: the dataset's current age recipient.
    pub async fn data_recipient(
        &self,
        op: DataRecipient,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recipient, NodeError> {
        let dataset = DatasetName::new(&op.dataset)?;
        let category = op.category.map(|c| c.parse::<Category>()).transpose()?;
        if category.is_some() && self.vault.ensure_dataset(&dataset, category.as_ref())? {
            self.events.emit(Event::DatasetsChanged {
                dataset: dataset.to_string(),
            });
        }
        Ok(Recipient {
            recipient: self.vault.recipient(&dataset)?,
        })
    }

    /// `data rename`: gives a dataset a new name.
    pub async fn data_rename(
        &self,
        op: DataRename,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<(), NodeError> {
        let from = DatasetName::new(&op.dataset)?;
        let to = DatasetName::new(&op.to)?;
        self.vault.rename_dataset(&from, &to).await?;
        if from != to {
            for dataset in [from, to] {
                self.events.emit(Event::DatasetsChanged {
                    dataset: dataset.to_string(),
                });
            }
        }
        Ok(())
    }

    /// `recovery export`: a new recovery kit and its phrase.
    pub async fn recovery_export(
        &self,
        op: RecoveryExport,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<NewRecoveryKit, NodeError> {
        self.recovery_kit(op.passphrase).await
    }

    /// `passphrase change`: seals the keystore under a new passphrase, after checking the
    /// current one. Kits made before keep working (the keys are the same).
    pub async fn passphrase_change(
        &self,
        op: PassphraseChange,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<(), NodeError> {
        let new = op.new.to_secret();
        check_new_passphrase(&new)?;
        let current = op.current.to_secret();
        let (path, cost) = (self.home.keystore(), self.kdf_cost);
        tokio::task::spawn_blocking(move || {
            Keystore::change_passphrase(&path, &current, &new, cost)
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))??;
        Ok(())
    }

    /// Makes a recovery kit and its phrase. `passphrase` must be the identity's when the
    /// caller has not proved it otherwise (a request through the control socket); an
    /// in-process caller proved it by unlocking.
    pub async fn recovery_kit(
        &self,
        passphrase: Option<Passphrase>,
    ) -> Result<NewRecoveryKit, NodeError> {
        if let Some(passphrase) = passphrase {
            self.check_passphrase(passphrase.to_secret()).await?;
        }
        let phrase = RecoveryPhrase::generate()?;
        let kit = RecoveryKit::seal(&self.secrets, &phrase, self.kdf_cost)?;
        Ok(NewRecoveryKit {
            kit: kit.to_text(),
            phrase: phrase.expose().to_owned(),
        })
    }

    /// `coop create`: founds a cooperative with this identity as steward, operator and
    /// witness.
    pub async fn coop_create(
        &self,
        op: CoopCreate,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<CoopInfo, NodeError> {
        self.check_ledger_damage(false).await?;
        let identity = self.identity.clone();
        let (home, me) = (self.home.root().to_owned(), self.me());
        let info = self
            .ledger
            .run(move |slot| {
                if let Some(ledger) = slot.as_ref() {
                    return Err(NodeError::AlreadyInCoop {
                        name: ledger.name(),
                    });
                }
                let ledger = Ledger::create(
                    &home,
                    &identity,
                    &op.name,
                    op.threshold,
                    op.witness_quorum,
                    now(),
                )?;
                let answer = ledger.info(&me);
                *slot = Some(ledger);
                Ok(answer)
            })
            .await?;
        Ok(info)
    }

    /// `coop show`: the cooperative as this identity sees it.
    pub async fn coop_show(
        &self,
        _op: CoopShow,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<CoopInfo, NodeError> {
        let me = self.me();
        if self.ledger.snapshot().state.is_none()
            && let Some(ticket) = crate::pending::pending_join(&self.home)
        {
            return Err(NodeError::AwaitingReview {
                coop: hex::encode(ticket.coop),
            });
        }
        let mut info = self
            .with_ledger(false, move |ledger| Ok(ledger.info(&me)))
            .await?;
        if let Some(network) = self.network.get() {
            for member in &mut info.members {
                let endpoint = member.endpoint.as_deref().and_then(|e| {
                    let mut key = [0; 32];
                    hex::decode_to_slice(e, &mut key).ok().map(|()| key)
                });
                member.reachable = endpoint
                    .and_then(|e| network.reach(&e))
                    .map(|r| r == crate::network::Reach::Reached);
            }
        }
        Ok(info)
    }

    /// Settings → Network: the network settings in use and saved.
    pub async fn network_show(
        &self,
        _op: crate::api::NetworkShow,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<crate::NetworkInfo, NodeError> {
        crate::NetworkInfo::of(&self.home, self.network.get().map(AsRef::as_ref))
    }

    /// Settings → Network: saves the choices for the next start.
    pub async fn network_save(
        &self,
        op: crate::api::NetworkSave,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<crate::NetworkInfo, NodeError> {
        crate::NetworkPrefs {
            relay: op.relay,
            local_discovery: op.local_discovery,
        }
        .save(&self.home)?;
        crate::NetworkInfo::of(&self.home, self.network.get().map(AsRef::as_ref))
    }

    /// `coop invite`: records an invite and answers its ticket.
    pub async fn coop_invite(
        &self,
        op: CoopInvite,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Invitation, NodeError> {
        let role: datacoop_core::Role = op.role.parse()?;
        let network = self.network("making an invitation")?;
        // Any steward invites (the log refuses anyone else's invitation); a steward whose
        // node is not the operator's sends the joins it admits on to the operator.
        let state = self.ledger.snapshot().state.ok_or(NodeError::NotInCoop)?;
        let secret: [u8; 32] = datacoop_crypto::random_bytes()?;
        let ttl = op.expires_secs.unwrap_or(DEFAULT_INVITE_SECS);
        let review = op.review;
        let log_now = self
            .with_ledger(false, |ledger| Ok(ledger.log_now()))
            .await?;
        let expires = log_now.unwrap_or_else(now).saturating_add(ttl);
        let ids = self
            .publish(move |_| {
                Ok(vec![Body::Invite {
                    secret_hash: datacoop_ledger::sha256(&secret),
                    role,
                    expires,
                }])
            })
            .await?;
        let invite = ids
            .first()
            .copied()
            .ok_or_else(|| NodeError::Protocol("nothing was sequenced".into()))?;
        if review {
            // Before the ticket exists: a join can only come after this is kept.
            network.reviewed.add(&invite)?;
        }
        let ticket = datacoop_net::InviteTicket {
            coop: state.coop(),
            invite: invite.0,
            secret,
            inviter: network.me(),
            relay: network.relay().map(ToString::to_string),
            role: Some(role),
        };
        Ok(Invitation {
            ticket: ticket.to_string(),
            invite: invite.to_hex(),
            role,
            expires,
            review,
        })
    }

    /// `coop join`: joins the cooperative of a ticket and catches up its log.
    pub async fn coop_join(
        &self,
        op: CoopJoin,
        progress: Arc<dyn ProgressSink>,
        cancel: CancellationToken,
    ) -> Result<Joining, NodeError> {
        self.check_ledger_damage(false).await?;
        let ticket: datacoop_net::InviteTicket = op.ticket.parse()?;
        if let Some(state) = self.ledger.snapshot().state {
            return Err(NodeError::AlreadyInCoop {
                name: state.name().to_owned(),
            });
        }
        let network = self.network("joining a cooperative")?;
        match network.join(&ticket).await? {
            JoinProgress::Joined => Ok(Joining::Joined {
                coop: Box::new(self.coop_show(CoopShow {}, progress, cancel).await?),
            }),
            JoinProgress::AwaitingReview => Ok(Joining::AwaitingReview {
                coop: hex::encode(ticket.coop),
            }),
        }
    }

    /// `coop accept ID`: a steward accepts a join waiting for review (and proposes a
    /// steward invitee as steward, with this steward's approval).
    pub async fn coop_accept(
        &self,
        op: CoopAccept,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        let ids = self
            .publish_ops(move |ledger, identity, now| {
                let (join, who, role) = ledger.awaiting_join(&op.id)?;
                let ops = ledger.prepare(identity, vec![Body::JoinAcceptance { join }], now)?;
                if role != datacoop_core::Role::Steward {
                    return Ok(ops);
                }
                let change = datacoop_ledger::Change::AddSteward(who);
                let mut chain = ops.clone();
                let proposal =
                    ledger.prepare_after(identity, &chain, vec![Body::Proposal { change }], now)?;
                chain.extend(proposal);
                let proposal_id = chain
                    .last()
                    .map(Operation::id)
                    .ok_or_else(|| NodeError::Protocol("no proposal was made".into()))?;
                let approval = ledger.prepare_after(
                    identity,
                    &chain,
                    vec![Body::ProposalApproval {
                        proposal: proposal_id,
                    }],
                    now,
                )?;
                chain.extend(approval);
                Ok(chain)
            })
            .await?;
        let accepted = ids
            .first()
            .ok_or_else(|| NodeError::Protocol("nothing was sequenced".into()))?;
        Ok(Recorded {
            operation: accepted.to_hex(),
        })
    }

    /// `log show`: operations from an index on.
    pub async fn log_show(
        &self,
        op: LogShow,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Vec<LogEntry>, NodeError> {
        let names = self.dataset_names()?;
        self.with_ledger(false, move |ledger| {
            ledger.entries(op.from, |id| names.get(id).cloned())
        })
        .await
    }

    /// `log verify`: checks every signature, the tree and the checkpoints.
    pub async fn log_verify(
        &self,
        _op: LogVerify,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<VerifySummary, NodeError> {
        self.with_ledger(true, |ledger| ledger.verify()).await
    }

    /// `log proof`: the offline-verifiable proof bundle of one operation.
    pub async fn log_proof(
        &self,
        op: LogProof,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Proof, NodeError> {
        self.with_ledger(false, move |ledger| {
            Ok(Proof {
                text: ledger.proof(&op.id)?,
            })
        })
        .await
    }

    /// `consent set`: records consent for one of this member's datasets.
    pub async fn consent_set(
        &self,
        op: ConsentSet,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        let allow = parse_purposes(&op.allow)?;
        let deny = parse_purposes(&op.deny)?;
        if let Some(both) = allow.iter().find(|p| deny.contains(p)) {
            return Err(NodeError::ConflictingPurpose {
                purpose: both.to_string(),
            });
        }
        if allow.is_empty() {
            return Err(NodeError::Input(datacoop_core::CoreError::UnknownPurpose {
                given: String::new(),
                known: datacoop_core::Purpose::ALL.map(|p| p.name()).join(", "),
            }));
        }
        let (name, category) = self.local_dataset(&op.dataset)?;
        let id = self.log_id(&name)?;
        let mode = if op.ask {
            ConsentMode::Ask
        } else {
            ConsentMode::Always
        };
        if op.max_days == Some(0) {
            return Err(NodeError::ZeroMaxDays);
        }
        let max_period = op.max_days.map(|d| d.saturating_mul(86_400));
        let identity = self.identity.clone();
        let _no_release_meanwhile = self.consent_lock().await;
        let ids = self
            .publish(move |ledger| {
                let allowed = allow.clone();
                let mut bodies =
                    ledger.consent_bodies(&identity, id, &category, allow, mode, max_period)?;
                // Grants the new terms no longer allow end with the change (the node
                // records consents for any trainer).
                let keeps = move |r: &datacoop_ledger::RequestRecord| {
                    datacoop_ledger::terms_allow(&allowed, max_period, &[], r)
                };
                bodies.extend(ledger.revocations_on(&identity, &id, Some(&keeps)));
                Ok(bodies)
            })
            .await?;
        self.recorded_of_kind(&ids, OpKind::ConsentSet)
    }

    /// The operation of `kind` among `ids` (a batch that also revoked grants, say).
    fn recorded_of_kind(&self, ids: &[OpId], kind: OpKind) -> Result<Recorded, NodeError> {
        let state = self.ledger.snapshot().state.ok_or(NodeError::NotInCoop)?;
        let operation = ids
            .iter()
            .find(|id| state.kind_of(id) == Some(kind))
            .ok_or_else(|| NodeError::Protocol(format!("no {kind} operation was sequenced")))?;
        Ok(Recorded {
            operation: operation.to_hex(),
        })
    }

    /// `consent show`: this member's consents, oldest first.
    pub async fn consent_show(
        &self,
        _op: ConsentShow,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Vec<ConsentView>, NodeError> {
        let names = self.dataset_names()?;
        let identity = self.identity.clone();
        self.with_ledger(false, move |ledger| {
            ledger.consents(&identity, |id| names.get(id).cloned())
        })
        .await
    }

    /// This member's datasets by their public id on the log.
    fn dataset_names(
        &self,
    ) -> Result<std::collections::HashMap<datacoop_ledger::Hash, String>, NodeError> {
        self.vault
            .datasets()?
            .into_iter()
            .map(|d| Ok((self.log_id(&d.name)?, d.name.to_string())))
            .collect()
    }

    /// A dataset's public id on the log: from the name it was created with, so a rename
    /// keeps its consents.
    fn log_id(&self, name: &DatasetName) -> Result<datacoop_ledger::Hash, NodeError> {
        let origin = self.vault.origin_name(name)?;
        Ok(dataset_id(&self.secrets.key_hasher(), &origin))
    }

    /// `consent withdraw`: withdraws the consent in force for a dataset.
    pub async fn consent_withdraw(
        &self,
        op: ConsentWithdraw,
        _progress: Arc<dyn ProgressSink>,
        _cancel: CancellationToken,
    ) -> Result<Recorded, NodeError> {
        let (name, _) = self.local_dataset(&op.dataset)?;
        let id = self.log_id(&name)?;
        let identity = self.identity.clone();
        let dataset = name.to_string();
        let _no_release_meanwhile = self.consent_lock().await;
        let ids = self
            .publish(
                move |ledger| match ledger.withdrawal_body(&identity, &id)? {
                    Some(body) => {
                        let mut bodies = vec![body];
                        bodies.extend(ledger.revocations_on(&identity, &id, None));
                        Ok(bodies)
                    }
                    None => Err(NodeError::NoConsent { dataset }),
                },
            )
            .await?;
        self.recorded_of_kind(&ids, OpKind::ConsentWithdraw)
    }

    /// Held while a consent change is written: this node's releases wait for it (and it
    /// for them), so a dataset is never sealed while its withdrawal is being written.
    async fn consent_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.network.get() {
            Some(network) => Some(network.consent_changes.lock().await),
            None => None,
        }
    }

    /// Fails with what is wrong with the log if it could not be opened; `verify` first
    /// names the damaged operation.
    async fn check_ledger_damage(&self, verify: bool) -> Result<(), NodeError> {
        let Some((code, message)) = &self.ledger_damage else {
            return Ok(());
        };
        if verify {
            // Reads the whole store: not on the async workers.
            let root = self.home.root().to_owned();
            tokio::task::spawn_blocking(move || Ledger::verify_damaged(&root))
                .await
                .map_err(|e| NodeError::Protocol(e.to_string()))??;
        }
        Err(NodeError::Remote {
            code: *code,
            message: format!("the cooperative's log is damaged: {message}"),
        })
    }

    /// Runs `work` on the log's thread (`input.no_cooperative` when the home is in none).
    async fn with_ledger<T: Send + 'static>(
        &self,
        verify_damage: bool,
        work: impl FnOnce(&mut Ledger) -> Result<T, NodeError> + Send + 'static,
    ) -> Result<T, NodeError> {
        self.check_ledger_damage(verify_damage).await?;
        self.ledger
            .run(move |slot| work(slot.as_mut().ok_or(NodeError::NotInCoop)?))
            .await
    }

    /// The cooperative's log: where network tasks will read the current state and send
    /// their work.
    pub fn ledger(&self) -> &LedgerHandle {
        &self.ledger
    }

    /// This identity's key, as the log names it.
    fn me(&self) -> [u8; 32] {
        self.identity.verification_key().to_bytes()
    }

    fn roles(&self) -> Vec<datacoop_core::Role> {
        let me = self.me();
        self.ledger
            .snapshot()
            .state
            .map(|state| crate::coop::roles_in(&state, &me))
            .unwrap_or_default()
    }

    fn local_dataset(&self, dataset: &str) -> Result<(DatasetName, Category), NodeError> {
        let name = DatasetName::new(dataset)?;
        let summary = self
            .vault
            .datasets()?
            .into_iter()
            .find(|d| d.name == name)
            .ok_or_else(|| datacoop_vault::VaultError::UnknownDataset {
                name: name.to_string(),
            })?;
        Ok((name, summary.category))
    }

    /// Opens the vault's blob store now rather than at its first use (one-shot commands
    /// that only read records never open it, and leave its files untouched).
    pub async fn open_blob_store(&self) -> Result<(), NodeError> {
        Ok(self.vault.open_blob_store().await?)
    }

    /// Closes the log and the vault cleanly.
    pub async fn close(self) {
        self.ledger.close().await;
        self.vault.shutdown().await;
    }
}

/// Keystores sealed with a work factor below this (log2 N) were made by a build for tests
/// told to be cheap; an ordinary unlock seals them again at the default.
pub use datacoop_crypto::MIN_WORK_FACTOR;

/// Seals the keystore again at the default cost if it is below [`MIN_WORK_FACTOR`].
async fn reseal_if_weak(home: &Home, passphrase: &SecretString) -> Result<(), NodeError> {
    let path = home.keystore();
    let weak = matches!(Keystore::work_factor(&path)?, Some(n) if n < MIN_WORK_FACTOR);
    if !weak {
        return Ok(());
    }
    tracing::warn!("the keystore was sealed with a weak passphrase cost; sealing it again");
    let passphrase = passphrase.clone();
    tokio::task::spawn_blocking(move || Keystore::reseal(&path, &passphrase, KdfCost::Default))
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))??;
    Ok(())
}

/// The fewest characters a new passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Refuses a new passphrase shorter than [`MIN_PASSPHRASE_CHARS`], wherever it came from
/// (a prompt, the environment, a file, the window).
pub fn check_new_passphrase(passphrase: &SecretString) -> Result<(), NodeError> {
    let given = passphrase.expose_secret().chars().count();
    if given < MIN_PASSPHRASE_CHARS {
        return Err(NodeError::PassphraseTooShort {
            given,
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

/// Creates a new identity in `home`. The caller must own the home.
pub fn init(
    home: &Home,
    name: &str,
    passphrase: &SecretString,
    cost: KdfCost,
) -> Result<PublicIdentity, NodeError> {
    if home.is_initialised() {
        return Err(NodeError::AlreadyInitialised {
            home: home.root().to_owned(),
        });
    }
    if home.recorded_identity().is_some() || home.vault_dir().exists() {
        // The keystore is gone but the data is not: a new identity could never open it.
        return Err(NodeError::KeystoreLost {
            home: home.root().to_owned(),
        });
    }
    check_new_passphrase(passphrase)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(NodeError::InvalidName {
            given: name.to_owned(),
        });
    }
    let secrets = KeystoreSecrets::try_generate(name)?;
    write_identity(home, &secrets, passphrase, cost)
}

fn write_identity(
    home: &Home,
    secrets: &KeystoreSecrets,
    passphrase: &SecretString,
    cost: KdfCost,
) -> Result<PublicIdentity, NodeError> {
    home.create()?;
    let public = secrets.identity().public();
    datacoop_crypto::write_atomically(
        &home.identity_file(),
        format!("{}\n", public.id).as_bytes(),
    )?;
    Keystore::create(&home.keystore(), secrets, passphrase, cost)?;
    Ok(public)
}

/// Rebuilds the identity from a recovery kit, sealing it under a new passphrase.
///
/// Into an empty home; or into the home the kit belongs to, replacing a keystore whose
/// passphrase was lost (its vault stays). The caller must own the home.
pub fn restore(
    home: &Home,
    kit_text: &str,
    phrase: &str,
    passphrase: &SecretString,
    cost: KdfCost,
) -> Result<PublicIdentity, NodeError> {
    let kit = RecoveryKit::from_text(kit_text)?;
    let phrase: RecoveryPhrase = phrase.parse()?;
    check_new_passphrase(passphrase)?;
    if home.is_initialised() || home.recorded_identity().is_some() {
        match home.recorded_identity() {
            Some(id) if id == kit.identity() => {}
            Some(id) => {
                return Err(NodeError::KitForAnotherIdentity {
                    kit: kit.identity().to_string(),
                    home: home.root().to_owned(),
                    home_identity: id.to_string(),
                });
            }
            None => {
                return Err(NodeError::AlreadyInitialised {
                    home: home.root().to_owned(),
                });
            }
        }
    }
    let secrets = kit.open(&phrase)?;
    write_identity(home, &secrets, passphrase, cost)
}

/// A path made absolute against the current folder, so an owner process with another
/// working folder reads the same file.
pub fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

#[cfg(test)]
#[path = "node_tests.rs"]
mod tests;

pub(crate) mod access;
mod statements;
pub use access::DEFAULT_DEADLINE_SECS;
pub(crate) use access::ending_of;
