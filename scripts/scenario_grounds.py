"""Print each example scenario's forecasts beside their grounds, as the README's Markdown.

For every responder: P(military help to the target) and P(fighting for the aggressor) with
their 90% intervals, the strongest reasons the model has for them (each covariate's
contribution on the log-odds scale against a row at the training means, and the state's own
record; :meth:`forecast.Prediction.reasons`), and the state's nearest historical analogue.

Run from the project root after ``forecast fit``::

    .venv/bin/python scripts/scenario_grounds.py [models/default.nc] > /tmp/grounds.md
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import forecast
from forecast.analogues import closest_analogues
from forecast.coalition import predict
from forecast.scenario import load_scenario, scenario_rows

SCENARIOS = ("baltic", "taiwan", "armenia", "korea", "philippines", "poland")


def _reasons(p, name: str, side: str) -> str:
    r = p.reasons(n=3)
    r = r[(r["responder"] == name) & (r["side"] == side)]
    return "; ".join(f"{m} {c:+.1f}" for m, c in zip(r["meaning"], r["contribution"], strict=True))


def main(path: str = "models/default.nc") -> None:
    """Print one Markdown table per scenario."""
    fit = forecast.load(path)
    cases = forecast.load_cases()
    d = fit.diagnostics
    state = (
        "converged"
        if d.converged
        else "**not converged by the project's rule**: " + ("; ".join(d.problems()))
    )
    print("# Present-day forecasts and their grounds\n")
    print(
        f"Written by `.venv/bin/python scripts/scenario_grounds.py > docs/forecasts.md` from "
        f"`{path}` ({fit.sampler.get('chains')} chains × {fit.sampler.get('draws')} draws"
        + (
            f", {fit.sampler['draws'] // thin} per chain saved"
            if (thin := fit.sampler.get("thin", 1)) > 1
            else ""
        )
        + ", "
        f"data hash `{fit.data_hash[:19]}`; {state}; max r-hat {d.max_rhat:.4f}, min bulk/tail "
        f"ESS {d.min_ess_bulk:.0f}/{d.min_ess_tail:.0f}). For every responder of every example "
        "scenario: the posterior mean of P(military help to the target) and of P(fighting for "
        "the aggressor) with 90% intervals; the strongest reasons behind each "
        "(`forecast.Prediction.reasons`: the log-odds term of each condition present, the "
        "posterior-mean coefficient times the covariate, the terms of one fact added: a "
        "commitment's type, conditions and invocation, the attack's pool; and the state's "
        "own record, its supporter effect; +1 multiplies the odds by 2.7); and the "
        "responder's nearest historical analogue among cases of the same crisis scale. The "
        "README discusses them.\n"
    )
    for stem in SCENARIOS:
        scenario = load_scenario(Path("data/scenarios") / f"{stem}.toml")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = predict(fit, scenario, n_analogues=0)
        near = closest_analogues(
            scenario_rows(scenario), cases, fit.design.scaling, per_responder=1
        )
        near = near.set_index("responder")
        frame = p.responders_frame().set_index("responder")
        s = scenario
        print(f"**{s.name}** ({s.aggressor} attacks {s.target}; `data/scenarios/{stem}.toml`)\n")
        print(
            f"| responder | P(fights for {s.target}) | reasons for helping {s.target} | "
            f"P(fights for {s.aggressor}) | reasons for fighting for {s.aggressor} | "
            "nearest analogue |"
        )
        print("|---|---|---|---|---|---|")
        for name, r in frame.iterrows():
            a = near.loc[name] if name in near.index else None
            analogue = (
                f"{a['conflict']} {int(a['year'])}: {'fought' if a['military'] else 'did not'}"
                if a is not None
                else ""
            )
            print(
                f"| {name} | {r['p_military']:.2f} ({r['p_military_lower']:.2f}–"
                f"{r['p_military_upper']:.2f}) | {_reasons(p, name, 'target')} | "
                f"{r['p_sided_with_aggressor']:.2f} ({r['p_sided_with_aggressor_lower']:.2f}–"
                f"{r['p_sided_with_aggressor_upper']:.2f}) | {_reasons(p, name, 'aggressor')} | "
                f"{analogue} |"
            )
        print()


if __name__ == "__main__":
    main(*sys.argv[1:])
