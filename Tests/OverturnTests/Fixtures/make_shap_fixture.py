#!/usr/bin/env python3
"""Writes the TreeSHAP fixtures of `Tests/OverturnTests/Explain/TreeSHAPTests.swift`.

    python make_shap_fixture.py path/to/overturn      # in the peer harness's environment

1. XGBoost's own TreeSHAP (`Booster.predict(..., pred_contribs=True)`) of the three XGBoost import
   fixtures (xgboost-small, xgboost-d3-t10, xgboost-d8-t500) on the 100 rows of xgboost-small.csv
   (missing values included): NAME-contribs.csv, one line per row with the four features'
   contributions and XGBoost's bias (expected value), in log-odds.
2. `shap.TreeExplainer` on Overturn's own trees as exported to XGBoost (xgboost-export.json) for
   the first 100 rows of Datasets/claims-sample.csv, on the dense matrix of Overturn's features
   (`overturn features`): xgboost-export-shap.csv, one line per row and feature whose contribution
   is not zero (`row,feature,contribution`, the feature by its column index), and the expected
   value as feature -1.
"""
import os
import sys

import numpy as np
import shap
import xgboost as xgb

from make_export_fixture import dense_features

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../.."))
EXPORT_ROWS = 100


def small_rows():
    rows = []
    with open(os.path.join(HERE, "xgboost-small.csv")) as f:
        next(f)
        for line in f:
            cells = line.rstrip("\n").split(",")[1:]
            rows.append([float(c) if c else np.nan for c in cells])
    return np.array(rows, dtype=np.float32)


def main():
    overturn = sys.argv[1]
    X = small_rows()
    for name in ["xgboost-small", "xgboost-d3-t10", "xgboost-d8-t500"]:
        booster = xgb.Booster(model_file=os.path.join(HERE, f"{name}.json"))
        contribs = booster.predict(xgb.DMatrix(X, missing=np.nan, feature_names=booster.feature_names), pred_contribs=True)
        with open(os.path.join(HERE, f"{name}-contribs.csv"), "w") as f:
            f.write("row," + ",".join(booster.feature_names) + ",bias\n")
            for i, c in enumerate(contribs):
                f.write(f"r{i}," + ",".join(repr(float(v)) for v in c) + "\n")
        print(f"{name}: xgboost {xgb.__version__} pred_contribs, {len(X)} rows")

    D = dense_features(overturn, os.path.join(ROOT, "Datasets/claims-sample.csv"), EXPORT_ROWS)
    width = D.shape[1]
    booster = xgb.Booster(model_file=os.path.join(HERE, "xgboost-export.json"))
    explainer = shap.TreeExplainer(booster)
    values = explainer.shap_values(D)
    expected = float(np.asarray(explainer.expected_value).reshape(-1)[0])
    with open(os.path.join(HERE, "xgboost-export-shap.csv"), "w") as f:
        f.write("row,feature,contribution\n")
        for i in range(EXPORT_ROWS):
            f.write(f"{i},-1,{expected!r}\n")
            for j in np.nonzero(values[i])[0]:
                f.write(f"{i},{j},{float(values[i, j])!r}\n")
    print(f"xgboost-export: shap {shap.__version__} TreeExplainer, {EXPORT_ROWS} rows of {width} columns")


if __name__ == "__main__":
    main()
