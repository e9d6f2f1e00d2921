#!/usr/bin/env bash
# Feature extraction against pandas (issue 2's goals): the Ingestion suite's extraction benchmarks
# (parse + extract with a fitted extractor, on one thread; fit and extract in one read, on 1 and 2
# threads) and the peer harness's `read_csv` + `fit_spec` + `transform` on the same 1M-claim file,
# back to back, PAIRS times (default 2). Prints each pair's medians, rows/s, and the fit-and-extract
# runs' ratios to pandas (the same work: a vocabulary fitted, then every row extracted).
#
#   PYTHON=$HOME/venvs/peers/bin/python PEERS=../shared/bench/peers Benchmarks/Scripts/ingestion_vs_pandas.sh [PAIRS]
#
# Needs the shared peer harness (PEERS) and its Python environment (PYTHON): the project does not ship
# them. The file is the suite's own (ClaimsGenerator seed 7, made in the temporary folder on the
# suite's first run). The machine is shared: read the pairs as a range, not the best of them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${PYTHON:?set PYTHON to the python of the peer harness}"
: "${PEERS:?set PEERS to the peer harness folder}"
pairs="${1:-2}"
tmp="${TMPDIR:-/tmp}"
claims="$tmp/overturn-bench-claims-1m-seed7.csv"
work="$(mktemp -d "$tmp/overturn-ingestion-vs-pandas.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$root/Benchmarks"
for pair in $(seq 1 "$pairs"); do
    swift package benchmark --target Ingestion --filter "Features: (parse \\+ extract|fit and extract).*" >"$work/suite.txt" 2>&1
    "$PYTHON" "$PEERS/peers.py" "$claims" --featurize-only --out "$work/peers" >"$work/peers.txt" 2>&1
    python3 - "$pair" "$work/suite.txt" "$work/peers.txt" <<'PY'
import ast, re, sys
pair, suite, peers = sys.argv[1], open(sys.argv[2]).read(), open(sys.argv[3]).read()
medians, name = {}, None
for line in suite.splitlines():
    if line.startswith("Features:"):
        name = line.strip()
    elif name and "Time (wall clock)" in line:
        medians[name] = int(line.split("│")[4]) / 1000  # p0, p25, p50: the third number
prep = ast.literal_eval(re.search(r"prep (\{.*\})", peers).group(1))
pandas = prep["read_csv_s"] + prep["fit_spec_s"] + prep["featurize_s"]
print(f"== pair {pair}: pandas read_csv + fit_spec + transform {pandas:.2f} s "
      f"({prep['read_csv_s']:.2f} + {prep['fit_spec_s']:.2f} + {prep['featurize_s']:.2f})")
for name, seconds in medians.items():
    # Fitting and extracting is pandas' work here; extracting with a fitted extractor is not.
    ratio = f"; pandas / this {pandas / seconds:.1f}x" if "fit and extract" in name else ""
    print(f"{name}: median {seconds:.3f} s ({1 / seconds:.2f}M rows/s){ratio}")
PY
done
