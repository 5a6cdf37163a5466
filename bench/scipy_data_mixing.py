"""Reference fits of the literature pipeline's data mixing laws with scipy, and two baselines.

Muennighoff et al.'s nine code-mixture runs (hitchhiker-colpret, source `datablations_code`;
the percentage p in the run names is the C4 share, see pipelines/literature.ts). For each
validation domain (C4: metric gen_loss, share p/100; Python: metric code_loss, share 1 - p/100)
the law L = c + k * exp(t * r), r the domain's own share, is fitted to the final checkpoints of
the runs whose share is 0.1-0.7 by the toolkit's default objective: the sum of Huber (delta
1e-3) of log y - log(c + k exp(t r)). scipy.optimize.minimize (L-BFGS-B, ftol 1e-15, gtol
1e-12) from 720 starts: log c in 10 values over [-3, 1.5], log k in 8 over [-4, 2], t in 9
over [-10, 2]; the best end point is kept.

Held-out runs: shares 0.8 and 0.9. Baselines for their losses: a straight line through the
losses at the last two fitted shares (0.6, 0.7), and the loss at 0.7 carried forward.

Prints one JSON object. pipelines/literature_test.ts pins the TypeScript fits to these optima.
Usage: python3 bench/scipy_data_mixing.py [data dir, default $SCALING_DATA_DIR or ../shared/data]
"""

import csv
import json
import os
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber


def final_losses(path):
    """Final (largest-token) value of each (model, metric) of the datablations_code rows."""
    best = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["source"] != "datablations_code":
                continue
            key = (row["model"], row["metric"])
            tokens = float(row["tokens"])
            if key not in best or tokens > best[key][0]:
                best[key] = (tokens, float(row["value"]))
    return {k: v[1] for k, v in best.items()}


def fit(r, y):
    def objective(q):
        pred = np.exp(q[0]) + np.exp(q[1]) * np.exp(q[2] * r)
        return huber(1e-3, np.log(y) - np.log(pred)).sum()

    best = None
    with np.errstate(all="ignore"):
        for lc in np.linspace(-3, 1.5, 10):
            for lk in np.linspace(-4, 2, 8):
                for t in np.linspace(-10, 2, 9):
                    res = minimize(objective, [lc, lk, t], method="L-BFGS-B",
                                   options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000})
                    if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                        best = res
    return best


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "SCALING_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    losses = final_losses(os.path.join(data_dir, "hitchhiker-colpret", "observations.csv"))
    out = {}
    for domain, metric, share in [("c4", "gen_loss", lambda p: p / 100),
                                  ("python", "code_loss", lambda p: 1 - p / 100)]:
        runs = {round(share(p), 2): losses[(f"GPT2-4.20B-c4-{p}%code", metric)]
                for p in range(10, 100, 10)}
        fitted = sorted(s for s in runs if s <= 0.7)
        r = np.array(fitted)
        y = np.array([runs[s] for s in fitted])
        best = fit(r, y)
        c, k, t = float(np.exp(best.x[0])), float(np.exp(best.x[1])), float(best.x[2])
        slope = (runs[0.7] - runs[0.6]) / 0.1
        held = {}
        for s in (0.8, 0.9):
            actual = runs[s]
            law = c + k * np.exp(t * s)
            line = runs[0.7] + slope * (s - 0.7)
            held[str(s)] = {
                "actual": actual,
                "law": law,
                "lawRelativeError": (law - actual) / actual,
                "lineRelativeError": (line - actual) / actual,
                "carryForwardRelativeError": (runs[0.7] - actual) / actual,
            }
        out[domain] = {"objective": float(best.fun), "c": c, "k": k, "t": t,
                       "lawAtShare1": c + k * np.exp(t), "heldOut": held}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
