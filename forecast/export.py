"""Posterior and scenario draws to NetCDF, Parquet and CSV, for use without ``forecast``.

Three formats, one writer each (the layouts are documented in ``docs/export.md``):

- :func:`write_netcdf`: the whole posterior as an ArviZ-style DataTree in one NetCDF-4 file,
  with labelled coordinates (state codes and names, alliance ids, covariate and cutpoint
  names) and, given a prediction, a ``scenario`` group with the per-draw probabilities and
  simulated levels. Readable with ``xarray.open_datatree`` alone.
- :func:`write_parquet`: tidy long tables of draws, one Parquet file each, in a directory,
  typed columns and file-level key-value metadata.
- :func:`write_csv`: the posterior summaries (means, sds, 90% intervals, odds ratios) for
  spreadsheets, in a directory, with a ``metadata.csv`` of key-value pairs.

:func:`export` dispatches on the format name; it is what ``forecast export`` calls.

Every file carries the same provenance (:func:`provenance`): package and schema versions, the
training-data hash, sampler settings, seed, diagnostics and the convergence flag with the
broken rules in words, so an unconverged fit's export says so in all three formats.

Writes are atomic: a file is written under a temporary name and renamed; a directory of files
is written into a temporary directory beside the destination and renamed onto it. An error
leaves no output, and an existing export is replaced only once the new one is complete.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import __version__, states
from ._io import atomic_path
from .cases import RESPONSES, SCHEMA_VERSION
from .design import GROUPS
from .errors import ConvergenceWarning, ForecastError, ModelMismatchError, NotFittedError
from .model import CUTPOINTS

if TYPE_CHECKING:
    import pyarrow as pa

    from .coalition import Prediction
    from .model import Fit

__all__ = [
    "CSV_FILES",
    "EXPORT_FORMAT",
    "EXPORT_SCHEMA_VERSION",
    "FORMATS",
    "PARQUET_FILES",
    "export",
    "provenance",
    "write_csv",
    "write_netcdf",
    "write_parquet",
]

#: Identifies an export (attribute / metadata key ``export_format``).
EXPORT_FORMAT = "forecast-export/1"
#: Version of the export layouts documented in ``docs/export.md``; bumped on any change.
EXPORT_SCHEMA_VERSION = 1
#: Format names accepted by :func:`export`.
FORMATS: tuple[str, ...] = ("netcdf", "parquet", "csv")
#: Files :func:`write_parquet` writes; the scenario files only with a prediction.
PARQUET_FILES: tuple[str, ...] = (
    "coefficients.parquet",
    "state_effects.parquet",
    "alliance_effects.parquet",
    "scenario_draws.parquet",
    "scenario_summary.parquet",
)
#: Files :func:`write_csv` writes; ``scenario_summary.csv`` only with a prediction.
CSV_FILES: tuple[str, ...] = (
    "metadata.csv",
    "coefficients.csv",
    "state_effects.csv",
    "alliance_effects.csv",
    "scenario_summary.csv",
)
#: Mass of the central (equal-tailed) intervals in the CSV summaries.
INTERVAL = 0.9


#: Column meanings (with units) of each table, written into the Parquet metadata.
_MEANINGS: dict[str, dict[str, str]] = {
    "coefficients": {
        "parameter": "beta (covariate coefficient), cutpoints (ordered-logit cutpoint) or "
        "sigma (scale of a group's varying effects)",
        "label": "covariate name, cutpoint name (lower|upper level) or group name",
        "chain": "MCMC chain, 0-based",
        "draw": "draw within the chain, 0-based",
        "value": "posterior draw; beta and cutpoints on the log-odds scale, sigma the sd of "
        "the group's effects on the log-odds scale",
    },
    "state_effects": {
        "ccode": "Correlates of War country code of the supporter",
        "state": "state name",
        "chain": "MCMC chain, 0-based",
        "draw": "draw within the chain, 0-based",
        "value": "the supporter's varying effect on the log-odds scale (zero-sum over states)",
    },
    "alliance_effects": {
        "alliance": "alliance id (ATOP id or treaty name)",
        "chain": "MCMC chain, 0-based",
        "draw": "draw within the chain, 0-based",
        "value": "the alliance's varying effect on the log-odds scale (zero-sum over alliances)",
    },
    "scenario_draws": {
        "scenario": "scenario name",
        "responder": "responder state name",
        "ccode": "Correlates of War country code of the responder",
        "draw": "simulation draw, 0-based",
        **{f"p_{r}": f"probability that the responder's help is exactly {r}" for r in RESPONSES},
        "level": "simulated level of help in this draw (ordered: none < diplomatic < "
        "material < military)",
    },
    "scenario_summary": {
        "scenario": "scenario name",
        "responder": "responder state name",
        "ccode": "Correlates of War country code of the responder",
        "obligation": "strongest written commitment of the responder to the target",
        **{
            f"{name}{suffix}": f"{what} of P({level})"
            for name, level in (
                ("p_diplomatic_plus", "diplomatic or more"),
                ("p_material_plus", "material or more"),
                ("p_military", "military"),
            )
            for suffix, what in (
                ("", "posterior mean"),
                ("_lower", "lower bound of the equal-tailed interval"),
                ("_upper", "upper bound of the equal-tailed interval"),
            )
        },
        "simulated_military": "share of simulated draws in which the responder fights",
    },
}
_DESCRIPTIONS = {
    "coefficients": "posterior draws of the coefficients, cutpoints and group scales",
    "state_effects": "posterior draws of the supporter-state effects",
    "alliance_effects": "posterior draws of the alliance effects",
    "scenario_draws": "per-draw response-level probabilities and simulated levels of a "
    "scenario's responders",
    "scenario_summary": "per-responder probabilities of a scenario with intervals",
}


# ---------------------------------------------------------------------------------------------
# provenance


def provenance(fit: Fit, prediction: Prediction | None = None) -> dict[str, Any]:
    """Return the provenance every export carries, as plain Python values.

    Parameters
    ----------
    fit : Fit
        The fit being exported.
    prediction : Prediction, optional
        A scenario prediction from ``fit``; adds the ``scenario_*`` keys.

    Returns
    -------
    dict
        ``export_format``, ``export_schema_version``, ``forecast_version``,
        ``schema_version`` (case table), ``created_by``, ``created_at`` (UTC, ISO 8601),
        ``fit_created_at`` (empty when unknown), ``data_hash``, ``n_cases``, ``seed``,
        ``sampler`` (JSON), ``priors`` (JSON), ``scaling`` (JSON), ``converged`` (bool),
        ``convergence_problems`` (the broken rules joined by ``"; "``, empty when
        converged), ``max_rhat``, ``min_ess_bulk``, ``min_ess_tail``, ``divergences``,
        ``ebfmi`` (JSON list), ``diagnostics`` (JSON), ``summary_interval`` (mass of the
        CSV intervals) and, with a prediction, ``scenario``, ``scenario_year``,
        ``scenario_aggressor``, ``scenario_target``, ``scenario_draws``, ``scenario_seed``,
        ``scenario_interval``.
    """
    diag = fit.diagnostics
    out: dict[str, Any] = {
        "export_format": EXPORT_FORMAT,
        "export_schema_version": EXPORT_SCHEMA_VERSION,
        "forecast_version": __version__,
        "schema_version": int(SCHEMA_VERSION),
        "created_by": f"forecast {__version__}",
        "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "fit_created_at": str(fit.attrs.get("created_at") or ""),
        "data_hash": str(fit.data_hash),
        "n_cases": int(fit.n_cases),
        "seed": int(fit.seed),
        "sampler": json.dumps(fit.sampler, sort_keys=True),
        "priors": json.dumps(fit.priors, sort_keys=True),
        "scaling": json.dumps(fit.design.scaling, sort_keys=True),
        "converged": bool(diag.converged),
        "convergence_problems": "; ".join(diag.problems()),
        "max_rhat": float(diag.max_rhat),
        "min_ess_bulk": float(diag.min_ess_bulk),
        "min_ess_tail": float(diag.min_ess_tail),
        "divergences": int(diag.divergences),
        "ebfmi": json.dumps([float(b) for b in diag.ebfmi]),
        "diagnostics": json.dumps(diag.to_dict(), sort_keys=True),
        "summary_interval": float(INTERVAL),
    }
    if prediction is not None:
        s = prediction.scenario
        out.update(
            {
                "scenario": str(s.name),
                "scenario_year": int(s.year),
                "scenario_aggressor": str(s.aggressor),
                "scenario_target": str(s.target),
                "scenario_draws": int(prediction.draws),
                "scenario_seed": int(prediction.seed),
                "scenario_interval": float(prediction.interval),
            }
        )
    return out


def _text(value: Any) -> str:
    """A provenance value as text: booleans as ``true``/``false``, numbers by ``repr``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _check(fit: Fit, prediction: Prediction | None, where: os.PathLike | str) -> None:
    """Refuse an unfitted fit or a prediction from another fit; warn if unconverged."""
    idata = getattr(fit, "idata", None)
    if idata is None or "posterior" not in idata.children:
        raise NotFittedError(f"cannot export to {where}: the fit has no posterior; fit it first")
    if prediction is not None and str(prediction.data_hash) != str(fit.data_hash):
        raise ModelMismatchError(
            f"cannot export to {where}: the prediction was made with a fit on other data "
            f"({prediction.data_hash} != {fit.data_hash}); predict with this fit"
        )
    if not fit.diagnostics.converged:
        warnings.warn(
            f"exporting a fit that has not converged ({'; '.join(fit.diagnostics.problems())}) "
            f"to {where}; the export's metadata says so (converged = false)",
            ConvergenceWarning,
            stacklevel=3,
        )


# ---------------------------------------------------------------------------------------------
# posterior draws as arrays


def _posterior(fit: Fit):
    """The posterior Dataset, its chain and draw coordinates."""
    post = fit.idata["posterior"].to_dataset()
    return post, np.asarray(post["chain"].values), np.asarray(post["draw"].values)


def _draws(post, name: str, dim: str | None, n_labels: int) -> np.ndarray:
    """A variable's draws as ``(chain, draw, n_labels)``; zeros when it is not sampled.

    A group with fewer than two levels has no sampled effect (its zero-sum effect is 0).
    """
    if name not in post:
        return np.zeros((post.sizes["chain"], post.sizes["draw"], n_labels))
    v = post[name].transpose("chain", "draw", *([dim] if dim else []))
    a = np.asarray(v.values, dtype=np.float64)
    return a if dim else a[..., None]


def _state_name(code: str) -> str:
    """A supporter label (COW code as text) to its name; empty when unknown."""
    try:
        return states.name(int(code))
    except (ForecastError, ValueError):
        return ""


def _state_order(fit: Fit) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Supporter positions sorted by COW code, the codes and the names."""
    labels = list(fit.design.labels["supporter"])
    codes = np.array([int(x) for x in labels], dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    return order, codes[order], [_state_name(labels[i]) for i in order]


def _long(arr: np.ndarray, chains: np.ndarray, draws: np.ndarray) -> dict[str, np.ndarray]:
    """``(chain, draw, label)`` draws to long columns, label-major then chain then draw."""
    n_c, n_d, n_l = arr.shape
    return {
        "label_pos": np.repeat(np.arange(n_l), n_c * n_d),
        "chain": np.tile(np.repeat(chains, n_d), n_l).astype(np.int32),
        "draw": np.tile(draws, n_l * n_c).astype(np.int32),
        "value": arr.transpose(2, 0, 1).reshape(-1).astype(np.float64),
    }


def _summary(values: np.ndarray, prob: float = INTERVAL) -> dict[str, np.ndarray]:
    """Mean, sd, equal-tailed interval and odds ratios of draws ``(S, n)`` per column."""
    lo, med, hi = np.quantile(values, [(1 - prob) / 2, 0.5, 1 - (1 - prob) / 2], axis=0)
    sd = values.std(axis=0, ddof=1) if values.shape[0] > 1 else np.full(values.shape[1], np.nan)
    return {
        "mean": values.mean(axis=0),
        "sd": sd,
        "lower": lo,
        "upper": hi,
        "odds_ratio": np.exp(med),
        "or_lower": np.exp(lo),
        "or_upper": np.exp(hi),
    }


# ---------------------------------------------------------------------------------------------
# NetCDF


def _netcdf_attrs(meta: dict[str, Any]) -> dict[str, Any]:
    """Provenance as NetCDF attributes: booleans as 0/1 integers, the rest as is."""
    return {k: int(v) if isinstance(v, bool) else v for k, v in meta.items()}


def _label_posterior(ds):
    """Add state names and codes, and the parts of alliance|conflict labels, as coordinates."""
    ds = ds.drop_vars([v for v in ds.data_vars if ds[v].dtype == object])
    if "supporter" in ds.dims:
        labels = [str(x) for x in ds["supporter"].values]
        ds = ds.assign_coords(
            supporter_name=("supporter", np.array([_state_name(x) for x in labels], dtype=str)),
            supporter_ccode=("supporter", np.array([int(x) for x in labels], dtype=np.int32)),
        )
    if "alliance_conflict" in ds.dims:
        parts = [str(x).rsplit("|", 1) for x in ds["alliance_conflict"].values]
        ds = ds.assign_coords(
            alliance_conflict_alliance=("alliance_conflict", np.array([p[0] for p in parts])),
            alliance_conflict_conflict=("alliance_conflict", np.array([p[-1] for p in parts])),
        )
    notes = {
        "beta": "coefficient per covariate, log-odds per unit (0/1 indicators; continuous "
        "covariates standardised with the root attribute `scaling`)",
        "cutpoints": "ordered-logit cutpoints between consecutive levels, log-odds",
    }
    for g in GROUPS:
        notes[f"sigma_{g}"] = f"sd of the {g} effects, log-odds"
        notes[f"{g}_effect"] = f"{g} varying effect, log-odds (zero-sum over levels)"
    for name, text in notes.items():
        if name in ds.data_vars:
            ds[name].attrs = {**ds[name].attrs, "description": text}
    return ds


def _scenario_dataset(prediction: Prediction):
    """The ``scenario`` group: per-draw probabilities, simulated levels and summaries."""
    import xarray as xr

    s = prediction.scenario
    probs = np.asarray(prediction.probs, dtype=np.float64)
    n_draws, n_resp, _ = probs.shape
    frame = prediction.responders_frame()
    level_attrs = {
        "description": "simulated level of help per draw",
        "flag_values": np.arange(len(RESPONSES), dtype=np.int8),
        "flag_meanings": " ".join(RESPONSES),
    }
    data: dict[str, Any] = {
        "probability": (
            ("draw", "responder", "level"),
            probs,
            {"description": "probability of each level of help (exactly that level)"},
        ),
        "simulated_level": (
            ("draw", "responder"),
            np.asarray(prediction.levels, dtype=np.int8),
            level_attrs,
        ),
    }
    for col in frame.columns:
        if col.startswith("p_") or col == "simulated_military":
            text = _MEANINGS["scenario_summary"][col]
            data[col] = ("responder", frame[col].to_numpy(np.float64), {"description": text})
    sizes = np.asarray(prediction.coalition_size, dtype=np.float64)
    data["coalition_size_probability"] = (
        "coalition_size",
        sizes,
        {"description": "share of draws with this many responders fighting"},
    )
    coords = {
        "draw": np.arange(n_draws, dtype=np.int32),
        "responder": np.array([str(c) for c in prediction.ccodes]),
        "responder_name": ("responder", np.array(prediction.responders, dtype=str)),
        "responder_ccode": ("responder", np.array(prediction.ccodes, dtype=np.int32)),
        "obligation": ("responder", np.array(prediction.obligations, dtype=str)),
        "level": np.array(RESPONSES),
        "coalition_size": np.arange(n_resp + 1, dtype=np.int32),
    }
    attrs = {
        "scenario": str(s.name),
        "description": str(s.description),
        "year": int(s.year),
        "aggressor": str(s.aggressor),
        "target": str(s.target),
        "draws": int(prediction.draws),
        "seed": int(prediction.seed),
        "interval": float(prediction.interval),
        "converged": int(bool(prediction.converged)),
        "data_hash": str(prediction.data_hash),
        "p_none": float(prediction.p_none),
        "p_any": float(prediction.p_any),
        "p_all": float(prediction.p_all),
        "expected_size": float(prediction.expected_size),
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def write_netcdf(fit: Fit, path: str | os.PathLike, prediction: Prediction | None = None) -> Path:
    """Write the full posterior (and a scenario's draws) as one NetCDF-4 file.

    The file is an ArviZ-style DataTree: the fit's groups (``posterior``, ``sample_stats``,
    ``observed_data``, ...) with labelled coordinates (``supporter`` = COW code as text plus
    ``supporter_name`` and ``supporter_ccode``; ``alliance``; ``covariate``; ``cutpoint``;
    ``conflict``; ``era``; ``alliance_conflict`` plus its two parts) and, given a
    prediction, a ``scenario`` group (dims ``draw``, ``responder``, ``level``). Root
    attributes hold :func:`provenance` (``converged`` as 0/1); the ``posterior`` group
    repeats the key ones, so ``xarray.open_dataset(path, group="posterior")`` sees them.

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model.
    path : str or os.PathLike
        Destination file (``.nc``); its directory is created if needed. Written under a
        temporary name and renamed, so an error leaves no file.
    prediction : Prediction, optional
        A prediction made with ``fit`` (:func:`forecast.coalition.predict`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ForecastError
        If ``path`` is a directory.
    NotFittedError
        If the fit has no posterior.
    ModelMismatchError
        If the prediction was made with a fit on other data.

    Warns
    -----
    ConvergenceWarning
        If the fit has not converged (the file says so too).
    """
    import xarray as xr

    p = Path(path)
    if p.is_dir():
        raise ForecastError(f"{p}: is a directory; give a file name for the NetCDF export")
    _check(fit, prediction, p)
    meta = provenance(fit, prediction)
    groups = {}
    for name, node in fit.idata.children.items():
        ds = node.to_dataset()
        groups[f"/{name}"] = (
            _label_posterior(ds)
            if name == "posterior"
            else ds.drop_vars([v for v in ds.data_vars if ds[v].dtype == object])
        )
    if prediction is not None:
        groups["/scenario"] = _scenario_dataset(prediction)
    tree = xr.DataTree.from_dict(groups)
    tree.attrs = _netcdf_attrs(meta)
    keys = (
        "export_format",
        "forecast_version",
        "data_hash",
        "converged",
        "convergence_problems",
    )
    post = tree["posterior"]
    post.attrs = {**post.attrs, **{k: tree.attrs[k] for k in keys}}
    with atomic_path(p) as tmp:
        tree.to_netcdf(tmp, engine="h5netcdf")  # atomic_path gives it the usual mode
    return p


# ---------------------------------------------------------------------------------------------
# Parquet


def _dictionary(values: list[str] | np.ndarray) -> pa.Array:
    """Strings as a dictionary-encoded Arrow array (int32 indices)."""
    import pyarrow as pa

    return pa.array(np.asarray(values, dtype=object), type=pa.string()).dictionary_encode()


def _arrow_table(name: str, columns: dict[str, Any], meta: dict[str, Any]) -> pa.Table:
    """Build a typed Arrow table with per-field descriptions and file-level metadata."""
    import pyarrow as pa

    meanings = _MEANINGS[name]
    arrays = {k: v if isinstance(v, pa.Array) else pa.array(v) for k, v in columns.items()}
    fields = [
        pa.field(k, a.type, metadata={"description": meanings.get(k, "")})
        for k, a in arrays.items()
    ]
    kv = {k: _text(v) for k, v in meta.items()}
    kv.update(
        {
            "table": name,
            "description": _DESCRIPTIONS[name],
            "columns": json.dumps(meanings),
        }
    )
    schema = pa.schema(fields, metadata=kv)
    return pa.Table.from_arrays(list(arrays.values()), schema=schema)


def _coefficient_columns(fit: Fit) -> dict[str, Any]:
    import pyarrow as pa

    post, chains, draws = _posterior(fit)
    covariates = list(fit.design.covariates)
    parts = [
        ("beta", covariates, _draws(post, "beta", "covariate", len(covariates))),
        ("cutpoints", list(CUTPOINTS), _draws(post, "cutpoints", "cutpoint", 3)),
    ]
    for g in GROUPS:
        parts.append(("sigma", [g], _draws(post, f"sigma_{g}", None, 1)))
    param, label, chain, draw, value = [], [], [], [], []
    for pname, labels, arr in parts:
        cols = _long(arr, chains, draws)
        param.append(np.full(cols["value"].size, pname, dtype=object))
        label.append(np.asarray(labels, dtype=object)[cols["label_pos"]])
        chain.append(cols["chain"])
        draw.append(cols["draw"])
        value.append(cols["value"])
    return {
        "parameter": _dictionary(np.concatenate(param)),
        "label": _dictionary(np.concatenate(label)),
        "chain": pa.array(np.concatenate(chain), pa.int32()),
        "draw": pa.array(np.concatenate(draw), pa.int32()),
        "value": pa.array(np.concatenate(value), pa.float64()),
    }


def _state_columns(fit: Fit) -> dict[str, Any]:
    import pyarrow as pa

    post, chains, draws = _posterior(fit)
    order, codes, names = _state_order(fit)
    arr = _draws(post, "supporter_effect", "supporter", len(fit.design.labels["supporter"]))
    cols = _long(arr[..., order], chains, draws)
    return {
        "ccode": pa.array(codes[cols["label_pos"]], pa.int32()),
        "state": _dictionary(np.asarray(names, dtype=object)[cols["label_pos"]]),
        "chain": pa.array(cols["chain"], pa.int32()),
        "draw": pa.array(cols["draw"], pa.int32()),
        "value": pa.array(cols["value"], pa.float64()),
    }


def _alliance_columns(fit: Fit) -> dict[str, Any]:
    import pyarrow as pa

    post, chains, draws = _posterior(fit)
    labels = list(fit.design.labels["alliance"])
    cols = _long(_draws(post, "alliance_effect", "alliance", len(labels)), chains, draws)
    return {
        "alliance": _dictionary(np.asarray(labels, dtype=object)[cols["label_pos"]]),
        "chain": pa.array(cols["chain"], pa.int32()),
        "draw": pa.array(cols["draw"], pa.int32()),
        "value": pa.array(cols["value"], pa.float64()),
    }


def _scenario_draw_columns(prediction: Prediction) -> dict[str, Any]:
    import pyarrow as pa

    probs = np.asarray(prediction.probs, dtype=np.float64)
    n_draws, n_resp, _ = probs.shape
    resp = np.repeat(np.arange(n_resp), n_draws)  # responder-major, then draw
    draw = np.tile(np.arange(n_draws), n_resp)
    cols: dict[str, Any] = {
        "scenario": _dictionary(np.full(resp.size, prediction.scenario.name, dtype=object)),
        "responder": _dictionary(np.asarray(prediction.responders, dtype=object)[resp]),
        "ccode": pa.array(np.asarray(prediction.ccodes, dtype=np.int64)[resp], pa.int32()),
        "draw": pa.array(draw, pa.int32()),
    }
    for k, r in enumerate(RESPONSES):
        cols[f"p_{r}"] = pa.array(probs[draw, resp, k], pa.float64())
    levels = np.asarray(prediction.levels, dtype=np.int8)[draw, resp]
    cols["level"] = pa.DictionaryArray.from_arrays(
        pa.array(levels, pa.int8()), pa.array(list(RESPONSES), pa.string()), ordered=True
    )
    return cols


def _scenario_summary_frame(prediction: Prediction) -> pd.DataFrame:
    frame = prediction.responders_frame()
    frame.insert(0, "scenario", str(prediction.scenario.name))
    return frame


def _scenario_summary_columns(prediction: Prediction) -> dict[str, Any]:
    import pyarrow as pa

    frame = _scenario_summary_frame(prediction)
    cols: dict[str, Any] = {}
    for c in frame.columns:
        if c == "ccode":
            cols[c] = pa.array(frame[c].to_numpy(np.int64), pa.int32())
        elif c in ("scenario", "obligation"):
            cols[c] = _dictionary(frame[c].astype(str).to_numpy(object))
        elif c == "responder":
            cols[c] = pa.array(frame[c].astype(str).tolist(), pa.string())
        else:
            cols[c] = pa.array(frame[c].to_numpy(np.float64), pa.float64())
    return cols


def write_parquet(
    fit: Fit, directory: str | os.PathLike, prediction: Prediction | None = None
) -> list[Path]:
    """Write tidy long tables of posterior (and scenario) draws, one Parquet file each.

    Files: ``coefficients.parquet`` (``parameter, label, chain, draw, value``),
    ``state_effects.parquet`` (``ccode, state, chain, draw, value``),
    ``alliance_effects.parquet`` (``alliance, chain, draw, value``) and, with a prediction,
    ``scenario_draws.parquet`` (``scenario, responder, ccode, draw, p_none, p_diplomatic,
    p_material, p_military, level``) and ``scenario_summary.parquet`` (the responders frame,
    :meth:`forecast.coalition.Prediction.responders_frame`, with ``scenario`` first). Codes,
    chains and draws are int32, values float64, labels dictionary-encoded strings; ``level``
    is an ordered dictionary ``none < diplomatic < material < military``. Each file's schema
    metadata holds :func:`provenance` as text (``converged`` is ``"true"``/``"false"``) plus
    ``table``, ``description`` and ``columns`` (JSON: column -> meaning and units); each field
    carries its own ``description``.

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model.
    directory : str or os.PathLike
        Destination directory. Written as a temporary directory beside it, then renamed. An
        existing directory is replaced only if it is empty or holds nothing but a previous
        Parquet export's files.
    prediction : Prediction, optional
        A prediction made with ``fit``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order above.

    Raises
    ------
    ForecastError
        If ``directory`` is a file, or a directory holding other files.
    NotFittedError
        If the fit has no posterior.
    ModelMismatchError
        If the prediction was made with a fit on other data.

    Warns
    -----
    ConvergenceWarning
        If the fit has not converged (the metadata says so too).
    """
    import pyarrow.parquet as pq

    final = Path(directory)
    _check(fit, prediction, final)
    meta = provenance(fit, prediction)
    builders: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("coefficients", lambda: _coefficient_columns(fit)),
        ("state_effects", lambda: _state_columns(fit)),
        ("alliance_effects", lambda: _alliance_columns(fit)),
    ]
    if prediction is not None:
        builders += [
            ("scenario_draws", lambda: _scenario_draw_columns(prediction)),
            ("scenario_summary", lambda: _scenario_summary_columns(prediction)),
        ]
    names = [f"{name}.parquet" for name, _ in builders]
    with _atomic_dir(final, PARQUET_FILES) as tmp:
        for name, build in builders:
            pq.write_table(_arrow_table(name, build(), meta), tmp / f"{name}.parquet")
    return [final / n for n in names]


# ---------------------------------------------------------------------------------------------
# CSV


def _effect_summary(fit: Fit, group: str) -> pd.DataFrame:
    """Per-level summary of a group's effects (posterior draws stacked over chains)."""
    post, _, _ = _posterior(fit)
    labels = list(fit.design.labels[group])
    arr = _draws(post, f"{group}_effect", group, len(labels))
    flat = arr.reshape(-1, arr.shape[-1])
    n_rows = np.bincount(
        fit.design.index[group][fit.design.index[group] >= 0], minlength=len(labels)
    )
    if group == "supporter":
        order, codes, names = _state_order(fit)
        head = {"ccode": codes, "state": names}
    else:
        order = np.arange(len(labels))
        head = {group: labels}
    stats = _summary(flat[:, order])
    return pd.DataFrame({**head, "n_rows": n_rows[order], **stats})


def _metadata_frame(meta: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame({"key": list(meta), "value": [_text(v) for v in meta.values()]})


def write_csv(
    fit: Fit, directory: str | os.PathLike, prediction: Prediction | None = None
) -> list[Path]:
    """Write posterior summaries as CSV files for spreadsheets.

    Files (UTF-8, comma-separated, header row, ``\\n`` line ends, empty cell = not
    applicable): ``metadata.csv`` (``key,value``: :func:`provenance`, ``converged`` as
    ``true``/``false``), ``coefficients.csv`` (:meth:`forecast.model.Fit.summary` with
    ``term`` as a column: ``kind, mean, sd, lower, upper, odds_ratio, or_lower, or_upper,
    r_hat, ess_bulk``), ``state_effects.csv`` (``ccode, state, n_rows, mean, sd, lower,
    upper, odds_ratio, or_lower, or_upper`` per supporter state), ``alliance_effects.csv``
    (the same with ``alliance`` first) and, with a prediction, ``scenario_summary.csv`` (the
    responders frame with ``scenario`` first). Intervals are central 90%; odds ratios are
    ``exp`` of the median and of the interval bounds.

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model.
    directory : str or os.PathLike
        Destination directory. Written as a temporary directory beside it, then renamed. An
        existing directory is replaced only if it is empty or holds nothing but a previous
        CSV export's files.
    prediction : Prediction, optional
        A prediction made with ``fit``.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order above.

    Raises
    ------
    ForecastError
        If ``directory`` is a file, or a directory holding other files.
    NotFittedError
        If the fit has no posterior.
    ModelMismatchError
        If the prediction was made with a fit on other data.

    Warns
    -----
    ConvergenceWarning
        If the fit has not converged (``metadata.csv`` says so too).
    """
    final = Path(directory)
    _check(fit, prediction, final)
    meta = provenance(fit, prediction)
    builders: list[tuple[str, Callable[[], pd.DataFrame]]] = [
        ("metadata.csv", lambda: _metadata_frame(meta)),
        ("coefficients.csv", lambda: fit.summary(INTERVAL).reset_index()),
        ("state_effects.csv", lambda: _effect_summary(fit, "supporter")),
        ("alliance_effects.csv", lambda: _effect_summary(fit, "alliance")),
    ]
    if prediction is not None:
        builders.append(("scenario_summary.csv", lambda: _scenario_summary_frame(prediction)))
    with _atomic_dir(final, CSV_FILES) as tmp:
        for name, build in builders:
            build().to_csv(tmp / name, index=False, lineterminator="\n", encoding="utf-8")
    return [final / name for name, _ in builders]


# ---------------------------------------------------------------------------------------------
# dispatch and atomic directories


def export(
    fit: Fit, path: str | os.PathLike, fmt: str, prediction: Prediction | None = None
) -> list[Path]:
    """Export a fit (and optionally a scenario prediction) in one format.

    Parameters
    ----------
    fit : Fit
        A fitted or loaded model.
    path : str or os.PathLike
        A file for ``"netcdf"``, a directory for ``"parquet"`` and ``"csv"``.
    fmt : {"netcdf", "parquet", "csv"}
        The format (:func:`write_netcdf`, :func:`write_parquet`, :func:`write_csv`).
    prediction : Prediction, optional
        A prediction made with ``fit``, exported alongside.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of :data:`FORMATS`.
    ForecastError
        As the writer raises it (bad destination, unfitted fit, mismatched prediction).
    """
    if fmt == "netcdf":
        return [write_netcdf(fit, path, prediction)]
    if fmt == "parquet":
        return write_parquet(fit, path, prediction)
    if fmt == "csv":
        return write_csv(fit, path, prediction)
    raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")


def _default_modes(directory: Path) -> tuple[int, int]:
    """The modes a new file and a new directory get under the process umask.

    Found by creating a probe file in ``directory`` (reading the umask with ``os.umask``
    would change it for every thread for a moment).
    """
    probe = directory / f".probe-{uuid.uuid4().hex}"
    fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
    try:
        file_mode = os.fstat(fd).st_mode & 0o777
    finally:
        os.close(fd)
        probe.unlink()
    return file_mode, file_mode | ((file_mode & 0o444) >> 2)


@contextlib.contextmanager
def _atomic_dir(directory: Path, replaceable: tuple[str, ...]) -> Iterator[Path]:
    """Yield a temporary directory beside ``directory``; rename it onto ``directory`` on success.

    An existing destination is replaced only when it is empty or holds nothing but files
    named in ``replaceable`` (a previous export of the same format): it is moved aside, the
    new directory renamed in, and the old one removed; if the rename fails it is restored.
    If the block raises, the temporary directory is removed and the destination untouched.
    """
    final = Path(os.path.abspath(directory))
    if final.exists() and not final.is_dir():
        raise ForecastError(f"{directory}: exists and is not a directory; give a directory")
    if final.is_dir():
        foreign = sorted(
            e.name for e in final.iterdir() if not (e.is_file() and e.name in replaceable)
        )
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ForecastError(
                f"{directory}: exists and holds files that are not from an export of this "
                f"format ({shown}); choose a new or empty directory"
            )
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        os.chmod(tmp, _default_modes(tmp)[1])  # mkdtemp makes it private (0700)
        yield tmp
        if final.exists():
            old = final.parent / f".{final.name}.{uuid.uuid4().hex}.old"
            os.rename(final, old)
            try:
                os.rename(tmp, final)
            except BaseException:
                os.rename(old, final)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
