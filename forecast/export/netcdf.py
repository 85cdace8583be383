"""The NetCDF export: the whole posterior as an ArviZ-style DataTree in one NetCDF-4 file.

:func:`write_netcdf` writes the fit's groups with labelled coordinates (state codes and
names, alliance ids, covariate and cutpoint names) and, given a prediction, a ``scenario``
group with the per-draw probabilities and simulated levels; the root attributes hold the
provenance. The file is readable with ``xarray.open_datatree`` alone, and is written under a
temporary name and renamed, so an error leaves no file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..cases import RESPONSES
from ..design import GROUPS
from ..errors import ForecastError
from ..model.persist import write_tree
from .metadata import _check, provenance
from .tables import _MEANINGS, _state_name

if TYPE_CHECKING:
    from ..coalition import Prediction
    from ..model import Fit


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
        "beta_aggressor": "aggressor side: coefficient per covariate, log-odds of fighting for "
        "the aggressor per unit",
        "alpha_aggressor": "aggressor side: intercept (a row with every covariate 0), log-odds",
        "sigma_conflict_dispute": "sd of the target side's conflict effects in disputes (MIDs), "
        "log-odds (sigma_conflict: in war-scale crises)",
        "sigma_conflict_aggressor": "sd of the aggressor side's conflict effects, log-odds",
        "rho_conflict": "correlation of a conflict's two effects (target and aggressor side)",
        "conflict_aggressor_effect": "aggressor side's conflict effect, log-odds (zero-sum)",
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
    n_draws = probs.shape[0]
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
        "simulated_sided_with_aggressor_draws": (
            ("draw", "responder"),
            np.asarray(prediction.aggressor_side, dtype=np.int8),
            {"description": "1 where the responder fights for the aggressor in that draw"},
        ),
    }
    for col in frame.columns:
        if col.startswith(("p_", "simulated_")):
            text = _MEANINGS["scenario_summary"][col]
            data[col] = ("responder", frame[col].to_numpy(np.float64), {"description": text})
    sizes = np.asarray(prediction.coalition_size, dtype=np.float64)
    data["coalition_size_probability"] = (
        "coalition_size",
        sizes,
        {"description": "share of draws with this many of the target's helpers fighting"},
    )
    aggressor_sizes = np.asarray(prediction.aggressor_coalition_size, dtype=np.float64)
    data["aggressor_coalition_size_probability"] = (
        "aggressor_coalition_size",
        aggressor_sizes,
        {"description": "share of draws with this many responders fighting for the aggressor"},
    )
    coords = {
        "draw": np.arange(n_draws, dtype=np.int32),
        "responder": np.array([str(c) for c in prediction.ccodes]),
        "responder_name": ("responder", np.array(prediction.responders, dtype=str)),
        "responder_ccode": ("responder", np.array(prediction.ccodes, dtype=np.int32)),
        "obligation": ("responder", np.array(prediction.obligations, dtype=str)),
        "level": np.array(RESPONSES),
        # the target's coalition forms among its potential helpers (the first rows); a
        # scenario may add rows that can only join the aggressor
        "coalition_size": np.arange(sizes.size, dtype=np.int32),
        "aggressor_coalition_size": np.arange(aggressor_sizes.size, dtype=np.int32),
    }
    attrs = {
        "scenario": str(s.name),
        "description": str(s.description),
        "year": int(s.year),
        "aggressor": str(s.aggressor),
        "target": str(s.target),
        "draws": int(prediction.draws),
        "n_target_pool": int(sizes.size - 1),
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
    p = Path(path)
    if p.is_dir():
        raise ForecastError(f"{p}: is a directory; give a file name for the NetCDF export")
    _check(fit, prediction, p)
    attrs = _netcdf_attrs(provenance(fit, prediction))
    keys = (
        "export_format",
        "forecast_version",
        "data_hash",
        "converged",
        "convergence_problems",
    )
    return write_tree(
        fit.idata,
        p,
        attrs,
        relabel={"posterior": _label_posterior},
        extra={"/scenario": _scenario_dataset(prediction)} if prediction is not None else None,
        group_attrs={"posterior": {k: attrs[k] for k in keys}},
    )
