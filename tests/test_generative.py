"""One generative model: the numpy prior draws and the PyMC graph agree.

``draw_prior`` (behind ``prior_predictive``) and ``simulate_cases`` generate from the numpy
specification; ``build_model`` is the PyMC graph that is fitted. These tests compare the two:
the parameters' prior distributions (against ``pm.sample_prior_predictive`` of the graph) and
the likelihood at the same parameter values (against ``pm.compute_log_likelihood``).
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
import pytest
from scipy import stats

from forecast import model as fm
from forecast.design import GROUPS, make_design

DRAWS = 4000


@pytest.fixture(scope="module")
def design():
    cases, _ = fm.simulate_cases(200, n_supporters=12, n_conflicts=15, n_alliances=4, seed=21)
    return make_design(cases)


@pytest.fixture(scope="module")
def graph_prior(design):
    import pymc as pm

    with fm.build_model(design, parametrization="centered", likelihood="graph"):
        return pm.sample_prior_predictive(draws=DRAWS, random_seed=3).prior.isel(chain=0)


def _same_distribution(a, b, what):
    # a two-sample KS p-value below 1e-4 is a different distribution
    assert stats.ks_2samp(np.ravel(a), np.ravel(b)).pvalue > 1e-4, what


def test_prior_draws_match_the_graph(design, graph_prior):
    ours = fm.draw_prior(design, draws=DRAWS, seed=4)
    # all coefficients pooled (same prior here): 4000 x 19 draws detect a 5% wider prior
    _same_distribution(ours["beta"], graph_prior["beta"].values, "beta")
    # PyMC forward-samples the ordered cutpoints unsorted: sorted, they are the ordered prior
    graph_cut = np.sort(graph_prior["cutpoints_centred"].values, axis=1)
    for k in range(3):
        _same_distribution(ours["cutpoints_centred"][:, k], graph_cut[:, k], f"cutpoint {k}")
    _same_distribution(ours["beta_aggressor"], graph_prior["beta_aggressor"].values, "beta_a")
    names = ("alpha_aggressor_centred", "rho_conflict", "sigma_conflict_dispute")
    for name in (*names, "sigma_conflict_aggressor"):
        _same_distribution(ours[name], graph_prior[name].values, name)
    for g in GROUPS:
        _same_distribution(ours[f"sigma_{g}"], graph_prior[f"sigma_{g}"].values, f"sigma_{g}")
        if len(design.labels[g]) >= 2:
            graph_eff = graph_prior[f"{g}_effect"].values
            # zero-sum (the conflict's raw effects: each is then scaled by its crisis scale)
            raw = "conflict_z" if g == "conflict" else f"{g}_effect"
            np.testing.assert_allclose(graph_prior[raw].values.sum(axis=1), 0, atol=1e-9)
            np.testing.assert_allclose(
                (ours["conflict_z"] if g == "conflict" else ours[g]).sum(axis=1), 0, atol=1e-9
            )
            _same_distribution(ours[g], graph_eff, f"{g} effects")
    agg = graph_prior["conflict_aggressor_effect"].values
    _same_distribution(ours["conflict_aggressor"], agg, "aggressor-side conflict effects")
    # the two sides' effects of one conflict are correlated rho_conflict, as in the graph
    ours_corr = np.mean(ours["conflict_aggressor"] * ours["conflict_z"], axis=1)
    graph_corr = np.mean(agg * graph_prior["conflict_z"].values, axis=1)
    _same_distribution(ours_corr, graph_corr, "conflict effects' cross-moment")
    assert set(design.dispute) == {0, 1}  # both crisis scales are exercised


def test_uncentred_cutpoints_are_the_graphs_deterministic(design, graph_prior):
    # the graph stores cutpoints = cutpoints_centred + xbar . beta; draw_prior computes the same
    xbar = design.X.mean(axis=0)
    expected = (
        graph_prior["cutpoints_centred"].values + (graph_prior["beta"].values @ xbar)[:, None]
    )
    np.testing.assert_allclose(graph_prior["cutpoints"].values, expected, rtol=1e-6)
    ours = fm.draw_prior(design, draws=50, seed=1)
    np.testing.assert_allclose(
        ours["cutpoints"], ours["cutpoints_centred"] + (ours["beta"] @ xbar)[:, None], rtol=1e-12
    )


def _graph_point(model, values):
    """The graph's value variables (transformed space) for parameter values on their scale."""
    point = {}
    for rv in model.free_RVs:
        value_var = model.rvs_to_values[rv]
        transform = model.rvs_to_transforms.get(rv)
        x = np.asarray(values[rv.name], dtype=float)
        if transform is not None:
            x = transform.forward(pt.as_tensor(x), *rv.owner.inputs).eval()
        point[value_var.name] = x
    return point


def test_numpy_likelihood_equals_the_graphs(design):
    model = fm.build_model(design, parametrization="centered", likelihood="graph")
    logp = model.compile_logp(vars=model.observed_RVs, sum=False, jacobian=False)
    d = fm.draw_prior(design, draws=5, seed=5)
    ours = fm.pointwise_log_likelihood(design, d)
    full, mil = design.target_response, design.target_military
    assert full.any() and mil.any() and (design.aggressor == 1).any()
    for s in range(5):
        values = {k: d[k][s] for k in d}
        for g in GROUPS:
            values[f"{g}_effect"] = d[g][s]
        names = [rv.name for rv in model.observed_RVs]
        terms = dict(zip(names, logp(_graph_point(model, values)), strict=True))
        graph = np.zeros(design.n_rows)
        graph[design.observed] += terms["aggressor"]
        graph[full] += terms["response"]
        graph[mil] += terms["military"]
        np.testing.assert_allclose(ours[s], graph, rtol=1e-6, atol=1e-9)


def test_prior_predictive_summarises_draw_prior(design):
    summary = fm.prior_predictive(design, draws=300, seed=9)
    d = fm.draw_prior(design, draws=300, seed=9)
    p_a, probs = fm.outcome_probs(design, d)
    p = probs[..., 3]
    assert summary["p_military"]["mean"] == pytest.approx(p.mean(axis=1).mean(), rel=1e-12)
    assert summary["p_aggressor"]["mean"] == pytest.approx(p_a.mean(), rel=1e-12)
    assert summary["draws"] == 300 and summary["rows"] == design.n_rows
