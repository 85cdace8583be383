"""The model card of a fit.

:func:`write_model_card` renders a :class:`forecast.model.Fit` with its data fingerprint, priors,
odds ratios (90% intervals, in plain words), diagnostics, checks and limitations, atomically.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from .._io import write_atomic
from ..cases import RESPONSES
from ..design import GROUPS, MEANINGS
from .evaluation import _fmt, evaluation_section

__all__ = ["render_model_card", "write_model_card"]


_LIMITATIONS = (
    "Observational data: coefficients are associations given the other covariates, not "
    "causal effects of signing a treaty.",
    "Potential responders are listed by a rule that does not depend on the outcome "
    "(commitments, major powers, contiguity); states outside that rule are not modelled.",
    "Diplomatic and material help are coded only for curated cases; elsewhere only "
    "`military` enters (through the top category), so the lower cutpoints rest on few cases.",
    "Missing democracy and capability data enter through missing-indicators; CINC scores "
    "are floored at 1e-6 before the log ratio.",
    "A new scenario is a new attack in a new conflict: its conflict and "
    "alliance-within-conflict effects are drawn from the fitted population, so predictions "
    "for it are wider than for a past case.",
    "The aggressor side has covariates and a conflict effect only: no supporter, alliance "
    "or era effects (few states have ever fought for an aggressor, 0.4% of rows).",
    "Group effects are zero-sum over the levels seen in training; the era effect has at most "
    "four levels, so its scale is weakly identified and leans on its prior (a Gamma that keeps "
    "it away from zero, where the sampler diverged under a half-normal).",
)


_WHAT = {"covariate": "higher help", "aggressor covariate": "fighting for the aggressor"}


def _words(lo: float, hi: float, what: str = "higher help") -> str:
    if lo > 1:
        return f"{what} more likely"
    if hi < 1:
        return f"{what} less likely"
    return "direction uncertain"


def _prior_text(spec: dict[str, Any]) -> str:
    params = ", ".join(f"{k}={v:g}" for k, v in spec.items() if k != "dist")
    return f"{spec['dist']}({params})"


def _invoked_section(fit) -> list[str]:
    """Invoked defense pacts: the model's odds ratios beside the raw and published rates."""
    from ..summary import PUBLISHED_RELIABILITY

    design = fit.design
    cov = list(design.covariates)
    if not {"invoked_defense", "obligation_defense", "event_mid"} <= set(cov):
        return []
    beta = fit.draws()["beta"]
    inv, ob = beta[:, cov.index("invoked_defense")], beta[:, cov.index("obligation_defense")]

    def ratio(v) -> str:
        lo, med, hi = np.exp(np.quantile(v, [0.05, 0.5, 0.95]))
        return f"{_fmt(med)} (90% interval {_fmt(lo)} – {_fmt(hi)})"

    X = design.X
    war = X[:, cov.index("event_mid")] == 0
    if "event_curated" in cov:  # curated cases are war-scale too; MIDs are the rest
        war |= X[:, cov.index("event_curated")] == 1
    defense = X[:, cov.index("obligation_defense")] == 1
    invoked = X[:, cov.index("invoked_defense")] == 1
    fought = design.military == 1

    def rate(mask) -> str:
        n, k = int(mask.sum()), int((mask & fought).sum())
        return f"{k} of {n} ({_fmt(100 * k / n, 1)}%)" if n else "no rows"

    rival_line = []
    if "invoked_defense_rival" in cov:  # the pact invoked against the supporter's own rival
        rival = X[:, (b := cov.index("invoked_defense_rival"))] == 1
        rival_line = [
            "- against the supporter's own rival, on top of both (`invoked_defense_rival`): "
            f"{ratio(beta[:, b])}; such partners fought in {rate(war & rival)} war-scale rows, "
            f"the other partners of an invoked pact in {rate(war & invoked & ~rival)}"
        ]
    if {"dispute_defense", "dispute_invoked_defense"} <= set(cov):  # the same pact in a MID
        dd, di = (beta[:, cov.index(c)] for c in ("dispute_defense", "dispute_invoked_defense"))
        rival_line.append(
            "- these are the pact's effects in war-scale crises; in a militarised dispute "
            f"(`dispute_defense`, `dispute_invoked_defense`, on top of them): {ratio(dd)} for "
            f"the pact, {ratio(di)} more when invoked, so an invoked pact against no "
            f"commitment in a dispute: {ratio(ob + inv + dd + di)}"
        )
    if "bilateral" in cov:  # a pact of two members against a larger alliance
        two = X[:, (b := cov.index("bilateral"))] == 1
        rival_line.append(
            "- a bilateral commitment (an alliance of two members that day), on top of its "
            f"type's terms (`bilateral`): {ratio(beta[:, b])}; so a bilateral defense pact, "
            f"invoked, against no commitment: {ratio(ob + inv + beta[:, b])}; at war scale "
            f"partners of a bilateral defense pact fought in {rate(war & defense & two)}, of "
            f"a larger one in {rate(war & defense & ~two)}"
        )
    pub = PUBLISHED_RELIABILITY
    published = "; ".join(
        f"{r.study}, {r.period}: {_fmt(100 * r.share, 1)}% {r.measure}"
        for r in pub[
            pub["measure"].isin(["commitments honored when invoked", "defense honored"])
        ].itertuples()
    )
    return [
        "## Invoked commitments",
        "",
        "- odds ratio of help to the target for a defense pact whose casus foederis arose, on "
        f"top of the pact's own (`invoked_defense`): {ratio(inv)}",
        "- a defense pact, invoked, against no commitment (`obligation_defense` + "
        f"`invoked_defense`): {ratio(ob + inv)}; not invoked: {ratio(ob)}",
        "- in the training rows of war-scale crises, partners of an invoked defense pact "
        f"fought in {rate(war & defense & invoked)}; of a defense pact not invoked (or "
        f"undecided), in {rate(war & defense & ~invoked)}",
        *rival_line,
        f"- published reliability figures the codebook compares with: {published} (see "
        '`data/README.md`, "Comparison with published reliability figures", for why the '
        "rates differ: multilateral pacts count every co-member here, and dyadic studies "
        "weight them far less)",
        "",
    ]


def render_model_card(
    fit,
    prior_predictive: dict[str, Any] | None = None,
    evaluation: dict | list[dict] | None = None,
) -> str:
    """Render a fit's model card as markdown text.

    Parameters
    ----------
    fit : forecast.model.Fit
        A fitted or loaded model.
    prior_predictive : dict, optional
        The result of :func:`forecast.model.prior_predictive`; the section says "not run"
        when omitted.
    evaluation : dict or list of dict, optional
        Evaluation JSON documents (one per scheme); each adds an "Out-of-sample performance"
        section.

    Returns
    -------
    str
        The markdown page.
    """
    d = fit.diagnostics
    design = fit.design
    out: list[str] = ["# forecast model card", ""]
    out.append(
        "_Generated by `forecast.card.write_model_card` from a saved fit; do not edit by hand._"
    )
    out.append("")
    if not d.converged:
        out += [
            "> **WARNING: this fit has NOT converged** ("
            + "; ".join(d.problems())
            + "). Its numbers are unreliable; refit with more draws and tuning steps.",
            "",
        ]
    created = fit.attrs.get("created_at") or _dt.datetime.now(_dt.UTC).isoformat(
        timespec="seconds"
    )
    out += ["## Fit", ""]
    out += [
        f"- forecast version: {__version__}; fit saved {created}",
        f"- sampler: {fit.sampler.get('name')} ({fit.sampler.get('chains')} chains × "
        f"{fit.sampler.get('draws')} draws after {fit.sampler.get('tune')} tuning steps; "
        f"target_accept {fit.sampler.get('target_accept')}, "
        f"adaptation {fit.sampler.get('adaptation')}, "
        f"{fit.sampler.get('parametrization')} group effects); seed {fit.seed}"
        + _thinning(fit.sampler),
        "",
    ]
    n_full = int(design.has_response.sum())
    n_mil = int(design.military_only.sum())
    out += ["## Data", ""]
    out += [
        f"- case table hash: `{fit.data_hash}`",
        f"- rows: {fit.n_cases} ({n_full} with the ordered response coded, {n_mil} with only "
        "`military`)",
        "- levels: " + ", ".join(f"{len(design.labels[g])} {g.replace('_', '-')}" for g in GROUPS),
        "",
    ]
    out += ["## Model", ""]
    out += [
        "Two parts, one decision per row. **The side**: P(fights for the aggressor) = "
        "logistic(α + covariates · β_aggressor + conflict effect on that side), observed on "
        "every row "
        "(`sided_with_aggressor`). **Help to the target**, on the rows that did not side with "
        "the aggressor: a cumulative logit over " + " < ".join(RESPONSES) + ", "
        "P(response ≤ k) = logistic(c_k − η), with η = covariates · β + effects of the "
        "supporter, the conflict, the alliance, the era and the alliance within the conflict "
        "(zero-sum normal, one scale each; the conflict effect has one scale for war-scale "
        "crises and another for disputes; it is one effect per attack: each state in need of a "
        "war, attacked or entering it later, has its own, while the alliance-within-conflict "
        "effect is shared by the whole war). Rows with only `military` coded enter as "
        "P(military) = logistic(η − c_3), the same model's top category. Each attack has "
        "one effect per side, correlated across the two (ρ, estimated; a scale of its own on "
        "the aggressor's side), so a crisis that draws states in on one side can draw them in "
        "on the other. The forecast P(military help to "
        "the target) is (1 − P(aggressor)) · P(military | not on the aggressor's side).",
        "",
        "Coding: obligations are indicators against no commitment; 0/1 flags unscaled; "
        "continuous covariates standardised "
        + ", ".join(
            f"{k} (mean {_fmt(v['mean'])}, sd {_fmt(v['sd'])})" for k, v in design.scaling.items()
        )
        + "; missing democracy or capability data get a missing-indicator.",
        "",
    ]
    out += ["## Priors", "", "| parameter | prior |", "|---|---|"]
    names = {
        "cutpoints": "cutpoints (of a row at the covariate means)",
        "rho_conflict": "rho_conflict (prior on (ρ + 1) / 2)",
    }
    out += [f"| {names.get(k, k)} | {_prior_text(v)} |" for k, v in fit.priors.items()]
    out.append("")
    s = fit.summary(0.9)
    cov = s[s["kind"].isin(["covariate", "aggressor covariate"])]
    out += [
        "## Coefficients",
        "",
        "Odds ratios for a higher level of help to the target (posterior median, 90% "
        "interval); rows `aggressor:<covariate>` are odds ratios of fighting for the aggressor. "
        "An odds ratio above 1 means the condition goes with more of it, other things equal.",
        "",
        "| covariate | meaning | odds ratio | 90% interval | in words |",
        "|---|---|---|---|---|",
    ]
    for term, r in cov.iterrows():
        out.append(
            f"| {term} | {MEANINGS.get(str(term).removeprefix('aggressor:'), str(term))} | "
            f"{_fmt(r['odds_ratio'])} | "
            f"{_fmt(r['or_lower'])} – {_fmt(r['or_upper'])} | "
            f"{_words(r['or_lower'], r['or_upper'], _WHAT[r['kind']])} |"
        )
    out += ["", "| parameter | mean | 90% interval |", "|---|---|---|"]
    for term, r in s[~s["kind"].isin(["covariate", "aggressor covariate"])].iterrows():
        out.append(f"| {term} | {_fmt(r['mean'])} | {_fmt(r['lower'])} – {_fmt(r['upper'])} |")
    out.append("")
    out += _invoked_section(fit)
    out += ["## Diagnostics", ""]
    out += [
        f"- converged: **{'yes' if d.converged else 'NO'}** (rule: r-hat ≤ 1.01, bulk and "
        "tail ESS ≥ 400, no divergences, E-BFMI ≥ 0.3)",
        f"- max r-hat {_fmt(d.max_rhat, 4)}; min bulk ESS {_fmt(d.min_ess_bulk, 0)}; "
        f"min tail ESS {_fmt(d.min_ess_tail, 0)}; divergences {d.divergences}; "
        "E-BFMI per chain " + ", ".join(_fmt(b) for b in d.ebfmi),
        "",
    ]
    out += ["## Prior predictive check", ""]
    if prior_predictive is None:
        out += ["Not run for this card.", ""]
    else:
        pp = prior_predictive
        p = pp["p_military"]
        out += [
            f"{pp['draws']} draws from the priors on the {pp['rows']} training rows. Average "
            f"P(military) across rows: median {_fmt(p['q50'])}, 90% of draws between "
            f"{_fmt(p['q05'])} and {_fmt(p['q95'])}. Share of row-draws with P(military) "
            f"below 0.01 or above 0.99: {_fmt(pp['share_extreme'])}.",
            "",
            "Prior share of each level: "
            + ", ".join(f"{k} {_fmt(v)}" for k, v in pp["category_shares"].items())
            + ". The priors allow anything from rare to common intervention without piling "
            "mass on certainty.",
            "",
        ]
    evaluations = [evaluation] if isinstance(evaluation, dict) else list(evaluation or [])
    for doc in evaluations:
        out += evaluation_section(doc, fit.data_hash)
    out += ["## Limitations", ""]
    out += [f"- {x}" for x in _LIMITATIONS]
    out.append("")
    return "\n".join(out)


def write_model_card(
    fit,
    path: str | os.PathLike,
    prior_predictive: dict[str, Any] | None = None,
    evaluation: dict | list[dict] | None = None,
) -> Path:
    """Write a fit's model card as markdown, atomically.

    Parameters
    ----------
    fit : forecast.model.Fit
        A fitted or loaded model.
    path : str or os.PathLike
        Destination, usually ``models/README.md``.
    prior_predictive : dict, optional
        The result of :func:`forecast.model.prior_predictive`.
    evaluation : dict or list of dict, optional
        Evaluation JSON documents (:meth:`forecast.evaluate.Evaluation.to_json`, e.g.
        ``models/evaluation.json``): each adds an "Out-of-sample performance" section.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = render_model_card(fit, prior_predictive, evaluation)
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _thinning(sampler: dict) -> str:
    """The card's words for a saved fit's thinning (nothing when every draw was kept)."""
    step = int(sampler.get("thin") or 1)
    if step == 1:
        return ""
    nth = {2: "second", 3: "third"}.get(step, f"{step}th")
    kept = -(-int(sampler.get("draws", 0)) // step)
    return f"; every {nth} draw saved ({kept} per chain), diagnostics from all draws"
