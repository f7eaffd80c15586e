//! Every error code datacoop reports, with the command line's exit code for each.
//!
//! A code is stable: scripts match on it (`datacoop` prints it with the message), and the
//! desktop app keys its message catalogue by it. Each library's error enum names its
//! variants' codes from here, so a code is declared once; with the `ts` feature it is also
//! the TypeScript union the window's message catalogue is checked against.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! codes {
    ($($variant:ident = $text:literal, $exit:literal;)*) => {
        /// A stable, machine-readable error code (`auth.wrong_passphrase`, ...).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum Code {
            $(
                #[doc = concat!("`", $text, "`")]
                #[cfg_attr(feature = "ts", ts(rename = $text))]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as scripts and the window see it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The command line's exit code for an error with this code (`CLI.md`):
            /// 2 bad input or usage, 3 authentication, 4 the home's owner is in the way
            /// or unreachable, 1 everything else.
            pub fn exit_code(self) -> u8 {
                match self {
                    $(Code::$variant => $exit,)*
                }
            }
        }

        impl FromStr for Code {
            type Err = UnknownCode;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok(Code::$variant),)*
                    _ => Err(UnknownCode),
                }
            }
        }
    };
}

codes! {
    Usage = "usage", 2;
    Cancelled = "cancelled", 1;
    InputUnknownPurpose = "input.unknown_purpose", 2;
    InputInvalidCategory = "input.invalid_category", 2;
    InputInvalidDatasetName = "input.invalid_dataset_name", 2;
    InputInvalidDuration = "input.invalid_duration", 2;
    InputUnknownRole = "input.unknown_role", 2;
    HomeNotInitialised = "home.not_initialised", 2;
    KeystoreCorrupt = "keystore.corrupt", 1;
    AuthWrongPassphrase = "auth.wrong_passphrase", 3;
    AuthWrongRecoveryPhrase = "auth.wrong_recovery_phrase", 3;
    AuthInvalidRecoveryPhrase = "auth.invalid_recovery_phrase", 3;
    InputRecoveryKitCorrupt = "input.recovery_kit_corrupt", 2;
    InputRecoveryKitUnreadable = "input.recovery_kit_unreadable", 2;
    IntegritySealBroken = "integrity.seal_broken", 1;
    IntegritySealedKey = "integrity.sealed_key", 1;
    InputInvalidKey = "input.invalid_key", 2;
    IoRandom = "io.random", 1;
    InputFileExists = "input.file_exists", 2;
    IoDiskFull = "io.disk_full", 1;
    IoFailed = "io.failed", 1;
    InputUnknownDataset = "input.unknown_dataset", 2;
    InputCategoryRequired = "input.category_required", 2;
    InputCategoryMismatch = "input.category_mismatch", 2;
    InputNothingToAdd = "input.nothing_to_add", 2;
    InputDuplicateName = "input.duplicate_name", 2;
    InputDatasetExists = "input.dataset_exists", 2;
    InputNotFound = "input.not_found", 2;
    IoUnreadable = "io.unreadable", 1;
    IoChangedWhileAdding = "io.changed_while_adding", 1;
    IoDatasetChanged = "io.dataset_changed", 1;
    InputNotForThisDataset = "input.not_for_this_dataset", 2;
    IntegrityBlob = "integrity.blob", 1;
    InputExportTargetExists = "input.export_target_exists", 2;
    InputLinkInExportTarget = "input.link_in_export_target", 2;
    IoMeta = "io.meta", 1;
    IntegrityRecord = "integrity.record", 1;
    IoBlobs = "io.blobs", 1;
    LedgerEncoding = "ledger.encoding", 1;
    LedgerNonCanonical = "ledger.non_canonical", 1;
    LedgerUnsupportedVersion = "ledger.unsupported_version", 1;
    LedgerBadSignature = "ledger.bad_signature", 1;
    LedgerBadKey = "ledger.bad_key", 1;
    LedgerWrongCoop = "ledger.wrong_coop", 1;
    LedgerBodyHashMismatch = "ledger.body_hash_mismatch", 1;
    LedgerKindMismatch = "ledger.kind_mismatch", 1;
    LedgerBodyMissing = "ledger.body_missing", 1;
    LedgerSequenceGap = "ledger.sequence_gap", 1;
    LedgerEquivocation = "ledger.equivocation", 1;
    LedgerBrokenChain = "ledger.broken_chain", 1;
    LedgerDuplicateOperation = "ledger.duplicate_operation", 1;
    LedgerUnauthorized = "ledger.unauthorized", 1;
    LedgerInvalidGovernance = "ledger.invalid_governance", 1;
    LedgerInvalidGenesis = "ledger.invalid_genesis", 2;
    LedgerInvalidBody = "ledger.invalid_body", 2;
    LedgerInvalidReference = "ledger.invalid_reference", 1;
    LedgerInvalidNote = "ledger.invalid_note", 1;
    LedgerCheckpointMismatch = "ledger.checkpoint_mismatch", 1;
    LedgerTruncated = "ledger.truncated", 1;
    LedgerInvalidProof = "ledger.invalid_proof", 1;
    LedgerNotFound = "ledger.not_found", 1;
    LedgerEvidence = "ledger.evidence", 1;
    LedgerStore = "ledger.store", 1;
    HomeAlreadyInitialised = "home.already_initialised", 2;
    HomeKeystoreLost = "home.keystore_lost", 2;
    InputKitForAnotherIdentity = "input.kit_for_another_identity", 2;
    InputInvalidName = "input.invalid_name", 2;
    IntegrityLog = "integrity.log", 1;
    CoopNotOperator = "coop.not_operator", 1;
    InputNoCooperative = "input.no_cooperative", 2;
    InputAlreadyInCooperative = "input.already_in_cooperative", 2;
    InputBadId = "input.bad_id", 2;
    InputNoConsent = "input.no_consent", 2;
    InputConflictingPurpose = "input.conflicting_purpose", 2;
    InputPassphraseTooShort = "input.passphrase_too_short", 2;
    InputNotAFolder = "input.not_a_folder", 2;
    HomeOwned = "home.owned", 4;
    HomeOwnerUnreachable = "home.owner_unreachable", 4;
    HomeStillClosing = "home.still_closing", 1;
    HomeReadOnly = "home.read_only", 2;
    AuthLocked = "auth.locked", 3;
    AuthPassphraseRequired = "auth.passphrase_required", 3;
    InputNotHere = "input.not_here", 2;
    InputNotATicket = "input.not_a_ticket", 2;
    InputTicketDamaged = "input.ticket_damaged", 2;
    InputTicketTooNew = "input.ticket_too_new", 2;
    InputBadListenAddr = "input.bad_listen_addr", 2;
    InputBadSetting = "input.bad_setting", 2;
    InputNotServing = "input.not_serving", 2;
    InputJoinAwaitingReview = "input.join_awaiting_review", 2;
    NetBind = "net.bind", 1;
    NetUnreachable = "net.unreachable", 1;
    NetLost = "net.lost", 1;
    NetNotAMember = "net.not_a_member", 1;
    NetRefused = "net.refused", 1;
    NetBadAnswer = "net.bad_answer", 1;
    NetWrongCooperative = "net.wrong_cooperative", 1;
    NetNotHeld = "net.not_held", 1;
    JoinUnknownInvite = "join.unknown_invite", 1;
    JoinForged = "join.forged", 1;
    JoinUsed = "join.used", 1;
    JoinExpired = "join.expired", 1;
    JoinFailed = "join.failed", 1;
    InputWrongRole = "input.wrong_role", 2;
    InputInvalidLicense = "input.invalid_license", 2;
    InputReasonRequired = "input.reason_required", 2;
    AccessDeadlinePassed = "access.deadline_passed", 1;
    InputNotAsked = "input.not_asked", 2;
    InputNotYourRequest = "input.not_your_request", 2;
    AccessDenied = "access.denied", 1;
    AccessNothingReleased = "access.nothing_released", 1;
    AccessIncomplete = "access.incomplete", 1;
    AccessNoRequestKey = "access.no_request_key", 1;
    AccessExpired = "access.expired", 1;
    AccessRevoked = "access.revoked", 1;
    InputNothingToRevoke = "input.nothing_to_revoke", 2;
    ControlProtocol = "control.protocol", 1;
    ControlBusy = "control.busy", 1;
    Unknown = "unknown", 1;
}

/// A code this version of datacoop does not know (from a newer peer or owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCode;

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown error code")
    }
}

impl std::error::Error for UnknownCode {}

impl Code {
    /// Reads a code received from elsewhere; one this version does not know becomes
    /// [`Code::Unknown`] (the message that came with it still says what happened).
    pub fn parse_lenient(text: &str) -> Code {
        text.parse().unwrap_or(Code::Unknown)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Code::parse_lenient(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} declared twice");
            assert_eq!(code.as_str().parse::<Code>(), Ok(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), code);
        }
        assert_eq!(Code::parse_lenient("from.the_future"), Code::Unknown);
    }

    /// The exit codes of CLI.md: 2 input, 3 authentication, 4 owner, 1 the rest.
    #[test]
    fn exit_codes_follow_the_families() {
        for &code in Code::ALL {
            let text = code.as_str();
            let expected = if text.starts_with("auth.") {
                3
            } else if text.starts_with("input.")
                || matches!(
                    code,
                    Code::Usage
                        | Code::HomeNotInitialised
                        | Code::HomeAlreadyInitialised
                        | Code::HomeKeystoreLost
                        | Code::HomeReadOnly
                        | Code::LedgerInvalidGenesis
                        | Code::LedgerInvalidBody
                )
            {
                2
            } else if matches!(code, Code::HomeOwned | Code::HomeOwnerUnreachable) {
                4
            } else {
                1
            };
            assert_eq!(code.exit_code(), expected, "{code}");
        }
    }
}
