"""Descriptive summaries of a case table: counts and response rates by group.

These are the numbers behind ``forecast data summary`` and the codebook's comparison with the
published reliability figures. Every function returns a DataFrame; nothing is printed.
"""

from __future__ import annotations

import pandas as pd

from .cases import ERAS, era_of

__all__ = [
    "PUBLISHED_RELIABILITY",
    "honored_rates",
    "invoked_rates",
    "sabrosky_shares",
    "summarize_cases",
]

#: Published alliance-reliability figures the codebook compares with.
PUBLISHED_RELIABILITY = pd.DataFrame(
    [
        ("Leeds, Long & Mitchell 2000", "1816-1944", "commitments honored when invoked", 0.745),
        ("Berkemeier & Fuhrmann 2018", "all years", "commitments honored", 0.50),
        ("Berkemeier & Fuhrmann 2018", "before 1945", "commitments honored", 0.66),
        ("Berkemeier & Fuhrmann 2018", "after 1945", "commitments honored", 0.22),
        ("Berkemeier & Fuhrmann 2018", "all years", "defense honored", 0.41),
        ("Berkemeier & Fuhrmann 2018", "all years", "offense honored", 0.74),
        ("Berkemeier & Fuhrmann 2018", "all years", "neutrality honored", 0.78),
        ("Berkemeier & Fuhrmann 2018", "all years", "nonaggression honored", 0.37),
        ("Sabrosky 1980", "1816-1965", "allies fought alongside", 0.27),
        ("Sabrosky 1980", "1816-1965", "allies stayed out", 0.61),
        ("Sabrosky 1980", "1816-1965", "allies fought on the other side", 0.12),
    ],
    columns=["study", "period", "measure", "share"],
)


def _with_groups(cases: pd.DataFrame) -> pd.DataFrame:
    out = cases.copy()
    out["era"] = pd.Categorical(
        [era_of(int(y)) for y in out["year"]], categories=[e[0] for e in ERAS], ordered=True
    )
    out["major_power"] = out["supporter_major"].map({1: "major", 0: "minor"})
    out["military"] = out["military"].astype(float)
    out["sided_with_aggressor"] = out["sided_with_aggressor"].astype(float)
    return out


def summarize_cases(cases: pd.DataFrame) -> pd.DataFrame:
    """Counts and military-response rates by obligation, era, event type and major power.

    Parameters
    ----------
    cases : pandas.DataFrame
        A typed case table (:func:`forecast.load_cases`).

    Returns
    -------
    pandas.DataFrame
        One row per (grouping, group): ``grouping, group, cases, conflicts, military,
        military_rate, sided_with_aggressor_rate, response_coded``. A first row ``all``
        covers the whole table.
    """
    df = _with_groups(cases)
    rows = [_stats(df, "all", "all")]
    for grouping in ("obligation", "era", "event_type", "major_power"):
        for group, part in df.groupby(grouping, observed=True, sort=True):
            rows.append(_stats(part, grouping, str(group)))
    return pd.DataFrame(rows)


def _stats(part: pd.DataFrame, grouping: str, group: str) -> dict:
    return {
        "grouping": grouping,
        "group": group,
        "cases": len(part),
        "conflicts": part["conflict_id"].nunique(),
        "military": int(part["military"].sum()),
        "military_rate": float(part["military"].mean()) if len(part) else float("nan"),
        "sided_with_aggressor_rate": float(part["sided_with_aggressor"].mean())
        if len(part)
        else float("nan"),
        "response_coded": int(part["response"].notna().sum()),
    }


def honored_rates(cases: pd.DataFrame, event_types: tuple[str, ...] = ("war",)) -> pd.DataFrame:
    """Share of defense and offense commitments followed by military help, by period.

    Parameters
    ----------
    cases : pandas.DataFrame
        A typed case table.
    event_types : tuple of str, default ("war",)
        Which attacks count (COW wars by default, the closest to the published studies).

    Returns
    -------
    pandas.DataFrame
        ``period, commitments, honored, honored_rate, sided_with_aggressor_rate`` for
        1816-1944, before 1945, after 1945 and all years.
    """
    df = _with_groups(cases)
    df = df[df["event_type"].isin(event_types) & df["obligation"].isin(["defense", "offense"])]
    periods = [
        ("1816-1944", df["year"] <= 1944),
        ("before 1945", df["year"] < 1945),
        ("after 1945", df["year"] > 1945),
        ("all years", df["year"] > 0),
    ]
    rows = []
    for label, mask in periods:
        part = df[mask.fillna(False)]
        rows.append(
            {
                "period": label,
                "commitments": len(part),
                "honored": int(part["military"].sum()),
                "honored_rate": float(part["military"].mean()) if len(part) else float("nan"),
                "sided_with_aggressor_rate": float(part["sided_with_aggressor"].mean())
                if len(part)
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def sabrosky_shares(cases: pd.DataFrame, last_year: int = 1965) -> pd.DataFrame:
    """Sabrosky's measure: what allies of a state at war did, 1816 to ``last_year``.

    Parameters
    ----------
    cases : pandas.DataFrame
        A typed case table.
    last_year : int, default 1965
        Sabrosky's data end in 1965.

    Returns
    -------
    pandas.DataFrame
        ``outcome, rows, share`` for fought alongside / stayed out / fought on the other side,
        over COW-war rows with any written commitment (obligation other than none).
    """
    df = _with_groups(cases)
    df = df[(df["event_type"] == "war") & (df["obligation"] != "none") & (df["year"] <= last_year)]
    n = len(df)
    alongside = int(df["military"].sum())
    other = int(df["sided_with_aggressor"].sum())
    counts = [("fought alongside", alongside), ("stayed out", n - alongside - other)]
    counts.append(("fought on the other side", other))
    return pd.DataFrame(
        [(k, v, v / n if n else float("nan")) for k, v in counts],
        columns=["outcome", "rows", "share"],
    )


#: War-scale attacks: COW wars and the curated cases (all of war scale).
WAR_SCALE = ("war", "curated")


def _honored(part: pd.DataFrame, obligation: str, partner: str = "target") -> pd.Series:
    """Whether each row honored its obligation, by the type's own promise (codebook).

    Defense and offense promise fighting on the partner's side; neutrality and nonaggression
    promise not to fight against it; consultation has no observable counterpart here, so
    fighting alongside is shown. ``partner`` is the side the obligation is owed to.
    """
    alongside, against = ("military", "sided_with_aggressor")
    if partner == "aggressor":
        alongside, against = against, alongside
    if obligation in ("neutrality", "nonaggression"):
        return 1.0 - part[against]
    return part[alongside]


def invoked_rates(cases: pd.DataFrame, event_types: tuple[str, ...] = WAR_SCALE) -> pd.DataFrame:
    """Honoring of written commitments, by the side owed, invocation, period and type.

    Parameters
    ----------
    cases : pandas.DataFrame
        A typed case table (schema v2).
    event_types : tuple of str, default ("war", "curated")
        Which attacks count: war-scale crises by default, the scale of the published studies.

    Returns
    -------
    pandas.DataFrame
        ``partner, period, obligation, invoked, commitments, honored, honored_rate,
        military_rate, sided_with_aggressor_rate``: one row per side the commitment is owed to
        (``target``, ``aggressor``, ``either``: both sides' rows pooled, as the published
        studies count allies of either belligerent), period (1816-1944, before 1945, after
        1945, all years), obligation (``defense+offense``, then each type) and invocation
        (``invoked``, ``not invoked``, ``undecided``).
    """
    df = _with_groups(cases)
    df = df[df["event_type"].isin(event_types)]
    sides = {}
    for partner, prefix in (("target", ""), ("aggressor", "aggressor_")):
        part = df[df[f"{prefix}obligation"] != "none"].copy()
        part["_obligation"] = part[f"{prefix}obligation"].astype(str)
        inv = part[f"{prefix}invoked"].astype("Float64")
        part["_invocation"] = inv.map(
            lambda x: "undecided" if pd.isna(x) else ("invoked" if x else "not invoked")
        )
        part["_partner"] = partner
        sides[partner] = part
    sides["either"] = pd.concat([sides["target"], sides["aggressor"]])
    kinds = [("defense+offense", ("defense", "offense"))]
    kinds += [(o, (o,)) for o in ("defense", "offense", "neutrality", "nonaggression")]
    kinds += [("consultation", ("consultation",))]
    rows = []
    for partner, frame in sides.items():
        year = frame["year"].astype(int)
        periods = [
            ("1816-1944", year <= 1944),
            ("before 1945", year < 1945),
            ("after 1945", year > 1945),
            ("all years", year > 0),
        ]
        for label, mask in periods:
            for kind, types in kinds:
                part = frame[mask & frame["_obligation"].isin(types)]
                for invocation in ("invoked", "not invoked", "undecided"):
                    sub = part[part["_invocation"] == invocation]
                    honored = pd.concat(
                        [_honored(g, types[0], p) for p, g in sub.groupby("_partner")]
                        or [sub["military"]]
                    )
                    n = len(sub)
                    rows.append(
                        {
                            "partner": partner,
                            "period": label,
                            "obligation": kind,
                            "invoked": invocation,
                            "commitments": n,
                            "honored": int(honored.sum()),
                            "honored_rate": float(honored.mean()) if n else float("nan"),
                            "military_rate": float(sub["military"].mean()) if n else float("nan"),
                            "sided_with_aggressor_rate": float(sub["sided_with_aggressor"].mean())
                            if n
                            else float("nan"),
                        }
                    )
    return pd.DataFrame(rows)
