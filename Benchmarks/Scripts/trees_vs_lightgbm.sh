#!/usr/bin/env bash
# Overturn's tree training against LightGBM on the same 800,107 training claims, back to back.
#
#   PYTHON=$HOME/venvs/peers/bin/python PEERS=../shared/bench/peers Benchmarks/Scripts/trees_vs_lightgbm.sh [WORK]
#
# Needs the shared peer harness (PEERS) and its Python environment (PYTHON): the project does not ship
# them. Generates the harness's 1M claims (seed 7), splits them as the harness does, featurizes them
# for LightGBM, then alternates, three rounds: LightGBM (Dataset + train, one run), Overturn in
# process (`swift package benchmark --target Trees`, fit only: binning + boosting, 2 threads), and
# `overturn train --algorithm trees` as a whole process (CSV to model file). Accuracy of both on the
# harness's test rows comes last.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/overturn-trees-vs-lightgbm}"
: "${PYTHON:?set PYTHON to the python of the peer harness}"
: "${PEERS:?set PEERS to the peer harness folder}"
mkdir -p "$work"
cd "$root"
swift build -c release --product overturn >/dev/null
if [ ! -f "$work/claims_1m.csv" ]; then
    "$PYTHON" "$PEERS/gen_claims.py" --rows 1000000 --seed 7 --out "$work/claims_1m.csv"
fi
[ -f "$work/train.csv" ] || "$PYTHON" "$here/split_claims.py" "$work/claims_1m.csv" "$work/train.csv" "$work/test.csv"
[ -f "$work/f1m.npz" ] || "$PYTHON" "$PEERS/peers.py" "$work/claims_1m.csv" --save-features "$work/f1m.npz" \
    --featurize-only --out "$work/harness" >/dev/null
args=(--algorithm trees --validation-fraction 0 --threads 2)
for round in 1 2 3; do
    echo "== round $round"
    "$PYTHON" "$here/lightgbm_train_time.py" "$work/f1m.npz" --repeats 1 --threads 2 | tail -1
    (cd "$root/Benchmarks" && OVERTURN_TREES_CSV="$work/train.csv" swift package benchmark --target Trees \
        --filter ".*2 threads" 2>/dev/null | grep -E "Metric|wall clock|resident")
    /usr/bin/time -f "overturn train (whole process): %e s, peak RSS %M KB" \
        .build/release/overturn train "$work/train.csv" "${args[@]}" -o "$work/trees.json" 2>&1 | tail -2
done
.build/release/overturn score "$work/test.csv" --model "$work/trees.json" -o "$work/scores.csv" 2>/dev/null
"$PYTHON" - "$work/test.csv" "$work/scores.csv" <<'PY'
import sys, pandas as pd
from sklearn.metrics import roc_auc_score, log_loss, brier_score_loss
t = pd.read_csv(sys.argv[1], usecols=["claim_id", "outcome"]); s = pd.read_csv(sys.argv[2])
m = t.merge(s, on="claim_id")
print(f"overturn trees on {len(m)} test rows: AUC {roc_auc_score(m.outcome, m.probability):.4f} "
      f"log loss {log_loss(m.outcome, m.probability):.4f} Brier {brier_score_loss(m.outcome, m.probability):.4f}")
PY
