#!/usr/bin/env bash
# Installs what is missing, builds the desktop app and starts it on the default home
# (~/.local/share/datacoop), or on another with: scripts/run.sh --home DIR
# The command line is built too: $CARGO_TARGET_DIR/debug/datacoop (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. scripts/env.sh
# scripts/app.sh builds every binary of the workspace, the datacoop command included.
echo "run: the datacoop command line will be $CARGO_TARGET_DIR/debug/datacoop" >&2
exec ./scripts/app.sh "$@"
