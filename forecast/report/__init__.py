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

The modules, upstream first:

- :mod:`~forecast.report.wording`: number formats and the words for codes and names;
- :mod:`~forecast.report.citations`: the datasets and their references;
- :mod:`~forecast.report.evaluation`: the out-of-sample evaluation, read defensively;
- :mod:`~forecast.report.figures`: the matplotlib figures as one-page PDFs;
- :mod:`~forecast.report.layout`: fonts, styles, tables, footer and page template;
- :mod:`~forecast.report.placement`: figure slots and putting the figures into them;
- :mod:`~forecast.report.appendix`: the closing pages on the model, evaluation and data;
- :mod:`~forecast.report.pages`: one function per page, strung together in order;
- :mod:`~forecast.report.build`: :func:`write_report` and :func:`report`.
"""

from __future__ import annotations

from .build import DEFAULT_REPORT_DIR, report, write_report
from .citations import CITATIONS
from .wording import format_interval, format_percent

__all__ = [
    "CITATIONS",
    "DEFAULT_REPORT_DIR",
    "format_interval",
    "format_percent",
    "report",
    "write_report",
]
