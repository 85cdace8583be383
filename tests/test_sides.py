"""Both sides of a war in one model: coding, likelihood parts, scenarios, scores, backtest."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from forecast import model as fm
from forecast.design import COVARIATES, make_design
from forecast.errors import ScenarioError
from forecast.evaluate import (
    Crisis,
    backtest,
    crisis_goals,
    runner,
    scores_by_role,
    scores_by_scale,
)
from forecast.scenario import Scenario, load_scenario, scenario_rows


@pytest.fixture(scope="module")
def sim():
    return fm.simulate_cases(500, n_supporters=25, n_conflicts=40, n_alliances=8, seed=7)


def _row(**kw):
    base = {
        "supporter_ccode": 2, "conflict_id": "war-1", "year": 2000, "obligation": "none",
        "target_ccode": 20, "aggressor_ccode": 40,
        "event_type": "war", "conditional": 0, "supporter_major": 0, "target_major": 0,
        "aggressor_major": 0, "contiguous": 0, "aggressor_nuclear": 0, "supporter_nuclear": 0,
        "rival_aggressor": 0, "rival_target": 0, "invoked": None,
        "aggressor_obligation": "none", "aggressor_invoked": None, "target_role": "attacked",
        "distance_km": 100.0, "shared_igos": 10, "sided_with_aggressor": 0,
    }  # fmt: skip
    return base | kw


def test_invocation_and_aggressor_obligations_are_coded_by_type():
    rows = pd.DataFrame(
        [
            _row(obligation="defense", invoked=1),  # NATO and an attack in Europe
            _row(obligation="defense", invoked=0),  # the Falklands: outside the treaty area
            _row(obligation="defense", invoked=None),  # undecidable
            _row(obligation="consultation", invoked=1),
            _row(aggressor_obligation="offense", aggressor_invoked=1),  # the Pact of Steel
            _row(target_role="entered", rival_aggressor=1, event_type="mid", conflict_id="mid-2"),
        ]
    )
    d = make_design(rows)
    f = d.frame()
    assert f["invoked_defense"].tolist() == [1, 0, 0, 0, 0, 0]
    assert f["obligation_defense"].tolist() == [1, 1, 1, 0, 0, 0]
    assert f["invoked_unknown"].tolist() == [0, 0, 1, 0, 0, 0]
    assert f["invoked_other"].tolist() == [0, 0, 0, 1, 0, 0]
    assert f["aggressor_obligation_offense"].tolist() == [0, 0, 0, 0, 1, 0]
    assert f["aggressor_invoked"].tolist() == [0, 0, 0, 0, 1, 0]
    assert f["target_entered"].tolist() == [0, 0, 0, 0, 0, 1]
    assert f["rival_aggressor"].tolist() == [0, 0, 0, 0, 0, 1]
    # crisis scale per conflict: the MID is a dispute, the war is war-scale
    scale = dict(zip(d.labels["conflict"], d.dispute.tolist(), strict=True))
    assert scale == {"mid-2-2000-20-40": 1, "war-1-2000-20-40": 0}  # one effect per attack
    assert set(COVARIATES) >= set(f.columns)


def test_an_invoked_pact_against_ones_own_rival_is_coded_on_the_historical_cases():
    """France for Russia in 1914 and Britain for Poland in 1939: the pact invoked against a
    rival; Romania for Poland in 1939 (pact not invoked against Germany) and an invoked pact
    without rivalry are not."""
    from forecast import load_cases

    cases = load_cases()
    war = cases[cases["event_type"] == "war"]
    scaling = make_design(cases).scaling

    def flag(year, target, supporter):
        row = war[
            (war["year"] == year) & (war["target"] == target) & (war["supporter"] == supporter)
        ]
        assert len(row) == 1, (year, target, supporter)
        f = make_design(row, scaling).frame()
        return int(f["invoked_defense_rival"].iloc[0]), int(f["invoked_defense"].iloc[0])

    assert flag(1914, "Russia", "France") == (1, 1)
    assert flag(1939, "Poland", "United Kingdom") == (1, 1)
    assert flag(1939, "Poland", "Romania") == (0, 0)
    rows = pd.DataFrame(
        [
            _row(obligation="defense", invoked=1, rival_aggressor=1),
            _row(obligation="defense", invoked=1),
            _row(obligation="defense", invoked=0, rival_aggressor=1),
            _row(obligation="neutrality", invoked=1, rival_aggressor=1),
        ]
    )
    assert make_design(rows).frame()["invoked_defense_rival"].tolist() == [1, 0, 0, 0]


def test_defense_pacts_in_disputes_get_their_own_terms():
    """A defense pact (and an invoked one) in a MID adds ``dispute_defense`` (and
    ``dispute_invoked_defense``) to the pact's own terms; in a war, or with a weaker
    commitment, neither is set."""
    rows = pd.DataFrame(
        [
            _row(obligation="defense", invoked=1, event_type="mid", conflict_id="mid-1"),
            _row(obligation="defense", invoked=0, event_type="mid", conflict_id="mid-2"),
            _row(obligation="defense", invoked=1),  # a war
            _row(obligation="neutrality", invoked=1, event_type="mid", conflict_id="mid-3"),
            _row(event_type="mid", conflict_id="mid-4"),
        ]
    )
    f = make_design(rows).frame()
    assert f["dispute_defense"].tolist() == [1, 1, 0, 0, 0]
    assert f["dispute_invoked_defense"].tolist() == [1, 0, 0, 0, 0]
    assert f["obligation_defense"].tolist() == [1, 1, 1, 0, 0]  # the pact's own term stays
    assert f["invoked_defense"].tolist() == [1, 0, 1, 0, 0]


def test_bilateral_commitments_are_two_member_alliances():
    """``bilateral`` (``aggressor_bilateral``) is a commitment to the target (aggressor) in an
    alliance of two members that day; a larger or unknown alliance, or none, is 0."""
    rows = pd.DataFrame(
        [
            _row(obligation="defense", alliance_members=2),
            _row(obligation="defense", alliance_members=12),
            _row(obligation="defense", alliance_members=None),
            _row(obligation="consultation", alliance_members=2),
            _row(aggressor_obligation="defense", aggressor_alliance_members=2),
            _row(aggressor_obligation="neutrality", aggressor_alliance_members=3),
        ]
    )
    f = make_design(rows).frame()
    assert f["bilateral"].tolist() == [1, 0, 0, 1, 0, 0]
    assert f["aggressor_bilateral"].tolist() == [0, 0, 0, 0, 1, 0]
    # a table without the columns (older ones) codes every commitment as not bilateral
    f = make_design(rows.drop(columns=["alliance_members", "aggressor_alliance_members"]))
    assert f.frame()[["bilateral", "aggressor_bilateral"]].to_numpy().sum() == 0


def test_rows_on_the_aggressors_side_enter_only_the_side_part(sim):
    d = make_design(sim[0])
    sided = d.aggressor == 1
    assert sided.any()
    assert not (d.target_response & sided).any() and not (d.target_military & sided).any()
    assert d.observed.all()
    draws = fm.draw_prior(d, draws=3, seed=1)
    ll = fm.pointwise_log_likelihood(d, draws)
    p_a = 1 / (1 + np.exp(-fm.aggressor_logit(d, draws)))
    np.testing.assert_allclose(ll[:, sided], np.log(p_a[:, sided]), rtol=1e-10)


def test_unconditional_probabilities_sum_to_one_and_add_the_side_to_none(sim):
    d = make_design(sim[0])
    draws = fm.draw_prior(d, draws=4, seed=2)
    p_a, probs = fm.outcome_probs(d, draws)
    np.testing.assert_allclose(probs.sum(axis=2), 1.0, rtol=1e-12)
    cond = fm.category_probs(fm.linear_predictor(d, draws), draws["cutpoints"])
    np.testing.assert_allclose(probs[..., 3], (1 - p_a) * cond[..., 3], rtol=1e-12)
    np.testing.assert_allclose(probs[..., 0], p_a + (1 - p_a) * cond[..., 0], rtol=1e-12)


def test_scenario_scale_and_helpers(tmp_path):
    text = (
        'name = "x"\nyear = 2026\naggressor = "Russia"\ntarget = "Estonia"\n'
        'responders = ["Finland", "Latvia"]\naggressor_helpers = ["Belarus", "Latvia"]\n'
    )
    path = tmp_path / "s.toml"
    path.write_text(text + 'scale = "dispute"\n')
    s = load_scenario(path)
    rows = scenario_rows(s)
    assert s.scale == "dispute" and (rows["event_type"] == "mid").all()
    assert rows["supporter"].tolist() == ["Finland", "Latvia", "Belarus"]
    path.write_text(text + 'scale = "blockade"\n')
    with pytest.raises(ScenarioError, match=r"s\.toml:7: scale: 'blockade' is not one of war"):
        load_scenario(path)
    assert Scenario("x", 2026, "Russia", "Estonia", ("Finland",)).scale == "war"


def _estonia(fit, responders, draws):
    """Russia attacks Estonia: ``responders`` for Estonia, Belarus for Russia."""
    from forecast.coalition import predict

    s = Scenario("x", 2026, "Russia", "Estonia", responders, aggressor_helpers=("Belarus",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return s, predict(fit, s, draws=draws, seed=1, n_analogues=0)


def test_prediction_gives_both_sides(tiny_fit):
    _, p = _estonia(tiny_fit, ("Finland", "Latvia"), 500)
    assert p.responders == ("Finland", "Latvia", "Belarus") and p.n_target_pool == 2
    assert p.military.shape == (500, 2) and p.aggressor_side.shape == (500, 3)
    assert not (p.aggressor_side & (p.levels > 0)).any()  # no help to both sides at once
    frame = p.responders_frame()
    assert frame["pool"].tolist() == ["target", "target", "aggressor"]
    assert frame["p_sided_with_aggressor"].between(0, 1).all()
    d = p.to_dict()
    assert 0 <= d["p_target_side_larger"] <= 1
    assert sum(d["aggressor_side"]["size_distribution"]) == pytest.approx(1.0)
    assert d["responders"][2]["p_sided_with_aggressor"]["mean"] == pytest.approx(
        frame["p_sided_with_aggressor"].iloc[2]
    )
    assert "p_sided_with_aggressor" in set(p.to_frame()["quantity"])


def test_reasons_are_the_largest_covariate_contributions(tiny_fit):
    s, p = _estonia(tiny_fit, ("Finland", "France"), 300)
    g = p.grounds
    # a contribution is the posterior-mean coefficient times the covariate: Finland borders
    # Russia (an indicator, present), France does not (absent: no contribution)
    design = make_design(scenario_rows(s), tiny_fit.design.scaling)
    d = tiny_fit.draws()
    k = list(design.covariates).index("contiguous")
    assert design.X[:2, k].tolist() == [1.0, 0.0]
    for side, beta in (("target", d["beta"]), ("aggressor", d["beta_aggressor"])):
        rows = g[(g["side"] == side) & (g["term"] == "contiguous")].set_index("responder")
        assert rows.loc["Finland", "contribution"] == pytest.approx(beta[:, k].mean(), rel=1e-9)
        assert rows.loc["France", "contribution"] == 0.0
    r = p.reasons(n=2, min_abs=0.0)
    assert r.groupby(["responder", "side"]).size().max() == 2
    assert r["responder"].drop_duplicates().tolist() == ["Finland", "France", "Belarus"]
    # a reason is one fact: its grounds' terms added (a commitment's type, conditions and
    # invocation together), and the strongest facts come first
    facts = g.groupby(["responder", "side", "group"], sort=False)["contribution"].sum()
    for (name, side), sub in r.groupby(["responder", "side"]):
        assert (
            sub["contribution"].abs().tolist() == sorted(facts[name][side].abs(), reverse=True)[:2]
        )
    assert (p.reasons(min_abs=0.5)["contribution"].abs() >= 0.5).all()
    assert p.to_dict()["reasons"] == p.reasons().to_dict("records")
    assert r["side"].tolist()[:2] == ["target", "target"]  # the target side first


def test_a_commitment_is_one_reason(tiny_fit):
    # the United States' NATO pact with Estonia, invoked by Russia's attack, Russia its
    # strategic rival: type, conditions, invocation and rival flag make one reason
    s, p = _estonia(tiny_fit, ("United States",), 200)
    g = p.grounds.query("responder == 'United States' and side == 'target'")
    parts = g[g["group"] == "commitment"]
    assert {"obligation_defense", "invoked_defense", "invoked_defense_rival"} <= set(parts["term"])
    r = p.reasons(n=50, min_abs=0.0).query("responder == 'United States' and side == 'target'")
    fact = r.set_index("term").loc["commitment"]
    assert fact["contribution"] == pytest.approx(parts["contribution"].sum())
    assert fact["meaning"].startswith("its commitment to the target: a defense pact")
    assert "invoked, against the supporter's own rival" in fact["meaning"]
    assert "obligation_defense" not in set(r["term"])  # no longer a reason of its own
    rows = scenario_rows(s)
    pool = r.set_index("term").loc["pool", "meaning"]
    size, allies = rows.loc[0, "pool_size"], rows.loc[0, "pool_aggressor_allies"]
    assert pool == (
        f"the attack's pool: {size} potential responders, {allies} of them bound to the aggressor"
    )


def test_reason_groups_name_known_covariates_once():
    from forecast.design import PHRASES, REASON_GROUPS

    grouped = [t for _, terms in REASON_GROUPS.values() for t in terms]
    assert len(grouped) == len(set(grouped)) and set(grouped) <= set(COVARIATES)
    assert set(grouped) == set(PHRASES)


def test_scores_by_scale_hand_worked():
    pred = pd.DataFrame(
        {
            "scale": ["war", "war", "dispute", "dispute"],
            "military": [1, 0, 0, 0],
            "response": [None] * 4,
            "sided_with_aggressor": [0, 1, 0, 0],
            "p_none": [0.5, 0.9, 0.9, 0.9], "p_diplomatic": [0.0] * 4,
            "p_material": [0.0] * 4, "p_military": [0.5, 0.1, 0.1, 0.1],
            "p_none_base_rate": [0.75] * 4, "p_diplomatic_base_rate": [0.0] * 4,
            "p_material_base_rate": [0.0] * 4, "p_military_base_rate": [0.25] * 4,
            "p_aggressor": [0.2, 0.6, 0.0, 0.0],
            "p_aggressor_base_rate": [0.5, 0.5, 0.0, 0.0],
        }
    )  # fmt: skip
    s, rel = scores_by_scale(pred)
    war = s[(s["scale"] == "war") & (s["side"] == "target")].set_index("predictor")
    # Brier of (0.5, 0.1) against (1, 0): ((0.5)^2 + 0.1^2) / 2 = 0.13
    assert war.loc["model", "brier"] == pytest.approx(0.13)
    assert war.loc["base_rate", "brier"] == pytest.approx((0.75**2 + 0.25**2) / 2)
    agg = s[(s["scale"] == "war") & (s["side"] == "aggressor")].set_index("predictor")
    assert agg.loc["model", "brier"] == pytest.approx((0.2**2 + 0.4**2) / 2)
    assert agg.loc["model", "n_events"] == 1
    assert agg.loc["model", "brier_skill"] == pytest.approx(1 - 0.1 / 0.25)
    # the headline goals, from the same war-scale rows
    g = crisis_goals(s, rel).set_index("goal")
    assert g.loc["brier_ratio", "value"] == pytest.approx(0.13 / 0.3125)
    assert g.loc["brier_ratio", "met"]  # 0.416 <= 0.80
    assert g.loc["auc", "value"] == pytest.approx(1.0) and g.loc["auc", "met"]
    # predictions >= 0.1 on war-scale rows: 0.5 (fought) and 0.1 (not): mean 0.3, share 0.5
    assert g.loc["calibration_above_0.1", "value"] == pytest.approx(0.3 - 0.5)
    assert g.loc["calibration_above_0.1", "n"] == 2
    assert not g.loc["calibration_above_0.1", "met"]  # off by 0.2 > 0.05
    assert not g.loc["log_score_vs_logistic", "met"]  # no logistic column: not measured


def test_scores_by_role_hand_worked():
    pred = pd.DataFrame(
        {
            "scale": ["war", "war", "war", "war", "dispute"],
            "target_role": ["attacked", "attacked", "entered", "entered", "entered"],
            "military": [1, 0, 1, 1, 1],
            "response": [None] * 5,
            "p_none": [0.8, 0.9, 0.9, 0.7, 0.5], "p_diplomatic": [0.0] * 5,
            "p_material": [0.0] * 5, "p_military": [0.2, 0.1, 0.1, 0.3, 0.5],
            "p_none_base_rate": [0.75] * 5, "p_diplomatic_base_rate": [0.0] * 5,
            "p_material_base_rate": [0.0] * 5, "p_military_base_rate": [0.25] * 5,
        }
    )  # fmt: skip
    s = scores_by_role(pred).set_index(["role", "predictor"])
    assert s.index.get_level_values("role").unique().tolist() == ["attacked", "entered"]
    # attacked: Brier of (0.2, 0.1) against (1, 0) = (0.64 + 0.01) / 2
    assert s.loc[("attacked", "model"), "brier"] == pytest.approx(0.325)
    assert s.loc[("attacked", "model"), "mean_predicted"] == pytest.approx(0.15)
    assert s.loc[("attacked", "model"), "observed_rate"] == pytest.approx(0.5)
    # later entries (the dispute row is left out): both fought, predicted 0.1 and 0.3
    assert s.loc[("entered", "model"), "n"] == 2 and s.loc[("entered", "model"), "n_events"] == 2
    assert s.loc[("entered", "model"), "mean_predicted"] == pytest.approx(0.2)
    assert s.loc[("entered", "base_rate"), "mean_predicted"] == pytest.approx(0.25)
    assert s.loc[("entered", "model"), "log_score"] == pytest.approx(
        -(np.log(0.1) + np.log(0.3)) / 2
    )
    assert scores_by_role(pred.drop(columns="target_role")).empty  # an older prediction table


def test_backtest_leaves_each_crisis_out(sim, monkeypatch, stand_in_fit):
    cases = sim[0]
    calls: list = []
    monkeypatch.setattr(runner, "_fit_model", lambda tr, **kw: stand_in_fit(tr, calls=calls, **kw))
    first = cases.iloc[0]
    crisis = Crisis("sim", str(first["conflict_id"]), str(first["target"]))
    out = backtest(cases, (crisis,), draws=10, tune=10, chains=1)
    held = cases["conflict_id"] == crisis.conflict_id
    assert crisis.conflict_id not in calls[0]["conflicts"] and len(calls) == 1
    expected = held & (cases["target"].astype(str) == crisis.target)
    assert len(out.rows) == int(expected.sum())
    row = out.crises.iloc[0]
    assert row["brier_ratio"] == pytest.approx(row["brier_model"] / row["brier_base_rate"])
    with pytest.raises(ValueError, match="no rows"):
        backtest(cases, (Crisis("none", "war-0", "Nowhere"),))
