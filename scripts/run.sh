#!/usr/bin/env bash
# Installs what is missing, builds datacoop, and shows how to start.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
. scripts/env.sh
cargo build --workspace --release
bin="$CARGO_TARGET_DIR/release/datacoop"
cat >&2 <<MSG

datacoop is built: $bin
The desktop app is not part of this build yet; start with the command line:

  $bin init --name "Your Name"
  $bin recovery export --out datacoop-recovery-kit.txt
  $bin data add ~/my-runs --dataset runs --category fitness
  $bin data ls --dataset runs
  $bin data export --dataset runs --out ./runs-back

Add --help to any command for more.
MSG
