use std::path::PathBuf;
use std::sync::Arc;

use datacoop_core::{Category, DatasetName};
use datacoop_crypto::{
    KdfCost, Keystore, KeystoreSecrets, PublicIdentity, RecoveryKit, RecoveryPhrase,
};
use datacoop_vault::{AddMode, CancellationToken, ExportMode, ProgressSink, Vault};
use secrecy::SecretString;

use crate::api::{DataListing, Passphrase, RecoveryExport, Request, Response, Whoami};
use crate::coop::{Ledger, dataset_id};
use crate::events::{Event, Events};
use datacoop_ledger::ConsentMode;

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
    vault: Vault,
    kdf_cost: KdfCost,
    ledger: std::sync::Mutex<Option<Ledger>>,
    /// Why the log could not be opened, if it could not: the vault stays usable and
    /// cooperative commands report this (`log verify` names the damaged operation).
    ledger_damage: Option<(String, String)>,
    events: Events,
}

fn now() -> u64 {
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
        let vault = Vault::open(&home.vault_dir(), &secrets).await?;
        let (ledger, ledger_damage) = match Ledger::open(home.root()) {
            Ok(ledger) => (ledger, None),
            Err(e) => {
                tracing::warn!("the cooperative's log could not be opened: {e}");
                (None, Some((e.code().to_owned(), e.to_string())))
            }
        };
        Ok(Node {
            home: home.clone(),
            secrets,
            vault,
            kdf_cost,
            ledger: std::sync::Mutex::new(ledger),
            ledger_damage,
            events,
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
        self.secrets.identity().public()
    }

    /// Runs one use case.
    pub async fn handle(
        &self,
        request: Request,
        progress: Arc<dyn ProgressSink>,
        cancel: &CancellationToken,
    ) -> Result<Response, NodeError> {
        Ok(match request {
            Request::Ping => Response::Pong,
            Request::Activate | Request::Subscribe => {
                return Err(NodeError::NotHere { op: request.op() });
            }
            Request::Whoami => Response::Whoami(Whoami {
                identity: self.identity(),
                roles: self.roles(),
                home: self.home.root().to_owned(),
            }),
            Request::DataAdd {
                dataset,
                category,
                paths,
                age,
            } => {
                let dataset = DatasetName::new(&dataset)?;
                let category = category.map(|c| c.parse::<Category>()).transpose()?;
                let mode = if age {
                    AddMode::AgeEncrypted
                } else {
                    AddMode::Plain
                };
                let report = self
                    .vault
                    .add(&dataset, category.as_ref(), &paths, mode, progress, cancel)
                    .await?;
                self.events.emit(Event::DatasetsChanged {
                    dataset: dataset.to_string(),
                });
                Response::Added(report)
            }
            Request::DataList { dataset } => {
                let mut datasets = self.vault.datasets()?;
                let entries = match dataset {
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
                Response::Listing(DataListing { datasets, entries })
            }
            Request::DataExport { dataset, out, age } => {
                let dataset = DatasetName::new(&dataset)?;
                let mode = if age {
                    ExportMode::Age
                } else {
                    ExportMode::Plain
                };
                Response::Exported(
                    self.vault
                        .export(&dataset, &out, mode, progress, cancel)
                        .await?,
                )
            }
            Request::DataRecipient { dataset, category } => {
                let dataset = DatasetName::new(&dataset)?;
                let category = category.map(|c| c.parse::<Category>()).transpose()?;
                if category.is_some() && self.vault.ensure_dataset(&dataset, category.as_ref())? {
                    self.events.emit(Event::DatasetsChanged {
                        dataset: dataset.to_string(),
                    });
                }
                Response::Recipient {
                    recipient: self.vault.recipient(&dataset)?,
                }
            }
            Request::CoopCreate { .. }
            | Request::CoopShow
            | Request::LogShow { .. }
            | Request::LogVerify
            | Request::LogProof { .. }
            | Request::ConsentSet { .. }
            | Request::ConsentShow
            | Request::ConsentWithdraw { .. } => {
                let writes = matches!(
                    request,
                    Request::CoopCreate { .. }
                        | Request::ConsentSet { .. }
                        | Request::ConsentWithdraw { .. }
                );
                let response = self.handle_coop(request)?;
                if writes {
                    self.events.emit(Event::LogAppended {
                        size: self.log_size(),
                    });
                }
                response
            }
            Request::RecoveryExport { passphrase } => {
                Response::RecoveryKit(self.recovery_kit(passphrase).await?)
            }
        })
    }

    /// Makes a recovery kit and its phrase. `passphrase` must be the identity's when the
    /// caller has not proved it otherwise (a request through the control socket); an
    /// in-process caller proved it by unlocking.
    pub async fn recovery_kit(
        &self,
        passphrase: Option<Passphrase>,
    ) -> Result<RecoveryExport, NodeError> {
        if let Some(passphrase) = passphrase {
            self.check_passphrase(passphrase.to_secret()).await?;
        }
        let phrase = RecoveryPhrase::generate()?;
        let kit = RecoveryKit::seal(&self.secrets, &phrase, self.kdf_cost)?;
        Ok(RecoveryExport {
            kit: kit.to_text(),
            phrase: phrase.expose().to_owned(),
        })
    }

    fn log_size(&self) -> u64 {
        self.ledger
            .lock()
            .ok()
            .and_then(|guard| guard.as_ref().map(Ledger::size))
            .unwrap_or(0)
    }

    fn handle_coop(&self, request: Request) -> Result<Response, NodeError> {
        let identity = self.secrets.identity();
        if let Some((code, message)) = &self.ledger_damage {
            if request == Request::LogVerify {
                Ledger::verify_damaged(self.home.root())?;
            }
            return Err(NodeError::Remote {
                code: code.clone(),
                message: format!("the cooperative's log is damaged: {message}"),
            });
        }
        let mut guard = self.ledger.lock().map_err(|_| {
            NodeError::Protocol("the log is unavailable after an earlier failure".into())
        })?;
        if let Request::CoopCreate {
            name,
            threshold,
            witness_quorum,
        } = &request
        {
            if let Some(ledger) = guard.as_ref() {
                return Err(NodeError::AlreadyInCoop {
                    name: ledger.info().name,
                });
            }
            let ledger = Ledger::create(
                self.home.root(),
                &identity,
                name,
                *threshold,
                *witness_quorum,
                now(),
            )?;
            let info = ledger.info();
            *guard = Some(ledger);
            return Ok(Response::Coop(info));
        }
        let ledger = guard.as_mut().ok_or(NodeError::NotInCoop)?;
        Ok(match request {
            Request::CoopShow => Response::Coop(ledger.info()),
            Request::LogShow { from } => Response::Log {
                entries: ledger.entries(from)?,
            },
            Request::LogVerify => Response::Verified(ledger.verify()?),
            Request::LogProof { id } => Response::Proof {
                text: ledger.proof(&id)?,
            },
            Request::ConsentSet {
                dataset,
                allow,
                deny,
                max_days,
                ask,
            } => {
                let allow = parse_purposes(&allow)?;
                let deny = parse_purposes(&deny)?;
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
                let (name, category) = self.local_dataset(&dataset)?;
                let id = dataset_id(&self.secrets.key_hasher(), name.as_str());
                let mode = if ask {
                    ConsentMode::Ask
                } else {
                    ConsentMode::Always
                };
                let max_period = max_days.map(|d| d.saturating_mul(86_400));
                let op =
                    ledger.set_consent(&identity, id, &category, allow, mode, max_period, now())?;
                Response::ConsentRecorded {
                    operation: op.to_hex(),
                }
            }
            Request::ConsentShow => {
                let hasher = self.secrets.key_hasher();
                let names: Vec<(datacoop_ledger::Hash, String)> = self
                    .vault
                    .datasets()?
                    .into_iter()
                    .map(|d| (dataset_id(&hasher, d.name.as_str()), d.name.to_string()))
                    .collect();
                let consents = ledger.consents(&identity, |id| {
                    names.iter().find(|(h, _)| h == id).map(|(_, n)| n.clone())
                })?;
                Response::Consents { consents }
            }
            Request::ConsentWithdraw { dataset } => {
                let (name, _) = self.local_dataset(&dataset)?;
                let id = dataset_id(&self.secrets.key_hasher(), name.as_str());
                match ledger.withdraw_consent(&identity, &id, now())? {
                    Some(op) => Response::ConsentRecorded {
                        operation: op.to_hex(),
                    },
                    None => {
                        return Err(NodeError::NoConsent {
                            dataset: name.to_string(),
                        });
                    }
                }
            }
            other => {
                return Err(NodeError::Protocol(format!(
                    "not a cooperative request: {other:?}"
                )));
            }
        })
    }

    fn roles(&self) -> Vec<datacoop_core::Role> {
        let me = self.secrets.identity().verification_key().to_bytes();
        self.ledger
            .lock()
            .ok()
            .and_then(|guard| guard.as_ref().map(|l| l.roles_of(&me)))
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

    /// Closes the vault cleanly.
    pub async fn close(self) {
        self.vault.close().await;
    }
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
