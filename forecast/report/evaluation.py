"""The out-of-sample evaluation as the report shows it, read defensively.

:func:`_evaluation_summary` accepts a :class:`forecast.evaluate.Evaluation`, its
``to_json()`` dict or the path of ``models/evaluation.json`` and returns the scores table,
the settings and the reliability table. It never raises: an unreadable or malformed input
becomes a note that the report prints instead of the scores.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

#: The score columns of the evaluation table, in order: (key in the JSON, column heading).
_SCORE_COLUMNS = (
    ("brier", "Brier"),
    ("log_score", "log score"),
    ("rps", "RPS"),
    ("auc", "AUC"),
    ("ece", "ECE"),
    ("n", "rows"),
)


def _evaluation_summary(evaluation: Any) -> dict[str, Any]:
    """Scores and settings from an Evaluation, its JSON dict or a path to the JSON file.

    Never raises: an unreadable input becomes ``{"note": reason}``.
    """
    import pandas as pd

    source = ""
    doc = evaluation
    if isinstance(evaluation, str | os.PathLike):
        source = str(evaluation)
        from ..errors import ForecastError
        from ..evaluate import read_evaluation_document

        try:
            doc = read_evaluation_document(evaluation)
        except ForecastError as e:
            if "no scores table" in str(e):
                return {"note": f"{source} has no scores table in the expected layout."}
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
