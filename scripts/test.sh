#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. scripts/env.sh

start=$(date +%s)
# The libraries, the CLI and its scenarios.
cargo fmt --all -- --check
features=(--workspace --features "$DATACOOP_TEST_FEATURES")
cargo clippy "${features[@]}" --all-targets -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run "${features[@]}" --profile ci
else
  echo "test: cargo-nextest not found, using cargo test" >&2
  cargo test "${features[@]}" --all-targets
fi
cargo test "${features[@]}" --doc

# The desktop app: front-end checks and unit tests (the shell's own tests, including the
# check that the generated TypeScript bindings match the Rust types, ran above), then
# real windows.
(cd ui && npm test && npm run build)
./scripts/e2e.sh
# The Debian package of the debug build the window tests used (`scripts/package.sh
# --release` makes the one to ship): the packaged app is started and checked.
./scripts/package.sh
echo "test: whole suite took $(( $(date +%s) - start ))s" >&2
