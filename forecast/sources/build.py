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
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..cases import COLUMNS, to_csv_text, validate_cases
from ..errors import CaseTableError, SourceDataError
from . import atop, bmr, cow, derived, embedded
from ._common import find_file
from .attacks import Attack, _states_name, mid_attacks, war_attacks
from .covariates import Commitment, Covariates
from .dyads import Dyads
from .invocation import Occasion, Rules, decide

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


def responders(attack: Attack, cov: Covariates) -> list[int]:
    """The potential responders of an attack, by the outcome-independent rule.

    Parameters
    ----------
    attack : Attack
        The attack.
    cov : Covariates
        Lookups over the original tables.

    Returns
    -------
    list of int
        Sorted COW codes: states with a written commitment to the target or to the aggressor
        in force, major powers, and states contiguous to the target or the aggressor, that
        were in the state system on the attack date, less the attack's own sides and states
        already at war.
    """
    d, y = attack.date, attack.date.year
    pool = cov.allies(attack.target, d) | cov.allies(attack.aggressor, d) | set(cov.majors(d))
    pool |= cov.neighbours(attack.target, y) | cov.neighbours(attack.aggressor, y)
    pool -= attack.excluded | {attack.target, attack.aggressor}
    return sorted(c for c in pool if cov.in_system(c, d))


def _occasions(attack: Attack) -> tuple[Occasion, Occasion]:
    """The attack seen from the target and from the aggressor (for the casus foederis)."""
    attacked = attack.role == "attacked"
    common = {"conflict_id": attack.conflict_id, "event_type": attack.event_type}
    home = attack.home if attack.event_type != "curated" else (True, True)
    to_target = Occasion(
        **common, opponent=attack.aggressor, attacked=attacked, defending=True,
        warnum=attack.warnum, home=home[0], victim=attack.target,
    )  # fmt: skip
    to_aggressor = Occasion(
        **common, opponent=attack.target, attacked=not attacked and attack.event_type == "war",
        defending=False, warnum=attack.warnum, home=home[1], victim=attack.target,
    )  # fmt: skip
    return to_target, to_aggressor


def _obligations(attack: Attack, supporter: int, cov: Covariates, rules: Rules) -> dict:
    """The supporter's commitments to the target and to the aggressor, and their invocation."""
    d, y = attack.date, int(attack.date.year)
    out, sources = {}, []
    for prefix, partner, occasion in zip(
        ("", "aggressor_"), (attack.target, attack.aggressor), _occasions(attack), strict=True
    ):

        def judge(c: Commitment, partner=partner, occasion=occasion):
            return decide(
                c.terms, occasion, alliance=c.alliance, member=supporter, partner=partner,
                rules=rules,
            )[0]  # fmt: skip

        comm = cov.commitment(supporter, partner, d, judge)
        invoked, why = (None, "")
        if comm is not None:
            invoked, why = decide(
                comm.terms, occasion, alliance=comm.alliance, member=supporter,
                partner=partner, rules=rules,
            )  # fmt: skip
            sources.append(comm.source)
            if why:
                sources.append(f"invoked: {why}")
        out[f"{prefix}obligation"] = comm.obligation if comm else "none"
        out[f"{prefix}conditional"] = int(comm.conditional) if comm else 0
        out[f"{prefix}invoked"] = invoked
        out[f"{prefix}alliance"] = comm.alliance if comm else ""
        if not prefix:
            out["alliance_age"] = (y - comm.since.year) if comm else None
    out["_sources"] = sources
    return out


def _row(attack: Attack, supporter: int, cov: Covariates, rules: Rules) -> dict:
    d, y = attack.date, int(attack.date.year)
    t, a, s = attack.target, attack.aggressor, supporter
    obligations = _obligations(attack, s, cov, rules)
    relation, when, ev_source = attack.evidence.get(s, (None, None, ""))
    military = int(relation == "target")
    sources = [attack.source, *obligations.pop("_sources")]
    if ev_source:
        sources.append(ev_source)
    return {
        "case_id": f"{attack.conflict_id}-{y}-{t}-{a}-{s}",
        "conflict_id": attack.conflict_id,
        "conflict": attack.conflict,
        "event_type": attack.event_type,
        "year": y,
        "target": _states_name(t),
        "target_ccode": t,
        "target_role": attack.role,
        "aggressor": _states_name(a),
        "aggressor_ccode": a,
        "supporter": _states_name(s),
        "supporter_ccode": s,
        **obligations,
        "response": "",
        "military": military,
        "sided_with_aggressor": int(relation == "aggressor"),
        "aggressor_response": "",
        "join_lag_days": (when - d).days if military else None,
        **_state_covariates(t, a, s, d, cov),
        "source": "; ".join(dict.fromkeys(x for x in sources if x)),
        "_date": d,
    }


def _state_covariates(t: int, a: int, s: int, d: pd.Timestamp, cov: Covariates) -> dict:
    y = int(d.year)
    return {
        "supporter_major": int(cov.major(s, d)),
        "target_major": int(cov.major(t, d)),
        "aggressor_major": int(cov.major(a, d)),
        "supporter_democracy": cov.democracy(s, y),
        "target_democracy": cov.democracy(t, y),
        "contiguous": int(cov.contiguous(s, t, y) or cov.contiguous(s, a, y)),
        "aggressor_nuclear": int(cov.nuclear(a, d)),
        "supporter_nuclear": int(cov.nuclear(s, d)),
        "supporter_cinc": cov.cinc(s, y),
        "aggressor_cinc": cov.cinc(a, y),
        "target_cinc": cov.cinc(t, y),
    }


def _curated_rows(src: Sources) -> tuple[list[dict], set[tuple[int, int, int]]]:
    """Return the curated rows with covariates filled, and their attack keys.

    The keys are (year, target, aggressor): a curated attack supersedes a MID attack on the
    same states in the same year. Commitments both ways and their invocation are filled by
    the same rules as for COW rows (an ``obligation`` coded in the file is kept, with
    ``invoked`` decided for the commitment the rules find, where it is the same).
    """
    cov = src.covariates
    rows, keys = [], set()
    for r in src.curated.to_dict("records"):
        d = r["start_date"]
        t, a, s = int(r["target_ccode"]), int(r["aggressor_ccode"]), int(r["supporter_ccode"])
        keys.add((int(d.year), t, a))
        attack = Attack(r["conflict_id"], r["conflict"], "curated", d, t, a, "attacked")
        row = {k: r.get(k, "") for k in (c.name for c in COLUMNS) if k in r}
        obligations = _obligations(attack, s, cov, src.rules)
        sources = [r["source"]]
        extra = obligations.pop("_sources")
        if r.get("obligation"):  # coded by hand: keep it, and its invocation only if the same
            same = r.get("alliance", "") == obligations["alliance"]
            for k in ("obligation", "conditional", "alliance", "alliance_age"):
                obligations[k] = r.get(k, "")
            if not same:
                obligations["invoked"] = None
        sources.extend(extra)
        row.update(obligations)
        row["target_role"] = "attacked"
        row.update(_state_covariates(t, a, s, d, cov))
        row["year"] = int(r["year"])
        row["source"] = "; ".join(dict.fromkeys(sources))
        row["_date"] = d
        rows.append(row)
    return rows, keys


def _apply_responses(table: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Set ``response`` from ``data/responses.csv``; refuse codings that contradict COW."""
    if responses.empty:
        return table
    path = responses.attrs.get("path", "responses.csv")
    key = table.conflict_id + "|" + table.target_ccode.astype(str) + "|"
    key = key + table.supporter_ccode.astype(str)
    index = dict(zip(key, table.index, strict=True))
    problems = []
    for r in responses.itertuples(index=False):
        k = f"{r.conflict_id}|{r.target_ccode}|{r.supporter_ccode}"
        i = index.get(k)
        if i is None:
            problems.append(
                f"{path}:{r.line}:supporter_ccode: no built case for {r.conflict_id}, target "
                f"{r.target_ccode}, supporter {r.supporter_ccode} (not a potential responder "
                "by the rule, or a different target)"
            )
            continue
        military = int(table.at[i, "military"])
        if (r.response == "military") != (military == 1):
            problems.append(
                f"{path}:{r.line}:response: {r.response!r} contradicts COW (military={military})"
            )
            continue
        table.at[i, "response"] = r.response
        table.at[i, "source"] = f"{table.at[i, 'source']}; response: {r.source}"
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SourceDataError(problems[0] + more)
    return table


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
    for attack in _progress(attacks, progress, "building cases"):
        rows.extend(_row(attack, s, cov, src.rules) for s in responders(attack, cov))
    rows.extend(curated)
    table = pd.DataFrame(rows)
    table = table.sort_values(
        ["year", "_date", "conflict_id", "target_ccode", "aggressor_ccode", "supporter_ccode"],
        kind="stable",
    ).reset_index(drop=True)
    table = src.dyads.add(table, table["_date"])
    table = table.drop(columns="_date")
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


def _progress(items: list, enabled: bool, label: str) -> Iterable:
    if not enabled:
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)
