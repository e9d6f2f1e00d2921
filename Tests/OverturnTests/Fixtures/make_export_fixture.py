#!/usr/bin/env python3
"""Writes the XGBoost export fixtures of `Tests/OverturnTests/ModelFile/ImportTests.swift`.

    python make_export_fixture.py path/to/overturn      # in the peer harness's environment (xgboost 3.2)

Trains Overturn trees on `Datasets/claims-sample.csv` (20 trees of at most 15 leaves, categories
one-hot, no held-out rows), exports them with `overturn export --to xgboost`, and scores the first
300 sample rows with XGBoost itself on the dense matrix of Overturn's features (`overturn
features`). Files: xgboost-export.json (the export, which the Swift test must reproduce byte for
byte) and xgboost-export-expected.csv (XGBoost's probability per row).
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


def dense_features(overturn, csv, rows):
    """The first `rows` rows of Overturn's features of `csv` (`overturn features`), dense float32."""
    with tempfile.TemporaryDirectory() as work:
        features = os.path.join(work, "features")
        subprocess.run([overturn, "features", csv, "-o", features], check=True)
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
    with tempfile.TemporaryDirectory() as work:
        model = os.path.join(work, "m.json")
        subprocess.run([overturn, "train", sample, "--algorithm", "trees", "--categories", "one-hot", "--trees", "20",
                        "--max-leaves", "15", "--validation-fraction", "0", "-o", model], check=True)
        export = os.path.join(HERE, "xgboost-export.json")
        subprocess.run([overturn, "export", "--to", "xgboost", model, "-o", export], check=True)
    X = dense_features(overturn, sample, ROWS)
    width = X.shape[1]
    p = xgb.Booster(model_file=export).inplace_predict(X)
    with open(os.path.join(HERE, "xgboost-export-expected.csv"), "w") as f:
        f.write("row,probability\n")
        for i in range(ROWS):
            f.write(f"{i},{float(p[i])!r}\n")
    print(f"xgboost {xgb.__version__}: {ROWS} rows of {width} columns")


if __name__ == "__main__":
    main()
