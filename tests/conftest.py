"""Shared fixtures: a seeded rng, the tiny case table, paths to the original research data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SHARED = Path(os.environ.get("FORECAST_SHARED_DATA", ROOT.parent / "shared" / "data"))


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: pass --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(20261125)


@pytest.fixture
def small_csv() -> Path:
    return TESTS / "data" / "cases_small.csv"


@pytest.fixture
def small_table(small_csv) -> pd.DataFrame:
    return pd.read_csv(small_csv, dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED / "cow" / "Inter-StateWarData_v4.0.csv").exists():
        pytest.skip("the original research data (../shared/data) are not present")
    return SHARED


@pytest.fixture(scope="session")
def embedded_cases() -> pd.DataFrame:
    """The embedded case table, loaded (and so validated) once: do not mutate it."""
    from forecast.cases import load_cases

    return load_cases()


@pytest.fixture(scope="session")
def forecast_exe() -> str:
    exe = shutil.which("forecast") or str(Path(os.sys.executable).parent / "forecast")
    if not Path(exe).exists():
        pytest.skip("the console script `forecast` is not installed")
    return exe


# ---------------------------------------------------------------------------------------------
# one small real fit for the whole session, and a stand-in fit without MCMC

#: Settings of the shared tiny fit: far too short to converge (tests rely on that).
TINY_FIT = {"draws": 40, "tune": 40, "chains": 2, "seed": 1, "progressbar": False}


@pytest.fixture(scope="session")
def tiny_sim():
    """The simulated case table (300 rows) of the shared tiny fit, and its true parameters."""
    from forecast.model import simulate_cases

    return simulate_cases(300, seed=5)


@pytest.fixture(scope="session")
def tiny_fit(tiny_sim):
    """One small real, unconverged fit shared by every module that needs "some fitted model".

    Session-scoped: do not mutate it (use ``dataclasses.replace`` for variants).
    """
    import warnings

    from forecast.model import fit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit(tiny_sim[0], **TINY_FIT)


@pytest.fixture(scope="session")
def tiny_model_file(tiny_fit, tmp_path_factory) -> Path:
    """The shared tiny fit saved as NetCDF (copy it before changing it)."""
    return tiny_fit.save(tmp_path_factory.mktemp("tiny-model") / "tiny.nc")


def _stand_in_fit(
    train, *, seed, draws, tune, chains, sampler, progressbar, calls=None, converged=True, **kw
):
    """A real :class:`forecast.model.Fit` whose posterior is made of random draws, no MCMC.

    It replaces ``forecast.evaluate.runner._fit_model`` in logic tests of the fold runner and
    of ``forecast evaluate``; ``calls`` (a list) records each call's training rows and
    settings (sampler settings ``kw`` included); ``converged=False`` gives it the diagnostics
    of an unconverged fit.
    """
    import xarray as xr

    from forecast import model as fm
    from forecast.design import COVARIATES, GROUPS, make_design

    design = make_design(train)
    rng = np.random.default_rng(seed)
    s = 16
    truth = np.array([fm.SIM_BETA[c] for c in COVARIATES])
    beta = truth + rng.normal(0, 0.2, (s, truth.size))
    post = {
        "beta": (("chain", "draw", "covariate"), beta[None]),
        "cutpoints": (("chain", "draw", "cutpoint"), np.tile(fm.SIM_CUTPOINTS, (1, s, 1))),
    }
    beta_a = np.array([fm.SIM_BETA_AGGRESSOR.get(c, 0.0) for c in COVARIATES])
    post["beta_aggressor"] = (
        ("chain", "draw", "covariate"),
        (beta_a + rng.normal(0, 0.2, (s, beta_a.size)))[None],
    )
    post["alpha_aggressor"] = (("chain", "draw"), np.full((1, s), fm.SIM_ALPHA_AGGRESSOR))
    post["rho_conflict"] = (("chain", "draw"), np.full((1, s), fm.SIM_RHO_CONFLICT))
    post["sigma_conflict_dispute"] = (("chain", "draw"), np.full((1, s), 0.4))
    post["sigma_conflict_aggressor"] = (("chain", "draw"), np.full((1, s), 0.5))
    n_conflicts = len(design.labels["conflict"])
    post["conflict_aggressor_effect"] = (
        ("chain", "draw", "conflict"),
        rng.normal(0, 0.5, (1, s, n_conflicts)),
    )
    for g in GROUPS:
        effect = rng.normal(0, 0.5, (1, s, len(design.labels[g])))
        post[f"sigma_{g}"] = (("chain", "draw"), np.full((1, s), 0.5))
        post[f"{g}_effect"] = (("chain", "draw", g), effect)
    if calls is not None:
        calls.append(
            {
                "conflicts": set(train["conflict_id"]),
                "years": train["year"].astype(int),
                "settings": {"draws": draws, "tune": tune, "chains": chains, "seed": seed, **kw},
            }
        )
    if converged:
        diagnostics = fm.Diagnostics(1.0, 1000.0, 1000.0, 0, (1.0,), True)
    else:
        diagnostics = fm.Diagnostics(1.2, 10.0, 10.0, 3, (0.2,), False)
    return fm.Fit(
        idata=xr.DataTree.from_dict({"/posterior": xr.Dataset(post)}),
        design=design,
        diagnostics=diagnostics,
        priors=fm.merge_priors(),
        sampler={"name": "fake"},
        seed=seed,
        data_hash="",
        n_cases=len(train),
    )


@pytest.fixture(scope="session")
def stand_in_fit():
    """The stand-in for a fold's MCMC fit (:func:`_stand_in_fit`), to patch into the runner."""
    return _stand_in_fit


@pytest.fixture(scope="session")
def mock_sampler():
    """``pymc.sample`` replaced by prior draws (:func:`pymc.testing.mock_sample`).

    The draws come with the sample statistics :func:`forecast.model.diagnose` reads
    (``diverging``, ``energy``); few independent draws cannot meet the ESS rule, so a mocked
    fit is unconverged. Use as ``monkeypatch.setattr(pymc, "sample", mock_sampler)``.
    """
    import warnings

    from pymc.testing import mock_sample

    rng = np.random.default_rng(0)
    stats = {
        "diverging": lambda size: np.zeros(size, dtype=bool),
        "energy": lambda size: rng.normal(size=size),
    }

    def sample(*args, **kwargs):
        # prior draws ignore the likelihood (the model's potential), which is the point here
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The effect of Potentials")
            return mock_sample(*args, sample_stats=stats, **kwargs)

    return sample
