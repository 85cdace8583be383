"""Present-day covariates of a potential responder, for scenarios.

Reads the embedded present-day tables (``data/states.csv``, ``data/commitments.csv``,
``data/contiguity.csv``, written by ``forecast data build`` from the original files; see the
codebook) and returns a responder's covariates in the case-table schema.

Examples
--------
>>> from forecast import present
>>> row = present.responder_covariates("Finland", "United States", "Russia")
>>> row["obligation"]
'defense'
"""

from __future__ import annotations

import datetime as _dt
import functools
from pathlib import Path

import pandas as pd

from . import states as _states
from .errors import ForecastError

__all__ = [
    "attack_pool",
    "commitment",
    "dyad",
    "load_present",
    "responder_covariates",
    "state_info",
]


def _data_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("forecast.data")))


@functools.cache
def load_present() -> tuple[pd.DataFrame, pd.DataFrame, frozenset[tuple[int, int]]]:
    """Return the present-day tables: states (by ccode), commitments, contiguous pairs.

    Returns
    -------
    tuple
        ``(states, commitments, contiguity)``: states indexed by ``ccode``; directed
        commitments; a frozenset of directed contiguous pairs ``(ccode1, ccode2)``.

    Raises
    ------
    ForecastError
        If the tables are missing (run ``forecast data build --source DIR``).
    """
    d = _data_dir()
    try:
        states = pd.read_csv(d / "states.csv", keep_default_na=True).set_index("ccode")
        commitments = pd.read_csv(
            d / "commitments.csv", dtype={"alliance": str, "terms": str}
        ).fillna({"alliance": "", "note": "", "since": "", "terms": ""})
        cont = pd.read_csv(d / "contiguity.csv")
    except FileNotFoundError as e:
        raise ForecastError(
            f"{e.filename}: present-day table missing; run `forecast data build --source DIR`"
        ) from None
    pairs = frozenset(zip(cont.ccode1.astype(int), cont.ccode2.astype(int), strict=True))
    return states, commitments, pairs


@functools.cache
def _dyad_tables() -> tuple[dict, frozenset, object]:
    """Distances and IGOs by pair, rivalries in force, and the invocation rules."""
    from .sources.embedded import read_invocation
    from .sources.invocation import Rules

    d = _data_dir()
    try:
        dy = pd.read_csv(d / "dyads.csv")
        riv = pd.read_csv(d / "rivalries.csv")
    except FileNotFoundError as e:
        raise ForecastError(
            f"{e.filename}: present-day table missing; run `forecast data build --source DIR`"
        ) from None
    pairs = {
        (int(a), int(b)): (dist, cap, igo)
        for a, b, dist, cap, igo in zip(
            dy.ccode1, dy.ccode2, dy.distance_km, dy.distance_capitals, dy.shared_igos,
            strict=True,
        )
    }  # fmt: skip
    rivals = frozenset(
        (min(a, b), max(a, b))
        for a, b in zip(riv.ccode1.astype(int), riv.ccode2.astype(int), strict=True)
    )
    return pairs, rivals, Rules(read_invocation(d / "invocation.csv"))


def dyad(a: str | int, b: str | int) -> dict:
    """Return the present-day dyadic predictors of two states.

    Parameters
    ----------
    a, b : str or int
        Names or COW codes.

    Returns
    -------
    dict
        ``rival`` (0/1, strategic rivalry in force), ``distance_km``, ``distance_capitals``
        and ``shared_igos`` (None where the source has no value).
    """
    x, y = sorted((_states.resolve(a), _states.resolve(b)))
    pairs, rivals, _ = _dyad_tables()
    dist, cap, igo = pairs.get((x, y), (float("nan"),) * 3)
    return {
        "rival": int((x, y) in rivals),
        "distance_km": None if pd.isna(dist) else float(dist),
        "distance_capitals": None if pd.isna(cap) else int(cap),
        "shared_igos": None if pd.isna(igo) else int(igo),
    }


def _invoked(comm: dict, supporter: int, partner: int, opponent: int, attacked: bool,
             defending: bool, conflict_id: str) -> int | None:  # fmt: skip
    """Whether a present-day commitment applies to the scenario's attack (casus foederis)."""
    from .sources.invocation import Occasion, decide, parse_terms

    if comm["obligation"] == "none":
        return None
    occasion = Occasion(conflict_id, "curated", opponent, attacked, defending, home=True)
    rules = _dyad_tables()[2]
    return decide(
        parse_terms(comm.get("terms", "")), occasion, alliance=comm["alliance"],
        member=supporter, partner=partner, rules=rules,
    )[0]  # fmt: skip


def state_info(state: str | int) -> dict:
    """Return a state's present-day row (major, democracy, nuclear, CINC, region, sources).

    Parameters
    ----------
    state : str or int
        Name, COW abbreviation or COW code.

    Returns
    -------
    dict
        The ``data/states.csv`` row with ``ccode`` added.

    Raises
    ------
    UnknownStateError
        If the name does not resolve (with suggestions).
    ForecastError
        If the state is not in the present-day table.
    """
    code = _states.resolve(state)
    table, _, _ = load_present()
    if code not in table.index:
        raise ForecastError(f"{_states.name(code)} ({code}) is not in data/states.csv")
    row = table.loc[code].to_dict()
    row["ccode"] = code
    return row


def commitment(supporter: str | int, target: str | int) -> dict:
    """Return the strongest written commitment of ``supporter`` to ``target`` today.

    Parameters
    ----------
    supporter, target : str or int
        Names or COW codes.

    Returns
    -------
    dict
        ``obligation`` (``none`` when there is none), ``conditional``, ``alliance``,
        ``alliance_members`` (its members today; None without one or in an older table),
        ``since``, ``source``, ``note``.
    """
    s, t = _states.resolve(supporter), _states.resolve(target)
    _, table, _ = load_present()
    hit = table[(table.supporter_ccode == s) & (table.target_ccode == t)]
    if hit.empty:
        return {"obligation": "none", "conditional": 0, "alliance": "", "alliance_members": None,
                "since": "", "source": "no commitment in data/commitments.csv",
                "note": ""}  # fmt: skip
    r = hit.iloc[0]
    members = r.get("alliance_members")
    return {
        "obligation": r.obligation,
        "conditional": int(r.conditional),
        "alliance": r.alliance,
        "alliance_members": None if members is None or pd.isna(members) else int(members),
        "since": r.since,
        "source": r.source,
        "note": r.note,
        "terms": "" if pd.isna(r.get("terms", "")) else str(r.get("terms", "")),
    }


def attack_pool(target: str | int, aggressor: str | int) -> tuple[frozenset[int], frozenset[int]]:
    """Return an attack's potential responders today, by the case builder's rule.

    The rule (codebook, "Potential responders"): every state with a written commitment to or
    from the target or the aggressor (``data/commitments.csv``), every major power and every
    state contiguous to either side (``data/states.csv``, ``data/contiguity.csv``), less the
    two sides.

    Parameters
    ----------
    target, aggressor : str or int
        Names or COW codes.

    Returns
    -------
    tuple
        ``(pool, aggressor_allies)``: the pool's COW codes, and those of them with a
        written commitment to the aggressor.
    """
    t, a = _states.resolve(target), _states.resolve(aggressor)
    states, table, pairs = load_present()
    sup, tgt = table.supporter_ccode.astype(int), table.target_ccode.astype(int)
    pool = set(sup[tgt.isin([t, a])]) | set(tgt[sup.isin([t, a])])
    pool |= {int(c) for c in states.index[states["major"] == 1]}
    pool |= {c2 for c1, c2 in pairs if c1 in (t, a)} | {c1 for c1, c2 in pairs if c2 in (t, a)}
    pool = {int(c) for c in pool} - {t, a}
    allied = set(sup[(tgt == a) & (table.obligation != "none")])
    return frozenset(pool), frozenset(pool & allied)


def _flag(value) -> int | None:
    return None if pd.isna(value) else int(value)


def responder_covariates(
    supporter: str | int,
    target: str | int,
    aggressor: str | int,
    year: int | None = None,
    *,
    role: str = "attacked",
    conflict_id: str = "scenario",
) -> dict:
    """Return a responder's present-day covariates in the case-table schema.

    Parameters
    ----------
    supporter, target, aggressor : str or int
        Names or COW codes.
    year : int, optional
        The scenario year (default: this year); used for ``alliance_age``.
    role : {"attacked", "entered"}, default "attacked"
        The target's role: attacked, or entering a war by its own act.
    conflict_id : str, default "scenario"
        Matched against the case rules of ``data/invocation.csv``.

    Returns
    -------
    dict
        ``supporter``/``target``/``aggressor`` names and ``*_ccode``, ``obligation``,
        ``conditional``, ``alliance``, ``alliance_age``, ``alliance_members``,
        ``supporter_major``, ``target_major``, ``aggressor_major``, ``supporter_democracy``,
        ``target_democracy``, ``contiguous``, ``aggressor_nuclear``, ``supporter_nuclear``,
        ``supporter_cinc``, ``aggressor_cinc``, ``target_cinc``, the schema v2 columns
        (``target_role``, ``invoked``, ``aggressor_obligation``, ``aggressor_conditional``,
        ``aggressor_alliance``, ``aggressor_alliance_members``, ``aggressor_invoked``,
        ``rival_aggressor``, ``rival_target``, ``distance_km``, ``distance_capitals``,
        ``shared_igos``) and ``sources`` (a dict naming each value's source).
    """
    year = year or _dt.date.today().year
    s, t, a = (_states.resolve(x) for x in (supporter, target, aggressor))
    if len({s, t, a}) < 3:
        raise ForecastError(
            f"supporter, target and aggressor must differ ({_states.name(s)}, "
            f"{_states.name(t)}, {_states.name(a)})"
        )
    S, T, A = (state_info(x) for x in (s, t, a))
    _, _, pairs = load_present()
    comm = commitment(s, t)
    age = None
    if comm["since"]:
        age = max(0, year - int(str(comm["since"])[:4]))
    to_aggressor = commitment(s, a)
    attacked = role == "attacked"
    near = dyad(s, t)
    cinc = {k: (None if pd.isna(v["cinc"]) else float(v["cinc"])) for k, v in
            (("supporter", S), ("aggressor", A), ("target", T))}  # fmt: skip
    return {
        "supporter": _states.name(s),
        "supporter_ccode": s,
        "target": _states.name(t),
        "target_ccode": t,
        "aggressor": _states.name(a),
        "aggressor_ccode": a,
        "target_role": role,
        "obligation": comm["obligation"],
        "conditional": comm["conditional"],
        "invoked": _invoked(comm, s, t, a, attacked, True, conflict_id),
        "alliance": comm["alliance"],
        "alliance_age": age,
        "alliance_members": comm.get("alliance_members"),
        "aggressor_obligation": to_aggressor["obligation"],
        "aggressor_conditional": to_aggressor["conditional"],
        "aggressor_invoked": _invoked(to_aggressor, s, a, t, not attacked, False, conflict_id),
        "aggressor_alliance": to_aggressor["alliance"],
        "aggressor_alliance_members": to_aggressor.get("alliance_members"),
        "rival_aggressor": dyad(s, a)["rival"],
        "rival_target": near["rival"],
        "distance_km": near["distance_km"],
        "distance_capitals": near["distance_capitals"],
        "shared_igos": near["shared_igos"],
        "supporter_major": int(S["major"]),
        "target_major": int(T["major"]),
        "aggressor_major": int(A["major"]),
        "supporter_democracy": _flag(S["democracy"]),
        "target_democracy": _flag(T["democracy"]),
        "contiguous": int((s, t) in pairs or (s, a) in pairs),
        "aggressor_nuclear": int(A["nuclear"]),
        "supporter_nuclear": int(S["nuclear"]),
        "supporter_cinc": cinc["supporter"],
        "aggressor_cinc": cinc["aggressor"],
        "target_cinc": cinc["target"],
        "sources": {
            "obligation": comm["source"] + (f" ({comm['note']})" if comm["note"] else ""),
            "aggressor_obligation": to_aggressor["source"],
            "dyads": "data/rivalries.csv, data/dyads.csv (TSS rivalries 2020, CShapes 2.0 "
            "2019, COW IGO 2014; carried forward)",
            "supporter": "; ".join(
                S[k] for k in ("major_source", "democracy_source", "nuclear_source", "cinc_source")
            ),
            "contiguous": "data/contiguity.csv (COW Direct Contiguity v3.2, 2016)",
        },
    }
