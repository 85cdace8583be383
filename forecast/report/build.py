"""Building a report: checks, metadata, layout, figures and the atomic write.

:func:`write_report` turns a prediction and its fit into the PDF: it checks that both come
from the same case table, draws the figures, lays the pages out
(:mod:`forecast.report.pages`), places the figures and writes the file atomically.
:func:`report` is the one-call version behind ``forecast report``: it reads the scenario,
loads the model (fitting the default one first when it does not exist), predicts and writes
the report.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from .._io import atomic_path, created_at
from . import placement
from .evaluation import _evaluation_summary
from .figures import _figures
from .layout import _canvas_class, _document, _fonts, _frame_width, _styles
from .pages import _story

__all__ = ["DEFAULT_REPORT_DIR", "report", "write_report"]

#: Where :func:`report` writes ``<scenario-file-stem>.pdf`` by default.
DEFAULT_REPORT_DIR = Path("reports")


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
    if str(prediction.data_hash) != str(fit.data_hash):
        raise ValueError(
            f"the prediction comes from a fit of case table {prediction.data_hash}, not "
            f"{fit.data_hash}; predict with this fit"
        )
    when = created_at()
    d = prediction.to_dict()
    summary = None if evaluation is None else _evaluation_summary(evaluation)
    fonts = _fonts()
    st = _styles(fonts)
    figures = _figures(prediction, _frame_width(), summary)
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
        doc = _document(
            buffer,
            title=title,
            author=metadata["/Author"],
            subject=subject,
            creator=metadata["/Creator"],
            font=fonts["regular"],
        )
        record: list = []
        story = _story(prediction, fit, d, figures, summary, cases_info, st, doc, record, when)
        footer = f"forecast {__version__} · {d['scenario']} · {when:%Y-%m-%d}"
        canvasmaker = functools.partial(_canvas_class(), footer=footer, font=fonts["regular"])
        doc.build(story, canvasmaker=canvasmaker)
        # Looked up on the module at call time, so a test can replace it there.
        data = placement._place_figures(buffer.getvalue(), figures, record, metadata)
        Path(tmp).write_bytes(data)
    return Path(path)


def _cases_info(cases, fit) -> dict[str, str]:
    """Describe the case table the analogues came from, and whether the fit used it."""
    from ..model import data_hash

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
    fit=None,
) -> Path:
    """Forecast a scenario file and write its PDF report.

    The scenario is read and checked first, so a bad scenario fails before any model is
    loaded or fitted.

    Parameters
    ----------
    scenario_path : str or os.PathLike
        A scenario TOML file (:func:`forecast.scenario.load_scenario`).
    model_path : str or os.PathLike, optional
        A saved fit; default ``models/default.nc``, else the shipped compact posterior,
        fitted first when neither exists (:func:`forecast.workflow.ensure_model`). Its
        directory is where ``evaluation.json`` is looked for.
    output : str or os.PathLike, optional
        The PDF to write; default ``reports/<scenario-file-stem>.pdf``.
    progress : bool, default True
        Show the progress bar if the default model has to be fitted.
    fit : forecast.model.Fit, optional
        The fit, when the caller has already loaded it from ``model_path``.

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
    from ..cases import load_cases
    from ..coalition import predict
    from ..scenario import load_scenario
    from ..workflow import DEFAULT_MODEL, ensure_model

    scenario = load_scenario(scenario_path)
    out = (
        Path(output)
        if output is not None
        else DEFAULT_REPORT_DIR / (f"{Path(scenario_path).stem}.pdf")
    )
    if fit is None:
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
