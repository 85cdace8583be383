"""State names and Correlates of War country codes, both ways.

Codes and names come from the ``countrycode`` package's code list (its ``cown`` and ``cow.name``
columns follow the COW country-code list, v2016) and a few aliases of ours for names COW uses
that ``countrycode`` does not parse (``German Federal Republic`` = 260, ``Korea`` before 1905 =
730, ``Prussia`` = 255, ``USSR`` = 365, ...).

Examples
--------
>>> from forecast import states
>>> states.resolve("South Korea")
732
>>> states.name(732)
'South Korea'
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re

from .errors import UnknownStateError

__all__ = ["known_codes", "name", "resolve"]

#: Names (lower case) that COW or common usage gives and countrycode does not map to the
#: COW code intended here. Each is checked against the COW country-code list.
ALIASES: dict[str, int] = {
    "german federal republic": 260,
    "west germany": 260,
    "federal republic of germany": 260,
    "east germany": 265,
    "prussia": 255,
    "korea": 730,
    "serbia": 345,
    "ussr": 365,
    "soviet union": 365,
    "united states of america": 2,
    "china (prc)": 710,
    "prc": 710,
    "roc": 713,
    "republic of china": 713,
}

#: Names for codes that countrycode's English names leave out or render ambiguously.
NAMES: dict[int, str] = {260: "German Federal Republic", 730: "Korea"}


@functools.cache
def _codelist() -> tuple[dict[int, str], dict[str, int]]:
    """Return (code -> English name, lower-case name or abbreviation -> code)."""
    cc = importlib.import_module("countrycode.countrycode")
    cl = cc.prepare_codelist()
    code_to_name: dict[int, str] = {}
    lookup: dict[str, int] = {}
    for en, cow_name, cowc, cown in zip(
        cl["country.name.en"], cl["cow.name"], cl["cowc"], cl["cown"], strict=True
    ):
        if cown is None:
            continue
        code = int(cown)
        code_to_name.setdefault(code, en or cow_name)
        for label in (en, cow_name, cowc):
            if label:
                lookup.setdefault(str(label).lower(), code)
    code_to_name.update(NAMES)
    lookup.update(ALIASES)
    for code, label in NAMES.items():
        lookup[label.lower()] = code
    return code_to_name, lookup


def known_codes() -> frozenset[int]:
    """Return every COW country code this package knows.

    Returns
    -------
    frozenset of int
        The codes of the COW list (v2016) as carried by ``countrycode``, plus those in
        :data:`NAMES`.
    """
    return frozenset(_codelist()[0])


def name(code: int) -> str:
    """Return the English name of a COW country code.

    Parameters
    ----------
    code : int
        A Correlates of War country code, e.g. ``2`` (United States).

    Returns
    -------
    str
        The state's name.

    Raises
    ------
    UnknownStateError
        If the code is not on the COW list.
    """
    names, _ = _codelist()
    try:
        return names[int(code)]
    except (KeyError, ValueError, TypeError):
        raise UnknownStateError(f"unknown COW country code {code!r}") from None


_CODE = re.compile(r"[0-9]{1,4}")


def resolve(state: str | int) -> int:
    """Return the COW country code of a state given by name, abbreviation or code.

    Parameters
    ----------
    state : str or int
        A name (``"South Korea"``, ``"Republic of Korea"``), a COW abbreviation (``"ROK"``),
        or a code (``732`` or ``"732"``).

    Returns
    -------
    int
        The COW country code.

    Raises
    ------
    UnknownStateError
        If nothing matches; the message suggests the closest known names.
    """
    names, lookup = _codelist()
    # a code in ASCII digits ("2"); str.isdigit would also take "²" and "٢"
    if isinstance(state, int) or (isinstance(state, str) and _CODE.fullmatch(state.strip())):
        code = int(state)
        if code in names:
            return code
        raise UnknownStateError(f"unknown COW country code {state!r}")
    text = str(state).strip()
    key = text.lower()
    if key in lookup:
        return lookup[key]
    # countrycode finds its patterns anywhere in a text; a name with digits in it ("China
    # 2026") is not a state's name
    if text and not any(ch.isdigit() for ch in text):
        cc = importlib.import_module("countrycode")
        code = cc.countrycode(text, origin="country.name", destination="cown")
        if code is not None and int(code) in names:
            return int(code)
    raise UnknownStateError(f"unknown state {text!r}{_suggest(text)}")


def _suggest(text: str) -> str:
    """Return ``'; did you mean A, B or C?'`` for the closest known names, or ``''``."""
    names, _ = _codelist()
    candidates = sorted(set(names.values()))
    pool = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(text.lower(), list(pool), n=3, cutoff=0.6)
    if not close:
        words = [w for w in re.split(r"\W+", text.lower()) if len(w) > 2]
        close = [k for k in pool if any(w in k for w in words)][:3]
    if not close:
        return ""
    shown = [pool[c] for c in close]
    joined = ", ".join(shown[:-1]) + (" or " if len(shown) > 1 else "") + shown[-1]
    return f"; did you mean {joined}?"
