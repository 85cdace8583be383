"""``forecast evaluate``: cross-validation (conflict, temporal) and the famous-crises backtest."""

from __future__ import annotations

from pathlib import Path

import click

from ..model.defaults import BACKTEST_FIT, EVALUATION_FIT
from .app import (
    _CASES_OPTION,
    _COVARIATES_OPTION,
    COUNT,
    SEED,
    Whole,
    _convergence_said_once,
    _echo_err,
    _save_figure,
    _table,
    cli,
    format_option,
    output_option,
)


@cli.command("evaluate")
@_CASES_OPTION
@click.option(
    "--scheme",
    type=click.Choice(["conflict", "temporal", "backtest"]),
    default="conflict",
    show_default=True,
    help="Grouped folds by conflict, fit-past/score-future, or the backtest of twelve "
    "famous crises (each left out in turn).",
)
@click.option(
    "--folds",
    type=Whole(2, 1000),
    default=5,
    show_default=True,
    help="Folds of the conflict scheme.",
)
@format_option("table", "json")
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every held-out row's predictions here (.csv or .parquet).",
)
@output_option(
    "Where to write the results (JSON; figures beside it) [default: "
    "models/evaluation.json, or models/evaluation-<scheme>.json for the others]."
)
@click.option(
    "--jobs",
    type=COUNT,
    default=1,
    show_default=True,
    help="Folds fitted in parallel on local processes.",
)
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:port).")
@click.option(
    "--draws",
    type=COUNT,
    help=f"Draws per chain of each fit [default: {EVALUATION_FIT['conflict']['draws']}; "
    f"temporal {EVALUATION_FIT['temporal']['draws']}; backtest {BACKTEST_FIT['draws']}].",
)
@click.option(
    "--tune",
    type=COUNT,
    help=f"Tuning steps per chain [default: {EVALUATION_FIT['conflict']['tune']}; backtest "
    f"{BACKTEST_FIT['tune']}].",
)
@click.option(
    "--chains",
    type=COUNT,
    help=f"Chains of each fit [default: {EVALUATION_FIT['conflict']['chains']}; backtest "
    f"{BACKTEST_FIT['chains']}].",
)
@click.option("--seed", type=SEED, default=EVALUATION_FIT["conflict"]["seed"], show_default=True)
@_COVARIATES_OPTION
def evaluate_command(
    cases,
    scheme,
    folds,
    fmt,
    predictions,
    output,
    jobs,
    scheduler,
    draws,
    tune,
    chains,
    seed,
    covariates,
) -> None:
    """Cross-validate the model against three baselines on held-out conflicts."""
    from ..cases import load_cases
    from ..evaluate import evaluate
    from ..plots import plot_reliability, plot_scores

    if output is None:
        suffix = "" if scheme == "conflict" else f"-{scheme}"
        output = Path("models") / f"evaluation{suffix}.json"
    table = load_cases(cases)
    if scheme == "backtest":
        given = {"draws": draws, "tune": tune, "chains": chains}
        draws, tune, chains = (BACKTEST_FIT[k] if v is None else v for k, v in given.items())
        _backtest(table, output, fmt, jobs, scheduler, draws, tune, chains, seed)
        return
    with _convergence_said_once():
        result = evaluate(
            table, scheme, folds, draws=draws, tune=tune, chains=chains, seed=seed, jobs=jobs,
            scheduler=scheduler, progress=fmt == "table", covariates=covariates,
        )  # fmt: skip
    result.write_json(output)
    figures = [("reliability", plot_reliability, result), ("scores", plot_scores, result.scores)]
    rel = result.scale_reliability
    for scale in ("war", "dispute"):  # reliability per crisis scale, target side
        part = rel[rel["scale"] == scale] if len(rel) else rel
        if len(part):
            figures.append((f"reliability-{scale}", plot_reliability, part))
    for name, plot, arg in figures:
        ax = plot(arg)
        _save_figure(ax.figure, output.with_name(f"{output.stem}-{name}.svg"))
    if predictions is not None:
        result.write_predictions(predictions)
    if not result.converged:
        _warn_unconverged_fits(result.folds, "fold", "FOLD FITS", "scores are provisional")
    if fmt == "json":
        click.echo(output.read_text(encoding="utf-8").rstrip("\n"))  # the document written
    else:
        by = result.scale_scores
        for scale, side, title in (
            ("war", "target", "war-scale crises, help to the target (the headline)"),
            ("war", "aggressor", "war-scale crises, fighting for the aggressor"),
            ("dispute", "target", "disputes (MIDs), help to the target"),
        ):
            part = by[(by["scale"] == scale) & (by["side"] == side)] if len(by) else by
            if len(part):
                shown = part.drop(columns=["scale", "side"])
                click.echo(_table(shown, f"Held-out scores ({scheme} scheme): {title}"))
        if len(result.role_scores):
            click.echo(
                _table(
                    result.role_scores,
                    f"Held-out scores ({scheme} scheme): war-scale crises, help to the target, "
                    "by the state in need's role (attacked; entered a war under way)",
                )
            )
        click.echo(_table(result.scores.reset_index(), f"Held-out scores ({scheme}): all rows"))
        if len(result.goals):
            click.echo(_table(result.goals, "Goals, war-scale crises, help to the target"))
        click.echo(f"results: {output}")


def _warn_unconverged_fits(table, key: str, fits: str, consequence: str) -> None:
    """Say on stderr which fits of a fold or crisis table missed the rule, and which part."""
    bad = table.loc[~table["converged"].astype(bool)]
    problems = bad["problems"] if "problems" in bad else [""] * len(bad)
    which = "; ".join(
        f"{key} {k}: {p or 'not converged'}" for k, p in zip(bad[key], problems, strict=True)
    )
    _echo_err(f"WARNING: SOME {fits} HAVE NOT CONVERGED: {consequence} ({which})")


def _backtest(table, output: Path, fmt, jobs, scheduler, draws, tune, chains, seed) -> None:
    """``forecast evaluate --scheme backtest``: fit, write the JSON and the figure, print."""
    from ..evaluate import backtest
    from ..plots import plot_backtest

    with _convergence_said_once():
        result = backtest(
            table, draws=draws, tune=tune, chains=chains, seed=seed, jobs=jobs,
            scheduler=scheduler, progress=fmt == "table",
        )  # fmt: skip
    result.write_json(output)
    ax = plot_backtest(result.rows, result.crises)
    _save_figure(ax.figure, output.with_name(f"{output.stem}-crises.svg"))
    if not result.converged:
        _warn_unconverged_fits(
            result.crises, "crisis", "BACKTEST FITS", "forecasts are provisional"
        )
    if fmt == "json":
        click.echo(output.read_text(encoding="utf-8").rstrip("\n"))
        return
    click.echo(_table(result.crises, "Backtest: each crisis left out, then forecast"))
    click.echo(_table(result.rows, "Backtest: every responder's forecast and what happened"))
    click.echo(f"results: {output}")
