"""The ``forecast`` command line: a thin layer that parses arguments and calls the library.

Exit codes (DESIGN.md): 0 on success; 2 on bad input or usage, with one ``error: ...`` line on
stderr and no traceback; 1 on any other failure. Set ``FORECAST_DEBUG=1`` to see tracebacks.
"""

from __future__ import annotations

import errno
import os
import sys
import warnings

import click

from ..errors import CaseTableError, ConvergenceWarning, ForecastError
from . import cite, commands, data, evaluate  # noqa: F401  (registers the commands on the group)
from .app import _echo_err, cli

__all__ = ["cli", "entry", "main"]


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
    with warnings.catch_warnings():
        if not debug:  # the libraries' warnings (pandas, xarray, PyTensor) are not ours to show
            warnings.simplefilter("ignore")
            warnings.simplefilter("default", ConvergenceWarning)
        return _run(argv, debug)


def _run(argv: list[str] | None, debug: bool) -> int:
    """The body of :func:`main`: run the group and map each outcome to its exit code."""
    try:
        cli.main(args=argv, prog_name="forecast", standalone_mode=False)
    except SystemExit as e:  # our own sys.exit calls
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        return _exit(code)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else str(e))
        where = e.ctx.command_path if e.ctx else "forecast"
        _echo_err(f"error: `{where}` needs a command (see `{where} --help`)")
        return _exit(2)
    except click.UsageError as e:
        hint = f" (see `{e.ctx.command_path} --help`)" if e.ctx else ""
        _echo_err(f"error: {' '.join(e.format_message().split())}{hint}")  # one line
        return _exit(2)
    except click.exceptions.Abort:
        _echo_err("error: interrupted")
        return _exit(1)
    except click.ClickException as e:
        _echo_err(f"error: {' '.join(e.format_message().split())}")
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
        if isinstance(e, OSError) and e.errno in _PATH_ERRORS:  # a path the user gave
            where = f"{e.filename}: " if e.filename is not None else ""
            _echo_err(f"error: {where}{e.strerror or e}")
            return _exit(2)
        text = " ".join(str(e).split())[:300]
        _echo_err(
            f"error: unexpected failure ({type(e).__name__}: {text}); "
            "rerun with FORECAST_DEBUG=1 for the traceback"
        )
        return _exit(1)
    return _exit(0)


#: Errors of a path the user gave (too long, a file where a directory is needed, read-only,
#: not permitted): bad input, exit 2. Other system errors (a full disk) are failures, exit 1.
_PATH_ERRORS = frozenset(
    {
        errno.ENAMETOOLONG,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.EEXIST,
        errno.ENOENT,
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.ELOOP,
    }
)


def _exit(code: int) -> int:
    sys.stdout.flush()
    return code


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
