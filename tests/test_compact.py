"""The compact posterior: what it keeps, how it forecasts, and the shipped one's data hash."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import forecast
from forecast import model as fm
from forecast.cases import load_cases
from forecast.errors import ForecastError
from forecast.workflow import COMPACT_MODEL, load_compact

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / COMPACT_MODEL


def _predict(fit, scenario, seed=3):
    from forecast.coalition import predict

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return predict(fit, scenario, draws=400, seed=seed, n_analogues=0)


def test_compact_keeps_what_a_new_crisis_needs(tiny_fit):
    small = tiny_fit.compact(20)
    post = small.idata["posterior"]
    assert small.is_compact and not tiny_fit.is_compact
    assert set(small.idata.children) == {"posterior"}  # no sampler statistics
    for name in ("conflict_effect", "conflict_aggressor_effect", "alliance_conflict_effect"):
        assert name not in post.data_vars
    assert "conflict" not in post.dims and "alliance_conflict" not in post.dims
    for name in ("beta", "beta_aggressor", "cutpoints", "sigma_conflict", "rho_conflict"):
        assert post[name].dtype == np.float32
    # 2 chains x 40 draws thinned by 4: every fourth draw of every chain
    assert small.attrs["compact"] == {
        "draws": 20,
        "of": 80,
        "step": 4,
        "dropped": ["conflict", "alliance_conflict"],
    }
    full = tiny_fit.idata["posterior"]["beta"].values
    np.testing.assert_array_equal(post["beta"].values, full[:, ::4].astype(np.float32))
    assert small.diagnostics == tiny_fit.diagnostics  # the full fit's, not recomputed


def test_compact_forecasts_a_new_crisis_as_the_full_fit_does(tiny_fit, tmp_path):
    scenario = forecast.load_scenario(forecast.scenario.scenario_paths()[0])
    full = _predict(tiny_fit, scenario)
    back = fm.load(tiny_fit.compact(40).save(tmp_path / "compact.nc"))
    assert back.is_compact and back.attrs["compact"]["draws"] == 40
    small = _predict(back, scenario)
    # the same posterior, every second draw: the forecasts agree within Monte Carlo error
    a, b = full.responders_frame(), small.responders_frame()
    assert np.abs(a["p_military"] - b["p_military"]).max() < 0.1


def test_compact_refuses_a_past_conflict(tiny_fit, tiny_sim):
    small = tiny_fit.compact(20)
    with pytest.raises(ValueError, match=r"no fitted .*conflict effects"):
        small.draws_for(tiny_fit.design)
    with pytest.raises(ValueError, match="already compact"):
        small.compact(10)


def test_thin_keeps_every_kth_draw_and_the_full_diagnostics(tiny_fit, tmp_path):
    thinned = tiny_fit.thin(2)
    for group in ("posterior", "sample_stats"):
        kept = thinned.idata[group]
        assert tiny_fit.idata[group].sizes["draw"] == 40 and kept.sizes["draw"] == 20
        assert list(kept["draw"].values) == list(range(20))
    np.testing.assert_array_equal(
        thinned.idata["posterior"]["beta"].values,
        tiny_fit.idata["posterior"]["beta"].values[:, ::2],
    )
    assert thinned.diagnostics == tiny_fit.diagnostics  # computed on all draws
    assert thinned.sampler["thin"] == 2 and thinned.sampler["draws"] == tiny_fit.sampler["draws"]
    assert "thin" not in tiny_fit.sampler  # the original is not changed
    back = fm.load(thinned.save(tmp_path / "thin.nc"))
    assert back.sampler["thin"] == 2 and back.thin(2).sampler["thin"] == 4
    # the compact posterior of a thinned fit holds the same draws as the full fit's
    np.testing.assert_array_equal(
        thinned.compact(20).idata["posterior"]["beta"].values,
        tiny_fit.compact(20).idata["posterior"]["beta"].values,
    )
    assert tiny_fit.thin(1) is tiny_fit
    for bad, match in ((0, "positive integer"), (41, "exceeds the 40 draws"), (True, "integer")):
        with pytest.raises(ValueError, match=match):
            tiny_fit.thin(bad)
    with pytest.raises(ValueError, match="compact"):
        tiny_fit.compact(20).thin(2)


def test_compact_cli_writes_a_small_file(tiny_model_file, tmp_path, forecast_exe):
    model = tmp_path / "m.nc"
    shutil.copy(tiny_model_file, model)
    run = subprocess.run(
        [forecast_exe, "compact", "--model", str(model), "--draws", "20"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "compact.nc"
    assert out.stat().st_size < model.stat().st_size
    assert "20 of 80 draws" in run.stdout
    again = subprocess.run(
        [forecast_exe, "compact", "--model", str(out), "-o", str(tmp_path / "x.nc")],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 2 and "already a compact fit" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    card = subprocess.run(
        [forecast_exe, "card", "--model", str(out), "-o", str(tmp_path / "card.md")],
        capture_output=True,
        text=True,
    )
    assert card.returncode == 2 and "compact fit" in card.stderr
    assert not (tmp_path / "card.md").exists()


def test_a_compact_fit_of_another_table_is_refused(tiny_fit, tmp_path, small_csv):
    path = tiny_fit.compact(20).save(tmp_path / "compact.nc")
    with pytest.raises(ForecastError, match="refit with `forecast fit`"):
        load_compact(path, small_csv)
    same = dataclasses.replace(tiny_fit, data_hash=fm.data_hash(load_cases(small_csv)))
    path = same.compact(20).save(tmp_path / "same.nc")
    assert load_compact(path, small_csv).is_compact
    with pytest.raises(ForecastError, match="not a compact fit"):
        load_compact(tiny_fit.save(tmp_path / "full.nc"), small_csv)


def test_saved_fits_are_compressed_float32(tiny_model_file):
    tree = xr.open_datatree(tiny_model_file, engine="h5netcdf")
    try:
        beta = tree["posterior"]["beta"]
        assert beta.dtype == np.float32
        assert beta.encoding.get("zlib") and beta.encoding.get("shuffle")
        assert tree["design"]["X"].encoding.get("zlib")
        # draws rounded to at most KEEP_BITS significant bits: the dropped bits are zero
        low = np.uint32((1 << (23 - fm.precision.KEEP_BITS)) - 1)
        for name in ("beta", "sigma_conflict", "conflict_effect"):
            bits = tree["posterior"][name].values.astype(np.float32).view(np.uint32)
            assert not (bits & low).any(), name
    finally:
        tree.close()


def test_round_bits_rounds_to_nearest_even_and_is_idempotent():
    from forecast.model.precision import round_bits

    ulp = 2.0**-10  # of a value in [1, 2) with 10 mantissa bits
    x = np.array(
        [1.0, -1.0, 0.0, 1 + ulp / 2, 1 + 1.5 * ulp, 1 + 0.49 * ulp, -np.pi, 3e-30, 2 - ulp / 4],
        dtype=np.float32,
    )
    got = round_bits(x, 10)
    expected = [1.0, -1.0, 0.0, 1.0, 1 + 2 * ulp, 1.0, None, None, 2.0]
    for g, e in zip(got, expected, strict=True):
        if e is not None:
            assert g == np.float32(e)
    assert got.dtype == np.float32 and x[3] != 1.0  # the input is not changed
    finite = x != 0
    assert (np.abs(got[finite] - x[finite]) <= np.abs(x[finite]) * 2.0**-11).all()
    np.testing.assert_array_equal(round_bits(got, 10), got)
    special = np.array([np.inf, -np.inf, np.nan], dtype=np.float32)
    np.testing.assert_array_equal(round_bits(special, 10), special)
    np.testing.assert_array_equal(round_bits(x, 23), x)
    assert round_bits(np.array([1.1]), 10)[0] == 1.1  # float64 is left alone
    for bad in (0, 24, 2.5):
        with pytest.raises(ValueError, match="1 to 23"):
            round_bits(x, bad)
    # one number of bits per element, broadcast
    np.testing.assert_array_equal(round_bits(x[:2], np.array([3, 23])), x[:2])
    assert round_bits(np.float32([1.3, 1.3]), np.array([1, 23]))[0] == 1.5


def test_saved_draws_err_by_at_most_the_tolerance_of_their_spread():
    from forecast.model.precision import SPREAD_TOLERANCE, round_to_spread, spread_bits

    rng = np.random.default_rng(0)
    # an effect near 0, one far from 0 for its spread, a constant, and one whose spread would
    # need more than the KEEP_BITS that fit() keeps in memory
    most = fm.precision.KEEP_BITS
    draws = np.stack(
        [
            rng.normal(0, 1, (4, 500)),
            rng.normal(2, 0.5, (4, 500)),
            np.full((4, 500), 2.0),
            rng.normal(6, 0.05, (4, 500)),
        ],
        axis=-1,
    ).astype(np.float32)
    bits = spread_bits(draws)
    assert list(bits) == [8, 9, most, most]
    ds = xr.Dataset({"beta": (("chain", "draw", "k"), draws), "n": (("chain",), np.arange(4))})
    out = round_to_spread(ds)
    err = np.abs(out["beta"].values.astype(float) - draws.astype(float)).reshape(-1, 4).max(0)
    sd = draws.reshape(-1, 4).astype(float).std(0)
    assert (err[:3] <= SPREAD_TOLERANCE * sd[:3]).all() and err[2] == 0
    assert err[3] <= 6.5 * 2.0 ** -(most + 1)  # no worse than KEEP_BITS
    assert (out["beta"].values != draws).any() and out["n"].equals(ds["n"])
    assert out.attrs["bit_rounding_tolerance"] == SPREAD_TOLERANCE
    assert round_to_spread(out) is out  # not rounded twice


# ---------------------------------------------------------------------------------------------
# the shipped compact posterior


def test_the_shipped_posterior_matches_the_committed_table(embedded_cases):
    """``models/compact.nc`` must be the default fit of ``data/cases.csv`` as committed: a
    change to the table needs ``forecast fit`` (which rewrites it) in the same commit."""
    assert SHIPPED.is_file(), f"{COMPACT_MODEL} is missing: run `forecast fit`"
    assert SHIPPED.stat().st_size <= 10e6
    fit = load_compact(SHIPPED)  # raises if the table's data hash differs
    assert fit.data_hash == fm.data_hash(embedded_cases)
    assert fit.n_cases == len(embedded_cases)
    assert fit.seed == fm.defaults.DEFAULT_FIT["seed"]
    assert fit.attrs["compact"]["draws"] >= 1000
    # every sampler setting of the default fit, so that `forecast fit` reproduces it
    for key in ("draws", "tune", "chains", "target_accept", "adaptation"):
        assert fit.sampler[key] == fm.defaults.DEFAULT_FIT[key], key


def test_every_export_format_takes_a_compact_fit(tiny_fit, tmp_path):
    from forecast import export as ex

    small = tiny_fit.compact(20)
    scenario = forecast.load_scenario(forecast.scenario.scenario_paths()[0])
    prediction = _predict(small, scenario)
    for fmt, name in (("netcdf", "out.nc"), ("parquet", "out-parquet"), ("csv", "out-csv")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fm.ConvergenceWarning)
            written = ex.export(small, tmp_path / name, fmt, prediction)
        assert written and all(Path(p).exists() for p in written)
    tree = xr.open_datatree(tmp_path / "out.nc", engine="h5netcdf")
    try:
        assert tree["posterior"].sizes["draw"] == 10 and "scenario" in tree.children
    finally:
        tree.close()


def test_first_report_uses_the_shipped_posterior(tmp_path, forecast_exe):
    """The main job on a fresh clone: no models/default.nc, so the report comes from the
    shipped compact posterior, without a fit, and writes nothing under models/."""
    if not SHIPPED.is_file():
        pytest.fail(f"{COMPACT_MODEL} is missing: run `forecast fit`")
    (tmp_path / "models").mkdir()
    shutil.copy(SHIPPED, tmp_path / COMPACT_MODEL)
    scenario = REPO / "data" / "scenarios" / "taiwan.toml"
    run = subprocess.run(
        [forecast_exe, "report", str(scenario), "-o", "taiwan.pdf"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "taiwan.pdf").read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["compact.nc"]
