#!/usr/bin/env bash
# End to end, 1M-row claims CSV to scores CSV: `overturn score` with the shipped default model against
# the peer harness's pandas + XGBoost pipeline (read_csv, featurize, inplace_predict, rank, to_csv;
# its XGBoost model of 200 trees of depth 6 over 627 features), on the same file, back to back.
#
#   PYTHON=$HOME/venvs/peers/bin/python PEERS=../shared/bench/peers Benchmarks/Scripts/score_vs_pandas.sh [WORK]
#
# Needs the shared peer harness (PEERS) and its Python environment (PYTHON): the project does not ship
# them. The harness trains its XGBoost model on its 800,107 training rows first (about a minute), then
# times its pipeline three times, each pass a fresh process, with pandas' default parser and with
# pyarrow's; `overturn score` runs three times as a whole process (model load included) before the
# harness and three times after it, so that a drift in the shared machine's speed during the
# Python runs weighs on both sides; compare the median of the six with the Python medians. The
# models differ (the harness's XGBoost model on its features, Overturn's default on its own), the
# work per row is alike: 200 trees of depth 6.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/overturn-score-vs-pandas}"
: "${PYTHON:?set PYTHON to the python of the peer harness}"
: "${PEERS:?set PEERS to the peer harness folder}"
mkdir -p "$work"
cd "$root"
swift build -c release --product overturn >/dev/null
[ -f "$work/claims_1m.csv" ] || "$PYTHON" "$PEERS/gen_claims.py" --rows 1000000 --seed 7 --out "$work/claims_1m.csv"
overturn_rounds() {
    for round in 1 2 3; do
        /usr/bin/time -f "overturn score (whole process, $1 the harness): %e s, peak RSS %M KB" \
            .build/release/overturn score "$work/claims_1m.csv" -o "$work/scores.csv" --threads 2 2>&1 \
            | tail -1 | tee -a "$work/overturn_times.txt"
    done
}
rm -f "$work/overturn_times.txt"
overturn_rounds before
"$PYTHON" "$PEERS/peers.py" "$work/claims_1m.csv" --peers xgboost,e2e --e2e-repeats 3 --threads 2 \
    --out "$work/harness" >/dev/null 2>"$work/harness.log"
overturn_rounds after
"$PYTHON" - "$work/harness/results.json" "$work/overturn_times.txt" <<'PY'
import json, re, statistics, sys
e2e = json.load(open(sys.argv[1]))["end_to_end"]
ours = [float(re.search(r": ([0-9.]+) s,", line).group(1)) for line in open(sys.argv[2])]
print(f"overturn score, {len(ours)} whole processes: median {statistics.median(ours):.2f} s")
for engine in ("default", "pyarrow"):
    r = e2e[engine]
    print(f"pandas ({engine} parser) + XGBoost, {r['rows']:,} rows, medians of {r['runs']}: "
          f"pipeline {r['pipeline_s']:.2f} s, process {r['worker_wall_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB; "
          f"its process / overturn's median: {r['worker_wall_s'] / statistics.median(ours):.1f}x")
PY
