"""Print the README's evaluation tables (Markdown) from the evaluation files.

Reads what ``forecast evaluate`` wrote (``models/evaluation.json``,
``models/evaluation-temporal.json`` and ``models/evaluation-backtest.json``; a missing file is
skipped) and prints, per cross-validation scheme, the war-scale and dispute scores of both
sides against the baselines, the war-scale scores by the state in need's role and the
headline goals, then the backtest's per-crisis table.

Run from the project root after the evaluations::

    .venv/bin/python scripts/evaluation_tables.py [MODELS_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_GOALS = {
    "brier_ratio": "Brier / base rate's",
    "log_score_vs_logistic": "log score − logistic regression's",
    "auc": "AUC",
    "calibration_above_0.1": "mean prediction − observed share, predictions ≥ 0.1",
}


def _num(x, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _scheme(doc: dict) -> None:
    s = doc["settings"]
    folds = doc.get("folds", [])
    bad = [
        f"fold {f['fold']}" + (f" ({f['problems']})" if f.get("problems") else "")
        for f in folds
        if not f.get("converged")
    ]
    rhat = max((f.get("max_rhat") or 0) for f in folds) if folds else None
    print(
        f"**{s['scheme']} scheme** ({len(folds)} folds, {s['chains']} chains × ({s['tune']} + "
        f"{s['draws']}) per fold, seed {s['seed']}; folds not converged: "
        f"{', '.join(map(str, bad)) or 'none'}; max r-hat {_num(rhat)})\n"
    )
    print("| scale | side | predictor | Brier | log score | AUC | rows | events |")
    print("|---|---|---|---|---|---|---|---|")
    for r in doc.get("scores_by_scale", []):
        print(
            f"| {r['scale']} | {r['side']} | {r['predictor']} | {_num(r.get('brier'), 5)} | "
            f"{_num(r.get('log_score'), 4)} | {_num(r.get('auc'))} | {r.get('n')} | "
            f"{r.get('n_events')} |"
        )
    if doc.get("scores_by_role"):
        print(
            "\n| war-scale, target side: the state in need | predictor | Brier | log score | "
            "AUC | mean prediction | share that fought | rows | events |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for r in doc["scores_by_role"]:
            role = "attacked" if r["role"] == "attacked" else "entered a war under way"
            print(
                f"| {role} | {r['predictor']} | {_num(r.get('brier'), 5)} | "
                f"{_num(r.get('log_score'), 4)} | {_num(r.get('auc'))} | "
                f"{_num(r.get('mean_predicted'), 4)} | {_num(r.get('observed_rate'), 4)} | "
                f"{r.get('n')} | {r.get('n_events')} |"
            )
    print(
        "\n| goal (war-scale, target side) | value | 90% interval, conflicts resampled | "
        "each war at its own share (not a forecast) | bound | met |\n|---|---|---|---|---|---|"
    )
    for g in doc.get("goals", []):
        print(
            f"| {_GOALS.get(g['goal'], g['goal'])} | {_num(g.get('value'))} | "
            f"{_num(g.get('lower'))} to {_num(g.get('upper'))} | {_num(g.get('own_share'))} | "
            f"{_num(g.get('target'), 2)} | {'yes' if g.get('met') else 'no'} |"
        )
    print()


def _backtest(doc: dict) -> None:
    s = doc["settings"]
    print(
        f"**backtest** ({s['chains']} chains × ({s['tune']} + {s['draws']}) per crisis, seed "
        f"{s['seed']})\n"
    )
    print(
        "| crisis | responders | fought for the target | fought for the aggressor | "
        "Brier, model | Brier, base rate | ratio | highest forecasts (P, what happened) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    rows = doc.get("rows", [])
    for c in doc.get("crises", []):
        mine = sorted(
            (r for r in rows if r["crisis"] == c["crisis"]), key=lambda r: -r["p_military"]
        )[:3]
        top = "; ".join(
            f"{r['supporter']} {r['p_military']:.2f} ({'fought' if r['military'] else 'not'})"
            for r in mine
        )
        print(
            f"| {c['crisis']} | {c['n']} | {c['n_military']} | {c['n_sided_with_aggressor']} | "
            f"{_num(c['brier_model'])} | {_num(c['brier_base_rate'])} | "
            f"{_num(c['brier_ratio'], 2)} | {top} |"
        )
    print()


def main(models: str = "models") -> None:
    """Print every table whose evaluation file exists."""
    base = Path(models)
    for name in ("evaluation.json", "evaluation-temporal.json"):
        if (base / name).exists():
            _scheme(json.loads((base / name).read_text(encoding="utf-8")))
    if (base / "evaluation-backtest.json").exists():
        _backtest(json.loads((base / "evaluation-backtest.json").read_text(encoding="utf-8")))


if __name__ == "__main__":
    main(*sys.argv[1:])
