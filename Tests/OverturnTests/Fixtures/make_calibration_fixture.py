"""scikit-learn's isotonic regression and Platt scaling on a fixed set of margins, for
Tests/OverturnTests/Calibration/CalibratorTests.swift.

    python Tests/OverturnTests/Fixtures/make_calibration_fixture.py Tests/OverturnTests/Fixtures/calibration-sklearn.json

Margins: 2,000 draws of N(0, 1.5²) rounded to two decimals (so that many tie); labels: Bernoulli of
sigmoid(0.7·margin − 0.3) (a model that is over-confident and biased, as an uncalibrated one is);
numpy's generator with seed 7. Queries: −6 to 6 in steps of 0.05 and 100 training margins.
"""
import json
import sys

import numpy as np
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression

rng = np.random.default_rng(7)
margins = np.round(rng.normal(0, 1.5, 2000), 2)
labels = (rng.random(2000) < 1 / (1 + np.exp(-(0.7 * margins - 0.3)))).astype(float)
queries = np.concatenate([np.round(np.arange(-6, 6.0001, 0.05), 2), margins[:100]])

iso = IsotonicRegression(out_of_bounds="clip").fit(margins, labels)
a, b = _sigmoid_calibration(margins, labels)  # p = 1 / (1 + exp(a·m + b))
fixture = {
    "margins": margins.tolist(),
    "labels": labels.tolist(),
    "queries": queries.tolist(),
    "isotonic": iso.predict(queries).tolist(),
    "plattSlope": float(-a),
    "plattIntercept": float(-b),
    "platt": (1 / (1 + np.exp(a * queries + b))).tolist(),
}
with open(sys.argv[1], "w") as f:
    json.dump(fixture, f)
    f.write("\n")
