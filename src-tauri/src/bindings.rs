//! The TypeScript the window is written against, generated from the Rust types it
//! receives and sends (`ui/src/api/bindings.ts`; the `bindings_are_current` test keeps it
//! in step). Edit the Rust types, then regenerate.

use datacoop_node::api::{
    ConsentAnswer, ConsentSet, ConsentShow, ConsentWithdraw, CoopAccept, CoopCreate, CoopInvite,
    CoopJoin, CoopShow, DataAdd, DataExport, DataList, DataRename, Fetch, GrantList, LogProof,
    LogShow, LogVerify, NetworkSave, NetworkShow, PassphraseChange, ProposalApprove,
    ProposalCreate, ProposalList, RecoveryExport, RequestApprove, RequestCreate, RequestDeny,
    RequestList,
};
use datacoop_node::{
    AddReport, CheckpointInfo, ConsentView, CoopInfo, CreatedIdentity, DataListing, DatasetSummary,
    Entry, Event, EvidenceInfo, ExportReport, Inclusion, Invitation, JobKind, JobOutcome, LogEntry,
    MemberInfo, NewRecoveryKit, OwnerKind, Progress, Proof, ProposalView, Recorded, StopReport,
    VerifySummary,
};
use ts_rs::TS;

use crate::shell::{AppStatus, CommandError};

/// The TypeScript module generated from the types the window uses.
pub fn typescript_bindings() -> String {
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri's `bindings_are_current` test\n\
         // (DATACOOP_UPDATE_BINDINGS=1 cargo test bindings). Do not edit by hand.\n\n",
    );
    for decl in [
        // The shell's own.
        AppStatus::decl(),
        crate::background::ShellWords::decl(),
        CommandError::decl(),
        datacoop_node::IoProblem::decl(),
        datacoop_core::IoKind::decl(),
        // What the node answers.
        datacoop_node::Code::decl(),
        OwnerKind::decl(),
        datacoop_crypto::PublicIdentity::decl(),
        CreatedIdentity::decl(),
        NewRecoveryKit::decl(),
        DataListing::decl(),
        datacoop_node::Placement::decl(),
        DatasetSummary::decl(),
        Entry::decl(),
        AddReport::decl(),
        datacoop_node::Skipped::decl(),
        datacoop_node::SkipReason::decl(),
        ExportReport::decl(),
        CoopInfo::decl(),
        datacoop_core::Role::decl(),
        MemberInfo::decl(),
        CheckpointInfo::decl(),
        EvidenceInfo::decl(),
        LogEntry::decl(),
        datacoop_ledger::OpKind::decl(),
        VerifySummary::decl(),
        Proof::decl(),
        ConsentView::decl(),
        Inclusion::decl(),
        datacoop_core::Purpose::decl(),
        Recorded::decl(),
        Progress::decl(),
        Event::decl(),
        JobKind::decl(),
        JobOutcome::decl(),
        StopReport::decl(),
        Invitation::decl(),
        datacoop_node::Joining::decl(),
        datacoop_node::AwaitingJoin::decl(),
        ProposalView::decl(),
        crate::qr::QrMatrix::decl(),
        datacoop_node::NetworkInfo::decl(),
        datacoop_node::NetworkPrefs::decl(),
        datacoop_node::RequestStatus::decl(),
        datacoop_node::RequestView::decl(),
        datacoop_node::GrantView::decl(),
        datacoop_node::FetchReport::decl(),
        datacoop_node::GrantEnding::decl(),
        datacoop_node::EndedGrant::decl(),
        datacoop_node::RevokeReport::decl(),
        datacoop_node::ActivityEntry::decl(),
        datacoop_node::ActivityKind::decl(),
        datacoop_node::Earnings::decl(),
        datacoop_node::Earning::decl(),
        datacoop_node::EarningStatus::decl(),
        datacoop_node::Saved::decl(),
        // What the window asks.
        DataList::decl(),
        DataRename::decl(),
        DataAdd::decl(),
        DataExport::decl(),
        RecoveryExport::decl(),
        PassphraseChange::decl(),
        CoopShow::decl(),
        CoopCreate::decl(),
        CoopInvite::decl(),
        CoopJoin::decl(),
        CoopAccept::decl(),
        ProposalList::decl(),
        ProposalApprove::decl(),
        ProposalCreate::decl(),
        datacoop_node::ProposedChange::decl(),
        ConsentShow::decl(),
        ConsentSet::decl(),
        ConsentWithdraw::decl(),
        LogShow::decl(),
        LogVerify::decl(),
        LogProof::decl(),
        NetworkShow::decl(),
        NetworkSave::decl(),
        RequestCreate::decl(),
        RequestList::decl(),
        RequestApprove::decl(),
        RequestDeny::decl(),
        ConsentAnswer::decl(),
        GrantList::decl(),
        datacoop_node::api::GrantRevoke::decl(),
        Fetch::decl(),
        datacoop_node::api::ActivityList::decl(),
        datacoop_node::api::EarningsShow::decl(),
        datacoop_node::api::Statement::decl(),
        datacoop_node::api::StatementFormat::decl(),
        datacoop_node::api::StatementSave::decl(),
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

    #[test]
    fn bindings_are_current() {
        let path =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/bindings.ts");
        let generated = typescript_bindings();
        if std::env::var_os("DATACOOP_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/api/bindings.ts is out of date with the Rust types: run \
             `DATACOOP_UPDATE_BINDINGS=1 cargo test bindings` in src-tauri and commit the result"
        );
    }
}
