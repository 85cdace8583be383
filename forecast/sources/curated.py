"""The hand-coded parts merged into the built table: curated cases and levels of help.

Curated attacks (``data/curated.csv``, 2008 onward) get their commitments and covariates by the
same rules as the COW rows; ``data/responses.csv`` adds the levels of help COW does not code
and may never contradict it.
"""

from __future__ import annotations

import pandas as pd

from ..cases import COLUMNS
from ..errors import SourceDataError
from .attacks import Attack
from .rows import _obligations, _state_covariates

__all__: list[str] = []


def _curated_rows(src) -> tuple[list[dict], set[tuple[int, int, int]]]:
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
                obligations["alliance_members"] = None
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
