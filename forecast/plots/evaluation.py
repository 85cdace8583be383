"""Figures of the out-of-sample evaluation: reliability diagrams, scores, the backtest."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._common import _axes

_SCORE_LABELS = {
    "brier": "Brier score",
    "log_score": "log score (nats)",
    "rps": "ranked probability score",
    "auc": "AUC",
    "ece": "expected calibration error",
    "brier_skill": "Brier skill vs base rate",
}


def plot_reliability(
    reliability: Any,
    ax=None,
    *,
    predictors: list[str] | tuple[str, ...] | None = None,
):
    """Draw a reliability diagram: mean predicted P(military) against the observed rate.

    Parameters
    ----------
    reliability : Evaluation or pandas.DataFrame
        An :class:`forecast.evaluate.Evaluation` (its ``reliability`` is used) or a reliability
        table with columns ``mean_predicted``, ``observed_rate`` and ``n`` (and optionally
        ``predictor``, one line each), as :func:`forecast.evaluate.reliability_table` or
        ``Evaluation.reliability`` give.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    predictors : sequence of str, optional
        Predictors to draw (default all in the table).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Marker area grows with the rows in each bin; the diagonal is
        perfect calibration. Both axes are on a square-root scale so the crowded low
        probabilities of a rare event stay readable.

    Raises
    ------
    ValueError
        If the table lacks a needed column or names no requested predictor.
    """
    table = getattr(reliability, "reliability", reliability)
    if not isinstance(table, pd.DataFrame):
        raise ValueError("reliability must be an Evaluation or a reliability DataFrame")
    missing = [c for c in ("mean_predicted", "observed_rate", "n") if c not in table.columns]
    if missing:
        raise ValueError(f"the reliability table lacks column(s) {', '.join(missing)}")
    if "predictor" not in table.columns:
        table = table.assign(predictor="model")
    names = list(dict.fromkeys(table["predictor"]))
    if predictors is not None:
        unknown = [p for p in predictors if p not in names]
        if unknown:
            raise ValueError(f"no predictor {unknown} in the table; it has {', '.join(names)}")
        names = list(predictors)
    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect calibration")
    total = max(int(table["n"].sum()), 1)
    for name in names:
        t = table[(table["predictor"] == name) & (table["n"] > 0)]
        size = 20 + 400 * np.sqrt(t["n"].to_numpy() / total)
        (line,) = ax.plot(t["mean_predicted"], t["observed_rate"], lw=1.2, label=name)
        ax.scatter(t["mean_predicted"], t["observed_rate"], s=size, color=line.get_color())
    ax.set_xscale("function", functions=(np.sqrt, np.square))
    ax.set_yscale("function", functions=(np.sqrt, np.square))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted P(military)")
    ax.set_ylabel("observed share joining militarily")
    ax.set_title("Reliability of P(military) on held-out rows")
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    return ax


def plot_scores(scores: pd.DataFrame, ax=None, *, score: str = "brier"):
    """Draw one score of the model and the baselines as horizontal bars.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``Evaluation.scores``: indexed by predictor, one column per score.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    score : str, default "brier"
        The column to draw: ``brier``, ``log_score``, ``rps``, ``auc``, ``ece`` or
        ``brier_skill``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; each bar is labelled with its value, the model's bar is dark.

    Raises
    ------
    ValueError
        If ``score`` is not a column of ``scores``.
    """
    if not isinstance(scores, pd.DataFrame) or score not in scores.columns:
        have = ", ".join(map(str, getattr(scores, "columns", [])))
        raise ValueError(f"scores has no column {score!r}; it has {have or 'none'}")
    values = scores[score].astype(float)
    ax = _axes(ax)
    names = [str(i) for i in values.index]
    colors = ["0.15" if n == "model" else "0.65" for n in names]
    pos = np.arange(len(names))[::-1]
    ax.barh(pos, values.fillna(0.0).to_numpy(), color=colors)
    for y, v in zip(pos, values.to_numpy(), strict=True):
        ax.annotate(
            "n/a" if np.isnan(v) else f"{v:.4g}",
            (0 if np.isnan(v) else v, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.set_yticks(pos, names)
    ax.set_xlabel(_SCORE_LABELS.get(score, score))
    better = "higher" if score in ("auc", "brier_skill") else "lower"
    ax.set_title(f"{_SCORE_LABELS.get(score, score)} on held-out rows ({better} is better)")
    ax.margins(x=0.15)
    return ax


# ---------------------------------------------------------------------------------------------
# scenario figures (numbers from forecast.coalition.Prediction)


def plot_backtest(rows: pd.DataFrame, crises: pd.DataFrame, ax=None):
    """Draw a backtest: each crisis's forecasts of military help beside what happened.

    Parameters
    ----------
    rows : pandas.DataFrame
        Per crisis and responder: ``crisis``, ``p_military`` and ``military`` (0/1), as
        :attr:`forecast.evaluate.Backtest.rows`.
    crises : pandas.DataFrame
        Per crisis: ``crisis``, ``brier_model`` and ``brier_base_rate``, as
        :attr:`forecast.evaluate.Backtest.crises` (their order is the rows' order).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        One line per crisis: each responder's P(military) as a dot (filled: it fought for
        the target; open: it did not), on a square-root scale, with the crisis's Brier
        score against the base rate's written at the right.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    for frame, cols in (
        (rows, ("crisis", "p_military", "military")),
        (crises, ("crisis", "brier_model", "brier_base_rate")),
    ):
        missing = [c for c in cols if c not in frame]
        if missing:
            raise ValueError(f"plot_backtest: missing columns {', '.join(missing)}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(8.0, 0.45 * len(crises) + 1.2))
    names = list(crises["crisis"])
    for i, name in enumerate(names):
        part = rows[rows["crisis"] == name]
        x = np.sqrt(part["p_military"].to_numpy(dtype=float))
        fought = part["military"].to_numpy(dtype=int) == 1
        ax.scatter(x[~fought], np.full((~fought).sum(), i), s=22, facecolors="none",
                   edgecolors="0.35", linewidths=0.8)  # fmt: skip
        ax.scatter(x[fought], np.full(fought.sum(), i), s=26, color="C3", zorder=3)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ticks = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0]
    ax.set_xticks(np.sqrt(ticks), [f"{t:g}" for t in ticks])
    ax.set_xlim(0, 1.0)
    ax.set_xlabel("forecast P(military help to the target), held out (square-root scale)")
    for i, r in enumerate(crises.itertuples()):
        ax.annotate(
            f"Brier {r.brier_model:.3f} vs {r.brier_base_rate:.3f}",
            (1.0, i), xytext=(6, 0), textcoords="offset points", va="center", fontsize=7,
            annotation_clip=False,
        )  # fmt: skip
    ax.set_title(
        "Backtest: filled = fought for the target; Brier: model vs base rate",
        fontsize=9,
    )
    ax.grid(axis="x", alpha=0.3)
    return ax
