"""The peers' TreeSHAP on the same trees and rows as Overturn's `TreeSHAP` benchmark.

    python shap_peers.py prepare WORK               # rows and reference contributions, once
    python shap_peers.py time WORK [--repeats 3]    # rows/s of each peer, 1 and 2 threads

WORK is the folder `scoring_peers.py prepare` filled (X_test.npy, xgb_d6_t200.json: XGBoost's 200
trees of depth 6 on the harness's 627 claims features). `prepare` writes X_shap.npy, the first
2,000 test rows, and xgb_d6_t200_contribs.npy, XGBoost's `pred_contribs` for them (627
contributions and the bias per row), which the Swift benchmark checks its own against before
timing. `time` runs XGBoost's `predict(pred_contribs=True)` with 1 and 2 threads and
`shap.TreeExplainer(...).shap_values` (shap's own C++ TreeSHAP when given the XGBoost model: the
harness calls it `shap_tree_explainer`), median rows/s of `--repeats` runs after a warm-up, and
writes WORK/peers_shap.json.
"""
import argparse
import json
import os
import sys

import numpy as np

from scoring_peers import median_rows_per_s

ROWS = 2_000


def prepare(work):
    import xgboost as xgb

    x = np.ascontiguousarray(np.load(os.path.join(work, "X_test.npy"))[:ROWS])
    np.save(os.path.join(work, "X_shap.npy"), x)
    booster = xgb.Booster(model_file=os.path.join(work, "xgb_d6_t200.json"))
    contribs = booster.predict(xgb.DMatrix(x, feature_names=booster.feature_names), pred_contribs=True)
    np.save(os.path.join(work, "xgb_d6_t200_contribs.npy"), contribs.astype(np.float64))
    print(f"prepared {work}: {x.shape[0]} rows x {x.shape[1]} features, contributions {contribs.shape}")


def time_peers(work, repeats):
    import shap
    import xgboost as xgb

    x = np.load(os.path.join(work, "X_shap.npy"))
    rows = x.shape[0]
    booster = xgb.Booster(model_file=os.path.join(work, "xgb_d6_t200.json"))
    dmatrix = xgb.DMatrix(x, feature_names=booster.feature_names)
    results = {}
    for threads in (1, 2):
        booster.set_param({"nthread": threads})
        results[f"xgboost pred_contribs, xgb_d6_t200, {threads} threads"] = median_rows_per_s(
            lambda: booster.predict(dmatrix, pred_contribs=True), rows, repeats)
    booster.set_param({"nthread": 1})
    explainer = shap.TreeExplainer(booster)
    some = x[:500]
    results["shap TreeExplainer, xgb_d6_t200, 1 thread"] = median_rows_per_s(
        lambda: explainer.shap_values(some, check_additivity=False), len(some), repeats)
    for name, rate in results.items():
        print(f"{name}: {rate:,.0f} rows/s")
    with open(os.path.join(work, "peers_shap.json"), "w") as f:
        json.dump(results, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("work")
    t = sub.add_parser("time")
    t.add_argument("work")
    t.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.work)
    else:
        time_peers(args.work, args.repeats)


if __name__ == "__main__":
    sys.exit(main())
