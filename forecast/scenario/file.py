"""Scenario files: reading and checking a scenario (TOML) into a :class:`Scenario`."""

from __future__ import annotations

import datetime as _dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import present, states
from .._io import read_text
from .._toml import _check_type, _describe, _Locator
from ..cases import COLUMNS, _check_value
from ..design import SCALES
from ..errors import ForecastError, ScenarioError

__all__ = [
    "OVERRIDABLE",
    "Scenario",
    "load_scenario",
    "scenario_paths",
]

#: Case-table columns a scenario may override per responder (the covariates).
OVERRIDABLE: tuple[str, ...] = (
    "obligation",
    "conditional",
    "alliance",
    "alliance_age",
    "alliance_members",
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
#: Most parts of a dotted key (``a.b.c`` has three); a scenario's keys have at most three.
MAX_KEY_PARTS = 64
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_LONG_KEY = re.compile(
    rf"^[ \t]*\[{{0,2}}[ \t]*{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART}){{{MAX_KEY_PARTS}}}", re.M
)
#: Longest scenario name and description: the name is copied into every exported row.
MAX_NAME = 200
MAX_DESCRIPTION = 20_000

_TOP: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "year": (int,),
    "aggressor": (str,),
    "target": (str,),
    "responders": (list,),
    "aggressor_helpers": (list,),
    "scale": (str,),
    "description": (str,),
    "simulation": (dict,),
    "overrides": (dict,),
}
_REQUIRED = ("name", "year", "aggressor", "target", "responders")
_SIMULATION = ("draws", "seed")
_COLUMN = {c.name: c for c in COLUMNS}


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
    scale : {"war", "dispute"}, default "war"
        The crisis scale: a war-scale attack, or a dispute (a blockade, a border clash),
        which the model treats as a MID (``event_type = "mid"``, the disputes' conflict
        scale).
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
    scale: str = "war"
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
        optionally ``aggressor_helpers``, ``scale`` (``"war"``, the default, or
        ``"dispute"``), ``description``, ``[simulation]`` (``draws``, ``seed``) and
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
    deep = _LONG_KEY.search(text)
    if deep:  # tomllib needs memory quadratic in a dotted key's parts: 100,000 took 22 GB
        line = text.count("\n", 0, deep.start()) + 1
        raise ScenarioError(f"{p}:{line}: a key of more than {MAX_KEY_PARTS} dotted parts")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = " ".join(str(e).split())
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        where = f"{p}:{m.group(1)}" if m else p
        raise ScenarioError(f"{where}: not valid TOML: {msg}") from None
    except RecursionError:
        raise ScenarioError(f"{p}: not valid TOML: arrays or tables nested too deeply") from None
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        raise ScenarioError(f"{p}: not valid TOML: {' '.join(str(e).split())[:120]}") from None
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
    for key, limit in (("name", MAX_NAME), ("description", MAX_DESCRIPTION)):
        if len(doc.get(key, "")) > limit:
            raise loc.error((key,), f"{len(doc[key])} characters, more than {limit}")
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
    scale = doc.get("scale", "war")
    if scale not in SCALES:
        raise loc.error(("scale",), f"{scale!r} is not one of {', '.join(SCALES)}")
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
        scale=scale,
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
    if not 0 <= seed < 2**32:
        raise loc.error(("simulation", "seed"), f"{seed} is outside 0..{2**32 - 1}")
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
        flags, an integer for ``alliance_age`` and ``alliance_members``, a number for
        capability scores; ``""`` for "unknown" in optional columns.

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
