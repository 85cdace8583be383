"""``forecast data``: build, check and summarise case tables."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .app import _echo_err, _json_dump, _table, cli, format_option, output_option


@cli.group()
def data() -> None:
    """Build, check and summarise case tables."""


@data.command("check")
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
def data_check(file: Path) -> None:
    """Validate a case table FILE; print every problem as FILE:ROW:COLUMN: reason."""
    from ..cases import check_cases

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
@output_option("Where to write the case table [default: data/cases.csv].")
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
    from ..cases import default_cases_path
    from ..sources import embedded
    from ..sources.build import build_cases, read_sources, write_cases
    from ..sources.present import build_present, write_present

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
@format_option("table", "json")
def data_summary(file: Path | None, fmt: str) -> None:
    """Counts and military-response rates by obligation, era, event type and major power."""
    from ..cases import load_cases
    from ..summary import (
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
