"""The Parquet export: tidy long tables of posterior and scenario draws, one file each.

:func:`write_parquet` writes typed columns (int32 codes, chains and draws, float64 values,
dictionary-encoded labels) with a description on every field and the provenance, the table's
description and its column meanings as file-level key-value metadata, into a directory that
replaces the destination only once every file is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._io import atomic_dir
from ..cases import RESPONSES
from ..design import GROUPS
from ..model import CUTPOINTS
from . import tables  # _scenario_summary_frame is looked up on its module when called
from .metadata import _check, _text, provenance
from .tables import _DESCRIPTIONS, _MEANINGS, _draws, _posterior, _state_order

if TYPE_CHECKING:
    import pyarrow as pa

    from ..coalition import Prediction
    from ..model import Fit


#: Files :func:`write_parquet` writes; the scenario files only with a prediction.
PARQUET_FILES: tuple[str, ...] = (
    "coefficients.parquet",
    "state_effects.parquet",
    "alliance_effects.parquet",
    "scenario_draws.parquet",
    "scenario_summary.parquet",
)


def _long(arr: np.ndarray, chains: np.ndarray, draws: np.ndarray) -> dict[str, np.ndarray]:
    """``(chain, draw, label)`` draws to long columns, label-major then chain then draw."""
    n_c, n_d, n_l = arr.shape
    return {
        "label_pos": np.repeat(np.arange(n_l), n_c * n_d),
        "chain": np.tile(np.repeat(chains, n_d), n_l).astype(np.int32),
        "draw": np.tile(draws, n_l * n_c).astype(np.int32),
        "value": arr.transpose(2, 0, 1).reshape(-1).astype(np.float64),
    }


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
    # the aggressor side and the conflict effects' extra scales and correlation
    parts += [
        ("sigma", ["conflict_dispute"], _draws(post, "sigma_conflict_dispute", None, 1)),
        ("sigma", ["conflict_aggressor"], _draws(post, "sigma_conflict_aggressor", None, 1)),
        ("rho_conflict", ["conflict"], _draws(post, "rho_conflict", None, 1)),
        ("alpha_aggressor", ["aggressor"], _draws(post, "alpha_aggressor", None, 1)),
        (
            "beta_aggressor",
            covariates,
            _draws(post, "beta_aggressor", "covariate", len(covariates)),
        ),
    ]
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
    p_a = prediction.p_aggressor
    if p_a is not None:
        cols["p_sided_with_aggressor"] = pa.array(np.asarray(p_a)[draw, resp], pa.float64())
        sided = np.asarray(prediction.aggressor_side)[draw, resp]
        cols["sided_with_aggressor"] = pa.array(sided, pa.bool_())
    return cols


def _scenario_summary_columns(prediction: Prediction) -> dict[str, Any]:
    import pyarrow as pa

    frame = tables._scenario_summary_frame(prediction)
    cols: dict[str, Any] = {}
    for c in frame.columns:
        if c == "ccode":
            cols[c] = pa.array(frame[c].to_numpy(np.int64), pa.int32())
        elif c in ("scenario", "obligation", "pool"):
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
    p_material, p_military, level, p_sided_with_aggressor, sided_with_aggressor``) and
    ``scenario_summary.parquet`` (the responders frame,
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
    with atomic_dir(final, PARQUET_FILES) as tmp:
        for name, build in builders:
            pq.write_table(_arrow_table(name, build(), meta), tmp / f"{name}.parquet")
    return [final / n for n in names]
