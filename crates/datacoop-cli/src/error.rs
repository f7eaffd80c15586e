//! The command line's own errors, and its advice: library errors say what went wrong;
//! which command or flag helps next is said here, on a `hint:` line.

use std::path::PathBuf;

use datacoop_node::{Code, NodeError};

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// What the libraries reported.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// The command line was used wrongly (arguments, where a secret comes from).
    #[error("{0}")]
    Usage(String),
    /// The kit was written but its phrase could not be, so the kit was removed again.
    #[error("{cause}; the recovery kit {kit} was removed again, since nobody has its phrase")]
    KitWithoutPhrase {
        /// The kit removed.
        kit: PathBuf,
        /// Why the phrase could not be written.
        cause: NodeError,
    },
    /// `datacoop demo` stopped: what went wrong, with its cause.
    #[error("the demo stopped: {0:#}")]
    Demo(anyhow::Error),
}

impl CliError {
    /// The stable code (printed by scripts' favourite `--json`-less way: the exit code).
    pub fn code(&self) -> Code {
        match self {
            CliError::Node(e) => e.code(),
            CliError::Usage(_) => Code::Usage,
            CliError::KitWithoutPhrase { cause, .. } => cause.code(),
            CliError::Demo(e) => e
                .downcast_ref::<NodeError>()
                .map_or(Code::Unknown, NodeError::code),
        }
    }

    /// The exit code (`CLI.md`).
    pub fn exit_code(&self) -> u8 {
        self.code().exit_code()
    }

    /// What to do about it, in terms of this command line.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.code() {
            Code::HomeNotInitialised => "create an identity with `datacoop init --name NAME`",
            Code::HomeAlreadyInitialised => {
                "use another --home, or the identity already there (`datacoop whoami`)"
            }
            Code::HomeKeystoreLost => "restore the identity with `datacoop recovery restore KIT`",
            Code::InputKitForAnotherIdentity => "restore into an empty --home",
            Code::HomeOwned => "stop it first, or use another --home",
            Code::HomeReadOnly => "copy the folder somewhere writable and use that --home",
            Code::InputFileExists => "choose another name, or pass --replace to replace it",
            Code::InputNotAFolder => "give --out a folder's path (it is made if missing)",
            Code::InputCategoryRequired => "give the new dataset a category with --category",
            Code::InputNoCooperative => {
                "found one with `datacoop coop create NAME` (joining arrives with the network)"
            }
            Code::AccessExpired => "ask again with a new `datacoop request create`",
            Code::InputNothingToRevoke => {
                "`datacoop grant ls` lists the grants and how each stands"
            }
            Code::IntegrityLog | Code::LedgerCheckpointMismatch | Code::LedgerTruncated => {
                "`datacoop log verify` names the operation that does not verify"
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_is_the_command_lines_own() {
        let e = CliError::from(NodeError::NotInCoop);
        assert_eq!(e.code(), Code::InputNoCooperative);
        assert_eq!(e.exit_code(), 2);
        assert!(e.hint().unwrap().contains("coop create"));
        let usage = CliError::Usage("no passphrase".into());
        assert_eq!(usage.exit_code(), 2);
        assert!(usage.hint().is_none());
    }
}
