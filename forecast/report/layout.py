"""The report's look in reportlab: fonts, paragraph styles, tables and the page template.

Text is set in DejaVu Sans (the TrueType files ship with matplotlib and are embedded as
subsets). Every page has the same single frame inside :data:`_MARGIN` and a footer that says
"page N of M", which :func:`_canvas_class` draws once the page count is known.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ..errors import ForecastError
from .wording import _escape

_RED = "#B00020"
_INK = "#1A1A1A"
_MUTED = "#5A5A5A"
_RULE = "#C8C8C8"
_HEAD = "#0B3C5D"
_MARGIN = 50.0  # points
_FOOTER = 28.0


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


def _frame_width() -> float:
    """The width of the text frame, in points: an A4 page less both margins."""
    from reportlab.lib.pagesizes import A4

    return A4[0] - 2 * _MARGIN


def _document(buffer, *, title: str, author: str, subject: str, creator: str, font: str):
    """The A4 document template: one full-width frame inside the margins, invariant mode."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN - 6,
        bottomMargin=_MARGIN + 6,
        title=title,
        author=author,
        subject=subject,
        creator=creator,
        invariant=1,
        initialFontName=font,
    )
    frame = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc
