//! What the window receives: serialisable views of datacoop-node's answers. The
//! TypeScript declarations in `ui/src/api/bindings.ts` are generated from these types
//! (see the `bindings_are_current` test); edit here, then regenerate.

use datacoop_node::api::RecoveryExport;
use datacoop_node::{
    Event, HomeState, JobKind, JobOutcome, NodeError, OwnerInfo, OwnerKind, Progress, StopReport,
};
use serde::Serialize;
use ts_rs::TS;

/// Where the app stands, for the first screen to show.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AppStatus {
    /// No identity yet: first run.
    NoIdentity {
        /// The home folder.
        home: String,
    },
    /// Needs the passphrase.
    Locked {
        /// The home folder.
        home: String,
    },
    /// Ready.
    Unlocked {
        /// The home folder.
        home: String,
        /// Whose home it is.
        identity: IdentityView,
    },
    /// Another process without a window owns the home.
    InUse {
        /// The home folder.
        home: String,
        /// What owns it.
        owner_kind: OwnerKindView,
        /// Its process id.
        owner_pid: u32,
    },
    /// The home could not be opened at all.
    Unavailable {
        /// The home folder.
        home: String,
        /// Why, as a stable code.
        code: String,
        /// Why, for people.
        message: String,
    },
}

impl AppStatus {
    /// The status of a home this app owns.
    pub fn owned(home: String, state: HomeState) -> Self {
        match state {
            HomeState::NoIdentity => AppStatus::NoIdentity { home },
            HomeState::Locked => AppStatus::Locked { home },
            HomeState::Unlocked { identity } => AppStatus::Unlocked {
                home,
                identity: IdentityView {
                    id: identity.id.to_string(),
                    name: identity.name,
                },
            },
        }
    }

    /// The status of a home another process owns.
    pub fn in_use(home: String, owner: &OwnerInfo) -> Self {
        AppStatus::InUse {
            home,
            owner_kind: match owner.kind {
                OwnerKind::Cli => OwnerKindView::Cli,
                OwnerKind::Serve => OwnerKindView::Serve,
                OwnerKind::App => OwnerKindView::App,
            },
            owner_pid: owner.pid,
        }
    }
}

/// What kind of process owns a home.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OwnerKindView {
    /// A one-shot command.
    Cli,
    /// `datacoop serve`.
    Serve,
    /// Another desktop app.
    App,
}

/// An identity, as shown.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IdentityView {
    /// The identity id (64 hex digits).
    pub id: String,
    /// The display name.
    pub name: String,
}

/// A new identity and its recovery kit: show the kit and the phrase once.
#[derive(Clone, Serialize, TS)]
pub struct CreatedIdentity {
    /// The new identity.
    pub identity: IdentityView,
    /// The recovery kit's text, to save as a file.
    pub kit: String,
    /// The 24-word recovery phrase.
    pub phrase: String,
}

impl CreatedIdentity {
    /// From what the node returned.
    pub fn new(identity: datacoop_crypto::PublicIdentity, kit: RecoveryExport) -> Self {
        CreatedIdentity {
            identity: IdentityView {
                id: identity.id.to_string(),
                name: identity.name,
            },
            kit: kit.kit,
            phrase: kit.phrase,
        }
    }
}

/// A new recovery kit and its phrase: show them once.
#[derive(Clone, Serialize, TS)]
pub struct RecoveryKitView {
    /// The kit's text, to save as a file.
    pub kit: String,
    /// The 24-word recovery phrase.
    pub phrase: String,
}

impl From<RecoveryExport> for RecoveryKitView {
    fn from(kit: RecoveryExport) -> Self {
        RecoveryKitView {
            kit: kit.kit,
            phrase: kit.phrase,
        }
    }
}

/// A dataset card.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DatasetView {
    /// Its name.
    pub name: String,
    /// Its public category.
    pub category: String,
    /// Number of files.
    #[ts(type = "number")]
    pub items: u64,
    /// Plaintext bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Ciphertext bytes.
    #[ts(type = "number")]
    pub stored_size: u64,
    /// Unix seconds of creation.
    #[ts(type = "number")]
    pub created_at: u64,
}

impl From<datacoop_vault::DatasetSummary> for DatasetView {
    fn from(d: datacoop_vault::DatasetSummary) -> Self {
        DatasetView {
            name: d.name.to_string(),
            category: d.category.to_string(),
            items: d.items,
            size: d.size,
            stored_size: d.stored_size,
            created_at: d.created_at,
        }
    }
}

/// One file of a dataset.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EntryView {
    /// Its path inside the dataset, with `/` separators.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Plaintext bytes.
    #[ts(type = "number")]
    pub size: u64,
    /// Ciphertext bytes.
    #[ts(type = "number")]
    pub stored_size: u64,
    /// Unix seconds when it was added.
    #[ts(type = "number")]
    pub added_at: u64,
    /// BLAKE3 of the plaintext, hex: what export checks.
    pub plaintext_hash: String,
    /// BLAKE3 of the ciphertext, hex: the blob's address, what peers would store.
    pub blob_hash: String,
    /// The key epoch that encrypted it.
    pub epoch: u32,
}

impl From<datacoop_vault::Entry> for EntryView {
    fn from(e: datacoop_vault::Entry) -> Self {
        EntryView {
            name: e.name,
            media_type: e.media_type,
            size: e.size,
            stored_size: e.stored_size,
            added_at: e.added_at,
            plaintext_hash: e.plaintext_hash,
            blob_hash: e.blob_hash,
            epoch: e.epoch,
        }
    }
}

/// The cooperative this home belongs to, for the status area.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CoopView {
    /// Cooperative id (hex).
    pub id: String,
    /// Its name.
    pub name: String,
    /// This identity's role in it, if it is a member.
    pub role: Option<RoleView>,
    /// People in it: stewards and members.
    pub members: u32,
    /// Who they are: identity id (hex) and role, stewards first.
    pub people: Vec<PersonView>,
    /// Approvals needed for governance and requests (k).
    pub threshold: u32,
    /// Operations in the log.
    #[ts(type = "number")]
    pub log_size: u64,
    /// Size of the newest checkpoint, if any.
    #[ts(type = "number | null")]
    pub checkpoint_size: Option<u64>,
    /// True when nobody independent cosigns checkpoints.
    pub unwitnessed: bool,
    /// Evidence of tampering this node holds, for people; empty when all is well.
    pub evidence: Vec<String>,
}

impl CoopView {
    /// From what the node returned, as seen by identity `me`.
    pub fn new(info: datacoop_node::coop::CoopInfo, me: &str) -> Self {
        // Stewards are listed apart from the members they admitted.
        let role = if info.stewards.iter().any(|s| s == me) {
            Some(RoleView::Steward)
        } else {
            info.members
                .iter()
                .find(|m| m.id == me)
                .map(|m| RoleView::from(m.role))
        };
        let people: Vec<PersonView> = info
            .stewards
            .iter()
            .map(|id| PersonView {
                id: id.clone(),
                role: RoleView::Steward,
            })
            .chain(
                info.members
                    .iter()
                    .filter(|m| !info.stewards.contains(&m.id))
                    .map(|m| PersonView {
                        id: m.id.clone(),
                        role: RoleView::from(m.role),
                    }),
            )
            .collect();
        CoopView {
            role,
            members: u32::try_from(people.len()).unwrap_or(u32::MAX),
            people,
            threshold: info.threshold,
            log_size: info.size,
            checkpoint_size: info.latest_checkpoint.map(|c| c.size),
            unwitnessed: info.unwitnessed,
            evidence: info.evidence.into_iter().map(|e| e.summary).collect(),
            id: info.id,
            name: info.name,
        }
    }
}

/// One of this member's consent records.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConsentDto {
    /// The consent operation's id (hex): the ISO/IEC TS 27560 record id.
    pub record_id: String,
    /// The local dataset name.
    pub dataset: String,
    /// Purposes allowed (names from `PURPOSES`).
    pub purposes: Vec<String>,
    /// Included automatically, or asked each time.
    pub mode: ConsentModeView,
    /// Longest access period accepted, in days; none means no limit of its own.
    #[ts(type = "number | null")]
    pub max_days: Option<u64>,
    /// Whether it was withdrawn (or replaced by a newer consent).
    pub withdrawn: bool,
}

impl From<datacoop_node::coop::ConsentView> for ConsentDto {
    fn from(c: datacoop_node::coop::ConsentView) -> Self {
        ConsentDto {
            record_id: c.record_id,
            dataset: c.dataset,
            purposes: c.purposes.iter().map(|p| p.name().to_owned()).collect(),
            mode: if c.mode == "ask" {
                ConsentModeView::Ask
            } else {
                ConsentModeView::Auto
            },
            max_days: c.max_days,
            withdrawn: c.withdrawn,
        }
    }
}

/// How a matching request treats a member.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ConsentModeView {
    /// Included without asking.
    Auto,
    /// Asked each time.
    Ask,
}

/// One operation of the cooperative's log.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LogEntryView {
    /// Position in the log.
    #[ts(type = "number")]
    pub index: u64,
    /// Operation id (hex).
    pub id: String,
    /// Kind (`Genesis`, `ConsentSet`, ...).
    pub kind: String,
    /// Author identity id (hex).
    pub author: String,
    /// The author's clock at signing, Unix seconds (display only).
    #[ts(type = "number")]
    pub claimed_time: u64,
    /// Log time once a quorum checkpoint covers it, Unix seconds.
    #[ts(type = "number | null")]
    pub log_time: Option<u64>,
}

impl From<datacoop_node::coop::LogEntry> for LogEntryView {
    fn from(e: datacoop_node::coop::LogEntry) -> Self {
        LogEntryView {
            index: e.index,
            id: e.id,
            kind: e.kind,
            author: e.author,
            claimed_time: e.claimed_time,
            log_time: e.log_time,
        }
    }
}

/// What verifying the whole log found (a failure is a `CommandError`).
#[derive(Debug, Clone, Serialize, TS)]
pub struct VerifyView {
    /// Operations verified.
    #[ts(type = "number")]
    pub operations: u64,
    /// Checkpoints verified.
    #[ts(type = "number")]
    pub checkpoints: u64,
    /// Size of the newest checkpoint.
    #[ts(type = "number")]
    pub latest_checkpoint: u64,
    /// Root of the whole tree (hex).
    pub root: String,
    /// Whether nobody independent cosigns checkpoints.
    pub unwitnessed: bool,
}

impl From<datacoop_node::coop::VerifySummary> for VerifyView {
    fn from(v: datacoop_node::coop::VerifySummary) -> Self {
        VerifyView {
            operations: v.operations,
            checkpoints: v.checkpoints as u64,
            latest_checkpoint: v.latest_checkpoint,
            root: v.root,
            unwitnessed: v.unwitnessed,
        }
    }
}

/// Someone in the cooperative.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonView {
    /// Identity id (hex): their fingerprint.
    pub id: String,
    /// Their role.
    pub role: RoleView,
}

/// A role in a cooperative.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum RoleView {
    /// Contributes data and consents to its use.
    Member,
    /// Runs the cooperative.
    Steward,
    /// Requests licensed access to data.
    Trainer,
}

impl From<datacoop_core::Role> for RoleView {
    fn from(role: datacoop_core::Role) -> Self {
        match role {
            datacoop_core::Role::Member => RoleView::Member,
            datacoop_core::Role::Steward => RoleView::Steward,
            datacoop_core::Role::Trainer => RoleView::Trainer,
        }
    }
}

/// What adding did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AddResult {
    /// The dataset.
    pub dataset: String,
    /// Whether it was created.
    pub created: bool,
    /// Files stored.
    #[ts(type = "number")]
    pub files: u64,
    /// Bytes stored.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Files that replaced one of the same name.
    #[ts(type = "number")]
    pub replaced: u64,
}

/// What exporting did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportResult {
    /// Files written.
    #[ts(type = "number")]
    pub files: u64,
    /// Bytes written.
    #[ts(type = "number")]
    pub bytes: u64,
    /// The folder written to.
    pub out: String,
}

/// A failed command: a stable code the window maps to a message, and the node's own text.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    /// Stable code (`auth.wrong_passphrase`, `input.invalid_name`, ...).
    pub code: String,
    /// The node's message.
    pub message: String,
}

impl CommandError {
    /// An error the shell itself reports.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError {
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl From<NodeError> for CommandError {
    fn from(e: NodeError) -> Self {
        CommandError {
            code: e.code().to_owned(),
            message: e.to_string(),
        }
    }
}

/// The TypeScript module generated from the types above.
pub fn typescript_bindings() -> String {
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by the `bindings_are_current` test\n\
         // (DATACOOP_UPDATE_BINDINGS=1 cargo test bindings). Do not edit by hand.\n\n",
    );
    for decl in [
        AppStatus::decl(),
        OwnerKindView::decl(),
        IdentityView::decl(),
        CreatedIdentity::decl(),
        RecoveryKitView::decl(),
        DatasetView::decl(),
        EntryView::decl(),
        CoopView::decl(),
        RoleView::decl(),
        PersonView::decl(),
        ConsentDto::decl(),
        ConsentModeView::decl(),
        LogEntryView::decl(),
        VerifyView::decl(),
        Progress::decl(),
        Event::decl(),
        JobKind::decl(),
        JobOutcome::decl(),
        StopReport::decl(),
        AddResult::decl(),
        ExportResult::decl(),
        CommandError::decl(),
    ] {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    let suggestions: Vec<String> = datacoop_core::CATEGORY_SUGGESTIONS
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    out.push_str(&format!(
        "/** Categories offered for new datasets (any lowercase slug is accepted). */\n\
         export const CATEGORY_SUGGESTIONS = [{}] as const;\n",
        suggestions.join(", ")
    ));
    let purposes: Vec<String> = datacoop_core::Purpose::ALL
        .iter()
        .map(|p| format!("{{ name: \"{}\", dpv: \"{}\" }}", p.name(), p.dpv_term()))
        .collect();
    out.push_str(&format!(
        "\n/** Purposes a consent can allow, and the W3C DPV term each is recorded as. */\n\
         export const PURPOSES = [{}] as const;\n",
        purposes.join(", ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coop(
        stewards: &[&str],
        members: &[(&str, datacoop_core::Role)],
    ) -> datacoop_node::coop::CoopInfo {
        datacoop_node::coop::CoopInfo {
            id: "c".repeat(64),
            name: "Runners".into(),
            stewards: stewards.iter().map(|s| s.to_string()).collect(),
            threshold: 1,
            operator: stewards[0].into(),
            witnesses: vec![stewards[0].into()],
            witness_quorum: 1,
            unwitnessed: true,
            members: members
                .iter()
                .map(|(id, role)| datacoop_node::coop::MemberInfo {
                    id: id.to_string(),
                    role: *role,
                })
                .collect(),
            size: 2,
            latest_checkpoint: None,
            evidence: vec![],
        }
    }

    #[test]
    fn a_coops_view_knows_stewards_and_members_apart() {
        use datacoop_core::Role;
        let founder = CoopView::new(coop(&["aa"], &[]), "aa");
        assert!(matches!(founder.role, Some(RoleView::Steward)));
        assert_eq!(founder.members, 1);
        let info = coop(&["aa"], &[("bb", Role::Member), ("aa", Role::Steward)]);
        let member = CoopView::new(info.clone(), "bb");
        assert!(matches!(member.role, Some(RoleView::Member)));
        assert_eq!(member.members, 2);
        assert_eq!(member.people[0].id, "aa");
        assert!(matches!(member.people[1].role, RoleView::Member));
        assert!(CoopView::new(info, "cc").role.is_none());
    }

    #[test]
    fn bindings_are_current() {
        let path = std::path::PathBuf::from(
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
        )
        .join("../ui/src/api/bindings.ts");
        let generated = typescript_bindings();
        if std::env::var_os("DATACOOP_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/api/bindings.ts is out of date with src-tauri/src/dto.rs: run \
             `DATACOOP_UPDATE_BINDINGS=1 cargo test bindings` in src-tauri and commit the result"
        );
    }
}
