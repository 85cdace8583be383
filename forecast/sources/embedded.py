"""Readers for the hand-coded tables of this project in ``data/`` (each row with its source).

- ``nuclear.csv``: nuclear-armed states and the date each became so (first test, or a cited
  assessment where a state never tested).
- ``war_entries.csv``: corrections to the war entries derived from the dyadic war data (the
  role or principal opponent of an ally in need where battles mislead), each with its source.
- ``invocation.csv``: casus-foederis rules ATOP's fields cannot decide, from the treaty text.
- ``rivalry_changes.csv``: strategic rivalries begun or ended after the data end (2020).
- ``curated.csv``: attacks after the COW data end, each potential responder's decision coded
  from cited sources; covariate columns are filled by the builder.
- ``responses.csv``: levels of help (diplomatic, material) for COW-war cases.
- ``alliance_changes.csv``: written commitments that began or ended after ATOP 5.1 (2018).

Every reader checks the columns it needs and that each row names a source, and reports bad
rows as ``FILE:LINE:COLUMN: reason``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import SourceDataError
from ._common import read_csv_any

__all__ = [
    "data_dir",
    "read_alliance_changes",
    "read_curated",
    "read_invocation",
    "read_nuclear",
    "read_responses",
    "read_rivalry_changes",
    "read_war_entries",
]


def data_dir() -> Path:
    """Return the directory of the embedded data (``data/`` in the repository).

    Returns
    -------
    pathlib.Path
        The folder holding ``cases.csv`` and the hand-coded tables.
    """
    return Path(str(resources.files("forecast.data")))


def _read(path: Path, columns: list[str], required: list[str]) -> pd.DataFrame:
    """Read one of our tables as strings; empty when the file does not exist."""
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    table = read_csv_any(path, dtype=str, keep_default_na=False)
    table.columns = [c.strip() for c in table.columns]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise SourceDataError(f"{path}: missing column(s) {', '.join(missing)}")
    problems = []
    for col in required:
        for i in table.index[table[col].str.strip() == ""]:
            problems.append(f"{path}:{i + 2}:{col}: required value is empty")
    if problems:
        raise SourceDataError(
            problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        )
    return table.apply(lambda s: s.str.strip())


def _ints(table: pd.DataFrame, path: Path, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        values = pd.to_numeric(table[col].replace("", None), errors="coerce")
        bad = table[col].ne("") & values.isna()
        if bad.any():
            i = int(bad.idxmax())
            raise SourceDataError(f"{path}:{i + 2}:{col}: {table.at[i, col]!r} is not a number")
        table[col] = values.astype("Int64")
    return table


def _dates(table: pd.DataFrame, path: Path, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        values = pd.to_datetime(table[col].replace("", None), errors="coerce", format="ISO8601")
        bad = table[col].ne("") & values.isna()
        if bad.any():
            i = int(bad.idxmax())
            raise SourceDataError(f"{path}:{i + 2}:{col}: {table.at[i, col]!r} is not a date")
        table[col] = values
    return table


def read_nuclear(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/nuclear.csv``: ``ccode, state, since, until, basis, source``.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file.

    Returns
    -------
    pandas.DataFrame
        ``since``/``until`` as dates (``until`` NaT while still nuclear-armed).
    """
    p = Path(path) if path else data_dir() / "nuclear.csv"
    cols = ["ccode", "state", "since", "until", "basis", "source"]
    t = _read(p, cols, ["ccode", "since", "source"])
    return _dates(_ints(t, p, ["ccode"]), p, ["since", "until"])


def _choices(table: pd.DataFrame, path: Path, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~table[column].isin(allowed)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise SourceDataError(
            f"{path}:{i + 2}:{column}: {table.at[i, column]!r} is not one of {', '.join(allowed)}"
        )


def read_war_entries(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/war_entries.csv``: corrections to entries derived from the dyadic war data.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file (an empty table when it does not exist).

    Returns
    -------
    pandas.DataFrame
        ``warnum, ccode, state, aggressor_ccode, role, source`` (``aggressor_ccode`` and
        ``role`` may be empty: that part is not corrected).
    """
    p = Path(path) if path else data_dir() / "war_entries.csv"
    cols = ["warnum", "ccode", "state", "aggressor_ccode", "role", "source"]
    t = _read(p, cols, ["warnum", "ccode", "source"])
    t = _ints(t, p, ["warnum", "ccode", "aggressor_ccode"])
    _choices(t, p, "role", ("", "attacked", "entered"))
    return t


def read_invocation(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/invocation.csv``: casus-foederis rules from the treaty texts.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file (an empty table when it does not exist).

    Returns
    -------
    pandas.DataFrame
        ``rule`` (``adversaries``: ``value`` lists the COW codes of the states the obligation
        is limited to; ``location``: the location condition is the partner's territory;
        ``protects``: ``value`` lists the third states whose attack is the casus foederis;
        ``conditions``: ``value`` 0 or 1 decides, for one conflict, the conditions ATOP's
        fields leave open (number of adversaries, demands, request);
        ``case``: ``value`` is 0 or 1 for one conflict), ``alliance``, ``member_ccode``,
        ``partner_ccode``, ``conflict_id``, ``value``, ``article``, ``source`` and the
        file ``line``.
    """
    p = Path(path) if path else data_dir() / "invocation.csv"
    cols = ["rule", "alliance", "member_ccode", "partner_ccode", "conflict_id", "value"]
    cols += ["article", "source"]
    t = _read(p, cols, ["rule", "alliance", "article", "source"])
    t = _ints(t, p, ["member_ccode", "partner_ccode"])
    _choices(t, p, "rule", ("adversaries", "location", "protects", "conditions", "case"))
    for i, r in t.iterrows():
        if r.rule in ("case", "conditions") and (r.value not in ("0", "1") or not r.conflict_id):
            raise SourceDataError(f"{p}:{i + 2}:value: a case rule needs conflict_id and 0 or 1")
        codes = r.value.split() or ["x"]
        if r.rule in ("adversaries", "protects") and not all(x.isdigit() for x in codes):
            raise SourceDataError(f"{p}:{i + 2}:value: {r.value!r} is not a list of COW codes")
    t["line"] = t.index + 2
    return t


def read_rivalry_changes(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/rivalry_changes.csv``: strategic rivalries begun or ended after 2020.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file (an empty table when it does not exist).

    Returns
    -------
    pandas.DataFrame
        ``ccode1, ccode2, rivalry, change`` (``begin`` or ``end``), ``year``, ``source``.
    """
    p = Path(path) if path else data_dir() / "rivalry_changes.csv"
    cols = ["ccode1", "ccode2", "rivalry", "change", "year", "source"]
    t = _read(p, cols, cols)
    t = _ints(t, p, ["ccode1", "ccode2", "year"])
    _choices(t, p, "change", ("begin", "end"))
    return t


CURATED_COLUMNS = [
    "case_id", "conflict_id", "conflict", "event_type", "year", "start_date", "target",
    "target_ccode", "aggressor", "aggressor_ccode", "supporter", "supporter_ccode", "response",
    "military", "sided_with_aggressor", "aggressor_response", "join_lag_days", "obligation",
    "conditional", "alliance", "alliance_age", "source",
]  # fmt: skip


def read_curated(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/curated.csv``: hand-coded cases after the COW data end.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file (an empty table when it does not exist).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CURATED_COLUMNS` as strings, ``start_date`` as a date; the
        builder validates the values with the case-table rules after filling covariates.
    """
    p = Path(path) if path else data_dir() / "curated.csv"
    required = ["case_id", "conflict_id", "year", "start_date", "target_ccode"]
    required += [
        "aggressor_ccode",
        "supporter_ccode",
        "military",
        "sided_with_aggressor",
        "source",
    ]
    optional = ["aggressor_response"]  # added in schema v2; absent in older files
    t = _read(p, [c for c in CURATED_COLUMNS if c not in optional], required)
    for col in optional:
        if col not in t.columns:
            t[col] = ""
    t = _dates(t, p, ["start_date"])
    t.attrs["path"] = str(p)
    return t


def read_responses(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/responses.csv``: levels of help for COW-war cases.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file (an empty table when it does not exist).

    Returns
    -------
    pandas.DataFrame
        ``conflict_id, target_ccode, target, supporter_ccode, supporter, response, source``
        with a ``line`` column giving each row's line in the file.
    """
    p = Path(path) if path else data_dir() / "responses.csv"
    cols = ["conflict_id", "target_ccode", "target", "supporter_ccode", "supporter"]
    cols += ["response", "source"]
    t = _read(p, cols, ["conflict_id", "target_ccode", "supporter_ccode", "response", "source"])
    t = _ints(t, p, ["target_ccode", "supporter_ccode"])
    t["line"] = t.index + 2
    t.attrs["path"] = str(p)
    return t


def read_alliance_changes(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read ``data/alliance_changes.csv``: commitments begun or ended after ATOP 5.1.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Default: the embedded file (an empty table when it does not exist).

    Returns
    -------
    pandas.DataFrame
        ``alliance, alliance_name, member_ccode, member, change (join|leave), date,
        obligation, conditional, source, note``.
    """
    p = Path(path) if path else data_dir() / "alliance_changes.csv"
    cols = ["alliance", "alliance_name", "member_ccode", "member", "change", "date"]
    cols += ["obligation", "conditional", "source", "note"]
    t = _read(p, cols, ["alliance", "member_ccode", "change", "date", "source"])
    t = _dates(_ints(t, p, ["member_ccode"]), p, ["date"])
    bad = ~t["change"].isin(["join", "leave"])
    if bad.any():
        i = int(bad.idxmax())
        raise SourceDataError(f"{p}:{i + 2}:change: {t.at[i, 'change']!r} is not join or leave")
    return t
