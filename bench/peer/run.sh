#!/usr/bin/env bash
# Peer benchmark of the bulk import: enroll-console vs Microsoft's Python SDK
# (msgraph-beta-sdk) vs curl posting prebuilt bodies, each against a fresh
# in-memory sandbox on 127.0.0.1. Not part of `cargo test` or CI.
#
#   bench/peer/run.sh [--runs N] [--sdk-runs N] [--rows N] [--chunk N] [--in-flight N]
#
# Needs python3, curl, GNU time (/usr/bin/time); for the SDK (unless --sdk-runs 0) python3's
# venv and PyPI the first time.
set -euo pipefail
cd "$(dirname "$0")/../.."
# `--sdk-runs 0` measures enroll-console and curl only: no virtualenv, no PyPI.
sdk=1
prev=""
for arg in "$@"; do
  if [ "$arg" = "--sdk-runs=0" ] || { [ "$prev" = "--sdk-runs" ] && [ "$arg" = "0" ]; }; then
    sdk=0
  fi
  prev="$arg"
done
python="python3"
if [ "$sdk" = 1 ]; then
  venv="${PEER_VENV:-target/peer-venv}"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet msgraph-beta-sdk
  fi
  python="$venv/bin/python"
fi
cargo build --release --locked --bin enroll-console
python3 bench/peer/harness.py \
  --binary target/release/enroll-console \
  --python "$python" \
  "$@"
