"""Fit settings, in one place: the sampler's, the default model's and cross-validation's.

- :data:`SAMPLER_DEFAULTS`: NUTS settings per sampler unless overridden; "auto" picks nutpie
  and falls back to PyMC's NUTS when nutpie is unavailable. nutpie's own mass-matrix
  adaptation (``"diag"``, from draw and gradient variance) at target_accept 0.9: the setting
  that diverged least on smaller tables. Sampled directly (not through ``pm.sample``),
  nutpie's chains use both cores (README, "Performance").
- :data:`API_FIT`: the defaults of :func:`forecast.model.fit` for scripts.
- :data:`DEFAULT_FIT`: the shipped default model (``forecast fit``; ``models/default.nc``):
  nutpie with the mass matrix adapted from the draws' variance (``"draw_diag"``, as Stan and
  PyMC adapt it) at target_accept 0.8. On the embedded table (``tests/benchmarks/
  bench_fit.py``, 4 x (1000 + 1000), seed 7) that mixed five times better per draw than
  ``"diag"`` (min ESS 800 against 160 from the same 4,000 draws) and took 0.41 of PyMC's
  time per effective draw in the same run (PyMC at 0.9; at 0.8 PyMC diverged); the default
  fit converged with min ESS 1769 and no divergences. It is not the default for other
  tables: on the temporal scheme's first training set (7,097 rows up to 1945) it gave 576
  divergent transitions at 0.8 and 133 at 0.9, where ``"diag"`` at 0.9 gave 1–14. Saved
  with every ``thin``-th draw (successive draws are correlated, so every second one keeps
  nearly all of the effective sample size and halves the file).
- :data:`EVALUATION_FIT`: each fold's fit in ``forecast evaluate``, per scheme. The
  conflict scheme's folds (80% of the embedded table each) are fitted with nutpie's
  ``draw_diag`` mass matrix, 4 chains × (1000 + 2000), at target_accept 0.95 since the
  eleventh session: with the bilateral terms, fold 0 had 1 divergent transition at 0.9 and
  none at 0.95, whose five folds converged in 27.6 minutes on 2 cores with a CI run sharing
  them for 12 (r-hat ≤ 1.0061, ESS bulk / tail ≥ 717 / 969; scores within 0.0002 of 0.9's).
  Before, 0.9 (the default fit's 0.8 left divergent transitions in one fold of the
  per-attack model: 6 at 0.8, 1 at 0.85, none at 0.9, whose five folds converged in 22.0
  minutes on 2 cores, r-hat ≤ 1.0055, ESS bulk / tail ≥ 1096 / 1618; 2026-12-06, sixth
  session). The model before converged at
  0.8 in 21.7 minutes; nutpie's ``diag`` at 0.9 needed 4 × (1000 + 4000) for 22.5 minutes
  and left one fold's r-hat at 1.011. The temporal scheme's folds keep
  nutpie's ``diag`` at 4 × (1000 + 4000), at target_accept 0.97: its first training set
  (7,097 rows up to 1945) diverged hundreds of times with ``draw_diag`` and 17 times at 0.9
  (both folds converged at 0.95 in 9.2 minutes on 2 cores, no divergences; 2026-12-06,
  seventh session). With the ninth session's covariate (``invoked_defense_rival``) the first
  fold had 2 divergent transitions at 0.95 and none at 0.97, where both folds converged (17.4
  minutes with the backtest sharing the cores; 10.0 minutes at 0.95 alone). Shorter folds
  (2 × (300 + 300)) did not converge.
- :data:`BACKTEST_FIT`: each of the backtest's twelve fits (``--scheme backtest``, the
  whole table less one war each): the conflict folds' sampler settings until the eleventh
  session (``draw_diag`` at 0.9; the conflict folds moved to 0.95), 4 × (1000 + 2000):
  all twelve converged (r-hat ≤ 1.008), 74 minutes on 2 cores with the temporal evaluation
  sharing them for 20 of them (2026-12-06, ninth session). At half the draws, 4 × (1000 +
  1000): 44 minutes, 4 of 12 converged and the other eight missed only the r-hat bound
  (1.010–1.015; seventh session); the backtest's table says which. Until then 2 × (300 +
  300) with nutpie's ``diag``: eleven minutes, and none of the twelve converged (r-hat
  1.07–1.24).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ADAPTATIONS",
    "API_FIT",
    "BACKTEST_FIT",
    "DEFAULT_FIT",
    "EVALUATION_FIT",
    "EVALUATION_SAMPLER_KEYS",
    "SAMPLER_DEFAULTS",
]

#: nutpie's mass-matrix adaptations that :func:`forecast.model.fit` accepts.
ADAPTATIONS = ("diag", "draw_diag", "low_rank")

SAMPLER_DEFAULTS: dict[str, dict[str, Any]] = {
    "nutpie": {"target_accept": 0.9, "adaptation": "diag"},
    "pymc": {"target_accept": 0.9},
    # the samplers that compile the model to JAX, for comparison and accelerators: on 2 CPU
    # cores 3-6 x PyMC's time per effective draw, where nutpie's numba backend takes 0.42 x
    # (tests/benchmarks/bench_fit.py; README, "Performance")
    "nutpie-jax": {"target_accept": 0.9, "adaptation": "diag"},
    "numpyro": {"target_accept": 0.9},
    "blackjax": {"target_accept": 0.9},
}
API_FIT: dict[str, int] = {"draws": 1000, "tune": 1000, "chains": 4}
DEFAULT_FIT: dict[str, Any] = {
    "draws": 2000,
    "tune": 1000,
    "chains": 4,
    "seed": 20261125,
    "target_accept": 0.8,
    "adaptation": "draw_diag",
    "thin": 2,
}
EVALUATION_FIT: dict[str, dict[str, Any]] = {
    "conflict": {
        "draws": 2000,
        "tune": 1000,
        "chains": 4,
        "seed": 0,
        "target_accept": 0.95,
        "adaptation": "draw_diag",
    },
    "temporal": {"draws": 4000, "tune": 1000, "chains": 4, "seed": 0, "target_accept": 0.97},
}
#: Settings of :data:`EVALUATION_FIT` passed to :func:`forecast.model.fit` as sampler settings
#: (nutpie's; PyMC's NUTS keeps its own defaults).
EVALUATION_SAMPLER_KEYS = ("target_accept", "adaptation")
BACKTEST_FIT: dict[str, Any] = {
    "draws": 2000,
    "tune": 1000,
    "chains": 4,
    "seed": 0,
    "target_accept": 0.9,
    "adaptation": "draw_diag",
}
