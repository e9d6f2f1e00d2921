#!/usr/bin/env python3
"""Writes the XGBoost export fixtures of `Tests/OverturnTests/ModelFile/ImportTests.swift`.

    python make_export_fixture.py path/to/overturn      # in the peer harness's environment (xgboost 3.2)

Trains Overturn trees on `Datasets/claims-sample.csv` (20 trees of at most 15 leaves, no held-out
rows) three times, once per way of splitting a category (one-hot; native, groups of levels, which
XGBoost reads as categorical splits; target statistics), exports each with `overturn export --to
xgboost`, and scores the first 300 sample rows with XGBoost itself on the dense matrix that `overturn
features --model` writes for it. Files, per way (NAME: xgboost-export, xgboost-export-native,
xgboost-export-target-statistics): NAME.json (the export, which the Swift test must reproduce byte
for byte) and NAME-expected.csv (XGBoost's probability per row).
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../.."))
ROWS = 300


WAYS = {"xgboost-export": "one-hot", "xgboost-export-native": "native",
        "xgboost-export-target-statistics": "target-statistics"}


def dense_features(overturn, csv, model, rows):
    """The first `rows` rows of the matrix `overturn features --model` writes, dense float32."""
    with tempfile.TemporaryDirectory() as work:
        features = os.path.join(work, "features")
        subprocess.run([overturn, "features", csv, "--model", model, "-o", features], check=True)
        data = np.load(os.path.join(features, "data.npy"))
        indices = np.load(os.path.join(features, "indices.npy"))
        indptr = np.load(os.path.join(features, "indptr.npy"))
        width = sum(1 for _ in open(os.path.join(features, "columns.txt")))
    X = np.zeros((rows, width), dtype=np.float32)
    for i in range(rows):
        X[i, indices[indptr[i]:indptr[i + 1]]] = data[indptr[i]:indptr[i + 1]]
    return X


def main():
    overturn = sys.argv[1]
    sample = os.path.join(ROOT, "Datasets/claims-sample.csv")
    for name, way in WAYS.items():
        with tempfile.TemporaryDirectory() as work:
            model = os.path.join(work, "m.json")
            subprocess.run([overturn, "train", sample, "--algorithm", "trees", "--categories", way, "--trees", "20",
                            "--max-leaves", "15", "--validation-fraction", "0", "-o", model], check=True)
            export = os.path.join(HERE, name + ".json")
            subprocess.run([overturn, "export", "--to", "xgboost", model, "-o", export], check=True)
            X = dense_features(overturn, sample, model, ROWS)
        p = xgb.Booster(model_file=export).inplace_predict(X)
        with open(os.path.join(HERE, name + "-expected.csv"), "w") as f:
            f.write("row,probability\n")
            for i in range(ROWS):
                f.write(f"{i},{float(p[i])!r}\n")
        print(f"xgboost {xgb.__version__}: {name}: {ROWS} rows of {X.shape[1]} columns")


if __name__ == "__main__":
    main()
