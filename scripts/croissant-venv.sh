#!/usr/bin/env bash
# Makes sure a Python virtual environment with `mlcroissant` (the MLCommons Croissant
# validator) exists and prints the absolute path of its `mlcroissant` executable as the
# last (and only) line on stdout; everything else goes to stderr. The venv lives at
# $DATACOOP_VENV (default ~/.cache/datacoop/venv). pip runs only when the pinned version
# is not installed yet, so repeated runs are fast and need no network.
#
#   mlc="$(scripts/croissant-venv.sh)" && "$mlc" validate --jsonld croissant.json
set -euo pipefail

MLCROISSANT_VERSION="1.1.1"
venv="${DATACOOP_VENV:-$HOME/.cache/datacoop/venv}"

command -v python3 >/dev/null 2>&1 || {
  echo "croissant-venv: python3 is required (apt-get install python3 python3-venv)" >&2
  exit 1
}

# A venv whose interpreter no longer runs (e.g. the system Python changed) is rebuilt.
if [ -d "$venv" ] && ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
  echo "croissant-venv: $venv is broken, recreating it" >&2
  rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "croissant-venv: creating $venv" >&2
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv" >&2 || {
    echo "croissant-venv: 'python3 -m venv' failed (on Debian: apt-get install python3-venv)" >&2
    exit 1
  }
fi
venv="$(cd "$venv" && pwd -P)"

# Installed already? The dist-info folder of the pinned version is the cheap check.
installed() {
  local d
  for d in "$venv"/lib/python3*/site-packages/mlcroissant-"$MLCROISSANT_VERSION".dist-info; do
    [ -d "$d" ] && [ -x "$venv/bin/mlcroissant" ] && return 0
  done
  return 1
}
if ! installed; then
  echo "croissant-venv: installing mlcroissant==$MLCROISSANT_VERSION into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "mlcroissant==$MLCROISSANT_VERSION" >&2
  installed || { echo "croissant-venv: mlcroissant did not install" >&2; exit 1; }
fi

echo "$venv/bin/mlcroissant"
