"""Exports to NetCDF, Parquet and CSV, each read back by a process that never imports forecast."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from forecast import SCHEMA_VERSION, ForecastError, ModelMismatchError, NotFittedError, states
from forecast import export as ex
from forecast import model as fm
from forecast.coalition import predict
from forecast.export import parquet as ex_parquet
from forecast.export import tables as ex_tables
from forecast.scenario import load_scenario

KOREA = Path(__file__).parent.parent / "data" / "scenarios" / "korea.toml"


# ``tiny_fit`` (conftest): the session's shared fit, 40 draws x 2 chains, seed 1, unconverged


@pytest.fixture(scope="module")
def converged_fit(tiny_fit):
    """The tiny fit relabelled as converged, to see the flag flip in every format."""
    good = fm.Diagnostics(1.001, 1000.0, 1000.0, 0, (1.0, 1.0), True)
    return dataclasses.replace(tiny_fit, diagnostics=good)


@pytest.fixture(scope="module")
def prediction(tiny_fit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return predict(tiny_fit, load_scenario(KOREA), draws=60, seed=4, n_analogues=0)


def quiet(writer, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        return writer(*args)


def read_back(script: str, *args, cwd: Path) -> dict:
    """Run ``script`` in a fresh interpreter (argv[1:] = args); it sets ``out``, we get JSON.

    The script must not import forecast: the subprocess fails if it does.
    """
    code = textwrap.dedent(script) + textwrap.dedent(
        """
        import json as _json, sys as _sys
        assert "forecast" not in _sys.modules, "the reader imported forecast"
        print(_json.dumps(out))
        """
    )
    r = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def posterior_mean(fit, var, **sel):
    return float(fit.idata["posterior"][var].sel(**sel).mean())


# ---------------------------------------------------------------------------------------------
# NetCDF


NETCDF_READER = """
import sys
import xarray as xr

tree = xr.open_datatree(sys.argv[1])
post = tree["posterior"].to_dataset()
sc = tree["scenario"].to_dataset()
flat = xr.open_dataset(sys.argv[1], group="posterior")
beta = post["beta"].mean(("chain", "draw"))
out = {
    "root": {k: (v.item() if hasattr(v, "item") else v) for k, v in tree.attrs.items()},
    "flat_attrs": {k: str(flat.attrs[k]) for k in ("converged", "data_hash")},
    "beta": {str(c): float(beta.sel(covariate=c)) for c in beta["covariate"].values},
    "cutpoints": [str(x) for x in post["cutpoint"].values],
    "alliances": [str(x) for x in post["alliance"].values],
    "supporter": [str(x) for x in post["supporter"].values],
    "supporter_name": [str(x) for x in post["supporter_name"].values],
    "supporter_ccode": [int(x) for x in post["supporter_ccode"].values],
    "state_effect": float(post["supporter_effect"].sel(supporter=sys.argv[2]).mean()),
    "probability_dims": list(sc["probability"].dims),
    "levels": [str(x) for x in sc["level"].values],
    "responder_name": [str(x) for x in sc["responder_name"].values],
    "responder_ccode": [int(x) for x in sc["responder_ccode"].values],
    "p_military_draw3": [float(x) for x in sc["probability"].isel(draw=3).sel(level="military")],
    "simulated_level_draw3": [int(x) for x in sc["simulated_level"].isel(draw=3)],
    "level_meanings": str(sc["simulated_level"].attrs["flag_meanings"]),
    "scenario_attrs": {k: str(sc.attrs[k]) for k in ("scenario", "converged", "seed")},
}
flat.close()
"""


def test_netcdf_reads_back_with_plain_xarray(tiny_fit, prediction, tmp_path):
    path = quiet(ex.write_netcdf, tiny_fit, tmp_path / "out" / "posterior.nc", prediction)
    assert path == tmp_path / "out" / "posterior.nc"
    code = tiny_fit.design.labels["supporter"][0]
    got = read_back(NETCDF_READER, path, code, cwd=tmp_path)

    root = got["root"]
    assert root["forecast_version"] == fm.__version__
    assert root["export_format"] == ex.EXPORT_FORMAT
    assert root["schema_version"] == SCHEMA_VERSION and root["export_schema_version"] == 1
    assert root["data_hash"] == tiny_fit.data_hash
    assert root["converged"] == 0 and "r-hat" in root["convergence_problems"]
    assert root["seed"] == 1 and json.loads(root["sampler"])["draws"] == 40
    assert json.loads(root["diagnostics"])["divergences"] == tiny_fit.diagnostics.divergences
    assert root["scenario"] == "Korea 2026" and root["scenario_draws"] == 60
    assert got["flat_attrs"] == {"converged": "0", "data_hash": tiny_fit.data_hash}

    for cov, mean in got["beta"].items():
        assert mean == pytest.approx(
            posterior_mean(tiny_fit, "beta", covariate=cov), rel=1e-6, abs=1e-6
        )  # float32 draws
    assert list(got["beta"]) == list(tiny_fit.design.covariates)
    assert got["cutpoints"] == list(fm.CUTPOINTS)
    assert got["alliances"] == list(tiny_fit.design.labels["alliance"])
    assert got["supporter"] == list(tiny_fit.design.labels["supporter"])
    assert got["supporter_ccode"] == [int(c) for c in got["supporter"]]
    assert got["supporter_name"] == [states.name(int(c)) for c in got["supporter"]]
    expected = posterior_mean(tiny_fit, "supporter_effect", supporter=code)
    assert got["state_effect"] == pytest.approx(expected, rel=1e-6, abs=1e-6)  # float32 draws

    assert got["probability_dims"] == ["draw", "responder", "level"]
    assert got["levels"] == ["none", "diplomatic", "material", "military"]
    assert got["level_meanings"] == "none diplomatic material military"
    assert got["responder_name"] == list(prediction.responders)
    assert got["responder_ccode"] == list(prediction.ccodes)
    assert got["p_military_draw3"] == pytest.approx(prediction.probs[3, :, 3].tolist(), rel=1e-12)
    assert got["simulated_level_draw3"] == prediction.levels[3].tolist()
    assert got["scenario_attrs"] == {"scenario": "Korea 2026", "converged": "0", "seed": "4"}


def test_netcdf_from_a_loaded_fit_matches_the_fit(tiny_fit, tmp_path):
    tiny_fit.save(tmp_path / "fit.nc")
    loaded = fm.load(tmp_path / "fit.nc")
    path = quiet(ex.write_netcdf, loaded, tmp_path / "loaded.nc")
    got = read_back(
        """
        import sys
        import xarray as xr

        tree = xr.open_datatree(sys.argv[1])
        out = {"groups": sorted(tree.children),
               "names": [str(x) for x in tree["posterior"]["supporter_name"].values],
               "beta0": float(tree["posterior"]["beta"].isel(covariate=0).mean())}
        """,
        path,
        cwd=tmp_path,
    )
    assert "scenario" not in got["groups"] and "posterior" in got["groups"]
    assert got["names"][0] == states.name(int(tiny_fit.design.labels["supporter"][0]))
    expected = float(tiny_fit.idata["posterior"]["beta"].isel(covariate=0).mean())
    assert got["beta0"] == pytest.approx(expected, rel=1e-6, abs=1e-6)  # float32 draws


# ---------------------------------------------------------------------------------------------
# Parquet


PARQUET_READER = """
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

d = Path(sys.argv[1])
types = {f.stem: {x.name: str(x.type) for x in pq.read_schema(f)} for f in d.glob("*.parquet")}
meta = pq.read_schema(d / "coefficients.parquet").metadata
meta = {k.decode(): v.decode() for k, v in meta.items()}
coef = pd.read_parquet(d / "coefficients.parquet")
beta = coef[coef["parameter"] == "beta"].groupby("label", observed=True)["value"].mean()
sigma = coef[coef["parameter"] == "sigma"].groupby("label", observed=True)["value"].mean()
agg = coef[coef["parameter"] == "beta_aggressor"].groupby("label", observed=True)["value"].mean()
rho = coef.loc[coef["parameter"] == "rho_conflict", "value"].mean()
state = duckdb.sql(
    f"SELECT ccode, any_value(state) AS state, avg(value) AS mean, count(*) AS n "
    f"FROM '{d / 'state_effects.parquet'}' WHERE ccode = {int(sys.argv[2])} GROUP BY ccode"
).fetchall()[0]
kv = duckdb.sql(
    f"SELECT value::VARCHAR FROM parquet_kv_metadata('{d / 'scenario_draws.parquet'}') "
    "WHERE key::VARCHAR = 'converged'"
).fetchall()[0]
draws = pd.read_parquet(d / "scenario_draws.parquet")
row = draws[(draws["ccode"] == int(sys.argv[3])) & (draws["draw"] == 5)].iloc[0]
summary = pd.read_parquet(d / "scenario_summary.parquet")
alliances = pd.read_parquet(d / "alliance_effects.parquet")
out = {
    "files": sorted(f.name for f in d.iterdir()),
    "types": types,
    "meta": meta,
    "beta": {str(k): float(v) for k, v in beta.items()},
    "sigma": {str(k): float(v) for k, v in sigma.items()},
    "beta_aggressor": {str(k): float(v) for k, v in agg.items()},
    "rho": float(rho),
    "n_coef": len(coef),
    "state": [int(state[0]), state[1], float(state[2]), int(state[3])],
    "kv_converged": kv[0],
    "draw_row": {k: (v if isinstance(v, str) else float(v)) for k, v in row.items()},
    "level_ordered": bool(draws["level"].cat.ordered),
    "level_categories": [str(c) for c in draws["level"].cat.categories],
    "summary_p_military": [float(x) for x in summary["p_military"]],
    "summary_columns": list(summary.columns),
    "alliance_labels": sorted(str(x) for x in alliances["alliance"].unique()),
}
"""


def test_parquet_reads_back_with_pandas_pyarrow_and_duckdb(tiny_fit, prediction, tmp_path):
    paths = quiet(ex.write_parquet, tiny_fit, tmp_path / "pq", prediction)
    assert [p.name for p in paths] == list(ex.PARQUET_FILES)
    code = int(tiny_fit.design.labels["supporter"][2])
    us = prediction.ccodes[0]
    got = read_back(PARQUET_READER, tmp_path / "pq", code, us, cwd=tmp_path)

    assert got["files"] == sorted(ex.PARQUET_FILES)
    t = got["types"]
    dict_str = "dictionary<values=string, indices=int32, ordered=0>"
    assert t["coefficients"] == {
        "parameter": dict_str,
        "label": dict_str,
        "chain": "int32",
        "draw": "int32",
        "value": "double",
    }
    assert t["state_effects"] == {
        "ccode": "int32",
        "state": dict_str,
        "chain": "int32",
        "draw": "int32",
        "value": "double",
    }
    assert t["alliance_effects"]["alliance"] == dict_str
    sd = t["scenario_draws"]
    assert list(sd) == [
        "scenario", "responder", "ccode", "draw",
        "p_none", "p_diplomatic", "p_material", "p_military", "level",
        "p_sided_with_aggressor", "sided_with_aggressor",
    ]  # fmt: skip
    assert sd["ccode"] == "int32" and sd["draw"] == "int32" and sd["p_military"] == "double"
    assert sd["level"] == "dictionary<values=string, indices=int8, ordered=1>"
    assert t["scenario_summary"]["ccode"] == "int32"

    meta = got["meta"]
    assert meta["forecast_version"] == fm.__version__
    assert meta["schema_version"] == str(SCHEMA_VERSION) and meta["export_schema_version"] == "1"
    assert meta["data_hash"] == tiny_fit.data_hash
    assert meta["converged"] == "false" and meta["convergence_problems"]
    assert meta["created_by"].startswith("forecast ")
    assert meta["table"] == "coefficients"
    assert "log-odds" in json.loads(meta["columns"])["value"]
    assert got["kv_converged"] == "false"

    chains, draws = tiny_fit.sampler["chains"], tiny_fit.sampler["draws"]
    n_cov = len(tiny_fit.design.covariates)
    assert got["n_coef"] == chains * draws * (2 * n_cov + 3 + 5 + 4)  # + the aggressor side
    for cov in tiny_fit.design.covariates:
        expected = posterior_mean(tiny_fit, "beta_aggressor", covariate=cov)
        assert got["beta_aggressor"][cov] == pytest.approx(
            expected, rel=1e-6, abs=1e-6
        )  # float32 draws
    assert got["rho"] == pytest.approx(
        posterior_mean(tiny_fit, "rho_conflict"), rel=1e-6, abs=1e-6
    )  # float32 draws
    assert got["sigma"]["conflict_aggressor"] == pytest.approx(
        posterior_mean(tiny_fit, "sigma_conflict_aggressor")
    )
    for cov in tiny_fit.design.covariates:
        expected = posterior_mean(tiny_fit, "beta", covariate=cov)
        assert got["beta"][cov] == pytest.approx(expected, rel=1e-6, abs=1e-6)  # float32 draws
    assert got["sigma"]["era"] == pytest.approx(posterior_mean(tiny_fit, "sigma_era"))
    ccode, name, mean, n = got["state"]
    assert (ccode, name, n) == (code, states.name(code), chains * draws)
    assert mean == pytest.approx(posterior_mean(tiny_fit, "supporter_effect", supporter=str(code)))
    assert got["alliance_labels"] == sorted(tiny_fit.design.labels["alliance"])

    row = got["draw_row"]
    assert row["scenario"] == "Korea 2026" and row["responder"] == prediction.responders[0]
    for k, level in enumerate(("none", "diplomatic", "material", "military")):
        assert row[f"p_{level}"] == pytest.approx(prediction.probs[5, 0, k], rel=1e-12)
    assert row["level"] == ("none", "diplomatic", "material", "military")[prediction.levels[5, 0]]
    assert got["level_ordered"] and got["level_categories"][0] == "none"
    frame = prediction.responders_frame()
    assert got["summary_p_military"] == pytest.approx(frame["p_military"].tolist(), rel=1e-12)
    assert got["summary_columns"] == ["scenario", *frame.columns]


# ---------------------------------------------------------------------------------------------
# CSV


CSV_READER = """
import sys
from pathlib import Path

import pandas as pd

d = Path(sys.argv[1])
meta = pd.read_csv(d / "metadata.csv", dtype=str, keep_default_na=False)
coef = pd.read_csv(d / "coefficients.csv").set_index("term")
st = pd.read_csv(d / "state_effects.csv").set_index("ccode")
sc = pd.read_csv(d / "scenario_summary.csv")
out = {
    "files": sorted(f.name for f in d.iterdir()),
    "meta": dict(zip(meta["key"], meta["value"])),
    "coef_columns": list(coef.columns),
    "coef_mean": coef["mean"].to_dict(),
    "coef_or": {k: None if pd.isna(v) else float(v) for k, v in coef["odds_ratio"].items()},
    "state": st.loc[int(sys.argv[2])].to_dict(),
    "state_columns": ["ccode", *st.columns],
    "scenario_p_military": sc["p_military"].tolist(),
    "scenario_responders": sc["responder"].tolist(),
}
"""


def test_csv_reads_back_with_pandas(tiny_fit, prediction, tmp_path):
    paths = quiet(ex.write_csv, tiny_fit, tmp_path / "csv", prediction)
    assert [p.name for p in paths] == list(ex.CSV_FILES)
    code = int(tiny_fit.design.labels["supporter"][1])
    got = read_back(CSV_READER, tmp_path / "csv", code, cwd=tmp_path)

    assert got["files"] == sorted(ex.CSV_FILES)
    meta = got["meta"]
    assert meta["forecast_version"] == fm.__version__
    assert meta["data_hash"] == tiny_fit.data_hash
    assert meta["converged"] == "false" and "ESS" in meta["convergence_problems"]
    assert meta["schema_version"] == str(SCHEMA_VERSION) and meta["scenario"] == "Korea 2026"

    summary = tiny_fit.summary()
    assert got["coef_columns"] == list(summary.columns)
    for term, mean in summary["mean"].items():
        assert got["coef_mean"][term] == pytest.approx(mean, rel=1e-12)
    assert got["coef_or"]["none|diplomatic"] is None
    cov = tiny_fit.design.covariates[0]
    assert got["coef_or"][cov] == pytest.approx(summary.loc[cov, "odds_ratio"], rel=1e-12)

    assert got["state_columns"] == [
        "ccode", "state", "n_rows", "mean", "sd", "lower", "upper",
        "odds_ratio", "or_lower", "or_upper",
    ]  # fmt: skip
    st = got["state"]
    eff = tiny_fit.idata["posterior"]["supporter_effect"].sel(supporter=str(code)).values.ravel()
    eff = eff.astype(np.float64)  # the export summarises float32 draws in double precision
    assert st["state"] == states.name(code)
    assert st["mean"] == pytest.approx(eff.mean(), rel=1e-12)
    assert st["lower"] == pytest.approx(np.quantile(eff, 0.05), rel=1e-12)
    assert st["upper"] == pytest.approx(np.quantile(eff, 0.95), rel=1e-12)
    idx = tiny_fit.design.labels["supporter"].index(str(code))
    assert st["n_rows"] == int((tiny_fit.design.index["supporter"] == idx).sum())

    frame = prediction.responders_frame()
    assert got["scenario_p_military"] == pytest.approx(frame["p_military"].tolist(), rel=1e-12)
    assert got["scenario_responders"] == list(prediction.responders)


# ---------------------------------------------------------------------------------------------
# the convergence flag in all three formats


FLAG_READER = """
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import xarray as xr

d = Path(sys.argv[1])
tree = xr.open_datatree(d / "post.nc")
pmeta = pq.read_schema(d / "pq" / "state_effects.parquet").metadata
csv = pd.read_csv(d / "csv" / "metadata.csv", dtype=str, keep_default_na=False)
csv = dict(zip(csv["key"], csv["value"]))
out = {
    "netcdf": [int(tree.attrs["converged"]), str(tree.attrs["convergence_problems"])],
    "parquet": [pmeta[b"converged"].decode(), pmeta[b"convergence_problems"].decode()],
    "csv": [csv["converged"], csv["convergence_problems"]],
}
"""


@pytest.mark.parametrize("which", ["unconverged", "converged"])
def test_convergence_flag_is_in_every_format(which, tiny_fit, converged_fit, tmp_path):
    fit = tiny_fit if which == "unconverged" else converged_fit
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ex.export(fit, tmp_path / "post.nc", "netcdf")
        ex.export(fit, tmp_path / "pq", "parquet")
        ex.export(fit, tmp_path / "csv", "csv")
    warned = [w for w in caught if issubclass(w.category, fm.ConvergenceWarning)]
    got = read_back(FLAG_READER, tmp_path, cwd=tmp_path)
    if which == "unconverged":
        assert len(warned) == 3
        problems = "; ".join(tiny_fit.diagnostics.problems())
        assert got == {"netcdf": [0, problems], "parquet": ["false", problems],
                       "csv": ["false", problems]}  # fmt: skip
    else:
        assert not warned
        assert got == {"netcdf": [1, ""], "parquet": ["true", ""], "csv": ["true", ""]}


# ---------------------------------------------------------------------------------------------
# atomic writes and destinations


def _boom(*args, **kwargs):
    raise OSError("disk full")


@pytest.mark.parametrize("fmt", ex.FORMATS)
def test_a_failing_writer_leaves_nothing(fmt, tiny_fit, prediction, tmp_path, monkeypatch):
    import xarray as xr

    if fmt == "netcdf":

        def partial(self, path, **kwargs):
            Path(path).write_bytes(b"\x89HDF\r\n\x1a\npartial")
            raise OSError("disk full")

        monkeypatch.setattr(xr.DataTree, "to_netcdf", partial)
        dest = tmp_path / "out" / "posterior.nc"
    else:  # fail on the fourth/fifth file, after the first ones are written
        monkeypatch.setattr(ex_parquet, "_scenario_draw_columns", _boom)
        monkeypatch.setattr(ex_tables, "_scenario_summary_frame", _boom)
        dest = tmp_path / "out" / "export"
    with pytest.raises(OSError, match="disk full"):
        quiet(ex.export, tiny_fit, dest, fmt, prediction)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_failed_rewrite_keeps_the_previous_export(
    fmt, tiny_fit, prediction, tmp_path, monkeypatch
):
    dest = tmp_path / "export"
    first = quiet(ex.export, tiny_fit, dest, fmt)
    before = {p.name: p.read_bytes() for p in first}
    monkeypatch.setattr(ex_parquet, "_scenario_draw_columns", _boom)
    monkeypatch.setattr(ex_tables, "_scenario_summary_frame", _boom)
    with pytest.raises(OSError):
        quiet(ex.export, tiny_fit, dest, fmt, prediction)
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_rewrite_replaces_an_export_and_refuses_other_directories(tiny_fit, prediction, tmp_path):
    dest = tmp_path / "export"
    quiet(ex.write_parquet, tiny_fit, dest)
    assert len(list(dest.iterdir())) == 3
    paths = quiet(ex.write_parquet, tiny_fit, dest, prediction)
    assert sorted(p.name for p in dest.iterdir()) == sorted(p.name for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]  # nothing left aside
    # a CSV export does not silently replace a Parquet one
    with pytest.raises(ForecastError, match="not from an export of this format"):
        quiet(ex.write_csv, tiny_fit, dest)
    # a directory with the user's own files is never replaced
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(ForecastError, match=r"notes\.txt"):
        quiet(ex.write_csv, tiny_fit, mine)
    assert (mine / "notes.txt").read_text() == "keep me" and len(list(mine.iterdir())) == 1
    # an empty directory is fine; a file is not a directory; a directory is not a file
    empty = tmp_path / "empty"
    empty.mkdir()
    assert len(quiet(ex.write_csv, tiny_fit, empty)) == 4
    with pytest.raises(ForecastError, match="not a directory"):
        quiet(ex.write_csv, tiny_fit, mine / "notes.txt")
    with pytest.raises(ForecastError, match="is a directory"):
        quiet(ex.write_netcdf, tiny_fit, mine)


def test_export_checks_its_arguments(tiny_fit, prediction, tmp_path):
    import xarray as xr

    with pytest.raises(ValueError, match="netcdf, parquet, csv"):
        ex.export(tiny_fit, tmp_path / "x", "xlsx")
    other = dataclasses.replace(prediction, data_hash="sha256:other")
    with pytest.raises(ModelMismatchError, match="other data"):
        quiet(ex.export, tiny_fit, tmp_path / "x.nc", "netcdf", other)
    unfitted = dataclasses.replace(tiny_fit, idata=xr.DataTree())
    with pytest.raises(NotFittedError):
        ex.export(unfitted, tmp_path / "y", "parquet")
    assert list(tmp_path.iterdir()) == []
    files = quiet(ex.export, tiny_fit, tmp_path / "a.nc", "netcdf", prediction)
    assert files == [tmp_path / "a.nc"]


def test_netcdf_scenario_with_aggressor_only_responders(tiny_fit, tmp_path):
    """Regression (issue 17, found by the kill test): Taiwan's scenario adds states that can
    only join the aggressor, so its coalition has fewer sizes than it has responders; the
    NetCDF export failed on the mismatch."""
    import xarray as xr

    taiwan = load_scenario(KOREA.parent / "taiwan.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ConvergenceWarning)
        pred = predict(tiny_fit, taiwan, draws=40, seed=4, n_analogues=0)
    assert pred.military.shape[1] < pred.levels.shape[1]
    path = quiet(ex.write_netcdf, tiny_fit, tmp_path / "t.nc", pred)
    sc = xr.open_dataset(path, group="scenario")
    assert sc.attrs["n_target_pool"] == pred.military.shape[1]
    np.testing.assert_allclose(sc.coalition_size_probability, pred.coalition_size)
    np.testing.assert_allclose(
        sc.aggressor_coalition_size_probability, pred.aggressor_coalition_size
    )
    sc.close()
