"""Compact fits: only what forecasting a new crisis needs, small enough to ship.

A scenario is always a new conflict, so its conflict effects (and those of each alliance
within it) are drawn afresh from the fitted scales (:meth:`Fit.draws_for`); the fitted effect of
every past conflict is never used. A compact fit keeps the coefficients, cutpoints, intercept,
scales, correlation and the supporter, alliance and era effects, thinned evenly in every chain,
and drops the per-conflict effects and the sampler statistics. Its convergence diagnostics are
those of the full fit it came from (the thinned draws are too few to recompute them).

The default posterior ships in the repository as ``models/compact.nc``, written by ``forecast
fit`` with the default seed, so the first report needs no fit.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .result import Fit

__all__ = ["PER_CONFLICT", "compact", "thin"]

#: Groups whose effects are per past conflict: dropped from a compact fit.
PER_CONFLICT: tuple[str, ...] = ("conflict", "alliance_conflict")
#: Posterior variables of those groups.
_DROPPED_VARS = ("conflict_effect", "conflict_aggressor_effect", "alliance_conflict_effect")


def thin(fit: Fit, step: int) -> Fit:
    """Return the fit with every ``step``-th draw of each chain, everything else kept.

    Thinning a saved fit trades draws for bytes: when successive draws are correlated (the
    default fit of the embedded table needs about 17 draws per effective draw), keeping every
    second one divides the file by two and leaves the effective sample size almost unchanged.
    Every group with a ``draw`` dimension (``posterior``, ``sample_stats``, ``log_likelihood``)
    is thinned alike; the diagnostics stay those computed on all draws, so divergences that fell
    between the kept draws are still counted.

    Parameters
    ----------
    fit : Fit
        A full fit (fitted or loaded).
    step : int
        Keep draws 0, ``step``, 2 ``step``, ... of each chain; 1 returns the fit unchanged.

    Returns
    -------
    Fit
        A new fit whose ``sampler["thin"]`` is the product of its earlier thinning and
        ``step``; ``sampler["draws"]`` stays the draws sampled per chain.

    Raises
    ------
    ValueError
        If ``step`` is not a positive integer, exceeds the draws per chain, or the fit is
        compact (thin the full fit it came from).
    """
    import xarray as xr

    if not isinstance(step, int) or isinstance(step, bool) or step < 1:
        raise ValueError(f"thin must be a positive integer, not {step!r}")
    if fit.attrs.get("compact"):
        raise ValueError("the fit is compact (already thinned); thin the full fit it came from")
    if step == 1:
        return fit
    per_chain = fit.idata["posterior"].sizes["draw"]
    if step > per_chain:
        raise ValueError(f"thin {step} exceeds the {per_chain} draws per chain")
    groups = {}
    for name, node in fit.idata.children.items():
        ds = node.to_dataset()
        if "draw" in ds.dims:
            ds = ds.isel(draw=slice(0, None, step))
            ds = ds.assign_coords(draw=np.arange(ds.sizes["draw"]))
        groups[f"/{name}"] = ds
    idata = xr.DataTree.from_dict(groups)
    for name, node in fit.idata.children.items():
        idata[name].attrs = dict(node.attrs)
    sampler = {**fit.sampler, "thin": int(fit.sampler.get("thin", 1)) * step}
    return dataclasses.replace(fit, idata=idata, sampler=sampler)


def compact(fit: Fit, draws: int = 1000) -> Fit:
    """Return the fit thinned to about ``draws`` draws without its per-conflict effects.

    Parameters
    ----------
    fit : Fit
        A full fit (fitted or loaded).
    draws : int, default 1000
        Total draws kept, over all chains; every chain is thinned by the same step, so the
        result holds ``chains * ceil(draws_per_chain / step)`` draws, at least ``draws`` when
        the fit has that many.

    Returns
    -------
    Fit
        A new fit whose ``attrs["compact"]`` records ``draws`` (kept), ``of`` (the full fit's
        draws), ``step`` and ``dropped`` (the groups left out). It predicts new crises as
        the full fit does, from fewer draws; :meth:`Fit.draws_for` refuses a design that
        reuses a past conflict.

    Raises
    ------
    ValueError
        If ``draws`` is not a positive integer or the fit is already compact.
    """
    import xarray as xr

    if not isinstance(draws, int) or isinstance(draws, bool) or draws < 1:
        raise ValueError(f"draws must be a positive integer, not {draws!r}")
    if fit.attrs.get("compact"):
        raise ValueError("the fit is already compact; compact the full fit it came from")
    post = fit.idata["posterior"].to_dataset()
    chains, per_chain = post.sizes["chain"], post.sizes["draw"]
    step = max(1, (chains * per_chain) // draws)
    kept = post.isel(draw=slice(0, None, step)).drop_vars(
        [v for v in _DROPPED_VARS if v in post.data_vars]
    )
    kept = kept.drop_dims([d for d in PER_CONFLICT if d in kept.dims])
    kept = kept.assign_coords(draw=np.arange(kept.sizes["draw"]))
    for name in kept.data_vars:
        if kept[name].dtype.kind == "f":
            kept[name] = kept[name].astype(np.float32)
    idata = xr.DataTree.from_dict({"/posterior": kept})
    idata["posterior"].attrs = dict(fit.idata["posterior"].attrs)
    attrs = dict(fit.attrs)
    attrs["compact"] = {
        "draws": int(chains * kept.sizes["draw"]),
        "of": int(chains * per_chain),
        "step": int(step),
        "dropped": list(PER_CONFLICT),
    }
    return dataclasses.replace(fit, idata=idata, attrs=attrs)
