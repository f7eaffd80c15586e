//! The datacoop desktop app: a Tauri 2 shell over `datacoop-node`.
//!
//! The app owns its home for its whole life (a [`datacoop_node::Owner`], as `datacoop
//! serve` does) and runs the node in-process. Its commands ([`commands`]) are one-line
//! adapters to the node's operations; what only the window needs is in [`shell`]; the
//! TypeScript the window is written against is generated from the Rust types
//! ([`bindings`]). Closing the window of a home that serves a cooperative leaves the app
//! serving in the background ([`background`]). No domain logic lives here.

pub mod background;
pub mod bindings;
pub mod commands;
pub mod qr;
pub mod shell;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use datacoop_node::{Home, Launch, Owner};
use tauri::{AppHandle, Manager, Runtime};

use shell::{Activate, Ctx, Holding};

/// How long a launch waits while a one-shot `datacoop` command holds the home.
const LAUNCH_PATIENCE: Duration = Duration::from_secs(30);

/// Command-line options: `--home DIR` (or `DATACOOP_HOME`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The home folder; the platform default when absent.
    pub home: Option<PathBuf>,
}

impl Options {
    /// Parses the arguments after the program name. Unknown arguments are refused.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env_home: Option<String>,
    ) -> Result<Self, String> {
        let mut home = env_home.filter(|h| !h.is_empty()).map(PathBuf::from);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--home" {
                home = Some(PathBuf::from(args.next().ok_or("--home needs a folder")?));
            } else if let Some(dir) = arg.strip_prefix("--home=") {
                home = Some(PathBuf::from(dir));
            } else {
                return Err(format!(
                    "unknown argument {arg:?}; usage: datacoop-app [--home DIR]"
                ));
            }
        }
        Ok(Options { home })
    }
}

/// Shows the main window in front (a second launch, the tray's Open).
pub(crate) fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Runs the app; returns the process exit code.
pub fn run() -> i32 {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DATACOOP_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let options = match Options::parse(
        std::env::args().skip(1),
        std::env::var("DATACOOP_HOME").ok(),
    ) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("datacoop: {e}");
            return 2;
        }
    };
    let home = match Home::resolve(options.home.map(datacoop_node::absolute)) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("datacoop: {e}");
            return 2;
        }
    };

    let handle: Arc<OnceLock<AppHandle>> = Arc::new(OnceLock::new());
    let for_activate = handle.clone();
    let activate: Activate = Arc::new(move || {
        if let Some(app) = for_activate.get() {
            let app2 = app.clone();
            let _ = app.run_on_main_thread(move || bring_forward(&app2));
        }
    });
    let launched = tauri::async_runtime::block_on(Owner::launch(
        &home,
        shell::owner_options(&activate, LAUNCH_PATIENCE),
    ));
    if let Ok(Launch::Activated(owner)) = &launched {
        eprintln!(
            "datacoop is already open on {} ({owner}); its window was brought forward",
            home.root().display()
        );
        return 0;
    }
    let ctx = Ctx::new(home, Holding::from_launch(launched), activate);

    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(ctx)
        .manage(background::Background::default())
        .on_window_event(background::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_state,
            commands::retry_home,
            commands::create_identity,
            commands::restore_identity,
            commands::unlock,
            commands::lock,
            commands::follow_events,
            commands::data_list,
            commands::data_rename,
            commands::data_add,
            commands::data_export,
            commands::recovery_export,
            commands::save_recovery_kit,
            commands::read_recovery_kit,
            commands::passphrase_change,
            commands::coop_show,
            commands::network_show,
            commands::network_save,
            commands::coop_create,
            commands::coop_invite,
            commands::coop_join,
            commands::coop_accept,
            commands::proposal_list,
            commands::proposal_approve,
            commands::proposal_create,
            commands::ticket_qr,
            commands::consent_show,
            commands::consent_set,
            commands::consent_withdraw,
            commands::consent_answer,
            commands::request_create,
            commands::request_list,
            commands::request_approve,
            commands::request_deny,
            commands::grant_list,
            commands::grant_revoke,
            commands::fetch,
            commands::activity,
            commands::earnings,
            commands::statement_save,
            commands::log_show,
            commands::log_verify,
            commands::log_proof,
            commands::save_log_proof,
            commands::cancel_job,
            commands::shell_words,
            commands::close_quits,
            commands::notify_os,
            commands::app_quit,
        ])
        .setup(move |app| {
            let _ = handle.set(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("datacoop: cannot start the window: {e}");
            return 1;
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            let ctx = app.state::<Ctx>();
            if let Ok(owned) = ctx.owned() {
                // Cancels what runs (from the window or the command line), waits for it,
                // closes the vault and releases the home.
                tauri::async_runtime::block_on(owned.shutdown());
            }
        }
    });
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn home_comes_from_the_argument_then_the_environment() {
        assert_eq!(
            Options::parse(args(&[]), None).unwrap(),
            Options { home: None }
        );
        assert_eq!(
            Options::parse(args(&[]), Some("/env".into())).unwrap().home,
            Some(PathBuf::from("/env"))
        );
        assert_eq!(
            Options::parse(args(&["--home", "/a"]), Some("/env".into()))
                .unwrap()
                .home,
            Some(PathBuf::from("/a"))
        );
        assert_eq!(
            Options::parse(args(&["--home=/b"]), None).unwrap().home,
            Some(PathBuf::from("/b"))
        );
        assert!(Options::parse(args(&["--home"]), None).is_err());
        assert!(Options::parse(args(&["--frobnicate"]), None).is_err());
    }

    /// Every command the window can call is in the build script's manifest and allowed
    /// by the capability file, and nothing else is allowed.
    #[test]
    fn every_command_is_declared_and_allowed() {
        let root = PathBuf::from(
            std::env::var("CARGO_MANIFEST_DIR")
                .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
        );
        let quoted = |text: &str| -> Vec<String> {
            text.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        };
        let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
        let handler = lib
            .split("generate_handler![")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap();
        let mut handled: Vec<String> = handler
            .split(',')
            .map(|c| c.trim().trim_start_matches("commands::").to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
        let listed = build
            .split("COMMANDS: &[&str] = &[")
            .nth(1)
            .and_then(|rest| rest.split("];").next())
            .unwrap();
        let mut manifest = quoted(listed);
        let capability = std::fs::read_to_string(root.join("capabilities/main.json")).unwrap();
        let mut allowed: Vec<String> = quoted(&capability)
            .into_iter()
            .filter_map(|p| p.strip_prefix("allow-").map(|c| c.replace('-', "_")))
            .collect();
        handled.sort();
        manifest.sort();
        allowed.sort();
        assert_eq!(handled, manifest, "build.rs COMMANDS vs generate_handler!");
        assert_eq!(
            handled, allowed,
            "capabilities/main.json vs generate_handler!"
        );
    }
}
