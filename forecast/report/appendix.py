"""The report's closing pages: how the forecast was made and what it rests on.

"Model and data" (:func:`_model_page`): the case table, the sampler settings and the
convergence diagnostics, with the red warning box when the fit did not converge; the
out-of-sample evaluation and its reliability diagram (:func:`_evaluation_section`); a note
on how to read the numbers (:func:`_reading_notes`); and the dataset citations with the line
saying which version made the report (:func:`_sources_section`).
"""

from __future__ import annotations

import datetime as _dt
import math

from .. import __version__
from .citations import CITATIONS
from .evaluation import _SCORE_COLUMNS
from .layout import _table, _warning_box
from .wording import _PREDICTOR_WORDS, _escape, format_percent


def _model_page(fit, d: dict, cases_info, st, width: float, warning: list[str]) -> list:
    """The model and data: case table, sampler settings and convergence diagnostics."""
    from reportlab.platypus import CondPageBreak, Paragraph, Spacer

    P = Paragraph
    converged = not warning
    diag = fit.diagnostics
    story: list = []
    story.append(CondPageBreak(250))
    story.append(P("Model and data", st["h1"]))
    if warning:
        story += [_warning_box(warning, st, width), Spacer(1, 8)]
    sampler = fit.sampler or {}
    ebfmi = ", ".join(f"{b:.2f}" for b in diag.ebfmi) or "n/a"
    facts = [
        ("historical cases (rows) the model was fitted to", f"{fit.n_cases:,}"),
        ("case-table hash", P(_escape(fit.data_hash), st["mono"])),
        (
            "sampler",
            f"{sampler.get('name', 'n/a')}: {sampler.get('chains', '?')} chains × "
            f"{sampler.get('draws', '?')} draws after {sampler.get('tune', '?')} tuning "
            f"steps, seed {fit.seed}",
        ),
        ("largest r-hat (rule: at most 1.01)", f"{diag.max_rhat:.3f}"),
        (
            "smallest bulk / tail effective sample size (rule: at least 400)",
            f"{diag.min_ess_bulk:.0f} / {diag.min_ess_tail:.0f}",
        ),
        ("divergent transitions (rule: none)", f"{diag.divergences}"),
        ("E-BFMI per chain (rule: at least 0.3)", ebfmi),
        ("converged", "yes" if converged else "NO"),
        ("forecast simulation", f"{d['draws']:,} draws, seed {d['seed']}"),
    ]
    for key, value in (cases_info or {}).items():
        facts.append((str(key), str(value)))
    rows = [
        [P(_escape(k), st["cell"]), v if not isinstance(v, str) else P(_escape(v), st["cell"])]
        for k, v in facts
    ]
    story.append(_table(rows, [0.45 * width, 0.55 * width], header=False))
    return story


def _evaluation_section(fit, evaluation, figures: list[dict], st, width: float, slot) -> list:
    """The out-of-sample scores and the reliability diagram, or how to produce them."""
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    P = Paragraph
    story: list = []
    story.append(P("Out-of-sample evaluation", st["h2"]))
    if evaluation is None:
        story.append(
            P(
                "No out-of-sample evaluation was supplied. Run “forecast evaluate” (it writes "
                "models/evaluation.json) to see how well the model predicts conflicts it was "
                "not fitted to.",
                st["body"],
            )
        )
    elif evaluation.get("note"):
        story.append(P(_escape(evaluation["note"]), st["body"]))
    else:
        scheme = evaluation.get("scheme") or "cross-validation"
        folds = evaluation.get("folds")
        intro = (
            f"Scores on rows held out from fitting ({_escape(scheme)} scheme"
            f"{f', {folds} folds' if folds else ''}), for the model and simple "
            "baselines. Brier score, log score, ranked probability score (RPS) and expected "
            "calibration error (ECE) are losses (lower is better); AUC measures ranking "
            "(higher is better)."
        )
        if evaluation.get("converged") is False:
            intro += " Not every fold's fit converged."
        if evaluation.get("data_hash") and evaluation["data_hash"] != fit.data_hash:
            intro += " The evaluation used a different case table than this fit."
        story.append(P(intro, st["body"]))
        scores = evaluation["scores"]
        header = [P("<b>predictor</b>", st["cell"])] + [
            P(f"<b>{label}</b>", st["cell"]) for _, label in _SCORE_COLUMNS
        ]
        rows = [header]
        for predictor, values in scores.iterrows():
            cells = []
            for key, _ in _SCORE_COLUMNS:
                v = values.get(key)
                ok = v is not None and not (isinstance(v, float) and math.isnan(v))
                cells.append(
                    P(
                        ("n/a" if not ok else f"{int(v):,}" if key == "n" else f"{float(v):.3f}"),
                        st["cell"],
                    )
                )
            label = _PREDICTOR_WORDS.get(str(predictor), str(predictor))
            style = st["cellbold"] if predictor == "model" else st["cell"]
            rows.append([P(_escape(label), style), *cells])
        story.append(_table(rows, [0.34 * width] + [0.11 * width] * 6))
        for fig in figures:
            if fig["key"] == "reliability":
                story.append(Spacer(1, 6))
                story.append(
                    KeepTogether(
                        [
                            slot(fig["key"], fig["width"], fig["height"]),
                            P(_escape(fig["caption"]), st["caption"]),
                        ]
                    )
                )
    return story


def _reading_notes(st) -> list:
    """How to read the numbers: what they mean, what the model uses and cannot know."""
    from reportlab.platypus import Paragraph

    P = Paragraph
    story: list = []
    story.append(P("How to read these numbers", st["h2"]))
    notes = [
        "Each probability is the model's estimate of how often a state in this position "
        "would act, learned from every recorded case since 1816 in which a state was "
        f"attacked and others had to decide whether to help. A {format_percent(0.3)} chance "
        "of military help means: in about three of ten crises like this one, the state would "
        "join the fighting. The interval shows how sure the model is about that estimate.",
        "The model weighs what history shows to matter: the kind of written commitment "
        "(a defence pact or none) and whether this attack is the occasion it names, above "
        "all when the attacker is the helper's own rival; whether the helper is a major "
        "power, a democracy, a neighbour, or nuclear-armed, the balance of capabilities, "
        "how old the alliance is, rivalries, distance, how many states the attack could "
        "draw in and how many of them are bound to the aggressor, and the era. Each state, "
        "each alliance and each attack also gets its own tendency, estimated from its past "
        "record.",
        "Decisions are not independent. Every crisis has its own character (how clear the "
        "aggression is, how high the stakes are), shared by all who decide, and members of "
        "one alliance share a further common shock. The model draws these shared effects "
        "once per simulated crisis, so states tend to go in together or stay out together: "
        "that is why the conditional figure differs from the plain probabilities and why "
        "“everyone” or “no one” is likelier than independent coin flips would suggest.",
        "What the model cannot know: leaders, public opinion, secret agreements, troops "
        "already in place, or how a war is going. It knows only the factors above as coded in "
        "the data, and assumes the future resembles the past. Treat the numbers as a "
        "calibrated starting point for judgement, not as a substitute for it.",
    ]
    story += [P(text, st["body"]) for text in notes]
    return story


def _sources_section(fit, st, when: _dt.datetime) -> list:
    """The dataset citations and the line saying which version made the report, and when."""
    from reportlab.platypus import Paragraph, Spacer

    P = Paragraph
    story: list = []
    story.append(P("Data sources", st["h2"]))
    story.append(
        P(
            "The case table is built from the original research files below (see the "
            "codebook, data/README.md, for every coding decision); the last entries are the "
            "studies of alliance reliability the model card compares with. Cite them when "
            "using these results (`forecast cite` prints them as BibTeX).",
            st["body"],
        )
    )
    for name, ref in CITATIONS:
        story.append(P(f"<b>{_escape(name)}.</b> {_escape(ref)}", st["small"]))
    story.append(Spacer(1, 6))
    story.append(
        P(
            f"Produced by forecast {__version__} on {when:%Y-%m-%d %H:%M} UTC from the fit "
            f"with case-table hash {_escape(fit.data_hash)}.",
            st["small"],
        )
    )
    return story
