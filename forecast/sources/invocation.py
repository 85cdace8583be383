"""The casus foederis: whether a written commitment applies to one attack.

A commitment in force is *invoked* by an attack when the attack is the occasion its treaty
names. The rules (one per ATOP condition field; codebook, "Invocation") decide from ATOP 5.1's
member-level condition fields and the alliance's named threats, with the hand-coded rules of
``data/invocation.csv`` (each row citing the article that decides) taking precedence:

- **Type.** A defense obligation applies when the partner is attacked; an ally in need that
  entered a war already under way on the side fighting its initiator is defending too, unless
  the pact requires that the partner not provoke (``defconpr``). Offense and consultation
  obligations apply to any war of the partner, neutrality to any war unless it is conditional
  on the partner being attacked (``neucoatt``) or not provoking (``neuconpr``), and a
  nonaggression promise always applies (it forbids joining an attack on the partner).
- **Adversary** (``*coadv``): only against the states the treaty names (``statthr1``,
  ``statthr2`` where ``specthrt`` names states, or ``data/invocation.csv``, whose adversary
  rows also apply where the treaty text limits a pact ATOP leaves unconditional: the 1921
  Polish-Romanian convention and its renewals covered attacks on the eastern frontiers only).
  The 1939 Anglo-Polish agreement (ATOP 2440) named Germany: the Soviet attack of 17 September
  1939 did not invoke it.
- **Ongoing conflict** (``*cocon``): only in the COW war the member row names (``cowwar``).
- **Location** (``*coloc``): the location a treaty names is taken to be the partner's own
  region (home territory, "Europe or North America", "the Pacific area"; the treaty articles
  are cited in ``data/invocation.csv``): met in a COW war when the partner fought in its own
  region (COW's ``WhereFought``), not met when it fought only elsewhere (Britain in the
  Falklands, 1982, outside NATO's Art. 6 area; the United States in Vietnam), assumed met in a
  curated case (an attack on the partner's territory), and unknown in a MID: empty. An
  offensive obligation's location is where the offensive is aimed, not the partner's home
  (the 1856 guarantee of the Ottoman Empire, ATOP 1195): empty unless hand-coded.
- **Guarantees of a third state** (``data/invocation.csv`` rule ``protects``): a pact whose
  casus foederis is an attack on a named third state applies only to an attack on it (the
  1856 Anglo-French-Austrian guarantee of the Ottoman Empire, ATOP 1195).
- **Number of adversaries, demands, request** (``*conum``, ``*codem``, ``concoreq``): not
  decidable from ATOP; empty unless a ``conditions`` row of ``data/invocation.csv`` decides
  them for the conflict (the other conditions still apply: Italy's 1866 alliance with
  Prussia, ATOP 1265, names Austria, so it is not invoked by Prussia's attack on Hanover).

Any failed condition gives 0; otherwise any undecidable one gives empty (None); otherwise 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: COW's ``WhereFought`` codes -> the regions they cover (Inter-State War codebook v4.0).
WHERE_FOUGHT = {
    1: {"americas"}, 2: {"europe"}, 4: {"africa"}, 6: {"middle east"}, 7: {"asia"},
    9: {"oceania"}, 11: {"europe", "middle east"}, 12: {"europe", "asia"},
    13: {"americas", "asia"}, 14: {"europe", "africa", "middle east"},
    15: {"europe", "africa", "middle east", "asia"},
    16: {"africa", "middle east", "asia", "oceania"}, 17: {"asia", "oceania"},
    18: {"africa", "middle east"}, 19: {"europe", "africa", "middle east", "asia", "oceania"},
}  # fmt: skip


def region(ccode: int) -> str:
    """Return the COW region of a state from its code (1-199 Americas, 200-399 Europe, ...).

    Parameters
    ----------
    ccode : int
        COW country code.

    Returns
    -------
    str
        ``americas``, ``europe``, ``africa``, ``middle east``, ``asia`` or ``oceania``.
    """
    for high, name in ((199, "americas"), (399, "europe"), (599, "africa")):
        if ccode <= high:
            return name
    return "middle east" if ccode <= 699 else ("asia" if ccode <= 899 else "oceania")


__all__ = [
    "WHERE_FOUGHT",
    "Occasion",
    "Rules",
    "Terms",
    "decide",
    "format_terms",
    "parse_terms",
    "region",
    "terms_of",
]

#: The condition suffixes: ATOP field names are ``def``/``off``/``neu``/``con`` + ``co`` + these.
_SUFFIX = {
    "coadv": "adversary",
    "coloc": "location",
    "cocon": "conflict",
    "conum": "number",
    "codem": "demands",
    "conpr": "provocation",
    "coatt": "attacked",
    "coreq": "request",
}
_PREFIX = {"defense": "def", "offense": "off", "neutral": "neu", "consul": "con"}


@dataclass(frozen=True)
class Terms:
    """The conditions of one member's strongest obligation in one alliance phase.

    Parameters
    ----------
    kind : str
        ATOP obligation column: ``defense``, ``offense``, ``neutral``, ``nonagg``, ``consul``.
    conditions : frozenset of str
        Conditions that limit it: ``adversary``, ``location``, ``conflict``, ``number``,
        ``demands``, ``provocation``, ``attacked``, ``request``, or ``unknown`` (a hand-coded
        treaty marked conditional without detail).
    threats : tuple of int
        COW codes of the states the treaty names as the threat (empty where none).
    cowwar : int
        The COW war an obligation conditional on an ongoing conflict refers to (0 none).
    """

    kind: str
    conditions: frozenset[str] = frozenset()
    threats: tuple[int, ...] = ()
    cowwar: int = 0


def terms_of(kind: str, flags: dict, threats: tuple[int, ...] = (), cowwar: int = 0) -> Terms:
    """Return the :class:`Terms` of an obligation from ATOP's condition flags.

    Parameters
    ----------
    kind : str
        ATOP obligation column (``defense``, ``offense``, ``neutral``, ``nonagg``, ``consul``).
    flags : dict
        ATOP condition field name -> bool (e.g. ``{"defcoadv": True}``); missing fields are
        False.
    threats : tuple of int, optional
        The named threats (``statthr1``, ``statthr2``).
    cowwar : int, optional
        ATOP's ``cowwar``.

    Returns
    -------
    Terms
        The obligation's conditions.
    """
    prefix = _PREFIX.get(kind)
    conditions = set()
    if prefix:
        for suffix, name in _SUFFIX.items():
            if flags.get(prefix + suffix):
                conditions.add(name)
    return Terms(kind, frozenset(conditions), tuple(t for t in threats if t), int(cowwar))


@dataclass(frozen=True)
class Occasion:
    """The attack a commitment is asked to apply to, seen from the partner it is owed to.

    Parameters
    ----------
    conflict_id : str
        The case table's ``conflict_id``.
    event_type : str
        ``war``, ``mid`` or ``curated``.
    opponent : int
        COW code of the state the partner fights.
    attacked : bool
        The partner was attacked by the opponent (rather than attacking it).
    defending : bool
        The partner is on the side fighting the war's initiator.
    warnum : int or None
        The COW war number, for conditions on an ongoing conflict.
    home : bool or None
        The partner fought in its own region (for location conditions); None where unknown.
    victim : int or None
        The state attacked in this attack (the row's target), for guarantees of a third
        state.
    """

    conflict_id: str
    event_type: str
    opponent: int
    attacked: bool
    defending: bool
    warnum: int | None = None
    home: bool | None = None
    victim: int | None = None


class Rules:
    """The hand-coded rules of ``data/invocation.csv``, looked up by alliance.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`forecast.sources.embedded.read_invocation`.
    """

    def __init__(self, table: pd.DataFrame | None = None):
        self._adversaries: dict[tuple[str, int | None], tuple[set[int], str]] = {}
        self._location: dict[tuple[str, int | None], str] = {}
        self._protects: dict[str, tuple[set[int], str]] = {}
        self._cases: dict[tuple[str, str], list[tuple[int | None, int | None, int, str]]] = {}
        self._conditions: dict[tuple[str, str], list[tuple[int | None, int | None, int, str]]]
        self._conditions = {}
        if table is None:
            return
        for r in table.itertuples(index=False):
            member = None if pd.isna(r.member_ccode) else int(r.member_ccode)
            src = f"data/invocation.csv line {r.line}: {r.article}"
            if r.rule == "adversaries":
                codes = {int(x) for x in str(r.value).split()}
                self._adversaries[(r.alliance, member)] = (codes, src)
            elif r.rule == "location":
                self._location[(r.alliance, member)] = src
            elif r.rule == "protects":
                self._protects[r.alliance] = ({int(x) for x in str(r.value).split()}, src)
            else:  # case, conditions: one conflict
                partner = None if pd.isna(r.partner_ccode) else int(r.partner_ccode)
                key = (r.alliance, r.conflict_id)
                table_ = self._cases if r.rule == "case" else self._conditions
                table_.setdefault(key, []).append((member, partner, int(r.value), src))

    def adversaries(self, alliance: str, member: int) -> tuple[set[int], str] | None:
        """Return the hand-coded adversaries of ``member``'s obligation, with the source."""
        return self._adversaries.get((alliance, member)) or self._adversaries.get((alliance, None))

    def protects(self, alliance: str) -> tuple[set[int], str] | None:
        """Return the third states a guarantee protects, with the source."""
        return self._protects.get(alliance)

    def location(self, alliance: str, member: int) -> str | None:
        """Return the source of a hand-coded location rule (the partner's territory)."""
        return self._location.get((alliance, member)) or self._location.get((alliance, None))

    def case(
        self, alliance: str, conflict_id: str, member: int, partner: int, kind: str = "case"
    ) -> tuple[int, str] | None:
        """Return a hand-coded decision for one conflict, with its source.

        ``kind="case"`` rows decide the whole question; ``kind="conditions"`` rows decide only
        the conditions ATOP's fields leave open (number of adversaries, demands, request).
        """
        rows = self._cases if kind == "case" else self._conditions
        for m, p, value, src in rows.get((alliance, conflict_id), ()):
            if m in (None, member) and p in (None, partner):
                return value, src
        return None


def decide(
    terms: Terms | tuple[Terms, ...],
    occasion: Occasion,
    *,
    alliance: str,
    member: int,
    partner: int,
    rules: Rules,
) -> tuple[int | None, str]:
    """Decide whether an obligation applies to an attack.

    Parameters
    ----------
    terms : Terms or tuple of Terms
        The obligation and its conditions; with several (a pact both defensive and
        offensive), it applies if any of them does (1 over empty over 0).
    occasion : Occasion
        The attack, seen from the partner.
    alliance : str
        ``"ATOP <id>"`` or a hand-coded treaty's slug.
    member, partner : int
        COW codes of the obliged state and of the state it is obliged to.
    rules : Rules
        Hand-coded rules (``data/invocation.csv``).

    Returns
    -------
    tuple
        ``(invoked, reason)``: 1, 0 or None (undecidable), and the hand-coded row that decided
        it ("" when ATOP's fields did).
    """
    hand = rules.case(alliance, occasion.conflict_id, member, partner)
    if hand is not None:
        return hand
    guarantee = rules.protects(alliance)
    if guarantee is not None and occasion.victim not in guarantee[0]:
        return 0, guarantee[1]  # a guarantee of a third state: only an attack on it
    if isinstance(terms, tuple):
        results = [decide(t, occasion, alliance=alliance, member=member, partner=partner,
                          rules=rules) for t in terms]  # fmt: skip
        order = {1: 0, None: 1, 0: 2}
        return min(results, key=lambda r: order[r[0]])
    c = terms.conditions
    if terms.kind == "nonagg":
        return 1, ""
    if terms.kind == "defense" and not (
        occasion.attacked or (occasion.defending and "provocation" not in c)
    ):
        return 0, ""
    if ("attacked" in c or "provocation" in c) and not occasion.attacked:
        return 0, ""
    undecided, reason = False, ""
    named = rules.adversaries(alliance, member)
    if "adversary" in c or named:  # the treaty text may limit what ATOP leaves open
        threats = named[0] if named else set(terms.threats)
        if named:
            reason = named[1]
        if not threats:
            undecided = True
        elif occasion.opponent not in threats:
            return 0, reason
    if "conflict" in c:
        if not terms.cowwar:
            undecided = True
        elif occasion.warnum != terms.cowwar:
            return 0, reason
    if "location" in c:
        src = rules.location(alliance, member) or ""
        if occasion.home is None or (terms.kind == "offense" and not src):
            undecided = True
        elif not occasion.home:
            return 0, src
        else:
            reason = "; ".join(x for x in (reason, src) if x)
    if c & {"number", "demands", "request", "unknown"}:
        undecided = True
    if undecided:
        open_ = rules.case(alliance, occasion.conflict_id, member, partner, kind="conditions")
        if open_ is not None:
            return open_[0], "; ".join(x for x in (reason, open_[1]) if x)
    return (None if undecided else 1), reason


def format_terms(terms: tuple[Terms, ...]) -> str:
    """Write terms as text for the present-day tables: ``kind:cond+cond:threat threat:war``.

    Parameters
    ----------
    terms : tuple of Terms
        A commitment's terms.

    Returns
    -------
    str
        One ``kind:conditions:threats:cowwar`` group per obligation, joined by ``|``.
    """
    return "|".join(
        f"{t.kind}:{'+'.join(sorted(t.conditions))}:{' '.join(map(str, t.threats))}:{t.cowwar}"
        for t in terms
    )


def parse_terms(text: str) -> tuple[Terms, ...]:
    """Read terms written by :func:`format_terms`.

    Parameters
    ----------
    text : str
        The ``terms`` field of ``data/commitments.csv``.

    Returns
    -------
    tuple of Terms
        The terms; ``(Terms("none"),)`` for an empty field.
    """
    out = []
    for group in str(text).split("|"):
        if not group.strip():
            continue
        kind, conditions, threats, cowwar = [*group.split(":"), "", "", "", "0"][:4]
        out.append(
            Terms(
                kind,
                frozenset(c for c in conditions.split("+") if c),
                tuple(int(x) for x in threats.split()),
                int(cowwar or 0),
            )
        )
    return tuple(out) or (Terms("none"),)
