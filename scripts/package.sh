#!/usr/bin/env bash
# Builds the Debian package with `tauri` (npm @tauri-apps/cli@2) and checks that it works:
# the package's metadata and files, then the packaged app itself, unpacked and started
# under Xvfb on a fresh home (made with `datacoop init`), must own that home and answer
# the datacoop command through its control socket. Prints where the .deb is.
#
#   scripts/package.sh            package the debug build (what the tests built; CI)
#   scripts/package.sh --release  build and package the optimised release (to ship)
#
# The default reuses the debug app that `scripts/e2e.sh` built (same features), so CI
# does not spend a second, optimised build on it; the check is the same either way.
# Needs what scripts/setup.sh installs (libwebkit2gtk-4.1-dev, xvfb, dpkg-deb, Node).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

profile=debug
case "${1:-}" in
  --release) profile=release ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--release]" >&2; exit 2 ;;
esac

start=$(date +%s)
( cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build )
if [ "$profile" = release ]; then
  features=(--workspace --release --features datacoop-app/custom-protocol)
else
  # The build the window tests made, which honours DATACOOP_INSECURE_KDF_LOG_N; the
  # release package never does.
  features=(--workspace --features "datacoop-app/custom-protocol,$DATACOOP_TEST_FEATURES")
fi
if [ "$profile" = release ]; then
  ui/node_modules/.bin/tauri build --bundles deb
else
  # What `tauri build --debug` compiles, resolved workspace-wide and with the tests'
  # dev-dependencies like every other build here (a no-op after scripts/e2e.sh), then
  # only the bundling step.
  cargo build "${features[@]}" --bins --tests --quiet
  ui/node_modules/.bin/tauri bundle --debug --bundles deb
fi
deb=$(ls -t "$CARGO_TARGET_DIR/$profile"/bundle/deb/datacoop_*_amd64.deb | head -1)
echo "package: built $deb ($(du -h "$deb" | cut -f1)) in $(( $(date +%s) - start ))s" >&2

fail() { echo "package: $*" >&2; exit 1; }

# What apt would see.
info=$(dpkg-deb --info "$deb")
grep -q "Package: datacoop" <<<"$info" || fail "the package is not named datacoop"
grep -q "libwebkit2gtk-4.1-0" <<<"$info" || fail "the package does not depend on libwebkit2gtk-4.1-0"
# tauri lists the libraries the app links (webkit, gtk, the tray's appindicator) itself.
twice=$(sed -n 's/^ *Depends: //p' <<<"$info" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort | uniq -d)
[ -z "$twice" ] || fail "the package lists a dependency twice: $twice"
files=$(dpkg-deb --contents "$deb")
for want in usr/bin/datacoop-app usr/share/applications/datacoop.desktop; do
  grep -Eq " (\./)?$want\$" <<<"$files" || fail "the package lacks $want"
done

# The packaged app starts, owns a fresh home and serves its control socket.
work=$(mktemp -d)
app_pid=
# The app runs under xvfb-run, which starts Xvfb and the app as its children: it is
# started in a session of its own, so that ending its process group ends all three.
cleanup() {
  if [ -n "$app_pid" ]; then
    kill -TERM -- "-$app_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
dpkg-deb -x "$deb" "$work/root"
home="$work/home"
# The datacoop command of the same build (a no-op: the build above made it; the debug
# build's features are resolved with the tests' dev-dependencies, as above).
if [ "$profile" = release ]; then
  cargo build "${features[@]}" --bins --quiet
else
  cargo build "${features[@]}" --bins --tests --quiet
fi
cli="$CARGO_TARGET_DIR/$profile/datacoop"
# The check binds the network on loopback only, as every test does.
export DATACOOP_LISTEN=127.0.0.1:0
DATACOOP_PASSPHRASE=package-check DATACOOP_INSECURE_KDF_LOG_N=10 \
  "$cli" --home "$home" init --name "Package check" >/dev/null 2>&1 || fail "datacoop init failed"
setsid xvfb-run -a "$work/root/usr/bin/datacoop-app" --home "$home" >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 300); do
  [ -S "$home/control.sock" ] && grep -q '"kind": *"app"' "$home/owner.json" 2>/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; fail "the packaged app exited"; }
  sleep 0.1
done
grep -q '"kind": *"app"' "$home/owner.json" 2>/dev/null || { cat "$work/app.log" >&2; fail "the packaged app never took its home"; }
# Until someone unlocks it in its window, the app answers the command line that it is
# locked (exit 3): proof that the packaged node runs and serves its control socket.
set +e
answer=$("$cli" --home "$home" whoami 2>&1)
code=$?
set -e
[ "$code" = 3 ] && grep -q "desktop app" <<<"$answer" \
  || fail "the packaged app did not answer through its control socket (exit $code): $answer"
echo "package: $deb works: the packaged app owned $home and answered the datacoop command" >&2
cleanup
trap - EXIT
# Nothing this script started may outlive it.
if pgrep -f "$work/root/usr/bin/datacoop-app" >/dev/null; then
  fail "the packaged app was still running after the check"
fi
