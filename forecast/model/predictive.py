"""Prediction with numpy only: the linear predictor and the ordered-category probabilities."""

from __future__ import annotations

import itertools

import numpy as np

from ..cases import RESPONSES
from ..design import GROUPS, Design

#: Names of the three cutpoints (between consecutive response levels).
CUTPOINTS: tuple[str, ...] = tuple(f"{a}|{b}" for a, b in itertools.pairwise(RESPONSES))


# ---------------------------------------------------------------------------------------------
# numpy prediction


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def linear_predictor(design: Design, draws: dict[str, np.ndarray]) -> np.ndarray:
    """Compute the linear predictor ``eta`` of every row for every posterior draw (numpy only).

    Parameters
    ----------
    design : Design
        Rows to predict (from :func:`forecast.design.make_design`, with the training scaling).
    draws : dict of str to numpy.ndarray
        ``"beta"`` of shape ``(S, n_covariates)`` and, per group in
        :data:`forecast.design.GROUPS`, an array ``(S, len(design.labels[group]))`` of effects
        aligned to the design's labels (see :meth:`Fit.draws_for`). A missing group counts 0.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, n_rows)``.

    Raises
    ------
    ValueError
        If an array does not match the design.
    """
    beta = np.asarray(draws["beta"], dtype=float)
    if beta.ndim != 2 or beta.shape[1] != design.X.shape[1]:
        raise ValueError(
            f"draws['beta'] has shape {beta.shape}, expected (S, {design.X.shape[1]})"
        )
    eta = beta @ design.X.T
    for g in GROUPS:
        if g not in draws:
            continue
        eff = np.asarray(draws[g], dtype=float)
        if eff.shape != (beta.shape[0], len(design.labels[g])):
            raise ValueError(
                f"draws[{g!r}] has shape {eff.shape}, expected "
                f"({beta.shape[0]}, {len(design.labels[g])})"
            )
        ext = np.concatenate([eff, np.zeros((eff.shape[0], 1))], axis=1)  # index -1 -> 0
        eta += ext[:, design.index[g]]
    return eta


def aggressor_logit(design: Design, draws: dict[str, np.ndarray]) -> np.ndarray:
    """The aggressor side's linear predictor per draw and row, ``(S, n_rows)`` (numpy only).

    ``alpha_aggressor + X beta_aggressor + conflict_aggressor`` (the aggressor side's
    conflict effect); its logistic is P(fights for the aggressor).

    Parameters
    ----------
    design : Design
        Rows to predict, on the training scale.
    draws : dict of str to numpy.ndarray
        ``alpha_aggressor`` ``(S,)``, ``beta_aggressor`` ``(S, n_covariates)`` and
        ``conflict_aggressor`` ``(S, n_conflicts)`` (missing: 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(S, n_rows)``.
    """
    beta = np.asarray(draws["beta_aggressor"], dtype=float)
    eta = np.asarray(draws["alpha_aggressor"], dtype=float)[:, None] + beta @ design.X.T
    if "conflict_aggressor" in draws:
        eff = np.asarray(draws["conflict_aggressor"], dtype=float)
        ext = np.concatenate([eff, np.zeros((eff.shape[0], 1))], axis=1)
        eta = eta + ext[:, design.index["conflict"]]
    return eta


def contributions(design: Design, draws: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each covariate's term in each row's two linear predictors (log odds).

    ``beta_k * x_k`` with ``beta_k`` the posterior mean: how far that covariate moves the
    row's odds of more help to the target (and, separately, of fighting for the aggressor)
    from those of a row without it. Indicators count only when present (against their
    reference: no commitment, not a major power, a war, ...); standardised covariates count
    against the training mean.

    Parameters
    ----------
    design : Design
        Rows, on the training scale.
    draws : dict of str to numpy.ndarray
        ``beta`` and ``beta_aggressor``, ``(S, n_covariates)``.

    Returns
    -------
    tuple of numpy.ndarray
        Target side and aggressor side, each ``(n_rows, n_covariates)``.
    """
    beta = np.asarray(draws["beta"], dtype=float).mean(axis=0)
    beta_a = np.asarray(draws["beta_aggressor"], dtype=float).mean(axis=0)
    return design.X * beta[None, :], design.X * beta_a[None, :]


def outcome_probs(design: Design, draws: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """P(fights for the aggressor) and the target-side level probabilities, per draw and row.

    Parameters
    ----------
    design : Design
        Rows to predict, on the training scale.
    draws : dict of str to numpy.ndarray
        Posterior draws aligned to the design (:meth:`Fit.draws_for`).

    Returns
    -------
    tuple of numpy.ndarray
        ``p_aggressor`` ``(S, n)`` and ``probs`` ``(S, n, 4)``: the unconditional
        probabilities of each level of help to the target, ``(1 - p_aggressor)`` times the
        ordered model's, with ``p_aggressor`` added to ``none`` (fighting for the aggressor is
        no help to the target).
    """
    p_a = _logistic(aggressor_logit(design, draws))
    cond = category_probs(linear_predictor(design, draws), draws["cutpoints"])
    return p_a, unconditional_probs(p_a, cond)


def unconditional_probs(p_aggressor: np.ndarray, conditional: np.ndarray) -> np.ndarray:
    """Levels of help to the target, unconditional on the side (see :func:`outcome_probs`).

    Parameters
    ----------
    p_aggressor : numpy.ndarray
        P(fights for the aggressor), ``(S, n)``.
    conditional : numpy.ndarray
        The ordered model's level probabilities given the target's side, ``(S, n, 4)``.

    Returns
    -------
    numpy.ndarray
        ``(1 - p_aggressor) * conditional``, with ``p_aggressor`` added to ``none``.
    """
    probs = conditional * (1.0 - p_aggressor)[..., None]
    probs[..., 0] += p_aggressor
    return probs


def pointwise_log_likelihood(design: Design, draws: dict[str, np.ndarray]) -> np.ndarray:
    """Return the log-likelihood of each row under each draw, shape ``(S, n_rows)``.

    Each row's whole observed likelihood, both parts summed (``az.loo``'s pointwise input):
    ``log P(side)`` (fought for the aggressor or not) plus, on a row that did not side with
    the aggressor, ``log P(response)`` (ordered logit) where the level is coded or
    ``log P(military)`` / ``log(1 - P(military))`` (the top category) where only fighting is.

    Parameters
    ----------
    design : Design
        The training design.
    draws : dict of str to numpy.ndarray
        Posterior draws (:func:`forecast.model.posterior_draws`).

    Returns
    -------
    numpy.ndarray
        ``(S, n_rows)`` float64; ``0`` for rows without an outcome.
    """
    probs = category_probs(linear_predictor(design, draws), draws["cutpoints"])
    out = np.zeros(probs.shape[:2])
    tiny = np.finfo(float).tiny
    obs = design.observed
    if obs.any():
        p_a = _logistic(aggressor_logit(design, draws))[:, obs]
        side = design.aggressor[obs][None, :] == 1
        out[:, obs] = np.log(np.maximum(np.where(side, p_a, 1.0 - p_a), tiny))
    full = design.target_response
    if full.any():
        picked = np.take_along_axis(probs[:, full, :], design.y[full][None, :, None], axis=2)
        out[:, full] += np.log(np.maximum(picked[..., 0], tiny))
    mil = design.target_military
    if mil.any():
        p_mil = probs[:, mil, 3]
        hit = design.military[mil][None, :] == 1
        out[:, mil] += np.log(np.maximum(np.where(hit, p_mil, 1.0 - p_mil), tiny))
    return out


def category_probs(eta: np.ndarray, cutpoints: np.ndarray) -> np.ndarray:
    """Probabilities of the four response levels under the cumulative logit (numpy only).

    Parameters
    ----------
    eta : numpy.ndarray
        Linear predictor, shape ``(S, n)``.
    cutpoints : numpy.ndarray
        Ordered cutpoints, shape ``(S, 3)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(S, n, 4)``: P(none), P(diplomatic), P(material), P(military); the last is
        ``logistic(eta - c3)``.
    """
    eta = np.asarray(eta, dtype=float)
    c = np.asarray(cutpoints, dtype=float)
    cum = _logistic(c[:, None, :] - eta[:, :, None])  # P(y <= k), k = 0, 1, 2
    lower = np.concatenate([np.zeros((*cum.shape[:2], 1)), cum], axis=2)
    upper = np.concatenate([cum, np.ones((*cum.shape[:2], 1))], axis=2)
    return upper - lower
