"""ForecastModel: a scikit-learn-style estimator over the model, with a covariate choice."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import forecast
from forecast import ForecastModel, NotFittedError
from forecast.model import simulate_cases

CHOSEN = ["obligation_defense", "contiguous", "event_mid"]


@pytest.fixture(scope="module")
def cases():
    table, _ = simulate_cases(300, n_supporters=20, n_conflicts=30, n_alliances=8, seed=11)
    return table


@pytest.fixture(scope="module")
def fitted(cases):
    m = ForecastModel(covariates=CHOSEN, sampler={"draws": 40, "tune": 40, "chains": 2,
                                                    "progressbar": False}, seed=2)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m.fit(cases, log_likelihood=True)


def test_constructor_only_stores_its_arguments():
    m = ForecastModel(covariates=["nonsense"], priors={"beta": {}}, sampler={}, seed=3)
    assert (m.covariates, m.priors, m.sampler, m.seed) == (["nonsense"], {"beta": {}}, {}, 3)
    assert not hasattr(m, "fit_") and not hasattr(m, "idata_")
    with pytest.raises(NotFittedError, match="not fitted"):
        m.predict(None)


def test_fit_returns_self_with_the_chosen_covariates(fitted, cases):
    assert isinstance(fitted, ForecastModel)
    assert fitted.fit_.design.covariates == tuple(CHOSEN)
    assert fitted.idata_["posterior"]["beta"].sizes["covariate"] == 3
    assert fitted.diagnostics_ is fitted.fit_.diagnostics
    ll = fitted.idata_["log_likelihood"]["y"]
    assert ll.shape == (2, 40, len(cases)) and np.all(ll.values <= 0)


def test_pointwise_log_likelihood_feeds_loo(fitted):
    import arviz as az

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loo = az.loo(fitted.idata_)
    assert np.isfinite(loo.elpd) and loo.n_data_points == fitted.fit_.n_cases


def test_save_load_keeps_the_specification(fitted, tmp_path):
    path = fitted.save(tmp_path / "m.nc")
    back = ForecastModel.load(path)
    assert back.covariates == CHOSEN and back.seed == 2
    assert back.sampler["draws"] == 40 and back.sampler["chains"] == 2
    scenario = forecast.load_scenario(forecast.scenario.scenario_paths()[0])
    a = fitted.predict(scenario, n_analogues=0, draws=200)
    b = back.predict(scenario, n_analogues=0, draws=200)
    assert np.allclose(a.responders_frame()["p_military"], b.responders_frame()["p_military"])


def test_unknown_covariate_is_refused_at_fit(cases):
    with pytest.raises(ValueError, match="unknown covariate"):
        ForecastModel(covariates=["pact"]).fit(cases)
