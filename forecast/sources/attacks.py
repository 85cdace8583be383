"""Attacks: the moments a state is in need, from the COW war, dyadic war and MID files.

- **Allies in need inside wars.** Every state that enters a COW war on the side fighting the
  initiator, on whatever day, is an ally in need at its COW entry date: the row's ``target``.
  Its ``aggressor`` is the principal state it fights: for the war's first-day targets the
  initiator (ties: the larger CINC, then the lower code); for later entrants the opponent of
  its first dyadic war against a state of the initiator's side in the Directed Dyadic
  Interstate War data (Maoz et al. 2019; ties: a state it attacked, then the larger CINC, then
  the lower code), or, where it fought no dyadic war, the strongest state of the initiator's
  side already at war.
- **Role.** First-day targets were attacked. A later entrant was attacked when its first
  dyadic war began within 7 days of its entry and the opponents opened every battle of that
  first day (Germany invaded Norway on 9 April 1940); otherwise it entered by its own act
  (Britain declared war on 3 September 1939 and first fought Germany in Norway in April 1940).
  Battles, not declarations, start a dyadic war, so a war declared on a state before the first
  battle that the state then opened is misread as "entered": Germany declared war on Russia
  (1 August 1914) and France (3 August 1914), but Russia and France opened the first battles.
  ``data/war_entries.csv`` corrects those few, each with its source.
- **MIDs.** Each MID 4.3 dispute in which an originator on side A used force (hostility level 4
  or 5) is an attack on each originator of side B, unless the dispute is part of a COW war.

Helpers of the initiating side are not allies in need: their decisions are the aggressor side
of the same rows (``sided_with_aggressor``), so no decision is counted from both ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .. import states as _states
from ..errors import SourceDataError
from .invocation import WHERE_FOUGHT, region

__all__ = ["FORCE", "Attack", "mid_attacks", "war_attacks"]

#: Hostility level from which a MID participant "used force" (4 use of force, 5 war).
FORCE = 4
#: Days of slack when matching an entry date to the first battle of a dyadic war.
_SLACK = pd.Timedelta(days=7)


@dataclass
class Attack:
    """One attack on one state (or its entry into a war): the unit whose responders are rows.

    Parameters
    ----------
    conflict_id, conflict, event_type : str
        As in the case table.
    date : pandas.Timestamp
        Day the attack began (for an entrant: its COW entry date).
    target, aggressor : int
        COW codes.
    role : str
        ``attacked`` or ``entered`` (the target's role).
    warnum : int or None
        COW war number.
    home : tuple of (bool or None)
        Whether the target and the aggressor fought in their own regions (COW's
        ``WhereFought``), for location conditions; None where unknown (MIDs).
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
    role: str = "attacked"
    warnum: int | None = None
    home: tuple[bool | None, bool | None] = (None, None)
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


def _states_name(code: int) -> str:
    try:
        return _states.name(code)
    except Exception:
        return str(code)


def _principal(candidates: pd.DataFrame, cinc, year: int) -> int:
    """The principal attacker: an initiator first, then the highest CINC, then the lowest code."""
    ranked = sorted(
        candidates.itertuples(index=False),
        key=lambda r: (not r.initiator, -(cinc(r.ccode, year) or 0.0), r.ccode),
    )
    return int(ranked[0].ccode)


def _entries(war, warnum, a_side, principal, dyadic, overrides, cinc) -> list[tuple]:
    """Return ``(target, aggressor, date, role, source)`` for every target-side entry."""
    source = f"COW-war v4.0 WarNum {warnum}"
    tside = war[war.side != a_side].sort_values(["start", "ccode"], kind="stable")
    first_day = tside.start.min()
    # the sides come from COW's participant rows (the dyadic file's war roles are not always
    # consistent: it codes Germany as a joiner on the target's side against Norway in 1940)
    initiator_side = set(war.ccode[war.side == a_side])
    mine = dyadic[(dyadic.warnum == warnum) & dyadic.stateb.isin(initiator_side)]
    out = []
    for r in tside.itertuples(index=False):
        c, date, year = int(r.ccode), r.start, int(r.start.year)
        if date == first_day:
            spec = [c, principal, date, "attacked", source]
        else:
            fights = mine[(mine.statea == c) & (mine.start >= date - _SLACK)]
            if len(fights):
                first = fights[fights.start == fights.start.min()]
                # if it opened any battle of its first day it entered by attacking, and the
                # principal opponent is the state it attacked (Romania attacked Austria-Hungary
                # on 27 August 1916; the same day's battle with Germany was opened by Germany)
                opened = first[first.opened_a]
                pool = opened if len(opened) else first
                ranked = sorted(
                    pool.itertuples(index=False),
                    key=lambda d: (-(cinc(d.stateb, year) or 0.0), d.stateb),
                )
                d = ranked[0]
                attacked = (not len(opened)) and abs(d.start - date) <= _SLACK
                spec = [
                    c,
                    int(d.stateb),
                    date,
                    "attacked" if attacked else "entered",
                    f"{source}; COW dyadic war {c}-{int(d.stateb)} from {d.start.date()}",
                ]
            else:
                at_war = war[(war.side == a_side) & (war.start <= date)]
                opp = max(at_war.itertuples(index=False), key=lambda x: cinc(x.ccode, year) or 0)
                spec = [c, int(opp.ccode), date, "entered", f"{source} (no dyadic war)"]
        fix = overrides[overrides.ccode == c]
        if len(fix):
            f = fix.iloc[0]
            if pd.notna(f.aggressor_ccode):
                spec[1] = int(f.aggressor_ccode)
            if f.role:
                spec[3] = f.role
            spec[4] = f"{spec[4]}; entry corrected: {f.source}"
        out.append(tuple(spec))
    return out


def war_attacks(src) -> tuple[list[Attack], set[int]]:
    """Return the attacks in COW wars, and the MID numbers that are part of a war.

    Parameters
    ----------
    src : forecast.sources.build.Sources
        From :func:`~forecast.sources.build.read_sources`.

    Returns
    -------
    attacks : list of Attack
        One per state entering each war on the side fighting its initiator.
    matched : set of int
        MID dispute numbers counted as part of a war (not attacks of their own).
    """
    cinc = src.covariates.cinc
    attacks: list[Attack] = []
    matched: set[int] = set()
    # plain records, grouped once: pandas filtering per attack dominated the build's time
    by_disp = _records_by(src.participants, "dispnum")
    by_state_disp = src.participants.groupby("ccode").dispnum.agg(set).to_dict()
    for warnum, war in src.wars.groupby("warnum", sort=True):
        name = str(war.war_name.iloc[0])
        a_sides = set(war.side[war.initiator])
        if len(a_sides) != 1:
            raise SourceDataError(f"COW war {warnum}: cannot tell the initiator side")
        a_side = a_sides.pop()
        war_end = war[["end", "end2"]].max(axis=1).max()
        agg_rows = war[war.side == a_side]
        first_a = agg_rows[agg_rows.start == agg_rows.start.min()]
        first_t = war[war.side != a_side].start.min()
        principal = _principal(
            agg_rows[agg_rows.initiator] if agg_rows.initiator.any() else first_a,
            cinc,
            int(first_t.year),
        )
        co_aggressors = set(first_a.ccode) | {principal}
        overrides = src.war_entries[src.war_entries.warnum == warnum]
        specs = _entries(war, warnum, a_side, principal, src.dyadic_wars, overrides, cinc)
        invaded = {t: d for t, _, d, role, _ in specs if role == "attacked" and d > first_t}
        records = list(war.itertuples(index=False))
        by_start = sorted(records, key=lambda r: r.start)
        by_start_side = sorted(records, key=lambda r: (r.start, r.side))
        side_of = {}
        for r in by_start:
            side_of.setdefault(int(r.ccode), r.side)
        for target, aggressor, date, role, src_text in specs:
            t_rows = [r for r in records if r.ccode == target and r.side != a_side]
            a_rows = [r for r in records if r.ccode == aggressor and r.side == a_side]
            t_side = int(t_rows[0].side)
            co_targets = {t for t, _, d, _, _ in specs if d == date}
            already = {int(r.ccode) for r in records if r.start < date}
            attack = Attack(
                conflict_id=f"war-{warnum}",
                conflict=name,
                event_type="war",
                date=date,
                target=target,
                aggressor=aggressor,
                role=role,
                warnum=int(warnum),
                home=(_home(t_rows, target), _home(a_rows, aggressor)),
                excluded=co_aggressors | co_targets | already | {aggressor},
                source=src_text,
            )
            for r in by_start_side:
                c = int(r.ccode)
                if r.start < date or _was_invaded(invaded, c, r.start, date):
                    continue
                relation = "target" if r.side == t_side else "aggressor"
                attack.add_evidence(c, relation, r.start, "")
            # MIDs of this attack: target and aggressor on opposite sides while the war lasts
            shared = by_state_disp.get(target, set()) & by_state_disp.get(aggressor, set())
            for disp in sorted(shared):
                live = [r for r in by_disp[disp] if r.end >= date and r.start <= war_end]
                t_spell = [r for r in live if r.ccode == target]
                a_spell = [r for r in live if r.ccode == aggressor]
                if not t_spell or not a_spell:
                    continue
                t_side_a = bool(min(t_spell, key=lambda r: r.start).side_a)
                if not any(r.side_a != t_side_a for r in a_spell):
                    continue
                matched.add(disp)
                for r in live:
                    if r.hostlev < FORCE:
                        continue
                    c = int(r.ccode)
                    if not _mid_counts(c, r.end, side_of, invaded, date):
                        continue
                    relation = "target" if r.side_a == t_side_a else "aggressor"
                    attack.add_evidence(
                        c, relation, max(r.start, date), f"MID 4.3 dispnum3 {disp}"
                    )
            attacks.append(attack)
    return attacks, matched


def _records_by(table: pd.DataFrame, key: str) -> dict:
    """Return ``value -> list of row records`` (named tuples, in table order) for ``key``."""
    out: dict = {}
    for r in table.itertuples(index=False):
        out.setdefault(getattr(r, key), []).append(r)
    return out


def _home(rows: list, ccode: int) -> bool | None:
    """Whether a state's combat in a war (COW ``WhereFought``) included its own region."""
    codes = [int(r.where_fought) for r in rows if pd.notna(r.where_fought)]
    if not codes or codes[0] not in WHERE_FOUGHT:
        return None
    return region(ccode) in WHERE_FOUGHT[codes[0]]


def _mid_counts(ccode: int, spell_end, side_of: dict, invaded: dict, attack_date) -> bool:
    """Whether a MID spell is evidence of how ``ccode`` responded to an attack in a war.

    COW's war participation is authoritative for the war's participants, so MID spells count
    only for states that never took part in the war (Bahrain in the Gulf War), and for states
    attacked into it later whose spell ended before that attack (the USSR in Poland, September
    1939). A spell that runs into a state's own invasion is that invasion, not a response
    (Belgium's spell in dispute 258 runs from August 1939 to May 1940).
    """
    if ccode not in side_of:
        return True
    d = invaded.get(ccode)
    return d is not None and d > attack_date + _SLACK and spell_end < d - _SLACK


def _was_invaded(invaded: dict[int, pd.Timestamp], ccode: int, when, attack_date) -> bool:
    """Return whether ``ccode`` was attacked into the war after the attack, by ``when``.

    Its fighting from its own attack on is no response to the earlier attack, unless it was
    attacked within 7 days of it, in the same crisis: Germany declared war on France on
    3 August 1914, two days after Russia, and France's war counts as help to Russia.
    """
    d = invaded.get(ccode)
    return d is not None and d > attack_date + _SLACK and when >= d - _SLACK


def mid_attacks(src, matched: set[int]) -> list[Attack]:
    """Return the attacks in MID 4.3 disputes that are not part of a COW war.

    Parameters
    ----------
    src : forecast.sources.build.Sources
        From :func:`~forecast.sources.build.read_sources`.
    matched : set of int
        Dispute numbers already counted as wars.

    Returns
    -------
    list of Attack
        One per originator on side B of each dispute in which an originator on side A used
        force (hostility level 4 or 5).
    """
    cinc = src.covariates.cinc
    attacks: list[Attack] = []
    starts = src.disputes.set_index("dispnum").start.to_dict()
    for disp, p in sorted(_records_by(src.participants, "dispnum").items()):
        if disp in matched:
            continue
        orig = [r for r in p if r.originator]
        side_a = [r for r in orig if r.side_a and r.hostlev >= FORCE]
        side_b = [r for r in orig if not r.side_a]
        if not side_a or not side_b:
            continue
        date = starts[disp] if disp in starts else min(r.start for r in p)
        year = int(date.year)
        ranked = sorted(
            side_a,
            key=lambda r: (-int(r.hostlev), -(cinc(r.ccode, year) or 0.0), r.ccode),
        )
        aggressor = int(ranked[0].ccode)
        originators = {r.ccode for r in orig}
        joiners = sorted(
            (r for r in p if not r.originator and r.hostlev >= FORCE), key=lambda r: r.start
        )
        for target in sorted({r.ccode for r in side_b}):
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
            for r in joiners:
                relation = "aggressor" if r.side_a else "target"
                attack.add_evidence(int(r.ccode), relation, max(r.start, date), "")
            attacks.append(attack)
    return attacks
