#!/usr/bin/env python3
"""Writes the LightGBM import fixtures of `Tests/OverturnTests/ModelFile/ImportTests.swift`.

    python make_lightgbm_fixture.py          # in the shared peer harness's environment (lightgbm 4.6)

Small `binary` models (15 trees of at most 15 leaves; 10 of depth 3; 500 of depth 8; learning rate
0.2; the last with at most 63 leaves) on 600 synthetic rows of
four named columns: three with 15% missing values (LightGBM's missing type NaN: a learned default
direction) and `letter` without any (missing type none: a missing value is read as 0), and many
exact zeros. Files: NAME.txt (each model as LightGBM saves it), lightgbm-small.csv (100 other rows,
blank = missing, including missing letters, for every model) and NAME-expected.csv (LightGBM's raw
score and probability for each of those rows), NAME in lightgbm-small, lightgbm-l7-t10,
lightgbm-d8-t500, and lightgbm-zero-t20 (20 trees of depth 5 trained with `zero_as_missing=True`:
missing type zero, so a zero or a NaN takes the default direction).
"""
import os

import lightgbm as lgb
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ["failed_medications", "days_to_appeal", "billed_amount", "letter"]


def rows(rng, n, letter_missing):
    X = np.column_stack([
        rng.integers(0, 6, n).astype(np.float64),
        rng.integers(0, 200, n).astype(np.float64),
        np.round(rng.gamma(2.0, 400.0, n), 2),
        rng.integers(0, 2, n).astype(np.float64),
    ])
    logit = 0.5 * X[:, 0] - 0.01 * X[:, 1] + 0.0004 * X[:, 2] + 1.2 * X[:, 3] - 1.0
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int32)
    mask = rng.random(X.shape) < 0.15
    if not letter_missing:
        mask[:, 3] = False
    X[mask] = np.nan
    return X.astype(np.float32), y


def write(name, booster, T):
    booster.save_model(os.path.join(HERE, f"{name}.txt"))
    raw = booster.predict(T, raw_score=True)
    p = booster.predict(T)

    def cell(v):
        return "" if np.isnan(v) else repr(float(v))

    if name == "lightgbm-small":  # the rows are shared by every shape
        with open(os.path.join(HERE, "lightgbm-small.csv"), "w") as f:
            f.write(",".join(NAMES) + "\n")
            for r in T:
                f.write(",".join(cell(v) for v in r) + "\n")
    with open(os.path.join(HERE, f"{name}-expected.csv"), "w") as f:
        f.write("row,margin,probability\n")
        for i in range(len(T)):
            f.write(f"r{i},{float(raw[i])!r},{float(p[i])!r}\n")
    print(f"{name}: lightgbm {lgb.__version__}, {booster.num_trees()} trees")


def main():
    rng = np.random.default_rng(5)
    X, y = rows(rng, 600, letter_missing=False)
    T, _ = rows(rng, 100, letter_missing=True)
    # The first shape keeps its historical name; the others span the sizes and tree counts.
    # The last reads zero as missing (missing type zero: a zero or a NaN takes the default direction).
    for name, leaves, depth, trees, zero in [("lightgbm-small", 15, -1, 15, False), ("lightgbm-l7-t10", 7, 3, 10, False),
                                             ("lightgbm-d8-t500", 63, 8, 500, False),
                                             ("lightgbm-zero-t20", 15, 5, 20, True)]:
        params = {"objective": "binary", "num_leaves": leaves, "max_depth": depth, "learning_rate": 0.2,
                  "min_data_in_leaf": 10, "verbose": -1, "seed": 0}
        if zero:
            params["zero_as_missing"] = True
        booster = lgb.train(params, lgb.Dataset(X, y, feature_name=NAMES), num_boost_round=trees)
        write(name, booster, T)


if __name__ == "__main__":
    main()
