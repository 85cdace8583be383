"""Report-time benchmark: a scenario report from a saved fit, against a 10-second goal.

Not part of the default run. Run with::

    pytest tests/benchmarks/bench_report.py -s -o addopts=""

A simulated fit (4 chains x 1000 draws = 4000 posterior draws) is saved to a temporary NetCDF
file (untimed). Timed, as a user would run ``forecast report``:

- ``write_report`` alone, from a prediction already made (figures, layout, vector placement);
- load the saved fit + predict the 14-responder Baltic scenario (4000 draws, analogues from
  the simulated table) + ``write_report``;
- :func:`forecast.report.report` end to end: scenario, load, the embedded case table
  (``data/cases.csv``) for the analogues and its hash, predict, write.

The goal is 10 seconds from a saved fit; each line prints its ratio to the goal.
``BENCH_REPEAT`` (default 3) sets the timed repetitions.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import pytest

from forecast import model as fm
from forecast.coalition import predict
from forecast.report import report, write_report
from forecast.scenario import load_scenario

GOAL_SECONDS = 10.0
BALTIC = Path(__file__).parent.parent.parent / "data" / "scenarios" / "baltic.toml"


@pytest.fixture(scope="module")
def saved(tmp_path_factory, simulated_fit):
    path, cases = simulated_fit
    return path, cases, tmp_path_factory.mktemp("bench_report")


def _best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), times[0]


def test_report_from_a_saved_fit(saved):
    path, cases, tmp = saved
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    warnings.simplefilter("ignore", fm.ConvergenceWarning)
    scenario = load_scenario(BALTIC)
    fit = fm.load(path)
    prediction = predict(fit, scenario, cases=cases)

    def load_predict_write():
        f = fm.load(path)
        p = predict(f, load_scenario(BALTIC), cases=cases)
        write_report(p, f, tmp / "full.pdf")

    runs = {
        "write_report only": lambda: write_report(prediction, fit, tmp / "only.pdf"),
        "load + predict + write_report": load_predict_write,
        "report() end to end (data/cases.csv)": lambda: report(BALTIC, path, tmp / "e2e.pdf"),
    }
    results = {}
    print(f"\nsaved fit: {fit.n_cases} rows; scenario {scenario.name}, "
          f"{len(scenario.responders)} responders, {scenario.draws} draws")  # fmt: skip
    for label, fn in runs.items():
        best, first = _best(fn, repeat)
        results[label] = max(best, first) if label.startswith("report()") else best
        print(
            f"{label:<40} best {best:.2f} s, first {first:.2f} s; "
            f"{best / GOAL_SECONDS:.2f} of the {GOAL_SECONDS:g}-second goal"
        )
    assert (tmp / "e2e.pdf").stat().st_size > 10_000
    assert results["report() end to end (data/cases.csv)"] < GOAL_SECONDS
