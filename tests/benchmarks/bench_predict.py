"""Prediction-time benchmark: a 20-responder scenario, 4000 draws, from a saved fit.

Not part of the default run. Run with::

    pytest tests/benchmarks/bench_predict.py -s -o addopts=""

A small simulated fit (4 chains x 1000 draws = 4000 posterior draws) is saved to a temporary
NetCDF file and loaded back with :func:`forecast.model.load`, as the command line does. The
timed call is :func:`forecast.coalition.predict` (rows from the present-day tables, design,
aligned draws, category probabilities, joint simulation), without and with the analogue
search over the simulated case table, and the full ``to_dict`` summary. The goal is 1 second.

Environment knobs (optional): ``BENCH_REPEAT`` (timed repetitions, default 5),
``BENCH_REAL_CASES=1`` to also time the analogue search over the embedded ``data/cases.csv``
(read once, untimed).
"""

from __future__ import annotations

import os
import time
import warnings

import pytest

from forecast import model as fm
from forecast.coalition import predict
from forecast.scenario import load_scenario

GOAL_SECONDS = 1.0
RESPONDERS = [
    "United States",
    "United Kingdom",
    "France",
    "Germany",
    "Italy",
    "Canada",
    "Turkey",
    "Czechia",
    "Slovakia",
    "Lithuania",
    "Latvia",
    "Estonia",
    "Romania",
    "Hungary",
    "Ukraine",
    "Netherlands",
    "Belgium",
    "Norway",
    "Denmark",
    "Sweden",
]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, simulated_fit):
    tmp = tmp_path_factory.mktemp("bench_predict")
    path, cases = simulated_fit
    t0 = time.perf_counter()
    loaded = fm.load(path)
    load_s = time.perf_counter() - t0
    listed = ", ".join(f'"{r}"' for r in RESPONDERS)
    scenario_file = tmp / "poland20.toml"
    scenario_file.write_text(
        f'name = "Poland, 20 responders"\nyear = 2026\naggressor = "Russia"\n'
        f'target = "Poland"\nresponders = [{listed}]\n',
        encoding="utf-8",
    )
    return loaded, load_scenario(scenario_file), cases, load_s


def _best(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times[0], result


def test_predict_20_responders_4000_draws(setup):
    fit, scenario, cases, load_s = setup
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    n_post = fit.draws()["beta"].shape[0]
    print(f"\nsaved fit: {fit.n_cases} rows, {n_post} posterior draws; load {load_s:.3f} s")
    warnings.simplefilter("ignore", fm.ConvergenceWarning)

    runs = {
        "predict (no analogues)": lambda: predict(
            fit, scenario, draws=4000, seed=0, n_analogues=0
        ),
        "predict + analogues (simulated table)": lambda: predict(
            fit, scenario, draws=4000, seed=0, cases=cases
        ),
        "predict + to_dict()": lambda: predict(
            fit, scenario, draws=4000, seed=0, n_analogues=0
        ).to_dict(),
    }
    if os.environ.get("BENCH_REAL_CASES") == "1":
        import forecast

        real = forecast.load_cases()
        runs["predict + analogues (data/cases.csv)"] = lambda: predict(
            fit, scenario, draws=4000, seed=0, cases=real
        )
    results = {}
    for label, fn in runs.items():
        best, first, _ = _best(fn, repeat)
        results[label] = best
        print(
            f"{label:<40} best {best:.3f} s, first {first:.3f} s; "
            f"{best / GOAL_SECONDS:.2f} of the {GOAL_SECONDS:g}-second goal"
        )
    p = predict(fit, scenario, draws=4000, seed=0, n_analogues=0)
    assert p.probs.shape == (4000, len(RESPONDERS), 4)
    assert results["predict (no analogues)"] < GOAL_SECONDS
