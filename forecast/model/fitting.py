"""Fitting: :func:`fit` samples the posterior of the model for a case table."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..design import Design, make_design
from ..errors import ConvergenceWarning
from .backend import build_model
from .defaults import API_FIT, SAMPLER_DEFAULTS
from .diagnostics import RAW_SUFFIXES, diagnose
from .predictive import pointwise_log_likelihood
from .priors import merge_priors
from .result import Fit, data_hash, posterior_draws


def _resolve_sampler(sampler: str) -> str:
    if sampler not in ("auto", "nutpie", "pymc"):
        raise ValueError(f"sampler must be 'auto', 'nutpie' or 'pymc', not {sampler!r}")
    if sampler == "auto":
        try:
            import nutpie  # noqa: F401
        except ImportError:
            return "pymc"
        return "nutpie"
    return sampler


def _add_log_likelihood(idata, design: Design) -> None:
    """Store the pointwise log-likelihood in ``idata`` (group ``log_likelihood``, ``y``)."""
    import xarray as xr

    post = idata["posterior"]
    n_chain, n_draw = post.sizes["chain"], post.sizes["draw"]
    ll = pointwise_log_likelihood(design, posterior_draws(idata))
    ds = xr.Dataset(
        {"y": (("chain", "draw", "case"), ll.reshape(n_chain, n_draw, -1))},
        coords={
            "chain": post["chain"].values,
            "draw": post["draw"].values,
            "case": list(design.case_id) or list(range(ll.shape[1])),
        },
    )
    idata["log_likelihood"] = xr.DataTree(ds)


def fit(
    cases: pd.DataFrame,
    *,
    draws: int = API_FIT["draws"],
    tune: int = API_FIT["tune"],
    chains: int = API_FIT["chains"],
    seed: int | None = None,
    sampler: str = "auto",
    priors: dict[str, dict[str, Any]] | None = None,
    progressbar: bool = True,
    parametrization: str = "auto",
    target_accept: float | None = None,
    adaptation: str | None = None,
    covariates=None,
    log_likelihood: bool = False,
) -> Fit:
    """Fit the model to a case table.

    Parameters
    ----------
    cases : pandas.DataFrame
        Typed case table (:func:`forecast.load_cases`).
    draws, tune, chains : int, default 1000, 1000, 4
        Posterior draws and tuning steps per chain; number of chains.
    seed : int, optional
        Seed of the sampler; the same seed gives identical draws. Default: a fresh random
        seed, recorded in the fit.
    sampler : {"auto", "nutpie", "pymc"}, default "auto"
        NUTS implementation; "auto" is nutpie when installed (see :data:`SAMPLER_DEFAULTS`).
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS`.
    progressbar : bool, default True
        Show the sampler's progress bar.
    parametrization : {"auto", "noncentered", "centered"}, default "auto"
        Group-effect parametrisation (see :func:`build_model`).
    target_accept : float, optional
        NUTS target acceptance; default ``SAMPLER_DEFAULTS["target_accept"]``.
    adaptation : {"diag", "low_rank", "draw_diag"}, optional
        nutpie's mass-matrix adaptation; default ``SAMPLER_DEFAULTS["adaptation"]``. Ignored
        by the PyMC sampler.
    covariates : sequence of str, optional
        The covariates of the linear predictor (names from
        :data:`forecast.design.COVARIATES`); default all. Saved with the fit.
    log_likelihood : bool, default False
        Also store the pointwise log-likelihood (group ``log_likelihood``, variable ``y``, one
        value per row and draw) so that ``az.loo`` and ``az.compare`` work. Row-level LOO
        leaves single rows out, so the conflict effect of a held-out row is still learned from
        its crisis's other rows: it measures fit to known crises, not skill on a new crisis;
        grouped cross-validation (:func:`forecast.evaluate.evaluate`) measures that. Costs
        8 bytes per row and draw (about 4 GB for the default fit of the embedded table).

    Returns
    -------
    Fit
        Results, design, diagnostics. An unconverged fit emits :class:`ConvergenceWarning`
        and has ``diagnostics.converged == False``.

    Raises
    ------
    ValueError
        On invalid arguments or a table without outcomes.
    """
    import pymc as pm
    import pytensor

    for name, value in (("draws", draws), ("tune", tune), ("chains", chains)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
    name = _resolve_sampler(sampler)
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**31))
    target_accept = SAMPLER_DEFAULTS["target_accept"] if target_accept is None else target_accept
    adaptation = SAMPLER_DEFAULTS["adaptation"] if adaptation is None else adaptation
    merged = merge_priors(priors)
    design = make_design(cases, covariates=covariates)
    model = build_model(design, merged, parametrization)
    kwargs: dict[str, Any] = {
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "random_seed": int(seed),
        "progressbar": progressbar,
        "nuts_sampler": name,
        "compute_convergence_checks": False,
        "quiet": True,
    }
    # Stored: coefficients, cutpoints, intercept, correlation, scales and group effects. The raw
    # non-centred effects (``<group>_z``) and the centred cutpoints and intercept are
    # functions of these and would double the size of a saved fit.
    kwargs["var_names"] = [
        v.name
        for v in (*model.free_RVs, *model.deterministics)
        if not v.name.endswith(RAW_SUFFIXES)
    ]
    kwargs["nuts"] = {"target_accept": target_accept}
    if name == "nutpie":
        kwargs["nuts"]["adaptation"] = adaptation
    # numba's fastmath lets LLVM reassociate floating-point sums, and a freshly compiled
    # log-density can then round differently from the one read back from numba's cache: the same
    # seed gave different draws with a cold and a warm cache. Off, the same seed gives the same
    # draws on the same machine whatever the cache holds.
    with model, warnings.catch_warnings(), pytensor.config.change_flags(numba__fastmath=False):
        warnings.filterwarnings("ignore", message=".*chains.*", category=UserWarning)
        idata = pm.sample(**kwargs)
    diagnostics = diagnose(idata)
    _posterior_to_float32(idata)
    if log_likelihood:
        _add_log_likelihood(idata, design)
    settings = {
        "name": name,
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "target_accept": target_accept,
        "adaptation": adaptation if name == "nutpie" else None,
        "parametrization": parametrization,
    }
    result = Fit(
        idata=idata,
        design=design,
        diagnostics=diagnostics,
        priors=merged,
        sampler=settings,
        seed=int(seed),
        data_hash=data_hash(cases),
        n_cases=len(cases),
    )
    if not diagnostics.converged:
        warnings.warn(
            "the fit has not converged (" + "; ".join(diagnostics.problems()) + "); "
            "its results are unreliable: fit again with more draws and tuning steps",
            ConvergenceWarning,
            stacklevel=2,
        )
    return result


#: Significant bits kept of each posterior draw's float32 mantissa (of 23); see
#: :func:`round_bits`.
KEEP_BITS = 10


def round_bits(values: np.ndarray, keep: int | None = None) -> np.ndarray:
    """Round float32 values to ``keep`` significant mantissa bits (round half to even).

    The discarded low bits are set to zero, so that NetCDF's shuffle and deflate filters
    compress the draws to about half the bytes (bit rounding, as ``numcodecs.BitRound``; Klöwer
    et al. 2021, "Compressing atmospheric data into its real information content", *Nature
    Computational Science* 1: 713-724). With 10 bits the relative error of a draw is at most
    2**-11 (0.05%), far below the Monte Carlo error of any posterior summary (about
    1/sqrt(ESS) of a posterior standard deviation: 4% at ESS 600). Rounding twice gives the
    same values as rounding once.

    Parameters
    ----------
    values : numpy.ndarray
        float32 values (other dtypes are returned unchanged).
    keep : int, optional
        Mantissa bits kept, 1 to 23 (23 keeps every bit); default :data:`KEEP_BITS`.

    Returns
    -------
    numpy.ndarray
        A new array of the same shape and dtype.

    Raises
    ------
    ValueError
        If ``keep`` is outside 1 to 23.
    """
    values = np.asarray(values)
    keep = KEEP_BITS if keep is None else keep
    if not 1 <= keep <= 23:
        raise ValueError(f"keep must be 1 to 23 mantissa bits, not {keep!r}")
    if values.dtype != np.float32 or keep >= 23:
        return values.copy()
    drop = 23 - keep
    bits = values.view(np.uint32).copy()
    finite = np.isfinite(values)
    rounded = bits + ((bits >> drop) & np.uint32(1)) + np.uint32((1 << (drop - 1)) - 1)
    rounded &= np.uint32((0xFFFFFFFF >> drop) << drop)
    bits[finite] = rounded[finite]  # inf and nan keep their bits
    return bits.view(np.float32)


def _posterior_to_float32(idata) -> None:
    """Store the posterior's draws as float32, in place (after the diagnostics).

    Seven significant digits are far below the Monte Carlo error of any summary, and half the
    bytes of float64, in memory and in a saved fit; the draws are then rounded to
    :data:`KEEP_BITS` significant bits (:func:`round_bits`: three significant digits), which
    halves a saved fit again. Predictions still compute in float64.
    """
    post = idata["posterior"].to_dataset()
    for name in post.data_vars:
        if post[name].dtype.kind == "f":
            post[name] = post[name].copy(data=round_bits(post[name].values.astype(np.float32)))
    idata["posterior"] = post
