//! Generates the app manifest: every command below needs an explicit permission
//! (`allow-<command>`) in a capability file before the window may call it.

/// Keep in sync with `tauri::generate_handler!` in `src/lib.rs`; a command missing here
/// fails at run time with "not allowed", which the E2E suite would catch.
const COMMANDS: &[&str] = &[
    "app_state",
    "retry_home",
    "create_identity",
    "restore_identity",
    "unlock",
    "lock",
    "follow_events",
    "data_list",
    "data_rename",
    "data_add",
    "data_export",
    "recovery_export",
    "save_recovery_kit",
    "read_recovery_kit",
    "passphrase_change",
    "coop_show",
    "coop_create",
    "coop_invite",
    "coop_join",
    "coop_accept",
    "proposal_list",
    "proposal_approve",
    "proposal_create",
    "network_show",
    "network_save",
    "ticket_qr",
    "consent_show",
    "consent_set",
    "consent_withdraw",
    "consent_answer",
    "request_create",
    "request_list",
    "request_approve",
    "request_deny",
    "grant_list",
    "grant_revoke",
    "fetch",
    "activity",
    "earnings",
    "statement_save",
    "log_show",
    "log_verify",
    "log_proof",
    "save_log_proof",
    "cancel_job",
    "shell_words",
    "close_quits",
    "notify_os",
    "app_quit",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
