"""Fitting: :func:`fit` samples the posterior of the model for a case table."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..design import Design, make_design
from ..errors import ConvergenceWarning
from .backend import build_model
from .defaults import ADAPTATIONS, API_FIT, SAMPLER_DEFAULTS
from .diagnostics import RAW_SUFFIXES, diagnose
from .precision import round_bits, round_to_spread
from .predictive import pointwise_log_likelihood
from .priors import merge_priors
from .result import Fit, data_hash, posterior_draws

#: NUTS implementations :func:`fit` accepts besides "auto"; the last three compile the model
#: to JAX (``pip install forecast[jax]``).
SAMPLERS = ("nutpie", "pymc", "nutpie-jax", "numpyro", "blackjax")
JAX_SAMPLERS = ("nutpie-jax", "numpyro", "blackjax")


def _resolve_sampler(sampler: str) -> str:
    if sampler != "auto" and sampler not in SAMPLERS:
        raise ValueError(
            f"sampler must be 'auto' or one of {', '.join(map(repr, SAMPLERS))}, not {sampler!r}"
        )
    if sampler in JAX_SAMPLERS:
        try:
            from . import jax_likelihood  # noqa: F401  (the fused likelihood's JAX function)
        except ImportError as e:
            raise ImportError(
                f"sampler {sampler!r} needs JAX: pip install 'forecast[jax]' ({e})"
            ) from None
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
    likelihood: str = "fused",
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
    sampler : {"auto", "nutpie", "pymc", "nutpie-jax", "numpyro", "blackjax"}, default "auto"
        NUTS implementation; "auto" is nutpie when installed (see :data:`SAMPLER_DEFAULTS`).
        The last three compile the model to JAX (nutpie's JAX backend, and numpyro or
        blackjax through ``pm.sample``; the optional extra ``forecast[jax]``): slower than
        nutpie's numba backend on a CPU (README, "Performance"), there for comparison and
        accelerators. numpyro and blackjax run the chains in parallel on the CPU's cores.
    priors : dict, optional
        User priors laid over :data:`DEFAULT_PRIORS`.
    progressbar : bool, default True
        Show the sampler's progress bar.
    parametrization : {"auto", "noncentered", "centered"}, default "auto"
        Group-effect parametrisation (see :func:`build_model`).
    target_accept : float, optional
        NUTS target acceptance; default the sampler's in :data:`SAMPLER_DEFAULTS` (0.9).
    adaptation : {"diag", "draw_diag", "low_rank"}, optional
        nutpie's mass-matrix adaptation; default ``SAMPLER_DEFAULTS["nutpie"]["adaptation"]``
        (``"diag"``). ``"draw_diag"`` adapts from the draws' variance, as Stan and PyMC do:
        the default fit uses it (:data:`~forecast.model.defaults.DEFAULT_FIT`; five times the
        effective draws per draw on the embedded table, but more divergences on smaller
        tables). Ignored by the PyMC sampler.
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
    likelihood : {"fused", "graph"}, default "fused"
        How the likelihood enters the PyMC graph (see :func:`build_model`): "fused" computes
        it and its gradient in one compiled pass (about a fifth of the cost per gradient on
        the embedded table); "graph", as PyMC observed variables, is the same density and
        the benchmarks' baseline.

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
    if target_accept is None:
        target_accept = SAMPLER_DEFAULTS[name]["target_accept"]
    if adaptation is None:
        adaptation = SAMPLER_DEFAULTS["nutpie"]["adaptation"]
    if not 0.0 < target_accept < 1.0:
        raise ValueError(f"target_accept must be between 0 and 1, not {target_accept!r}")
    if adaptation not in ADAPTATIONS:
        raise ValueError(f"adaptation must be one of {', '.join(ADAPTATIONS)}, not {adaptation!r}")
    merged = merge_priors(priors)
    design = make_design(cases, covariates=covariates)
    model = build_model(design, merged, parametrization, likelihood=likelihood)
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
    # numba's fastmath lets LLVM reassociate floating-point sums, and a freshly compiled
    # log-density can then round differently from the one read back from numba's cache: the same
    # seed gave different draws with a cold and a warm cache. Off, the same seed gives the same
    # draws on the same machine whatever the cache holds.
    with model, warnings.catch_warnings(), pytensor.config.change_flags(numba__fastmath=False):
        warnings.filterwarnings("ignore", message=".*chains.*", category=UserWarning)
        if name in ("nutpie", "nutpie-jax"):
            idata = _sample_nutpie(model, kwargs, adaptation, jax=name == "nutpie-jax")
        else:  # PyMC's NUTS, or numpyro / blackjax with one JAX device per chain
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
        "adaptation": adaptation if name.startswith("nutpie") else None,
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


def _sample_nutpie(model, kwargs: dict[str, Any], adaptation: str, jax: bool = False):
    """Sample with nutpie directly, as ``pm.sample(nuts_sampler="nutpie")`` would.

    Through ``pm.sample``, PyMC's main thread stayed at full load for the whole run (seen
    with ``top -H``), so on two cores the chains shared one: the default fit averaged 1.0
    core and took 10.5 minutes; called directly, 1.66 cores and 5.9 minutes (README,
    "Performance"). The result is the same DataTree: nutpie's, patched by PyMC's own
    ``patch_nutpie_idata``.
    """
    import os
    import time

    import nutpie
    from pymc.backends.arviz import patch_nutpie_idata

    backend = {"backend": "jax", "gradient_backend": "jax"} if jax else {"backend": "numba"}
    compiled = nutpie.compile_pymc_model(model, var_names=kwargs["var_names"], **backend)
    chains = kwargs["chains"]
    start = time.time()
    idata = nutpie.sample(
        compiled,
        draws=kwargs["draws"],
        tune=kwargs["tune"],
        chains=chains,
        cores=max(1, min(chains, os.cpu_count() or 1)),
        seed=kwargs["random_seed"],
        save_warmup=False,
        progress_bar=kwargs["progressbar"],
        target_accept=kwargs["nuts"]["target_accept"],
        adaptation=adaptation,
    )
    patch_nutpie_idata(idata, model, sampling_time=time.time() - start)
    return idata


def _posterior_to_float32(idata) -> None:
    """Store the posterior's draws as float32, in place (after the diagnostics).

    Seven significant digits are far below the Monte Carlo error of any summary, and half the
    bytes of float64, in memory and in a saved fit. The draws are then rounded to
    :data:`~forecast.model.precision.KEEP_BITS` significant bits, then each element to the
    bits its posterior spread warrants (:mod:`.precision`), which halves a saved fit again.
    Predictions still compute in float64.
    """
    post = idata["posterior"].to_dataset()
    for name in post.data_vars:
        if post[name].dtype.kind == "f":
            post[name] = post[name].copy(data=round_bits(post[name].values.astype(np.float32)))
    idata["posterior"] = round_to_spread(post)
