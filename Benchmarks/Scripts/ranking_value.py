"""Expected recovered dollars of a worklist from `overturn rank`, against first-in-first-out and
against ranking by probability alone, on synthetic claims whose true probabilities are known.

    overturn generate --rows 100000 --seed 11 -o backlog.csv --truth truth.csv
    overturn rank backlog.csv --capacity 10000 -o worklist.csv
    python3 Benchmarks/Scripts/ranking_value.py backlog.csv truth.csv worklist.csv

A claim's expected recovery is its true probability (the generator's, `--truth`) times its
billed amount. Each strategy picks as many claims as the worklist selected:
- rank: the worklist's selected claims;
- first in, first out: the first claims of the backlog file, in its order;
- probability alone: the claims with the highest model probability (the worklist's column);
- oracle: the claims with the highest true expected recovery (no ranking can beat it).
Standard library only.
"""
import csv
import sys


def main(backlog_path, truth_path, worklist_path):
    with open(truth_path, newline="") as f:
        truth = {r["claim_id"]: float(r["probability"]) for r in csv.DictReader(f)}
    with open(backlog_path, newline="") as f:
        backlog = [(r["claim_id"], float(r["billed_amount"])) for r in csv.DictReader(f)]
    amount = dict(backlog)
    with open(worklist_path, newline="") as f:
        worklist = list(csv.DictReader(f))
    chosen = [r["claim_id"] for r in worklist if r["selected"] == "yes"]
    k = len(chosen)

    def recovered(ids):
        return sum(truth[i] * amount[i] for i in ids)

    by_probability = sorted(worklist, key=lambda r: -float(r["probability"]))
    strategies = [
        ("overturn rank", chosen),
        ("first in, first out", [i for i, _ in backlog[:k]]),
        ("probability alone", [r["claim_id"] for r in by_probability[:k]]),
        ("oracle (true p × amount)", sorted(amount, key=lambda i: -truth[i] * amount[i])[:k]),
    ]
    fifo = recovered(strategies[1][1])
    print(f"{k:,} claims chosen of {len(backlog):,}")
    print("| strategy | expected recovered dollars | × first in, first out |")
    print("|---|---:|---:|")
    for name, ids in strategies:
        value = recovered(ids)
        print(f"| {name} | {value:,.0f} | {value / fifo:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
