"""Saved fits: NetCDF (an ArviZ DataTree) with the attributes that rebuild the model."""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from .._io import atomic_path
from ..cases import SCHEMA_VERSION
from ..design import GROUPS, Design, check_covariates
from ..errors import ForecastError, ModelMismatchError, NotFittedError
from .diagnostics import Diagnostics
from .result import Fit

FORMAT = "forecast-fit/3"  # 2: the side decision and crisis scales; 3: correlated conflict effects


# ---------------------------------------------------------------------------------------------
# load


def load(path: str | os.PathLike) -> Fit:
    """Load a fit saved by :meth:`Fit.save`, checking that it belongs to this package.

    Only NetCDF data and JSON text are read; nothing from the file is executed.

    Parameters
    ----------
    path : str or os.PathLike
        The saved fit (``.nc``).

    Returns
    -------
    Fit
        The fit, with its design rebuilt from the file.

    Raises
    ------
    ForecastError
        If the file is missing or not readable NetCDF (truncated, corrupt, not NetCDF).
    ModelMismatchError
        If it is NetCDF but not a ``forecast`` fit, or its schema version or package major
        version differs from this package's, or its attributes are inconsistent.
    """
    import xarray as xr

    p = Path(path)
    if not p.is_file():
        raise ForecastError(f"{p}: no such saved fit; run `forecast fit -o {p}` to create it")
    try:
        tree = xr.open_datatree(p, engine="h5netcdf")
        try:
            tree = tree.load()
        finally:
            tree.close()
    except Exception as e:  # a damaged file may fail in any of h5py's, xarray's or OS layers
        reason = " ".join(str(e).split())[:160] or type(e).__name__
        raise ForecastError(f"{p}: not a readable NetCDF model file ({reason})") from None
    a = dict(tree.attrs)
    if (
        str(a.get("forecast_format", "")).startswith("forecast-fit")
        and a["forecast_format"] != FORMAT
    ):
        raise ModelMismatchError(
            f"{p}: a fit in format {a['forecast_format']!r}, this package reads {FORMAT!r} "
            "(the model changed); refit with `forecast fit`"
        )
    if a.get("forecast_format") != FORMAT:
        raise ModelMismatchError(
            f"{p}: not a forecast fit (no forecast_format={FORMAT!r} attribute); "
            "fit one with `forecast fit`"
        )
    try:
        schema = int(a["schema_version"])
        version = str(a["forecast_version"])
        if schema != SCHEMA_VERSION:
            raise ModelMismatchError(
                f"{p}: fitted on case-table schema v{schema}, this package reads v"
                f"{SCHEMA_VERSION}; refit with `forecast fit`"
            )
        if version.split(".")[0] != __version__.split(".")[0]:
            raise ModelMismatchError(
                f"{p}: written by forecast {version}, incompatible with {__version__}; "
                "refit with `forecast fit`"
            )
        covariates = tuple(json.loads(a["covariates"]))
        scaling = json.loads(a["scaling"])
        labels = {g: tuple(v) for g, v in json.loads(a["labels"]).items()}
        diag = json.loads(a["diagnostics"])
        d = tree["design"].to_dataset()
        design = Design(
            X=np.asarray(d["X"].values, dtype=np.float64),
            covariates=covariates,
            scaling=scaling,
            index={g: np.asarray(d[f"index_{g}"].values, dtype=np.int64) for g in GROUPS},
            labels={g: labels[g] for g in GROUPS},
            y=np.asarray(d["y"].values, dtype=np.int64),
            military=np.asarray(d["military"].values, dtype=np.int64),
            aggressor=np.asarray(d["aggressor"].values, dtype=np.int64),
            dispute=np.asarray(d["dispute"].values, dtype=np.int64),
            case_id=tuple(str(x) for x in d["row"].values) if "row" in d.coords else (),
        )
        try:
            valid = check_covariates(covariates) == covariates
        except ValueError:
            valid = False
        if not valid or design.X.shape[1] != len(covariates):
            raise ModelMismatchError(
                f"{p}: its covariates ({', '.join(covariates)}) are not a set this package "
                "can use; refit with `forecast fit`"
            )
        diagnostics = Diagnostics(
            max_rhat=float(diag["max_rhat"]),
            min_ess_bulk=float(diag["min_ess_bulk"]),
            min_ess_tail=float(diag["min_ess_tail"]),
            divergences=int(diag["divergences"]),
            ebfmi=tuple(float(x) for x in diag["ebfmi"]),
            converged=bool(int(a["converged"])),
        )
        idata = xr.DataTree.from_dict(
            {f"/{k}": v.to_dataset() for k, v in tree.children.items() if k != "design"}
        )
        for k in idata.children:
            idata[k].attrs = dict(tree[k].attrs)
        if "posterior" not in idata.children:
            raise KeyError("posterior")
        return Fit(
            idata=idata,
            design=design,
            diagnostics=diagnostics,
            priors=json.loads(a["priors"]),
            sampler=json.loads(a["sampler"]),
            seed=int(a["seed"]),
            data_hash=str(a["data_hash"]),
            n_cases=int(a["n_cases"]),
            attrs={"created_at": str(a.get("created_at", ""))},
        )
    except ModelMismatchError:
        raise
    except (KeyError, ValueError, TypeError) as e:
        raise ModelMismatchError(
            f"{p}: a forecast fit with missing or damaged attributes ({type(e).__name__}: "
            f"{' '.join(str(e).split())[:120]}); refit with `forecast fit`"
        ) from None


def save_fit(fit: Fit, path: str | os.PathLike) -> Path:
    """Write a fit as NetCDF atomically (the body of :meth:`Fit.save`, which documents it).

    Parameters
    ----------
    fit : Fit
        The fit.
    path : str or os.PathLike
        Destination (``.nc``).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    attrs = _root_attrs(fit)
    empty = [k for k, v in attrs.items() if v is None or v == "" or v == "null"]
    if empty or "posterior" not in fit.idata.children:
        what = ", ".join(empty) or "posterior"
        raise NotFittedError(f"cannot save the fit to {path}: missing {what}; refit it")
    return write_tree(fit.idata, path, attrs, extra={"/design": _design_dataset(fit.design)})


def write_tree(
    idata,
    path: str | os.PathLike,
    attrs: dict[str, Any],
    *,
    relabel: dict[str, Callable] | None = None,
    extra: dict[str, Any] | None = None,
    group_attrs: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """Write a fit's groups as one NetCDF-4 file, atomically: the one NetCDF writer.

    Used by :meth:`Fit.save` and by the NetCDF export. Variables of object dtype (which
    NetCDF cannot store) are dropped from each group unless ``relabel`` rewrites the group.

    Parameters
    ----------
    idata : xarray.DataTree
        The fit's groups (``posterior``, ``sample_stats``, ...).
    path : str or os.PathLike
        Destination; written under a temporary name and renamed.
    attrs : dict
        Root attributes.
    relabel : dict of str to callable, optional
        Per group, a function from its Dataset to the Dataset written.
    extra : dict of str to xarray.Dataset, optional
        Further groups, by path (``"/design"``), written after the fit's.
    group_attrs : dict of str to dict, optional
        Attributes added to a group, by name.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import xarray as xr

    groups = {}
    for name, node in idata.children.items():
        ds = node.to_dataset()
        if relabel and name in relabel:
            groups[f"/{name}"] = relabel[name](ds)
        else:
            groups[f"/{name}"] = ds.drop_vars([v for v in ds.data_vars if ds[v].dtype == object])
    groups.update(extra or {})
    tree = xr.DataTree.from_dict(groups)
    tree.attrs = attrs
    for name, more in (group_attrs or {}).items():
        tree[name].attrs = {**tree[name].attrs, **more}
    with atomic_path(path) as tmp:  # atomic_path gives it the usual mode
        tree.to_netcdf(tmp, engine="h5netcdf")
    return Path(path)


def _root_attrs(fit: Fit) -> dict[str, Any]:
    d = fit.design
    return {
        "forecast_format": FORMAT,
        "forecast_version": __version__,
        "schema_version": int(SCHEMA_VERSION),
        "covariates": json.dumps(list(d.covariates)),
        "scaling": json.dumps(d.scaling),
        "labels": json.dumps({g: list(d.labels[g]) for g in GROUPS}),
        "data_hash": fit.data_hash,
        "n_cases": int(fit.n_cases),
        "sampler": json.dumps(fit.sampler),
        "seed": str(fit.seed) if fit.seed is not None else None,
        "priors": json.dumps(fit.priors),
        "diagnostics": json.dumps(fit.diagnostics.to_dict()),
        "converged": int(fit.diagnostics.converged),
        "created_at": fit.attrs.get("created_at")
        or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def _design_dataset(design: Design):
    """Return the training design as a Dataset (group ``design`` of a saved fit)."""
    import xarray as xr

    data = {
        "X": (("row", "covariate"), design.X),
        "y": ("row", design.y),
        "military": ("row", design.military),
        "aggressor": ("row", design.aggressor),
        "dispute": ("conflict", design.dispute),
    }
    for g in GROUPS:
        data[f"index_{g}"] = ("row", design.index[g])
    coords = {"covariate": list(design.covariates)}
    if design.case_id:
        coords["row"] = np.array(design.case_id, dtype=object)
    return xr.Dataset(data, coords=coords)
