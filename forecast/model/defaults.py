"""Fit settings, in one place: the sampler's, the default model's and cross-validation's.

- :data:`SAMPLER_DEFAULTS`: NUTS settings unless overridden; "auto" picks nutpie and falls back
  to PyMC's NUTS when nutpie is unavailable. On the embedded table
  (``tests/benchmarks/bench_fit.py``) nutpie took 0.45 of PyMC's wall time for the same draws
  with no divergences, where PyMC had 11; PyMC mixed about 3x better per draw (README,
  "Performance"). With the fused likelihood, which made both about five times cheaper per
  gradient, a short run (4 x (300 + 300)) gave nutpie 0.49 of PyMC's wall time and 2.7 times
  its time per effective draw; at 4 x (1000 + 1000), 0.32 of the wall time and 1.60 times
  the time per effective draw (the low-rank mass matrix diverged). nutpie stays the default
  because it reaches the default fit's target (min ESS 400, no divergences) first: sampled
  directly (not through ``pm.sample``) its chains use both cores, and the default fit takes
  6 minutes where PyMC needs about 10 for its first 1000 draws.
- :data:`API_FIT`: the defaults of :func:`forecast.model.fit` for scripts.
- :data:`DEFAULT_FIT`: the shipped default model (``forecast fit``; ``models/default.nc``),
  saved with every ``thin``-th draw (about 17 successive draws make one effective draw, so
  every second one keeps the effective sample size and halves the file).
- :data:`EVALUATION_FIT`: each fold's fit in ``forecast evaluate`` (the conflict and
  temporal schemes): the default fit's length, at which the conflict folds converged
  (4 chains × (1000 + 3000): five folds in about 24 minutes on 2 cores, README,
  "Performance"); shorter folds (2 × (300 + 300) took 6 minutes) did not.
- :data:`BACKTEST_FIT`: each of the backtest's twelve fits (``--scheme backtest``): short,
  because twelve fits of the default length would take about an hour on 2 cores; its
  table says which fits did not converge.
"""

from __future__ import annotations

from typing import Any

__all__ = ["API_FIT", "BACKTEST_FIT", "DEFAULT_FIT", "EVALUATION_FIT", "SAMPLER_DEFAULTS"]

SAMPLER_DEFAULTS: dict[str, Any] = {"target_accept": 0.9, "adaptation": "diag"}
API_FIT: dict[str, int] = {"draws": 1000, "tune": 1000, "chains": 4}
DEFAULT_FIT: dict[str, Any] = {
    "draws": 3000,
    "tune": 1000,
    "chains": 4,
    "seed": 20261125,
    "target_accept": SAMPLER_DEFAULTS["target_accept"],
    "thin": 2,
}
EVALUATION_FIT: dict[str, int] = {"draws": 3000, "tune": 1000, "chains": 4, "seed": 0}
BACKTEST_FIT: dict[str, int] = {"draws": 300, "tune": 300, "chains": 2, "seed": 0}
