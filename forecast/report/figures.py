"""The report's figures, drawn by matplotlib as one-page vector PDFs.

:func:`_figures` lists the figures (the per-responder intervals, the coalition-size
distribution, the conditional matrix, the most likely coalitions and, with an evaluation,
the reliability diagram) with their captions and sizes, and draws each one with
:mod:`forecast.plots` to PDF bytes (fonts embedded as TrueType, no creation date).
:mod:`forecast.report.placement` later puts those pages into the laid-out report.
"""

from __future__ import annotations

import io
from typing import Any


def _figure_pdf(draw, width_pt: float, height_pt: float) -> bytes:
    """Draw on a fresh Figure of the given size and return it as one-page PDF bytes."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    rc = {
        "pdf.fonttype": 42,  # embed TrueType, keep text selectable
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "svg.hashsalt": "forecast",
    }
    with mpl.rc_context(rc):
        fig = Figure(figsize=(width_pt / 72.0, height_pt / 72.0), layout="constrained")
        draw(fig)
        buf = io.BytesIO()
        fig.savefig(
            buf,
            format="pdf",
            metadata={"Creator": None, "Producer": None, "CreationDate": None},
        )
    return buf.getvalue()


def _figures(prediction, width: float, evaluation: dict[str, Any] | None) -> list[dict]:
    """The report's figures: key, caption, size in points and PDF bytes."""
    from .. import plots

    n = len(prediction.responders)
    frame = prediction.responders_frame()
    sizes = prediction.coalition_size
    top = prediction.coalitions(10)
    cond = prediction.conditional()
    target = prediction.scenario.target
    specs = [
        (
            "responders",
            "Figure 1. Each responder's chance of giving at least diplomatic, at least "
            "material, and military help. The dot is the best estimate, the line the "
            f"{prediction.interval:.0%} interval.",
            min(0.27 * 72 * n + 80, 600),
            lambda fig: plots.plot_responders(frame, ax=fig.add_subplot()),
        ),
        (
            "sizes",
            f"Figure 2. How many of the {n} listed states join the fighting on {target}'s side: "
            "the probability of each number, from the joint simulation.",
            190,
            lambda fig: plots.plot_coalition_sizes(sizes, ax=fig.add_subplot()),
        ),
        (
            "conditional",
            "Figure 3. Decisions move together. Each cell is the chance, in percent, that the "
            "column's state fights given that the row's state fights (grey: the diagonal, and "
            "rows whose state never fights in the simulation). Compare a column with that "
            "state's own P(military).",
            min(0.21 * 72 * n + 110, 520),
            lambda fig: plots.plot_conditional(cond, ax=fig.add_subplot()),
        ),
        (
            "coalitions",
            "Figure 4. The most likely coalitions: the exact sets of states that fight "
            "(“nobody” is the set in which no listed state fights).",
            min(0.3 * 72 * max(len(top), 1) + 50, 480),
            lambda fig: plots.plot_coalitions(top, ax=fig.add_subplot()),
        ),
    ]
    if evaluation and evaluation.get("reliability") is not None:
        reliability = evaluation["reliability"]
        specs.append(
            (
                "reliability",
                "Figure 5. Out-of-sample calibration of P(military): when the model (or a "
                "baseline) said p, how often did states fight? Points on the diagonal are "
                "well calibrated.",
                300,
                lambda fig: plots.plot_reliability(reliability, ax=fig.add_subplot()),
            )
        )
    out = []
    for key, caption, height, draw in specs:
        w = width if key != "reliability" else min(width, 330)
        out.append(
            {
                "key": key,
                "caption": caption,
                "width": w,
                "height": float(height),
                "pdf": _figure_pdf(draw, w, float(height)),
            }
        )
    return out
