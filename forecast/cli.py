"""The ``forecast`` command line: a thin layer that parses arguments and calls the library.

Exit codes (DESIGN.md): 0 on success; 2 on bad input or usage, with one ``error: ...`` line on
stderr and no traceback; 1 on any other failure. Set ``FORECAST_DEBUG=1`` to see tracebacks.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
from pathlib import Path

import click

from . import __version__
from .errors import CaseTableError, ConvergenceWarning, ForecastError


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="forecast")
def cli() -> None:
    """Coalition-response forecasting: who comes to a state's aid when it is attacked."""


@cli.group()
def data() -> None:
    """Build, check and summarise case tables."""


@data.command("check")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
def data_check(file: Path) -> None:
    """Validate a case table FILE; print every problem as FILE:ROW:COLUMN: reason."""
    from .cases import check_cases

    table, problems = check_cases(file)
    if problems:
        for p in problems:
            _echo_err(p.located(str(file)))
        sys.exit(2)
    n_conf = table["conflict_id"].nunique()
    years = f"{table['year'].min()}-{table['year'].max()}" if len(table) else "none"
    click.echo(f"{file}: ok, {len(table)} rows, {n_conf} conflicts, years {years}")


@data.command("build")
@click.option(
    "--source",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory with the original ATOP, COW and BMR files (published names).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the case table [default: data/cases.csv].",
)
@click.option(
    "--present-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the present-day tables (states, commitments, contiguity, rivalries, dyads) "
    "here "
    "[default: data/ when writing the default case table].",
)
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
def data_build(
    source: Path, output: Path | None, present_dir: Path | None, no_progress: bool
) -> None:
    """Build the case table from the original research files in --source."""
    from .cases import default_cases_path
    from .sources import embedded
    from .sources.build import build_cases, read_sources, write_cases
    from .sources.present import build_present, write_present

    src = read_sources(source)
    table = build_cases(src, progress=not no_progress)
    path = write_cases(table, output or default_cases_path())
    click.echo(
        f"{path}: {len(table)} rows, {table['conflict_id'].nunique()} conflicts "
        f"({', '.join(f'{k} {v}' for k, v in table['event_type'].value_counts().items())})"
    )
    if present_dir is None and output is None:
        present_dir = embedded.data_dir()
    if present_dir is not None:
        tables = build_present(src.covariates, embedded.read_nuclear(), dyads=src.dyads)
        for written, t in zip(write_present(tables, present_dir), tables, strict=True):
            click.echo(f"{written}: {len(t)} rows")


@data.command("summary")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def data_summary(file: Path | None, fmt: str) -> None:
    """Counts and military-response rates by obligation, era, event type and major power."""
    from .cases import load_cases
    from .summary import (
        PUBLISHED_RELIABILITY,
        honored_rates,
        invoked_rates,
        sabrosky_shares,
        summarize_cases,
    )

    cases = load_cases(file)
    summary = summarize_cases(cases)
    honored = honored_rates(cases)
    invoked = invoked_rates(cases)
    sabrosky = sabrosky_shares(cases)
    if fmt == "json":
        click.echo(
            _json_dump(
                {
                    "file": str(file) if file else "embedded data/cases.csv",
                    "summary": summary.to_dict("records"),
                    "honored_rates": honored.to_dict("records"),
                    "invoked_rates": invoked.to_dict("records"),
                    "sabrosky_shares": sabrosky.to_dict("records"),
                    "published": PUBLISHED_RELIABILITY.to_dict("records"),
                }
            )
        )
        return
    click.echo(_table(summary, "Cases and military-response rates"))
    click.echo(_table(honored, "Defense/offense commitments followed by fighting in COW wars"))
    shown = invoked[invoked.commitments > 0]
    click.echo(
        _table(shown, "Commitments honored in war-scale crises, by side owed and invocation")
    )
    click.echo(_table(sabrosky, "Allies of a state at war, 1816-1965 (Sabrosky's measure)"))
    click.echo(_table(PUBLISHED_RELIABILITY, "Published figures"))


def _table(frame, title: str) -> str:
    """Render a DataFrame as a plain-text table with a title (rates to three decimals)."""
    shown = frame.copy()
    for col in shown.columns:
        if shown[col].dtype.kind == "f":
            shown[col] = shown[col].map(lambda x: f"{x:.3f}")
    return f"{title}\n{shown.to_string(index=False)}\n"


_CASES_OPTION = click.option(
    "--cases",
    type=click.Path(path_type=Path),
    default=None,
    help="Case table [default: the embedded data/cases.csv].",
)


@contextlib.contextmanager
def _convergence_said_once():
    """Silence ConvergenceWarning inside; the command says it once with `_warn_unconverged`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@cli.command("fit")
@_CASES_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to save the fit [default: models/default.nc].",
)
@click.option("--draws", type=click.IntRange(min=1), default=None, help="Draws per chain.")
@click.option("--tune", type=click.IntRange(min=1), default=None, help="Tuning steps per chain.")
@click.option("--chains", type=click.IntRange(min=1), default=None, help="Number of chains.")
@click.option("--seed", type=int, default=None, help="Seed; the same seed gives the same draws.")
@click.option(
    "--card",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the model card here [default: models/README.md for the default fit].",
)
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@click.option(
    "--covariates",
    default=None,
    help="Comma-separated covariates of the linear predictor [default: all; see "
    "forecast.design.COVARIATES].",
)
def fit_command(cases, output, draws, tune, chains, seed, card, no_progress, covariates) -> None:
    """Fit the model to a case table and save it as NetCDF, with diagnostics."""
    from .design import check_covariates
    from .workflow import DEFAULT_FIT, DEFAULT_MODEL, fit_and_save

    try:
        chosen = check_covariates(covariates)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--covariates") from None

    output = output or DEFAULT_MODEL
    if card is None and output == DEFAULT_MODEL:
        card = DEFAULT_MODEL.parent / "README.md"
    result = fit_and_save(
        cases,
        output,
        draws=draws or DEFAULT_FIT["draws"],
        tune=tune or DEFAULT_FIT["tune"],
        chains=chains or DEFAULT_FIT["chains"],
        seed=DEFAULT_FIT["seed"] if seed is None else seed,
        progress=not no_progress,
        card=card,
        covariates=chosen,
    )
    d = result.diagnostics
    click.echo(
        f"{output}: {result.n_cases} cases, sampler {result.sampler['name']}, "
        f"max r-hat {d.max_rhat:.3f}, min ESS bulk {d.min_ess_bulk:.0f} / tail "
        f"{d.min_ess_tail:.0f}, divergences {d.divergences}"
        + (f"; model card {card}" if card else "")
    )
    _warn_unconverged(result)


_MODEL_OPTION = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A saved fit [default: models/default.nc, fitted first when absent].",
)


@cli.command("predict")
@click.argument("scenario", type=click.Path(path_type=Path))
@_MODEL_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--draws", type=click.IntRange(min=1), default=None, help="Simulation draws.")
@click.option("--seed", type=int, default=None, help="Simulation seed.")
def predict_command(scenario: Path, model_path, fmt: str, draws, seed) -> None:
    """Forecast who comes to the target's aid in SCENARIO (a TOML file)."""
    from .coalition import predict
    from .scenario import load_scenario
    from .workflow import ensure_model

    spec = load_scenario(scenario)  # bad scenario: fail before any fitting
    result = ensure_model(model_path, progress=fmt == "table")
    with _convergence_said_once():
        prediction = predict(result, spec, draws=draws, seed=seed)
    _warn_unconverged(result)
    if fmt == "json":
        click.echo(_json_dump(prediction.to_dict()))
    elif fmt == "csv":
        click.echo(prediction.to_frame().to_csv(index=False, lineterminator="\n"), nl=False)
    else:
        click.echo(_prediction_table(prediction))


def _prediction_table(p) -> str:
    """Render a prediction for a terminal: headline, responders, coalitions, analogues."""
    s = p.scenario
    lines = [
        f"{s.name}: {s.aggressor} attacks {s.target} ({s.year}); {p.draws} simulated draws",
        f"  P(anyone gives military help) = {p.p_any:.2f}   P(all do) = {p.p_all:.2f}   "
        f"P(no one does) = {p.p_none:.2f}   expected coalition size = "
        f"{p.expected_size:.2f}",
        "",
    ]
    frame = p.responders_frame()
    pct = round(p.interval * 100)
    shown = frame[["responder", "obligation"]].copy()
    for key, label in (
        ("p_diplomatic_plus", "diplomatic+"),
        ("p_material_plus", "material+"),
        ("p_military", "military"),
    ):
        shown[label] = [
            f"{m:.2f} [{lo:.2f}, {hi:.2f}]"
            for m, lo, hi in zip(
                frame[key], frame[f"{key}_lower"], frame[f"{key}_upper"], strict=True
            )
        ]
    lines += [f"Per responder: mean [{pct}% interval]", shown.to_string(index=False), ""]
    coalitions = p.coalitions(5)
    coalitions["members"] = [", ".join(m) or "(no one)" for m in coalitions["members"]]
    lines += ["Most likely coalitions (military help)", coalitions.to_string(index=False), ""]
    if len(p.analogues):
        cols = ["responder", "conflict", "year", "target", "aggressor", "supporter"]
        cols = [c for c in [*cols, "obligation", "military", "response"] if c in p.analogues]
        lines += ["Closest historical analogues", p.analogues[cols].to_string(index=False)]
    return "\n".join(lines)


@cli.command("report")
@click.argument("scenario", type=click.Path(path_type=Path))
@_MODEL_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The PDF to write [default: reports/<scenario name>.pdf].",
)
def report_command(scenario: Path, model_path, output) -> None:
    """Write a PDF report of SCENARIO for readers who will not run code."""
    from .report import report
    from .workflow import ensure_model

    with _convergence_said_once():
        path = report(scenario, model_path, output)
        result = ensure_model(model_path)  # already on disk: a quick load
    _warn_unconverged(result)
    click.echo(str(path))


@cli.command("evaluate")
@_CASES_OPTION
@click.option(
    "--scheme",
    type=click.Choice(["conflict", "temporal"]),
    default="conflict",
    show_default=True,
    help="Grouped folds by conflict, or fit-past/score-future.",
)
@click.option(
    "--folds",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Folds of the conflict scheme.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every held-out row's predictions here (.csv or .parquet).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the results (JSON; figures beside it) [default: "
    "models/evaluation.json, or models/evaluation-temporal.json for the temporal scheme].",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Folds fitted in parallel on local processes.",
)
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:port).")
@click.option("--draws", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--tune", type=click.IntRange(min=1), default=300, show_default=True)
@click.option("--chains", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def evaluate_command(
    cases, scheme, folds, fmt, predictions, output, jobs, scheduler, draws, tune, chains, seed
) -> None:
    """Cross-validate the model against three baselines on held-out conflicts."""
    from .cases import load_cases
    from .evaluate import evaluate
    from .plots import plot_reliability, plot_scores

    if output is None:
        suffix = "" if scheme == "conflict" else f"-{scheme}"
        output = Path("models") / f"evaluation{suffix}.json"
    table = load_cases(cases)
    with _convergence_said_once():
        result = evaluate(
            table, scheme, folds, draws=draws, tune=tune, chains=chains, seed=seed, jobs=jobs,
            scheduler=scheduler, progress=fmt == "table",
        )  # fmt: skip
    result.write_json(output)
    for name, plot, arg in (
        ("reliability", plot_reliability, result),
        ("scores", plot_scores, result.scores),
    ):
        ax = plot(arg)
        _save_figure(ax.figure, output.with_name(f"{output.stem}-{name}.svg"))
    if predictions is not None:
        result.write_predictions(predictions)
    if not result.converged:
        _echo_err("WARNING: SOME FOLD FITS HAVE NOT CONVERGED: scores are provisional")
    if fmt == "json":
        click.echo(output.read_text(encoding="utf-8").rstrip("\n"))  # the document written
    else:
        click.echo(_table(result.scores.reset_index(), f"Held-out scores ({scheme} scheme)"))
        click.echo(f"results: {output}")


@cli.command("card")
@_MODEL_OPTION
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the card [default: README.md beside the model].",
)
def card_command(model_path, output) -> None:
    """Write a saved fit's model card, with the evaluations saved beside it."""
    from .workflow import DEFAULT_MODEL, ensure_model, evaluations_beside, write_card

    with _convergence_said_once():
        result = ensure_model(model_path)
    model_path = model_path or DEFAULT_MODEL
    output = output or Path(model_path).parent / "README.md"
    docs = evaluations_beside(model_path)
    write_card(result, output, docs)
    click.echo(f"{output}: model card of {model_path} ({len(docs)} evaluation(s))")
    _warn_unconverged(result)


@cli.command("export")
@_MODEL_OPTION
@click.option(
    "--scenario",
    type=click.Path(path_type=Path),
    default=None,
    help="Also export this scenario's simulated draws and summaries.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["netcdf", "parquet", "csv"]),
    required=True,
    help="NetCDF file, or a directory of Parquet or CSV files.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Destination (a .nc file for netcdf, a directory otherwise).",
)
def export_command(model_path, scenario, fmt, output) -> None:
    """Export posterior estimates (and a scenario's draws) for other tools."""
    from .export import export
    from .workflow import ensure_model

    spec = None
    if scenario is not None:
        from .scenario import load_scenario

        spec = load_scenario(scenario)  # a bad scenario fails before any fitting
    result = ensure_model(model_path)
    with _convergence_said_once():
        prediction = None
        if spec is not None:
            from .coalition import predict

            prediction = predict(result, spec, n_analogues=0)
        written = export(result, output, fmt, prediction)
    _warn_unconverged(result)
    for path in written:
        click.echo(str(path))


def _save_figure(figure, path: Path) -> None:
    """Save a matplotlib figure atomically (format from the file extension)."""
    from ._io import write_atomic

    fmt = path.suffix.lstrip(".")
    write_atomic(path, lambda tmp: figure.savefig(tmp, format=fmt, bbox_inches="tight"))


def _warn_unconverged(result) -> None:
    """Say loudly on stderr when a fit has not converged."""
    if not result.converged:
        _echo_err(
            "WARNING: THE FIT HAS NOT CONVERGED ("
            + "; ".join(result.diagnostics.problems())
            + "): its numbers are unreliable; fit again with more --draws and --tune"
        )


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 2 on bad input or usage, 1 on any other failure.
    """
    debug = os.environ.get("FORECAST_DEBUG") == "1"
    try:
        cli.main(args=argv, prog_name="forecast", standalone_mode=False)
    except SystemExit as e:  # our own sys.exit calls
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        return _exit(code)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else str(e))
        return _exit(2)
    except click.UsageError as e:
        hint = f" (see `{e.ctx.command_path} --help`)" if e.ctx else ""
        _echo_err(f"error: {e.format_message()}{hint}")
        return _exit(2)
    except click.exceptions.Abort:
        _echo_err("error: interrupted")
        return _exit(1)
    except click.ClickException as e:
        _echo_err(f"error: {e.format_message()}")
        return _exit(2)
    except CaseTableError as e:
        _echo_err(f"error: {e}")
        return _exit(2)
    except ForecastError as e:
        if debug:
            raise
        _echo_err(f"error: {e}")
        return _exit(2)
    except KeyboardInterrupt:
        _echo_err("error: interrupted")
        return _exit(1)
    except Exception as e:  # anything else is our failure: say so on one line
        if debug:
            raise
        text = " ".join(str(e).split())[:300]
        _echo_err(
            f"error: unexpected failure ({type(e).__name__}: {text}); "
            "rerun with FORECAST_DEBUG=1 for the traceback"
        )
        return _exit(1)
    return _exit(0)


def _exit(code: int) -> int:
    sys.stdout.flush()
    return code


def _json_dump(obj: object) -> str:
    """One JSON document; NaN (a rate over an empty group) is written as null."""
    return json.dumps(_nan_to_none(obj), indent=2, sort_keys=False, allow_nan=False)


def _nan_to_none(obj: object) -> object:
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_nan_to_none(v) for v in obj]
    return obj


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
