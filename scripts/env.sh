# Sourced by the scripts: cargo target folders outside the clone, so repeated runs (and
# CI on the same machine) build incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/datacoop/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# What builds made for the test suite, the window tests and the benchmarks switch on:
# DATACOOP_INSECURE_KDF_LOG_N is honoured only with it (cheap scrypt for throwaway homes).
# The app `scripts/app.sh` starts and the release package never have it.
export DATACOOP_TEST_FEATURES="datacoop-node/insecure-test-kdf"
