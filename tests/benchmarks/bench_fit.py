"""Fit-time benchmarks: PyMC's NUTS against nutpie, parametrisations, and scaling with rows.

Not part of the default run. Run with::

    pytest tests/benchmarks -s -o addopts=""

Environment knobs (all optional):

- ``BENCH_DATA``: ``real`` (``forecast.load_cases()``, the default when it loads), ``sim``.
- ``BENCH_ROWS``: rows of the simulated table for the sampler comparison (default 5000).
- ``BENCH_SIZES``: comma-separated row counts for the scaling run (default
  ``5000,20000,50000``).
- ``BENCH_DRAWS``: draws per chain to start from (default 1000; doubled once if the ESS target
  is not met).

Timings are wall time including model compilation, to a fit with min ESS (bulk and tail)
>= 1000 and max r-hat <= 1.01 over every parameter.
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np
import pytest

from forecast import model as fm
from forecast.design import GROUPS, make_design

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
    total = 0.0
    for attempt in range(2):
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fm.fit(cases, draws=draws, tune=1000, chains=4, seed=7, progressbar=False, **kw)
        total += time.perf_counter() - t0
        d = f.diagnostics
        ok = min(d.min_ess_bulk, d.min_ess_tail) >= TARGET_ESS and d.max_rhat <= 1.01
        if ok or attempt == 1:
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
        f"target {'met' if ok else 'NOT met'}"
    )


def _duplicates(cases) -> float:
    """Share of rows that aggregation of identical rows would remove."""
    d = make_design(cases)
    key = np.column_stack(
        [d.X, *[d.index[g][:, None] for g in GROUPS], d.y[:, None], d.military[:, None]]
    )
    return 1.0 - len(np.unique(key, axis=0)) / len(key)


def test_sampler_comparison():
    what, cases = _cases()
    print(f"\n== sampler comparison on {what}: {len(cases)} rows ==")
    print(f"identical rows (aggregation would drop): {_duplicates(cases):.1%}")
    results = {}
    for label, kw in (
        ("pymc NUTS, non-centred", {"sampler": "pymc"}),
        ("nutpie diag, non-centred", {"sampler": "nutpie"}),
        ("nutpie low-rank, non-centred", {"sampler": "nutpie", "adaptation": "low_rank"}),
        ("nutpie diag, centred", {"sampler": "nutpie", "parametrization": "centered"}),
    ):
        seconds, f, ok = _timed_fit(cases, **kw)
        results[label] = seconds
        print(_line(label, seconds, f, ok), flush=True)
    ratio = results["pymc NUTS, non-centred"] / results["nutpie diag, non-centred"]
    print(f"pymc / nutpie wall-time ratio: {ratio:.2f}")


@pytest.mark.parametrize(
    "rows", [int(x) for x in os.environ.get("BENCH_SIZES", "5000,20000,50000").split(",")]
)
def test_fit_time_by_rows(rows):
    cases, _ = fm.simulate_cases(
        rows, n_supporters=200, n_conflicts=max(400, rows // 50), n_alliances=150, seed=rows
    )
    seconds, f, ok = _timed_fit(cases, sampler="auto")
    print("\n" + _line(f"nutpie (auto) {rows} rows", seconds, f, ok), flush=True)
