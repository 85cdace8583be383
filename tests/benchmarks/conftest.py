"""Fixtures shared by the benchmarks."""

from __future__ import annotations

import warnings

import pytest

from forecast import model as fm


@pytest.fixture(scope="session")
def simulated_fit(tmp_path_factory):
    """A small simulated fit (4 chains x 1000 draws), saved once: ``(path, cases)``.

    Untimed; the prediction and report benchmarks load it as the command line does.
    """
    tmp = tmp_path_factory.mktemp("bench_fit_file")
    cases, _ = fm.simulate_cases(2000, n_supporters=80, n_conflicts=150, n_alliances=30, seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = fm.fit(cases, draws=1000, tune=500, chains=4, seed=2, progressbar=False)
    return fitted.save(tmp / "fit.nc"), cases
