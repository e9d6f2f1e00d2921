"""The peers' tree scoring on the same matrix and the same trees as Overturn's `Scoring` benchmark.

    python scoring_peers.py prepare FEATURES.npz WORK   # models and matrix, once
    python scoring_peers.py time WORK [--repeats 5]     # rows/s of each peer, 1 and 2 threads

`prepare` takes the peer harness's pre-featurized 1M claims (`peers.py --save-features`) and writes
into WORK:
  X_test.npy            the test rows, dense float32 (199,893 x 627), as every scorer reads them
  xgb_d6_t200.json      XGBoost, 200 trees of depth 6 (hist, 255 bins, learning rate 0.1, L2 1),
                        trained on the first 200,000 training rows
  lgb_l63_t500.txt      LightGBM, 500 trees of at most 63 leaves (no depth cap), same rows
  *_margins.npy         each library's own margins on X_test, for the parity check
`time` scores X_test with XGBoost's `inplace_predict` (margins, float32 in), lleaves (the LightGBM
model compiled by LLVM; compiled once into WORK) and tl2cgen (the XGBoost model compiled to C with
gcc -O3), with 1 and 2 threads: median rows/s of `--repeats` runs after a warm-up. It prints one
line per peer and writes WORK/peers_scoring.json.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def prepare(features, work):
    import lightgbm as lgb
    import xgboost as xgb

    os.makedirs(work, exist_ok=True)
    data = np.load(features)
    x_test = np.ascontiguousarray(data["X_test"], dtype=np.float32)
    np.save(os.path.join(work, "X_test.npy"), x_test)
    x_train = np.ascontiguousarray(data["X_train"][:200_000], dtype=np.float32)
    y_train = data["y_train"][:200_000]
    names = [f"f{i}" for i in range(x_train.shape[1])]

    booster = xgb.train(
        {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.1,
         "max_bin": 255, "lambda": 1.0, "nthread": 2, "seed": 0},
        xgb.QuantileDMatrix(x_train, y_train, feature_names=names, max_bin=255), num_boost_round=200)
    booster.save_model(os.path.join(work, "xgb_d6_t200.json"))
    np.save(os.path.join(work, "xgb_d6_t200_margins.npy"),
            booster.inplace_predict(x_test, predict_type="margin").astype(np.float64))

    params = {"objective": "binary", "num_leaves": 63, "learning_rate": 0.1, "max_bin": 255,
              "lambda_l2": 1.0, "min_data_in_leaf": 20, "num_threads": 2, "verbose": -1, "seed": 0}
    model = lgb.train(params, lgb.Dataset(x_train, y_train, feature_name=names), num_boost_round=500)
    model.save_model(os.path.join(work, "lgb_l63_t500.txt"))
    np.save(os.path.join(work, "lgb_l63_t500_margins.npy"), model.predict(x_test, raw_score=True))
    print(f"prepared {work}: {x_test.shape[0]} test rows x {x_test.shape[1]} features")


def median_rows_per_s(run, rows, repeats):
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return rows / statistics.median(times)


def time_peers(work, repeats):
    import lleaves
    import tl2cgen
    import treelite
    import xgboost as xgb

    x = np.load(os.path.join(work, "X_test.npy"))
    rows = x.shape[0]
    results = {}

    booster = xgb.Booster(model_file=os.path.join(work, "xgb_d6_t200.json"))
    for threads in (1, 2):
        booster.set_param({"nthread": threads})
        results[f"xgboost inplace_predict, xgb_d6_t200, {threads} threads"] = median_rows_per_s(
            lambda: booster.inplace_predict(x, predict_type="margin"), rows, repeats)

    library = os.path.join(work, "xgb_d6_t200_tl2cgen.so")
    if not os.path.exists(library):
        tl2cgen.export_lib(treelite.frontend.load_xgboost_model(os.path.join(work, "xgb_d6_t200.json")),
                           toolchain="gcc", libpath=library, params={"parallel_comp": 8}, nthread=2)
    for threads in (1, 2):
        predictor = tl2cgen.Predictor(library, nthread=threads)
        dmatrix = tl2cgen.DMatrix(x)
        results[f"tl2cgen (prebuilt DMatrix), xgb_d6_t200, {threads} threads"] = median_rows_per_s(
            lambda: predictor.predict(dmatrix), rows, repeats)

    model = lleaves.Model(model_file=os.path.join(work, "lgb_l63_t500.txt"))
    model.compile(cache=os.path.join(work, "lgb_l63_t500_lleaves.o"))
    x64 = x.astype(np.float64)  # lleaves computes on float64; converting is not timed
    for threads in (1, 2):
        results[f"lleaves (float64 input), lgb_l63_t500, {threads} threads"] = median_rows_per_s(
            lambda: model.predict(x64, n_jobs=threads), rows, repeats)

    import lightgbm as lgb
    model = lgb.Booster(model_file=os.path.join(work, "lgb_l63_t500.txt"))
    for threads in (1, 2):
        results[f"lightgbm predict, lgb_l63_t500, {threads} threads"] = median_rows_per_s(
            lambda: model.predict(x, raw_score=True, num_threads=threads), rows, max(1, repeats // 2))

    for name, rate in results.items():
        print(f"{name}: {rate / 1e3:,.1f}k rows/s")
    with open(os.path.join(work, "peers_scoring.json"), "w") as f:
        json.dump(results, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("features")
    p.add_argument("work")
    t = sub.add_parser("time")
    t.add_argument("work")
    t.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.features, args.work)
    else:
        time_peers(args.work, args.repeats)


if __name__ == "__main__":
    sys.exit(main())
