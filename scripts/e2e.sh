#!/usr/bin/env bash
# Builds the desktop app with its bundled front end and runs its window tests: the real
# app under Xvfb, driven through WebDriver (tauri-driver + WebKitWebDriver).
# Screenshots land in target/e2e-screenshots/ (and $CARGO_TARGET_DIR/e2e-screenshots/).
#
# Needs (scripts/setup.sh installs them): libwebkit2gtk-4.1-dev and friends, xvfb, xauth,
# webkit2gtk-driver, Node >= 20.19, and `cargo install tauri-driver --locked`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

start=$(date +%s)
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
command -v WebKitWebDriver >/dev/null || { echo "e2e: WebKitWebDriver missing (apt-get install webkit2gtk-driver)" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "e2e: xvfb-run missing (apt-get install xvfb xauth)" >&2; exit 1; }

( cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build )
# What `npx tauri build --debug --no-bundle` does: the app with the bundled front end;
# and the datacoop command, which one test uses. Features are resolved workspace-wide
# and with the tests' dev-dependencies (as in every build here: `--tests`), so no shared
# dependency is built twice with other features (a test-only dependency such as the
# relay server turns on features of tokio, rustls, tracing...).
features=(--workspace --features "datacoop-app/custom-protocol,$DATACOOP_TEST_FEATURES")
cargo build "${features[@]}" --bins --tests
export DATACOOP_APP="$CARGO_TARGET_DIR/debug/datacoop-app"
export DATACOOP_CLI="$CARGO_TARGET_DIR/debug/datacoop"
echo "e2e: app built in $(( $(date +%s) - start ))s: $DATACOOP_APP" >&2

# Every app and command the window tests start binds the network on loopback only.
export DATACOOP_LISTEN=127.0.0.1:0 DATACOOP_SYNC_INTERVAL=1s DATACOOP_HEARTBEAT=2s
rm -rf "$CARGO_TARGET_DIR/e2e-screenshots" target/e2e-screenshots
status=0
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test "${features[@]}" --test window -- --ignored --test-threads=1 "$@" || status=$?
# Also under the clone's own target/, where people look first (it is git-ignored).
mkdir -p target && cp -r "$CARGO_TARGET_DIR/e2e-screenshots" target/ 2>/dev/null || true
echo "e2e: screenshots in target/e2e-screenshots/ ($(( $(date +%s) - start ))s in all)" >&2
exit $status
