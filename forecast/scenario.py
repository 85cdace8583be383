"""Scenario files: an aggressor attacks a target, and states may come to the target's aid.

A scenario is a TOML file (see ``data/scenarios/``)::

    name = "Taiwan 2026"
    year = 2026
    aggressor = "China"
    target = "Taiwan"
    responders = ["United States", "Japan", "Australia"]
    description = "What is assumed."          # optional

    [simulation]                              # optional
    draws = 4000                              # default 4000
    seed = 0                                  # default 0

    [overrides."Japan"]                       # optional, per responder
    obligation = "defense"

:func:`load_scenario` reads and checks a file strictly: unknown keys, wrong types, unknown
states (with suggestions), a responder equal to the target or the aggressor, duplicate
responders and override values outside the case-table schema all raise
:class:`~forecast.errors.ScenarioError` with one line ``FILE:LINE: FIELD: reason``.
:func:`scenario_rows` turns a scenario into responder rows in the case-table schema, from the
present-day tables (:func:`forecast.present.responder_covariates`) and the overrides.

Coding choices for scenario rows:

- ``event_type`` is ``war``: a scenario is an attack of war scale. ``conflict_id`` is
  ``scenario-<slug of the name>``, a conflict the model has never seen, so the prediction draws
  a new conflict effect (and new alliance-within-conflict effects), shared by all responders.
  This is the one rule of the case table scenario rows break on purpose (a slug with
  ``event_type = "war"``); :func:`validate_rows` allows it, and the outcome columns
  (``response``, ``military``, ``sided_with_aggressor``, ``join_lag_days``) are empty.
- Overrides replace single covariates. Optional columns take ``""`` for "unknown" (TOML has no
  null). Overriding ``obligation`` to ``"none"`` also clears ``alliance``, ``alliance_age`` and
  ``conditional`` unless those are overridden too; overriding it upwards keeps ``alliance``
  empty unless one is given, so the responder gets no alliance effect (give
  ``alliance = "..."`` to share one with other responders).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import present, states
from ._io import read_text
from .cases import COLUMNS, _check_value, _typed, validate_cases
from .errors import ForecastError, Problem, ScenarioError

__all__ = [
    "OVERRIDABLE",
    "Scenario",
    "load_scenario",
    "scenario_paths",
    "scenario_rows",
    "validate_rows",
]

#: Case-table columns a scenario may override per responder (the covariates).
OVERRIDABLE: tuple[str, ...] = (
    "obligation",
    "conditional",
    "alliance",
    "alliance_age",
    "supporter_major",
    "target_major",
    "aggressor_major",
    "supporter_democracy",
    "target_democracy",
    "contiguous",
    "aggressor_nuclear",
    "supporter_nuclear",
    "supporter_cinc",
    "aggressor_cinc",
    "target_cinc",
)
#: Columns left empty in scenario rows: what happened is what the model predicts.
OUTCOMES: tuple[str, ...] = ("response", "military", "sided_with_aggressor", "join_lag_days")
DEFAULT_DRAWS = 4000
MAX_DRAWS = 1_000_000
#: How far ahead of this year a scenario may be set.
YEARS_AHEAD = 25

_TOP: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "year": (int,),
    "aggressor": (str,),
    "target": (str,),
    "responders": (list,),
    "aggressor_helpers": (list,),
    "description": (str,),
    "simulation": (dict,),
    "overrides": (dict,),
}
_REQUIRED = ("name", "year", "aggressor", "target", "responders")
_SIMULATION = ("draws", "seed")
_COLUMN = {c.name: c for c in COLUMNS}
_TYPE_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "a table"}


@dataclass(frozen=True)
class Scenario:
    """A scenario: an attack and the states that might respond.

    Parameters
    ----------
    name : str
        Readable name; its slug is the new conflict's id.
    year : int
        Year the attack begins.
    aggressor, target : str
        The attacker and the state attacked (names as :func:`forecast.states.name` gives them).
    responders : tuple of str
        Potential responders, in file order.
    aggressor_helpers : tuple of str, default ()
        States that might help the aggressor (``aggressor_helpers`` in the file), in file
        order; they may also be responders.
    description : str, default ""
        What the scenario assumes.
    draws : int, default 4000
        Simulation draws.
    seed : int, default 0
        Simulation seed.
    overrides : dict, optional
        ``{responder name: {column: value}}``: covariates that replace the present-day ones.
    path : str, optional
        The file the scenario came from.
    """

    name: str
    year: int
    aggressor: str
    target: str
    responders: tuple[str, ...]
    aggressor_helpers: tuple[str, ...] = ()
    description: str = ""
    draws: int = DEFAULT_DRAWS
    seed: int = 0
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    path: str | None = None

    @property
    def conflict_id(self) -> str:
        """The new conflict's id, ``scenario-<slug of name>``."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")
        return f"scenario-{slug}" if slug else "scenario"


def scenario_paths(directory: str | os.PathLike | None = None) -> list[Path]:
    """Return the scenario files of a directory, sorted by name.

    Parameters
    ----------
    directory : str or os.PathLike, optional
        Default: the embedded ``data/scenarios``.

    Returns
    -------
    list of pathlib.Path
        The ``*.toml`` files.
    """
    if directory is None:
        from importlib import resources

        directory = Path(str(resources.files("forecast.data").joinpath("scenarios")))
    return sorted(Path(directory).glob("*.toml"))


# ---------------------------------------------------------------------------------------------
# locating keys in the TOML text (tomllib gives no positions)

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(a or b or c for a, b, c in _PART.findall(dotted))


class _Locator:
    """Finds the line of a key path (and of a value in a list) in a TOML text."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.split("\n")
        self.section: list[tuple[str, ...]] = []
        current: tuple[str, ...] = ()
        for line in self.lines:
            m = _HEADER.match(line)
            if m:
                current = _parts(m.group(1))
            self.section.append(current)

    def line(self, keys: tuple[str, ...], value: str | None = None, nth: int = 1) -> int | None:
        """1-based line of ``keys`` (or of the ``nth`` quoted ``value`` after it), or None."""
        found = None
        for cut in range(len(keys), 0, -1):
            found = self._key_line(keys[:cut])
            if found is not None:
                break
        if found is None or value is None:
            return found
        quoted = re.compile(r"[\"']" + re.escape(value) + r"[\"']")
        seen = 0
        for i in range(found - 1, len(self.lines)):
            seen += len(quoted.findall(self.lines[i]))
            if seen >= nth:
                return i + 1
        return found

    def _key_line(self, keys: tuple[str, ...]) -> int | None:
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m and _parts(m.group(1)) == keys:
                return i + 1
        *table, key = keys
        pattern = re.compile(r"^\s*(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\"|'"
                             + re.escape(key) + r"')\s*=")  # fmt: skip
        for i, line in enumerate(self.lines):
            if self.section[i] == tuple(table) and pattern.match(line):
                return i + 1
        return None

    def error(self, keys: tuple[str, ...], reason: str, value: str | None = None, nth: int = 1):
        """Return a one-line :class:`ScenarioError` located at ``keys``."""
        line = self.line(keys, value, nth)
        where = f"{self.path}:{line}" if line else self.path
        field_name = ".".join(_quote(k) for k in keys) or "(file)"
        return ScenarioError(f"{where}: {field_name}: {' '.join(reason.split())}")


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


# ---------------------------------------------------------------------------------------------
# loading


def _check_type(loc: _Locator, keys: tuple[str, ...], value: Any, types: tuple[type, ...]):
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if not ok:
        want = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        raise loc.error(keys, f"must be {want}, not {_describe(value)}")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _resolve(loc: _Locator, keys: tuple[str, ...], name: str, value: str | None = None,
             nth: int = 1) -> tuple[int, str]:  # fmt: skip
    """Resolve a state name to (code, canonical name), located errors otherwise."""
    try:
        code = states.resolve(name)
        present.state_info(code)
    except ForecastError as e:
        raise loc.error(keys, str(e), value, nth) from None
    return code, states.name(code)


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read and check a scenario file.

    Parameters
    ----------
    path : str or os.PathLike
        A TOML file with ``name``, ``year``, ``aggressor``, ``target``, ``responders``, and
        optionally ``description``, ``[simulation]`` (``draws``, ``seed``) and
        ``[overrides."<responder>"]`` tables of case-table covariates (:data:`OVERRIDABLE`).

    Returns
    -------
    Scenario
        State names in canonical form, overrides keyed by canonical responder names.

    Raises
    ------
    ScenarioError
        If the file is missing, empty, not UTF-8 or not TOML, or any value is invalid; the
        message is one line, ``FILE:LINE: FIELD: reason``.
    """
    p = str(path)
    try:
        text = read_text(path, what="scenario (TOML)")
    except ForecastError as e:
        raise ScenarioError(str(e)) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = " ".join(str(e).split())
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        where = f"{p}:{m.group(1)}" if m else p
        raise ScenarioError(f"{where}: not valid TOML: {msg}") from None
    loc = _Locator(p, text)
    for key, value in doc.items():
        if key not in _TOP:
            raise loc.error((key,), f"unknown key; valid keys: {', '.join(_TOP)}")
        _check_type(loc, (key,), value, _TOP[key])
    for key in _REQUIRED:
        if key not in doc:
            raise ScenarioError(f"{p}: {key}: required key is missing")
    name = doc["name"].strip()
    if not name:
        raise loc.error(("name",), "must not be empty")
    year = doc["year"]
    last = _dt.date.today().year + YEARS_AHEAD
    if not 1816 <= year <= last:
        raise loc.error(("year",), f"{year} is outside 1816..{last}")
    a_code, aggressor = _resolve(loc, ("aggressor",), doc["aggressor"])
    t_code, target = _resolve(loc, ("target",), doc["target"])
    if a_code == t_code:
        raise loc.error(("target",), f"{target} is also the aggressor")
    responders, codes = _responders(loc, doc["responders"], a_code, t_code)
    helpers: list[str] = []
    if "aggressor_helpers" in doc:
        helpers, _ = _responders(
            loc, doc["aggressor_helpers"], a_code, t_code, key="aggressor_helpers"
        )
    draws, seed = _simulation(loc, doc.get("simulation", {}))
    overrides = _overrides(
        loc, doc.get("overrides", {}), dict(zip(codes, responders, strict=True))
    )
    return Scenario(
        name=name,
        year=year,
        aggressor=aggressor,
        target=target,
        responders=tuple(responders),
        aggressor_helpers=tuple(helpers),
        description=doc.get("description", "").strip(),
        draws=draws,
        seed=seed,
        overrides=overrides,
        path=p,
    )


def _responders(loc: _Locator, items: list, a_code: int, t_code: int, key: str = "responders"):
    if not items:
        raise loc.error((key,), "must list at least one state")
    names: list[str] = []
    codes: list[int] = []
    counts: dict[str, int] = {}
    for i, item in enumerate(items):
        keys = (key,)
        if not isinstance(item, str):
            raise loc.error(keys, f"item {i + 1} must be a state name, not {_describe(item)}")
        counts[item] = counts.get(item, 0) + 1
        code, canonical = _resolve(loc, keys, item, item, counts[item])
        if code in (a_code, t_code):
            role = "aggressor" if code == a_code else "target"
            raise loc.error(
                keys, f"{canonical} is the {role}, not a responder", item, counts[item]
            )
        if code in codes:
            first = items[codes.index(code)]
            raise loc.error(keys, f"{item!r} repeats {first!r} ({canonical})", item, counts[item])
        names.append(canonical)
        codes.append(code)
    return names, codes


def _simulation(loc: _Locator, sim: dict) -> tuple[int, int]:
    for key, value in sim.items():
        if key not in _SIMULATION:
            raise loc.error(
                ("simulation", key), f"unknown key; valid keys: {', '.join(_SIMULATION)}"
            )
        _check_type(loc, ("simulation", key), value, (int,))
    draws, seed = sim.get("draws", DEFAULT_DRAWS), sim.get("seed", 0)
    if not 1 <= draws <= MAX_DRAWS:
        raise loc.error(("simulation", "draws"), f"{draws} is outside 1..{MAX_DRAWS}")
    if seed < 0:
        raise loc.error(("simulation", "seed"), f"{seed} is negative")
    return draws, seed


def _overrides(loc: _Locator, table: dict, by_code: dict[int, str]) -> dict[str, dict]:
    out: dict[str, dict[str, Any]] = {}
    for who, values in table.items():
        keys = ("overrides", who)
        _check_type(loc, keys, values, (dict,))
        code, canonical = _resolve(loc, keys, who)
        if code not in by_code:
            raise loc.error(keys, f"{canonical} is not among the responders")
        if by_code[code] in out:
            raise loc.error(keys, f"a second override table for {canonical}")
        checked = {}
        for column, value in values.items():
            reason = override_problem(column, value)
            if reason:
                raise loc.error((*keys, column), reason)
            checked[column] = _normalise(column, value)
        out[by_code[code]] = checked
    return out


def override_problem(column: str, value: Any) -> str | None:
    """Return why ``value`` cannot override ``column`` in a scenario row, or None if it can.

    Parameters
    ----------
    column : str
        A case-table column; only :data:`OVERRIDABLE` columns may be overridden.
    value : Any
        The TOML value: a string for ``obligation`` and ``alliance``, 0/1 or a boolean for
        flags, an integer for ``alliance_age``, a number for capability scores; ``""`` for
        "unknown" in optional columns.

    Returns
    -------
    str or None
        The reason, naming the valid values, or None.
    """
    if column not in OVERRIDABLE:
        return f"not an overridable covariate; valid: {', '.join(OVERRIDABLE)}"
    col = _COLUMN[column]
    if value == "" and isinstance(value, str):
        return None if not col.required else "required covariate; it cannot be empty"
    if col.kind in ("enum", "str"):
        if not isinstance(value, str):
            return f"must be a string, not {_describe(value)}"
        return _check_value(col, value)
    if col.kind == "flag":
        if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
            return None
        return f"must be 0, 1, true or false, not {_describe(value)}"
    if col.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be an integer, not {_describe(value)}"
        return _check_value(col, str(value))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {_describe(value)}"
    return _check_value(col, repr(float(value)))


def _normalise(column: str, value: Any) -> Any:
    if isinstance(value, str) and value == "":
        return None if column != "alliance" else ""
    kind = _COLUMN[column].kind
    if kind == "flag":
        return int(value)
    if kind == "float":
        return float(value)
    return value


# ---------------------------------------------------------------------------------------------
# rows


def scenario_rows(scenario: Scenario) -> pd.DataFrame:
    """Return one row per responder in the case-table schema, typed as ``load_cases`` does.

    Parameters
    ----------
    scenario : Scenario
        From :func:`load_scenario` (or built directly).

    Returns
    -------
    pandas.DataFrame
        Schema-v1 columns, one row per responder in scenario order: present-day covariates
        (:func:`forecast.present.responder_covariates` for ``scenario.year``) with the
        overrides applied; ``event_type = "war"``, ``conflict_id = scenario.conflict_id``,
        ``conflict = scenario.name``, empty outcome columns, ``source`` naming the data behind
        each value.

    Raises
    ------
    ScenarioError
        If a state is unknown or not in the present-day tables, or a row breaks the schema.
    """
    where = scenario.path or scenario.name
    records = []
    for responder in scenario.responders:
        try:
            cov = present.responder_covariates(
                responder, scenario.target, scenario.aggressor, scenario.year
            )
        except ForecastError as e:
            raise ScenarioError(f"{where}: responders: {responder}: {e}") from None
        sources = cov.pop("sources")
        changes = dict(scenario.overrides.get(responder, {}))
        if changes.get("obligation") == "none":
            changes.setdefault("alliance", "")
            changes.setdefault("alliance_age", None)
            changes.setdefault("conditional", 0)
        for prefix in ("", "aggressor_"):  # a changed obligation's invocation is unknown
            changed = changes.get(f"{prefix}obligation", cov[f"{prefix}obligation"])
            if changed != cov[f"{prefix}obligation"] or changed == "none":
                changes.setdefault(f"{prefix}invoked", None)
        cov.update(changes)
        note = f"; overridden in the scenario: {', '.join(changes)}" if changes else ""
        cid = scenario.conflict_id
        cov.update(
            case_id=f"{cid}-{scenario.year}-{cov['target_ccode']}-{cov['aggressor_ccode']}-"
            f"{cov['supporter_ccode']}",
            conflict_id=cid,
            conflict=scenario.name,
            event_type="war",
            year=scenario.year,
            source=f"scenario {where}; "
            + "; ".join(f"{k}: {v}" for k, v in sources.items())
            + note,
        )
        records.append({c.name: _text(cov.get(c.name)) for c in COLUMNS})
    table = pd.DataFrame(records, columns=[c.name for c in COLUMNS])
    problems = validate_rows(table)
    if problems:
        first = problems[0]
        raise ScenarioError(
            f"{where}: responders: {table['supporter'].iloc[first.row - 2]}: {first.column}: "
            f"{first.reason}"
        )
    return _typed(table)


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def validate_rows(rows: pd.DataFrame) -> list[Problem]:
    """Check scenario rows against the case-table schema (:func:`forecast.validate_cases`).

    The rules scenario rows break on purpose are allowed: empty outcome columns
    (:data:`OUTCOMES`), a slug ``conflict_id`` with ``event_type = "war"``, and a year up to
    :data:`YEARS_AHEAD` years ahead.

    Parameters
    ----------
    rows : pandas.DataFrame
        Scenario rows (typed or strings).

    Returns
    -------
    list of Problem
        Every other problem, with CSV-style row numbers (first row is 2).
    """
    out = []
    last = _dt.date.today().year + YEARS_AHEAD
    years = pd.to_numeric(rows["year"], errors="coerce") if "year" in rows else None
    for p in validate_cases(rows):
        if p.column in OUTCOMES and p.reason == "required value is empty":
            continue
        if p.column == "conflict_id" and p.reason.endswith("does not fit event_type 'war'"):
            continue
        if p.column == "year" and years is not None:
            y = years.iloc[p.row - 2]
            if pd.notna(y) and 1816 <= y <= last:
                continue
        out.append(p)
    return out
