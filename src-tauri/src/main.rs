//! The datacoop desktop app (see `lib.rs`).
// Prevents an extra console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    std::process::exit(datacoop_app::run());
}
