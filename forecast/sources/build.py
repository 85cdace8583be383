"""The case builder: original COW, ATOP, BMR and derived files -> the case table (schema v2).

The rules are written out in the codebook (``data/README.md``); in short:

- **Attacks** (:mod:`forecast.sources.attacks`): every state entering a COW war on the side
  fighting the initiator, at its entry date (the war's first-day targets and every later
  entrant: an "ally in need"), and each MID 4.3 dispute in which an originator on side A used
  force (hostility level 4 or 5) against the originators of side B, unless it is part of a war.
- **Potential responders** do not depend on the outcome: every state with a written
  commitment to the target or to the aggressor in force on the attack date, every major power,
  and every state contiguous to the target or the aggressor, that was in the state system
  then; the attack's own aggressors and targets, and states already at war in it, are not
  responders.
- **Commitments** both ways: the supporter's strongest obligation to the target and to the
  aggressor, and whether the attack invokes each (:mod:`forecast.sources.invocation`).
- **Outcomes.** ``military`` = entered the war (or used force in the dispute) on the target's
  side after the attack; ``sided_with_aggressor`` = the same on the other side. The first side
  a state fought on counts (Italy joined Germany in 1940 before switching in 1943). A state
  that was itself attacked into the war more than 7 days later did not choose to join it: its
  later fighting is not counted as a response to earlier attacks (the USSR's war from June 1941
  is not help to Poland; its invasion of Poland alongside Germany in September 1939 is siding
  with the aggressor, from MID 4.3 dispute 258).
- **Dyadic predictors** (:mod:`forecast.sources.dyads`): rivalry, distance, shared IGOs.
- **The attack's pool**: ``pool_size``, the number of the attack's rows (its potential
  responders), and ``pool_aggressor_allies``, how many of them have a written commitment to
  the aggressor; both are known when the attack begins.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich.progress import track

from ..cases import add_pool_facts, to_csv_text, validate_cases
from ..errors import CaseTableError, SourceDataError
from . import atop, bmr, cow, derived, embedded
from ._common import find_file
from .attacks import Attack, mid_attacks, war_attacks
from .covariates import Covariates
from .curated import _apply_responses, _curated_rows
from .dyads import Dyads
from .invocation import Rules
from .rows import _row, responders

__all__ = ["Attack", "build_cases", "read_sources", "write_cases"]


@dataclass
class Sources:
    """The original tables the builder reads (see :func:`read_sources`)."""

    wars: pd.DataFrame
    dyadic_wars: pd.DataFrame
    disputes: pd.DataFrame
    participants: pd.DataFrame
    covariates: Covariates
    dyads: Dyads
    rules: Rules
    war_entries: pd.DataFrame
    curated: pd.DataFrame
    responses: pd.DataFrame
    files: dict[str, Path]


def read_sources(source: str | os.PathLike, data: str | os.PathLike | None = None) -> Sources:
    """Read every original file the builder needs from ``source``.

    Parameters
    ----------
    source : str or os.PathLike
        Directory holding the original files under their published names (any sub-folder
        layout, e.g. ``cow/``, ``atop/``, ``democracy/``, ``derived/``).
    data : str or os.PathLike, optional
        Directory of this project's hand-coded tables (``nuclear.csv``, ``war_entries.csv``,
        ``invocation.csv``, ``rivalry_changes.csv``, ``curated.csv``, ``responses.csv``,
        ``alliance_changes.csv``).
        Default: the embedded ``data/``.

    Returns
    -------
    Sources
        The tables, and the path of each file read.

    Raises
    ------
    SourceDataError
        If a file is missing or not in its published layout.
    """
    readers: dict[str, tuple[Callable, list[str]]] = {
        "wars": (cow.read_cow_wars, cow.FILES["read_cow_wars"]),
        "dyadic_wars": (cow.read_cow_dyadic_wars, cow.FILES["read_cow_dyadic_wars"]),
        "alliances": (atop.read_atop_alliances, atop.FILES["read_atop_alliances"]),
        "rivalries": (derived.read_rivalries, derived.FILES["read_rivalries"]),
        "mindist": (derived.read_mindist, derived.FILES["read_mindist"]),
        "capitals": (derived.read_capitals, derived.FILES["read_capitals"]),
        "igos": (derived.read_igos, derived.FILES["read_igos"]),
        "states": (cow.read_cow_states, cow.FILES["read_cow_states"]),
        "majors": (cow.read_cow_majors, cow.FILES["read_cow_majors"]),
        "nmc": (cow.read_cow_nmc, cow.FILES["read_cow_nmc"]),
        "contiguity": (cow.read_cow_contiguity, cow.FILES["read_cow_contiguity"]),
        "disputes": (cow.read_mid_disputes, cow.FILES["read_mid_disputes"]),
        "participants": (cow.read_mid_participants, cow.FILES["read_mid_participants"]),
        "members": (atop.read_atop_members, atop.FILES["read_atop_members"]),
        "democracy": (bmr.read_bmr_democracy, bmr.FILES["read_bmr_democracy"]),
    }
    files: dict[str, Path] = {}
    tables: dict[str, pd.DataFrame] = {}
    for key, (reader, names) in readers.items():
        path = _first_found(source, names, reader.__name__)
        files[key] = path
        tables[key] = reader(path)
    nmc_recent = None
    try:
        files["nmc_recent"] = _first_found(source, cow.FILES["read_cow_nmc_v7"], "read_cow_nmc")
        nmc_recent = cow.read_cow_nmc(files["nmc_recent"])
    except SourceDataError:
        pass  # optional: without it CINC stops at NMC 5.0's last year (2012)
    d = Path(data) if data else embedded.data_dir()
    cov = Covariates(
        tables["states"],
        tables["majors"],
        tables["democracy"],
        tables["nmc"],
        nmc_recent,
        tables["contiguity"],
        tables["members"],
        embedded.read_nuclear(d / "nuclear.csv"),
        embedded.read_alliance_changes(d / "alliance_changes.csv"),
        tables["alliances"],
    )
    dyads = Dyads(
        tables["rivalries"],
        tables["mindist"],
        tables["capitals"],
        tables["igos"],
        embedded.read_rivalry_changes(d / "rivalry_changes.csv"),
    )
    return Sources(
        wars=tables["wars"],
        dyadic_wars=tables["dyadic_wars"],
        disputes=tables["disputes"],
        participants=tables["participants"],
        covariates=cov,
        dyads=dyads,
        rules=Rules(embedded.read_invocation(d / "invocation.csv")),
        war_entries=embedded.read_war_entries(d / "war_entries.csv"),
        curated=embedded.read_curated(d / "curated.csv"),
        responses=embedded.read_responses(d / "responses.csv"),
        files=files,
    )


def _first_found(source, names: list[str], reader: str) -> Path:
    last: SourceDataError | None = None
    for name in names:
        try:
            return find_file(source, name, reader)
        except SourceDataError as e:
            last = e
    assert last is not None
    raise last


def build_cases(
    source: str | os.PathLike | Sources,
    *,
    data: str | os.PathLike | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Build the case table from the original files and this project's hand-coded tables.

    Parameters
    ----------
    source : str or os.PathLike or Sources
        Directory with the original ATOP, COW and BMR files under their published names, or
        the tables already read by :func:`read_sources`.
    data : str or os.PathLike, optional
        Directory of the hand-coded tables; default the embedded ``data/``.
    progress : bool, default False
        Show a progress bar on stderr.

    Returns
    -------
    pandas.DataFrame
        The case table as strings in schema order, rows sorted by year, conflict, target,
        aggressor and supporter; deterministic for the same inputs.

    Raises
    ------
    SourceDataError
        If an original file is missing or malformed, or a hand-coded table contradicts it.
    CaseTableError
        If the result breaks a schema rule (a bug in a hand-coded table, named in the message).

    Examples
    --------
    >>> from forecast.sources.build import build_cases
    >>> cases = build_cases("../shared/data")  # doctest: +SKIP
    """
    src = source if isinstance(source, Sources) else read_sources(source, data)
    cov = src.covariates
    attacks, matched = war_attacks(src)
    curated, curated_keys = _curated_rows(src)
    for attack in mid_attacks(src, matched):
        if (attack.date.year, attack.target, attack.aggressor) not in curated_keys:
            attacks.append(attack)
    rows: list[dict] = []
    for attack in track(attacks, "building cases", disable=not progress, transient=True):
        rows.extend(_row(attack, s, cov, src.rules) for s in responders(attack, cov))
    rows.extend(curated)
    table = pd.DataFrame(rows)
    table = table.sort_values(
        ["year", "_date", "conflict_id", "target_ccode", "aggressor_ccode", "supporter_ccode"],
        kind="stable",
    ).reset_index(drop=True)
    table = src.dyads.add(table, table["_date"])
    table = add_pool_facts(table.drop(columns="_date"))
    table = _apply_responses(table, src.responses)
    text_table = pd.read_csv(
        __import__("io").StringIO(to_csv_text(table)), dtype=str, keep_default_na=False
    )
    problems = validate_cases(text_table)
    if problems:
        raise CaseTableError("<built table>", problems)
    return text_table


def write_cases(table: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a case table to ``path`` atomically (LF line endings, schema column order).

    Parameters
    ----------
    table : pandas.DataFrame
        The table (e.g. from :func:`build_cases`).
    path : str or os.PathLike
        Destination CSV.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from .._io import write_atomic

    text = to_csv_text(table)
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""))
