"""``ForecastModel``: the model as an estimator a researcher can vary, scikit-learn style.

The constructor only stores its arguments; :meth:`ForecastModel.fit` does the work and sets the
fitted attributes (``fit_``, ``idata_``, ``diagnostics_``), which exist only after fitting.
It wraps :func:`forecast.model.fit` (sampling), :func:`forecast.coalition.predict` (scenarios)
and :func:`forecast.model.load` (saved fits), so it sits downstream of all three.

Examples
--------
>>> import forecast
>>> m = forecast.ForecastModel(covariates=["obligation_defense", "contiguous"], seed=1)
>>> m.covariates
['obligation_defense', 'contiguous']
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import NotFittedError

__all__ = ["ForecastModel"]


class ForecastModel:
    """The hierarchical coalition-response model with a chosen specification.

    Parameters
    ----------
    covariates : sequence of str, optional
        Columns of the linear predictor, names from :data:`forecast.design.COVARIATES`;
        default all of them. Saved with the fit and checked when it is loaded.
    priors : dict, optional
        Priors laid over :data:`forecast.model.DEFAULT_PRIORS` by name.
    sampler : dict, optional
        Sampler settings passed to :func:`forecast.model.fit`: ``draws``, ``tune``,
        ``chains``, ``sampler`` (``"auto"``, ``"nutpie"``, ``"pymc"``), ``target_accept``,
        ``adaptation``, ``parametrization``, ``progressbar``. Default: that function's.
    seed : int, optional
        Sampler seed; the same seed gives the same draws.
    """

    def __init__(
        self,
        covariates=None,
        priors: dict[str, dict[str, Any]] | None = None,
        sampler: dict[str, Any] | None = None,
        seed: int | None = None,
    ):
        self.covariates = covariates
        self.priors = priors
        self.sampler = sampler
        self.seed = seed

    def fit(self, cases: pd.DataFrame, *, log_likelihood: bool = False) -> ForecastModel:
        """Fit the model to a case table.

        Parameters
        ----------
        cases : pandas.DataFrame
            A typed case table (:func:`forecast.load_cases`).
        log_likelihood : bool, default False
            Store the pointwise log-likelihood for ``az.loo`` / ``az.compare`` (see
            :func:`forecast.model.fit` for what row-level LOO does and does not measure).

        Returns
        -------
        ForecastModel
            ``self``, with ``fit_`` (:class:`forecast.model.Fit`), ``idata_`` (the
            ``xarray.DataTree`` of results) and ``diagnostics_``.
        """
        from .model import fit

        settings = dict(self.sampler or {})
        self.fit_ = fit(
            cases,
            covariates=self.covariates,
            priors=self.priors,
            seed=self.seed,
            log_likelihood=log_likelihood,
            **settings,
        )
        self.idata_ = self.fit_.idata
        self.diagnostics_ = self.fit_.diagnostics
        return self

    def _fitted(self):
        if not hasattr(self, "fit_"):
            raise NotFittedError(
                "this ForecastModel is not fitted yet: call .fit(cases) or ForecastModel.load()"
            )
        return self.fit_

    def predict(self, scenario, **kwargs):
        """Forecast a scenario (:func:`forecast.coalition.predict`).

        Parameters
        ----------
        scenario : forecast.scenario.Scenario
            From :func:`forecast.load_scenario`.
        **kwargs
            ``draws``, ``seed``, ``cases``, ``n_analogues``, ``interval``.

        Returns
        -------
        forecast.coalition.Prediction
            Per-responder probabilities and the coalition distribution.
        """
        from .coalition import predict

        return predict(self._fitted(), scenario, **kwargs)

    def save(self, path: str | os.PathLike) -> Path:
        """Save the fit as NetCDF (:meth:`forecast.model.Fit.save`).

        Parameters
        ----------
        path : str or os.PathLike
            Destination (``.nc``).

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        return self._fitted().save(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> ForecastModel:
        """Load a saved fit; the estimator's parameters are rebuilt from the file.

        Parameters
        ----------
        path : str or os.PathLike
            A file written by :meth:`save` or ``forecast fit``.

        Returns
        -------
        ForecastModel
            A fitted estimator.
        """
        from .model import load

        f = load(path)
        sampler = {k: v for k, v in (f.sampler or {}).items() if k != "name" and v is not None}
        if (f.sampler or {}).get("name"):
            sampler["sampler"] = f.sampler["name"]
        model = cls(
            covariates=list(f.design.covariates), priors=f.priors, sampler=sampler, seed=f.seed
        )
        model.fit_, model.idata_, model.diagnostics_ = f, f.idata, f.diagnostics
        return model
