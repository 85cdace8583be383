"""The command group and what every command shares: options, output helpers, warnings."""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path

import click

from .. import __version__
from ..errors import ConvergenceWarning


def _echo_err(message: str) -> None:
    """Write ``message`` to stderr as one line (a newline in a path or a name is a space)."""
    click.echo(" ".join(message.split()), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="forecast")
def cli() -> None:
    """Coalition-response forecasting: who comes to a state's aid when it is attacked."""


def _table(frame, title: str) -> str:
    """Render a DataFrame as a plain-text table with a title (rates to three decimals)."""
    shown = frame.copy()
    for col in shown.columns:
        if shown[col].dtype.kind == "f":
            shown[col] = shown[col].map(lambda x: f"{x:.3f}")
    return f"{title}\n{shown.to_string(index=False)}\n"


class Whole(click.ParamType):
    """A whole number within ``low..high``, in ASCII digits.

    Click's ``int`` takes any script's digits (``１０``) and numbers of any size; a seed must
    fit numpy's 32-bit range and a count must be one the machine can allocate.
    """

    name = "integer"

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        """Return ``value`` as an int, or fail with a usage error naming the range."""
        if isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        else:
            text = str(value).strip()
        if not re.fullmatch(r"-?[0-9]{1,20}", text):
            self.fail(f"{text[:40]!r} is not a whole number (ASCII digits)", param, ctx)
        number = int(text)
        if not self.low <= number <= self.high:
            self.fail(f"{number} is outside {self.low}..{self.high}", param, ctx)
        return number


#: Counts (draws, tuning steps, chains, folds, jobs) and seeds accepted on the command line.
COUNT = Whole(1, 10_000_000)
SEED = Whole(0, 2**32 - 1)


def output_option(help: str):
    """The ``-o/--output FILE`` option of a command that writes one file (``None`` if absent)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def format_option(*choices: str):
    """The ``--format`` option of a command that prints (``fmt``; the first choice by default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


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


_MODEL_OPTION = click.option(
    "--model",
    "model_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=(
        "A saved fit [default: models/default.nc, else the shipped models/compact.nc; "
        "fitted first when neither exists]."
    ),
)


def _save_figure(figure, path: Path) -> None:
    """Save a matplotlib figure atomically (format from the file extension)."""
    from .._io import write_atomic

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


def _json_dump(obj: object) -> str:
    """One JSON document (:func:`forecast._io.dumps_json`: NaN is written as null)."""
    from .._io import dumps_json

    return dumps_json(obj)


def _check_covariates(ctx, param, value):
    """Click callback: the covariate choice, or a usage error naming the valid names."""
    from ..design import check_covariates

    if value is None:
        return None
    try:
        return check_covariates(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


_COVARIATES_OPTION = click.option(
    "--covariates",
    default=None,
    callback=_check_covariates,
    help="Comma-separated covariates of the linear predictor [default: all; see "
    "forecast.design.COVARIATES].",
)
