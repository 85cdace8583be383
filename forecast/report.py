"""PDF scenario reports: one self-contained document per forecast.

:func:`write_report` turns a :class:`~forecast.coalition.Prediction` and the
:class:`~forecast.model.Fit` it came from into a PDF that reads on its own:

1. the scenario in a sentence, the headline numbers in plain words, and a table of every
   responder's P(diplomatic or more), P(material or more) and P(military) with intervals;
2. four figures (:mod:`forecast.plots`): the per-responder intervals, the coalition-size
   distribution, the conditional matrix P(j fights | i fights) and the most likely coalitions;
3. the closest historical analogues and what happened in each;
4. the model and data: case-table size and hash, sampler diagnostics (a red warning box when
   the fit did not converge), the out-of-sample evaluation when one is given, the dataset
   citations and a short note on method.

Every number comes from :meth:`Prediction.to_dict` and is written with one rule:
probabilities as whole percentages (``f"{100 * p:.0f}%"``, see :func:`format_percent`),
intervals as ``"34% (12–56%)"`` (:func:`format_interval`), the expected coalition size with
one decimal.

How the PDF is made: reportlab lays the text out with DejaVu Sans (TrueType, embedded as
subsets; the file ships with matplotlib) and leaves an empty slot where each figure goes.
matplotlib draws each figure to a one-page PDF (vectors, fonts embedded as TrueType), and
pypdf places each one in its slot as a Form XObject, so figures stay vector graphics. With
``SOURCE_DATE_EPOCH`` set, the creation date is that time and the same inputs give a
byte-identical file (reportlab runs in its invariant mode). The file is written atomically:
an error leaves nothing at the output path.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import __version__
from ._io import atomic_path
from .errors import ForecastError

__all__ = [
    "CITATIONS",
    "DEFAULT_REPORT_DIR",
    "format_interval",
    "format_percent",
    "report",
    "write_report",
]

#: Where :func:`report` writes ``<scenario-file-stem>.pdf`` by default.
DEFAULT_REPORT_DIR = Path("reports")

#: The datasets behind the case table and their references (``data/README.md``, "Sources").
CITATIONS: tuple[tuple[str, str], ...] = (
    (
        "COW Inter-State War Data v4.0 (1823–2003)",
        "Sarkees, Meredith Reid, and Frank Wayman. 2010. Resort to War: 1816–2007. "
        "Washington, DC: CQ Press.",
    ),
    (
        "COW Militarized Interstate Disputes (MID) 4.3 (1816–2010)",
        "Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. "
        "“The MID4 Dataset, 2002–2010.” Conflict Management and Peace Science 32(2): 222–242.",
    ),
    (
        "Alliance Treaty Obligations and Provisions (ATOP) 5.1 (1815–2018)",
        "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
        "2002. “Alliance Treaty Obligations and Provisions, 1815–1944.” International "
        "Interactions 28: 237–260; Leeds, Brett Ashley. 2022. ATOP Codebook, version 5.1.",
    ),
    (
        "COW State System Membership v2016 and Major Powers v2016",
        "Correlates of War Project. 2017. State System Membership List, v2016; "
        "Major Powers, v2016. https://correlatesofwar.org",
    ),
    (
        "COW National Material Capabilities v5.0 (to 2012) and v7.0 (2013–2022)",
        "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. “Capability Distribution, "
        "Uncertainty, and Major Power War, 1820–1965.” In Peace, War, and Numbers, ed. Bruce "
        "Russett, 19–48. Beverly Hills: Sage. Version 7.0 as distributed by peacesciencer: "
        "Miller, Steven V. 2022. “peacesciencer: An R Package for Quantitative Peace Science "
        "Research.” Conflict Management and Peace Science 39(6): 755–779.",
    ),
    (
        "COW Direct Contiguity v3.2",
        "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles "
        "Gochman. 2002. “The Correlates of War Project Direct Contiguity Data, Version 3.” "
        "Conflict Management and Peace Science 19(2): 58–66.",
    ),
    (
        "COW country codes",
        "Correlates of War Project. State System Membership: COW country codes. "
        "https://correlatesofwar.org",
    ),
    (
        "Boix-Miller-Rosato Dichotomous Coding of Democracy v4.0 (1800–2020)",
        "Boix, Carles, Michael Miller, and Sebastian Rosato. 2013. “A Complete Data Set of "
        "Political Regimes, 1800–2007.” Comparative Political Studies 46(12): 1523–1554.",
    ),
    (
        "Curated cases and levels of help",
        "Attacks after the COW data end (2008 onward) and the diplomatic and material levels "
        "of help are hand-coded, each row with its citation: data/CURATED.md and "
        "data/RESPONSES.md in the forecast repository.",
    ),
)

_OBLIGATION_WORDS = {
    "defense": "defence pact",
    "offense": "offence pact",
    "neutrality": "neutrality pact",
    "nonaggression": "non-aggression pact",
    "consultation": "consultation pact",
    "none": "no written pact",
}
_PREDICTOR_WORDS = {
    "model": "this model",
    "base_rate": "base rate",
    "obligation_rate": "rate by obligation type",
    "logistic": "pooled logistic regression",
}
_SCORE_COLUMNS = (
    ("brier", "Brier"),
    ("log_score", "log score"),
    ("rps", "RPS"),
    ("auc", "AUC"),
    ("ece", "ECE"),
    ("n", "rows"),
)
_RED = "#B00020"
_INK = "#1A1A1A"
_MUTED = "#5A5A5A"
_RULE = "#C8C8C8"
_HEAD = "#0B3C5D"
_MARGIN = 50.0  # points
_FOOTER = 28.0


# ---------------------------------------------------------------------------------------------
# number formats (the one rule the report and its tests share)


def format_percent(p: float | None) -> str:
    """Format a probability as a whole percentage, the report's one rounding rule.

    Parameters
    ----------
    p : float or None
        A probability in [0, 1]; None or NaN means "not defined".

    Returns
    -------
    str
        ``f"{100 * p:.0f}%"`` (so 0.344 is ``"34%"`` and 0.004 is ``"0%"``), or ``"n/a"``.
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return f"{100 * float(p):.0f}%"


def format_interval(mean: float | None, lower: float | None, upper: float | None) -> str:
    """Format a probability and its interval, e.g. ``"34% (12–56%)"``.

    Parameters
    ----------
    mean, lower, upper : float or None
        The posterior mean and the interval bounds, probabilities in [0, 1].

    Returns
    -------
    str
        ``"<mean>% (<lower>–<upper>%)"`` with :func:`format_percent`'s rounding (an en dash
        between the bounds).
    """
    lo, hi = format_percent(lower), format_percent(upper)
    return f"{format_percent(mean)} ({lo.removesuffix('%')}–{hi})"


def _when(epoch: str | None = None) -> _dt.datetime:
    """The report's creation time: ``SOURCE_DATE_EPOCH`` when set, else now (UTC)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH") if epoch is None else epoch
    if raw:
        try:
            return _dt.datetime.fromtimestamp(int(raw), _dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ForecastError(
                f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds since 1970"
            ) from None
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def _escape(text: Any) -> str:
    """Escape text for a reportlab Paragraph (its mini-markup is XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _join_names(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# ---------------------------------------------------------------------------------------------
# evaluation summary (models/evaluation.json, read defensively)


def _evaluation_summary(evaluation: Any) -> dict[str, Any]:
    """Scores and settings from an Evaluation, its JSON dict or a path to the JSON file.

    Never raises: an unreadable input becomes ``{"note": reason}``.
    """
    import pandas as pd

    source = ""
    doc = evaluation
    if isinstance(evaluation, str | os.PathLike):
        source = str(evaluation)
        try:
            doc = json.loads(Path(evaluation).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            return {"note": f"{source} could not be read ({type(e).__name__})."}
    elif hasattr(evaluation, "to_json"):
        doc = evaluation.to_json()
    if not isinstance(doc, Mapping) or not isinstance(doc.get("scores"), Mapping):
        where = f"{source} " if source else "The evaluation "
        return {"note": f"{where}has no scores table in the expected layout."}
    rows = {}
    for predictor, values in doc["scores"].items():
        if isinstance(values, Mapping):
            rows[str(predictor)] = {k: values.get(k) for k, _ in _SCORE_COLUMNS}
    scores = pd.DataFrame.from_dict(rows, orient="index")
    settings = doc.get("settings") if isinstance(doc.get("settings"), Mapping) else {}
    reliability = None
    records = doc.get("reliability")
    if isinstance(records, list) and records and all(isinstance(r, Mapping) for r in records):
        table = pd.DataFrame.from_records(records)
        if {"mean_predicted", "observed_rate", "n"} <= set(table.columns):
            reliability = table
    folds = doc.get("folds") if isinstance(doc.get("folds"), list) else []
    return {
        "scores": scores,
        "scheme": str(settings.get("scheme", "")),
        "folds": len(folds) or settings.get("folds"),
        "converged": doc.get("converged"),
        "data_hash": str(doc.get("data_hash", "")),
        "reliability": reliability,
        "source": source,
        "note": "",
    }


# ---------------------------------------------------------------------------------------------
# figures: matplotlib -> one-page PDF bytes (vectors)


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
    from . import plots

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


# ---------------------------------------------------------------------------------------------
# reportlab layout


@functools.cache
def _fonts() -> dict[str, str]:
    """Register DejaVu Sans (shipped with matplotlib) with reportlab; return the font names."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = {
        "regular": ("ForecastSans", "DejaVuSans.ttf"),
        "bold": ("ForecastSans-Bold", "DejaVuSans-Bold.ttf"),
        "italic": ("ForecastSans-Oblique", "DejaVuSans-Oblique.ttf"),
        "bolditalic": ("ForecastSans-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
        "mono": ("ForecastMono", "DejaVuSansMono.ttf"),
    }
    for name, file in names.values():
        if not (ttf / file).is_file():
            raise ForecastError(f"{ttf / file}: font missing; reinstall matplotlib")
        pdfmetrics.registerFont(TTFont(name, str(ttf / file)))
    family = names["regular"][0]
    for bold, italic, key in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"),
                              (1, 1, "bolditalic")):  # fmt: skip
        addMapping(family, bold, italic, names[key][0])
    return {k: v[0] for k, v in names.items()}


def _styles(fonts: dict[str, str]) -> dict[str, Any]:
    """Paragraph styles of the report."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "body", fontName=fonts["regular"], fontSize=9.5, leading=13.2,
        textColor=colors.HexColor(_INK), spaceAfter=5,
    )  # fmt: skip
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=fonts["bold"], fontSize=18,
                                leading=22, spaceAfter=4, textColor=colors.HexColor(_HEAD)),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10.5, leading=14,
                                   textColor=colors.HexColor(_MUTED), spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontName=fonts["bold"], fontSize=13,
                             leading=16, spaceBefore=8, spaceAfter=6,
                             textColor=colors.HexColor(_HEAD)),
        "h2": ParagraphStyle("h2", parent=base, fontName=fonts["bold"], fontSize=10.5,
                             leading=13, spaceBefore=6, spaceAfter=3),
        "lead": ParagraphStyle("lead", parent=base, fontSize=10.5, leading=14.5, spaceAfter=8),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5,
                                textColor=colors.HexColor(_MUTED)),
        "caption": ParagraphStyle("caption", parent=base, fontSize=8, leading=10.5,
                                  textColor=colors.HexColor(_MUTED), spaceBefore=2,
                                  spaceAfter=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=fonts["bold"],
                                   fontSize=8, leading=10, spaceAfter=0),
        "big": ParagraphStyle("big", parent=base, fontName=fonts["bold"], fontSize=22,
                              leading=26, alignment=1, textColor=colors.HexColor(_HEAD),
                              spaceAfter=0),
        "bigcap": ParagraphStyle("bigcap", parent=base, fontSize=8, leading=10, alignment=1,
                                 textColor=colors.HexColor(_MUTED), spaceAfter=0),
        "warn": ParagraphStyle("warn", parent=base, fontName=fonts["bold"], fontSize=10,
                               leading=13, textColor=colors.white, spaceAfter=2),
        "warnbody": ParagraphStyle("warnbody", parent=base, fontSize=8.5, leading=11,
                                   textColor=colors.white, spaceAfter=0),
        "mono": ParagraphStyle("mono", parent=base, fontName=fonts["mono"], fontSize=7,
                               leading=9, spaceAfter=0),
    }  # fmt: skip


def _table(rows, widths, *, header: bool = True, zebra: bool = True, align_right=()):
    """A plain, light table: bold header row, thin rules, optional zebra stripes."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), _fonts()["regular"]),  # no unembedded Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.HexColor(_RULE)),
    ]
    if header:
        style += [
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor(_HEAD)),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(_HEAD)),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ]
    if zebra:
        first = 1 if header else 0
        for r in range(first, len(rows)):
            if (r - first) % 2 == 1:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F2F5F8")))
    for c in align_right:
        style.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def _warning_box(lines: list[str], st: dict, width: float):
    """The red box an unconverged fit gets: white text on red, full width."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [[Paragraph("WARNING: THE MODEL DID NOT CONVERGE", st["warn"])]]
    cells += [[Paragraph(_escape(line), st["warnbody"])] for line in lines]
    box = Table(cells, colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _fonts()["regular"]),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(_RED)),
                ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor("#7A0016")),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                ("TOPPADDING", (0, 0), (-1, 0), 7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return box


def _slot_class():
    """A Flowable that reserves space for a figure and records where it landed."""
    from reportlab.platypus import Flowable

    class FigureSlot(Flowable):
        def __init__(self, key: str, width: float, height: float, doc, record: list):
            super().__init__()
            self.key, self.width, self.height = key, width, height
            self._doc, self._record = doc, record

        def wrap(self, avail_width, avail_height):
            return self.width, self.height

        def draw(self):
            x, y = self.canv.absolutePosition(0, 0)
            self._record.append((self._doc.page, x, y, self.width, self.height, self.key))

    return FigureSlot


def _canvas_class():
    """A canvas that defers pages so the footer can say "page N of M"."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, footer: str = "", font: str = "Helvetica", **kwargs):
            super().__init__(*args, **kwargs)
            self._footer, self._footer_font, self._pages = footer, font, []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _draw_footer(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            self.saveState()
            self.setFont(self._footer_font, 7.5)
            self.setFillColorRGB(0.35, 0.35, 0.35)
            self.setStrokeColorRGB(0.8, 0.8, 0.8)
            self.setLineWidth(0.5)
            self.line(_MARGIN, _FOOTER + 10, width - _MARGIN, _FOOTER + 10)
            self.drawString(_MARGIN, _FOOTER, self._footer)
            self.drawRightString(width - _MARGIN, _FOOTER, f"page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


def _what_happened(rec: Mapping[str, Any]) -> str:
    """What a historical supporter did, in words."""

    def flag(key):
        v = rec.get(key)
        try:
            return bool(int(v)) if v is not None and str(v) not in ("", "nan", "<NA>") else None
        except (TypeError, ValueError):
            return None

    if flag("sided_with_aggressor"):
        return "fought on the aggressor's side"
    response = str(rec.get("response") or "")
    if response in ("", "nan", "<NA>", "None"):
        military = flag("military")
        if military:
            return "fought on the target's side"
        return "did not fight (lesser help not coded)" if military is False else "not coded"
    return {
        "military": "fought on the target's side",
        "material": "material help, did not fight",
        "diplomatic": "diplomatic support only",
        "none": "stayed out",
    }.get(response, response)


def _story(prediction, fit, d: dict, figures: list[dict], evaluation, cases_info, st, doc,
           record: list, when: _dt.datetime) -> list:  # fmt: skip
    """Every flowable of the report, in order."""
    from reportlab.platypus import (
        CondPageBreak,
        KeepTogether,
        PageBreak,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    width = doc.width
    slot = _slot_class()
    P = Paragraph
    n = len(d["responders"])
    names = [r["responder"] for r in d["responders"]]
    target, aggressor = _escape(d["target"]), _escape(d["aggressor"])
    coal = d["coalition"]
    converged = bool(d["model"]["converged"]) and bool(fit.converged)
    diag = fit.diagnostics
    problems = diag.problems() or ([] if converged else ["the fit is flagged as not converged"])
    warning_lines = [
        "The sampler did not meet the convergence rule (r-hat at most 1.01, bulk and tail "
        "effective sample sizes at least 400, no divergent transitions, E-BFMI at least 0.3). "
        "The numbers in this report are unreliable. Refit the model with more draws and "
        "tuning steps (forecast fit --draws N --tune N) before using them.",
        "Broken rules: " + "; ".join(problems) + ".",
    ]
    story: list = []

    # --- page 1: scenario, headline, responder table ------------------------------------
    story.append(P(f"Who comes to {target}'s aid?", st["title"]))
    story.append(
        P(
            f"{_escape(d['scenario'])} · scenario forecast · {when.day} {when:%B %Y}",
            st["subtitle"],
        )
    )
    if not converged:
        story += [_warning_box(warning_lines, st, width), Spacer(1, 8)]
    story.append(
        P(
            f"<b>The scenario.</b> {aggressor} attacks {target} in {d['year']}; the forecast "
            f"covers {n} state{'s' if n != 1 else ''} that might come to {target}'s aid: "
            f"{_escape(_join_names(names))}.",
            st["lead"],
        )
    )
    if d.get("description"):
        story.append(P(_escape(" ".join(str(d["description"]).split())), st["small"]))
        story.append(Spacer(1, 4))
    p_any, p_all, e_size = coal["p_any"], coal["p_all"], coal["expected_size"]
    story.append(
        P(
            f"<b>In plain words.</b> The chance that at least one of the listed states comes to "
            f"{target}'s military aid is <b>{format_percent(p_any)}</b>; the chance that all "
            f"{n} do is <b>{format_percent(p_all)}</b>; the chance that none does is "
            f"<b>{format_percent(coal['p_none'])}</b>. On average <b>{e_size:.1f}</b> of the "
            f"{n} states are expected to fight on {target}'s side.",
            st["body"],
        )
    )
    third = width / 3
    big = [
        [
            P(format_percent(p_any), st["big"]),
            P(format_percent(p_all), st["big"]),
            P(f"{e_size:.1f}", st["big"]),
        ],
        [
            P(f"chance that anyone comes to {target}'s military aid", st["bigcap"]),
            P(f"chance that all {n} listed responders do", st["bigcap"]),
            P(f"expected number of states fighting (of {n})", st["bigcap"]),
        ],
    ]
    from reportlab.lib import colors

    headline = Table(big, colWidths=[third] * 3)
    headline.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _fonts()["regular"]),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#EEF3F7")),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.6, colors.white),
                ("LINEBEFORE", (1, 0), (1, -1), 3, colors.white),
                ("LINEBEFORE", (2, 0), (2, -1), 3, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [Spacer(1, 3), headline, Spacer(1, 10)]
    story.append(P("Each responder", st["h2"]))
    level = f"{d['interval']:.0%}"
    head = [
        P("<b>state</b>", st["cell"]),
        P("<b>commitment to the target</b>", st["cell"]),
        P("<b>diplomatic or more</b>", st["cell"]),
        P("<b>material or more</b>", st["cell"]),
        P("<b>military</b>", st["cell"]),
    ]
    rows = [head]
    for r in d["responders"]:
        cells = [format_interval(**r[k]) for k in ("p_diplomatic_plus", "p_material_plus",
                                                   "p_military")]  # fmt: skip
        rows.append(
            [
                P(_escape(r["responder"]), st["cellbold"]),
                P(_escape(_OBLIGATION_WORDS.get(r["obligation"], r["obligation"])), st["cell"]),
                *(P(c, st["cell"]) for c in cells),
            ]
        )
    story.append(_table(rows, [0.22 * width, 0.18 * width] + [0.2 * width] * 3))
    story.append(Spacer(1, 4))
    story.append(
        P(
            f"Best estimate with its {level} interval in brackets: the model gives a "
            f"{level} chance that the true probability lies in that range. “Diplomatic or "
            "more” counts any help (statements, sanctions, arms, fighting); “material or more” "
            f"counts arms, money or supplies and fighting; “military” means joining the "
            f"fighting on {target}'s side. Probabilities are rounded to whole percentages; "
            f"the simulation used {d['draws']:,} draws (seed {d['seed']}).",
            st["small"],
        )
    )

    # --- figures ---------------------------------------------------------------------------
    story.append(PageBreak())
    story.append(P("The forecast in figures", st["h1"]))
    for fig in figures:
        if fig["key"] == "reliability":
            continue
        block = [
            slot(fig["key"], fig["width"], fig["height"], doc, record),
            P(_escape(fig["caption"]), st["caption"]),
        ]
        story.append(KeepTogether(block))
    top = coal["most_likely"]
    if top:
        rows = [[P("<b>coalition (states fighting)</b>", st["cell"]),
                 P("<b>size</b>", st["cell"]), P("<b>probability</b>", st["cell"])]]  # fmt: skip
        for c in top:
            members = ", ".join(c["members"]) if c["members"] else "nobody"
            rows.append([P(_escape(members), st["cell"]), P(str(c["size"]), st["cell"]),
                         P(format_percent(c["probability"]), st["cell"])])  # fmt: skip
        story.append(
            KeepTogether(
                [
                    P("The most likely coalitions", st["h2"]),
                    _table(rows, [0.72 * width, 0.1 * width, 0.18 * width]),
                ]
            )
        )

    # --- analogues ---------------------------------------------------------------------------
    story.append(PageBreak())
    story.append(P("Historical analogues", st["h1"]))
    story.append(
        P(
            "For each responder, the past decision in the case table most like it: the same "
            "kind of written commitment to the attacked state, nearest on the other factors "
            "the model uses (major power, democracy, borders, nuclear weapons, capabilities, "
            "alliance age), preferring the same state and the same attacker. They show the "
            "kind of evidence behind the numbers; they are not the forecast.",
            st["body"],
        )
    )
    analogues = prediction.analogues
    if analogues is None or len(analogues) == 0:
        story.append(P("No analogues were computed for this report.", st["body"]))
    else:
        heads = ("responder", "historical case", "state", "commitment", "what happened")
        rows = [[P(f"<b>{h}</b>", st["cell"]) for h in heads]]
        for rec in analogues.to_dict("records"):
            case = f"{rec.get('conflict', '')} ({rec.get('year', '')})"
            extra = f"<br/><font size=6.5 color='{_MUTED}'>{_escape(rec.get('target', ''))} " \
                f"attacked by {_escape(rec.get('aggressor', ''))}</font>"  # fmt: skip
            ob = str(rec.get("obligation", ""))
            alliance = str(rec.get("alliance") or "")
            commitment = _OBLIGATION_WORDS.get(ob, ob)
            if alliance and alliance not in ("nan", "<NA>"):
                commitment += f" ({alliance})"
            rows.append(
                [
                    P(_escape(rec.get("responder", "")), st["cellbold"]),
                    P(_escape(case) + extra, st["cell"]),
                    P(_escape(rec.get("supporter", "")), st["cell"]),
                    P(_escape(commitment), st["cell"]),
                    P(_escape(_what_happened(rec)), st["cell"]),
                ]
            )
        story.append(_table(rows, [w * width for w in (0.16, 0.32, 0.15, 0.18, 0.19)]))

    # --- model and data ------------------------------------------------------------------------
    story.append(CondPageBreak(250))
    story.append(P("Model and data", st["h1"]))
    if not converged:
        story += [_warning_box(warning_lines, st, width), Spacer(1, 8)]
    sampler = fit.sampler or {}
    ebfmi = ", ".join(f"{b:.2f}" for b in diag.ebfmi) or "n/a"
    facts = [
        ("historical cases (rows) the model was fitted to", f"{fit.n_cases:,}"),
        ("case-table hash", P(_escape(fit.data_hash), st["mono"])),
        (
            "sampler",
            f"{sampler.get('name', 'n/a')}: {sampler.get('chains', '?')} chains × "
            f"{sampler.get('draws', '?')} draws after {sampler.get('tune', '?')} tuning "
            f"steps, seed {fit.seed}",
        ),
        ("largest r-hat (rule: at most 1.01)", f"{diag.max_rhat:.3f}"),
        (
            "smallest bulk / tail effective sample size (rule: at least 400)",
            f"{diag.min_ess_bulk:.0f} / {diag.min_ess_tail:.0f}",
        ),
        ("divergent transitions (rule: none)", f"{diag.divergences}"),
        ("E-BFMI per chain (rule: at least 0.3)", ebfmi),
        ("converged", "yes" if converged else "NO"),
        ("forecast simulation", f"{d['draws']:,} draws, seed {d['seed']}"),
    ]
    for key, value in (cases_info or {}).items():
        facts.append((str(key), str(value)))
    rows = [
        [P(_escape(k), st["cell"]), v if not isinstance(v, str) else P(_escape(v), st["cell"])]
        for k, v in facts
    ]
    story.append(_table(rows, [0.45 * width, 0.55 * width], header=False))

    story.append(P("Out-of-sample evaluation", st["h2"]))
    if evaluation is None:
        story.append(
            P(
                "No out-of-sample evaluation was supplied. Run “forecast evaluate” (it writes "
                "models/evaluation.json) to see how well the model predicts conflicts it was "
                "not fitted to.",
                st["body"],
            )
        )
    elif evaluation.get("note"):
        story.append(P(_escape(evaluation["note"]), st["body"]))
    else:
        scheme = evaluation.get("scheme") or "cross-validation"
        folds = evaluation.get("folds")
        intro = (
            f"Scores on rows held out from fitting ({_escape(scheme)} scheme"
            f"{f', {folds} folds' if folds else ''}), for the model and simple "
            "baselines. Brier score, log score, ranked probability score (RPS) and expected "
            "calibration error (ECE) are losses (lower is better); AUC measures ranking "
            "(higher is better)."
        )
        if evaluation.get("converged") is False:
            intro += " Not every fold's fit converged."
        if evaluation.get("data_hash") and evaluation["data_hash"] != fit.data_hash:
            intro += " The evaluation used a different case table than this fit."
        story.append(P(intro, st["body"]))
        scores = evaluation["scores"]
        header = [P("<b>predictor</b>", st["cell"])] + [
            P(f"<b>{label}</b>", st["cell"]) for _, label in _SCORE_COLUMNS
        ]
        rows = [header]
        for predictor, values in scores.iterrows():
            cells = []
            for key, _ in _SCORE_COLUMNS:
                v = values.get(key)
                ok = v is not None and not (isinstance(v, float) and math.isnan(v))
                cells.append(
                    P(
                        ("n/a" if not ok else f"{int(v):,}" if key == "n" else f"{float(v):.3f}"),
                        st["cell"],
                    )
                )
            label = _PREDICTOR_WORDS.get(str(predictor), str(predictor))
            style = st["cellbold"] if predictor == "model" else st["cell"]
            rows.append([P(_escape(label), style), *cells])
        story.append(_table(rows, [0.34 * width] + [0.11 * width] * 6))
        for fig in figures:
            if fig["key"] == "reliability":
                story.append(Spacer(1, 6))
                story.append(
                    KeepTogether(
                        [
                            slot(fig["key"], fig["width"], fig["height"], doc, record),
                            P(_escape(fig["caption"]), st["caption"]),
                        ]
                    )
                )

    story.append(P("How to read these numbers", st["h2"]))
    notes = [
        "Each probability is the model's estimate of how often a state in this position "
        "would act, learned from every recorded case since 1816 in which a state was "
        f"attacked and others had to decide whether to help. A {format_percent(0.3)} chance "
        "of military help means: in about three of ten crises like this one, the state would "
        "join the fighting. The interval shows how sure the model is about that estimate.",
        "The model weighs what history shows to matter: the kind of written commitment "
        "(a defence pact or none), whether the helper is a major power, a democracy, a "
        "neighbour, or nuclear-armed, the balance of capabilities, how old the alliance is, "
        "and the era. Each state, each alliance and each crisis also gets its own "
        "tendency, estimated from its past record.",
        "Decisions are not independent. Every crisis has its own character (how clear the "
        "aggression is, how high the stakes are), shared by all who decide, and members of "
        "one alliance share a further common shock. The model draws these shared effects "
        "once per simulated crisis, so states tend to go in together or stay out together: "
        "that is why the conditional figure differs from the plain probabilities and why "
        "“everyone” or “no one” is likelier than independent coin flips would suggest.",
        "What the model cannot know: leaders, public opinion, secret agreements, troops "
        "already in place, or how a war is going. It knows only the factors above as coded in "
        "the data, and assumes the future resembles the past. Treat the numbers as a "
        "calibrated starting point for judgement, not as a substitute for it.",
    ]
    story += [P(text, st["body"]) for text in notes]

    story.append(P("Data sources", st["h2"]))
    story.append(
        P(
            "The case table is built from the original research files below (see the "
            "codebook, data/README.md, for every coding decision). Cite them when using "
            "these results.",
            st["body"],
        )
    )
    for name, ref in CITATIONS:
        story.append(P(f"<b>{_escape(name)}.</b> {_escape(ref)}", st["small"]))
    story.append(Spacer(1, 6))
    story.append(
        P(
            f"Produced by forecast {__version__} on {when:%Y-%m-%d %H:%M} UTC from the fit "
            f"with case-table hash {_escape(fit.data_hash)}.",
            st["small"],
        )
    )
    return story


# ---------------------------------------------------------------------------------------------
# placing the figures (pypdf)


def _place_figures(base: bytes, figures: list[dict], record: list, metadata: dict) -> bytes:
    """Put each figure's PDF page into its slot as a Form XObject; set the metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    by_key = {f["key"]: f for f in figures}
    for i, (page_no, x, y, w, h, key) in enumerate(record, start=1):
        src = PdfReader(io.BytesIO(by_key[key]["pdf"])).pages[0]
        box = [float(v) for v in src.mediabox]
        form = DecodedStreamObject()
        form.set_data(src.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
                NameObject("/Resources"): src["/Resources"].get_object().clone(writer),
            }
        )
        # pypdf has no public call to add a new indirect stream; _add_object is the one its
        # own page and annotation helpers use.
        ref = writer._add_object(form.flate_encode())
        page = writer.pages[page_no - 1]
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        name = f"/ForecastFigure{i}"
        xobjects[NameObject(name)] = ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        sx, sy = w / (box[2] - box[0]), h / (box[3] - box[1])
        ox, oy = x - box[0] * sx, y - box[1] * sy
        draw = f"\nq {sx:.6f} 0 0 {sy:.6f} {ox:.4f} {oy:.4f} cm {name} Do Q\n".encode()
        content = DecodedStreamObject()
        content.set_data(page.get_contents().get_data() + draw)
        page.replace_contents(content.flate_encode())
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# public API


def write_report(
    prediction,
    fit,
    path: str | os.PathLike,
    *,
    evaluation: Any = None,
    cases_info: Mapping[str, Any] | None = None,
) -> Path:
    """Write a scenario's forecast as a self-contained PDF report.

    Parameters
    ----------
    prediction : forecast.coalition.Prediction
        The forecast (:func:`forecast.coalition.predict`); every number in the report is taken
        from ``prediction.to_dict()``.
    fit : forecast.model.Fit
        The fit the prediction came from: case-table size and hash, sampler settings and
        diagnostics.
    path : str or os.PathLike
        Where to write the PDF; its directory is created. Written atomically: on any error
        nothing is left at ``path`` (an existing file there is kept unchanged).
    evaluation : Evaluation, dict, str or os.PathLike, optional
        The out-of-sample evaluation: a :class:`forecast.evaluate.Evaluation`, its
        ``to_json()`` dict, or the path of ``models/evaluation.json``. Read defensively: an
        unreadable file is mentioned in the report, not raised. Default: none (the report says
        how to produce one).
    cases_info : mapping, optional
        Extra "label: value" lines for the "Model and data" table (e.g. which case table, how
        many conflicts, which years).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If ``prediction`` was not made from a fit of the same case table (its data hash
        differs from ``fit.data_hash``).
    ForecastError
        If ``SOURCE_DATE_EPOCH`` is set but not an integer.

    Notes
    -----
    Pages: (1) the scenario, headline numbers and responder table; (2-3) figures; then the
    historical analogues; then the model and data (diagnostics, a red warning box when the
    fit did not converge, the evaluation, a note on method and the dataset citations). Every
    page has "page N of M". Fonts (DejaVu Sans) are embedded; figures are vector Form
    XObjects. With ``SOURCE_DATE_EPOCH`` set the output is byte-for-byte reproducible.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    if str(prediction.data_hash) != str(fit.data_hash):
        raise ValueError(
            f"the prediction comes from a fit of case table {prediction.data_hash}, not "
            f"{fit.data_hash}; predict with this fit"
        )
    when = _when()
    d = prediction.to_dict()
    summary = None if evaluation is None else _evaluation_summary(evaluation)
    fonts = _fonts()
    st = _styles(fonts)
    page_w = A4[0]
    frame_w = page_w - 2 * _MARGIN
    figures = _figures(prediction, frame_w, summary)
    title = f"{d['scenario']}: who comes to {d['target']}'s aid?"
    subject = (
        f"Forecast of which states come to {d['target']}'s aid if {d['aggressor']} attacks "
        f"in {d['year']}"
    )
    stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
    metadata = {
        "/Title": title,
        "/Author": "forecast (coalition-response forecasting)",
        "/Subject": subject,
        "/Creator": f"forecast {__version__}",
        "/Keywords": f"alliance reliability; coalition forecast; {d['scenario']}",
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }
    with atomic_path(path) as tmp:
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=_MARGIN,
            rightMargin=_MARGIN,
            topMargin=_MARGIN - 6,
            bottomMargin=_MARGIN + 6,
            title=title,
            author=metadata["/Author"],
            subject=subject,
            creator=metadata["/Creator"],
            invariant=1,
            initialFontName=fonts["regular"],
        )
        frame = Frame(
            doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        record: list = []
        story = _story(prediction, fit, d, figures, summary, cases_info, st, doc, record, when)
        footer = f"forecast {__version__} · {d['scenario']} · {when:%Y-%m-%d}"
        canvasmaker = functools.partial(_canvas_class(), footer=footer, font=fonts["regular"])
        doc.build(story, canvasmaker=canvasmaker)
        data = _place_figures(buffer.getvalue(), figures, record, metadata)
        Path(tmp).write_bytes(data)
    return Path(path)


def _cases_info(cases, fit) -> dict[str, str]:
    """Describe the case table the analogues came from, and whether the fit used it."""
    from .model import data_hash

    years = f"{int(cases['year'].min())}–{int(cases['year'].max())}" if len(cases) else "n/a"
    same = len(cases) == fit.n_cases and data_hash(cases) == fit.data_hash
    return {
        "analogues drawn from": "the embedded case table (data/cases.csv)"
        + ("" if same else ", which is not the table this fit was fitted to"),
        "that table": f"{len(cases):,} rows, {cases['conflict_id'].nunique():,} attacks, "
        f"years {years}",
    }


def report(
    scenario_path: str | os.PathLike,
    model_path: str | os.PathLike | None = None,
    output: str | os.PathLike | None = None,
    *,
    progress: bool = True,
) -> Path:
    """Forecast a scenario file and write its PDF report.

    The scenario is read and checked first, so a bad scenario fails before any model is
    loaded or fitted.

    Parameters
    ----------
    scenario_path : str or os.PathLike
        A scenario TOML file (:func:`forecast.scenario.load_scenario`).
    model_path : str or os.PathLike, optional
        A saved fit; default ``models/default.nc``, fitted first when it does not exist
        (:func:`forecast.workflow.ensure_model`).
    output : str or os.PathLike, optional
        The PDF to write; default ``reports/<scenario-file-stem>.pdf``.
    progress : bool, default True
        Show the progress bar if the default model has to be fitted.

    Returns
    -------
    pathlib.Path
        The report's path.

    Raises
    ------
    ScenarioError
        If the scenario file is missing or invalid.
    ForecastError
        If the model file is missing, corrupt or not a fit of this package.

    Notes
    -----
    The analogues come from the embedded case table. The out-of-sample evaluation is
    ``evaluation.json`` beside the model file (``models/evaluation.json`` for the default),
    included when it exists. An unconverged fit emits
    :class:`~forecast.errors.ConvergenceWarning` and the report carries a red warning box.
    """
    from .cases import load_cases
    from .coalition import predict
    from .scenario import load_scenario
    from .workflow import DEFAULT_MODEL, ensure_model

    scenario = load_scenario(scenario_path)
    out = (
        Path(output)
        if output is not None
        else DEFAULT_REPORT_DIR / (f"{Path(scenario_path).stem}.pdf")
    )
    fit = ensure_model(model_path, progress=progress)
    cases = load_cases()
    prediction = predict(fit, scenario, cases=cases)
    folder = Path(model_path).parent if model_path is not None else DEFAULT_MODEL.parent
    evaluation = folder / "evaluation.json"
    return write_report(
        prediction,
        fit,
        out,
        evaluation=evaluation if evaluation.is_file() else None,
        cases_info=_cases_info(cases, fit),
    )
