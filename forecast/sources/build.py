"""The case builder: original COW, ATOP and BMR files -> the case table (schema v1).

The rules are written out in the codebook (``data/README.md``); in short:

- **Attacks.** Each COW inter-state war: the initiator side's first participants are the
  aggressors and the other side's first participants the targets (one attack per target, with
  the initiator as principal aggressor). States invaded after a war began are new attacks in
  that war (``data/latter_attacks.csv``, e.g. Germany's invasion of Norway on 9 April 1940).
  Each MID 4.3 dispute in which an originator on side A used force (hostility level 4 or 5)
  is an attack on each originator of side B, unless the dispute is part of a COW war (it
  involves two states on opposite sides of the war and was under way when the war began or
  began during it): then it is counted once, as the war.
- **Potential responders** do not depend on the outcome: every state with a written
  commitment to the target in force on the attack date, every major power, and every state
  contiguous to the target or the aggressor, that was in the state system then; the attack's
  own aggressors and targets, and states already at war in it, are not responders.
- **Outcomes.** ``military`` = entered the war (or used force in the dispute) on the target's
  side after the attack; ``sided_with_aggressor`` = the same on the other side. The first side
  a state fought on counts (Italy joined Germany in 1940 before switching in 1943). A state
  that was itself invaded into the war did not choose to join it: its later fighting is not
  counted as a response to earlier attacks (the USSR's war from June 1941 is not help to
  Poland; its invasion of Poland alongside Germany in September 1939 is siding with the
  aggressor, from MID 4.3 dispute 258).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import states as _states
from ..cases import COLUMNS, to_csv_text, validate_cases
from ..errors import CaseTableError, SourceDataError
from . import atop, bmr, cow, embedded
from ._common import find_file
from .covariates import Covariates

__all__ = ["Attack", "build_cases", "read_sources", "write_cases"]

#: Hostility level from which a MID participant "used force" (4 use of force, 5 war).
FORCE = 4
#: Days of slack when matching an invaded state's COW entry date to its attack date.
_SLACK = pd.Timedelta(days=7)


@dataclass
class Attack:
    """One attack on one state: the unit whose potential responders become rows.

    Parameters
    ----------
    conflict_id, conflict, event_type : str
        As in the case table.
    date : pandas.Timestamp
        Day the attack began.
    target, aggressor : int
        COW codes.
    excluded : set of int
        States that are not responders (the attack's own sides, states already at war).
    evidence : dict
        ``supporter -> (relation, date, source)`` where relation is ``"target"`` (fought on
        the target's side) or ``"aggressor"``.
    source : str
        The dataset rows that define the attack.
    """

    conflict_id: str
    conflict: str
    event_type: str
    date: pd.Timestamp
    target: int
    aggressor: int
    excluded: set[int] = field(default_factory=set)
    evidence: dict[int, tuple[str, pd.Timestamp, str]] = field(default_factory=dict)
    source: str = ""

    def add_evidence(self, ccode: int, relation: str, date: pd.Timestamp, source: str) -> None:
        """Record that ``ccode`` fought with ``relation``'s side from ``date`` (earliest wins)."""
        if ccode in (self.target, self.aggressor):
            return
        current = self.evidence.get(ccode)
        if current is None or date < current[1]:
            self.evidence[ccode] = (relation, date, source)


@dataclass
class Sources:
    """The original tables the builder reads (see :func:`read_sources`)."""

    wars: pd.DataFrame
    disputes: pd.DataFrame
    participants: pd.DataFrame
    covariates: Covariates
    later_attacks: pd.DataFrame
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
        Directory of this project's hand-coded tables (``nuclear.csv``,
        ``later_attacks.csv``, ``curated.csv``, ``responses.csv``, ``alliance_changes.csv``).
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
    )
    return Sources(
        wars=tables["wars"],
        disputes=tables["disputes"],
        participants=tables["participants"],
        covariates=cov,
        later_attacks=embedded.read_later_attacks(d / "later_attacks.csv"),
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


# ---------------------------------------------------------------------------------------------
# attacks


def _principal(candidates: pd.DataFrame, cov: Covariates, year: int) -> int:
    """The principal attacker: an initiator first, then the highest CINC, then the lowest code."""
    ranked = sorted(
        candidates.itertuples(index=False),
        key=lambda r: (not r.initiator, -(cov.cinc(r.ccode, year) or 0.0), r.ccode),
    )
    return int(ranked[0].ccode)


def war_attacks(src: Sources) -> tuple[list[Attack], set[int]]:
    """Return the attacks in COW wars, and the MID numbers that are part of a war.

    Parameters
    ----------
    src : Sources
        From :func:`read_sources`.

    Returns
    -------
    attacks : list of Attack
        One per target of each war's first day, and one per later invasion.
    matched : set of int
        MID dispute numbers counted as part of a war (not attacks of their own).
    """
    cov = src.covariates
    attacks: list[Attack] = []
    matched: set[int] = set()
    parts = src.participants
    by_disp = dict(tuple(parts.groupby("dispnum")))
    by_state_disp = parts.groupby("ccode").dispnum.agg(set).to_dict()
    for warnum, war in src.wars.groupby("warnum", sort=True):
        name = str(war.war_name.iloc[0])
        a_sides = set(war.side[war.initiator])
        if len(a_sides) != 1:
            raise SourceDataError(f"COW war {warnum}: cannot tell the initiator side")
        a_side = a_sides.pop()
        war_end = war[["end", "end2"]].max(axis=1).max()
        agg_rows = war[war.side == a_side]
        tgt_rows = war[war.side != a_side]
        first_a = agg_rows[agg_rows.start == agg_rows.start.min()]
        first_t = tgt_rows[tgt_rows.start == tgt_rows.start.min()]
        year = int(first_t.start.min().year)
        principal = _principal(
            agg_rows[agg_rows.initiator] if agg_rows.initiator.any() else first_a, cov, year
        )
        co_aggressors = set(first_a.ccode) | {principal}
        source = f"COW-war v4.0 WarNum {warnum}"
        specs = [(int(t), principal, first_t.start.min(), source) for t in first_t.ccode]
        for r in src.later_attacks[src.later_attacks.warnum == warnum].itertuples(index=False):
            specs.append(
                (int(r.target_ccode), int(r.aggressor_ccode), r.date, f"{source} (later attack)")
            )
        invaded = {t: d for t, _, d, _ in specs}
        side_of = {}
        for r in war.sort_values("start").itertuples(index=False):
            side_of.setdefault(int(r.ccode), r.side)
        for target, aggressor, date, src_text in specs:
            t_rows = war[war.ccode == target]
            t_side = int(t_rows.sort_values("start").side.iloc[0])
            co_targets = {t for t, _, d, _ in specs if d == date}
            already = set(war.ccode[(war.start < date)])
            attack = Attack(
                conflict_id=f"war-{warnum}",
                conflict=name,
                event_type="war",
                date=date,
                target=target,
                aggressor=aggressor,
                excluded=co_aggressors | co_targets | already | {aggressor},
                source=src_text,
            )
            for r in war.sort_values(["start", "side"]).itertuples(index=False):
                c = int(r.ccode)
                if r.start < date or _was_invaded(invaded, c, r.start, date):
                    continue
                relation = "target" if r.side == t_side else "aggressor"
                attack.add_evidence(c, relation, r.start, "")
            # MIDs of this attack: target and aggressor on opposite sides while the war lasts
            shared = by_state_disp.get(target, set()) & by_state_disp.get(aggressor, set())
            for disp in sorted(shared):
                p = by_disp[disp]
                live = p[(p.end >= date) & (p.start <= war_end)]
                t_spell = live[live.ccode == target]
                a_spell = live[live.ccode == aggressor]
                if t_spell.empty or a_spell.empty:
                    continue
                t_side_a = bool(t_spell.sort_values("start").side_a.iloc[0])
                if not (a_spell.side_a != t_side_a).any():
                    continue
                matched.add(disp)
                used_force = live[live.hostlev >= FORCE]
                for r in used_force.itertuples(index=False):
                    c = int(r.ccode)
                    if not _mid_counts(c, r.end, side_of, invaded, date):
                        continue
                    relation = "target" if r.side_a == t_side_a else "aggressor"
                    attack.add_evidence(
                        c, relation, max(r.start, date), f"MID 4.3 dispnum3 {disp}"
                    )
            attacks.append(attack)
    return attacks, matched


def _mid_counts(ccode: int, spell_end, side_of: dict, invaded: dict, attack_date) -> bool:
    """Whether a MID spell is evidence of how ``ccode`` responded to an attack in a war.

    COW's war participation is authoritative for the war's participants, so MID spells count
    only for states that never took part in the war (Bahrain in the Gulf War), and for states
    invaded into it later whose spell ended before that invasion (the USSR in Poland, September
    1939). A spell that runs into a state's own invasion is that invasion, not a response
    (Belgium's spell in dispute 258 runs from August 1939 to May 1940).
    """
    if ccode not in side_of:
        return True
    d = invaded.get(ccode)
    return d is not None and d > attack_date and spell_end < d - _SLACK


def _was_invaded(invaded: dict[int, pd.Timestamp], ccode: int, when, attack_date) -> bool:
    """Return whether ``ccode`` was invaded into the war after the attack, by ``when``.

    Its fighting from its own invasion on is no response to the earlier attack.
    """
    d = invaded.get(ccode)
    return d is not None and d > attack_date and when >= d - _SLACK


def mid_attacks(src: Sources, matched: set[int]) -> list[Attack]:
    """Return the attacks in MID 4.3 disputes that are not part of a COW war.

    Parameters
    ----------
    src : Sources
        From :func:`read_sources`.
    matched : set of int
        Dispute numbers already counted as wars.

    Returns
    -------
    list of Attack
        One per originator on side B of each dispute in which an originator on side A used
        force (hostility level 4 or 5).
    """
    cov = src.covariates
    attacks: list[Attack] = []
    starts = src.disputes.set_index("dispnum").start
    for disp, p in src.participants.groupby("dispnum", sort=True):
        if disp in matched:
            continue
        orig = p[p.originator]
        side_a = orig[orig.side_a & (orig.hostlev >= FORCE)]
        side_b = orig[~orig.side_a]
        if side_a.empty or side_b.empty:
            continue
        date = starts.get(disp, p.start.min())
        year = int(date.year)
        ranked = sorted(
            side_a.itertuples(index=False),
            key=lambda r: (-int(r.hostlev), -(cov.cinc(r.ccode, year) or 0.0), r.ccode),
        )
        aggressor = int(ranked[0].ccode)
        originators = set(orig.ccode)
        for target in sorted(set(side_b.ccode)):
            attack = Attack(
                conflict_id=f"mid-{disp}",
                conflict=f"MID {disp}: {_states_name(aggressor)} vs {_states_name(target)}",
                event_type="mid",
                date=date,
                target=int(target),
                aggressor=aggressor,
                excluded=originators,
                source=f"MID 4.3 dispnum3 {disp}",
            )
            joiners = p[~p.originator & (p.hostlev >= FORCE)].sort_values("start")
            for r in joiners.itertuples(index=False):
                relation = "aggressor" if r.side_a else "target"
                attack.add_evidence(int(r.ccode), relation, max(r.start, date), "")
            attacks.append(attack)
    return attacks


def _states_name(code: int) -> str:
    try:
        return _states.name(code)
    except Exception:
        return str(code)


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
        Sorted COW codes: states with a written commitment to the target in force, major
        powers, and states contiguous to the target or the aggressor, that were in the state
        system on the attack date, less the attack's own sides and states already at war.
    """
    d, y = attack.date, attack.date.year
    pool = cov.allies(attack.target, d) | set(cov.majors(d))
    pool |= cov.neighbours(attack.target, y) | cov.neighbours(attack.aggressor, y)
    pool -= attack.excluded | {attack.target, attack.aggressor}
    return sorted(c for c in pool if cov.in_system(c, d))


# ---------------------------------------------------------------------------------------------
# rows


def _row(attack: Attack, supporter: int, cov: Covariates) -> dict:
    d, y = attack.date, int(attack.date.year)
    t, a, s = attack.target, attack.aggressor, supporter
    comm = cov.commitment(s, t, d)
    relation, when, ev_source = attack.evidence.get(s, (None, None, ""))
    military = int(relation == "target")
    sources = [attack.source]
    if comm is not None:
        sources.append(comm.source)
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
        "aggressor": _states_name(a),
        "aggressor_ccode": a,
        "supporter": _states_name(s),
        "supporter_ccode": s,
        "obligation": comm.obligation if comm else "none",
        "conditional": int(comm.conditional) if comm else 0,
        "alliance": comm.alliance if comm else "",
        "alliance_age": (y - comm.since.year) if comm else None,
        "response": "",
        "military": military,
        "sided_with_aggressor": int(relation == "aggressor"),
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
    same states in the same year.
    """
    cov = src.covariates
    rows, keys = [], set()
    for r in src.curated.to_dict("records"):
        d = r["start_date"]
        t, a, s = int(r["target_ccode"]), int(r["aggressor_ccode"]), int(r["supporter_ccode"])
        keys.add((int(d.year), t, a))
        comm = cov.commitment(s, t, d)
        row = {k: r.get(k, "") for k in (c.name for c in COLUMNS) if k in r}
        if not r.get("obligation"):
            row["obligation"] = comm.obligation if comm else "none"
            row["conditional"] = int(comm.conditional) if comm else 0
            row["alliance"] = comm.alliance if comm else ""
            row["alliance_age"] = (d.year - comm.since.year) if comm else None
        row.update(_state_covariates(t, a, s, d, cov))
        row["year"] = int(r["year"])
        sources = [r["source"]]
        if comm is not None and not r.get("obligation"):
            sources.append(comm.source)
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
        rows.extend(_row(attack, s, cov) for s in responders(attack, cov))
    rows.extend(curated)
    table = pd.DataFrame(rows)
    table = table.sort_values(
        ["year", "_date", "conflict_id", "target_ccode", "aggressor_ccode", "supporter_ccode"],
        kind="stable",
    ).reset_index(drop=True)
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
