"""The report's words: number formats, names in sentences, and what a past supporter did.

Every number in the report is written with one rule: probabilities as whole percentages
(:func:`format_percent`), intervals as ``"34% (12–56%)"`` (:func:`format_interval`). The
helpers here also escape text for reportlab's XML mini-markup, join names into a phrase and
put the case table's codes (obligation types, predictor names, responses) into words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["format_interval", "format_percent"]

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


def _escape(text: Any) -> str:
    """Escape text for a reportlab Paragraph (its mini-markup is XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _join_names(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


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
