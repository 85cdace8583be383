"""Measure how much of the model's Brier skill comes from knowing the conflict.

Scores the default fit on its own training rows twice: with each conflict's fitted effect
(what the model knows after seeing the conflict), and with the conflict and
alliance-within-conflict effects drawn afresh as for a new crisis (what it can know before).
Brier scores are relative to the overall base rate's on the same rows (below 1 is better).

Run from the project root after ``forecast fit``::

    .venv/bin/python scripts/skill_by_conflict_knowledge.py [models/default.nc]
"""

from __future__ import annotations

import dataclasses
import sys

import numpy as np

import forecast
from forecast.design import make_design
from forecast.evaluate import brier_score, mean_probs


def main(path: str = "models/default.nc") -> None:
    """Print Brier ratios by event type, with known and with new conflict effects."""
    fit = forecast.load(path)
    cases = forecast.load_cases()
    design = make_design(cases, scaling=fit.design.scaling, covariates=fit.design.covariates)
    y = design.military
    labels = dict(design.labels)
    for g in ("conflict", "alliance_conflict"):
        labels[g] = tuple(f"new:{x}" for x in labels[g])
    known = mean_probs(fit, design)[:, 3]
    new = mean_probs(fit, dataclasses.replace(design, labels=labels))[:, 3]
    events = cases["event_type"].to_numpy()
    print("rows      n       fought  base-rate Brier  known conflict  new conflict")
    for name in ("all", "war", "mid", "curated"):
        m = np.ones(len(y), bool) if name == "all" else events == name
        base = brier_score(np.full(m.sum(), y.mean()), y[m])
        ratios = [brier_score(p[m], y[m]) / base for p in (known, new)]
        print(
            f"{name:<8} {m.sum():6d} {y[m].sum():6d}  {base:15.5f}  "
            f"{ratios[0]:13.3f}x  {ratios[1]:11.3f}x"
        )


if __name__ == "__main__":
    main(*sys.argv[1:])
