//! The desktop app's hold on its home.
//!
//! The app owns its home from launch to exit, in every state: before an identity exists,
//! while locked and while unlocked. [`OwnedHome::launch`] takes the home's lock, binds the
//! control socket and only then publishes the owner as [`OwnerKind::App`], so a command
//! started meanwhile waits instead of failing to connect. Through that socket:
//!
//! - another launch of the app on the same home sends [`WindowRequest::Activate`], and
//!   this owner calls the `on_activate` callback (the app brings its window forward);
//! - CLI commands run against the unlocked node, as with `datacoop serve`; while the app
//!   is locked (or has no identity yet) they get the error code `auth.locked`.
//!
//! A launch that finds `datacoop serve` owning the home gets [`Launch::Taken`] and can say
//! so; a launch on another home is unaffected (the lock and socket are per home).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use datacoop_crypto::{KdfCost, PublicIdentity};
use datacoop_vault::{Cancel, NoProgress, ProgressSink};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use tokio::task::JoinHandle;

use crate::api::{RecoveryExport, Request, Response};
use crate::control::{self, ControlClient, ControlError, Handler};
use crate::{Home, HomeLock, Node, NodeError, OwnerInfo, OwnerKind, Ownership};

/// Requests only an owner with a window understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WindowRequest {
    /// Bring the window forward (sent by a second launch on the same home).
    Activate,
}

/// One request line on the app's control socket: a window request or any node request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AppControlRequest {
    /// For the window.
    Window(WindowRequest),
    /// For the node, as `datacoop serve` would answer it.
    Node(Request),
}

/// The error code a control client gets while the app has no unlocked identity.
pub const LOCKED_CODE: &str = "auth.locked";

/// Where the app's home stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HomeState {
    /// No identity has been created here yet.
    NoIdentity,
    /// An identity exists; its passphrase has not been given yet (or the app locked).
    Locked,
    /// Unlocked: requests run.
    Unlocked {
        /// Whose home it is.
        identity: PublicIdentity,
    },
}

/// The outcome of [`OwnedHome::launch`].
pub enum Launch {
    /// This process owns the home now.
    Owned(OwnedHome),
    /// The desktop app already owns the home and was asked to bring its window forward.
    Activated(OwnerInfo),
    /// A process without a window owns the home (`datacoop serve`, or a one-shot command
    /// that kept it longer than the patience given).
    Taken(OwnerInfo),
}

struct Shared {
    home: Home,
    kdf_cost: KdfCost,
    node: RwLock<Option<Arc<Node>>>,
    on_activate: Box<dyn Fn() + Send + Sync>,
}

impl Handler for Shared {
    type Request = AppControlRequest;

    async fn handle_control(
        &self,
        request: AppControlRequest,
        progress: Arc<dyn ProgressSink>,
        cancel: &Cancel,
    ) -> Result<Response, ControlError> {
        match request {
            AppControlRequest::Window(WindowRequest::Activate) => {
                (self.on_activate)();
                Ok(Response::Pong)
            }
            AppControlRequest::Node(Request::Ping) => Ok(Response::Pong),
            AppControlRequest::Node(request) => {
                control::refuse_kit_without_passphrase(&request)?;
                let node = self.node.read().await.clone();
                match node {
                    Some(node) => Ok(node.handle(request, progress, cancel).await?),
                    None => Err(ControlError {
                        code: LOCKED_CODE.to_owned(),
                        message: "the datacoop desktop app owns this home and is locked: \
                                  unlock it in its window, then try again"
                            .to_owned(),
                    }),
                }
            }
        }
    }
}

/// Writes a recovery kit's text to `path`, readable by its owner only, after checking
/// that it is a whole kit (`input.recovery_kit_corrupt` otherwise). An existing file is
/// kept (`input.file_exists`) unless `replace` says the person agreed to replace it.
pub fn save_recovery_kit(path: &Path, kit: &str, replace: bool) -> Result<(), NodeError> {
    datacoop_crypto::RecoveryKit::from_text(kit)?;
    write_owner_only(path, kit, replace)
}

/// Writes `text` to `path` atomically, readable by its owner only. An existing file is
/// kept (`input.file_exists`) unless `replace` is set; a folder is never replaced.
pub fn write_owner_only(path: &Path, text: &str, replace: bool) -> Result<(), NodeError> {
    if !replace && path.symlink_metadata().is_ok() {
        return Err(NodeError::FileExists {
            path: path.to_owned(),
        });
    }
    if path.is_dir() {
        return Err(NodeError::io(
            "cannot write to",
            path,
            std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder"),
        ));
    }
    datacoop_crypto::write_atomically(path, text.as_bytes())?;
    Ok(())
}

/// A home owned by the desktop app for the life of the process.
pub struct OwnedHome {
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    stop: tokio::sync::oneshot::Sender<()>,
    lock: HomeLock,
}

impl OwnedHome {
    /// Takes `home` for the app, waiting up to `patience` while a one-shot command holds
    /// it; or, if another app owns it, asks that app to bring its window forward.
    /// `on_activate` runs (on a runtime thread) whenever another launch asks the same.
    pub async fn launch(
        home: &Home,
        kdf_cost: KdfCost,
        patience: Duration,
        on_activate: impl Fn() + Send + Sync + 'static,
    ) -> Result<Launch, NodeError> {
        let for_lock = home.clone();
        let ownership = tokio::task::spawn_blocking(move || {
            HomeLock::acquire_waiting(&for_lock, OwnerKind::Cli, patience, |_| {})
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))??;
        match ownership {
            Ownership::Owned(lock) => {
                let listener = control::bind(&home.control_socket())?;
                let owner_uid = crate::session::owner_uid(home)?;
                let shared = Arc::new(Shared {
                    home: home.clone(),
                    kdf_cost,
                    node: RwLock::new(None),
                    on_activate: Box::new(on_activate),
                });
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                let server = tokio::spawn(control::serve_until(
                    listener,
                    shared.clone(),
                    owner_uid,
                    async move {
                        let _ = stopped.await;
                    },
                ));
                lock.publish(OwnerKind::App)?;
                Ok(Launch::Owned(OwnedHome {
                    shared,
                    server,
                    stop,
                    lock,
                }))
            }
            Ownership::Taken(owner) if owner.kind == OwnerKind::App => {
                let socket = home.control_socket();
                let asked = async {
                    ControlClient::connect(&socket)
                        .await?
                        .call(&WindowRequest::Activate, &NoProgress)
                        .await
                };
                match asked.await {
                    Ok(_) => Ok(Launch::Activated(owner)),
                    Err(e) => Err(NodeError::OwnerUnreachable {
                        home: home.root().to_owned(),
                        owner,
                        reason: e.to_string(),
                    }),
                }
            }
            Ownership::Taken(owner) => Ok(Launch::Taken(owner)),
        }
    }

    /// The home.
    pub fn home(&self) -> &Home {
        &self.shared.home
    }

    /// Where the home stands.
    pub async fn state(&self) -> HomeState {
        if let Some(node) = self.shared.node.read().await.as_ref() {
            return HomeState::Unlocked {
                identity: node.identity(),
            };
        }
        if self.shared.home.is_initialised() {
            HomeState::Locked
        } else {
            HomeState::NoIdentity
        }
    }

    /// Creates the identity, unlocks it and makes its first recovery kit (show the kit
    /// and phrase once). Fails with `home.already_initialised` if one exists.
    pub async fn create(
        &self,
        name: &str,
        passphrase: SecretString,
    ) -> Result<(PublicIdentity, RecoveryExport), NodeError> {
        let mut slot = self.shared.node.write().await;
        let home = self.shared.home.clone();
        let cost = self.shared.kdf_cost;
        let name = name.to_owned();
        let (created, passphrase) = tokio::task::spawn_blocking(move || {
            let created = crate::init(&home, &name, &passphrase, cost);
            (created, passphrase)
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))?;
        created?;
        let node = Node::open(&self.shared.home, &passphrase, cost).await?;
        drop(passphrase);
        let kit = match node
            .handle(
                Request::RecoveryExport { passphrase: None },
                Arc::new(NoProgress),
                &Cancel::new(),
            )
            .await
        {
            Ok(Response::RecoveryKit(kit)) => kit,
            Ok(other) => {
                node.close().await;
                return Err(NodeError::Protocol(format!(
                    "unexpected answer to a recovery kit request: {other:?}"
                )));
            }
            Err(e) => {
                node.close().await;
                return Err(e);
            }
        };
        let identity = node.identity();
        *slot = Some(Arc::new(node));
        Ok((identity, kit))
    }

    /// Rebuilds the identity from a recovery kit and its phrase, seals it under a new
    /// passphrase and unlocks it (`auth.wrong_recovery_phrase`, `auth.invalid_recovery_phrase`
    /// and `input.recovery_kit_corrupt` say what is wrong).
    pub async fn restore(
        &self,
        kit: String,
        phrase: SecretString,
        passphrase: SecretString,
    ) -> Result<PublicIdentity, NodeError> {
        let mut slot = self.shared.node.write().await;
        let home = self.shared.home.clone();
        let cost = self.shared.kdf_cost;
        let (restored, passphrase) = tokio::task::spawn_blocking(move || {
            use secrecy::ExposeSecret;
            let restored = crate::restore(&home, &kit, phrase.expose_secret(), &passphrase, cost);
            (restored, passphrase)
        })
        .await
        .map_err(|e| NodeError::Protocol(e.to_string()))?;
        restored?;
        let node = Node::open(&self.shared.home, &passphrase, cost).await?;
        let identity = node.identity();
        *slot = Some(Arc::new(node));
        Ok(identity)
    }

    /// Unlocks the identity; `auth.wrong_passphrase` if the passphrase is not its own.
    pub async fn unlock(&self, passphrase: &SecretString) -> Result<PublicIdentity, NodeError> {
        let mut slot = self.shared.node.write().await;
        if let Some(node) = slot.as_ref() {
            return Ok(node.identity());
        }
        let node = Node::open(&self.shared.home, passphrase, self.shared.kdf_cost).await?;
        let identity = node.identity();
        *slot = Some(Arc::new(node));
        Ok(identity)
    }

    /// Locks: closes the vault and forgets the keys. Returns `false`, changing nothing,
    /// while a request is still running.
    pub async fn lock(&self) -> bool {
        let mut slot = self.shared.node.write().await;
        let Some(node) = slot.take() else {
            return true;
        };
        match Arc::try_unwrap(node) {
            Ok(node) => {
                node.close().await;
                true
            }
            Err(node) => {
                *slot = Some(node);
                false
            }
        }
    }

    /// Makes a new recovery kit, for someone who gives the passphrase again
    /// (`auth.wrong_passphrase` otherwise; `auth.locked` while locked).
    pub async fn recovery_kit(
        &self,
        passphrase: &SecretString,
    ) -> Result<RecoveryExport, NodeError> {
        let node = self.node().await.ok_or_else(|| NodeError::Remote {
            code: LOCKED_CODE.to_owned(),
            message: "unlock datacoop first".to_owned(),
        })?;
        let request = Request::RecoveryExport {
            passphrase: Some(crate::api::Passphrase::new(passphrase)),
        };
        match node
            .handle(request, Arc::new(NoProgress), &Cancel::new())
            .await?
        {
            Response::RecoveryKit(kit) => Ok(kit),
            other => Err(NodeError::Protocol(format!(
                "unexpected answer to a recovery kit request: {other:?}"
            ))),
        }
    }

    /// The unlocked node, to run requests on; `None` while locked.
    pub async fn node(&self) -> Option<Arc<Node>> {
        self.shared.node.read().await.clone()
    }

    /// Stops serving the socket (cancelling and awaiting requests still running through
    /// it), closes the vault and releases the home.
    pub async fn close(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        let _ = std::fs::remove_file(self.shared.home.control_socket());
        let node = self.shared.node.write().await.take();
        if let Some(node) = node.and_then(|n| Arc::try_unwrap(n).ok()) {
            node.close().await;
        }
        drop(self.lock);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn launch_args() -> (KdfCost, Duration) {
        (KdfCost::Cheap, Duration::from_secs(5))
    }

    async fn owned(home: &Home, activations: Arc<AtomicUsize>) -> OwnedHome {
        let (cost, patience) = launch_args();
        match OwnedHome::launch(home, cost, patience, move || {
            activations.fetch_add(1, Ordering::SeqCst);
        })
        .await
        {
            Ok(Launch::Owned(owned)) => owned,
            Ok(_) => panic!("expected to own a fresh home"),
            Err(e) => panic!("launch failed: {e}"),
        }
    }

    async fn remote(home: &Home, request: Request) -> Result<Response, NodeError> {
        ControlClient::connect(&home.control_socket())
            .await?
            .call(&request, &NoProgress)
            .await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn owns_from_launch_through_create_lock_and_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
        let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
        assert_eq!(app.state().await, HomeState::NoIdentity);
        let owner: OwnerInfo =
            serde_json::from_slice(&std::fs::read(home.owner_file()).unwrap()).unwrap();
        assert_eq!(owner.kind, OwnerKind::App);

        // Before an identity exists, the socket answers pings and refuses the rest.
        assert_eq!(remote(&home, Request::Ping).await.unwrap(), Response::Pong);
        let err = remote(&home, Request::Whoami).await.unwrap_err();
        assert_eq!(err.code(), LOCKED_CODE);

        let pass = SecretString::from("correct horse battery staple");
        let (identity, kit) = app.create(" Ada ", pass).await.unwrap();
        assert_eq!(identity.name, "Ada");
        assert_eq!(kit.phrase.split_whitespace().count(), 24);
        assert!(kit.kit.contains(&identity.id.to_string()));
        assert!(matches!(app.state().await, HomeState::Unlocked { .. }));
        let Response::Whoami(me) = remote(&home, Request::Whoami).await.unwrap() else {
            panic!("expected whoami");
        };
        assert_eq!(me.identity.id, identity.id);

        // A second create is refused; the identity stays.
        let again = app
            .create("Bob", SecretString::from("x"))
            .await
            .unwrap_err();
        assert_eq!(again.code(), "home.already_initialised");

        assert!(app.lock().await);
        assert_eq!(app.state().await, HomeState::Locked);
        assert!(app.node().await.is_none());
        let err = remote(&home, Request::Whoami).await.unwrap_err();
        assert_eq!(err.code(), LOCKED_CODE);

        let wrong = app.unlock(&SecretString::from("wrong")).await.unwrap_err();
        assert_eq!(wrong.code(), "auth.wrong_passphrase");
        assert_eq!(app.state().await, HomeState::Locked);
        let back = app
            .unlock(&SecretString::from("correct horse battery staple"))
            .await
            .unwrap();
        assert_eq!(back.id, identity.id);

        app.close().await;
        assert!(!home.control_socket().exists());
        assert!(!home.owner_file().exists());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn second_launch_activates_the_first_and_other_homes_are_unaffected() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("a"))).unwrap();
        let activations = Arc::new(AtomicUsize::new(0));
        let first = owned(&home, activations.clone()).await;

        let (cost, patience) = launch_args();
        match OwnedHome::launch(&home, cost, patience, || {})
            .await
            .unwrap()
        {
            Launch::Activated(owner) => {
                assert_eq!(owner.kind, OwnerKind::App);
                assert_eq!(owner.pid, std::process::id());
            }
            _ => panic!("a second launch on the same home must activate the first"),
        }
        assert_eq!(activations.load(Ordering::SeqCst), 1);

        let other = Home::resolve(Some(dir.path().join("b"))).unwrap();
        let second = owned(&other, Arc::new(AtomicUsize::new(0))).await;
        assert_eq!(activations.load(Ordering::SeqCst), 1);
        second.close().await;
        first.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_home_served_by_datacoop_serve_is_reported_as_taken() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
        let pass = "pass phrase for serve";
        crate::init(&home, "Ada", &SecretString::from(pass), KdfCost::Cheap).unwrap();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let serve_home = home.clone();
        let server = tokio::spawn(async move {
            crate::run_owner(
                &serve_home,
                OwnerKind::Serve,
                || Ok(SecretString::from(pass)),
                crate::SessionOptions {
                    kdf_cost: KdfCost::Cheap,
                    ..Default::default()
                },
                |_| {
                    let _ = ready_tx.send(());
                },
                async {
                    let _ = stop_rx.await;
                },
            )
            .await
        });
        ready_rx.await.unwrap();
        let (cost, patience) = launch_args();
        match OwnedHome::launch(&home, cost, patience, || {})
            .await
            .unwrap()
        {
            Launch::Taken(owner) => assert_eq!(owner.kind, OwnerKind::Serve),
            _ => panic!("a home owned by serve must be reported as taken"),
        }
        stop_tx.send(()).unwrap();
        server.await.unwrap().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn saves_a_whole_kit_owner_only_and_keeps_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
        let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
        let (_, kit) = app
            .create("Ada", SecretString::from("correct horse battery staple"))
            .await
            .unwrap();
        let path = dir.path().join("kit.txt");
        save_recovery_kit(&path, &kit.kit, false).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), kit.kit);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        // Not replaced unless asked; replaced when asked.
        std::fs::write(&path, "keep me").unwrap();
        let err = save_recovery_kit(&path, &kit.kit, false).unwrap_err();
        assert_eq!(err.code(), "input.file_exists");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
        save_recovery_kit(&path, &kit.kit, true).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), kit.kit);

        // A damaged kit is never written; a folder is not a file.
        let other = dir.path().join("other.txt");
        let damaged = kit.kit.replace("-----END AGE ENCRYPTED FILE-----", "");
        let err = save_recovery_kit(&other, &damaged, false).unwrap_err();
        assert_eq!(err.code(), "input.recovery_kit_corrupt");
        assert!(!other.exists());
        let err = save_recovery_kit(dir.path(), &kit.kit, true).unwrap_err();
        assert_eq!(err.code(), "io.failed");
        app.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_recovery_kit_needs_the_passphrase_again_except_in_process() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::resolve(Some(dir.path().join("home"))).unwrap();
        let app = owned(&home, Arc::new(AtomicUsize::new(0))).await;
        let pass = SecretString::from("correct horse battery staple");
        app.create("Ada", pass.clone()).await.unwrap();

        // Through the socket: refused without the passphrase or with a wrong one.
        let err = remote(&home, Request::RecoveryExport { passphrase: None })
            .await
            .unwrap_err();
        assert_eq!(err.code(), control::PASSPHRASE_REQUIRED);
        let wrong = crate::api::Passphrase::new(&SecretString::from("nope"));
        let err = remote(
            &home,
            Request::RecoveryExport {
                passphrase: Some(wrong),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "auth.wrong_passphrase");
        let right = crate::api::Passphrase::new(&pass);
        let Response::RecoveryKit(kit) = remote(
            &home,
            Request::RecoveryExport {
                passphrase: Some(right),
            },
        )
        .await
        .unwrap() else {
            panic!("expected a kit");
        };
        assert_eq!(kit.phrase.split_whitespace().count(), 24);

        // In the window: the same rule through OwnedHome::recovery_kit.
        let err = app
            .recovery_kit(&SecretString::from("nope"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "auth.wrong_passphrase");
        let kit = app.recovery_kit(&pass).await.unwrap();
        // The phrase shown opens the kit shown, and it holds this identity.
        let opened = datacoop_crypto::RecoveryKit::from_text(&kit.kit)
            .unwrap()
            .open(&kit.phrase.parse().unwrap())
            .unwrap();
        let me = app.node().await.unwrap().identity().id;
        assert_eq!(opened.identity().public().id, me);
        // A passphrase never shows in logs.
        let request = Request::RecoveryExport {
            passphrase: Some(crate::api::Passphrase::new(&pass)),
        };
        assert!(!format!("{request:?}").contains("horse"));
        app.close().await;
    }
}
