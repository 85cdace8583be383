"""``forecast cite``: the BibTeX of the datasets and studies a result rests on."""

from __future__ import annotations

import click

from .app import cli


@cli.command("cite")
@click.argument("which", required=False, metavar="[READER or DATASET]")
def cite(which: str | None) -> None:
    """Print BibTeX for every dataset and study a result rests on, or for one reader's.

    READER is a module of forecast.sources (atop, cow, bmr, derived, dyads, build, ...);
    DATASET a reference key (boix2013bmr) or part of a dataset's name (contiguity). Without
    either, every reference the report lists is printed.
    """
    from ..citations import bibtex

    click.echo(bibtex(which), nl=False)
