"""Locating keys in a TOML document's text, for errors that name the file, line and field.

``tomllib`` gives no positions, so :class:`_Locator` finds the line of a key (a table header,
a ``key = value`` line or an item of an inline list) from the text itself.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ScenarioError

__all__: list[str] = []

_TYPE_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "a table"}

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(a or b or c for a, b, c in _PART.findall(dotted))


class _Locator:
    """Finds the line of a key path (and of a value in a list) in a TOML text."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = text.split("\n")
        self.section: list[tuple[str, ...]] = []
        current: tuple[str, ...] = ()
        for line in self.lines:
            m = _HEADER.match(line)
            if m:
                current = _parts(m.group(1))
            self.section.append(current)

    def line(self, keys: tuple[str, ...], value: str | None = None, nth: int = 1) -> int | None:
        """1-based line of ``keys`` (or of the ``nth`` quoted ``value`` after it), or None."""
        found = None
        for cut in range(len(keys), 0, -1):
            found = self._key_line(keys[:cut])
            if found is not None:
                break
        if found is None or value is None:
            return found
        quoted = re.compile(r"[\"']" + re.escape(value) + r"[\"']")
        seen = 0
        for i in range(found - 1, len(self.lines)):
            seen += len(quoted.findall(self.lines[i]))
            if seen >= nth:
                return i + 1
        return found

    def _key_line(self, keys: tuple[str, ...]) -> int | None:
        for i, line in enumerate(self.lines):
            m = _HEADER.match(line)
            if m and _parts(m.group(1)) == keys:
                return i + 1
        *table, key = keys
        pattern = re.compile(r"^\s*(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\"|'"
                             + re.escape(key) + r"')\s*=")  # fmt: skip
        for i, line in enumerate(self.lines):
            if self.section[i] == tuple(table) and pattern.match(line):
                return i + 1
        return None

    def error(self, keys: tuple[str, ...], reason: str, value: str | None = None, nth: int = 1):
        """Return a one-line :class:`ScenarioError` located at ``keys``."""
        line = self.line(keys, value, nth)
        where = f"{self.path}:{line}" if line else self.path
        field_name = ".".join(_quote(k) for k in keys) or "(file)"
        return ScenarioError(f"{where}: {field_name}: {' '.join(reason.split())}")


def _quote(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'


# ---------------------------------------------------------------------------------------------
# loading


def _check_type(loc: _Locator, keys: tuple[str, ...], value: Any, types: tuple[type, ...]):
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if not ok:
        want = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        raise loc.error(keys, f"must be {want}, not {_describe(value)}")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
