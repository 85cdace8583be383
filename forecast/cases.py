"""The case table: schema v2, validation and loading.

One row is one potential responder's decision in one attack on one state (see
``data/README.md``, the codebook). This module holds the schema as code, a validator that reports
every problem at once as ``(row, column, reason)``, and :func:`load_cases`, which returns a typed
:class:`pandas.DataFrame`.

Row numbers are CSV line numbers: the header is line 1 and the first data row is line 2. For an
in-memory table the same convention holds (position 0 is "row 2"), so a message reads the same
whether the table came from a file or not.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from . import states
from ._io import read_text
from .errors import CaseTableError, ForecastError, Problem

__all__ = [
    "COLUMNS",
    "ERAS",
    "OBLIGATIONS",
    "RESPONSES",
    "SCHEMA_VERSION",
    "TARGET_ROLES",
    "V2_COLUMNS",
    "default_cases_path",
    "era_of",
    "load_cases",
    "validate_cases",
]

SCHEMA_VERSION = 2

#: ATOP obligation types, weakest first; a supporter's obligation is the strongest in force.
OBLIGATIONS = ("none", "consultation", "nonaggression", "neutrality", "offense", "defense")
#: Levels of help, lowest first.
RESPONSES = ("none", "diplomatic", "material", "military")
EVENT_TYPES = ("war", "mid", "curated")
#: How the ally in need came into the fighting: attacked, or entered by its own act (it opened
#: the fighting or declared war first).
TARGET_ROLES = ("attacked", "entered")
#: Eras of the international system: (label, first year, last year).
ERAS = (
    ("pre-1914", 1816, 1913),
    ("1914-1945", 1914, 1945),
    ("cold war", 1946, 1991),
    ("after 1991", 1992, 9999),
)


def era_of(year: int) -> str:
    """Return the era label of a year (pre-1914, 1914-1945, cold war, after 1991).

    Parameters
    ----------
    year : int
        A calendar year.

    Returns
    -------
    str
        One of the labels in :data:`ERAS`.
    """
    for label, first, last in ERAS:
        if first <= year <= last:
            return label
    raise ValueError(f"year {year} is before 1816")


_CONFLICT_ID = re.compile(r"^(war-\d+|mid-\d+|[a-z][a-z0-9]*(?:-[a-z0-9]+)*)$")


@dataclass(frozen=True)
class Column:
    """One column of the case table.

    Parameters
    ----------
    name : str
        Column name in the CSV header.
    kind : {"str", "int", "flag", "float", "enum", "ccode"}
        Value type; ``flag`` is 0/1, ``ccode`` a COW country code.
    required : bool
        Whether every row must have a value.
    doc : str
        One-line meaning, used by the codebook.
    choices : tuple of str
        Allowed values of an ``enum`` column, in order.
    low, high : float or None
        Inclusive range of numeric values.
    """

    name: str
    kind: str
    required: bool
    doc: str
    choices: tuple[str, ...] = field(default=())
    low: float | None = None
    high: float | None = None


def _current_year() -> int:
    return _dt.date.today().year


COLUMNS: tuple[Column, ...] = (
    Column("case_id", "str", True, "unique row id"),
    Column("conflict_id", "str", True, "war-<WarNum>, mid-<DispNum> or a curated slug"),
    Column("conflict", "str", True, "readable name of the conflict"),
    Column("event_type", "enum", True, "war, mid or curated", EVENT_TYPES),
    Column("year", "int", True, "year the attack began", low=1816),
    Column("target", "str", True, "the ally in need: the state attacked, or entering the war"),
    Column("target_ccode", "ccode", True, "COW code of the target"),
    Column("target_role", "enum", True, "attacked, or entered by its own act", TARGET_ROLES),
    Column("aggressor", "str", True, "the principal state the target fights"),
    Column("aggressor_ccode", "ccode", True, "COW code of the aggressor"),
    Column("supporter", "str", True, "the potential responder"),
    Column("supporter_ccode", "ccode", True, "COW code of the supporter"),
    Column("obligation", "enum", True, "strongest commitment to the target", OBLIGATIONS),
    Column("conditional", "flag", True, "the commitment carries ATOP conditions"),
    Column("invoked", "flag", False, "that commitment applies to this attack (casus foederis)"),
    Column("alliance", "str", False, "ATOP id or treaty name of that commitment"),
    Column("alliance_age", "int", False, "years since the supporter entered it", low=0),
    Column(
        "aggressor_obligation", "enum", True, "strongest commitment to the aggressor", OBLIGATIONS
    ),
    Column("aggressor_conditional", "flag", True, "that commitment carries ATOP conditions"),
    Column("aggressor_invoked", "flag", False, "that commitment applies to this attack"),
    Column("aggressor_alliance", "str", False, "ATOP id or treaty name of that commitment"),
    Column("response", "enum", False, "ordered level of help, empty if uncoded", RESPONSES),
    Column("military", "flag", True, "joined the fighting on the target's side"),
    Column("sided_with_aggressor", "flag", True, "fought on the aggressor's side"),
    Column(
        "aggressor_response",
        "enum",
        False,
        "level of help to the aggressor, if sourced",
        RESPONSES,
    ),
    Column("join_lag_days", "int", False, "days from the attack to joining", low=0),
    Column("supporter_major", "flag", True, "supporter is a COW major power"),
    Column("target_major", "flag", True, "target is a COW major power"),
    Column("aggressor_major", "flag", True, "aggressor is a COW major power"),
    Column("supporter_democracy", "flag", False, "supporter is a BMR democracy"),
    Column("target_democracy", "flag", False, "target is a BMR democracy"),
    Column("contiguous", "flag", True, "supporter borders target or aggressor"),
    Column("rival_aggressor", "flag", True, "supporter and aggressor are strategic rivals"),
    Column("rival_target", "flag", True, "supporter and target are strategic rivals"),
    Column("distance_km", "float", False, "minimum distance supporter-target, km", low=0),
    Column("distance_capitals", "flag", False, "distance_km is between capitals (flag)"),
    Column("shared_igos", "int", False, "IGOs both supporter and target belong to", low=0),
    Column("aggressor_nuclear", "flag", True, "aggressor is nuclear-armed"),
    Column("supporter_nuclear", "flag", True, "supporter is nuclear-armed"),
    Column("supporter_cinc", "float", False, "COW CINC score of the supporter", low=0, high=1),
    Column("aggressor_cinc", "float", False, "COW CINC score of the aggressor", low=0, high=1),
    Column("target_cinc", "float", False, "COW CINC score of the target", low=0, high=1),
    Column("source", "str", True, "dataset rows or citation"),
)
#: Columns new in schema v2; a table that lacks all of them is a v1 table.
V2_COLUMNS = (
    "target_role", "invoked", "aggressor_obligation", "aggressor_conditional",
    "aggressor_invoked", "aggressor_alliance", "aggressor_response", "rival_aggressor",
    "rival_target", "distance_km", "distance_capitals", "shared_igos",
)  # fmt: skip
_BY_NAME = {c.name: c for c in COLUMNS}
REQUIRED = tuple(c.name for c in COLUMNS if c.required)


def default_cases_path() -> Path:
    """Return the path of the embedded case table, ``data/cases.csv``.

    Returns
    -------
    pathlib.Path
        The file shipped with the package.
    """
    return Path(str(resources.files("forecast.data").joinpath("cases.csv")))


# ---------------------------------------------------------------------------------------------
# validation


def _check_value(col: Column, text: str) -> str | None:
    """Return why ``text`` is not a valid value of ``col``, or None if it is."""
    if col.kind == "enum":
        if text not in col.choices:
            return f"{text!r} is not one of {', '.join(col.choices)}"
        return None
    if col.kind == "flag":
        return None if text in ("0", "1") else f"{text!r} is not 0 or 1"
    if col.kind in ("int", "ccode"):
        if not re.fullmatch(r"-?\d+", text):
            return f"{text!r} is not a whole number"
        value = int(text)
        if col.kind == "ccode":
            if value not in states.known_codes():
                return f"{value} is not a known COW country code"
            return None
        high = _current_year() if col.name == "year" else col.high
        return _out_of_range(value, col.low, high)
    if col.kind == "float":
        try:
            value = float(text)
        except ValueError:
            return f"{text!r} is not a number"
        if value != value:
            return "NaN is not a number; leave the field empty when the value is missing"
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
    ``aggressor_invoked`` empty where the obligation is ``none``. A table without any of the
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
    cols = [_BY_NAME[c] for c in header if c in _BY_NAME]
    records = table.astype(object).where(table.notna(), "").to_dict("records")
    for pos, record in enumerate(records):
        row = pos + 2
        values = {k: str(v).strip() for k, v in record.items()}
        ok: dict[str, str] = {}
        for col in cols:
            text = values[col.name]
            if text == "":
                if col.required:
                    problems.append(Problem(row, col.name, "required value is empty"))
                continue
            reason = _check_value(col, text)
            if reason:
                problems.append(Problem(row, col.name, reason))
            else:
                ok[col.name] = text
        problems.extend(_row_rules(row, ok, seen_ids))
    return problems


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
            kind = cid.split("-", 1)[0] if re.match(r"^(war|mid)-\d+$", cid) else "curated"
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
        obligation, invoked = v.get(f"{prefix}obligation"), v.get(f"{prefix}invoked")
        if obligation == "none" and invoked is not None:
            out.append(
                Problem(
                    row,
                    f"{prefix}invoked",
                    f"{prefix}invoked must be empty when {prefix}obligation is 'none'",
                )
            )
    if v.get("distance_capitals") is not None and v.get("distance_km") is None:
        out.append(Problem(row, "distance_capitals", "set but distance_km is empty"))
    if military == "1" and v.get("sided_with_aggressor") == "1":
        out.append(
            Problem(row, "sided_with_aggressor", "military and sided_with_aggressor are both 1")
        )
    return out


# ---------------------------------------------------------------------------------------------
# loading


def read_case_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a case-table CSV as strings, without validating its values.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file (UTF-8; LF, CRLF or CR line endings).

    Returns
    -------
    pandas.DataFrame
        Every column as ``str`` with empty strings for empty fields.

    Raises
    ------
    ForecastError
        If the file is missing, empty, binary, not UTF-8 or not a CSV table with a case-table
        header.
    """
    text = read_text(path, what="case table (CSV)")
    try:
        table = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as e:
        reason = " ".join(str(e).split())
        raise ForecastError(f"{path}: not a readable CSV table ({reason})") from None
    table.columns = [str(c).strip() for c in table.columns]
    if not set(table.columns) & set(REQUIRED):
        raise ForecastError(
            f"{path}: not a case table (the header line names none of the schema's columns, "
            f"e.g. case_id, conflict_id, supporter); see data/README.md"
        )
    return table


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Convert a valid string table to the typed frame :func:`load_cases` returns."""
    out = pd.DataFrame(index=pd.RangeIndex(len(table)))
    for col in COLUMNS:
        if col.name not in table.columns:
            raw = pd.Series([""] * len(table))
        else:
            raw = table[col.name].astype(object).where(table[col.name].notna(), "")
            raw = raw.astype(str).str.strip().reset_index(drop=True)
        blank = raw.eq("") | raw.eq("<NA>") | raw.eq("nan")
        if col.kind == "enum":
            out[col.name] = pd.Categorical(
                raw.where(~blank, None), categories=list(col.choices), ordered=True
            )
        elif col.kind in ("int", "ccode", "flag"):
            out[col.name] = pd.array(
                [None if b else int(x) for x, b in zip(raw, blank, strict=True)], dtype="Int64"
            )
        elif col.kind == "float":
            out[col.name] = pd.array(
                [None if b else float(x) for x, b in zip(raw, blank, strict=True)],
                dtype="Float64",
            )
        else:
            out[col.name] = pd.array(raw.where(~blank, None), dtype="string")
    return out


def load_cases(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load and validate a case table.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A CSV file in schema v2. Default: the embedded ``data/cases.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per case, columns in schema order: strings as ``string``, counts, codes and
        0/1 flags as nullable ``Int64``, capability scores as ``Float64``, ``obligation``,
        ``response`` and ``event_type`` as ordered categoricals.

    Raises
    ------
    CaseTableError
        If any row breaks a rule; ``.problems`` lists them all.
    ForecastError
        If the file cannot be read as a CSV table.

    Examples
    --------
    >>> import forecast
    >>> cases = forecast.load_cases()
    >>> cases["obligation"].cat.categories[-1]
    'defense'
    """
    path = default_cases_path() if path is None else Path(path)
    table = read_case_csv(path)
    problems = validate_cases(table)
    if problems:
        raise CaseTableError(str(path), problems)
    return _typed(table)


def check_cases(path: str | os.PathLike) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a case table and return it typed together with its problems.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.

    Returns
    -------
    tuple
        ``(table, problems)``; ``table`` is None when there are problems.
    """
    table = read_case_csv(path)
    problems = validate_cases(table)
    return (None if problems else _typed(table)), problems


def to_csv_text(table: pd.DataFrame) -> str:
    """Write a case table as CSV text in schema column order, ``\\n`` line endings.

    Parameters
    ----------
    table : pandas.DataFrame
        A typed or string case table; optional columns it lacks are written empty.

    Returns
    -------
    str
        The CSV text, deterministic for the same table.
    """
    out = pd.DataFrame(index=table.index)
    for col in COLUMNS:
        values = table[col.name] if col.name in table.columns else pd.Series("", index=table.index)
        if col.kind == "float":
            values = values.map(lambda x: "" if _blank(x) else f"{float(x):.6g}")
        elif col.kind in ("int", "flag", "ccode"):
            values = values.map(lambda x: "" if _blank(x) else str(int(float(x))))
        else:
            values = values.map(lambda x: "" if _blank(x) else str(x))
        out[col.name] = values
    return out.to_csv(index=False, lineterminator="\n")


def _blank(x: object) -> bool:
    if isinstance(x, str):
        return x == ""
    return x is None or bool(pd.isna(x))
