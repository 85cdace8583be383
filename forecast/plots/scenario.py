"""Figures of a scenario forecast: responders, coalition sizes, the conditional matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import _axes, _percent_axis

#: Per-responder levels drawn by :func:`plot_responders`: column stem, label, colour.
_RESPONDER_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("p_diplomatic_plus", "diplomatic or more", "#56B4E9"),
    ("p_material_plus", "material or more", "#E69F00"),
    ("p_military", "military", "#0B3C5D"),
)


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
