"""Fit-time benchmarks: PyMC's NUTS against nutpie, parametrisations, and scaling with rows.

Not part of the default run. Run with::

    pytest tests/benchmarks -s -o addopts=""

Environment knobs (all optional):

- ``BENCH_DATA``: ``real`` (``forecast.load_cases()``, the default when it loads), ``sim``.
- ``BENCH_ROWS``: rows of the simulated table for the sampler comparison (default 5000).
- ``BENCH_SIZES``: comma-separated row counts for the scaling run (default
  ``5000,20000,50000``), simulated from the default fit's posterior medians when
  ``models/default.nc`` exists.
- ``BENCH_DRAWS``: draws per chain to start from (default 1000; doubled once if the ESS target
  is not met, unless ``BENCH_RETRY=0``).
- ``BENCH_TUNE``: tuning steps per chain (default 1000).
- ``BENCH_ADAPTATION``, ``BENCH_ACCEPT``: nutpie's mass-matrix adaptation and target_accept of
  the scaling run (default: :data:`forecast.model.SAMPLER_DEFAULTS`).
- ``BENCH_VARIANTS``: comma-separated sampler variants of the comparison (default
  ``pymc,nutpie``; also ``nutpie-lowrank``, ``nutpie-drawdiag``, ``nutpie-drawdiag-80``,
  ``nutpie-centred``, and ``nutpie-graph`` and
  ``pymc-graph``: the likelihood as PyMC observed variables instead of the fused Op, the
  model before the fused likelihood; and the samplers that compile the model to JAX, which
  need ``pip install -e ".[jax]"``: ``nutpie-jax`` (nutpie's JAX backend with the default
  fit's settings), ``numpyro`` and ``blackjax`` (through ``pm.sample``, one JAX device per
  chain), all with the fused likelihood's JAX function,
  :mod:`forecast.model.jax_likelihood`).

Timings are wall time including model compilation, to a fit with min ESS (bulk and tail)
>= 1000 and max r-hat <= 1.01 over every parameter.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from forecast import model as fm
from forecast.design import COVARIATES, GROUPS, make_design

TARGET_ESS = 1000.0


def _cases():
    if os.environ.get("BENCH_DATA", "real") == "real":
        try:
            import forecast

            return "real data/cases.csv", forecast.load_cases()
        except Exception as e:  # the table may not exist yet or may be mid-build
            print(f"(real table not usable: {type(e).__name__}: {e}; simulating instead)")
    n = int(os.environ.get("BENCH_ROWS", "5000"))
    cases, _ = fm.simulate_cases(
        n, n_supporters=200, n_conflicts=600, n_alliances=150, share_coded=0.1, seed=1
    )
    return f"simulated {n} rows", cases


def _timed_fit(cases, **kw):
    """Fit until the ESS/r-hat target holds (doubling draws once); return (seconds, fit)."""
    draws = int(os.environ.get("BENCH_DRAWS", "1000"))
    attempts = 2 if os.environ.get("BENCH_RETRY", "1") != "0" else 1
    total = 0.0
    for attempt in range(attempts):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tune = int(os.environ.get("BENCH_TUNE", "1000"))
            f = fm.fit(cases, draws=draws, tune=tune, chains=4, seed=7, progressbar=False, **kw)
        total += time.perf_counter() - t0
        d = f.diagnostics
        ok = min(d.min_ess_bulk, d.min_ess_tail) >= TARGET_ESS and d.max_rhat <= 1.01
        if ok or attempt == attempts - 1:
            return total, f, ok
        draws *= 2
    raise AssertionError("unreachable")


def _line(label, seconds, f, ok):
    d = f.diagnostics
    sampling = f.idata["posterior"].attrs.get("sampling_time", float("nan"))
    return (
        f"{label:<34} {seconds:7.1f} s (sampling {float(sampling):6.1f} s)  "
        f"min ESS bulk/tail {d.min_ess_bulk:6.0f}/{d.min_ess_tail:6.0f}  "
        f"max r-hat {d.max_rhat:.3f}  div {d.divergences:3d}  "
        f"{_per_kess(seconds, f):6.1f} s per 1000 min-ESS  "
        f"target {'met' if ok else 'NOT met'}"
    )


def _per_kess(seconds, f) -> float:
    """Wall seconds per 1000 effective draws of the worst-mixing parameter."""
    d = f.diagnostics
    return 1000.0 * seconds / max(min(d.min_ess_bulk, d.min_ess_tail), 1.0)


def _duplicates(cases) -> float:
    """Share of rows that aggregation of identical rows would remove."""
    d = make_design(cases)
    key = np.column_stack(
        [d.X, *[d.index[g][:, None] for g in GROUPS], d.y[:, None], d.military[:, None]]
    )
    return 1.0 - len(np.unique(key, axis=0)) / len(key)


#: Sampler variants of the comparison, by key: (label, arguments of ``forecast.fit``).
VARIANTS = {
    "pymc": ("pymc NUTS (baseline)", {"sampler": "pymc", "target_accept": 0.9}),
    "pymc-80": ("pymc NUTS, accept 0.8", {"sampler": "pymc", "target_accept": 0.8}),
    "nutpie": ("nutpie diag", {"sampler": "nutpie", "adaptation": "diag", "target_accept": 0.9}),
    "nutpie-lowrank": ("nutpie low-rank", {"sampler": "nutpie", "adaptation": "low_rank"}),
    "nutpie-drawdiag": (
        "nutpie draw-variance diag",
        {"sampler": "nutpie", "adaptation": "draw_diag", "target_accept": 0.9},
    ),
    "nutpie-drawdiag-80": (
        "nutpie draw-variance diag, accept 0.8 (the default fit's)",
        {"sampler": "nutpie", "adaptation": "draw_diag", "target_accept": 0.8},
    ),
    "nutpie-centred": (
        "nutpie diag, all centred",
        {"sampler": "nutpie", "parametrization": "centered"},
    ),
    "nutpie-graph": (
        "nutpie diag, graph likelihood",
        {"sampler": "nutpie", "likelihood": "graph"},
    ),
    "pymc-graph": ("pymc NUTS, graph likelihood", {"sampler": "pymc", "likelihood": "graph"}),
    "nutpie-jax": (
        "nutpie JAX backend, draw-variance diag, accept 0.8",
        {"sampler": "nutpie-jax", "adaptation": "draw_diag", "target_accept": 0.8},
    ),
    "numpyro": ("numpyro NUTS, accept 0.9", {"sampler": "numpyro", "target_accept": 0.9}),
    "blackjax": ("blackjax NUTS, accept 0.9", {"sampler": "blackjax", "target_accept": 0.9}),
}


def test_sampler_comparison():
    what, cases = _cases()
    print(f"\n== sampler comparison on {what}: {len(cases)} rows ==")
    print(f"identical rows (aggregation would drop): {_duplicates(cases):.1%}")
    results = {}
    wanted = os.environ.get("BENCH_VARIANTS", "pymc,nutpie").split(",")
    for key in wanted:
        label, kw = VARIANTS[key.strip()]
        seconds, f, ok = _timed_fit(cases, **kw)
        results[key.strip()] = (seconds, _per_kess(seconds, f))
        print(_line(label, seconds, f, ok), flush=True)
    for key in ("nutpie", "pymc"):
        if key in results and f"{key}-graph" in results:
            ratio = results[key][0] / results[f"{key}-graph"][0]
            per = results[key][1] / results[f"{key}-graph"][1]
            print(
                f"{key}, fused / graph likelihood: wall time {ratio:.2f}, "
                f"time per effective draw {per:.2f}"
            )
    for key in results:
        # each other sampler against each PyMC run of the same likelihood
        for base in results:
            if key.startswith("pymc") or not base.startswith("pymc"):
                continue
            if key.endswith("-graph") != base.endswith("-graph"):
                continue
            ratio = results[key][0] / results[base][0]
            per = results[key][1] / results[base][1]
            print(
                f"{key} / {base}: wall time {ratio:.2f}, time per effective draw {per:.2f} "
                "(goal at most 0.5)"
            )


@pytest.mark.parametrize(
    "rows", [int(x) for x in os.environ.get("BENCH_SIZES", "5000,20000,50000").split(",")]
)
def test_fit_time_by_rows(rows):
    what, truth = _truth()
    cases, _ = fm.simulate_cases(
        rows,
        n_supporters=200,
        n_conflicts=max(400, rows // 50),
        n_alliances=150,
        seed=rows,
        **truth,
    )
    kw = {"sampler": "auto"}
    if os.environ.get("BENCH_ADAPTATION"):
        kw["adaptation"] = os.environ["BENCH_ADAPTATION"]
    if os.environ.get("BENCH_ACCEPT"):
        kw["target_accept"] = float(os.environ["BENCH_ACCEPT"])
    seconds, f, ok = _timed_fit(cases, **kw)
    settings = "".join(f", {k}={v}" for k, v in kw.items() if k != "sampler")
    label = f"nutpie (auto{settings}) {rows} rows"
    print(f"\n(parameters: {what})\n" + _line(label, seconds, f, ok), flush=True)


def _truth() -> tuple[str, dict]:
    """True parameters for the simulation: the default fit's posterior medians if it exists."""
    path = Path("models/default.nc")
    if not path.exists():
        return "the simulator's defaults (no models/default.nc)", {}
    d = fm.load(path).draws()
    beta = dict(zip(COVARIATES, np.median(d["beta"], axis=0).tolist(), strict=True))
    sigma = {g: float(np.median(d[f"sigma_{g}"])) for g in GROUPS}
    cutpoints = tuple(float(c) for c in np.median(d["cutpoints"], axis=0))
    truth = {"beta": beta, "sigma": sigma, "cutpoints": cutpoints}
    return "posterior medians of models/default.nc", truth
