"""State and dyad covariates at a date, from the original files: one lookup object.

:class:`Covariates` answers, for any date, whether a state was in the COW state system, a major
power, a democracy (BMR), nuclear-armed, its CINC score, whether two states were contiguous, and
which written commitments (ATOP, plus the hand-coded changes after 2018) bound one state to
another. Past the end of a source's coverage the last year it codes is carried forward; the
codebook lists each source's last year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from ..cases import OBLIGATIONS
from .atop import CONDITION_COLUMNS, CONDITION_FIELDS, OBLIGATION_COLUMNS
from .invocation import Terms, format_terms, terms_of

#: The last day each source codes; later dates use this day's (or year's) values.
STATES_END = pd.Timestamp("2016-12-31")
BMR_LAST_YEAR = 2020
CONTIGUITY_LAST_YEAR = 2016
NMC5_LAST_YEAR = 2012
ATOP_END = pd.Timestamp("2018-12-31")

_RANK = {name: i for i, name in enumerate(OBLIGATIONS)}


@dataclass(frozen=True)
class Commitment:
    """The strongest written commitment of one state to another at a date.

    Parameters
    ----------
    obligation : str
        One of :data:`forecast.cases.OBLIGATIONS`.
    conditional : bool
        The obligation carries ATOP conditions (specific adversary, location, ...).
    alliance : str
        ``"ATOP <atopid>"`` or the slug of a hand-coded treaty.
    since : pandas.Timestamp
        When the supporter entered that alliance.
    source : str
        Where the commitment is coded.
    terms : tuple of Terms
        Its conditions, for deciding whether an attack invokes it
        (:func:`forecast.sources.invocation.decide`); two where a pact is both defensive and
        offensive.
    """

    obligation: str
    conditional: bool
    alliance: str
    since: pd.Timestamp
    source: str
    terms: tuple[Terms, ...] = (Terms("none"),)


class Covariates:
    """Date-indexed lookups over the original tables.

    Parameters
    ----------
    states, majors : pandas.DataFrame
        From :func:`~forecast.sources.cow.read_cow_states` and ``read_cow_majors``.
    democracy : pandas.DataFrame
        From :func:`~forecast.sources.bmr.read_bmr_democracy`.
    nmc, nmc_recent : pandas.DataFrame
        NMC v5.0 (to 2012) and, optionally, v7.0 (used for 2013 onward).
    contiguity : pandas.DataFrame
        From :func:`~forecast.sources.cow.read_cow_contiguity`.
    members : pandas.DataFrame
        From :func:`~forecast.sources.atop.read_atop_members`.
    nuclear : pandas.DataFrame
        From :func:`~forecast.sources.embedded.read_nuclear`.
    alliance_changes : pandas.DataFrame
        From :func:`~forecast.sources.embedded.read_alliance_changes`.
    alliances : pandas.DataFrame, optional
        From :func:`~forecast.sources.atop.read_atop_alliances` (the named threats).
    """

    def __init__(
        self,
        states: pd.DataFrame,
        majors: pd.DataFrame,
        democracy: pd.DataFrame,
        nmc: pd.DataFrame,
        nmc_recent: pd.DataFrame | None,
        contiguity: pd.DataFrame,
        members: pd.DataFrame,
        nuclear: pd.DataFrame,
        alliance_changes: pd.DataFrame,
        alliances: pd.DataFrame | None = None,
    ):
        self._states = _spells(states, "start", "end")
        self._majors = _spells(majors, "start", "end")
        self._nuclear = _spells(nuclear.rename(columns={"since": "start", "until": "end"}))
        dem = democracy.dropna(subset=["democracy"])
        self._dem = dict(zip(zip(dem.ccode, dem.year, strict=True), dem.democracy, strict=True))
        cinc = nmc.dropna(subset=["cinc"])
        self._cinc = dict(zip(zip(cinc.ccode, cinc.year, strict=True), cinc.cinc, strict=True))
        self._cinc_last = NMC5_LAST_YEAR
        if nmc_recent is not None and len(nmc_recent):
            recent = nmc_recent[nmc_recent.year > NMC5_LAST_YEAR].dropna(subset=["cinc"])
            keys = zip(recent.ccode, recent.year, strict=True)
            self._cinc.update(dict(zip(keys, recent.cinc, strict=True)))
            self._cinc_last = int(recent.year.max()) if len(recent) else NMC5_LAST_YEAR
        self._contig: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for a, b, y in zip(contiguity.ccode1, contiguity.ccode2, contiguity.year, strict=True):
            self._contig[int(y)].add((int(a), int(b)))
        self._neighbours: dict[tuple[int, int], set[int]] = {}
        self._members = _member_table(members, alliance_changes, _threats(alliances))
        # plain tuples per member: (alliance, entry, exit, rank, conditional, since, order, src)
        self._by_member: dict[int, list[tuple]] = defaultdict(list)
        self._by_alliance: dict[str, list[tuple]] = defaultdict(list)
        for r in self._members.itertuples(index=False):
            exit_ = r.exit if pd.notna(r.exit) else pd.Timestamp.max
            spell = (r.alliance, r.entry, exit_, _RANK[r.obligation], bool(r.conditional))
            spell += (r.since, r.alliance_order, r.source, int(r.member), r.terms)
            self._by_member[int(r.member)].append(spell)
            self._by_alliance[r.alliance].append(spell)
        # (ccode, date) -> the alliances it belonged to that day (each attack asks for its
        # target's many times, once per responder)
        self._member_of: dict[tuple[int, pd.Timestamp], frozenset] = {}

    def _alliances_of(self, ccode: int, date: pd.Timestamp) -> frozenset:
        """Return the ids of the alliances ``ccode`` was a member of on ``date``."""
        key = (ccode, date)
        found = self._member_of.get(key)
        if found is None:
            found = frozenset(sp[0] for sp in self._by_member.get(ccode, ()) if _on(sp, date))
            self._member_of[key] = found
        return found

    # -- states ---------------------------------------------------------------------------
    def in_system(self, ccode: int, date: pd.Timestamp) -> bool:
        """Return whether ``ccode`` was a member of the COW state system on ``date``."""
        return _active(self._states, ccode, min(date, STATES_END))

    def system_members(self, date: pd.Timestamp) -> list[int]:
        """Return the COW codes of every state in the system on ``date``, sorted."""
        d = min(date, STATES_END)
        return sorted(c for c, spells in self._states.items() if _in_spells(spells, d))

    def major(self, ccode: int, date: pd.Timestamp) -> bool:
        """Return whether ``ccode`` was a COW major power on ``date``."""
        return _active(self._majors, ccode, min(date, STATES_END))

    def majors(self, date: pd.Timestamp) -> list[int]:
        """Return the COW major powers on ``date``, sorted."""
        d = min(date, STATES_END)
        return sorted(c for c, spells in self._majors.items() if _in_spells(spells, d))

    def democracy(self, ccode: int, year: int) -> int | None:
        """Return BMR democracy (0/1) of ``ccode`` in ``year``, None where BMR has no value."""
        value = self._dem.get((ccode, min(year, BMR_LAST_YEAR)))
        return None if value is None or pd.isna(value) else int(value)

    def nuclear(self, ccode: int, date: pd.Timestamp) -> bool:
        """Return whether ``ccode`` was nuclear-armed on ``date`` (``data/nuclear.csv``)."""
        return _active(self._nuclear, ccode, date)

    def cinc(self, ccode: int, year: int) -> float | None:
        """Return the COW CINC score of ``ccode`` in ``year`` (None where NMC has none)."""
        return self._cinc.get((ccode, min(year, self._cinc_last)))

    # -- dyads ----------------------------------------------------------------------------
    def neighbours(self, ccode: int, year: int) -> set[int]:
        """Return the states contiguous to ``ccode`` (land or up to 400 miles of water)."""
        y = min(year, CONTIGUITY_LAST_YEAR)
        key = (ccode, y)
        if key not in self._neighbours:
            self._neighbours[key] = {b for a, b in self._contig.get(y, ()) if a == ccode}
        return self._neighbours[key]

    def contiguous(self, a: int, b: int, year: int) -> bool:
        """Return whether ``a`` and ``b`` were contiguous in ``year``."""
        return (a, b) in self._contig.get(min(year, CONTIGUITY_LAST_YEAR), ())

    def allies(self, target: int, date: pd.Timestamp) -> set[int]:
        """Return every state with a written commitment in force with ``target`` on ``date``."""
        out: set[int] = set()
        for alliance in self._alliances_of(target, date):
            out.update(sp[8] for sp in self._by_alliance[alliance] if _on(sp, date))
        out.discard(target)
        return out

    def alliance_size(self, alliance: str, date: pd.Timestamp) -> int:
        """Return how many states were members of ``alliance`` on ``date`` (2: bilateral).

        Members are counted as the commitments are: ATOP 5.1's member spells with an
        obligation, with ``data/alliance_changes.csv`` applied.
        """
        return len({sp[8] for sp in self._by_alliance.get(alliance, ()) if _on(sp, date)})

    def commitment(
        self, supporter: int, target: int, date: pd.Timestamp, judge=None
    ) -> Commitment | None:
        """Return the strongest commitment of ``supporter`` to ``target`` in force on ``date``.

        Among alliances of both states in force on ``date``, the supporter's strongest
        obligation wins (defense > offense > neutrality > nonaggression > consultation); ties
        go to one the attack invokes (where ``judge`` is given), then an unconditional one,
        then the oldest membership, then the lowest alliance id.

        Parameters
        ----------
        supporter, target : int
            COW codes.
        date : pandas.Timestamp
            The day.
        judge : callable, optional
            ``judge(commitment) -> 1, 0 or None``: whether the attack invokes it.

        Returns
        -------
        Commitment or None
            None where no commitment is in force.
        """
        shared = self._alliances_of(target, date)
        mine = [
            sp for sp in self._by_member.get(supporter, ()) if sp[0] in shared and _on(sp, date)
        ]
        if not mine:
            return None
        found = [
            (sp, Commitment(OBLIGATIONS[sp[3]], sp[4], sp[0], sp[5], sp[7], sp[9])) for sp in mine
        ]
        order = {1: 0, None: 1, 0: 2}

        def key(item):
            sp, c = item
            invoked = order[judge(c)] if judge is not None else 0
            return (-sp[3], invoked, sp[4], sp[5], sp[6])

        return min(found, key=key)[1]

    def commitments_in_force(self, date: pd.Timestamp) -> pd.DataFrame:
        """Return every directed commitment in force on ``date`` (the strongest per pair).

        Parameters
        ----------
        date : pandas.Timestamp
            The day.

        Returns
        -------
        pandas.DataFrame
            ``supporter_ccode, target_ccode, obligation, conditional, alliance,
            alliance_members, since, source, terms``, one row per ordered pair of states with
            a commitment (``alliance_members``: the alliance's members that day;
            ``terms`` as written by :func:`~forecast.sources.invocation.format_terms`).
        """
        rows = []
        for alliance, spells in sorted(self._by_alliance.items()):
            members = sorted({sp[8] for sp in spells if _on(sp, date)})
            for s in members:
                for t in members:
                    if s != t:
                        c = self.commitment(s, t, date)
                        if c is not None and c.alliance == alliance:
                            rows.append(
                                (
                                    s,
                                    t,
                                    c.obligation,
                                    int(c.conditional),
                                    c.alliance,
                                    len(members),
                                    c.since.date().isoformat(),
                                    c.source,
                                    format_terms(c.terms),
                                )
                            )
        cols = ["supporter_ccode", "target_ccode", "obligation", "conditional", "alliance"]
        cols += ["alliance_members", "since", "source", "terms"]
        table = pd.DataFrame(rows, columns=cols)
        return table.sort_values(["supporter_ccode", "target_ccode"]).reset_index(drop=True)


def _on(spell: tuple, date: pd.Timestamp) -> bool:
    return spell[1] <= date <= spell[2]


def _spells(table: pd.DataFrame, start: str = "start", end: str = "end") -> dict:
    out: dict[int, list[tuple[pd.Timestamp, pd.Timestamp]]] = defaultdict(list)
    for c, s, e in zip(table.ccode, table[start], table[end], strict=True):
        out[int(c)].append((s, e if pd.notna(e) else pd.Timestamp.max))
    return dict(out)


def _in_spells(spells, date) -> bool:
    return any(s <= date <= e for s, e in spells)


def _active(spells: dict, ccode: int, date: pd.Timestamp) -> bool:
    return _in_spells(spells.get(int(ccode), ()), date)


def _threats(alliances: pd.DataFrame | None) -> dict[int, tuple[int, ...]]:
    """ATOP id -> the states its treaty names as the threat (``statthr1``, ``statthr2``).

    ATOP fills them whenever the treaty names a state, whatever ``specthrt`` says the threat
    is (a state, a state in a region, or the belligerent of an ongoing conflict: the 1941
    Anglo-Soviet agreement, ATOP 2535, names Germany).
    """
    if alliances is None:
        return {}
    out = {}
    for r in alliances.itertuples(index=False):
        named = tuple(int(x) for x in (r.statthr1, r.statthr2) if pd.notna(x) and int(x) > 0)
        if named:
            out[int(r.atopid)] = named
    return out


def _member_table(
    members: pd.DataFrame, changes: pd.DataFrame, threats: dict[int, tuple[int, ...]]
) -> pd.DataFrame:
    """One row per (alliance, member, phase) with the member's strongest obligation."""
    rows = []
    for r in members.itertuples(index=False):
        obligation, conditional, terms = "none", False, (Terms("none"),)
        for col, name in OBLIGATION_COLUMNS.items():
            if getattr(r, col):
                obligation = name
                cond_col = CONDITION_COLUMNS.get(col)
                conditional = bool(getattr(r, cond_col)) if cond_col else False
                # a defense pact that is also offensive applies to its partner's wars of either
                # kind (the Pact of Steel, ATOP 2445): keep the terms of both
                kinds = [k for k in ("defense", "offense") if getattr(r, k)] or [col]
                if col not in kinds:
                    kinds = [col]
                terms = tuple(
                    terms_of(
                        k,
                        {f: bool(getattr(r, f, False)) for f in CONDITION_FIELDS.get(k, ())},
                        threats.get(int(r.atopid), ()),
                        int(r.cowwar),
                    )
                    for k in kinds
                )
                break
        rows.append(
            {
                "alliance": f"ATOP {r.atopid}",
                "alliance_order": r.atopid,
                "member": r.member,
                "entry": r.entry,
                "exit": r.exit,
                "obligation": obligation,
                "conditional": conditional,
                "source": f"ATOP 5.1 atopid {r.atopid}",
                "terms": terms,
            }
        )
    table = pd.DataFrame(rows)
    # first entry of each member into each alliance (alliance age counts from it)
    table["since"] = table.groupby(["alliance", "member"]).entry.transform("min")
    table = table[table.obligation != "none"]
    for r in changes.sort_values("date", kind="stable").itertuples(index=False):
        alliance = r.alliance
        mask = (table.alliance == alliance) & (table.member == r.member_ccode) & table.exit.isna()
        if r.change == "leave":
            table.loc[mask, "exit"] = r.date
            continue
        if mask.any():
            continue  # already a member in force
        obligation = r.obligation if r.obligation in _RANK else "defense"
        order = int(alliance.split()[1]) if alliance.startswith("ATOP ") else 10**6
        conditional = str(r.conditional).strip() == "1"
        same = table[(table.alliance == alliance) & (table.obligation == obligation)]
        if len(same):  # joining an ATOP alliance: its members' terms (latest phase)
            terms = same.sort_values("entry", kind="stable").terms.iloc[-1]
        else:
            kind = {v: k for k, v in OBLIGATION_COLUMNS.items()}[obligation]
            terms = (Terms(kind, frozenset({"unknown"}) if conditional else frozenset()),)
        new = {
            "alliance": alliance,
            "alliance_order": order,
            "member": int(r.member_ccode),
            "entry": r.date,
            "exit": pd.NaT,
            "obligation": obligation,
            "conditional": conditional,
            "source": r.source,
            "since": r.date,
            "terms": terms,
        }
        table = pd.concat([table, pd.DataFrame([new])], ignore_index=True)
    return table.reset_index(drop=True)
