#!/usr/bin/env bash
# Streams 10 million claims, then 20 million (2.4 GB, from a file and from standard input), through
# `overturn score` and prints each run's time and peak memory (GNU time's maximum resident set).
#
#   bash Benchmarks/Scripts/limits.sh [scratch folder, default /tmp/overturn-limits]
#
# Needs about 6 GB of disk in the scratch folder; removes what it wrote at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch=${1:-/tmp/overturn-limits}
mkdir -p "$scratch"
swift build -c release --product overturn >/dev/null
bin=.build/release/overturn
measure() {  # label, then the command
    local label=$1
    shift
    /usr/bin/time -f "$label: %e s, peak memory %M KB" "$@" 2>&1 | grep -F -e "$label:" -e "error" || true
}
"$bin" generate --rows 10000000 --seed 21 -o "$scratch/c10m.csv" --quiet
(cat "$scratch/c10m.csv"; tail -n +2 "$scratch/c10m.csv") >"$scratch/c20m.csv"
ls -l "$scratch/c10m.csv" "$scratch/c20m.csv"
measure "10M rows" "$bin" score "$scratch/c10m.csv" -o "$scratch/s.csv" --quiet
measure "10M rows, --reasons 3" "$bin" score "$scratch/c10m.csv" --reasons 3 -o "$scratch/s.csv" --quiet
measure "20M rows (2.4 GB)" "$bin" score "$scratch/c20m.csv" -o "$scratch/s.csv" --quiet
measure "20M rows from standard input" bash -c "cat '$scratch/c20m.csv' | '$bin' score - -o '$scratch/s.csv' --quiet"
rm -f "$scratch/c10m.csv" "$scratch/c20m.csv" "$scratch/s.csv"
