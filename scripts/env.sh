# Sourced by the scripts: cargo target folders outside the clone, so repeated runs (and
# CI on the same machine) build incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/datacoop/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
