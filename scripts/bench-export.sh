#!/usr/bin/env bash
# Export speed, side by side with the Go `age` CLI, in one run.
#
#   scripts/bench-export.sh [SIZE_MIB] [RUNS]      (defaults: 512 MiB, 5 runs each)
#
# One file of random bytes is added to a dataset. datacoop exports it through a running
# `datacoop serve` (already unlocked): read the ciphertext from iroh-blobs, age-decrypt,
# hash the plaintext and check it against the manifest, write it under a partial name and
# move it into place. Go `age -d` decrypts the very same ciphertext (written by
# `data export --age`) with the dataset's epoch identity, file to file. Whole-process wall
# time of each, alternating, the output removed between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
size_mib=${1:-512}
runs=${2:-5}
work=${BENCH_DIR:-/var/tmp/datacoop-bench-export}
rm -rf "$work" && mkdir -p "$work"
trap 'pkill -f "datacoop.*serve" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# BENCH_BIN runs another build (an older one, to compare) instead of building this one.
if [ -z "${BENCH_BIN:-}" ]; then
  cargo build -p datacoop-cli --release -q --features "$DATACOOP_TEST_FEATURES"
fi
bin="${BENCH_BIN:-$CARGO_TARGET_DIR/release/datacoop}"
command -v age >/dev/null || { echo "bench: install the Debian package age" >&2; exit 1; }

now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

export DATACOOP_PASSPHRASE="benchmark passphrase" DATACOOP_INSECURE_KDF_LOG_N=10
home="$work/home"
"$bin" --home "$home" init --name Bench > /dev/null 2>&1
"$bin" --home "$home" serve > /dev/null 2> "$work/serve.log" &
pid=$!
for _ in $(seq 1 600); do grep -q "control socket" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done

echo "making and adding a ${size_mib} MiB file" >&2
head -c $((size_mib << 20)) /dev/urandom > "$work/input.bin"
"$bin" --home "$home" data add "$work/input.bin" --dataset bench --category fitness 2> /dev/null
"$bin" --home "$home" data export --dataset bench --age --out "$work/sealed" 2> /dev/null
rm -f "$work/input.bin"

ours=(); theirs=()
for i in $(seq 1 "$runs"); do
  sync; t0=$(now)
  "$bin" --home "$home" data export --dataset bench --out "$work/out" 2> /dev/null
  t1=$(now); ours+=("$(python3 -c "print($t1-$t0)")")
  rm -rf "$work/out"
  sync; t0=$(now)
  age -d -i "$work/sealed/epoch-keys.txt" -o "$work/age.bin" "$work/sealed/input.bin.age"
  t1=$(now); theirs+=("$(python3 -c "print($t1-$t0)")")
  rm -f "$work/age.bin"
done
kill "$pid"; wait "$pid" 2>/dev/null || true

ours_med=$(median "${ours[@]}"); theirs_med=$(median "${theirs[@]}")
python3 - "$size_mib" "$ours_med" "$theirs_med" "${ours[*]}" "${theirs[*]}" <<'PY'
import sys
size, ours, theirs, all_ours, all_theirs = sys.argv[1:]
size = int(size); ours = float(ours); theirs = float(theirs)
print(f"input: {size} MiB of random bytes; medians of {len(all_ours.split())} runs, alternating")
print(f"datacoop data export (via serve): {ours:.2f} s = {size/ours:.0f} MiB/s   runs: {all_ours}")
print(f"Go age -d file to file:           {theirs:.2f} s = {size/theirs:.0f} MiB/s   runs: {all_theirs}")
print(f"ratio (datacoop speed / age speed): {theirs/ours:.2f}x   (target >= 1.0x)")
PY
