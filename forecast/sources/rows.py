"""One row of the case table: the potential responders of an attack and each one's row.

Responders do not depend on the outcome (codebook, "Potential responders"); a row carries the
supporter's commitments to both sides, whether the attack invokes each
(:mod:`forecast.sources.invocation`), the outcome evidence and the state covariates.
"""

from __future__ import annotations

import pandas as pd

from .attacks import Attack, _states_name
from .covariates import Commitment, Covariates
from .invocation import Occasion, Rules, decide

__all__ = ["responders"]


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
        out[f"{prefix}alliance_members"] = cov.alliance_size(comm.alliance, d) if comm else None
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
