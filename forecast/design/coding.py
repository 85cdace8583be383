"""The coding rules: from case-table columns to the covariates of the linear predictor.

Coding rules (each is also stated in the model card):

- **Obligation** enters as five indicators against ``none``: ``consultation``,
  ``nonaggression``, ``neutrality``, ``offense``, ``defense``.
- **Democracy pair** is 1 when both ``supporter_democracy`` and ``target_democracy`` are 1,
  0 when either is 0. When neither is 0 and at least one is missing the pair is unknown: the
  indicator is set to 0 and ``democracy_missing`` is 1 (a missing-indicator, so those rows get
  their own shift instead of being dropped).
- **Capability ratio** is ``log(supporter_cinc / aggressor_cinc)``, each score floored at
  ``1e-6`` (COW reports six decimals, so a 0 means "below 5e-7"). It is standardised with the
  training mean and standard deviation. When either score is missing the standardised value
  is 0 (the training mean) and ``capability_missing`` is 1.
- **Alliance age** is ``log1p(alliance_age)``, standardised over the rows that have an age.
  Rows without an alliance, or with an alliance of unknown age, get 0: the slope applies only
  within alliances (non-allied rows differ through the obligation indicators, which already
  say "no commitment", so a further indicator would be collinear with them).
- **Event type** enters as ``event_mid`` and ``event_curated`` against ``war``.
- **Invocation** adds to the obligation indicators: ``invoked_defense`` and
  ``invoked_offense`` (that pact's casus foederis arose, ``invoked == 1``), ``invoked_other``
  (a weaker commitment's occasion arose) and ``invoked_unknown`` (a commitment whose
  invocation the rules cannot decide, ``invoked`` empty). So ``obligation_defense`` is a
  defense pact that was not invoked (or undecided), and the two together an invoked one.
- **An invoked pact against one's own rival**: ``invoked_defense_rival`` is 1 when an invoked
  defense pact binds the supporter to the target and the aggressor is the supporter's
  strategic rival (the interaction of ``invoked_defense`` and ``rival_aggressor``, added to
  both): the casus foederis arose against the very state the supporter already contends with.
- **Defense pacts by crisis scale**: ``dispute_defense`` and ``dispute_invoked_defense``
  are ``obligation_defense`` and ``invoked_defense`` in a militarised dispute (``event_mid``),
  added to them, so the pact's own terms are its effect in war-scale crises (what scenarios
  forecast) and these the difference in disputes. At war scale, partners of a defense pact
  with the target fought for the aggressor in 6 of 638 rows (0.9%, against 4.2% of the
  others); in disputes in 13 of 10,688 (0.12%, against 0.09%): shared across scales, the
  pact's aggressor-side term came out above zero, carried by the disputes.
- **Obligations to the aggressor**: ``aggressor_obligation_defense``, ``_offense`` and
  ``_other`` (a weaker commitment) against none, and ``aggressor_invoked``.
- **Bilateral commitments**: ``bilateral`` is 1 when the commitment to the target is an
  alliance of two members that day (``alliance_members == 2``), ``aggressor_bilateral`` the
  same for the commitment to the aggressor; 0 without a commitment, in a larger alliance or
  where the size is unknown (empty). At war scale, partners of a bilateral defense pact fought
  for the target in 15 of 52 rows (29%), of a larger one in 46 of 586 (7.8%); states with a
  bilateral commitment to the aggressor fought for it in 32 of 307 (10.4%), with another in
  36 of 1,231 (2.9%).
- **Rivalry** (``rival_aggressor``, ``rival_target``) and the state in need's role
  (``target_entered``: it entered the war by its own act) are 0/1 flags.
- **Distance** is ``log1p(distance_km)`` and **shared IGOs** the count, both standardised;
  missing values get 0 (the training mean).
- **The attack's pool**: ``log(pool_size)`` and ``log1p(pool_aggressor_allies)``, both
  standardised; missing values get 0 (the training mean). They are facts of the attack, the
  same for all its rows, known when it begins: how crowded its neighbourhood is with allies,
  major powers and neighbours, and how many of them are bound to the aggressor.
- All other covariates are the 0/1 flags of the table, unscaled, so their coefficients are log
  odds ratios.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..cases import OBLIGATIONS
from ..schema import ERA_LEVELS

#: The terms of a commitment's invocation and crisis scale, added to its type's indicator.
_INVOKED: tuple[str, ...] = (
    "invoked_defense",
    "invoked_offense",
    "invoked_other",
    "invoked_unknown",
    "invoked_defense_rival",
    "dispute_defense",
    "dispute_invoked_defense",
)
#: Covariate names, in column order of ``Design.X``.
COVARIATES: tuple[str, ...] = (
    *(f"obligation_{o}" for o in OBLIGATIONS[1:]),
    "conditional",
    "bilateral",
    "supporter_major",
    "target_major",
    "aggressor_major",
    "both_democracies",
    "democracy_missing",
    "contiguous",
    "aggressor_nuclear",
    "supporter_nuclear",
    "log_capability_ratio",
    "capability_missing",
    "log1p_alliance_age",
    "event_mid",
    "event_curated",
    *_INVOKED,
    "aggressor_obligation_defense",
    "aggressor_obligation_offense",
    "aggressor_obligation_other",
    "aggressor_invoked",
    "aggressor_bilateral",
    "rival_aggressor",
    "rival_target",
    "log_distance",
    "shared_igos",
    "target_entered",
    "log_pool_size",
    "log1p_pool_aggressor_allies",
)
#: The standardised covariates (the rest are 0/1 indicators).
CONTINUOUS: tuple[str, ...] = (
    "log_capability_ratio",
    "log1p_alliance_age",
    "log_distance",
    "shared_igos",
    "log_pool_size",
    "log1p_pool_aggressor_allies",
)
#: Each covariate in words (the model card's and the forecasts' grounds' wording).
MEANINGS: dict[str, str] = {
    "obligation_consultation": "a consultation pact (vs no commitment)",
    "obligation_nonaggression": "a non-aggression pact (vs no commitment)",
    "obligation_neutrality": "a neutrality pact (vs no commitment)",
    "obligation_offense": "an offensive alliance (vs no commitment)",
    "obligation_defense": "a defence pact (vs no commitment)",
    "conditional": "the commitment carries conditions",
    "bilateral": "the commitment to the target is bilateral (a two-member alliance)",
    "supporter_major": "the supporter is a major power",
    "target_major": "the target is a major power",
    "aggressor_major": "the aggressor is a major power",
    "both_democracies": "supporter and target are both democracies",
    "democracy_missing": "democracy status unknown",
    "contiguous": "the supporter borders the target or the aggressor",
    "aggressor_nuclear": "the aggressor is nuclear-armed",
    "supporter_nuclear": "the supporter is nuclear-armed",
    "log_capability_ratio": "one s.d. more supporter/aggressor capability (log CINC ratio)",
    "capability_missing": "capability scores unknown",
    "log1p_alliance_age": "one s.d. older alliance (log years), within alliances",
    "event_mid": "a militarised dispute (vs a war)",
    "event_curated": "a curated case (vs a COW war)",
    "invoked_defense": "a defense pact whose casus foederis arose (added to the pact's own)",
    "invoked_offense": "an offense pact whose casus foederis arose (added to the pact's own)",
    "invoked_other": "another commitment whose occasion arose (consultation, neutrality, ...)",
    "invoked_unknown": "a commitment whose invocation the rules cannot decide",
    "invoked_defense_rival": "an invoked defense pact against the supporter's own rival",
    "dispute_defense": "a defense pact, in a dispute (added to the pact's own)",
    "dispute_invoked_defense": "an invoked defense pact, in a dispute (added to both)",
    "aggressor_obligation_defense": "a defense pact with the aggressor",
    "aggressor_obligation_offense": "an offense pact with the aggressor",
    "aggressor_obligation_other": "a weaker commitment to the aggressor",
    "aggressor_invoked": "the commitment to the aggressor applies to this attack",
    "aggressor_bilateral": "the commitment to the aggressor is bilateral",
    "rival_aggressor": "a strategic rival of the aggressor",
    "rival_target": "a strategic rival of the target",
    "log_distance": "log distance to the target (standardised)",
    "shared_igos": "IGOs shared with the target (standardised)",
    "target_entered": "the state in need entered the war by its own act",
    "log_pool_size": "log number of potential responders to the attack (standardised)",
    "log1p_pool_aggressor_allies": "log1p number of them allied to the aggressor (standardised)",
}

#: Covariates that describe one fact together, with the fact's name in a forecast's reasons
#: (:meth:`forecast.Prediction.reasons` adds their terms): a commitment is one reason, not
#: its type, its conditions and its invocation apart, which alone can point opposite ways.
REASON_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "commitment": (
        "its commitment to the target",
        (
            *(f"obligation_{o}" for o in OBLIGATIONS[1:]),
            "conditional",
            "bilateral",
            *_INVOKED,
            "log1p_alliance_age",
        ),
    ),
    "aggressor_commitment": (
        "its commitment to the aggressor",
        (
            "aggressor_obligation_defense",
            "aggressor_obligation_offense",
            "aggressor_obligation_other",
            "aggressor_invoked",
            "aggressor_bilateral",
        ),
    ),
    "pool": ("the attack's pool", ("log_pool_size", "log1p_pool_aggressor_allies")),
}
#: Each grouped covariate's words inside its group's reason, when present.
PHRASES: dict[str, str] = {
    "obligation_consultation": "a consultation pact",
    "obligation_nonaggression": "a non-aggression pact",
    "obligation_neutrality": "a neutrality pact",
    "obligation_offense": "an offense pact",
    "obligation_defense": "a defense pact",
    "conditional": "with conditions",
    "bilateral": "bilateral",
    "invoked_defense": "invoked",
    "invoked_offense": "invoked",
    "invoked_other": "its occasion arose",
    "invoked_unknown": "invocation undecided",
    "invoked_defense_rival": "against the supporter's own rival",
    "dispute_defense": "in a dispute",
    "dispute_invoked_defense": "invoked in a dispute",
    "log1p_alliance_age": "and the alliance's age",
    "aggressor_obligation_defense": "a defense pact",
    "aggressor_obligation_offense": "an offense pact",
    "aggressor_obligation_other": "a weaker commitment",
    "aggressor_invoked": "applying to this attack",
    "aggressor_bilateral": "bilateral",
    "log_pool_size": "its number of potential responders",
    "log1p_pool_aggressor_allies": "how many of them are bound to the aggressor",
}

#: Crisis scales: a conflict is war-scale (COW wars, curated cases and scenarios by default)
#: or a dispute (a MID, or a scenario with ``scale = "dispute"``).
SCALES: tuple[str, ...] = ("war", "dispute")
#: Era labels: pre-1914, the world wars, the Cold War, after the Cold War.
ERAS: tuple[str, ...] = ERA_LEVELS
#: Group-effect names, in the order the model uses them.
GROUPS: tuple[str, ...] = ("supporter", "conflict", "alliance", "era", "alliance_conflict")

_FLAGS = (
    "conditional",
    "supporter_major",
    "target_major",
    "aggressor_major",
    "contiguous",
    "aggressor_nuclear",
    "supporter_nuclear",
    "rival_aggressor",
    "rival_target",
)
_STRONG = ("defense", "offense")
_CINC_FLOOR = 1e-6


def _num(cases: pd.DataFrame, col: str, dtype: str = "float64") -> np.ndarray:
    """Return a column as a float array with NaN for missing values (or all-NaN if absent)."""
    if col not in cases.columns:
        return np.full(len(cases), np.nan)
    return pd.to_numeric(cases[col], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _text(cases: pd.DataFrame, col: str) -> np.ndarray:
    """Return a column as an object array of stripped strings ("" where missing)."""
    if col not in cases.columns:
        return np.array([""] * len(cases), dtype=object)
    s = cases[col].astype(object)
    return np.array(["" if pd.isna(v) else str(v).strip() for v in s], dtype=object)


def _standardise(
    name: str, values: np.ndarray, scaling: dict[str, dict[str, float]] | None
) -> tuple[np.ndarray, dict[str, float]]:
    """Standardise ``values`` (NaN -> 0) with given or computed mean and sd."""
    if scaling is not None:
        if name not in scaling:
            raise ValueError(f"scaling has no entry for {name!r}; pass Design.scaling of a fit")
        mean, sd = float(scaling[name]["mean"]), float(scaling[name]["sd"])
    else:
        ok = values[~np.isnan(values)]
        mean = float(ok.mean()) if ok.size else 0.0
        sd = float(ok.std()) if ok.size > 1 else 1.0
        if not np.isfinite(sd) or sd <= 0:
            sd = 1.0
    z = (values - mean) / sd
    return np.where(np.isnan(z), 0.0, z), {"mean": mean, "sd": sd}


def check_covariates(covariates) -> tuple[str, ...]:
    """Return a covariate choice as a tuple in :data:`COVARIATES` order, or raise.

    Parameters
    ----------
    covariates : sequence of str or None
        Names from :data:`COVARIATES`; None (the default set) means all of them.

    Returns
    -------
    tuple of str
        The chosen covariates, in the package's column order.

    Raises
    ------
    ValueError
        If a name is unknown, repeated, or the choice is empty.
    """
    if covariates is None:
        return COVARIATES
    if isinstance(covariates, str):
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    chosen = list(covariates)
    unknown = [c for c in chosen if c not in COVARIATES]
    if unknown:
        raise ValueError(
            f"unknown covariate(s) {', '.join(map(repr, unknown))}; valid: {', '.join(COVARIATES)}"
        )
    if len(set(chosen)) != len(chosen):
        raise ValueError("a covariate is listed twice")
    if not chosen:
        raise ValueError("choose at least one covariate")
    return tuple(c for c in COVARIATES if c in chosen)


def covariate_columns(
    cases: pd.DataFrame, scaling: dict | None = None, covariates=None
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, float]]]:
    """Every covariate of :data:`COVARIATES` as a column, by the rules of this module.

    Parameters
    ----------
    cases : pandas.DataFrame
        A case table (typed or strings).
    scaling : dict, optional
        The training means and sds of the standardised covariates; default computed here.
    covariates : sequence of str, optional
        The covariates wanted (default all); a standardised covariate outside them needs no
        ``scaling`` entry (a fit without it codes new rows without it) and is returned as 0.

    Returns
    -------
    tuple
        ``(columns, scaling)``: float arrays by covariate name, and the scaling used.

    Raises
    ------
    ValueError
        If a value is outside its schema values or a required flag is missing.
    """
    cols: dict[str, np.ndarray] = {}
    new_scaling: dict[str, dict[str, float]] = {}
    wanted = COVARIATES if covariates is None else tuple(covariates)

    def scale(name: str, values: np.ndarray) -> None:
        if name not in wanted and scaling is not None and name not in scaling:
            cols[name] = np.zeros(len(values))
            return
        cols[name], new_scaling[name] = _standardise(name, values, scaling)

    obligation = _text(cases, "obligation")
    bad = sorted(set(obligation) - set(OBLIGATIONS))
    if bad:
        raise ValueError(f"obligation values {bad} are not among {', '.join(OBLIGATIONS)}")
    for o in OBLIGATIONS[1:]:
        cols[f"obligation_{o}"] = (obligation == o).astype(float)
    for flag in _FLAGS:
        v = _num(cases, flag)
        if np.isnan(v).any():
            raise ValueError(f"column {flag!r} has missing values; it is required (0/1)")
        cols[flag] = v
    sdem, tdem = _num(cases, "supporter_democracy"), _num(cases, "target_democracy")
    both = (sdem == 1) & (tdem == 1)
    known_not = (sdem == 0) | (tdem == 0)
    cols["both_democracies"] = both.astype(float)
    cols["democracy_missing"] = (~both & ~known_not).astype(float)
    scinc = np.maximum(_num(cases, "supporter_cinc"), _CINC_FLOOR)
    acinc = np.maximum(_num(cases, "aggressor_cinc"), _CINC_FLOOR)
    ratio = np.log(scinc / acinc)
    scale("log_capability_ratio", ratio)
    cols["capability_missing"] = np.isnan(ratio).astype(float)
    alliance = _text(cases, "alliance")
    age = np.log1p(_num(cases, "alliance_age"))
    age = np.where(alliance == "", np.nan, age)
    scale("log1p_alliance_age", age)
    event = _text(cases, "event_type")
    cols["event_mid"] = (event == "mid").astype(float)
    cols["event_curated"] = (event == "curated").astype(float)
    invoked = _num(cases, "invoked")
    allied = obligation != "none"
    for kind, types in (("defense", ("defense",)), ("offense", ("offense",))):
        cols[f"invoked_{kind}"] = (np.isin(obligation, types) & (invoked == 1)).astype(float)
    cols["invoked_other"] = (allied & ~np.isin(obligation, _STRONG) & (invoked == 1)).astype(float)
    cols["invoked_unknown"] = (allied & np.isnan(invoked)).astype(float)
    cols["invoked_defense_rival"] = cols["invoked_defense"] * cols["rival_aggressor"]
    cols["dispute_defense"] = (obligation == "defense") * cols["event_mid"]
    cols["dispute_invoked_defense"] = cols["invoked_defense"] * cols["event_mid"]
    a_obl = _text(cases, "aggressor_obligation")
    a_obl = np.where(a_obl == "", "none", a_obl)
    bad = sorted(set(a_obl) - set(OBLIGATIONS))
    if bad:
        raise ValueError(
            f"aggressor_obligation values {bad} are not among {', '.join(OBLIGATIONS)}"
        )
    cols["aggressor_obligation_defense"] = (a_obl == "defense").astype(float)
    cols["aggressor_obligation_offense"] = (a_obl == "offense").astype(float)
    cols["aggressor_obligation_other"] = ((a_obl != "none") & ~np.isin(a_obl, _STRONG)).astype(
        float
    )
    cols["aggressor_invoked"] = (
        (a_obl != "none") & (_num(cases, "aggressor_invoked") == 1)
    ).astype(float)
    cols["bilateral"] = (allied & (_num(cases, "alliance_members") == 2)).astype(float)
    cols["aggressor_bilateral"] = (
        (a_obl != "none") & (_num(cases, "aggressor_alliance_members") == 2)
    ).astype(float)
    scale("log_distance", np.log1p(_num(cases, "distance_km")))
    scale("shared_igos", _num(cases, "shared_igos"))
    cols["target_entered"] = (_text(cases, "target_role") == "entered").astype(float)
    pool = _num(cases, "pool_size")
    scale("log_pool_size", np.log(np.where(pool >= 1, pool, np.nan)))
    scale("log1p_pool_aggressor_allies", np.log1p(_num(cases, "pool_aggressor_allies")))
    return cols, new_scaling
