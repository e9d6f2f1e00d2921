#!/usr/bin/env bash
# Peak memory of `overturn score` (default model, 2 threads) on 100k, 1M and 10M synthetic claims:
# streaming in chunks, it should not grow with the input.
#
#   Benchmarks/Scripts/score_memory.sh [WORK]
#
# 10M claims take 1.2 GB of disk in WORK (the CSV) plus 0.2 GB of scores.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-/tmp/overturn-score-memory}"
mkdir -p "$work"
cd "$root"
swift build -c release --product overturn >/dev/null
for rows in 100000 1000000 10000000; do
    [ -f "$work/claims_$rows.csv" ] || .build/release/overturn generate --rows "$rows" --seed 7 -o "$work/claims_$rows.csv" 2>/dev/null
    /usr/bin/time -f "$rows rows: %e s, peak RSS %M KB" \
        .build/release/overturn score "$work/claims_$rows.csv" -o "$work/scores_$rows.csv" --threads 2 2>&1 | tail -1
done
