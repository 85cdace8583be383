"""Validating a case table: every problem at once, as (row, column, reason).

Row numbers are CSV line numbers: the header is line 1 and the first data row is line 2. For
an in-memory table the same convention holds (position 0 is "row 2"), so a message reads the
same whether the table came from a file or not.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from . import states
from .errors import Problem
from .schema import (
    _BY_NAME,
    _CONFLICT_ID,
    REQUIRED,
    SCHEMA_VERSION,
    V2_COLUMNS,
    Column,
    _current_year,
)

__all__ = ["validate_cases"]


#: Numbers as the case table writes them: ASCII digits only (Python's ``int`` and ``float``
#: also take other scripts' digits, underscores and ``inf``, which a CSV should not hold).
_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
#: Longest whole number accepted (a count of years or a code; far beyond any real value).
MAX_DIGITS = 9


def _check_value(col: Column, text: str) -> str | None:
    """Return why ``text`` is not a valid value of ``col``, or None if it is."""
    if col.kind == "enum":
        if text not in col.choices:
            return f"{text!r} is not one of {', '.join(col.choices)}"
        return None
    if col.kind == "flag":
        return None if text in ("0", "1") else f"{text!r} is not 0 or 1"
    if col.kind in ("int", "ccode"):
        if not _INT.fullmatch(text):
            return f"{text[:40]!r} is not a whole number (ASCII digits)"
        if len(text.lstrip("-")) > MAX_DIGITS:
            return f"{text[:20]}... has more than {MAX_DIGITS} digits"
        value = int(text)
        if col.kind == "ccode":
            if value not in states.known_codes():
                return f"{value} is not a known COW country code"
            return None
        high = _current_year() if col.name == "year" else col.high
        return _out_of_range(value, col.low, high)
    if col.kind == "float":
        if len(text) > 40 or not _FLOAT.fullmatch(text):
            return f"{text[:40]!r} is not a number (ASCII digits, e.g. 0.25 or 1e-3)"
        value = float(text)
        if not math.isfinite(value):  # 1e400 overflows to inf
            return f"{text[:20]} is too large a number"
        return _out_of_range(value, col.low, col.high)
    return None


def _out_of_range(value: float, low: float | None, high: float | None) -> str | None:
    """Return why ``value`` is outside ``low..high`` (either bound optional), or None."""
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    if high is None:
        return f"{value:g} < {low:g}"
    if low is None:
        return f"{value:g} > {high:g}"
    return f"{value:g} is outside {low:g}..{high:g}"


def validate_cases(table: pd.DataFrame) -> list[Problem]:
    """Return every problem of a case table as located :class:`~forecast.errors.Problem` s.

    Parameters
    ----------
    table : pandas.DataFrame
        The table, as strings (as read from CSV) or typed (as returned by
        :func:`load_cases`). Missing values may be empty strings or NA.

    Returns
    -------
    list of Problem
        Empty when the table is valid. Row numbers follow the CSV convention (first data row
        is 2). Never raises on a malformed table.

    Notes
    -----
    Rules: all required columns present and filled; unique ``case_id``; enum values; 0/1 flags;
    whole numbers and ranges (``year`` in 1816..this year, CINC in 0..1); known COW codes;
    target, aggressor and supporter all different; ``response == "military"`` exactly when
    ``military == 1`` where response is coded; not both ``military`` and
    ``sided_with_aggressor``; non-empty ``source``; ``conflict_id`` of the form ``war-<n>``,
    ``mid-<n>`` or a lower-case slug, matching ``event_type``; ``aggressor_response ==
    "military"`` exactly when ``sided_with_aggressor == 1`` where it is coded; ``invoked`` and
    ``aggressor_invoked`` (and the ``alliance_members`` columns) empty where the obligation is
    ``none``; ``pool_aggressor_allies`` at
    most ``pool_size``. A table without any of the
    schema v2 columns is reported once, as a v1 table, with the command that rebuilds it.
    """
    problems: list[Problem] = []
    header = [str(c) for c in table.columns]
    v1 = [c for c in V2_COLUMNS if c not in header]
    if len(v1) == len(V2_COLUMNS) and set(header) & set(REQUIRED):
        return [
            Problem(
                1,
                "header",
                f"a schema v1 table (it lacks the schema v{SCHEMA_VERSION} columns "
                f"{', '.join(v1)}); rebuild it with `forecast data build --source DIR -o FILE`",
            )
        ]
    for name in REQUIRED:
        if name not in header:
            problems.append(Problem(1, name, "required column is missing from the header"))
    for name in header:
        if name not in _BY_NAME:
            problems.append(Problem(1, name, f"unknown column (not in schema v{SCHEMA_VERSION})"))
    seen_ids: dict[str, int] = {}
    for name in sorted({c for c in header if header.count(c) > 1}):
        problems.append(Problem(1, name, "column appears more than once in the header"))
    cols = [_BY_NAME[c] for c in dict.fromkeys(header) if c in _BY_NAME]
    # each distinct value of a column is checked once (a table repeats its values many times)
    texts: dict[str, list[str]] = {}
    reasons: dict[str, dict[int, str]] = {}
    for col in cols:
        column = table.iloc[:, header.index(col.name)]
        values = column.astype(object).where(column.notna(), "")
        texts[col.name] = [str(v).strip() for v in values]
        verdict: dict[str, str | None] = {}
        found: dict[int, str] = {}
        for pos, text in enumerate(texts[col.name]):
            if text not in verdict:
                if text == "":
                    verdict[text] = "required value is empty" if col.required else None
                else:
                    verdict[text] = _check_value(col, text)
            if verdict[text] is not None:
                found[pos] = verdict[text]
        reasons[col.name] = found
    flagged = [col.name for col in cols if reasons[col.name]]
    ruled = [col.name for col in cols if col.name in _RULE_COLUMNS]
    for pos in range(len(table)):
        row = pos + 2
        for name in flagged:
            reason = reasons[name].get(pos)
            if reason is not None:
                problems.append(Problem(row, name, reason))
        ok = {
            name: texts[name][pos]
            for name in ruled
            if texts[name][pos] != "" and pos not in reasons[name]
        }
        problems.extend(_row_rules(row, ok, seen_ids))
    return problems


#: The columns :func:`_row_rules` reads.
_RULE_COLUMNS = frozenset(
    {
        "case_id",
        "conflict_id",
        "event_type",
        "target_ccode",
        "aggressor_ccode",
        "supporter_ccode",
        "military",
        "response",
        "sided_with_aggressor",
        "aggressor_response",
        "obligation",
        "invoked",
        "aggressor_obligation",
        "aggressor_invoked",
        "distance_capitals",
        "distance_km",
        "pool_size",
        "pool_aggressor_allies",
        "alliance_members",
        "aggressor_alliance_members",
    }
)


def _row_rules(row: int, v: dict[str, str], seen_ids: dict[str, int]) -> list[Problem]:
    """Rules across columns of one row; ``v`` holds only the values that passed their checks."""
    out: list[Problem] = []
    case_id = v.get("case_id")
    if case_id is not None:
        if case_id in seen_ids:
            out.append(Problem(row, "case_id", f"{case_id!r} repeats row {seen_ids[case_id]}"))
        else:
            seen_ids[case_id] = row
    cid, etype = v.get("conflict_id"), v.get("event_type")
    if cid is not None:
        if not _CONFLICT_ID.match(cid):
            out.append(
                Problem(row, "conflict_id", f"{cid!r} is not war-<n>, mid-<n> or a slug (a-z0-9-)")
            )
        elif etype is not None:
            kind = cid.split("-", 1)[0] if re.match(r"^(war|mid)-[0-9]+$", cid) else "curated"
            if kind != etype:
                out.append(
                    Problem(row, "conflict_id", f"{cid!r} does not fit event_type {etype!r}")
                )
    codes = {k: v[k] for k in ("target_ccode", "aggressor_ccode", "supporter_ccode") if k in v}
    for a, b in (
        ("supporter_ccode", "target_ccode"),
        ("supporter_ccode", "aggressor_ccode"),
        ("aggressor_ccode", "target_ccode"),
    ):
        if a in codes and b in codes and codes[a] == codes[b]:
            out.append(Problem(row, a, f"{a} equals {b} ({codes[a]}): the states must differ"))
    military, response = v.get("military"), v.get("response")
    if military is not None and response is not None:
        if (response == "military") != (military == "1"):
            out.append(
                Problem(row, "response", f"response {response!r} contradicts military={military}")
            )
    sided, agg_response = v.get("sided_with_aggressor"), v.get("aggressor_response")
    if sided is not None and agg_response is not None:
        if (agg_response == "military") != (sided == "1"):
            out.append(
                Problem(
                    row,
                    "aggressor_response",
                    f"aggressor_response {agg_response!r} contradicts "
                    f"sided_with_aggressor={sided}",
                )
            )
    for prefix in ("", "aggressor_"):
        obligation = v.get(f"{prefix}obligation")
        for col in (f"{prefix}invoked", f"{prefix}alliance_members"):
            if obligation == "none" and v.get(col) is not None:
                out.append(
                    Problem(row, col, f"{col} must be empty when {prefix}obligation is 'none'")
                )
    if v.get("distance_capitals") is not None and v.get("distance_km") is None:
        out.append(Problem(row, "distance_capitals", "set but distance_km is empty"))
    size, allies = v.get("pool_size"), v.get("pool_aggressor_allies")
    if size is not None and allies is not None and int(float(allies)) > int(float(size)):
        out.append(
            Problem(row, "pool_aggressor_allies", f"{allies} is more than pool_size {size}")
        )
    if military == "1" and v.get("sided_with_aggressor") == "1":
        out.append(
            Problem(row, "sided_with_aggressor", "military and sided_with_aggressor are both 1")
        )
    return out
