#!/usr/bin/env python3
"""The peers on the California IMR data, time-ordered split: train on report years <= 2012, test on
2013-2014, the split of issue 4 and of `Models/README.md`.

    python imr_peers.py Datasets/ca-imr/ca_dmhc_imr_2001_2014.csv [--overturn-scores scores.csv ...]

Features as the shared peer harness builds them (`../shared/bench/peers/peers.py`): `Report Year`
as a number, one-hot for the seven categorical columns (a blank is its own level), fitted on the
training years; CatBoost gets the categorical columns natively (ordered target statistics). Tree
configuration as the harness's: 200 trees, max depth 6 (63 leaves for LightGBM), learning rate 0.1,
255 bins, L2 1.0, at least 20 rows per leaf where the library has the knob, no subsampling, no early
stopping. Prints AUC, log loss, Brier and the expected calibration error (10 bins) on the test years
for every peer, and for any Overturn
score files given (`claim id,probability` as `overturn score` writes them).
"""
import argparse
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

ID, LABEL, POSITIVE, YEAR = "Reference ID", "Determination", "Overturned Decision of Health Plan", "Report Year"
CATEGORICAL = ["Diagnosis Category", "Diagnosis Sub Category", "Treatment Category", "Treatment Sub Category",
               "Type", "Age Range", "Patient Gender"]


def expected_calibration_error(y, p):
    """10 bins of equal width; a probability of 1 goes in the last (as `overturn evaluate`)."""
    bins = np.minimum((p * 10).astype(int), 9)
    return sum(abs(p[bins == b].mean() - y[bins == b].mean()) * (bins == b).sum() for b in range(10) if (bins == b).any()) / len(p)


def metrics(y, p):
    p = np.asarray(p, dtype=float)
    return roc_auc_score(y, p), log_loss(y, p), brier_score_loss(y, p), expected_calibration_error(y, p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--overturn-scores", nargs="*", default=[])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    d = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    year = d[YEAR].astype(int)
    train, test = d[year <= 2012].reset_index(drop=True), d[year >= 2013].reset_index(drop=True)
    ytr = (train[LABEL] == POSITIVE).astype(int).values
    yte = (test[LABEL] == POSITIVE).astype(int).values

    def one_hot(frame, levels):
        cols = [frame[YEAR].astype(float).values[:, None]]
        for c in CATEGORICAL:
            cols.append((frame[c].to_numpy(dtype=object)[:, None] == np.array(levels[c], dtype=object)[None, :]).astype(np.float32))
        return np.hstack(cols).astype(np.float32)

    levels = {c: sorted(train[c].unique()) for c in CATEGORICAL}
    Xtr, Xte = one_hot(train, levels), one_hot(test, levels)
    print(f"train {len(train)} rows (<= 2012), test {len(test)} rows (2013-2014), {Xtr.shape[1]} one-hot columns")
    rows = []

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    lr = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    rows.append(("sklearn_lr", metrics(yte, lr.fit(Xtr, ytr).predict_proba(Xte)[:, 1])))

    import lightgbm as lgb
    booster = lgb.train(dict(objective="binary", learning_rate=0.1, num_leaves=63, max_depth=6, max_bin=255,
                             lambda_l2=1.0, min_data_in_leaf=20, num_threads=args.threads, verbose=-1, seed=0),
                        lgb.Dataset(Xtr, ytr), num_boost_round=200)
    rows.append(("lightgbm", metrics(yte, booster.predict(Xte))))


    import xgboost as xgb
    model = xgb.XGBClassifier(n_estimators=200, max_depth=6, learning_rate=0.1, max_bin=255, reg_lambda=1.0,
                              tree_method="hist", n_jobs=args.threads, random_state=0)
    rows.append(("xgboost", metrics(yte, model.fit(Xtr, ytr).predict_proba(Xte)[:, 1])))

    from catboost import CatBoostClassifier
    ctr, cte = train[[YEAR] + CATEGORICAL].copy(), test[[YEAR] + CATEGORICAL].copy()
    ctr[YEAR], cte[YEAR] = ctr[YEAR].astype(int), cte[YEAR].astype(int)
    cb = CatBoostClassifier(iterations=200, depth=6, learning_rate=0.1, l2_leaf_reg=1.0, border_count=254,
                            bootstrap_type="No", thread_count=args.threads, random_seed=0, verbose=False,
                            cat_features=CATEGORICAL, allow_writing_files=False)
    rows.append(("catboost", metrics(yte, cb.fit(ctr, ytr).predict_proba(cte)[:, 1])))

    for path in args.overturn_scores:
        s = pd.read_csv(path, dtype={0: str})
        m = test[[ID]].assign(y=yte).merge(s, left_on=ID, right_on=s.columns[0], how="left")
        if m.probability.isna().any() or len(m) != len(test):
            sys.exit(f"{path}: does not score every test row")
        rows.append((f"overturn {path}", metrics(m.y.values, m.probability.values)))

    print("| model | AUC | log loss | Brier | ECE |\n|---|---:|---:|---:|---:|")
    for name, (auc, ll, brier, ece) in rows:
        print(f"| {name} | {auc:.4f} | {ll:.4f} | {brier:.4f} | {ece:.4f} |")


if __name__ == "__main__":
    main()
