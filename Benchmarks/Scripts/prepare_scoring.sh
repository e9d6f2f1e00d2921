#!/usr/bin/env bash
# Fills WORK with what scoring_vs_peers.sh and shap_vs_peers.sh time, once: the peer harness's 1M
# claims (gen_claims.py seed 7), its features, and scoring_peers.py's models and test matrix.
#
#   PYTHON=… PEERS=… Benchmarks/Scripts/prepare_scoring.sh WORK
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$1"
: "${PYTHON:?set PYTHON to the python of the peer harness}"
: "${PEERS:?set PEERS to the peer harness folder}"
mkdir -p "$work"
if [ ! -f "$work/X_test.npy" ]; then
    [ -f "$work/claims_1m.csv" ] || "$PYTHON" "$PEERS/gen_claims.py" --rows 1000000 --seed 7 --out "$work/claims_1m.csv"
    "$PYTHON" "$PEERS/peers.py" "$work/claims_1m.csv" --save-features "$work/f1m.npz" --featurize-only \
        --out "$work/harness" >/dev/null
    "$PYTHON" "$here/scoring_peers.py" prepare "$work/f1m.npz" "$work"
fi
