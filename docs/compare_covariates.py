"""Compare two covariate sets: PSIS-LOO with ``az.compare``, then grouped cross-validation.

Run from the repository root (a few minutes on 2 cores with the settings below; raise the
draws for a real comparison)::

    .venv/bin/python docs/compare_covariates.py

Row-level LOO (``az.loo`` / ``az.compare``) leaves out single rows: the held-out row's conflict
effect is still learned from the other rows of its crisis, so LOO measures how well a
specification fits crises it has seen. Grouped cross-validation by conflict
(``forecast.evaluate.evaluate``) holds out whole crises and measures what a forecast of a new
crisis needs; it is the measure of skill. The two can disagree; trust the second.
"""

from __future__ import annotations

import warnings

import arviz as az

import forecast
from forecast.evaluate import evaluate

#: The alternative: obligations, major-power status and contiguity only.
SMALL = [
    "obligation_consultation",
    "obligation_nonaggression",
    "obligation_neutrality",
    "obligation_offense",
    "obligation_defense",
    "supporter_major",
    "contiguous",
    "event_mid",
    "event_curated",
]
SAMPLER = {"draws": 200, "tune": 200, "chains": 2, "progressbar": False}


def main() -> None:
    """Fit both specifications, compare them by LOO and by grouped cross-validation."""
    cases = forecast.load_cases()
    # a subsample of conflicts keeps the example quick; drop this line for the full table
    keep = cases.conflict_id.drop_duplicates().sample(300, random_state=1)
    cases = cases[cases.conflict_id.isin(keep)].reset_index(drop=True)

    fits = {}
    for name, covariates in (("all", None), ("small", SMALL)):
        model = forecast.ForecastModel(covariates=covariates, sampler=SAMPLER, seed=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # short chains: the example does not converge
            fits[name] = model.fit(cases, log_likelihood=True)
    print(az.compare({name: m.idata_ for name, m in fits.items()}))

    for name, covariates in (("all", None), ("small", SMALL)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = evaluate(cases, "conflict", 3, draws=200, tune=200, chains=2,
                              covariates=covariates)  # fmt: skip
        model_scores = result.scores.loc["model"]
        print(f"{name}: grouped CV Brier {model_scores['brier']:.5f}, "
              f"log score {model_scores['log_score']:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
