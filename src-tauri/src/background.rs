//! The app in the background: closing the window of a home that serves a cooperative
//! hides the window instead of quitting, so the node goes on releasing, pinning and
//! witnessing as `datacoop serve` would; the tray icon, a second launch or Settings bring
//! it back, and Quit (tray or Settings) ends the app. Closing the window of a home that
//! serves nothing quits as before, and so does every close once the person chose so in
//! Settings ([`set_close_quits`]).
//!
//! Also OS notifications for what the bell tells, shown only while the window is not in
//! front (hidden, minimised or behind another window).
//!
//! The words the shell shows itself (the tray's menu, the notice on hiding) come from the
//! window ([`ShellWords`]), so every string the app shows lives in `ui/src/i18n`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, WindowEvent};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

use crate::shell::Ctx;

/// The id of the tray icon.
const TRAY: &str = "datacoop";

/// What the shell says in the person's language, handed over by the window on start.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ShellWords {
    /// The tray menu item that shows the window.
    pub open: String,
    /// The tray menu item that quits.
    pub quit: String,
    /// The tray icon's tooltip.
    pub tooltip: String,
    /// The notification's title when the window is hidden on close.
    pub hidden_title: String,
    /// Its text.
    pub hidden_body: String,
}

/// The background's state: the window's words, whether the person was already told
/// (once per run) that closing the window keeps the app serving, and whether they chose
/// that closing quits instead.
#[derive(Default)]
pub struct Background {
    words: Mutex<Option<ShellWords>>,
    told_hidden: Mutex<bool>,
    close_quits: AtomicBool,
}

/// Takes the person's choice of what closing the window does (the window remembers it
/// and hands it over on start and on every change): quit, or keep serving.
pub fn set_close_quits<R: Runtime>(app: &AppHandle<R>, quits: bool) {
    app.state::<Background>()
        .close_quits
        .store(quits, Ordering::Relaxed);
}

/// Takes the window's words and puts the tray icon up (once; later calls only keep the
/// words). A system without a tray (no status notifier host, or no appindicator library)
/// gets none: a second launch or Settings still bring the window back.
pub fn set_words<R: Runtime>(app: &AppHandle<R>, words: ShellWords) {
    let state = app.state::<Background>();
    if let Ok(mut slot) = state.words.lock() {
        *slot = Some(words.clone());
    }
    if app.tray_by_id(TRAY).is_some() {
        return;
    }
    // The appindicator binding panics when its library cannot be loaded: no tray then.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| tray(app, &words)));
    match built {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("no tray icon: {e}"),
        Err(_) => tracing::warn!("no tray icon: the system has no appindicator library"),
    }
}

fn tray<R: Runtime>(app: &AppHandle<R>, words: &ShellWords) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", &words.open, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", &words.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip(&words.tooltip)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => crate::bring_forward(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// What closing the main window does: the window hides at once; the app then quits
/// unless its home serves a cooperative (unlocked and a member of one) and the person
/// did not choose that closing quits.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    if window.label() != "main" {
        return;
    }
    if let WindowEvent::CloseRequested { api, .. } = event {
        api.prevent_close();
        let _ = window.hide();
        let app = window.app_handle().clone();
        let quits = app
            .state::<Background>()
            .close_quits
            .load(Ordering::Relaxed);
        tauri::async_runtime::spawn(async move {
            if !quits && app.state::<Ctx>().serves().await {
                tell_hidden(&app);
            } else {
                app.exit(0);
            }
        });
    }
}

/// Says once per run, as an OS notification, that the app still serves.
fn tell_hidden<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<Background>();
    let first = state
        .told_hidden
        .lock()
        .map(|mut told| !std::mem::replace(&mut *told, true))
        .unwrap_or(false);
    let words = state.words.lock().ok().and_then(|w| w.clone());
    if let (true, Some(words)) = (first, words) {
        show(app, &words.hidden_title, &words.hidden_body);
    }
}

/// Whether the main window is in front of the person (shown and focused).
fn in_front<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window("main").is_some_and(|w| {
        w.is_visible().unwrap_or(false)
            && !w.is_minimized().unwrap_or(false)
            && w.is_focused().unwrap_or(false)
    })
}

/// Shows `body` as an OS notification unless the window is in front (the bell tells
/// then); true if it was handed to the system. Without a notification service (no
/// session bus) nothing shows, and the bell still has it.
pub fn notify<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> bool {
    if in_front(app) {
        return false;
    }
    show(app, title, body)
}

fn show<R: Runtime>(app: &AppHandle<R>, title: &str, body: &str) -> bool {
    match app.notification().builder().title(title).body(body).show() {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("no OS notification: {e}");
            false
        }
    }
}
