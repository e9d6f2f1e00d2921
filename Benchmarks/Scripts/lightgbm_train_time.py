#!/usr/bin/env python3
"""LightGBM's training time, accuracy and memory on the peer harness's feature matrix, for the
side-by-side comparison with `overturn train --algorithm trees` (Benchmarks/README.md).

    python peers.py claims_1m.csv --save-features f1m.npz --featurize-only   # the shared harness
    python lightgbm_train_time.py f1m.npz [--repeats 3] [--threads 2]

Configuration exactly as the harness's `worker_lightgbm`: 200 trees, 63 leaves, max depth 6,
learning rate 0.1, 255 bins, L2 1.0, at least 20 rows per leaf, no subsampling, no early stopping.
Times one `lgb.Dataset` construction plus `lgb.train` (what the harness's `train_s` covers), each
repeat in this process; prints every run, the median, test AUC / log loss / Brier, and the
process's peak resident memory (VmHWM, which includes the dense float32 matrices).
"""
import argparse
import statistics
import time

import numpy as np


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("npz")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    import lightgbm as lgb
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    d = np.load(args.npz)
    X, y, Xt, yt = d["X_train"], d["y_train"], d["X_test"], d["y_test"]
    params = {"objective": "binary", "num_leaves": 63, "max_depth": 6, "learning_rate": 0.1, "max_bin": 255,
              "lambda_l2": 1.0, "min_data_in_leaf": 20, "num_threads": args.threads, "seed": 0, "verbose": -1}
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        ds = lgb.Dataset(X, y, params={"max_bin": 255, "verbose": -1})
        booster = lgb.train(params, ds, num_boost_round=200)
        times.append(time.perf_counter() - t)
        print(f"lightgbm train {times[-1]:.2f} s", flush=True)
    p = booster.predict(Xt, num_threads=args.threads)
    print(f"lightgbm: {X.shape[0]} rows x {X.shape[1]} columns, {args.threads} threads, "
          f"median train {statistics.median(times):.2f} s of {len(times)}; "
          f"AUC {roc_auc_score(yt, p):.4f} log loss {log_loss(yt, p):.4f} Brier {brier_score_loss(yt, p):.4f}; "
          f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
