#!/usr/bin/env bash
# Builds the workspace's binaries (the desktop app with its bundled front end, and the
# datacoop command) and starts the app.
#   scripts/app.sh                   the default home (~/.local/share/datacoop)
#   scripts/app.sh --home /tmp/demo  another home
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
( cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build )
# Built the way scripts/e2e.sh builds it, so the two share their build.
cargo build --workspace --bins --features datacoop-app/custom-protocol
exec "$CARGO_TARGET_DIR/debug/datacoop-app" "$@"
