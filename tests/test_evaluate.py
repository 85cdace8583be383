"""Evaluation: scores by hand, folds, baselines, the fold runner, Dask, JSON and plots."""

from __future__ import annotations

import json
import math
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

from forecast import ForecastError
from forecast import evaluate as ev
from forecast import model as fm
from forecast.evaluate import runner
from forecast.plots import plot_reliability, plot_scores

matplotlib.use("Agg")

TINY_FIT = {"draws": 50, "tune": 50, "chains": 1}
# in-process workers: the stand-in fit patched into this process also runs there
CLUSTER = {"n_workers": 1, "threads_per_worker": 1, "processes": False, "dashboard_address": None}


@pytest.fixture(scope="module")
def sim():
    cases, _ = fm.simulate_cases(240, n_supporters=20, n_conflicts=24, n_alliances=6, seed=3)
    return cases


# ---------------------------------------------------------------------------------------------
# a cheap stand-in for the MCMC fit (logic tests; conftest's ``stand_in_fit``)


@pytest.fixture(scope="module")
def fake_eval(sim, stand_in_fit):
    """A whole evaluation with the stand-in fit, for the writers and the plots."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "_fit_model", stand_in_fit)
        return ev.evaluate(sim, "conflict", 3, seed=2, **TINY_FIT)


@pytest.fixture
def fake(monkeypatch, stand_in_fit):
    calls: list[dict] = []
    monkeypatch.setattr(
        runner, "_fit_model", lambda train, **kw: stand_in_fit(train, calls=calls, **kw)
    )
    return calls


# ---------------------------------------------------------------------------------------------
# scores by hand


def test_brier_and_log_score_by_hand():
    assert ev.brier_score([0.1, 0.8, 0.5], [0, 1, 1]) == pytest.approx((0.01 + 0.04 + 0.25) / 3)
    assert ev.brier_score([1, 0], [1, 0]) == 0
    assert ev.log_score([0.5, 0.9], [1, 0]) == pytest.approx((math.log(2) + math.log(10)) / 2)
    assert ev.log_score([0.8], [1]) == pytest.approx(-math.log(0.8))
    assert ev.log_score([0.0], [1]) == pytest.approx(-math.log(1e-12))  # clipped, finite
    assert math.isnan(ev.brier_score([], [])) and math.isnan(ev.log_score([], []))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ev.brier_score([1.2], [1])
    with pytest.raises(ValueError, match="0 or 1"):
        ev.log_score([0.2], [2])
    with pytest.raises(ValueError, match="values"):
        ev.brier_score([0.2, 0.3], [1])


def test_ranked_probability_score_by_hand():
    # F = (0.5, 0.75, 0.9) vs observed level 3 -> O = (0, 0, 0): (0.25 + 0.5625 + 0.81) / 3
    probs = [[0.5, 0.25, 0.15, 0.10], [0.1, 0.2, 0.3, 0.4]]
    first = (0.5**2 + 0.75**2 + 0.9**2) / 3
    # F = (0.1, 0.3, 0.6) vs observed level 0 -> O = (1, 1, 1): (0.81 + 0.49 + 0.16) / 3
    second = (0.9**2 + 0.7**2 + 0.4**2) / 3
    assert ev.ranked_probability_score(probs, [3, 0]) == pytest.approx((first + second) / 2)
    assert ev.ranked_probability_score([[0, 0, 1, 0]], [2]) == 0
    # with two levels it is the Brier score of the upper level
    assert ev.ranked_probability_score([[0.3, 0.7], [0.6, 0.4]], [1, 0]) == pytest.approx(
        ev.brier_score([0.7, 0.4], [1, 0])
    )
    with pytest.raises(ValueError, match="sum to 1"):
        ev.ranked_probability_score([[0.5, 0.6, 0, 0]], [1])
    with pytest.raises(ValueError, match=r"0\.\.3"):
        ev.ranked_probability_score([[0.25] * 4], [4])


def test_auc_by_hand_with_ties():
    assert ev.roc_auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75
    # pairs (pos, neg): (0.5, 0.5) tie -> 1/2, (0.5, 0.2) -> 1, (0.9, .) -> 1, 1: 3.5 / 4
    assert ev.roc_auc([0.5, 0.9, 0.5, 0.2], [1, 1, 0, 0]) == 0.875
    assert ev.roc_auc([0.3, 0.3], [0, 1]) == 0.5
    assert math.isnan(ev.roc_auc([0.1, 0.2], [0, 0]))
    rng = np.random.default_rng(0)
    p, y = rng.random(200), rng.integers(0, 2, 200)
    pairs = (p[y == 1][:, None] > p[y == 0][None, :]).mean()
    assert ev.roc_auc(p, y) == pytest.approx(pairs)


def test_reliability_table_and_ece_by_hand():
    p = [0.05, 0.05, 0.15, 0.95, 1.0]
    y = [0, 1, 0, 1, 1]
    t = ev.reliability_table(p, y)
    assert list(t.columns) == ["bin", "lower", "upper", "n", "mean_predicted", "observed_rate"]
    assert len(t) == 10 and t["n"].sum() == 5
    assert t.loc[0, "n"] == 2 and t.loc[0, "observed_rate"] == 0.5
    assert t.loc[1, "mean_predicted"] == pytest.approx(0.15) and t.loc[1, "observed_rate"] == 0
    assert t.loc[9, "n"] == 2 and t.loc[9, "mean_predicted"] == pytest.approx(0.975)  # 1.0 -> last
    assert t.loc[5, "n"] == 0 and math.isnan(t.loc[5, "observed_rate"])
    hand = (2 * abs(0.05 - 0.5) + 1 * abs(0.15 - 0) + 2 * abs(0.975 - 1)) / 5
    assert ev.expected_calibration_error(p, y) == pytest.approx(hand)
    assert ev.expected_calibration_error([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]) == 0
    assert math.isnan(ev.expected_calibration_error([], []))


# ---------------------------------------------------------------------------------------------
# folds


def test_conflict_folds_partition_by_conflict(sim):
    splits = ev.conflict_folds(sim, 4, seed=1)
    assert len(splits) == 4
    tested = np.concatenate([te for _, te in splits])
    assert sorted(tested.tolist()) == list(range(len(sim)))  # every row held out exactly once
    conflict = sim["conflict_id"].astype(str).to_numpy()
    for train, test in splits:
        assert not set(conflict[train]) & set(conflict[test])
        assert len(train) + len(test) == len(sim)
    sizes = [len(te) for _, te in splits]
    assert max(sizes) - min(sizes) <= sim.groupby("conflict_id").size().max()
    again = ev.conflict_folds(sim, 4, seed=1)
    assert all((a[1] == b[1]).all() for a, b in zip(splits, again, strict=True))
    other = ev.conflict_folds(sim, 4, seed=2)
    assert any(not np.array_equal(a[1], b[1]) for a, b in zip(splits, other, strict=True))
    with pytest.raises(ValueError, match="folds"):
        ev.conflict_folds(sim, 1)
    with pytest.raises(ValueError, match="folds"):
        ev.conflict_folds(sim, sim["conflict_id"].nunique() + 1)


def test_temporal_folds_never_train_on_the_future(sim):
    year = sim["year"].astype(int).to_numpy()
    (tr1, te1), (tr2, te2) = ev.temporal_folds(sim)
    assert year[tr1].max() <= 1945 and 1946 <= year[te1].min() and year[te1].max() <= 1991
    assert year[tr2].max() <= 1991 and year[te2].min() >= 1992
    assert set(te2.tolist()) == set(np.flatnonzero(year >= 1992).tolist())
    curated = np.flatnonzero(sim["event_type"].astype(str).to_numpy() == "curated")
    assert set(curated.tolist()) <= set(te2.tolist())
    with pytest.raises(ForecastError, match="held-out"):
        ev.temporal_folds(sim[sim["year"] < 1992])


# ---------------------------------------------------------------------------------------------
# baselines


def test_baselines_by_hand(sim):
    train = sim.iloc[:120].copy().reset_index(drop=True)
    test = sim.iloc[120:].copy().reset_index(drop=True)
    train["obligation"] = pd.Categorical(
        ["defense"] * 20 + ["none"] * 100, categories=train["obligation"].cat.categories
    )
    mil = np.zeros(120, dtype=int)
    mil[:5] = 1  # 5 of 20 defense rows join, 1 of 100 none rows
    mil[20] = 1
    train["military"] = pd.array(mil, dtype="Int64")
    train["response"] = pd.Categorical([None] * 120, categories=sim["response"].cat.categories)
    test["obligation"] = pd.Categorical(
        ["defense", "none", "offense"] * 40, categories=train["obligation"].cat.categories
    )
    for frame in (train, test):  # one crisis scale, every commitment invoked
        frame["event_type"] = pd.Categorical(
            ["war"] * len(frame), categories=sim["event_type"].cat.categories
        )
        allied = frame["obligation"].astype(str) != "none"
        frame["invoked"] = pd.array(np.where(allied, 1, pd.NA), dtype="Int64")
    b = ev.baseline_predictions(train, test)
    assert set(b) == {
        "base_rate", "obligation_rate", "logistic", "base_rate_aggressor", "logistic_aggressor"
    }  # fmt: skip
    for name in ("base_rate", "obligation_rate", "logistic"):
        probs = b[name]
        assert probs.shape == (len(test), 4)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    side = train["sided_with_aggressor"].astype(int).mean()
    np.testing.assert_allclose(b["base_rate_aggressor"], side)  # one scale: the training share
    assert b["logistic_aggressor"].shape == (len(test),)
    p0 = 6 / 120
    np.testing.assert_allclose(b["base_rate"][:, 3], p0)
    ob = b["obligation_rate"][:, 3]
    assert ob[0] == pytest.approx((5 + p0) / 21)  # defense: one pseudo-row at the base rate
    assert ob[1] == pytest.approx((1 + p0) / 101)
    assert ob[2] == pytest.approx(p0)  # offense: no training rows -> the base rate
    # no coded responses in training: the lower levels split evenly (add-one smoothing)
    np.testing.assert_allclose(b["base_rate"][:, :3], (1 - p0) / 3)
    assert 0 < b["logistic"][:, 3].min() and b["logistic"][:, 3].max() < 1
    assert b["logistic"][0, 3] > b["logistic"][1, 3]  # defense above none


# ---------------------------------------------------------------------------------------------
# the fold runner (stand-in fit)


def test_evaluate_conflict_scheme_logic(sim, fake):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the stand-in "converges": no warning
        e = ev.evaluate(sim, "conflict", 3, seed=4, **TINY_FIT)
    p = e.predictions
    assert len(p) == len(sim) and set(p["case_id"]) == set(sim["case_id"].astype(str))
    assert p["fold"].tolist() == sorted(p["fold"].tolist())
    for f, call in enumerate(fake):  # the fit saw no held-out conflict
        assert not call["conflicts"] & set(p.loc[p["fold"] == f, "conflict_id"])
    four = p[["p_none", "p_diplomatic", "p_material", "p_military"]].to_numpy()
    np.testing.assert_allclose(four.sum(axis=1), 1.0)
    # baselines on exactly the model's rows, as refitted on the fold's training rows
    splits = ev.conflict_folds(sim, 3, seed=4)
    train, test = (sim.iloc[i].reset_index(drop=True) for i in splits[1])
    again = ev.baseline_predictions(train, test)
    rows = p[p["fold"] == 1]
    assert rows["case_id"].tolist() == test["case_id"].astype(str).tolist()
    for name in ("base_rate", "obligation_rate", "logistic"):
        cols = [f"p_{r}_{name}" for r in ("none", "diplomatic", "material", "military")]
        np.testing.assert_allclose(rows[cols].to_numpy(), again[name])
    for name in ("base_rate", "logistic"):
        np.testing.assert_allclose(rows[f"p_aggressor_{name}"], again[f"{name}_aggressor"])
    assert set(e.scale_scores["scale"]) == {"war", "dispute"}
    assert set(e.scale_scores["side"]) == {"target", "aggressor"}
    roles = sim["target_role"].astype(str).to_numpy()
    order = np.concatenate([np.sort(t) for _, t in splits])
    assert p["target_role"].tolist() == roles[order].tolist()
    by_role = e.role_scores[e.role_scores["predictor"] == "model"].set_index("role")
    war_roles = p.loc[p["scale"] == "war", "target_role"]
    for role, n in war_roles.value_counts().items():
        assert by_role.loc[role, "n"] == n
    war = e.scale_scores[(e.scale_scores["scale"] == "war") & (e.scale_scores["side"] == "target")]
    assert (war["n"] == (p["scale"] == "war").sum()).all()
    assert list(e.scores.index) == list(ev.PREDICTORS)
    assert (e.scores["n"] == len(sim)).all()
    assert (e.scores["n_response"] == sim["response"].notna().sum()).all()
    assert e.scores.loc["base_rate", "brier_skill"] == 0
    assert e.scores.loc["model", "brier"] == pytest.approx(
        ev.brier_score(p["p_military"], p["military"].astype(int))
    )
    scores, rel = ev.score_predictions(p)
    pd.testing.assert_frame_equal(scores, e.scores)
    assert set(rel["predictor"]) == set(ev.PREDICTORS) and len(rel) == 40
    assert e.folds["n_test"].sum() == len(sim) and e.converged
    assert e.settings["scheme"] == "conflict" and e.settings["folds"] == 3
    # the same seed gives the same folds and the same fit seeds
    assert e.folds["seed"].tolist() == [ev._fold_seed(4, f) for f in range(3)]


def test_evaluate_temporal_scheme_logic(sim, fake):
    e = ev.evaluate(sim, "temporal", seed=0, **TINY_FIT)
    assert len(fake) == 2 and e.settings["folds"] == 2
    p = e.predictions
    for f, (call, cutoff) in enumerate(zip(fake, (1945, 1991), strict=True)):
        assert call["years"].max() <= cutoff
        assert p.loc[p["fold"] == f, "year"].astype(int).min() > cutoff
    assert p.loc[p["fold"] == 0, "year"].astype(int).max() <= 1991
    assert set(p["year"].astype(int)) == set(sim.loc[sim["year"] >= 1946, "year"].astype(int))


def test_evaluate_rejects_bad_arguments(sim):
    with pytest.raises(ValueError, match="scheme"):
        ev.evaluate(sim, "random")
    with pytest.raises(ValueError, match="jobs"):
        ev.evaluate(sim, jobs=0)
    with pytest.raises(ValueError, match="draws"):
        ev.evaluate(sim, draws=0)
    with pytest.raises(ValueError, match="scheduler"):
        ev._client(42)


def test_unconverged_folds_warn_loudly(sim, monkeypatch, stand_in_fit):
    def unconverged(train, **kw):
        f = stand_in_fit(train, **kw)
        f.diagnostics = fm.Diagnostics(1.2, 10.0, 10.0, 3, (0.2,), False)
        return f

    monkeypatch.setattr(runner, "_fit_model", unconverged)
    with pytest.warns(fm.ConvergenceWarning, match="2 of 2 fold fits") as said:
        e = ev.evaluate(sim, "conflict", 2, **TINY_FIT)
    assert not e.converged and not e.to_json()["converged"]
    # which folds, and the rules each broke
    text = str(said[0].message)
    assert "fold 0: max r-hat 1.2000 > 1.01; min bulk ESS 10 < 400" in text and "fold 1:" in text
    assert e.to_json()["folds"][1]["min_ess_tail"] == 10.0


def test_dask_path_matches_local_with_stand_in(sim, fake):
    from distributed import Client, LocalCluster

    local = ev.evaluate(sim, "conflict", 2, seed=9, **TINY_FIT)
    with LocalCluster(**CLUSTER) as lc, Client(lc) as client:
        by_client = ev.evaluate(sim, "conflict", 2, seed=9, scheduler=client, **TINY_FIT)
        address = lc.scheduler_address
        by_address = ev.evaluate(sim, "conflict", 2, seed=9, scheduler=address, **TINY_FIT)
    for other in (by_client, by_address):
        pd.testing.assert_frame_equal(other.predictions, local.predictions)
        pd.testing.assert_frame_equal(other.scores, local.scores)
    assert by_client.settings["ran_on"] == "dask"


# ---------------------------------------------------------------------------------------------
# real fits through forecast.model.fit: by default with a mock sampler (prior draws for the
# MCMC); really sampled in the slow tests. The seed fixes the results wherever the folds run.


def _check_fold_run(e, sim):
    p = e.predictions
    assert len(p) == len(sim) and p["p_military"].between(0, 1).all()
    assert e.folds["seconds"].gt(0).all()
    assert e.settings["ran_on"] == "serial"


def test_fold_fits_go_through_fit_with_a_mock_sampler(sim, monkeypatch, mock_sampler):
    import pymc

    from forecast.model import fitting

    seen: list[dict] = []

    def sample(**kwargs):
        seen.append(kwargs)
        return mock_sampler(**kwargs)

    monkeypatch.setattr(pymc, "sample", sample)
    # nutpie is sampled directly, not through pymc.sample: route it to the mock as well
    monkeypatch.setattr(
        fitting, "_sample_nutpie", lambda model, kwargs, adaptation, **_: sample(**kwargs)
    )
    with pytest.warns(fm.ConvergenceWarning, match="2 of 2 fold fits"):
        e = ev.evaluate(sim, "conflict", 2, seed=7, **TINY_FIT)
    _check_fold_run(e, sim)
    assert [kw["random_seed"] for kw in seen] == [ev._fold_seed(7, f) for f in range(2)]
    for kw in seen:  # the fold settings reach the sampler
        assert (kw["draws"], kw["tune"], kw["chains"]) == (50, 50, 1)
        assert kw["progressbar"] is False
    assert not e.converged and not e.folds["converged"].any()


@pytest.fixture(scope="module")
def real(sim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return ev.evaluate(sim, "conflict", 2, seed=7, **TINY_FIT)


@pytest.mark.slow
def test_real_fit_predictions(real, sim):
    # slow: two real fits (~10 s); by default test_fold_fits_go_through_fit_with_a_mock_sampler
    _check_fold_run(real, sim)


@pytest.mark.slow
def test_dask_matches_local_real_fit(real, sim):
    # slow: two more real fits on Dask (~10 s); by default the executor logic is checked by
    # test_dask_path_matches_local_with_stand_in, the seeding by test_fold_fits_go_through_...
    from distributed import LocalCluster

    with LocalCluster(**CLUSTER) as lc, warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        dask = ev.evaluate(sim, "conflict", 2, seed=7, scheduler=lc, **TINY_FIT)
    pd.testing.assert_frame_equal(dask.predictions, real.predictions)
    pd.testing.assert_frame_equal(dask.scores, real.scores)


@pytest.mark.slow
def test_processes_match_serial_real_fit(real, sim):
    # slow: each spawned process imports PyMC and compiles the model afresh (~25 s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        par = ev.evaluate(sim, "conflict", 2, seed=7, jobs=2, **TINY_FIT)
    pd.testing.assert_frame_equal(par.predictions, real.predictions)
    assert par.settings["ran_on"] == "processes"


# ---------------------------------------------------------------------------------------------
# writing and reading


def test_json_round_trip(fake_eval, sim, tmp_path):
    doc = fake_eval.to_json()
    json.dumps(doc, allow_nan=False)  # strict JSON: NaN became null
    assert doc["data_hash"] == fm.data_hash(sim)
    assert doc["format"] == "forecast-evaluation/1"
    assert [f["n_test"] for f in doc["folds"]] == fake_eval.folds["n_test"].tolist()
    path = fake_eval.write_json(tmp_path / "models" / "evaluation.json")
    assert [x.name for x in path.parent.iterdir()] == ["evaluation.json"]  # no temp file left
    back = ev.load_evaluation(path)
    pd.testing.assert_frame_equal(back.scores, fake_eval.scores)
    pd.testing.assert_frame_equal(back.reliability, fake_eval.reliability)
    assert back.settings == fake_eval.settings and back.data_hash == fake_eval.data_hash
    assert doc["scores_by_role"] and doc["scores_by_role"] == back.to_json()["scores_by_role"]
    assert back.to_json()["scores"] == doc["scores"]
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(ForecastError, match=r"bad\.json"):
        ev.load_evaluation(tmp_path / "bad.json")


def test_write_predictions_csv_and_parquet(fake_eval, tmp_path):
    csv = fake_eval.write_predictions(tmp_path / "p.csv")
    back = pd.read_csv(csv)
    assert back["case_id"].tolist() == fake_eval.predictions["case_id"].tolist()
    np.testing.assert_allclose(back["p_military"], fake_eval.predictions["p_military"])
    pq = pd.read_parquet(fake_eval.write_predictions(tmp_path / "p.parquet"))
    col = "p_military_logistic"
    np.testing.assert_array_equal(pq[col], fake_eval.predictions[col])
    with pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        fake_eval.write_predictions(tmp_path / "p.xlsx")


# ---------------------------------------------------------------------------------------------
# plots


def test_plots_return_axes(fake_eval):
    import matplotlib.pyplot as plt

    ax = plot_reliability(fake_eval)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert len(ax.get_legend().get_texts()) == 1 + len(ev.PREDICTORS)
    _, (a1, a2) = plt.subplots(1, 2)
    assert plot_reliability(fake_eval.reliability, ax=a1, predictors=["model"]) is a1
    one = fake_eval.reliability[fake_eval.reliability["predictor"] == "model"].drop(
        columns="predictor"
    )
    assert isinstance(plot_reliability(one), matplotlib.axes.Axes)
    assert plot_scores(fake_eval.scores, ax=a2, score="auc") is a2
    assert len(a2.patches) == len(ev.PREDICTORS)
    with pytest.raises(ValueError, match="no column"):
        plot_scores(fake_eval.scores, score="accuracy")
    with pytest.raises(ValueError, match="no predictor"):
        plot_reliability(fake_eval, predictors=["oracle"])
    plt.close("all")
