"""The provenance every export carries, and the checks made before anything is written.

:func:`provenance` gathers, as plain Python values, what all three formats record about the
fit: package and schema versions, the training-data hash, sampler settings, seed, diagnostics
and the convergence flag with the broken rules in words, so an unconverged fit's export says so
in every format; the keys of the references the results rest on (``forecast cite KEY`` prints
each); and, given one, the scenario prediction. Each writer stores the same dictionary in its
format's place for it (NetCDF root attributes, Parquet schema metadata, ``metadata.csv``).
:func:`_check` refuses what cannot be exported (a fit with no posterior, a prediction from a fit
on other data) and warns when the fit has not converged.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import TYPE_CHECKING, Any

from .. import __version__
from .._io import created_at
from ..cases import SCHEMA_VERSION
from ..citations import references
from ..errors import ConvergenceWarning, ModelMismatchError, NotFittedError

if TYPE_CHECKING:
    from ..coalition import Prediction
    from ..model import Fit


#: Identifies an export (attribute / metadata key ``export_format``).
EXPORT_FORMAT = "forecast-export/1"
#: Version of the export layouts documented in ``docs/export.md``; bumped on any change.
EXPORT_SCHEMA_VERSION = 1
#: Mass of the central (equal-tailed) intervals in the CSV summaries.
INTERVAL = 0.9


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
        CSV intervals), ``references`` (the keys of :mod:`forecast.citations`,
        comma-separated) and, with a prediction, ``scenario``, ``scenario_year``,
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
        "created_at": created_at().isoformat(),
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
        "references": ",".join(r.key for r in references()),
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
