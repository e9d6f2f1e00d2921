#!/usr/bin/env bash
# Tree scoring against XGBoost's inplace_predict, tl2cgen and lleaves on the same trees and the same
# matrix: the XGBoost model of 200 trees of depth 6 and the LightGBM model of 500 trees of 63 leaves
# that scoring_peers.py trains on the peer harness's claims features, imported into Overturn.
#
#   PYTHON=$HOME/venvs/peers/bin/python PEERS=../shared/bench/peers Benchmarks/Scripts/scoring_vs_peers.sh [WORK]
#
# Needs the shared peer harness (PEERS) and its Python environment (PYTHON): the project does not ship
# them. Three rounds, back to back: the peers (scoring_peers.py time), then Overturn's Scoring
# benchmark (swift package benchmark --target Scoring; it checks every margin against the library's
# first). Read the ratios per round.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/overturn-scoring}"
: "${PYTHON:?set PYTHON to the python of the peer harness}"
: "${PEERS:?set PEERS to the peer harness folder}"
"$here/prepare_scoring.sh" "$work"
for round in 1 2 3; do
    echo "== round $round"
    "$PYTHON" "$here/scoring_peers.py" time "$work" 2>/dev/null | grep "rows/s"
    # Only the scoring benchmarks (the target also holds TreeSHAP's: shap_vs_peers.sh runs those).
    (cd "$root/Benchmarks" && OVERTURN_SCORING_DIR="$work" swift package benchmark --target Scoring \
        --filter "Scoring.*" 2>/dev/null |
        awk '/^Scoring: / { name = $0 } /rows\/s/ { print "overturn " name ": p50 " $7 "k rows/s" }')
done
