"""Figures. Every function draws results (DataFrames) computed elsewhere, never a model.

Each function accepts ``ax=None`` (a new figure is made when it is None), returns the Axes it
drew on and never calls ``plt.show()``; the numbers come from :mod:`forecast.evaluate` (and,
later, :mod:`forecast.scenario`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "plot_backtest",
    "plot_coalition_sizes",
    "plot_coalitions",
    "plot_conditional",
    "plot_reliability",
    "plot_responders",
    "plot_scores",
]

_SCORE_LABELS = {
    "brier": "Brier score",
    "log_score": "log score (nats)",
    "rps": "ranked probability score",
    "auc": "AUC",
    "ece": "expected calibration error",
    "brier_skill": "Brier skill vs base rate",
}


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(5.5, 5.0))
    return ax


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

#: Per-responder levels drawn by :func:`plot_responders`: column stem, label, colour.
_RESPONDER_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("p_diplomatic_plus", "diplomatic or more", "#56B4E9"),
    ("p_material_plus", "material or more", "#E69F00"),
    ("p_military", "military", "#0B3C5D"),
)


def _percent_axis(axis) -> None:
    """Label a 0..1 axis in whole percentages at round steps."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def _coalition_label(members, width: int = 48, max_lines: int = 2) -> str:
    """Members joined by commas and wrapped, shortened to ``+ k more``; ``nobody`` if empty."""
    import textwrap

    names = [str(m) for m in members]
    if not names:
        return "nobody"
    for k in range(len(names), 0, -1):
        rest = f" + {len(names) - k} more" if k < len(names) else ""
        lines = textwrap.wrap(", ".join(names[:k]) + rest, width=width)
        if len(lines) <= max_lines:
            return "\n".join(lines)
    return f"{names[0]} + {len(names) - 1} more"


def plot_responders(frame: pd.DataFrame, ax=None):
    """Draw each responder's probabilities with intervals, one colour per level of help.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``Prediction.responders_frame()``: ``responder`` and, for ``p_diplomatic_plus``,
        ``p_material_plus`` and ``p_military``, the mean and ``_lower``/``_upper`` bounds.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: responders top to bottom in frame order; for each, a dot at the
        mean and a line over the interval of P(diplomatic or more), P(material or more) and
        P(military).

    Raises
    ------
    ValueError
        If the frame lacks a needed column.
    """
    needed = ["responder"] + [
        f"{stem}{suffix}"
        for stem, _, _ in _RESPONDER_LEVELS
        for suffix in ("", "_lower", "_upper")
    ]
    missing = [c for c in needed if c not in getattr(frame, "columns", [])]
    if missing:
        raise ValueError(f"the responder frame lacks column(s) {', '.join(missing)}")
    ax = _axes(ax)
    n = len(frame)
    y = np.arange(n)[::-1].astype(float)
    offsets = (0.25, 0.0, -0.25)
    for (stem, label, color), dy in zip(_RESPONDER_LEVELS, offsets, strict=True):
        mean = frame[stem].to_numpy(dtype=float)
        lo = frame[f"{stem}_lower"].to_numpy(dtype=float)
        hi = frame[f"{stem}_upper"].to_numpy(dtype=float)
        ax.hlines(y + dy, lo, hi, color=color, lw=2.2, alpha=0.85)
        ax.plot(mean, y + dy, "o", color=color, ms=4.5, label=label, mec="white", mew=0.5)
    ax.set_yticks(y, [str(r) for r in frame["responder"]])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    for yy in y[:-1] - 0.5:
        ax.axhline(yy, color="0.93", lw=0.6)
    ax.set_xlabel("probability (dot: posterior mean; line: interval)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False,
              fontsize="small", title="level of help", title_fontsize="small")  # fmt: skip
    return ax


def plot_coalition_sizes(sizes, ax=None):
    """Draw the distribution of the number of responders giving military help.

    Parameters
    ----------
    sizes : array-like or pandas.Series
        ``Prediction.coalition_size``: the probability of 0, 1, ... responders fighting (a
        Series is drawn against its index).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; bars of at least 0.5% carry their percentage.

    Raises
    ------
    ValueError
        If ``sizes`` is empty or not one-dimensional.
    """
    values = np.asarray(sizes, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError("sizes must be a non-empty one-dimensional distribution")
    x = np.asarray(sizes.index) if isinstance(sizes, pd.Series) else np.arange(values.size)
    ax = _axes(ax)
    bars = ax.bar(x, values, color="#0B3C5D", width=0.75)
    for bar, v in zip(bars, values, strict=True):
        if v >= 0.005:
            ax.annotate(f"{100 * v:.0f}%", (bar.get_x() + bar.get_width() / 2, v),
                        xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize="x-small")  # fmt: skip
    ax.set_xticks(x)
    ax.set_xlim(x.min() - 0.6, x.max() + 0.6)
    ax.set_ylim(0, min(1.0, max(values.max(), 0.01) * 1.15))
    _percent_axis(ax.yaxis)
    ax.set_xlabel("number of responders giving military help")
    ax.set_ylabel("probability")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


def plot_conditional(matrix: pd.DataFrame, ax=None, *, annotate: bool | None = None):
    """Draw the matrix of P(column state fights | row state fights) as a heatmap.

    Parameters
    ----------
    matrix : pandas.DataFrame
        ``Prediction.conditional()``: rows the condition ``i``, columns ``j``; NaN where
        ``i`` never fights (drawn grey). The diagonal (always 100%) is drawn light grey
        without a number.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    annotate : bool, optional
        Write the percentage in each cell; default when there are at most 16 responders.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on, with a colour bar beside it.

    Raises
    ------
    ValueError
        If ``matrix`` is not a square DataFrame.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.shape[0] != matrix.shape[1]:
        raise ValueError("matrix must be a square DataFrame (Prediction.conditional())")
    import matplotlib as mpl

    values = matrix.to_numpy(dtype=float)
    n = values.shape[0]
    annotate = n <= 16 if annotate is None else annotate
    ax = _axes(ax)
    cmap = mpl.colormaps["Blues"].with_extremes(bad="0.85")
    shown = values.copy()
    np.fill_diagonal(shown, np.nan)
    edges = np.arange(n + 1) - 0.5  # quads, not a raster image: stays vector in PDF and SVG
    image = ax.pcolormesh(edges, edges, np.ma.masked_invalid(shown), cmap=cmap, vmin=0, vmax=1)
    diagonal = np.where(np.eye(n, dtype=bool), 1.0, np.nan)
    ax.pcolormesh(edges, edges, np.ma.masked_invalid(diagonal), cmap="Greys", vmin=0, vmax=8)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(edges[-1], edges[0])  # first responder at the top, as in a table
    if annotate:
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                v = values[i, j]
                text = "–" if np.isnan(v) else f"{100 * v:.0f}"
                color = "white" if not np.isnan(v) and v > 0.6 else "0.15"
                ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color=color)
    ax.set_xticks(np.arange(n), [str(c) for c in matrix.columns], rotation=60, ha="right",
                  rotation_mode="anchor", fontsize="small")  # fmt: skip
    ax.set_yticks(np.arange(n), [str(i) for i in matrix.index], fontsize="small")
    ax.set_xlabel("state j: does it fight too?")
    ax.set_ylabel("state i: given that it fights")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(xmax=1.0, decimals=0))
    bar.solids.set_rasterized(False)  # matplotlib rasterises long colour bars; keep vectors
    bar.solids.set_edgecolor("face")  # and hide the seams between its vector segments
    bar.ax.tick_params(labelsize="x-small")
    bar.set_label("P(j fights | i fights)", fontsize="small")
    return ax


def plot_coalitions(coalitions_df: pd.DataFrame, ax=None):
    """Draw the most likely coalitions (the sets of responders giving military help).

    Parameters
    ----------
    coalitions_df : pandas.DataFrame
        ``Prediction.coalitions(n)``: ``members`` (tuple of names; empty = nobody fights)
        and ``probability``, most likely first.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one horizontal bar per coalition, most likely at the top, each
        labelled with its percentage. Long member lists are wrapped, then shortened to
        ``+ k more``.

    Raises
    ------
    ValueError
        If the frame lacks ``members`` or ``probability``.
    """
    missing = [
        c for c in ("members", "probability") if c not in getattr(coalitions_df, "columns", [])
    ]
    if missing:
        raise ValueError(f"the coalitions frame lacks column(s) {', '.join(missing)}")
    ax = _axes(ax)
    probs = coalitions_df["probability"].to_numpy(dtype=float)
    labels = [_coalition_label(m) for m in coalitions_df["members"]]
    y = np.arange(len(probs))[::-1]
    ax.barh(y, probs, color="#0B3C5D", height=0.7)
    for yy, p in zip(y, probs, strict=True):
        ax.annotate(f"{100 * p:.0f}%", (p, yy), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize="small")  # fmt: skip
    ax.set_yticks(y, labels, fontsize="small")
    ax.set_xlim(0, min(1.0, max(probs.max() if probs.size else 0.0, 0.01) * 1.15))
    _percent_axis(ax.xaxis)
    ax.set_xlabel("probability that exactly this set fights")
    ax.spines[["top", "right"]].set_visible(False)
    return ax


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
    ax.set_title("Backtest: filled = fought for the target; Brier: model vs base rate", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return ax
