"""Helpers shared by the figures: a new Axes when none is given, percent axes."""

from __future__ import annotations


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(5.5, 5.0))
    return ax


def _percent_axis(axis) -> None:
    """Label a 0..1 axis in whole percentages at round steps."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
