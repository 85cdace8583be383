"""Scenario rows: a scenario's responders as rows of the case-table schema, checked."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pandas as pd

from .. import present
from ..cases import COLUMNS, _typed, validate_cases
from ..errors import ForecastError, Problem, ScenarioError
from .file import OUTCOMES, YEARS_AHEAD, Scenario

__all__ = ["scenario_rows", "validate_rows"]


def scenario_rows(scenario: Scenario) -> pd.DataFrame:
    """Return one row per responder in the case-table schema, typed as ``load_cases`` does.

    Parameters
    ----------
    scenario : Scenario
        From :func:`load_scenario` (or built directly).

    Returns
    -------
    pandas.DataFrame
        Case-table columns, one row per responder in scenario order, then one per
        ``aggressor_helpers`` state not already a responder: present-day covariates
        (:func:`forecast.present.responder_covariates` for ``scenario.year``) with the
        overrides applied; ``event_type = "war"`` (``"mid"`` for ``scale = "dispute"``),
        ``conflict_id = scenario.conflict_id``,
        ``conflict = scenario.name``, empty outcome columns, ``source`` naming the data behind
        each value.

    Raises
    ------
    ScenarioError
        If a state is unknown or not in the present-day tables, or a row breaks the schema.
    """
    where = scenario.path or scenario.name
    records = []
    helpers = [h for h in scenario.aggressor_helpers if h not in scenario.responders]
    event_type = "mid" if scenario.scale == "dispute" else "war"
    for responder in (*scenario.responders, *helpers):
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
            if changed != cov[f"{prefix}obligation"]:  # its alliance's size is unknown
                changes.setdefault(f"{prefix}alliance_members", None)
        cov.update(changes)
        note = f"; overridden in the scenario: {', '.join(changes)}" if changes else ""
        cid = scenario.conflict_id
        cov.update(
            case_id=f"{cid}-{scenario.year}-{cov['target_ccode']}-{cov['aggressor_ccode']}-"
            f"{cov['supporter_ccode']}",
            conflict_id=cid,
            conflict=scenario.name,
            event_type=event_type,
            year=scenario.year,
            source=f"scenario {where}; "
            + "; ".join(f"{k}: {v}" for k, v in sources.items())
            + note,
        )
        records.append({c.name: _text(cov.get(c.name)) for c in COLUMNS})
    table = pd.DataFrame(records, columns=[c.name for c in COLUMNS])
    if len(table):
        _add_pool(table, scenario)
    problems = validate_rows(table)
    if problems:
        first = problems[0]
        raise ScenarioError(
            f"{where}: responders: {table['supporter'].iloc[first.row - 2]}: {first.column}: "
            f"{first.reason}"
        )
    return _typed(table)


def _add_pool(table: pd.DataFrame, scenario: Scenario) -> None:
    """Fill the attack's pool facts: today's pool by the builder's rule plus the listed states."""
    pool, allies = present.attack_pool(scenario.target, scenario.aggressor)
    listed = {int(c) for c in table["supporter_ccode"]}
    listed_allies = {
        int(c)
        for c, o in zip(table["supporter_ccode"], table["aggressor_obligation"], strict=True)
        if o != "none"
    }
    table["pool_size"] = str(len(pool | listed))
    table["pool_aggressor_allies"] = str(len((allies - listed) | listed_allies))
    note = "; pool_size, pool_aggressor_allies: present.attack_pool (data/commitments.csv, "
    table["source"] = table["source"] + note + "data/states.csv, data/contiguity.csv)"


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
        if p.column == "conflict_id" and "does not fit event_type" in p.reason:
            continue
        if p.column == "year" and years is not None:
            y = years.iloc[p.row - 2]
            if pd.notna(y) and 1816 <= y <= last:
                continue
        out.append(p)
    return out
