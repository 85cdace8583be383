"""Figures. Every function draws results (DataFrames) computed elsewhere, never a model.

Each function accepts ``ax=None`` (a new figure is made when it is None), returns the Axes it
drew on and never calls ``plt.show()``; the numbers come from :mod:`forecast.evaluate` (and,
later, :mod:`forecast.scenario`).
"""

from __future__ import annotations

from ._common import _axes, _percent_axis
from .evaluation import plot_backtest, plot_reliability, plot_scores
from .scenario import (
    _coalition_label,
    plot_coalition_sizes,
    plot_coalitions,
    plot_conditional,
    plot_responders,
)

__all__ = [
    "plot_backtest",
    "plot_coalition_sizes",
    "plot_coalitions",
    "plot_conditional",
    "plot_reliability",
    "plot_responders",
    "plot_scores",
]

_ = (_axes, _percent_axis, _coalition_label)  # helpers, importable from here (tests)
