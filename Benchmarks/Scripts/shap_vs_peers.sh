#!/usr/bin/env bash
# TreeSHAP against XGBoost's pred_contribs and shap's TreeExplainer on the same trees and rows: the
# XGBoost model of 200 trees of depth 6 that scoring_peers.py trains on the peer harness's claims
# features (627 columns), imported into Overturn, explaining the first 2,000 test rows.
#
#   PYTHON=$HOME/venvs/peers/bin/python PEERS=../shared/bench/peers Benchmarks/Scripts/shap_vs_peers.sh [WORK]
#
# Needs the shared peer harness (PEERS) and its Python environment (PYTHON): the project does not ship
# them. Prepares WORK once (prepare_scoring.sh, as scoring_vs_peers.sh does), adds the SHAP rows and XGBoost's own
# contributions (shap_peers.py prepare), then three rounds back to back: the peers (shap_peers.py
# time), then Overturn's TreeSHAP benchmark (swift package benchmark --target Scoring --filter
# TreeSHAP; it checks every contribution against XGBoost's first). Read the ratios per round.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/overturn-scoring}"
: "${PYTHON:?set PYTHON to the python of the peer harness}"
: "${PEERS:?set PEERS to the peer harness folder}"
"$here/prepare_scoring.sh" "$work"
[ -f "$work/X_shap.npy" ] || "$PYTHON" "$here/shap_peers.py" prepare "$work"
for round in 1 2 3; do
    echo "== round $round"
    "$PYTHON" "$here/shap_peers.py" time "$work" 2>/dev/null | grep "rows/s"
    (cd "$root/Benchmarks" && OVERTURN_SCORING_DIR="$work" swift package benchmark --target Scoring \
        --filter "TreeSHAP.*" 2>/dev/null |
        awk '/^TreeSHAP: largest/ && !seen++ { print } /^TreeSHAP: xgb/ { name = $0 } /rows\/s/ { print "overturn " name ": p50 " $7 "k rows/s" }')
done
