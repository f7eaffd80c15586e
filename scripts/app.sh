#!/usr/bin/env bash
# Builds and starts the desktop app (bundled front end, debug build).
#   scripts/app.sh                   the default home (~/.local/share/datacoop)
#   scripts/app.sh --home /tmp/demo  another home
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export CARGO_TARGET_DIR="$DATACOOP_APP_TARGET_DIR"
( cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build )
cargo build --manifest-path src-tauri/Cargo.toml --features custom-protocol
exec "$CARGO_TARGET_DIR/debug/datacoop-app" "$@"
