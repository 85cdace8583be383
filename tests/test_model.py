"""The design, the model, saved fits and the model card, on small simulated case tables."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from forecast import (
    SCHEMA_VERSION,
    ForecastError,
    ModelMismatchError,
    NotFittedError,
    validate_cases,
)
from forecast import model as fm
from forecast.card import render_model_card, write_model_card
from forecast.design import COVARIATES, ERAS, GROUPS, Design, era_index, make_design

FIT_KW = {"draws": 250, "tune": 300, "chains": 2, "progressbar": False}


@pytest.fixture(scope="module")
def sim():
    return fm.simulate_cases(700, n_supporters=30, n_conflicts=50, n_alliances=12, seed=11)


@pytest.fixture(scope="module")
def fitted(sim):
    cases, _ = sim
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = fm.fit(cases, seed=5, **FIT_KW)
    return f, [w for w in caught if issubclass(w.category, fm.ConvergenceWarning)]


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("fit") / "fit.nc"
    fitted[0].save(path)
    return path


# ---------------------------------------------------------------------------------------------
# simulation and design


def test_simulated_table_is_valid_and_typed(sim):
    cases, truth = sim
    assert validate_cases(cases) == []
    assert cases["obligation"].dtype == "category"
    assert str(cases["military"].dtype) == "Int64"
    assert cases["response"].isna().any() and cases["response"].notna().any()
    assert set(truth["beta"]) == set(COVARIATES)
    again, _ = fm.simulate_cases(700, n_supporters=30, n_conflicts=50, n_alliances=12, seed=11)
    pd.testing.assert_frame_equal(cases, again)


def test_design_shapes_labels_and_outcome(sim):
    cases, _ = sim
    d = make_design(cases)
    assert d.X.shape == (len(cases), len(COVARIATES))
    assert d.covariates == COVARIATES
    for g in GROUPS:
        assert d.index[g].shape == (len(cases),)
        assert d.index[g].max() < len(d.labels[g])
    no_alliance = cases["alliance"].isna().to_numpy()
    assert (d.index["alliance"][no_alliance] == -1).all()
    assert (d.index["alliance_conflict"][no_alliance] == -1).all()
    assert (d.index["alliance"][~no_alliance] >= 0).all()
    coded = cases["response"].notna().to_numpy()
    assert (d.y[~coded] == -1).all() and set(d.y[coded]) <= {0, 1, 2, 3}
    assert ((d.y[coded] == 3) == (d.military[coded] == 1)).all()
    assert set(d.labels["supporter"]) == {str(c) for c in cases["supporter_ccode"]}


def test_design_coding_rules(sim):
    cases, _ = sim
    t = cases.iloc[:4].copy()
    t["supporter_democracy"] = pd.array([1, 1, 0, pd.NA], dtype="Int64")
    t["target_democracy"] = pd.array([1, pd.NA, pd.NA, pd.NA], dtype="Int64")
    t["supporter_cinc"] = pd.array([0.1, 0.0, pd.NA, 0.2], dtype="Float64")
    t["aggressor_cinc"] = pd.array([0.1, 0.1, 0.1, 0.2], dtype="Float64")
    t["year"] = pd.array([1900, 1914, 1991, 1992], dtype="Int64")
    d = make_design(t)
    col = {c: d.X[:, i] for i, c in enumerate(d.covariates)}
    assert col["both_democracies"].tolist() == [1, 0, 0, 0]
    assert col["democracy_missing"].tolist() == [0, 1, 0, 1]
    assert col["capability_missing"].tolist() == [0, 0, 1, 0]
    assert np.isfinite(col["log_capability_ratio"]).all()  # CINC 0 is floored, not -inf
    assert col["log_capability_ratio"][2] == 0.0
    assert d.labels["era"] == ERAS
    assert era_index([1815, 1913, 1914, 1945, 1946, 1991, 1992, 2024]).tolist() == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
    ]


def test_make_design_reuses_scaling(sim):
    cases, _ = sim
    full = make_design(cases)
    part = cases.iloc[:50].reset_index(drop=True)
    reused = make_design(part, scaling=full.scaling)
    own = make_design(part)
    np.testing.assert_array_equal(reused.X, full.X[:50])
    assert reused.scaling == full.scaling
    assert own.scaling != full.scaling
    with pytest.raises(ValueError, match="scaling"):
        make_design(part, scaling={"log_capability_ratio": {"mean": 0, "sd": 1}})


def test_conflict_effect_is_one_per_attack(sim):
    cases, _ = sim
    t = cases[cases["conflict_id"] == cases["conflict_id"].iloc[0]].head(4).copy()
    t["target_ccode"] = pd.array([2, 2, 20, 20], dtype="Int64")  # a second state in need
    t["supporter_ccode"] = pd.array([200, 220, 200, 220], dtype="Int64")
    d = make_design(t)
    cid, year = t["conflict_id"].iloc[0], int(t["year"].iloc[0])
    a = int(t["aggressor_ccode"].iloc[0])
    assert d.labels["conflict"] == (f"{cid}-{year}-2-{a}", f"{cid}-{year}-20-{a}")
    assert d.index["conflict"].tolist() == [0, 0, 1, 1]
    allied = d.index["alliance_conflict"][d.index["alliance_conflict"] >= 0]
    assert all(lab.endswith(f"|{cid}") for lab in d.labels["alliance_conflict"])  # per war
    assert allied.size == 0 or allied.max() < len(d.labels["alliance_conflict"])


def test_pool_facts_are_standardised_and_optional(sim):
    cases, _ = sim
    d = make_design(cases)
    col = {c: d.X[:, i] for i, c in enumerate(d.covariates)}
    size = cases.groupby("conflict_id")["case_id"].transform("size").to_numpy()
    np.testing.assert_allclose(
        col["log_pool_size"], (np.log(size) - np.log(size).mean()) / np.log(size).std()
    )
    old = {k: v for k, v in d.scaling.items() if "pool" not in k}  # a fit from before them
    chosen = [c for c in COVARIATES if "pool" not in c]
    again = make_design(cases.drop(columns=["pool_size"]), scaling=old, covariates=chosen)
    assert again.covariates == tuple(chosen)
    assert make_design(cases.drop(columns=["pool_size"])).X[:, -2].tolist() == [0.0] * len(cases)


# ---------------------------------------------------------------------------------------------
# numpy prediction and likelihood


def _toy_design(y, military, seed=0):
    rng = np.random.default_rng(seed)
    n = len(y)
    return Design(
        X=rng.normal(size=(n, len(COVARIATES))),
        covariates=COVARIATES,
        scaling={},
        index={g: np.zeros(n, dtype=np.int64) for g in GROUPS},
        labels={g: ("only",) for g in GROUPS},
        y=np.asarray(y, dtype=np.int64),
        military=np.asarray(military, dtype=np.int64),
    )


def test_linear_predictor_and_probs_by_hand():
    d = _toy_design([0, 1, 2], [0, 0, 0])
    d.index["conflict"][:] = [0, 1, 0]
    d.index["alliance"][:] = [-1, 0, 0]
    d.labels["conflict"] = ("a", "b")
    rng = np.random.default_rng(1)
    draws = {
        "beta": rng.normal(size=(5, len(COVARIATES))),
        "conflict": rng.normal(size=(5, 2)),
        "alliance": rng.normal(size=(5, 1)),
        "cutpoints": np.sort(rng.normal(size=(5, 3)), axis=1),
    }
    eta = fm.linear_predictor(d, draws)
    hand = draws["beta"] @ d.X.T + draws["conflict"][:, [0, 1, 0]]
    hand[:, 1:] += draws["alliance"][:, [0, 0]]  # row 0 has no alliance: no effect
    np.testing.assert_allclose(eta, hand)
    p = fm.category_probs(eta, draws["cutpoints"])
    np.testing.assert_allclose(p.sum(axis=2), 1.0)
    assert (p >= 0).all()
    top = 1 / (1 + np.exp(-(eta - draws["cutpoints"][:, [2]])))
    np.testing.assert_allclose(p[..., 3], top)


def test_partial_observation_likelihood_is_top_category():
    d = _toy_design([2, -1, -1], [0, 1, 0])
    model = fm.build_model(d, likelihood="graph")
    point = model.initial_point()
    rng = np.random.default_rng(3)
    point["beta"] = rng.normal(scale=0.5, size=len(COVARIATES))
    cut = np.array([-0.5, 0.7, 1.9])
    # the sampled cutpoints are those of a row at the covariate means
    centred = cut - d.X.mean(axis=0) @ point["beta"]
    rv = model["cutpoints_centred"]
    value = model.rvs_to_values[rv].name  # the ordered-transformed value
    point[value] = model.rvs_to_transforms[rv].forward(centred).eval()
    (stored,) = model.replace_rvs_by_values([model["cutpoints"]])
    inputs = model.value_vars
    np.testing.assert_allclose(
        model.compile_fn(stored, inputs=inputs, on_unused_input="ignore")(point), cut
    )
    eta = d.X @ point["beta"]
    logps = model.compile_logp(vars=[model["response"], model["military"]], sum=False)(point)

    def F(x):
        return 1 / (1 + np.exp(-x))

    ordered = np.log(F(cut[2] - eta[0]) - F(cut[1] - eta[0]))
    mil1 = np.log(1 - F(cut[2] - eta[1]))  # P(response = military)
    mil0 = np.log(F(cut[2] - eta[2]))  # P(response < military)
    np.testing.assert_allclose(np.ravel(logps[0]), [ordered], rtol=1e-6)
    np.testing.assert_allclose(np.ravel(logps[1]), [mil1, mil0], rtol=1e-6)


def test_build_model_rejects_bad_arguments(sim):
    d = make_design(sim[0])
    with pytest.raises(ValueError, match="parametrization"):
        fm.build_model(d, parametrization="sideways")
    with pytest.raises(ValueError, match="no row"):
        fm.build_model(_toy_design([-1], [-1]))
    with pytest.raises(ValueError, match="likelihood must be 'fused' or 'graph'"):
        fm.build_model(d, likelihood="exact")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"draws": 0}, "draws must be a positive integer"),
        ({"target_accept": 1.2}, "target_accept must be between 0 and 1"),
        ({"adaptation": "full"}, "adaptation must be one of diag, draw_diag, low_rank"),
        ({"sampler": "stan"}, "sampler must be"),
    ],
)
def test_fit_rejects_bad_settings_before_sampling(sim, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fm.fit(sim[0], **kwargs)


# ---------------------------------------------------------------------------------------------
# priors


def test_merge_priors_user_over_default():
    merged = fm.merge_priors(
        {
            "sigma_conflict": {"dist": "Exponential", "lam": 2.0},
            "beta_contiguous": {"dist": "Normal", "mu": 0.5, "sigma": 0.5},
        }
    )
    assert merged["sigma_conflict"] == {"dist": "Exponential", "lam": 2.0}
    assert merged["beta"] == fm.DEFAULT_PRIORS["beta"]
    assert fm.DEFAULT_PRIORS["sigma_conflict"]["dist"] == "HalfNormal"  # defaults untouched
    with pytest.raises(ValueError, match="unknown name"):
        fm.merge_priors({"gamma": {"dist": "Normal", "mu": 0, "sigma": 1}})
    with pytest.raises(ValueError, match="must be > 0"):
        fm.merge_priors({"beta": {"dist": "Normal", "mu": 0, "sigma": -1}})
    with pytest.raises(ValueError, match="not one of"):
        fm.merge_priors({"sigma_era": {"dist": "Normal", "mu": 0, "sigma": 1}})
    with pytest.raises(ValueError, match="Gamma takes alpha, beta"):
        fm.merge_priors({"sigma_era": {"dist": "Gamma", "sigma": 1}})


def test_scale_prior_draws_match_their_distributions():
    rng = np.random.default_rng(0)
    gamma = fm._scale_draws({"dist": "Gamma", "alpha": 2.0, "beta": 4.0}, 200_000, rng)
    assert gamma.mean() == pytest.approx(0.5, rel=0.01)  # alpha / beta
    assert gamma.var() == pytest.approx(2.0 / 16.0, rel=0.02)  # alpha / beta**2
    half = fm._scale_draws({"dist": "HalfNormal", "sigma": 1.0}, 200_000, rng)
    assert half.mean() == pytest.approx(np.sqrt(2 / np.pi), rel=0.01)
    assert (gamma > 0).all() and (half >= 0).all()


def test_prior_predictive_summary(sim):
    d = make_design(sim[0])
    pp = fm.prior_predictive(d, draws=200, seed=1)
    assert pp == fm.prior_predictive(d, draws=200, seed=1)
    assert sum(pp["category_shares"].values()) == pytest.approx(1.0)
    p = pp["p_military"]
    assert 0 < p["q05"] < p["q50"] < p["q95"] < 1
    # weakly informative: neither certain nor impossible intervention dominates
    assert 0.05 < p["mean"] < 0.6
    assert pp["share_extreme"] < 0.5
    tight = fm.prior_predictive(d, {"beta": {"dist": "Normal", "mu": 0, "sigma": 0.1}}, 200, 1)
    assert tight["share_extreme"] < pp["share_extreme"]


# ---------------------------------------------------------------------------------------------
# diagnostics


def _tree(post: dict, energy: np.ndarray, diverging: np.ndarray):
    dims = ("chain", "draw")
    return xr.DataTree.from_dict(
        {
            "/posterior": xr.Dataset({k: (dims, v) for k, v in post.items()}),
            "/sample_stats": xr.Dataset(
                {"energy": (dims, energy), "diverging": (dims, diverging)}
            ),
        }
    )


def test_diagnose_applies_the_rule():
    rng = np.random.default_rng(0)
    good = _tree(
        {"a": rng.normal(size=(4, 1000))}, rng.normal(size=(4, 1000)), np.zeros((4, 1000), bool)
    )
    d = fm.diagnose(good)
    assert d.converged and d.problems() == [] and len(d.ebfmi) == 4
    stuck = rng.normal(size=(4, 1000)) + np.arange(4)[:, None]
    div = np.zeros((4, 1000), bool)
    div[0, 3] = True
    bad = fm.diagnose(_tree({"a": stuck}, rng.normal(size=(4, 1000)), div))
    assert not bad.converged
    text = "; ".join(bad.problems())
    assert "r-hat" in text and "1 divergent" in text


# ---------------------------------------------------------------------------------------------
# fitting (one small real fit per module)


def test_fit_result_and_warning(fitted):
    f, caught = fitted
    assert {"posterior", "sample_stats", "observed_data"} <= set(f.idata.children)
    assert f.seed == 5 and f.sampler["name"] in ("nutpie", "pymc")
    # settings not given are the sampler's own defaults, recorded in the fit
    expected = fm.SAMPLER_DEFAULTS[f.sampler["name"]]
    assert f.sampler["target_accept"] == expected["target_accept"]
    assert f.sampler["adaptation"] == expected.get("adaptation")
    assert f.data_hash.startswith("sha256:")
    assert isinstance(f.diagnostics.converged, bool)
    assert bool(caught) == (not f.diagnostics.converged)
    post = f.idata["posterior"]
    assert post["beta"].shape[-1] == len(COVARIATES)
    assert (np.diff(post["cutpoints"].values, axis=-1) > 0).all()


def test_fit_recovers_coefficients(fitted, sim):
    f, _ = fitted
    _, truth = sim
    s = f.summary(0.9)
    cov = s[s["kind"] == "covariate"]
    true = pd.Series(truth["beta"]).reindex(cov.index)
    inside = (cov["lower"] <= true) & (true <= cov["upper"])
    assert inside.mean() >= 0.7, cov.assign(true=true)[~inside]
    cuts = s[s["kind"] == "cutpoint"]
    true_cuts = np.array(truth["cutpoints"])
    assert (
        (cuts["lower"].to_numpy() <= true_cuts) & (true_cuts <= cuts["upper"].to_numpy())
    ).sum() >= 2


def test_summary_odds_ratios(fitted):
    s = fitted[0].summary()
    assert list(s.columns) == [
        "kind",
        "mean",
        "sd",
        "lower",
        "upper",
        "odds_ratio",
        "or_lower",
        "or_upper",
        "r_hat",
        "ess_bulk",
    ]
    beta = fitted[0].idata["posterior"]["beta"].sel(covariate="obligation_defense").values
    assert s.loc["obligation_defense", "odds_ratio"] == pytest.approx(np.exp(np.median(beta)))
    assert s.loc["sigma_conflict", "odds_ratio"] != s.loc["sigma_conflict", "odds_ratio"]  # NaN


def test_same_seed_gives_identical_draws(fitted, sim):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = fm.fit(sim[0], seed=5, **FIT_KW)
    for name in ("beta", "cutpoints", "conflict_effect"):
        np.testing.assert_array_equal(
            again.idata["posterior"][name].values, fitted[0].idata["posterior"][name].values
        )


def test_draws_for_new_levels(fitted, sim):
    f, _ = fitted
    cases = sim[0]
    rows = cases.iloc[:3].copy()
    rows["conflict_id"] = pd.array(["brand-new"] * 3, dtype="string")
    rows["supporter_ccode"] = pd.array([2, 2, 200], dtype="Int64")
    d = make_design(rows, scaling=f.design.scaling)
    draws = f.draws_for(d, seed=1)
    base = f.draws()
    (new,) = d.labels["conflict"]
    col = draws["conflict"][:, d.labels["conflict"].index(new)]
    ratio = np.mean(col**2) / np.mean(base["sigma_conflict"] ** 2)  # Normal(0, sigma) per draw
    assert 0.7 < ratio < 1.4
    np.testing.assert_array_equal(draws["conflict"], f.draws_for(d, seed=1)["conflict"])
    known = [lab for lab in d.labels["supporter"] if lab in f.design.labels["supporter"]]
    for lab in known:
        np.testing.assert_array_equal(
            draws["supporter"][:, d.labels["supporter"].index(lab)],
            base["supporter"][:, f.design.labels["supporter"].index(lab)],
        )
    p = f.predict_proba(d, seed=1)
    assert p.shape == (base["beta"].shape[0], 3, 4)
    np.testing.assert_allclose(p.sum(axis=2), 1.0)


# ---------------------------------------------------------------------------------------------
# save and load


def test_save_load_roundtrip(fitted, saved, sim):
    f = fitted[0]
    g = fm.load(saved)
    for name in f.idata["posterior"].data_vars:
        np.testing.assert_array_equal(
            g.idata["posterior"][name].values, f.idata["posterior"][name].values
        )
    assert g.design.labels == f.design.labels
    assert g.design.scaling == f.design.scaling
    np.testing.assert_array_equal(g.design.X, f.design.X)
    for grp in GROUPS:
        np.testing.assert_array_equal(g.design.index[grp], f.design.index[grp])
    assert (g.seed, g.data_hash, g.priors, g.sampler) == (f.seed, f.data_hash, f.priors, f.sampler)
    assert g.diagnostics == f.diagnostics
    new = make_design(sim[0].iloc[:20].reset_index(drop=True), scaling=g.design.scaling)
    np.testing.assert_array_equal(g.predict_proba(new, seed=2), f.predict_proba(new, seed=2))
    pd.testing.assert_frame_equal(g.summary(), f.summary())


def test_saved_attributes(saved, fitted):
    tree = xr.open_datatree(saved, engine="h5netcdf")
    a = dict(tree.attrs)
    tree.close()
    assert a["schema_version"] == SCHEMA_VERSION and a["forecast_format"] == "forecast-fit/3"
    assert json.loads(a["covariates"]) == list(COVARIATES)
    assert set(json.loads(a["labels"])) == set(GROUPS)
    assert json.loads(a["priors"]) == fitted[0].priors
    assert int(a["converged"]) == int(fitted[0].diagnostics.converged)
    for key in ("scaling", "data_hash", "sampler", "seed", "diagnostics", "forecast_version"):
        assert a[key] not in ("", None)
    assert saved.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"  # NetCDF4/HDF5, not a pickle


def test_save_refuses_incomplete_fit(fitted, tmp_path):
    f = fitted[0]
    broken = fm.Fit(**{**f.__dict__, "seed": None})
    with pytest.raises(NotFittedError, match="seed"):
        broken.save(tmp_path / "x.nc")
    assert not list(tmp_path.iterdir())  # nothing half-written


def _assert_one_line(err, path):
    msg = str(err.value)
    assert str(path) in msg and "\n" not in msg


def test_load_rejects_missing_truncated_corrupt_and_foreign(saved, tmp_path):
    missing = tmp_path / "none.nc"
    with pytest.raises(ForecastError) as e:
        fm.load(missing)
    _assert_one_line(e, missing)
    data = saved.read_bytes()
    truncated = tmp_path / "truncated.nc"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ForecastError) as e:
        fm.load(truncated)
    _assert_one_line(e, truncated)
    corrupt = tmp_path / "corrupt.nc"
    corrupt.write_bytes(b"not a netcdf file at all\n" * 10)
    with pytest.raises(ForecastError) as e:
        fm.load(corrupt)
    _assert_one_line(e, corrupt)
    foreign = tmp_path / "foreign.nc"
    xr.Dataset({"t": ("x", np.arange(3.0))}, attrs={"title": "sea temperature"}).to_netcdf(
        foreign, engine="h5netcdf"
    )
    with pytest.raises(ModelMismatchError) as e:
        fm.load(foreign)
    _assert_one_line(e, foreign)


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("schema_version", 99, "schema v99"),
        ("forecast_version", "7.0.0", "7.0.0"),
        ("labels", "{not json", "damaged"),
    ],
)
def test_load_rejects_mismatched_attributes(saved, tmp_path, key, value, match):
    tree = xr.load_datatree(saved, engine="h5netcdf")
    tree.attrs[key] = value
    other = tmp_path / "other.nc"
    tree.to_netcdf(other, engine="h5netcdf")
    with pytest.raises(ModelMismatchError, match=match) as e:
        fm.load(other)
    _assert_one_line(e, other)


# ---------------------------------------------------------------------------------------------
# model card


def test_model_card(fitted, sim, tmp_path):
    f = fitted[0]
    pp = fm.prior_predictive(f.design, draws=100)
    path = write_model_card(f, tmp_path / "README.md", prior_predictive=pp)
    text = path.read_text()
    assert f.data_hash in text and "## Coefficients" in text and "## Limitations" in text
    assert "obligation_defense" in text and "odds ratio" in text
    assert ("NOT converged" in text) == (not f.diagnostics.converged)
    assert "Not run" in render_model_card(f)
    assert "draw saved" not in text and "every second draw saved" in render_model_card(f.thin(2))
    # invoked defense pacts: the odds ratio beside the raw rate and the published figures
    section = text[text.index("## Invoked commitments") : text.index("## Diagnostics")]
    X, cov = f.design.X, list(f.design.covariates)
    war = (X[:, cov.index("event_mid")] == 0) | (X[:, cov.index("event_curated")] == 1)
    inv = war & (X[:, cov.index("invoked_defense")] == 1)
    n, k = int(inv.sum()), int((inv & (f.design.military == 1)).sum())
    assert f"fought in {k} of {n} (" in section
    median = np.exp(np.median(f.draws()["beta"][:, cov.index("invoked_defense")]))
    assert f"(`invoked_defense`): {median:.2f} (90% interval" in section
    assert "Leeds, Long & Mitchell 2000, 1816-1944: 74.5%" in section
    # bilateral pacts: their term and the war-scale rates of two-member and larger pacts
    two = war & (X[:, cov.index("obligation_defense")] == 1) & (X[:, cov.index("bilateral")] == 1)
    n, k = int(two.sum()), int((two & (f.design.military == 1)).sum())
    median = np.exp(np.median(f.draws()["beta"][:, cov.index("bilateral")]))
    assert f"(`bilateral`): {median:.2f} (90% interval" in section
    assert f"bilateral defense pact fought in {k} of {n} (" in section


# ---------------------------------------------------------------------------------------------
# slow: coverage over repeated fits


@pytest.mark.slow
def test_interval_coverage_over_repeated_fits():
    inside = []
    for rep in range(8):
        cases, truth = fm.simulate_cases(
            1500, n_supporters=40, n_conflicts=80, n_alliances=20, seed=100 + rep
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = fm.fit(cases, draws=500, tune=500, chains=2, seed=rep, progressbar=False)
        s = f.summary(0.9)
        cov = s[s["kind"] == "covariate"]
        true = pd.Series(truth["beta"]).reindex(cov.index)
        inside.extend(((cov["lower"] <= true) & (true <= cov["upper"])).tolist())
    rate = float(np.mean(inside))
    assert 0.8 <= rate <= 0.97, rate


def _crafted(source, tmp_path, change):
    """A copy of a saved fit with ``change(tree)`` applied (a DataTree edit)."""
    tree = xr.load_datatree(source, engine="h5netcdf")
    change(tree)
    out = tmp_path / "crafted.nc"
    tree.to_netcdf(out, engine="h5netcdf")
    return out


def _drop_cutpoints(tree):
    tree["posterior"] = tree["posterior"].to_dataset().drop_vars("cutpoints")


def _nan_draw(tree):
    post = tree["posterior"].to_dataset()
    post["beta"][0, 0, 0] = np.nan
    tree["posterior"] = post


def _rescaled(tree):
    post = tree["posterior"].to_dataset()
    post["beta"].attrs["scale_factor"] = 2.0
    tree["posterior"] = post


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda t: t.attrs.update(labels=json.dumps([1, 2])), "labels"),
        (lambda t: t.attrs.update(sampler=json.dumps("nutpie")), "sampler"),
        (lambda t: t.attrs.update(covariates=["beta"]), "covariates"),
        (_drop_cutpoints, "lacks cutpoints"),
        (_nan_draw, "NaN or infinite"),
        (_rescaled, "scale_factor"),
    ],
    ids=["labels-list", "sampler-string", "covariates-not-json", "no-cutpoints", "nan", "scale"],
)
def test_load_refuses_crafted_fits(tiny_model_file, tmp_path, change, match):
    """Regressions (issue 17): each of these loaded, exited 1, or predicted null or rescaled
    probabilities."""
    path = _crafted(tiny_model_file, tmp_path, change)
    with pytest.raises(ModelMismatchError, match=match) as e:
        fm.load(path)
    _assert_one_line(e, path)


def test_load_refuses_external_storage(tiny_model_file, tmp_path):
    """Regression: an HDF5 dataset stored in another file made the loader read that file."""
    import shutil

    import h5py

    path = tmp_path / "external.nc"
    shutil.copy(tiny_model_file, path)
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"0123456789")
    with h5py.File(path, "r+") as f:
        f["posterior"].create_dataset("leak", shape=(10,), dtype="u1", external=[(outside, 0, 10)])
    with pytest.raises(ModelMismatchError, match="stored in another file") as e:
        fm.load(path)
    _assert_one_line(e, path)
    with pytest.raises(ForecastError, match="not a regular file"):
        fm.load(tmp_path)
