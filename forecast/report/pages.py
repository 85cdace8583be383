"""The report's pages, one function per page or section, each returning its flowables.

:func:`_story` strings them together in reading order:

1. :func:`_scenario_page`: the scenario in a sentence, the headline numbers in plain words
   (:func:`_headline`) and every responder's probabilities with intervals
   (:func:`_responder_table`);
2. :func:`_figure_pages`: the four figures and the table of the most likely coalitions;
3. :func:`_analogue_page`: the closest historical analogues and what happened in each;
4. the closing pages from :mod:`forecast.report.appendix`: the model and data (a red warning
   box when the fit did not converge), the out-of-sample evaluation, how to read the numbers
   and the dataset citations.

Figures appear as empty slots (:mod:`forecast.report.placement`); every number is taken
from ``Prediction.to_dict()`` and written with :mod:`forecast.report.wording`.
"""

from __future__ import annotations

import datetime as _dt
import functools

from .appendix import _evaluation_section, _model_page, _reading_notes, _sources_section
from .layout import _MUTED, _fonts, _table, _warning_box
from .placement import _slot_class
from .wording import (
    _OBLIGATION_WORDS,
    _escape,
    _join_names,
    _what_happened,
    format_interval,
    format_percent,
)


def _story(prediction, fit, d: dict, figures: list[dict], evaluation, cases_info, st, doc,
           record: list, when: _dt.datetime) -> list:  # fmt: skip
    """Every flowable of the report, in order.

    Parameters
    ----------
    prediction : forecast.coalition.Prediction
        The forecast; its analogues fill the analogue page.
    fit : forecast.model.Fit
        The fit the prediction came from.
    d : dict
        ``prediction.to_dict()``, the source of every number.
    figures : list of dict
        The figures (:func:`forecast.report.figures._figures`).
    evaluation : dict or None
        The evaluation summary (:func:`forecast.report.evaluation._evaluation_summary`).
    cases_info : mapping or None
        Extra "label: value" rows for the model-and-data table.
    st : dict
        The paragraph styles (:func:`forecast.report.layout._styles`).
    doc : reportlab.platypus.BaseDocTemplate
        The document; its frame width sets the table widths.
    record : list
        Where each figure slot records the page and rectangle it lands on.
    when : datetime.datetime
        The report's creation time.

    Returns
    -------
    list
        The flowables, ready for ``doc.build``.
    """
    width = doc.width
    slot = functools.partial(_slot_class(), doc=doc, record=record)
    warning = _convergence_warning(d, fit)
    return [
        *_scenario_page(d, st, width, when, warning),
        *_figure_pages(d, figures, st, width, slot),
        *_reasons_page(prediction, d, st, width),
        *_analogue_page(prediction, st, width),
        *_model_page(fit, d, cases_info, st, width, warning),
        *_evaluation_section(fit, evaluation, figures, st, width, slot),
        *_reading_notes(st),
        *_sources_section(fit, st, when),
    ]


def _convergence_warning(d: dict, fit) -> list[str]:
    """The lines of the red warning box; none when the fit converged."""
    if bool(d["model"]["converged"]) and bool(fit.converged):
        return []
    problems = fit.diagnostics.problems() or ["the fit is flagged as not converged"]
    return [
        "The sampler did not meet the convergence rule (r-hat at most 1.01, bulk and tail "
        "effective sample sizes at least 400, no divergent transitions, E-BFMI at least 0.3). "
        "The numbers in this report are unreliable. Refit the model with more draws and "
        "tuning steps (forecast fit --draws N --tune N) before using them.",
        "Broken rules: " + "; ".join(problems) + ".",
    ]


def _scenario_page(d: dict, st, width: float, when: _dt.datetime, warning: list[str]) -> list:
    """Page 1: the title, the scenario, the headline numbers and the responder table."""
    from reportlab.platypus import Paragraph, Spacer

    P = Paragraph
    names = [r["responder"] for r in _target_pool(d)]
    n = len(names)
    helpers = [r["responder"] for r in d["responders"] if r.get("pool") == "aggressor"]
    target, aggressor = _escape(d["target"]), _escape(d["aggressor"])
    story: list = []
    story.append(P(f"Who comes to {target}'s aid?", st["title"]))
    story.append(
        P(
            f"{_escape(d['scenario'])} · scenario forecast · {when.day} {when:%B %Y}",
            st["subtitle"],
        )
    )
    if warning:
        story += [_warning_box(warning, st, width), Spacer(1, 8)]
    story.append(
        P(
            f"<b>The scenario.</b> {aggressor} attacks {target} in {d['year']}; the forecast "
            f"covers {n} state{'s' if n != 1 else ''} that might come to {target}'s aid: "
            f"{_escape(_join_names(names))}"
            + (
                f", and {_escape(_join_names(helpers))} as "
                + ("possible helpers" if len(helpers) > 1 else "a possible helper")
                + f" of {aggressor}."
                if helpers
                else "."
            )
            + f" Each is also forecast to fight for {aggressor} or not.",
            st["lead"],
        )
    )
    if d.get("description"):
        story.append(P(_escape(" ".join(str(d["description"]).split())), st["small"]))
        story.append(Spacer(1, 4))
    story += _headline(d, st, width)
    story += _responder_table(d, st, width)
    return story


def _target_pool(d: dict) -> list[dict]:
    """The responders the target's coalition counts (the scenario's ``responders``)."""
    return [r for r in d["responders"] if r.get("pool", "target") == "target"]


def _headline(d: dict, st, width: float) -> list:
    """The headline numbers: a sentence in plain words, then three big numbers."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    P = Paragraph
    n = len(_target_pool(d))
    target, aggressor = _escape(d["target"]), _escape(d["aggressor"])
    coal = d["coalition"]
    story: list = []
    p_any, p_all, e_size = coal["p_any"], coal["p_all"], coal["expected_size"]
    other = d.get("aggressor_side")
    backed = (
        f" The chance that at least one listed state fights for {aggressor} is "
        f"<b>{format_percent(other['p_any'])}</b>; the chance that more states fight for "
        f"{target} than for {aggressor} is <b>{format_percent(d['p_target_side_larger'])}</b>."
        if other
        else ""
    )
    story.append(
        P(
            f"<b>In plain words.</b> The chance that at least one of the listed states comes to "
            f"{target}'s military aid is <b>{format_percent(p_any)}</b>; the chance that all "
            f"{n} do is <b>{format_percent(p_all)}</b>; the chance that none does is "
            f"<b>{format_percent(coal['p_none'])}</b>. On average <b>{e_size:.1f}</b> of the "
            f"{n} states are expected to fight on {target}'s side." + backed,
            st["body"],
        )
    )
    third = width / 3
    big = [
        [
            P(format_percent(p_any), st["big"]),
            P(format_percent(p_all), st["big"]),
            P(f"{e_size:.1f}", st["big"]),
        ],
        [
            P(f"chance that anyone comes to {target}'s military aid", st["bigcap"]),
            P(f"chance that all {n} listed responders do", st["bigcap"]),
            P(f"expected number of states fighting (of {n})", st["bigcap"]),
        ],
    ]
    headline = Table(big, colWidths=[third] * 3)
    headline.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _fonts()["regular"]),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#EEF3F7")),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.6, colors.white),
                ("LINEBEFORE", (1, 0), (1, -1), 3, colors.white),
                ("LINEBEFORE", (2, 0), (2, -1), 3, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [Spacer(1, 3), headline, Spacer(1, 10)]
    return story


def _responder_table(d: dict, st, width: float) -> list:
    """Each responder's P(diplomatic or more), P(material or more) and P(military)."""
    from reportlab.platypus import Paragraph, Spacer

    P = Paragraph
    target = _escape(d["target"])
    story: list = []
    story.append(P("Each responder", st["h2"]))
    level = f"{d['interval']:.0%}"
    head = [
        P("<b>state</b>", st["cell"]),
        P("<b>commitment to the target</b>", st["cell"]),
        P("<b>diplomatic or more</b>", st["cell"]),
        P("<b>material or more</b>", st["cell"]),
        P("<b>military</b>", st["cell"]),
        P(f"<b>fights for {_escape(d['aggressor'])}</b>", st["cell"]),
    ]
    rows = [head]
    for r in d["responders"]:
        keys = ("p_diplomatic_plus", "p_material_plus", "p_military", "p_sided_with_aggressor")
        cells = [format_interval(**r[k]) for k in keys]
        rows.append(
            [
                P(_escape(r["responder"]), st["cellbold"]),
                P(_escape(_OBLIGATION_WORDS.get(r["obligation"], r["obligation"])), st["cell"]),
                *(P(c, st["cell"]) for c in cells),
            ]
        )
    story.append(_table(rows, [0.2 * width, 0.16 * width] + [0.16 * width] * 4))
    story.append(Spacer(1, 4))
    story.append(
        P(
            f"Best estimate with its {level} interval in brackets: the model gives a "
            f"{level} chance that the true probability lies in that range. “Diplomatic or "
            "more” counts any help (statements, sanctions, arms, fighting); “material or more” "
            f"counts arms, money or supplies and fighting; “military” means joining the "
            f"fighting on {target}'s side; “fights for” the aggressor counts joining the "
            "aggressor's side, which the model treats as one decision with the level of help to "
            f"{target}. Probabilities are rounded to whole percentages; "
            f"the simulation used {d['draws']:,} draws (seed {d['seed']}).",
            st["small"],
        )
    )
    return story


def _figure_pages(d: dict, figures: list[dict], st, width: float, slot) -> list:
    """Pages 2-3: the figures (but the reliability diagram) and the most likely coalitions."""
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph

    P = Paragraph
    coal = d["coalition"]
    story: list = []
    story.append(PageBreak())
    story.append(P("The forecast in figures", st["h1"]))
    for fig in figures:
        if fig["key"] == "reliability":
            continue
        block = [
            slot(fig["key"], fig["width"], fig["height"]),
            P(_escape(fig["caption"]), st["caption"]),
        ]
        story.append(KeepTogether(block))
    top = coal["most_likely"]
    if top:
        rows = [[P("<b>coalition (states fighting)</b>", st["cell"]),
                 P("<b>size</b>", st["cell"]), P("<b>probability</b>", st["cell"])]]  # fmt: skip
        for c in top:
            members = ", ".join(c["members"]) if c["members"] else "nobody"
            rows.append([P(_escape(members), st["cell"]), P(str(c["size"]), st["cell"]),
                         P(format_percent(c["probability"]), st["cell"])])  # fmt: skip
        story.append(
            KeepTogether(
                [
                    P("The most likely coalitions", st["h2"]),
                    _table(rows, [0.72 * width, 0.1 * width, 0.18 * width]),
                ]
            )
        )
    return story


def _reasons_page(prediction, d: dict, st, width: float) -> list:
    """The strongest reasons behind each responder's two forecasts (log-odds terms)."""
    from reportlab.platypus import PageBreak, Paragraph

    reasons = prediction.reasons()
    if len(reasons) == 0:
        return []
    P = Paragraph
    story: list = [PageBreak(), P("Why these numbers", st["h1"])]
    story.append(
        P(
            "The conditions that move each forecast most, with their weight on the log-odds "
            "scale (+1 multiplies the odds by 2.7, −1 divides them by 2.7): the model's "
            "posterior-mean coefficient of each condition present in this case (a "
            "commitment's type, conditions and invocation added into one reason, as are the "
            "size of the attack's pool and how many in it are bound to the aggressor), and the "
            "state's own record (its estimated tendency to help, all else equal). A new war's "
            "own intensity, unknown beforehand, is not among them: it is why the intervals "
            "are wide.",
            st["body"],
        )
    )
    heads = ("responder", f"helping {d['target']}", f"fighting for {d['aggressor']}")
    rows = [[P(f"<b>{_escape(h)}</b>", st["cell"]) for h in heads]]
    for name in prediction.responders:
        cells = [P(_escape(name), st["cellbold"])]
        for side in ("target", "aggressor"):
            part = reasons[(reasons["responder"] == name) & (reasons["side"] == side)]
            text = "<br/>".join(
                f"{_escape(m)} {c:+.1f}"
                for m, c in zip(part["meaning"], part["contribution"], strict=True)
            )
            cells.append(P(text or "—", st["cell"]))
        rows.append(cells)
    story.append(_table(rows, [0.2 * width, 0.4 * width, 0.4 * width]))
    return story


def _analogue_page(prediction, st, width: float) -> list:
    """The closest historical analogue of each responder and what happened in it."""
    from reportlab.platypus import PageBreak, Paragraph

    P = Paragraph
    story: list = []
    story.append(PageBreak())
    story.append(P("Historical analogues", st["h1"]))
    story.append(
        P(
            "For each responder, the past decision in the case table most like it: the same "
            "kind of written commitment to the attacked state, in a crisis of the same scale "
            "(a war, or a dispute), nearest on the other factors "
            "the model uses (major power, democracy, borders, nuclear weapons, capabilities, "
            "alliance age), preferring the same state and the same attacker. They show the "
            "kind of evidence behind the numbers; they are not the forecast.",
            st["body"],
        )
    )
    analogues = prediction.analogues
    if analogues is None or len(analogues) == 0:
        story.append(P("No analogues were computed for this report.", st["body"]))
    else:
        heads = ("responder", "historical case", "state", "commitment", "what happened")
        rows = [[P(f"<b>{h}</b>", st["cell"]) for h in heads]]
        for rec in analogues.to_dict("records"):
            case = f"{rec.get('conflict', '')} ({rec.get('year', '')})"
            extra = f"<br/><font size=6.5 color='{_MUTED}'>{_escape(rec.get('target', ''))} " \
                f"attacked by {_escape(rec.get('aggressor', ''))}</font>"  # fmt: skip
            ob = str(rec.get("obligation", ""))
            alliance = str(rec.get("alliance") or "")
            commitment = _OBLIGATION_WORDS.get(ob, ob)
            if alliance and alliance not in ("nan", "<NA>"):
                commitment += f" ({alliance})"
            rows.append(
                [
                    P(_escape(rec.get("responder", "")), st["cellbold"]),
                    P(_escape(case) + extra, st["cell"]),
                    P(_escape(rec.get("supporter", "")), st["cell"]),
                    P(_escape(commitment), st["cell"]),
                    P(_escape(_what_happened(rec)), st["cell"]),
                ]
            )
        story.append(_table(rows, [w * width for w in (0.16, 0.32, 0.15, 0.18, 0.19)]))
    return story
