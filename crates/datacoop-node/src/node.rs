use std::path::PathBuf;
use std::sync::Arc;

use datacoop_core::{Category, DatasetName};
use datacoop_crypto::{
    KdfCost, Keystore, KeystoreSecrets, PublicIdentity, RecoveryKit, RecoveryPhrase,
};
use datacoop_vault::{AddMode, Cancel, ExportMode, ProgressSink, Vault};
use secrecy::SecretString;

use crate::api::{DataListing, RecoveryExport, Request, Response, Whoami};
use crate::{Home, NodeError};

/// An unlocked home: the identity's secrets and the open vault. Every use case runs here,
/// whether asked by the CLI in-process, over the control socket, or by the desktop app.
pub struct Node {
    home: Home,
    secrets: KeystoreSecrets,
    vault: Vault,
    kdf_cost: KdfCost,
}

impl Node {
    /// Unlocks the keystore and opens the vault. The caller must own the home.
    pub async fn open(
        home: &Home,
        passphrase: &SecretString,
        kdf_cost: KdfCost,
    ) -> Result<Self, NodeError> {
        let secrets = Keystore::unlock(&home.keystore(), passphrase)?;
        let vault = Vault::open(&home.vault_dir(), &secrets).await?;
        Ok(Node {
            home: home.clone(),
            secrets,
            vault,
            kdf_cost,
        })
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
        cancel: &Cancel,
    ) -> Result<Response, NodeError> {
        Ok(match request {
            Request::Ping => Response::Pong,
            Request::Whoami => Response::Whoami(Whoami {
                identity: self.identity(),
                roles: Vec::new(),
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
                Response::Added(
                    self.vault
                        .add(&dataset, category.as_ref(), &paths, mode, progress, cancel)
                        .await?,
                )
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
                if category.is_some() {
                    self.vault.ensure_dataset(&dataset, category.as_ref())?;
                }
                Response::Recipient {
                    recipient: self.vault.recipient(&dataset)?,
                }
            }
            Request::RecoveryExport => {
                let phrase = RecoveryPhrase::generate()?;
                let kit = RecoveryKit::seal(&self.secrets, &phrase, self.kdf_cost)?;
                Response::RecoveryKit(RecoveryExport {
                    kit: kit.to_text(),
                    phrase: phrase.expose().to_owned(),
                })
            }
        })
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
    if home.is_initialised() {
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
