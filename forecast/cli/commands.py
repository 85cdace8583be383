"""The model commands: ``fit``, ``predict``, ``report``, ``card``, ``compact``, ``export``."""

from __future__ import annotations

from pathlib import Path

import click

from .app import (
    _CASES_OPTION,
    _COVARIATES_OPTION,
    _MODEL_OPTION,
    COUNT,
    SEED,
    _convergence_said_once,
    _json_dump,
    _warn_unconverged,
    cli,
    format_option,
    output_option,
)


@cli.command("fit")
@_CASES_OPTION
@output_option("Where to save the fit [default: models/default.nc].")
@click.option("--draws", type=COUNT, default=None, help="Draws per chain.")
@click.option("--tune", type=COUNT, default=None, help="Tuning steps per chain.")
@click.option("--chains", type=COUNT, default=None, help="Number of chains.")
@click.option("--seed", type=SEED, default=None, help="Seed; the same seed gives the same draws.")
@click.option(
    "--thin",
    type=COUNT,
    default=None,
    help="Save every K-th draw of each chain; diagnostics use all draws [default: 2].",
)
@click.option(
    "--card",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the model card here [default: models/README.md for the default fit].",
)
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
@_COVARIATES_OPTION
def fit_command(
    cases, output, draws, tune, chains, seed, thin, card, no_progress, covariates
) -> None:
    """Fit the model to a case table and save it as NetCDF, with diagnostics.

    The embedded table is sampled with the default fit's settings (nutpie's draw-variance
    mass matrix, target_accept 0.8); a table given with --cases with nutpie's own defaults
    (target_accept 0.9), which diverged less on smaller tables.
    """
    from ..workflow import COMPACT_MODEL, DEFAULT_FIT, DEFAULT_MODEL, fit_and_save

    chosen = covariates

    output = output or DEFAULT_MODEL
    if card is None and output == DEFAULT_MODEL:
        card = DEFAULT_MODEL.parent / "README.md"
    # the shipped compact posterior is the default fit's: default table, place and seed
    default = output == DEFAULT_MODEL and cases is None and seed in (None, DEFAULT_FIT["seed"])
    custom = draws or tune or chains or covariates or thin not in (None, DEFAULT_FIT["thin"])
    compact = COMPACT_MODEL if default and not custom else None
    # the default fit's sampler setting (nutpie's draw_diag) was measured on the embedded
    # table; another table gets the sampler's own defaults, which diverged less on small ones
    sampler = {} if cases is None else {"target_accept": None, "adaptation": None}
    result = fit_and_save(
        cases,
        output,
        draws=draws or DEFAULT_FIT["draws"],
        tune=tune or DEFAULT_FIT["tune"],
        chains=chains or DEFAULT_FIT["chains"],
        seed=DEFAULT_FIT["seed"] if seed is None else seed,
        thin=thin or DEFAULT_FIT["thin"],
        progress=not no_progress,
        card=card,
        covariates=chosen,
        compact=compact,
        **sampler,
    )
    d = result.diagnostics
    click.echo(
        f"{output}: {result.n_cases} cases, sampler {result.sampler['name']}, "
        f"max r-hat {d.max_rhat:.3f}, min ESS bulk {d.min_ess_bulk:.0f} / tail "
        f"{d.min_ess_tail:.0f}, divergences {d.divergences}"
        + (f"; compact posterior {compact}" if compact else "")
        + (f"; model card {card}" if card else "")
    )
    _warn_unconverged(result)


@cli.command("predict")
@click.argument("scenario", type=click.Path(path_type=Path))
@_MODEL_OPTION
@format_option("table", "json", "csv")
@click.option("--draws", type=COUNT, default=None, help="Simulation draws.")
@click.option("--seed", type=SEED, default=None, help="Simulation seed.")
def predict_command(scenario: Path, model_path, fmt: str, draws, seed) -> None:
    """Forecast who comes to the target's aid in SCENARIO (a TOML file)."""
    from ..coalition import predict
    from ..scenario import load_scenario
    from ..workflow import ensure_model

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
    """Render a prediction for a terminal: headline, responders, coalitions, reasons, analogues."""
    s = p.scenario
    lines = [
        f"{s.name}: {s.aggressor} attacks {s.target} ({s.year}); {p.draws} simulated draws",
        f"  P(anyone gives military help) = {p.p_any:.2f}   P(all do) = {p.p_all:.2f}   "
        f"P(no one does) = {p.p_none:.2f}   expected coalition size = "
        f"{p.expected_size:.2f}",
        f"  P(anyone fights for {s.aggressor}) = {p.p_aggressor_any:.2f}   "
        f"P(more states fight for {s.target} than for {s.aggressor}) = "
        f"{p.p_target_side_larger:.2f}",
        "",
    ]
    frame = p.responders_frame()
    pct = round(p.interval * 100)
    shown = frame[["responder", "obligation"]].copy()
    for key, label in (
        ("p_diplomatic_plus", "diplomatic+"),
        ("p_material_plus", "material+"),
        ("p_military", "military"),
        ("p_sided_with_aggressor", f"for {s.aggressor}"),
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
    reasons = p.reasons()
    if len(reasons):
        lines.append("Strongest reasons (log odds of the facts present; + means more likely)")
        for (name, side), g in reasons.groupby(["responder", "side"], sort=False):
            what = f"helps {s.target}" if side == "target" else f"fights for {s.aggressor}"
            terms = "; ".join(
                f"{m} {c:+.1f}" for m, c in zip(g["meaning"], g["contribution"], strict=True)
            )
            lines.append(f"  {name}, {what}: {terms}")
        lines.append("")
    if len(p.analogues):
        cols = ["responder", "conflict", "year", "target", "aggressor", "supporter"]
        cols = [c for c in [*cols, "obligation", "military", "response"] if c in p.analogues]
        lines += ["Closest historical analogues", p.analogues[cols].to_string(index=False)]
    return "\n".join(lines)


@cli.command("report")
@click.argument("scenario", type=click.Path(path_type=Path))
@_MODEL_OPTION
@output_option("The PDF to write [default: reports/<scenario name>.pdf].")
def report_command(scenario: Path, model_path, output) -> None:
    """Write a PDF report of SCENARIO for readers who will not run code."""
    from ..report import report
    from ..scenario import load_scenario
    from ..workflow import ensure_model

    load_scenario(scenario)  # a bad scenario fails before any model is loaded or fitted
    with _convergence_said_once():
        result = ensure_model(model_path)
        path = report(scenario, model_path, output, fit=result)
    _warn_unconverged(result)
    click.echo(str(path))


@cli.command("card")
@_MODEL_OPTION
@output_option("Where to write the card [default: README.md beside the model].")
def card_command(model_path, output) -> None:
    """Write a saved fit's model card, with the evaluations saved beside it."""
    from ..workflow import DEFAULT_MODEL, ensure_model, evaluations_beside, write_card

    with _convergence_said_once():
        result = ensure_model(model_path)
    model_path = model_path or DEFAULT_MODEL
    output = output or Path(model_path).parent / "README.md"
    docs = evaluations_beside(model_path)
    write_card(result, output, docs)
    click.echo(f"{output}: model card of {model_path} ({len(docs)} evaluation(s))")
    _warn_unconverged(result)


@cli.command("compact")
@_MODEL_OPTION
@output_option("Where to write it [default: compact.nc beside the model].")
@click.option(
    "--draws",
    type=COUNT,
    default=1000,
    show_default=True,
    help="Draws kept, over all chains.",
)
def compact_command(model_path, output, draws) -> None:
    """Write a fit's compact posterior: thinned, float32, no per-conflict effects.

    It forecasts new crises as the full fit does, from fewer draws, in a file of a few MB.
    """
    from ..errors import ForecastError
    from ..model import load
    from ..workflow import DEFAULT_MODEL

    model_path = model_path or DEFAULT_MODEL
    full = load(model_path)
    if full.is_compact:
        raise ForecastError(f"{model_path}: already a compact fit; compact the full fit")
    small = full.compact(draws)
    output = output or Path(model_path).parent / "compact.nc"
    small.save(output)
    info = small.attrs["compact"]
    click.echo(
        f"{output}: {info['draws']} of {info['of']} draws, without "
        f"{' and '.join(info['dropped'])} effects ({Path(output).stat().st_size / 1e6:.1f} MB)"
    )


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
    from ..export import export
    from ..workflow import ensure_model

    spec = None
    if scenario is not None:
        from ..scenario import load_scenario

        spec = load_scenario(scenario)  # a bad scenario fails before any fitting
    result = ensure_model(model_path)
    with _convergence_said_once():
        prediction = None
        if spec is not None:
            from ..coalition import predict

            prediction = predict(result, spec, n_analogues=0)
        written = export(result, output, fmt, prediction)
    _warn_unconverged(result)
    for path in written:
        click.echo(str(path))
