#!/usr/bin/env bash
# `overturn score --reasons 3` against plain `overturn score` on the same 1M-row claims CSV with the
# shipped default model (200 trees), whole processes, back to back, three rounds.
#
#   Benchmarks/Scripts/score_reasons.sh [CLAIMS.csv]
#
# Without an argument the file is made with `overturn generate --rows 1000000 --seed 7`. Each line
# is the wall time and peak memory of one run; read the ratio per round.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
swift build -c release --product overturn >/dev/null
input="${1:-/tmp/overturn-claims-1m.csv}"
[ -f "$input" ] || .build/release/overturn generate --rows 1000000 --seed 7 -o "$input"
out="$(mktemp -d)"
for round in 1 2 3; do
    echo "== round $round"
    /usr/bin/time -f "plain: %e s, peak RSS %M KB" .build/release/overturn score "$input" -o "$out/plain.csv" 2>&1 | tail -1
    /usr/bin/time -f "--reasons 3: %e s, peak RSS %M KB" \
        .build/release/overturn score "$input" --reasons 3 -o "$out/reasons.csv" 2>&1 | tail -1
done
rm -rf "$out"
