"""The errors ``forecast`` raises on purpose.

Every error a user can fix (a bad file, an unknown state name, a model that does not match its
file) is a :class:`ForecastError`; the command line maps those to exit code 2 and prints their
message on one line. Anything else is a bug or an environment failure and maps to exit code 1.
"""

from __future__ import annotations

__all__ = [
    "CaseTableError",
    "ConvergenceWarning",
    "ForecastError",
    "ModelMismatchError",
    "NotFittedError",
    "Problem",
    "ScenarioError",
    "SourceDataError",
    "UnknownStateError",
]

from dataclasses import dataclass


class ForecastError(Exception):
    """Base class of the errors a user can fix; the CLI prints them on one line, exit 2."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a table.

    Parameters
    ----------
    row : int
        Line number in the CSV file (the header is line 1, the first data row line 2).
    column : str
        The column (field) at fault; empty when the problem concerns the whole row.
    reason : str
        What is wrong, in words, with the valid values where there are few.
    """

    row: int
    column: str
    reason: str

    def located(self, file: str) -> str:
        """Return the problem as ``FILE:ROW:COLUMN: reason``."""
        return f"{file}:{self.row}:{self.column}: {self.reason}"


class CaseTableError(ForecastError):
    """A case table that fails validation; ``problems`` lists every problem found.

    Parameters
    ----------
    file : str
        The file name (or ``"<table>"`` for an in-memory table).
    problems : list of Problem
        Every problem found, in row order.
    """

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = list(problems)
        n = len(self.problems)
        first = self.problems[0].located(file) if self.problems else file
        more = f" (and {n - 1} more)" if n > 1 else ""
        super().__init__(f"{first}{more}; run `forecast data check {file}` to list every problem")


class SourceDataError(ForecastError):
    """An original research file that is missing or not in its published layout."""


class UnknownStateError(ForecastError, LookupError):
    """A state name or code that resolves to no Correlates of War state."""


class ScenarioError(ForecastError):
    """A scenario file that is missing or invalid."""


class ModelMismatchError(ForecastError):
    """A saved fit whose attributes do not match this package, schema or data."""


class NotFittedError(ForecastError, AttributeError):
    """A model used before ``fit`` was called."""


class ConvergenceWarning(UserWarning):
    """A fit that breaks the convergence rule; its ``diagnostics.converged`` is False."""
