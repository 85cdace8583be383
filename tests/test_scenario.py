"""Scenario files, responder rows, and coalition prediction on one tiny simulated fit."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast import ScenarioError, present
from forecast import model as fm
from forecast.analogues import closest_analogues
from forecast.coalition import (
    coalition_sizes,
    conditional_matrix,
    likely_coalitions,
    predict,
)
from forecast.design import COVARIATES, GROUPS, make_design
from forecast.scenario import (
    OVERRIDABLE,
    Scenario,
    load_scenario,
    scenario_paths,
    scenario_rows,
    validate_rows,
)

SCENARIOS = Path(__file__).parent.parent / "data" / "scenarios"
FILES = sorted(SCENARIOS.glob("*.toml"))

GOOD = """\
name = "Test"
year = 2026
aggressor = "Russia"
target = "Estonia"
responders = ["United States", "Latvia", "Finland"]
"""


@pytest.fixture(scope="module")
def sim(tiny_sim):
    return tiny_sim  # conftest: the table of the session's shared tiny fit, ``tiny_fit``


@pytest.fixture(scope="module")
def baltic():
    return load_scenario(SCENARIOS / "baltic.toml")


@pytest.fixture(scope="module")
def prediction(tiny_fit, baltic, sim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return predict(tiny_fit, baltic, draws=3000, seed=7, cases=sim[0])


def _write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------------------------
# scenario files


def test_scenario_directory_has_the_required_scenarios():
    names = {p.stem for p in FILES}
    assert {"taiwan", "baltic", "korea", "philippines", "armenia", "poland"} <= names
    assert [p.name for p in scenario_paths(SCENARIOS)] == [p.name for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_scenario_loads_and_its_rows_fit_the_schema(path):
    s = load_scenario(path)
    assert s.year == 2026 and s.description and s.draws == 4000
    rows = scenario_rows(s)
    helpers = [h for h in s.aggressor_helpers if h not in s.responders]
    assert s.aggressor_helpers and len(rows) == len(s.responders) + len(helpers)
    assert len(s.responders) >= 4
    assert validate_rows(rows) == []
    assert rows["supporter"].tolist() == [*s.responders, *helpers]
    assert (rows["event_type"] == "war").all()
    assert rows["conflict_id"].nunique() == 1 and rows["conflict_id"].iloc[0] == s.conflict_id
    assert rows["response"].isna().all() and rows["military"].isna().all()
    assert not (rows["supporter_ccode"] == rows["target_ccode"]).any()
    pool, allies = present.attack_pool(s.target, s.aggressor)  # today's pool by the rule
    listed = set(rows["supporter_ccode"].astype(int))
    assert rows["pool_size"].nunique() == 1 and rows["pool_size"].iloc[0] == len(pool | listed)
    assert 0 <= rows["pool_aggressor_allies"].iloc[0] <= rows["pool_size"].iloc[0]
    assert len(allies - listed) <= rows["pool_aggressor_allies"].iloc[0]
    design = make_design(rows)
    assert design.X.shape == (len(rows), len(COVARIATES))
    assert np.isfinite(design.X).all()


def test_load_canonicalises_names_and_reads_simulation(tmp_path):
    text = GOOD.replace('"United States"', '"USA"') + "[simulation]\ndraws = 50\nseed = 9\n"
    s = load_scenario(_write(tmp_path, text))
    assert s.responders == ("United States", "Latvia", "Finland")
    assert (s.draws, s.seed) == (50, 9)
    assert s.conflict_id == "scenario-test"


def test_overrides_replace_covariates(tmp_path):
    text = GOOD + (
        '[overrides."United States"]\nobligation = "none"\n\n'
        "[overrides.Finland]\nsupporter_major = true\nsupporter_cinc = 0.05\n"
        'supporter_democracy = ""\n'
    )
    s = load_scenario(_write(tmp_path, text))
    rows = scenario_rows(s).set_index("supporter")
    us, fi = rows.loc["United States"], rows.loc["Finland"]
    assert us["obligation"] == "none" and pd.isna(us["alliance"]) and us["conditional"] == 0
    assert pd.isna(us["alliance_age"])
    assert fi["supporter_major"] == 1 and fi["supporter_cinc"] == pytest.approx(0.05)
    assert pd.isna(fi["supporter_democracy"])
    assert rows.loc["Latvia", "obligation"] == "defense"  # untouched
    assert "overridden" in fi["source"]


BAD = [
    ("unknown-state", GOOD.replace('"Latvia"', '"Latvja"'), 5, "responders",
     "did you mean Latvia"),
    ("unknown-key", GOOD + 'colour = "red"\n', 6, "colour", "unknown key"),
    ("wrong-type", GOOD.replace("year = 2026", 'year = "2026"'), 2, "year",
     "must be an integer, not the string '2026'"),
    ("bool-year", GOOD.replace("year = 2026", "year = true"), 2, "year", "the boolean true"),
    ("duplicate", GOOD.replace('"Finland"]', '"Finland",\n  "Finland"]'), 6, "responders",
     "repeats"),
    ("responder-is-target", GOOD.replace('"Finland"', '"Estonia"'), 5, "responders",
     "Estonia is the target"),
    ("responder-is-aggressor", GOOD.replace('"Finland"', '"Russia"'), 5, "responders",
     "is the aggressor"),
    ("bad-override", GOOD + '\n[overrides."Latvia"]\nobligation = "alliance"\n', 8,
     'overrides.Latvia.obligation', "is not one of none"),
    ("bad-flag", GOOD + '\n[overrides.Latvia]\ncontiguous = 2\n', 8,
     "overrides.Latvia.contiguous", "must be 0, 1, true or false"),
    ("bad-cinc", GOOD + '\n[overrides.Latvia]\nsupporter_cinc = 1.5\n', 8,
     "overrides.Latvia.supporter_cinc", "outside 0..1"),
    ("override-key", GOOD + '\n[overrides.Latvia]\nsupporter = "Japan"\n', 8,
     "overrides.Latvia.supporter", "not an overridable covariate"),
    ("override-stranger", GOOD + '\n[overrides.Japan]\ncontiguous = 1\n', 7,
     "overrides.Japan", "not among the responders"),
    ("override-unknown", GOOD + '\n[overrides.Jappan]\ncontiguous = 1\n', 7,
     "overrides.Jappan", "did you mean Japan"),
    ("simulation-key", GOOD + "\n[simulation]\nchains = 4\n", 8, "simulation.chains",
     "unknown key"),
    ("simulation-draws", GOOD + "\n[simulation]\ndraws = 0\n", 8, "simulation.draws",
     "outside 1.."),
    ("empty-responders", GOOD.replace('["United States", "Latvia", "Finland"]', "[]"), 5,
     "responders", "at least one"),
    ("missing-key", GOOD.replace('target = "Estonia"\n', ""), None, "target", "missing"),
    ("target-is-aggressor", GOOD.replace('"Estonia"', '"Russia"'), 4, "target",
     "also the aggressor"),
    ("year-range", GOOD.replace("2026", "1700"), 2, "year", "outside 1816"),
    ("helper-unknown", GOOD + 'aggressor_helpers = ["Jappan"]\n', 6, "aggressor_helpers",
     "did you mean Japan"),
    ("helper-is-aggressor", GOOD + 'aggressor_helpers = ["Russia"]\n', 6, "aggressor_helpers",
     "is the aggressor"),
    ("helper-type", GOOD + 'aggressor_helpers = "Belarus"\n', 6, "aggressor_helpers",
     "a list"),
    ("not-toml", "name = \n", 1, None, "not valid TOML"),
    ("not-toml-2", GOOD + "[overrides\n", 6, None, "not valid TOML"),
    # regressions (issue 17): each exited 1 or grew an export without bound
    ("deep-toml", GOOD + "x = " + "[" * 100_000 + "]" * 100_000 + "\n", None, None,
     "nested too deeply"),
    ("huge-year", GOOD.replace("2026", "1" + "0" * 5000), None, None, "not valid TOML"),
    ("huge-age", GOOD + '\n[overrides.Latvia]\nalliance_age = 99999999999999999999\n', 8,
     "overrides.Latvia.alliance_age", "more than 9 digits"),
    ("long-name", GOOD.replace('name = "', 'name = "' + "x" * 1000), 1, "name",
     "more than 200"),
]  # fmt: skip


@pytest.mark.parametrize("label,text,line,field,reason", BAD, ids=[b[0] for b in BAD])
def test_bad_scenarios_raise_one_located_line(tmp_path, label, text, line, field, reason):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msg = str(info.value)
    assert "\n" not in msg
    prefix = f"{path}:{line}:" if line else f"{path}:"
    assert msg.startswith(prefix), msg
    if field:
        assert f" {field}: " in msg, msg
    assert reason in msg, msg


@pytest.mark.parametrize(
    "content,reason",
    [(None, "no such scenario"), (b"", "empty"), (b"\x00\x01binary", "binary")],
    ids=["missing", "empty", "binary"],
)
def test_unreadable_files_raise_scenario_error(tmp_path, content, reason):
    path = tmp_path / "x.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ScenarioError, match=reason) as info:
        load_scenario(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_duplicate_responder_points_at_the_repeat(tmp_path):
    text = GOOD.replace('responders = ["United States", "Latvia", "Finland"]',
                        'responders = [\n  "Latvia",\n  "Finland",\n  "Lithuania",\n'
                        '  "latvia",\n]')  # fmt: skip
    with pytest.raises(ScenarioError, match=r":9: responders: 'latvia' repeats 'Latvia'"):
        load_scenario(_write(tmp_path, text))


def test_overridable_columns_are_covariates_of_the_schema():
    from forecast.cases import COLUMNS

    names = {c.name for c in COLUMNS}
    assert set(OVERRIDABLE) <= names
    assert not set(OVERRIDABLE) & {"military", "response", "supporter", "supporter_ccode"}


# ---------------------------------------------------------------------------------------------
# pure coalition summaries


def test_coalition_summaries_on_a_known_table():
    m = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 0], [1, 1, 1]], dtype=bool)
    np.testing.assert_allclose(coalition_sizes(m), [0.25, 0.0, 0.5, 0.25])
    top = likely_coalitions(m, ["a", "b", "c"])
    assert top["members"].tolist() == [("a", "b"), (), ("a", "b", "c")]
    np.testing.assert_allclose(top["probability"], [0.5, 0.25, 0.25])
    cond = conditional_matrix(m, ["a", "b", "c"])
    assert cond.loc["c", "a"] == 1.0 and cond.loc["a", "c"] == pytest.approx(1 / 3)
    assert np.allclose(np.diag(cond), 1.0)
    m[:, 2] = False
    assert conditional_matrix(m, ["a", "b", "c"]).loc["c"].isna().all()


# ---------------------------------------------------------------------------------------------
# prediction on the tiny fit


def test_probabilities_are_in_range_and_ordered(prediction, baltic):
    f = prediction.responders_frame()
    helpers = [h for h in baltic.aggressor_helpers if h not in baltic.responders]
    assert f["responder"].tolist() == [*baltic.responders, *helpers]
    cols = [c for c in f.columns if c.startswith("p_")]
    assert ((f[cols] >= 0) & (f[cols] <= 1)).all().all()
    assert (f["p_diplomatic_plus"] >= f["p_material_plus"] - 1e-12).all()
    assert (f["p_material_plus"] >= f["p_military"] - 1e-12).all()
    for name in ("p_diplomatic_plus", "p_material_plus", "p_military"):
        assert (f[f"{name}_lower"] <= f[name]).all() and (f[name] <= f[f"{name}_upper"]).all()
    assert prediction.probs.shape == (3000, len(baltic.responders) + len(helpers), 4)
    for name in ("p_sided_with_aggressor",):
        assert (f[f"{name}_lower"] <= f[name]).all() and (f[name] <= f[f"{name}_upper"]).all()
    np.testing.assert_allclose(prediction.probs.sum(axis=2), 1.0)


def test_simulated_marginals_match_the_probabilities(prediction):
    f = prediction.responders_frame()
    sims = prediction.levels
    n = sims.shape[0]
    for name, k in (("p_diplomatic_plus", 1), ("p_material_plus", 2), ("p_military", 3)):
        p = f[name].to_numpy()
        share = (sims >= k).mean(axis=0)
        se = np.sqrt(np.maximum(p * (1 - p), 1e-4) / n)
        assert (np.abs(share - p) < 4.5 * se).all(), (name, share, p)


def test_coalition_figures_are_consistent(prediction):
    sizes = prediction.coalition_size
    pool = prediction.n_target_pool  # the target's side: the scenario's responders
    assert sizes.shape == (pool + 1,)
    assert sizes.sum() == pytest.approx(1.0)
    assert prediction.p_any == pytest.approx(1 - prediction.p_none)
    expected = (sizes * np.arange(sizes.size)).sum()
    assert expected == pytest.approx(prediction.military.sum(axis=1).mean())
    top = prediction.coalitions()
    assert len(top) <= 10 and top["probability"].is_monotonic_decreasing
    assert top["probability"].sum() <= 1 + 1e-12
    cond = prediction.conditional()
    assert cond.shape == (pool,) * 2
    ok = ~np.isnan(np.diag(cond.to_numpy()))
    assert np.allclose(np.diag(cond.to_numpy())[ok], 1.0)


def test_same_seed_same_numbers_other_seed_other_numbers(tiny_fit, baltic, prediction, sim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        again = predict(tiny_fit, baltic, draws=3000, seed=7, cases=sim[0])
        other = predict(tiny_fit, baltic, draws=3000, seed=8, n_analogues=0)
    np.testing.assert_array_equal(again.probs, prediction.probs)
    np.testing.assert_array_equal(again.levels, prediction.levels)
    assert again.to_dict() == prediction.to_dict()
    assert not np.array_equal(other.probs, prediction.probs)
    assert other.analogues.empty


def test_more_draws_than_the_posterior_resamples_with_fresh_shocks(tiny_fit, baltic):
    n_post = tiny_fit.draws()["beta"].shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        p = predict(tiny_fit, baltic, draws=n_post + 500, seed=1, n_analogues=0)
    assert p.probs.shape[0] == n_post + 500
    # exact comparison: a repeated draw would repeat every value exactly, and the tiny fit's
    # extreme draws put some probabilities below any fixed rounding
    assert len(np.unique(p.probs.reshape(n_post + 500, -1), axis=0)) == n_post + 500


def test_to_dict_is_plain_json_and_to_frame_is_long(prediction):
    d = prediction.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text) == d
    assert d["model"]["data_hash"].startswith("sha256:")
    assert isinstance(d["model"]["converged"], bool)
    assert d["scenario"] == "Baltic 2026" and d["draws"] == 3000 and d["seed"] == 7
    r = d["responders"][0]
    assert set(r["p_military"]) == {"mean", "lower", "upper"}
    assert set(r["p_sided_with_aggressor"]) == {"mean", "lower", "upper"}
    pool = [x for x in d["responders"] if x["pool"] == "target"]
    assert len(d["coalition"]["size_distribution"]) == len(pool) + 1
    assert len(d["aggressor_side"]["size_distribution"]) == len(d["responders"]) + 1
    assert len(d["conditional"]["matrix"]) == len(pool)
    frame = prediction.to_frame()
    assert {"scenario", "quantity", "responder", "given", "value", "lower", "upper"} <= set(
        frame.columns
    )
    assert {"p_military", "coalition_size", "p_none", "coalition", "p_military_given"} <= set(
        frame["quantity"]
    )
    assert frame.to_csv(index=False)


def test_analogues_share_obligation_and_report_outcomes(prediction, baltic, sim, tiny_fit):
    a = prediction.analogues
    assert 0 < len(a) <= 8
    assert {"responder", "distance", "conflict", "year", "supporter", "military",
            "response"} <= set(a.columns)  # fmt: skip
    assert a["distance"].is_monotonic_increasing
    rows = scenario_rows(baltic)
    full = closest_analogues(rows, sim[0], tiny_fit.design.scaling, per_responder=3)
    assert len(full) == 3 * len(rows)
    for name, g in full.groupby("responder", sort=False):
        assert g["rank"].tolist() == [1, 2, 3]
        assert g["distance"].is_monotonic_increasing
        ours = rows.loc[rows["supporter"] == name, "obligation"].astype(str).iloc[0]
        assert (g["obligation"].astype(str) == ours).all()  # NATO: defense; Belarus: its own
        # a war-scale scenario is matched with war-scale cases, a dispute with disputes
        assert (g["event_type"].astype(str) != "mid").all()
    rows["event_type"] = "mid"
    disputes = closest_analogues(rows, sim[0], tiny_fit.design.scaling, per_responder=2)
    assert (disputes["event_type"].astype(str) == "mid").all()
    anywhere = closest_analogues(
        rows, sim[0], tiny_fit.design.scaling, per_responder=2, same_scale=False
    )
    assert anywhere["distance"].sum() <= disputes["distance"].sum()


def test_unconverged_fit_warns(tiny_fit, baltic):
    if tiny_fit.converged:
        pytest.skip("the tiny fit happened to converge")
    with pytest.warns(fm.ConvergenceWarning, match="not converged"):
        predict(tiny_fit, baltic, draws=100, n_analogues=0)


def test_prediction_from_a_saved_fit_equals_the_fit(tiny_fit, baltic, tmp_path):
    path = tiny_fit.save(tmp_path / "tiny.nc")
    loaded = fm.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        a = predict(tiny_fit, baltic, draws=500, seed=3, n_analogues=0)
        b = predict(loaded, baltic, draws=500, seed=3, n_analogues=0)
    np.testing.assert_allclose(a.probs, b.probs)
    np.testing.assert_array_equal(a.levels, b.levels)


# ---------------------------------------------------------------------------------------------
# a stub fit with known shared conflict effects


@dataclass
class _StubDiag:
    converged: bool = True


@dataclass
class _StubFit:
    """Fit-like object: fixed coefficients, a new-conflict effect with a chosen sd."""

    design: object
    conflict_sd: float
    data_hash: str = "sha256:stub"
    converged: bool = True
    diagnostics: _StubDiag = field(default_factory=_StubDiag)

    def draws_for(self, design, seed=0):
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        s = 2000
        d = {
            "beta": np.zeros((s, len(design.covariates))),
            "cutpoints": np.tile([-2.0, -1.0, 0.0], (s, 1)),
        }
        for g in GROUPS:
            d[f"sigma_{g}"] = np.full(s, self.conflict_sd if g == "conflict" else 0.0)
            d[g] = np.zeros((s, len(design.labels[g])))
        d["conflict"] = rng.normal(0.0, self.conflict_sd, (s, len(design.labels["conflict"])))
        d["sigma_conflict_dispute"] = np.full(s, self.conflict_sd)
        # nobody fights for the aggressor: the target side alone, as before both sides
        d["beta_aggressor"] = np.zeros((s, len(design.covariates)))
        d["alpha_aggressor"] = np.full(s, -50.0)
        d["conflict_aggressor"] = np.zeros((s, len(design.labels["conflict"])))
        return d


@pytest.mark.parametrize("draws", [2000, 6000], ids=["resampled", "with-repeats"])
def test_shared_conflict_effect_makes_decisions_correlated(sim, baltic, draws):
    design = make_design(sim[0])
    strong = predict(_StubFit(design, 3.0), baltic, draws=draws, seed=2, n_analogues=0)
    p = strong.military.mean(axis=0)
    cond = strong.conditional().to_numpy()
    off = ~np.eye(len(p), dtype=bool)
    assert (cond[off] > np.broadcast_to(p, cond.shape)[off] + 0.1).all()
    assert strong.p_none > 0.1 and strong.p_all > 0.1  # independent: 0.5 ** 14 each
    flat = predict(_StubFit(design, 0.0), baltic, draws=draws, seed=2, n_analogues=0)
    p0 = flat.military.mean(axis=0)
    cond0 = flat.conditional().to_numpy()
    assert np.abs(cond0[off] - np.broadcast_to(p0, cond0.shape)[off]).max() < 0.06


def test_scenario_can_be_built_in_code():
    s = Scenario("Built", 2026, "Russia", "Estonia", ("Finland", "Sweden"))
    rows = scenario_rows(s)
    assert rows["conflict_id"].iloc[0] == "scenario-built"
    assert isinstance(rows, pd.DataFrame) and len(rows) == 2
    with pytest.raises(ScenarioError, match="Atlantis"):
        scenario_rows(Scenario("Bad", 2026, "Russia", "Estonia", ("Atlantis",)))


def test_aggressor_helpers_are_read_in_file_order(tmp_path):
    path = _write(tmp_path, GOOD + 'aggressor_helpers = ["Belarus", "north korea"]\n')
    assert load_scenario(path).aggressor_helpers == ("Belarus", "North Korea")
    assert load_scenario(_write(tmp_path, GOOD)).aggressor_helpers == ()
