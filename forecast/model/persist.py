"""Saved fits: NetCDF (an ArviZ DataTree) with the attributes that rebuild the model."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from .._io import atomic_path, created_at, reproducible
from ..cases import SCHEMA_VERSION
from ..design import CONTINUOUS, GROUPS, Design, check_covariates
from ..errors import ForecastError, ModelMismatchError, NotFittedError
from .diagnostics import Diagnostics
from .result import Fit

FORMAT = "forecast-fit/3"  # 2: the side decision and crisis scales; 3: correlated conflict effects
#: Every numeric variable is written deflate-compressed (zlib level 4, byte shuffle), which any
#: NetCDF-4 reader decodes transparently.
COMPRESSION: dict[str, Any] = {"zlib": True, "complevel": 4, "shuffle": True}


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
    if not p.exists():
        raise ForecastError(f"{p}: no such saved fit; run `forecast fit -o {p}` to create it")
    if not p.is_file():
        raise ForecastError(f"{p}: not a regular file, expected a saved fit (.nc)")
    _refuse_unsafe_storage(p)
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
    fmt = a.get("forecast_format")
    fmt = fmt if isinstance(fmt, str) else ""  # an array or a number is no format name
    if fmt.startswith("forecast-fit") and fmt != FORMAT:
        raise ModelMismatchError(
            f"{p}: a fit in format {fmt[:40]!r}, this package reads {FORMAT!r} "
            "(the model changed); refit with `forecast fit`"
        )
    if fmt != FORMAT:
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
        covariates = tuple(_json_attr(a, "covariates", list))
        scaling = _json_attr(a, "scaling", dict)
        _check_scaling(scaling, covariates)
        labels = {g: tuple(v) for g, v in _json_attr(a, "labels", dict).items()}
        if set(labels) != set(GROUPS) or not all(
            isinstance(x, str) for v in labels.values() for x in v
        ):
            raise ValueError(f"labels must map {', '.join(GROUPS)} to lists of names")
        diag = _json_attr(a, "diagnostics", dict)
        for key in ("priors", "sampler"):
            _json_attr(a, key, dict)
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
        _check_posterior(p, idata["posterior"].to_dataset(), labels, len(covariates))
        return Fit(
            idata=idata,
            design=design,
            diagnostics=diagnostics,
            priors=_json_attr(a, "priors", dict),
            sampler=_json_attr(a, "sampler", dict),
            seed=int(a["seed"]),
            data_hash=str(a["data_hash"]),
            n_cases=int(a["n_cases"]),
            attrs=_fit_attrs(a),
        )
    except ModelMismatchError:
        raise
    except (KeyError, ValueError, TypeError, RecursionError) as e:
        raise ModelMismatchError(
            f"{p}: a forecast fit with missing or damaged attributes ({type(e).__name__}: "
            f"{' '.join(str(e).split())[:120]}); refit with `forecast fit`"
        ) from None


#: Largest saved fit read (the default full fit is far below it).
MAX_FIT_BYTES = 4_000_000_000
#: Posterior variables every fit has, compact ones included: prediction needs each of them.
REQUIRED_VARIABLES = (
    "beta",
    "beta_aggressor",
    "cutpoints",
    "alpha_aggressor",
    "rho_conflict",
    "sigma_conflict_dispute",
    "sigma_conflict_aggressor",
    *(f"sigma_{g}" for g in GROUPS),
)
#: Longest JSON attribute read (the labels of the embedded table's fit are about 1 MB).
MAX_ATTR_CHARS = 50_000_000


def _refuse_unsafe_storage(p: Path) -> None:
    """Refuse what would make loading read other files or silently rescale the draws.

    HDF5 external storage and virtual datasets point at other files (reading them would pull
    an arbitrary local file into the design); CF ``scale_factor`` / ``add_offset`` attributes
    would rescale the posterior on decoding. A fit written by this package has neither.
    """
    import h5py

    size = p.stat().st_size
    if size > MAX_FIT_BYTES:
        raise ForecastError(f"{p}: {size / 1e9:.1f} GB, more than a saved fit may have")
    problems: list[str] = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            if obj.external or obj.is_virtual:
                problems.append(f"{name} is stored in another file")
            elif {"scale_factor", "add_offset"} & set(obj.attrs):
                problems.append(f"{name} has a scale_factor/add_offset attribute")
        return problems[0] if problems else None  # a value stops the walk

    try:
        with h5py.File(p, "r") as f:
            f.visititems(visit)
    except Exception as e:  # not HDF5, truncated, or damaged metadata (h5py's RuntimeError)
        reason = " ".join(str(e).split())[:160] or type(e).__name__
        raise ForecastError(f"{p}: not a readable NetCDF model file ({reason})") from None
    if problems:
        raise ModelMismatchError(
            f"{p}: not a fit this package wrote ({problems[0]}); refit with `forecast fit`"
        )


def _json_attr(a: dict[str, Any], key: str, kind: type):
    """A root attribute holding JSON text of the given kind (``list`` or ``dict``)."""
    value = a[key]
    if not isinstance(value, str):
        raise TypeError(f"attribute {key!r} must be JSON text, not {type(value).__name__}")
    if len(value) > MAX_ATTR_CHARS:
        raise ValueError(f"attribute {key!r} has {len(value)} characters, over {MAX_ATTR_CHARS}")
    try:
        out = json.loads(value)
    except json.JSONDecodeError as e:
        raise ValueError(f"attribute {key!r} is not JSON ({e.msg})") from None
    except RecursionError:
        raise ValueError(f"attribute {key!r} is JSON nested too deeply") from None
    if not isinstance(out, kind):
        raise TypeError(f"attribute {key!r} must hold a JSON {kind.__name__}")
    return out


def _check_scaling(scaling: dict, covariates: tuple[str, ...]) -> None:
    """Refuse a scaling other than ``{name: {"mean": m, "sd": s > 0}}`` (the fit's, at least)."""
    needed = [c for c in CONTINUOUS if c in covariates]
    if not set(needed) <= set(scaling) <= set(CONTINUOUS):
        raise ValueError(f"scaling must have an entry for each of {', '.join(needed)}")
    for name, entry in scaling.items():
        ok = isinstance(entry, dict) and all(
            isinstance(entry.get(k), int | float) and np.isfinite(entry[k]) for k in ("mean", "sd")
        )
        if not ok or entry["sd"] <= 0:
            raise ValueError(f"scaling of {name!r} is not a finite mean and a positive sd")


def _check_posterior(p: Path, post, labels: dict[str, tuple[str, ...]], n_covariates: int) -> None:
    """Refuse a posterior lacking what prediction needs, misshapen, or with non-finite draws."""
    missing = [v for v in REQUIRED_VARIABLES if v not in post.data_vars]
    if missing:
        raise ValueError(f"the posterior lacks {', '.join(missing)}")
    if not (post.sizes.get("chain", 0) >= 1 and post.sizes.get("draw", 0) >= 1):
        raise ValueError("the posterior has no draws")
    for name in ("beta", "beta_aggressor"):
        if post[name].shape[2:] != (n_covariates,):
            raise ValueError(f"{name} has shape {post[name].shape[2:]}, not ({n_covariates},)")
    if post["cutpoints"].shape[2:] != (3,):
        raise ValueError("cutpoints are not three per draw")
    for name in post.data_vars:
        if post[name].dims[:2] != ("chain", "draw"):
            raise ValueError(f"posterior variable {name} is not by chain and draw")
        values = post[name].values
        if values.dtype.kind != "f":
            raise ValueError(f"posterior variable {name} is not floating point")
        if not np.isfinite(values).all():
            raise ValueError(f"posterior variable {name} has NaN or infinite draws")
    for g, names in labels.items():
        if f"{g}_effect" in post.data_vars and post.sizes.get(g) != len(names):
            raise ValueError(f"{g}_effect has {post.sizes.get(g)} levels, labels {len(names)}")


def _fit_attrs(a: dict[str, Any]) -> dict[str, Any]:
    """The loaded fit's ``attrs``: when it was created and, for a compact fit, how."""
    out: dict[str, Any] = {"created_at": str(a.get("created_at", ""))}
    if "compact" in a:
        info = _json_attr(a, "compact", dict)
        if not isinstance(info, dict) or not isinstance(info.get("dropped"), list):
            raise ValueError("the compact attribute is not a JSON object with 'dropped'")
        out["compact"] = info
    return out


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
    return write_tree(
        fit.idata,
        path,
        attrs,
        relabel={"posterior": _float32},
        extra={"/design": _design_dataset(fit.design)},
    )


def _float32(ds):
    """The posterior as written: float64 draws as float32 (as ``fit`` returns them)."""
    wide = [v for v in ds.data_vars if ds[v].dtype == np.float64]
    return ds.assign({v: ds[v].astype(np.float32) for v in wide}) if wide else ds


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
    for node in tree.children.values():
        node.attrs = _group_stamps(node.attrs, attrs.get("created_at"))
    for name, more in (group_attrs or {}).items():
        tree[name].attrs = {**tree[name].attrs, **more}
    encoding = {
        name: {v: _encoding(ds[v]) for v in ds.data_vars if ds[v].dtype.kind in "fiub"}
        for name, ds in groups.items()
    }
    with atomic_path(path) as tmp:  # atomic_path gives it the usual mode
        tree.to_netcdf(tmp, engine="h5netcdf", encoding=encoding)
    return Path(path)


def _encoding(var) -> dict[str, Any]:
    """A variable's NetCDF encoding: :data:`COMPRESSION`, and for draws one chunk per chain.

    A variable with dims ``(chain, draw, ...)`` is chunked as every draw of one chain for up
    to 64 elements: successive draws of one element then sit side by side, which deflates 7%
    smaller than the library's default chunks on the default fit (and reads faster).
    """
    out = dict(COMPRESSION)
    if var.dims[:2] == ("chain", "draw") and var.size:
        out["chunksizes"] = (
            1,
            var.shape[1],
            *(min(64, n) for n in var.shape[2:3]),
            *var.shape[3:],
        )
    return out


def _group_stamps(group: dict[str, Any], when: str | None) -> dict[str, Any]:
    """A group's attributes with ArviZ's stamps made reproducible.

    ArviZ stamps each group with its own ``created_at`` (to the microsecond); the file's one
    creation time (the root's) replaces it. Under ``SOURCE_DATE_EPOCH`` the wall-clock
    ``sampling_time`` is dropped too, so that the same inputs and seed give the same bytes.
    """
    out = dict(group)
    if when and "created_at" in out:
        out["created_at"] = when
    if reproducible():
        out.pop("sampling_time", None)
    return out


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
        "created_at": fit.attrs.get("created_at") or created_at().isoformat(),
        **({"compact": json.dumps(fit.attrs["compact"])} if fit.attrs.get("compact") else {}),
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
