#!/usr/bin/env bash
# Installs what datacoop needs on Debian 12 (bookworm) and is missing: system packages
# for building the node and (soon) the Tauri desktop shell, the Go `age` CLI used by the
# interoperability tests, and the test tools. Safe to run again: it only installs
# what is absent. Prerequisites it does not install: Rust (stable) and Node.js >= 20.19.
set -euo pipefail

packages=(
  build-essential pkg-config file
  # Tauri 2 desktop shell
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev
  # tests: Go age for interop, a real window under Xvfb, util-linux for mount/flock
  age xvfb xauth webkit2gtk-driver imagemagick dbus util-linux procps
  # tests: a virtual environment for the Croissant validator (scripts/croissant-venv.sh)
  python3 python3-venv
)

need_cmd() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is required ($2)" >&2; exit 1; }
}
need_cmd cargo "install Rust from https://rustup.rs"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need_cmd npm "install Node.js 20.19 or newer"
# The WebDriver bridge for the desktop app's window tests.
command -v tauri-driver >/dev/null 2>&1 || cargo install tauri-driver --locked --quiet
# The desktop app's front end.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
