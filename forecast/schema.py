"""The case-table schema (v2) as code: the columns, their types and ranges, and the eras.

Every other module reads the schema from here (through :mod:`forecast.cases`, which
re-exports it); :mod:`forecast.validation` checks tables against it.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

__all__ = [
    "COLUMNS",
    "ERAS",
    "ERA_LEVELS",
    "EVENT_TYPES",
    "OBLIGATIONS",
    "REQUIRED",
    "RESPONSES",
    "SCHEMA_VERSION",
    "TARGET_ROLES",
    "V2_COLUMNS",
    "Column",
    "era_of",
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


#: The eras' labels in a fitted model's ``era`` group (the same eras as :data:`ERAS`, in order;
#: the labels saved fits carry, kept as they were so that existing fits load unchanged).
ERA_LEVELS: tuple[str, ...] = ("pre-1914", "1914-1945", "1946-1991", "post-1991")


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


_CONFLICT_ID = re.compile(r"^(war-[0-9]+|mid-[0-9]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)*)$")


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
        "alliance_members", "int", False, "states in that alliance that day (2: bilateral)", low=2
    ),
    Column(
        "aggressor_obligation", "enum", True, "strongest commitment to the aggressor", OBLIGATIONS
    ),
    Column("aggressor_conditional", "flag", True, "that commitment carries ATOP conditions"),
    Column("aggressor_invoked", "flag", False, "that commitment applies to this attack"),
    Column("aggressor_alliance", "str", False, "ATOP id or treaty name of that commitment"),
    Column("aggressor_alliance_members", "int", False, "states in that alliance that day", low=2),
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
    Column("pool_size", "int", False, "potential responders listed for this attack", low=1),
    Column(
        "pool_aggressor_allies",
        "int",
        False,
        "of them, states with a written commitment to the aggressor",
        low=0,
    ),
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
