#!/usr/bin/env bash
# Import speed and memory, side by side with the Go `age` CLI, in one run.
#
#   scripts/bench-import.sh [SIZE_MIB] [RUNS]      (defaults: 1024 MiB, 3 runs each)
#
# datacoop imports through a running `datacoop serve` (already unlocked), so the timed
# part is the import itself: read, age-encrypt, hash, store in iroh-blobs, record the
# sealed manifest entry. Unlocking the keystore (scrypt, about one second by design) is
# timed separately. Go `age -r` encrypts the same file to the same kind of recipient,
# file to file. Peak RSS of the owning process is read from /proc (VmHWM) after
# importing 100 MiB and SIZE_MIB, each into a fresh owner.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
size_mib=${1:-1024}
runs=${2:-3}
work=${BENCH_DIR:-/var/tmp/datacoop-bench}
rm -rf "$work" && mkdir -p "$work"
trap 'pkill -f "datacoop.*serve" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

cargo build --workspace --release -q --features "$DATACOOP_TEST_FEATURES"
bin="$CARGO_TARGET_DIR/release/datacoop"
command -v age >/dev/null || { echo "bench: install the Debian package age" >&2; exit 1; }

echo "making ${size_mib} MiB and 100 MiB input files" >&2
head -c $((size_mib << 20)) /dev/urandom > "$work/input.bin"
head -c $((100 << 20)) /dev/urandom > "$work/input-100.bin"
sync

now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

start_owner() { # home kdf_log_n -> pid on stdout
  local home=$1 log_n=$2
  DATACOOP_INSECURE_KDF_LOG_N=$log_n "$bin" --home "$home" serve > /dev/null 2> "$home.serve.log" &
  local pid=$!
  for _ in $(seq 1 600); do grep -q "control socket" "$home.serve.log" 2>/dev/null && break; sleep 0.1; done
  echo "$pid"
}

export DATACOOP_PASSPHRASE="benchmark passphrase"
home="$work/home"
"$bin" --home "$home" init --name Bench > /dev/null 2>&1
t0=$(now); "$bin" --home "$home" whoami > /dev/null; t1=$(now)
unlock=$(python3 -c "print(f'{$t1-$t0:.2f}')")

pid=$(start_owner "$home" 18)
recipient=$("$bin" --home "$home" data recipient --dataset bench0 --category fitness)
ours=(); theirs=()
for i in $(seq 1 "$runs"); do
  sync; t0=$(now)
  "$bin" --home "$home" data add "$work/input.bin" --dataset "bench$i" --category fitness 2> /dev/null
  t1=$(now); ours+=("$(python3 -c "print($t1-$t0)")")
  sync; t0=$(now)
  age -r "$recipient" -o "$work/out.age" "$work/input.bin"
  t1=$(now); theirs+=("$(python3 -c "print($t1-$t0)")")
  rm -f "$work/out.age"
done
kill "$pid"; wait "$pid" 2>/dev/null || true

ours_med=$(median "${ours[@]}"); theirs_med=$(median "${theirs[@]}")
rss() { # file -> peak RSS in MiB of a fresh owner that imported it
  local h="$work/rss-$(basename "$1")"
  DATACOOP_INSECURE_KDF_LOG_N=10 "$bin" --home "$h" init --name Rss > /dev/null 2>&1
  local p; p=$(start_owner "$h" 10)
  "$bin" --home "$h" data add "$1" --dataset rss --category fitness 2> /dev/null
  local kb; kb=$(awk '/VmHWM/ {print $2}' "/proc/$p/status")
  kill "$p"; wait "$p" 2>/dev/null || true
  rm -rf "$h"
  echo $((kb / 1024))
}
rss_small=$(rss "$work/input-100.bin")
rss_big=$(rss "$work/input.bin")

python3 - "$size_mib" "$ours_med" "$theirs_med" "$unlock" "$rss_small" "$rss_big" "${ours[*]}" "${theirs[*]}" <<'PY'
import sys
size, ours, theirs, unlock, rss_small, rss_big, all_ours, all_theirs = sys.argv[1:]
size = int(size); ours = float(ours); theirs = float(theirs)
print(f"input: {size} MiB of random bytes; medians of {len(all_ours.split())} runs, alternating")
print(f"datacoop data add (via serve): {ours:.2f} s = {size/ours:.0f} MiB/s   runs: {all_ours}")
print(f"Go age -r file to file:        {theirs:.2f} s = {size/theirs:.0f} MiB/s   runs: {all_theirs}")
print(f"ratio (datacoop speed / age speed): {theirs/ours:.2f}x   (target >= 0.8x)")
print(f"keystore unlock (default scrypt cost, whoami end to end): {unlock} s, not in the ratio")
print(f"peak RSS of the owning process: {rss_small} MiB after 100 MiB, {rss_big} MiB after {size} MiB")
PY
