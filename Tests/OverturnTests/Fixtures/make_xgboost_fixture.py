#!/usr/bin/env python3
"""Writes the XGBoost import fixtures of `Tests/OverturnTests/ModelFile/ImportTests.swift`.

    python make_xgboost_fixture.py          # in the shared peer harness's environment (xgboost 3.2)

Small `binary:logistic` gbtree models (12 trees of depth 4; 10 of depth 3; 500 of depth 8; learning
rate 0.3) on 400 synthetic rows
of four named columns, about 15% of each missing, one column with many exact zeros: the cases
import must get right (the default direction of a missing value, XGBoost's strict `x < threshold`,
zero as a value). Files: NAME.json (each model as XGBoost saves it), xgboost-small.csv (100 other
rows, blank = missing, for every model) and NAME-expected.csv (XGBoost's margin and probability for
each of those rows, `inplace_predict`), NAME in xgboost-small, xgboost-d3-t10, xgboost-d8-t500.
"""
import os

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ["failed_medications", "days_to_appeal", "billed_amount", "letter"]


def rows(rng, n):
    X = np.column_stack([
        rng.integers(0, 6, n).astype(np.float32),
        rng.integers(0, 200, n).astype(np.float32),
        np.round(rng.gamma(2.0, 400.0, n), 2).astype(np.float32),
        rng.integers(0, 2, n).astype(np.float32),
    ])
    logit = 0.5 * X[:, 0] - 0.01 * X[:, 1] + 0.0004 * X[:, 2] + 1.2 * X[:, 3] - 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int32)
    X[rng.random(X.shape) < 0.15] = np.nan
    return X, y


def write(name, booster, T):
    booster.save_model(os.path.join(HERE, f"{name}.json"))
    margin = booster.inplace_predict(T, predict_type="margin")
    p = booster.inplace_predict(T)

    def cell(v):
        return "" if np.isnan(v) else repr(float(v))

    if name == "xgboost-small":  # the rows are shared by every shape
        with open(os.path.join(HERE, "xgboost-small.csv"), "w") as f:
            f.write("row," + ",".join(NAMES) + "\n")
            for i, r in enumerate(T):
                f.write(f"r{i}," + ",".join(cell(v) for v in r) + "\n")
    with open(os.path.join(HERE, f"{name}-expected.csv"), "w") as f:
        f.write("row,margin,probability\n")
        for i in range(len(T)):
            f.write(f"r{i},{float(margin[i])!r},{float(p[i])!r}\n")
    print(f"{name}: xgboost {xgb.__version__}, {booster.num_boosted_rounds()} trees")


def main():
    rng = np.random.default_rng(3)
    X, y = rows(rng, 400)
    T, _ = rows(rng, 100)
    # The first shape keeps its historical name; the others span the depths and tree counts.
    for name, depth, trees in [("xgboost-small", 4, 12), ("xgboost-d3-t10", 3, 10), ("xgboost-d8-t500", 8, 500)]:
        booster = xgb.train({"objective": "binary:logistic", "max_depth": depth, "eta": 0.3, "tree_method": "hist",
                             "seed": 0}, xgb.DMatrix(X, y, feature_names=NAMES), num_boost_round=trees)
        write(name, booster, T)


if __name__ == "__main__":
    main()
