"""The model card's out-of-sample sections, from saved evaluation documents.

:func:`evaluation_section` turns one ``forecast evaluate`` JSON document (any scheme) into the
card's Markdown: the settings, the war-scale headline with the goals and their intervals, the
scores by the state in need's role and all rows pooled, in numbers and words.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["evaluation_section"]


def _fmt(x: float, digits: int = 2) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def evaluation_section(evaluation: dict[str, Any], data_hash: str = "") -> list[str]:
    """Markdown lines for the out-of-sample section, from an evaluation's JSON document."""
    settings = evaluation.get("settings", {})
    scores = evaluation.get("scores", {})
    scheme = settings.get("scheme", "?")
    out = [
        f"## Out-of-sample performance ({scheme} scheme)",
        "",
        f"Written {evaluation.get('created_at', '?')} by forecast "
        f"{evaluation.get('forecast_version', '?')}.",
        "",
    ]
    if data_hash and evaluation.get("data_hash") not in (None, data_hash):
        out += ["**This evaluation was run on a different case table from this fit's.**", ""]
    out += [
        f"Scheme `{scheme}`, {settings.get('folds', '?')} folds, "
        f"{settings.get('chains', '?')} chains x ({settings.get('tune', '?')} tuning + "
        f"{settings.get('draws', '?')} draws) per fold; every score is on held-out rows "
        "(lower is better, except AUC).",
        "",
    ]
    if not evaluation.get("converged", False):
        bad = [f for f in evaluation.get("folds") or [] if not f.get("converged", False)]
        which = "; ".join(
            f"fold {f.get('fold')}: {f.get('problems') or 'not converged'}" for f in bad
        )
        out += [
            "**Some fold fits did not converge: these scores are provisional**"
            + (f" ({which})." if which else "."),
            "",
        ]
    else:
        out += [
            "Every fold fit converged (r-hat ≤ 1.01, bulk and tail ESS ≥ 400, no "
            "divergences, E-BFMI ≥ 0.3).",
            "",
        ]
    out += _headline_lines(evaluation)
    out += ["All rows pooled (nearly all of them disputes):", ""]
    out += ["| predictor | Brier | log score | RPS | AUC | calibration error (ECE) |"]
    out += ["|---|---|---|---|---|---|"]
    for name, sc in scores.items():
        cells = [_fmt(sc.get(k, float("nan")), 5) for k in ("brier", "log_score", "rps")]
        cells += [_fmt(sc.get("auc", float("nan")), 3), _fmt(sc.get("ece", float("nan")), 4)]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += ["", *_evaluation_words(scores, evaluation.get("reliability") or []), ""]
    return out


_GOAL_WORDS = {
    "brier_ratio": "Brier over the base rate's",
    "log_score_vs_logistic": "log score minus the pooled logistic regression's",
    "auc": "AUC",
    "calibration_above_0.1": "mean prediction minus observed share, predictions ≥ 0.1",
}


def _headline_lines(evaluation: dict[str, Any]) -> list[str]:
    """The war-scale target-side scores and the goals, from an evaluation document."""
    rows = [
        r for r in evaluation.get("scores_by_scale") or []
        if r.get("scale") == "war" and r.get("side") == "target"
    ]  # fmt: skip
    if not rows:
        return []
    out = ["War-scale crises (COW wars and curated cases), help to the target: the headline.", ""]
    out += ["| predictor | Brier | log score | AUC | rows | fought |", "|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r['predictor']} | {_fmt(r.get('brier'), 5)} | {_fmt(r.get('log_score'), 4)} | "
            f"{_fmt(r.get('auc'), 3)} | {r.get('n')} | {r.get('n_events')} |"
        )
    roles = [r for r in evaluation.get("scores_by_role") or [] if r.get("predictor") == "model"]
    if roles:
        out += [
            "",
            "The model's war-scale rows by the state in need's role (attacked, or entered a war "
            "under way by its own act):",
            "",
            "| role | Brier | log score | AUC | mean prediction | share that fought | rows |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in roles:
            out.append(
                f"| {r['role']} | {_fmt(r.get('brier'), 5)} | {_fmt(r.get('log_score'), 4)} | "
                f"{_fmt(r.get('auc'), 3)} | {_fmt(r.get('mean_predicted'), 4)} | "
                f"{_fmt(r.get('observed_rate'), 4)} | {r.get('n')} |"
            )
    goals = evaluation.get("goals") or []
    if goals:
        head = (
            "| goal | value | 90% interval, held-out conflicts resampled | each conflict at its "
            "own share that fought (not a forecast) | bound | met |"
        )
        out += ["", head, "|---|---|---|---|---|---|"]
        for g in goals:
            iv = (g.get("lower"), g.get("upper"))
            out.append(
                f"| {_GOAL_WORDS.get(g['goal'], g['goal'])} | {_fmt(g.get('value'), 3)} | "
                f"{'–' if None in iv else ' to '.join(_fmt(x, 3) for x in iv)} | "
                f"{_fmt(g.get('own_share'), 3)} | "
                f"{_fmt(g.get('target'), 2)} | {'yes' if g.get('met') else 'no'} |"
            )
        out += [
            "",
            "The fourth column scores every held-out row at its own conflict's share of "
            "potential responders that fought, read from the outcomes: the best any predictor "
            "can do that gives all states of a war one number. A goal beyond it needs more "
            "than knowing which wars draw states in: ranking the states within a war.",
        ]
    return [*out, ""]


def _evaluation_words(scores: dict[str, dict], reliability: list[dict]) -> list[str]:
    """Sentences comparing the model with the baselines and the goals, from the scores."""
    model = scores.get("model")
    if not model:
        return []
    out = []
    names = {"base_rate": "the base rate", "logistic": "the pooled logistic regression"}
    for key, words in names.items():
        other = scores.get(key) or {}
        if other.get("brier") and other.get("log_score"):
            out.append(
                f"Against {words}: Brier {model['brier'] / other['brier']:.3f} times its "
                f"score, log score {model['log_score'] / other['log_score']:.3f} times "
                "(below 1 is better)."
            )
    rows = [r for r in reliability if r.get("predictor") == "model" and r.get("n")]
    total = sum(r["n"] for r in rows)
    high = [r for r in rows if r.get("lower", 0) >= 0.1]
    n_high = sum(r["n"] for r in high)
    if total:
        text = f"{1 - n_high / total:.1%} of held-out predictions are below 0.1"
        if n_high:
            pred = sum(r["n"] * r["mean_predicted"] for r in high) / n_high
            fought = round(sum(r["n"] * r["observed_rate"] for r in high))
            text += (
                f"; the {n_high} at or above 0.1 had a mean prediction of {pred:.2f}, and "
                f"{fought} of them ({fought / n_high:.0%}) fought"
            )
        out.append(text + ".")
    return [" ".join(out)] if out else []
