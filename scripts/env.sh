# Sourced by the scripts: cargo target folders outside the clone, so repeated runs (and
# CI on the same machine) build incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/datacoop/target}"
# The desktop app (src-tauri) and its window tests (tests/e2e) are Cargo workspaces of
# their own for now, with their own target folder (see ARCHITECTURE.md).
export DATACOOP_APP_TARGET_DIR="${DATACOOP_APP_TARGET_DIR:-$HOME/.cache/datacoop/app-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
