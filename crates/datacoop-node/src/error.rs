//! What a use case can fail with: [`NodeError`], each variant with its stable [`Code`].

use std::io;
use std::path::PathBuf;

use datacoop_core::{Code, CoreError};
use datacoop_crypto::CryptoError;
use datacoop_vault::VaultError;
use thiserror::Error;

use crate::OwnerInfo;

/// Everything a use case can fail with. Each variant has a stable [`NodeError::code`];
/// [`NodeError::exit_code`] maps it to the CLI's exit codes.
#[derive(Debug, Error)]
pub enum NodeError {
    /// Invalid input.
    #[error(transparent)]
    Input(#[from] CoreError),
    /// Keys and keystore.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    /// The vault.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// `init` or `restore` on a home that already has an identity.
    #[error("{home} already holds a datacoop identity")]
    AlreadyInitialised {
        /// The home folder.
        home: PathBuf,
    },
    /// The consent log refused or failed.
    #[error(transparent)]
    Ledger(datacoop_ledger::LedgerError),
    /// `log verify` found the stored log invalid (tampered, truncated, forged).
    #[error("the log does not verify: {0}")]
    LogInvalid(datacoop_ledger::LedgerError),
    /// Something only the log's operator node does.
    #[error("only the cooperative's log operator can do this")]
    NotOperator,
    /// The network layer failed.
    #[error(transparent)]
    Net(#[from] datacoop_net::NetError),
    /// Something that needs this node running on the network (`serve` or the app).
    #[error(
        "{what} needs datacoop running on this computer (datacoop serve, or the desktop app), connected to the cooperative"
    )]
    NotServing {
        /// What was asked.
        what: &'static str,
    },
    /// This home's join waits for a steward's acceptance.
    #[error(
        "this home asked to join cooperative {coop} and waits for a steward to accept it; datacoop finishes joining by itself once they do, while it runs"
    )]
    AwaitingReview {
        /// The cooperative's id.
        coop: String,
    },
    /// A network setting that cannot be used (a relay that is not a web address, a
    /// damaged `network.json`).
    #[error("a network setting cannot be used: {what}")]
    BadSetting {
        /// Which, and why.
        what: String,
    },
    /// A ticket's inviter is unreachable at its addresses, and the cooperative uses a
    /// relay this node has not been set to use.
    #[error(
        "the inviter cannot be reached at the addresses in the ticket ({reason}); the \
         cooperative uses the relay {relay}: set it in Settings → Network (or start with \
         `serve --relay {relay}`) and join again"
    )]
    RelayNotSet {
        /// The relay the ticket names.
        relay: String,
        /// Why the direct addresses failed.
        reason: String,
    },
    /// The operator's node is not known or not reachable from here.
    #[error("the cooperative's log operator cannot be reached from this computer: {reason}")]
    OperatorUnknown {
        /// Why.
        reason: String,
    },
    /// The home is not in a cooperative.
    #[error("this home is not in a cooperative yet")]
    NotInCoop,
    /// A new passphrase shorter than [`crate::MIN_PASSPHRASE_CHARS`].
    #[error(
        "the passphrase has {given} characters; use at least {min} (a few unrelated words are easy to remember and hard to guess)"
    )]
    PassphraseTooShort {
        /// Its length in characters.
        given: usize,
        /// The minimum.
        min: usize,
    },
    /// A consent whose longest period is zero days would allow nothing.
    #[error("a consent's longest period must be at least 1 day; leave it out for no limit")]
    ZeroMaxDays,
    /// The home already belongs to a cooperative (one per home in v1).
    #[error("this home already belongs to cooperative {name:?}; one cooperative per home")]
    AlreadyInCoop {
        /// The cooperative's name.
        name: String,
    },
    /// An id that is malformed, unknown or ambiguous.
    #[error("{given:?}: {reason}")]
    BadId {
        /// What was given.
        given: String,
        /// What is wrong.
        reason: String,
    },
    /// Nothing to withdraw.
    #[error("there is no consent in force for dataset {dataset:?}")]
    NoConsent {
        /// The dataset.
        dataset: String,
    },
    /// Contradicting purposes.
    #[error("{purpose} is both allowed and denied")]
    ConflictingPurpose {
        /// The purpose.
        purpose: String,
    },
    /// The home has data but no keystore: only a recovery kit can open it again.
    #[error(
        "{home} holds datacoop data but its keystore is missing: only its identity's recovery kit can open that data again (a new identity could not)"
    )]
    KeystoreLost {
        /// The home folder.
        home: PathBuf,
    },
    /// A display name that is empty, too long or has control characters.
    #[error("invalid display name {given:?}: use 1 to 64 printable characters")]
    InvalidName {
        /// What was given.
        given: String,
    },
    /// A recovery kit for another identity than the one this home holds.
    #[error(
        "this recovery kit restores identity {kit}, but {home} belongs to identity {home_identity}"
    )]
    KitForAnotherIdentity {
        /// The kit's identity.
        kit: String,
        /// The home.
        home: PathBuf,
        /// The home's identity.
        home_identity: String,
    },
    /// A change asked of a home that cannot be written.
    #[error(
        "{home} is read-only: datacoop can show what it holds, but changing it needs a folder it can write to (a copy of it elsewhere)"
    )]
    ReadOnlyHome {
        /// The home folder.
        home: PathBuf,
    },
    /// The recovery kit file named could not be read.
    #[error(
        "cannot read the recovery kit {path}: {}",
        datacoop_core::plain_io(source)
    )]
    KitUnreadable {
        /// The file named.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// Another process owns the home and will not share it.
    #[error("{home} is in use by {owner}")]
    OwnedBy {
        /// The home folder.
        home: PathBuf,
        /// Who owns it.
        owner: OwnerInfo,
    },
    /// Another process owns the home but its control socket does not answer.
    #[error("{home} is in use by {owner}, which does not answer on its control socket ({reason})")]
    OwnerUnreachable {
        /// The home folder.
        home: PathBuf,
        /// Who owns it.
        owner: OwnerInfo,
        /// Why we could not reach it.
        reason: String,
    },
    /// The owner answering a request stopped (was killed, say) before it answered.
    #[error("{owner} stopped before answering; what it was doing may not have finished")]
    OwnerStopped {
        /// Who it was.
        owner: OwnerInfo,
    },
    /// An error reported by the owning process over the control socket.
    #[error("{message}")]
    Remote {
        /// The error's code.
        code: Code,
        /// The error's message.
        message: String,
    },
    /// The home's owner has no unlocked identity (the desktop app before its passphrase
    /// was given, or an owner that is stopping).
    #[error("{}", locked_message(*owner))]
    Locked {
        /// What owns the home.
        owner: crate::OwnerKind,
    },
    /// A request this kind of caller cannot make (a window request to `datacoop serve`,
    /// or following events without a control socket).
    #[error("{op:?} is not available here: {}", not_here_reason(op))]
    NotHere {
        /// The request.
        op: &'static str,
    },
    /// The owner already serves as many control connections as it allows.
    #[error(
        "the datacoop that owns this home is serving {connections} connections already; try again"
    )]
    Busy {
        /// The limit.
        connections: usize,
    },
    /// The vault of the last lock is still closing: work it cancelled has not ended.
    #[error(
        "the vault is still closing: work stopped when the home was locked has not ended after {seconds}s; try again in a moment"
    )]
    StillClosing {
        /// How long was waited.
        seconds: u64,
    },
    /// The control protocol was violated.
    #[error("control socket: {0}")]
    Protocol(String),
    /// A file that would be overwritten without having been asked to.
    #[error("{path} already exists; choose another name or folder")]
    FileExists {
        /// The file.
        path: PathBuf,
    },
    /// Something only another role does.
    #[error("{what} is for a {needs} of the cooperative, and this identity is not one")]
    WrongRole {
        /// What was tried.
        what: &'static str,
        /// The role it needs.
        needs: &'static str,
    },
    /// Not an SPDX license identifier or expression.
    #[error(
        "{given:?} is not an SPDX license identifier or expression (for example CC-BY-4.0, CC-BY-NC-4.0 or MIT OR Apache-2.0)"
    )]
    InvalidLicense {
        /// What was given.
        given: String,
    },
    /// A denial needs its reason.
    #[error("a denial needs a reason; the trainer is shown it")]
    ReasonRequired,
    /// An ask-mode answer after the request's deadline.
    #[error(
        "the time to answer request {id} has ended (its deadline passed): not answering counts as no"
    )]
    DeadlinePassed {
        /// The request.
        id: String,
    },
    /// An answer to a request that asks this member nothing.
    #[error("request {id} asks nothing of you: none of your datasets in ask mode matches it")]
    NotAsked {
        /// The request.
        id: String,
    },
    /// Another trainer's request.
    #[error("request {id} is another trainer's")]
    NotYourRequest {
        /// The request.
        id: String,
    },
    /// The stewards denied the request.
    #[error("request {id} was denied by the stewards: {reason}")]
    RequestDenied {
        /// The request.
        id: String,
        /// Their reason.
        reason: String,
    },
    /// No member released anything (yet) for the request.
    #[error(
        "nothing has been released for request {id} yet{}",
        waiting_on(pending)
    )]
    NothingReleased {
        /// The request.
        id: String,
        /// Members still to release, by short id.
        pending: String,
    },
    /// `fetch --all` while some matching members have not released.
    #[error(
        "not every matching member has released for request {id}{}",
        waiting_on(pending)
    )]
    Incomplete {
        /// The request.
        id: String,
        /// Members still to release, by short id.
        pending: String,
    },
    /// The request's window closed: nothing released to it is served or opened any more.
    #[error(
        "the grants of request {id} expired at {at}: its window closed, so nothing released to it is served or opened any more"
    )]
    GrantExpired {
        /// The request.
        id: String,
        /// When the window closed (RFC 3339).
        at: String,
    },
    /// Every grant of the request ended before its window closed.
    #[error("the grants of request {id} ended: {ended}")]
    GrantsRevoked {
        /// The request.
        id: String,
        /// Each ended grant: whose, by whom and why.
        ended: String,
    },
    /// `grant revoke` found nothing this identity may revoke under the id.
    #[error("{id} names no grant you can revoke: {reason}")]
    NothingToRevoke {
        /// What was given.
        id: String,
        /// Why not.
        reason: String,
    },
    /// The request's key is not in this home.
    #[error(
        "the key of request {id} is not on this computer (it was made elsewhere, or deleted when the grant ended)"
    )]
    NoRequestKey {
        /// The request.
        id: String,
    },
    /// File system errors.
    #[error("{action} {path}: {}", datacoop_core::plain_io(source))]
    Io {
        /// What we were doing.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

fn waiting_on(pending: &str) -> String {
    if pending.is_empty() {
        String::new()
    } else {
        format!("; waiting on {pending}")
    }
}

fn locked_message(owner: crate::OwnerKind) -> &'static str {
    match owner {
        crate::OwnerKind::App => {
            "the datacoop desktop app owns this home and is locked: unlock it in its window, then try again"
        }
        crate::OwnerKind::Serve | crate::OwnerKind::Cli => {
            "the datacoop process that owns this home is stopping; try again once it has stopped"
        }
    }
}

fn not_here_reason(op: &str) -> &'static str {
    match op {
        "activate" => "the process that owns this home has no window",
        "subscribe" => "only a running datacoop (serve or the desktop app) has events to follow",
        _ => "this owner does not serve it",
    }
}

impl NodeError {
    /// A stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            NodeError::Input(e) => e.code(),
            NodeError::Crypto(e) => e.code(),
            NodeError::Vault(e) => e.code(),
            NodeError::AlreadyInitialised { .. } => Code::HomeAlreadyInitialised,
            NodeError::KeystoreLost { .. } => Code::HomeKeystoreLost,
            NodeError::KitForAnotherIdentity { .. } => Code::InputKitForAnotherIdentity,
            NodeError::KitUnreadable { .. } => Code::InputRecoveryKitUnreadable,
            NodeError::ReadOnlyHome { .. } => Code::HomeReadOnly,
            NodeError::InvalidName { .. } => Code::InputInvalidName,
            NodeError::Ledger(e) => e.code(),
            NodeError::LogInvalid(_) => Code::IntegrityLog,
            NodeError::NotOperator => Code::CoopNotOperator,
            NodeError::Net(e) => e.code(),
            NodeError::NotServing { .. } => Code::InputNotServing,
            NodeError::AwaitingReview { .. } => Code::InputJoinAwaitingReview,
            NodeError::BadSetting { .. } => Code::InputBadSetting,
            NodeError::OperatorUnknown { .. } | NodeError::RelayNotSet { .. } => {
                Code::NetUnreachable
            }
            NodeError::NotInCoop => Code::InputNoCooperative,
            NodeError::WrongRole { .. } => Code::InputWrongRole,
            NodeError::InvalidLicense { .. } => Code::InputInvalidLicense,
            NodeError::ReasonRequired => Code::InputReasonRequired,
            NodeError::DeadlinePassed { .. } => Code::AccessDeadlinePassed,
            NodeError::NotAsked { .. } => Code::InputNotAsked,
            NodeError::NotYourRequest { .. } => Code::InputNotYourRequest,
            NodeError::RequestDenied { .. } => Code::AccessDenied,
            NodeError::NothingReleased { .. } => Code::AccessNothingReleased,
            NodeError::Incomplete { .. } => Code::AccessIncomplete,
            NodeError::NoRequestKey { .. } => Code::AccessNoRequestKey,
            NodeError::GrantExpired { .. } => Code::AccessExpired,
            NodeError::GrantsRevoked { .. } => Code::AccessRevoked,
            NodeError::NothingToRevoke { .. } => Code::InputNothingToRevoke,
            NodeError::AlreadyInCoop { .. } => Code::InputAlreadyInCooperative,
            NodeError::BadId { .. } => Code::InputBadId,
            NodeError::NoConsent { .. } => Code::InputNoConsent,
            NodeError::ConflictingPurpose { .. } => Code::InputConflictingPurpose,
            NodeError::OwnedBy { .. } => Code::HomeOwned,
            NodeError::OwnerStopped { .. } => Code::HomeOwnerUnreachable,
            NodeError::OwnerUnreachable { .. } => Code::HomeOwnerUnreachable,
            NodeError::Remote { code, .. } => *code,
            NodeError::Locked { .. } => Code::AuthLocked,
            NodeError::NotHere { .. } => Code::InputNotHere,
            NodeError::Busy { .. } => Code::ControlBusy,
            NodeError::PassphraseTooShort { .. } => Code::InputPassphraseTooShort,
            NodeError::ZeroMaxDays => Code::InputInvalidDuration,
            NodeError::StillClosing { .. } => Code::HomeStillClosing,
            NodeError::Protocol(_) => Code::ControlProtocol,
            NodeError::FileExists { .. } => Code::InputFileExists,
            NodeError::Io { .. } => Code::IoFailed,
        }
    }

    /// The CLI exit code for this error (see `CLI.md`): 2 bad input, 3 authentication,
    /// 4 owner unreachable, 1 everything else.
    pub fn exit_code(&self) -> u8 {
        self.code().exit_code()
    }

    /// The file problem behind this error, with the one path a person should hear about,
    /// when it is one they can act on (none for other errors).
    pub fn io_problem(&self) -> Option<crate::IoProblem> {
        let (path, source) = match self {
            NodeError::Io { path, source, .. }
            | NodeError::KitUnreadable { path, source }
            | NodeError::Crypto(CryptoError::Io { path, source, .. })
            | NodeError::Vault(VaultError::Io { path, source, .. }) => (path, source),
            _ => return None,
        };
        let kind = datacoop_core::IoKind::of(source);
        if kind == datacoop_core::IoKind::Other {
            return None;
        }
        Some(crate::IoProblem {
            kind,
            subject: io_subject(kind, path).display().to_string(),
        })
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        NodeError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Which path a sentence about `kind` names: the first part of `path` that is missing,
/// the first part that is a file, the folder that may not be written (when the file is
/// not there yet), or `path` itself.
fn io_subject(kind: datacoop_core::IoKind, path: &std::path::Path) -> PathBuf {
    use datacoop_core::IoKind;
    let exists = |p: &std::path::Path| std::fs::symlink_metadata(p).is_ok();
    match kind {
        IoKind::NotFound => path
            .ancestors()
            .zip(path.ancestors().skip(1))
            .find(|(_, parent)| parent.as_os_str().is_empty() || exists(parent))
            .map_or(path, |(missing, _)| missing)
            .to_owned(),
        IoKind::NotAFolder => path
            .ancestors()
            .skip(1)
            .find(|p| p.is_file())
            .unwrap_or(path)
            .to_owned(),
        IoKind::PermissionDenied | IoKind::ReadOnly | IoKind::Full if !exists(path) => path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(path)
            .to_owned(),
        _ => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_problems_name_the_part_a_person_can_fix() {
        let dir = tempfile::tempdir().unwrap();
        let problem = |path: PathBuf, errno: i32| {
            NodeError::io("cannot create", path, io::Error::from_raw_os_error(errno))
                .io_problem()
                .unwrap()
        };
        let missing = problem(dir.path().join("x/y/kit.txt"), 2);
        assert_eq!(missing.kind, datacoop_core::IoKind::NotFound);
        assert_eq!(missing.subject, dir.path().join("x").display().to_string());
        let denied = problem(dir.path().join("kit.txt"), 13);
        assert_eq!(denied.subject, dir.path().display().to_string());
        std::fs::write(dir.path().join("file"), b"").unwrap();
        let through_a_file = problem(dir.path().join("file/kit.txt"), 20);
        assert_eq!(
            through_a_file.subject,
            dir.path().join("file").display().to_string()
        );
        let exists = problem(dir.path().join("file"), 17);
        assert_eq!(
            exists.subject,
            dir.path().join("file").display().to_string()
        );
        let busy = NodeError::io(
            "cannot create",
            dir.path(),
            io::Error::from_raw_os_error(16),
        );
        assert_eq!(busy.io_problem(), None);
        assert_eq!(NodeError::NotInCoop.io_problem(), None);
    }

    /// Library messages say what went wrong; which command or flag to use next is the
    /// CLI's advice, and the window has its own words.
    #[test]
    fn messages_name_no_commands_or_flags() {
        let home = PathBuf::from("/home/ada/.datacoop");
        let errors = [
            NodeError::AlreadyInitialised { home: home.clone() },
            NodeError::NotInCoop,
            NodeError::KeystoreLost { home: home.clone() },
            NodeError::KitForAnotherIdentity {
                kit: "aa".into(),
                home,
                home_identity: "bb".into(),
            },
            CryptoError::KeystoreMissing {
                path: PathBuf::from("/k"),
            }
            .into(),
            VaultError::CategoryRequired {
                name: "runs".into(),
            }
            .into(),
        ];
        for e in errors {
            let text = e.to_string();
            assert!(!text.contains("--"), "{text}");
            assert!(!text.contains("`datacoop"), "{text}");
        }
    }
}
