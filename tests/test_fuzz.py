"""Fuzzing the command line's error contract with generated inputs (hypothesis, seeded).

Four families of inputs, each run through :func:`forecast.cli.main` in this process (what the
console script calls; a subprocess would cost seconds of imports per input):

1. case tables: ``tests/data/cases_small.csv`` mutated, through ``forecast data check`` and
   ``forecast data summary``;
2. scenarios: ``data/scenarios/taiwan.toml`` mutated, through ``forecast predict``;
3. saved fits: copies of the session's tiny fit damaged with h5py, xarray or byte edits,
   through ``forecast predict data/scenarios/taiwan.toml --model FILE``;
4. arguments: bad flags, numbers and paths for every command (never one that would sample).

Oracle
------
The contract (DESIGN.md, ``forecast.cli``): exit 0 on success; exit 2 on bad input or usage,
with exactly one line on stderr starting with ``error:``; exit 1 on any other failure; never a
traceback. Every generated input knows how bad it is: ``bad=True`` when the mutation certainly
makes the input invalid (a letter in ``year``, an unknown column, a truncated HDF5 file),
``bad=False`` when it certainly keeps it valid (a BOM, CRLF line endings, the untouched file),
``bad=None`` when it may go either way (a random text in a free-text field). An outcome
violates the contract when

- anything on stdout or stderr contains ``Traceback`` (or an exception escapes ``main``);
- the exit code is neither 0 nor 2 (exit 1 says "unexpected failure": on generated user input
  that is a bug, as every input here is something a user can fix);
- the exit code is 0 for a ``bad=True`` input, or 2 for a ``bad=False`` one;
- the exit code is 2 and stderr is not exactly one line starting with ``error:``. The one
  exception is ``forecast data check``, whose documented output for an invalid table is one
  ``FILE:ROW:COLUMN: reason`` line per problem; each line must then start with ``FILE:ROW:``.

Violations are grouped by symptom (the exit code and the exception type an exit-1 message
names). A symptom that a named ``test_regression_*`` test at the end of this file reproduces
(:data:`KNOWN_BUGS`; those tests are ``xfail(strict=True)`` until the bug is fixed) is counted
but does not fail the fuzz test; any other violation does, with a reproduction.

Each family prints one summary line (visible with ``pytest -s``): inputs tried, exit codes,
tracebacks, wrong exit codes, exit 0 on bad input, malformed stderr, known and unknown bugs.
The default run tries a few hundred inputs; ``--run-slow`` adds the ``slow`` variants, with
:data:`SLOW_EXAMPLES` inputs (more than 10,000 in all).

Notes
-----
Family 2 reads its (unchanging) model file once per run instead of once per input: family 3
is the one that exercises loading. Family 4 replaces ``forecast.model.fit`` and the folds' fit
with a stub that raises, so an input that would start MCMC fails the test as the fuzzer's own
fault. Unreadable files are not generated: these tests may run as root, who reads them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from forecast.model.persist import FORMAT
from forecast.scenario import OVERRIDABLE
from forecast.schema import COLUMNS, REQUIRED, V2_COLUMNS

ROOT = Path(__file__).parent.parent
SMALL_CSV = Path(__file__).parent / "data" / "cases_small.csv"
TAIWAN = ROOT / "data" / "scenarios" / "taiwan.toml"

#: Inputs per family: (default run, slow run).
DEFAULT_EXAMPLES = {"cases": 160, "scenarios": 80, "models": 20, "arguments": 160}
SLOW_EXAMPLES = {"cases": 4500, "scenarios": 1800, "models": 400, "arguments": 3500}
#: Each family runs at the default size, and at the slow one with ``--run-slow``.
SIZES = pytest.mark.parametrize(
    "size",
    [
        pytest.param(DEFAULT_EXAMPLES, id="default"),
        pytest.param(SLOW_EXAMPLES, id="slow", marks=pytest.mark.slow),
    ],
)

#: Draws of every successful forecast here: enough to exercise the code, cheap to simulate.
DRAWS = "20"


# ---------------------------------------------------------------------------------------------
# running the command line and judging the outcome


class WouldSample(BaseException):
    """Raised in place of MCMC sampling: an input of this file must never get that far."""


@dataclass(frozen=True)
class Case:
    """One generated input: what was done, how bad it is, and the command run on it."""

    family: str
    kind: str
    bad: bool | None
    args: tuple[str, ...]
    note: str = ""

    def reproduction(self) -> str:
        shown = " ".join(_shell(a) for a in self.args)
        return f"forecast {shown}  [{self.kind}{'; ' + self.note if self.note else ''}]"


@dataclass(frozen=True)
class Outcome:
    code: int | str
    out: str
    err: str


def _shell(arg: str) -> str:
    if len(arg) > 80:
        arg = f"{arg[:40]}...<{len(arg)} chars>"
    return arg if re.fullmatch(r"[\w./=:,+-]+", arg) else repr(arg)


def invoke(capfd, args: tuple[str, ...]) -> Outcome:
    """Run ``forecast ARGS`` in this process; what reached stdout and stderr, and the code."""
    from forecast.cli import main

    capfd.readouterr()
    try:
        code: int | str = main(list(args))
    except WouldSample:
        code = "would sample"
    except (Exception, SystemExit) as e:  # anything escaping main is a traceback for the user
        code = f"raised {type(e).__name__}: {e}"
    out, err = capfd.readouterr()
    return Outcome(code, out, err)


def judge(case: Case, outcome: Outcome) -> str | None:
    """Return the contract violation of ``outcome`` (see the module docstring), or None."""
    if isinstance(outcome.code, str):
        return "traceback" if outcome.code.startswith("raised") else outcome.code
    if "Traceback" in outcome.err or "Traceback" in outcome.out:
        return "traceback"
    if outcome.code == 0:
        return "exit 0 on bad input" if case.bad is True else None
    if outcome.code != 2:
        return f"exit {outcome.code}"
    lines = outcome.err.removesuffix("\n").split("\n")
    if case.args[:2] == ("data", "check") and not outcome.err.startswith("error:"):
        prefix = re.escape(case.args[2]) + r":\d+:"
        if outcome.err and all(re.match(prefix, line) for line in lines):
            return None if case.bad is not False else "exit 2 on valid input"
        return "stderr is not one line per problem"
    if len(lines) != 1 or not lines[0].startswith("error: "):
        return "stderr is not one error: line"
    return "exit 2 on valid input" if case.bad is False else None


def symptom(violation: str, outcome: Outcome) -> str:
    """The violation with what identifies its cause: the exception type an exit 1 names."""
    m = re.search(r"unexpected failure \((\w+)", outcome.err)
    return f"{violation} ({m.group(1)})" if m else violation


@dataclass(frozen=True)
class KnownBug:
    """A violation reproduced by a named xfail regression test at the end of this file."""

    test: str
    matches: Callable[[Case, Outcome, str], bool]


def _symptom(
    family: str,
    code: int,
    *,
    kind: str | tuple[str, ...] = "",
    err: str = "",
    multiline: bool = False,
) -> Callable[[Case, Outcome, str], bool]:
    """A symptom: the family, the exit code, a prefix of the input's kind, a pattern in stderr."""

    def matches(case: Case, outcome: Outcome, violation: str) -> bool:
        return (
            case.family == family
            and outcome.code == code
            and case.kind.startswith(kind)
            and re.search(err, outcome.err) is not None
            and (not multiline or violation.startswith("stderr is not one"))
        )

    return matches


_UNWRITABLE = (
    r"unexpected failure \((FileExistsError|FileNotFoundError|PermissionError|NotADirectory)"
)

#: Bugs the regression tests below reproduce, by symptom: remove an entry with its fix, and
#: the fuzz tests then fail on any input that still shows it.
KNOWN_BUGS: list[KnownBug] = []


@dataclass
class Tally:
    """Counts of one family's inputs and violations; the first reproduction of each symptom."""

    family: str
    tried: int = 0
    codes: Counter = field(default_factory=Counter)
    violations: Counter = field(default_factory=Counter)
    known: Counter = field(default_factory=Counter)
    unknown: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    harness: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def record(self, case: Case, outcome: Outcome) -> None:
        self.tried += 1
        code = outcome.code if isinstance(outcome.code, int) else "raised"
        self.codes[code] += 1
        violation = judge(case, outcome)
        if violation is None:
            return
        if violation == "would sample":  # the generator's fault, not the package's
            self.harness.append(case.reproduction())
            return
        self.violations[violation.split(" (")[0]] += 1
        for bug in KNOWN_BUGS:
            if bug.matches(case, outcome, violation):
                self.known[bug.test] += 1
                return
        key = f"{symptom(violation, outcome)} [{case.kind}]"
        self.unknown[key] += 1
        if key not in self.examples:
            err = outcome.err.strip().replace("\n", "\\n")[:300]
            self.examples[key] = f"{case.reproduction()} -> exit {outcome.code}: {err}"

    def summary(self) -> str:
        v = self.violations
        wrong = sum(n for k, n in v.items() if k.startswith("exit ") and "input" not in k)
        codes = ", ".join(f"exit {k}: {n}" for k, n in sorted(self.codes.items(), key=str))
        known = ", ".join(f"{k} x{n}" for k, n in sorted(self.known.items())) or "none"
        return (
            f"fuzz {self.family}: {self.tried} inputs in {time.perf_counter() - self.started:.0f}"
            f" s ({codes}); tracebacks {v['traceback']}, wrong exit codes {wrong}, exit 0 on "
            f"bad input {v['exit 0 on bad input']}, valid input refused "
            f"{v['exit 2 on valid input']}, malformed stderr "
            f"{v['stderr is not one error: line'] + v['stderr is not one line per problem']}; "
            f"known bugs {sum(self.known.values())} ({known}); unknown "
            f"{sum(self.unknown.values())}"
        )

    def check(self, capfd, minimum: int) -> None:
        with capfd.disabled():
            print(f"\n{self.summary()}")
        problems = [
            f"  {n} x {key}: {self.examples[key]}" for key, n in self.unknown.most_common()
        ]
        problems += [f"  the fuzzer's fault, it would have sampled: {h}" for h in self.harness[:3]]
        assert not problems, "contract violations:\n" + "\n".join(problems)
        assert self.tried >= minimum, f"only {self.tried} inputs tried"


def fuzz_settings(n: int):
    return settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _fresh(directory: Path, counter: list[int], name: str) -> Path:
    counter[0] += 1
    return directory / f"{counter[0]:06d}-{name}"


# ---------------------------------------------------------------------------------------------
# 1. case tables


def _read_base() -> tuple[list[str], list[list[str]]]:
    with SMALL_CSV.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


BASE_HEADER, BASE_ROWS = _read_base()
BY_NAME = {c.name: c for c in COLUMNS}
NAMES = frozenset(BY_NAME)


def _unknown_code() -> str:
    from forecast import states

    known = states.known_codes()
    return str(next(c for c in range(3, 1000) if c not in known))


NON_ASCII_DIGITS = ["١٩٣٩", "１９３９", "१९३९", "߁߉߃߉", "𝟏𝟗𝟑𝟗", "２", "٠", "²", "¹⁹³⁹"]
JUNK = [
    "abc", "true", "yes", "N/A", "NaN", "nan", "inf", "-inf", "Infinity", "null", "None", "--",
    "-", ".", "1.2.3", "0x1F", "1,000", "1 000", "−5", "5−", "1e", "e5", "'1'", '"1"', "½", "1/2",
    "#1", "\x7f", "\u200b1", "1\u200b",
]  # fmt: skip
UNDERSCORED = ["1_939", "0.1_1", "1__0", "_1", "1_", "0_0"]
HUGE = "99999999999999999999"
LONG = "9" * 5000


_SLUG = re.compile(r"war-[0-9]+|mid-[0-9]+|[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _bad_values(name: str) -> list[str]:
    """Values that are certainly invalid in column ``name`` (by its schema entry)."""
    col = BY_NAME[name]
    out = list(NON_ASCII_DIGITS + JUNK + UNDERSCORED) if col.kind != "str" else []
    if col.required:
        out += ["", "   "]
    if col.kind in ("int", "ccode"):
        out += [HUGE, LONG, "1939.0", "1e3", "+5", "0x10", "1939L", "١٢"]
        out += ["1815", "-1939", "3000", "100000"] if name == "year" else []
        out += [_unknown_code(), "0", "-2", "9999"] if col.kind == "ccode" else []
        out += ["-1", "-5"] if col.kind == "int" and col.low == 0 else []
    elif col.kind == "flag":
        out += ["2", "-1", "01", "1.0", "0.0", "١", "１", "10", HUGE]
    elif col.kind == "float":
        out += [LONG, "-1", "-0.5", "-1e400", "1e400", "1.5e", ".e1"]
        out += ["1.5", "2", HUGE] if col.high else []
    elif col.kind == "enum":
        out += [c.upper() for c in col.choices] + [c + "s" for c in col.choices] + ["defence"]
    elif name == "conflict_id":
        out += ["War-1", "war_1", "a b", "-x", "x-", "1war", "war--1", "Ω", "a.b", "war-١٣٩"]
        out += [v for v in NON_ASCII_DIGITS + JUNK + UNDERSCORED if not _SLUG.fullmatch(v)]
    return [v for v in out if not _valid_value(name, v)]


def _valid_value(name: str, value: str) -> bool:
    """Whether ``value`` is certainly valid in ``name`` (enums and empty optionals only)."""
    col = BY_NAME[name]
    text = value.strip()
    if text == "":
        return not col.required
    return col.kind == "enum" and text in col.choices


BAD_VALUES = {name: _bad_values(name) for name in BASE_HEADER}
TYPED = [c.name for c in COLUMNS if c.kind != "str" or c.name == "conflict_id"] + [
    c.name for c in COLUMNS if c.kind == "str" and c.required
]


def _cell(draw, header, rows):
    name = draw(st.sampled_from(TYPED))
    value = draw(st.sampled_from(BAD_VALUES[name]) | _text_like(name))
    row = draw(st.integers(0, len(rows) - 1))
    rows[row][header.index(name)] = value
    return f"cell:{name}", True, repr(value[:40])


def _text_like(name: str):
    """Random texts that are certainly invalid in ``name``: letters in a number, a non-choice."""
    col = BY_NAME[name]
    if col.kind == "enum":
        return st.text(min_size=1, max_size=12).filter(
            lambda t: t.strip() not in col.choices and t.strip() != ""
        )
    if col.kind == "str":
        return st.text(alphabet=" \t", max_size=3) if col.required else st.nothing()
    return st.text(min_size=1, max_size=12).filter(lambda t: re.search(r"[^\s0-9.eE+-]", t))


#: The cells the design names (other scripts' digits, underscores, huge and 5000-digit
#: numbers) and near-misses of the validator's patterns (1e400 is inf; \d takes any digit).
EDGE_CELLS = [
    ("year", "١٩٣٩"), ("year", "１９３９"), ("year", "1_939"), ("year", HUGE), ("year", LONG),
    ("supporter_cinc", "0.1_1"), ("supporter_cinc", LONG), ("supporter_cinc", "1e400"),
    ("distance_km", "1e400"), ("distance_km", "-1e400"), ("distance_km", "0x1p3"),
    ("conflict_id", "war-١٣٩"), ("conflict_id", "mid-１２"), ("alliance_age", HUGE),
    ("target_ccode", "٢٩٠"), ("military", "١"), ("shared_igos", "1e3"),
]  # fmt: skip


def _edge_cell(draw, header, rows):
    name, value = draw(st.sampled_from(EDGE_CELLS))
    rows[draw(st.integers(0, len(rows) - 1))][header.index(name)] = value
    return f"cell:{name}", True, repr(value[:40])


def _random_cell(draw, header, rows):
    name = draw(st.sampled_from(header))
    value = draw(st.text(max_size=30) | st.sampled_from([HUGE, LONG, "1e400", "-0", " 1 "]))
    rows[draw(st.integers(0, len(rows) - 1))][header.index(name)] = value
    return f"random cell:{name}", None, repr(value[:40])


#: Changes that break a rule across columns of one row: (row, {column: value}).
RULE_BREAKS = {
    "supporter is the target": (0, {"supporter_ccode": "290"}),
    "aggressor is the target": (1, {"aggressor_ccode": "290"}),
    "response contradicts military": (0, {"response": "none"}),
    "military contradicts response": (3, {"military": "1"}),
    "military and sided both 1": (0, {"sided_with_aggressor": "1"}),
    "invoked without obligation": (0, {"obligation": "none"}),
    "distance_capitals without distance_km": (2, {"distance_capitals": "1"}),
    "conflict_id does not fit event_type": (3, {"event_type": "war"}),
    "war id as a mid": (0, {"event_type": "mid"}),
    "aggressor_response contradicts sided": (2, {"aggressor_response": "none"}),
    "aggressor_invoked without obligation": (0, {"aggressor_invoked": "1"}),
}


def _rule(draw, header, rows):
    name = draw(st.sampled_from(sorted(RULE_BREAKS)))
    row, changes = RULE_BREAKS[name]
    for column, value in changes.items():
        rows[row][header.index(column)] = value
    return f"rule:{name}", True, ""


def _drop_column(draw, header, rows):
    name = draw(st.sampled_from(header))
    _drop_index(header, rows, header.index(name))
    return f"drop column:{name}", True if name in REQUIRED else None, ""


def _drop_v2(draw, header, rows):
    for name in V2_COLUMNS:
        _drop_index(header, rows, header.index(name))
    return "drop v2 columns", True, ""


def _drop_index(header, rows, i):
    del header[i]
    for r in rows:
        del r[i]


def _extra_column(draw, header, rows):
    name = draw(
        st.sampled_from(["extra", "Case_ID", "notes", "", "case id", "year2", "caseid"])
        | st.text(max_size=20)
    )
    if name.strip() in NAMES:
        name += "_x"
    at = draw(st.integers(0, len(header)))
    value = draw(st.text(max_size=10))
    header.insert(at, name)
    for r in rows:
        r.insert(at, value)
    return "extra column", True, repr(name)


def _duplicate_column(draw, header, rows):
    name = draw(st.sampled_from(header))
    i = header.index(name)
    header.append(name)
    for r in rows:
        r.append(r[i])
    return f"duplicate column:{name}", True, ""


def _rename_header(draw, header, rows):
    i = draw(st.integers(0, len(header) - 1))
    old = header[i]
    new = draw(
        st.sampled_from([old.upper(), old.title(), old[:-1], old + "s", old.replace("_", " ")])
        | st.sampled_from(
            [
                ("\ufeff" if i else "\u200b") + old,
                old + "\x00",
                old[:3] + "\n" + old[3:],
                old + ",",
            ]
        )
        | st.text(max_size=12)
    )
    if new.strip() in NAMES:
        new = old + "_"
    header[i] = new
    return "rename header", True, repr(new)


def _reorder(draw, header, rows):
    order = draw(st.permutations(range(len(header))))
    header[:] = [header[i] for i in order]
    for r in rows:
        r[:] = [r[i] for i in order]
    return "reorder columns", False, ""


def _duplicate_row(draw, header, rows):
    i = draw(st.integers(0, len(rows) - 1))
    rows.insert(draw(st.integers(0, len(rows))), list(rows[i]))
    return "duplicate row", True, ""


def _duplicate_id(draw, header, rows):
    i, j = draw(st.sampled_from([(0, 1), (1, 3), (2, 0), (3, 2)]))
    rows[j][0] = rows[i][0]
    return "duplicate id", True, ""


def _row_width(draw, header, rows):
    i = draw(st.integers(0, len(rows) - 1))
    how = draw(st.sampled_from(["extra field", "missing field", "extra field everywhere"]))
    if how == "extra field":
        rows[i].insert(draw(st.integers(0, len(rows[i]))), draw(st.text(max_size=5)))
    elif how == "missing field":
        del rows[i][draw(st.integers(0, len(rows[i]) - 1))]
    else:
        for r in rows:
            r.append(draw(st.text(max_size=5)))
    return f"row width:{how}", True, ""


def _many_rows(draw, header, rows):
    n = draw(st.integers(2, 60))
    extra = []
    for k in range(n):
        r = list(rows[k % len(rows)])
        r[0] = f"{r[0]}-copy{k}"
        extra.append(r)
    rows.extend(extra)
    return "many rows", False, f"{n} more rows"


def _huge_field(draw, header, rows):
    name = draw(st.sampled_from(["conflict", "source", "alliance", "year", "supporter_cinc"]))
    size = draw(st.sampled_from([5000, 100_000, 1_000_000]))
    char = draw(st.sampled_from(["x", "9", "é", "\u4e2d"]))
    rows[draw(st.integers(0, len(rows) - 1))][header.index(name)] = char * size
    bad = True if BY_NAME[name].kind != "str" else None
    return f"huge field:{name}", bad, f"{size} x {char!r}"


def _header_only(draw, header, rows):
    rows.clear()
    return "header only", None, ""


TABLE_MUTATIONS = [
    _cell, _cell, _cell, _edge_cell, _random_cell, _rule, _drop_column, _drop_v2, _extra_column,
    _duplicate_column, _rename_header, _reorder, _duplicate_row, _duplicate_id, _row_width,
    _many_rows, _huge_field, _header_only,
]  # fmt: skip


#: Changes that keep a valid table valid (read_text takes a BOM and any line endings).
NEUTRAL_CSV = ("bom", "crlf", "cr", "quote all", "blank lines", "padded header",
               "no final newline")  # fmt: skip


def _encode(header, rows, draw) -> tuple[bytes, list[str]]:
    """CSV bytes with some neutral changes (which keep a table valid), and their names."""
    neutral = draw(st.sets(st.sampled_from(NEUTRAL_CSV)))
    if "cr" in neutral and "crlf" in neutral:
        neutral.discard("cr")
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if "quote all" in neutral else csv.QUOTE_MINIMAL
    writer = csv.writer(buf, lineterminator="\n", quoting=quoting)
    writer.writerow([f"  {h} " if "padded header" in neutral else h for h in header])
    for r in rows:
        writer.writerow(r)
        if "blank lines" in neutral:
            buf.write("\n")
    text = buf.getvalue()
    if "no final newline" in neutral:
        text = text.rstrip("\n")
    if "crlf" in neutral:
        text = text.replace("\n", "\r\n")
    elif "cr" in neutral:
        text = text.replace("\n", "\r")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data if "bom" in neutral else data), sorted(neutral)


def _b_empty(draw, data, header_len):
    return "empty file", True, draw(st.sampled_from([b"", b"\n", b"  \n\n", b"\r\n", b"\t"]))


def _b_nul(draw, data, header_len):
    at = draw(st.integers(0, min(len(data), 8000)))
    nul = draw(st.sampled_from([b"\x00", b"\x00\x01\x02"]))
    return "binary:nul", True, data[:at] + nul + data[at:]


def _b_junk(draw, data, header_len):
    junk = draw(st.binary(min_size=1, max_size=64))
    at = draw(st.integers(0, len(data)))
    changed = data[:at] + junk + data[at:]
    return "binary:junk", True if b"\x00" in changed[:8192] else None, changed


def _b_not_utf8(draw, data, header_len):
    at = draw(st.integers(0, len(data)))
    bad_byte = draw(
        st.sampled_from([b"\xff", b"\xfe", b"\xc3", b"\xe9", b"\x80", b"\xed\xa0\x80"])
    )
    return "not utf-8", True, data[:at] + bad_byte + data[at:]


def _b_latin1(draw, data, header_len):
    text = data.decode("utf-8").replace("World War II", "Guerre mondiale d'été")
    return "latin-1 file", True, text.encode("latin-1", errors="replace")


def _b_utf16(draw, data, header_len):
    encoding = draw(st.sampled_from(["utf-16", "utf-32"]))
    return f"{encoding} file", True, data.decode("utf-8").encode(encoding)


def _b_truncate(draw, data, header_len):
    at = draw(st.integers(0, len(data) - 1))
    return "truncated", True if at < header_len else None, data[:at]


def _b_separator(draw, data, header_len):
    sep = draw(st.sampled_from([";", "\t", "|"]))
    return f"separator {sep!r}", True, data.replace(b",", sep.encode())


def _b_double_bom(draw, data, header_len):
    return "double bom", None, b"\xef\xbb\xbf\xef\xbb\xbf" + data.removeprefix(b"\xef\xbb\xbf")


def _b_json(draw, data, header_len):
    doc = draw(st.sampled_from([b'{"case_id": 1}', b"[1, 2, 3]\n", b"<html></html>", b"\x89PNG"]))
    return "not a table", True, doc


BYTE_MUTATIONS = [
    _b_empty, _b_nul, _b_junk, _b_not_utf8, _b_latin1, _b_utf16, _b_truncate, _b_separator,
    _b_double_bom, _b_json,
]  # fmt: skip


@st.composite
def case_tables(draw):
    """A mutated case table: (bytes, kind, bad, note, command)."""
    header, rows = list(BASE_HEADER), [list(r) for r in BASE_ROWS]
    byte_level = draw(st.integers(0, 3)) == 0
    kind, bad, note = "untouched", False, ""
    if not byte_level and draw(st.integers(0, 9)) > 0:
        kind, bad, note = draw(st.sampled_from(TABLE_MUTATIONS))(draw, header, rows)
    data, neutral = _encode(header, rows, draw)
    if byte_level:
        header_len = data.find(b"\n") if b"\n" in data else len(data)
        kind, bad, data = draw(st.sampled_from(BYTE_MUTATIONS))(draw, data, header_len)
    command = draw(st.sampled_from(["check"] * 6 + ["summary", "summary json"]))
    if neutral:
        note = f"{note}; {'+'.join(neutral)}".strip("; ")
    return data, kind, bad, note, command


def _fuzz_case_tables(capfd, tmp_path, n: int) -> Tally:
    tally, counter = Tally("case tables"), [0]

    @fuzz_settings(n)
    @given(case_tables())
    def run(generated):
        data, kind, bad, note, command = generated
        path = _fresh(tmp_path, counter, "cases.csv")
        path.write_bytes(data)
        args = ["data", command.split()[0], str(path)]
        if command.endswith("json"):
            args += ["--format", "json"]
        case = Case("cases", kind, bad, tuple(args), note)
        tally.record(case, invoke(capfd, case.args))
        path.unlink()

    run()
    return tally


@SIZES
def test_fuzz_case_tables(capfd, tmp_path, size):
    n = size["cases"]
    _fuzz_case_tables(capfd, tmp_path, n).check(capfd, n // 2)


# ---------------------------------------------------------------------------------------------
# 2. scenarios


def toml_string(s: str) -> str:
    """``s`` as a TOML basic string."""
    out = []
    for ch in s:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        r = repr(v)
        return r if any(c in r for c in ".eE") else r + ".0"
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, dt.date | dt.datetime | dt.time):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def toml_dumps(doc: dict) -> str:
    """A TOML document: the top level's values, then each table (sub-tables as headers)."""
    lines: list[str] = []

    def table(prefix: tuple[str, ...], d: dict) -> None:
        if prefix:
            lines.append("[" + ".".join(map(toml_string, prefix)) + "]")
        for k, v in d.items():
            if not isinstance(v, dict) or (not prefix and not v):
                lines.append(f"{toml_string(k)} = {toml_value(v)}")
        for k, v in d.items():
            if isinstance(v, dict) and (prefix or v):
                table((*prefix, k), v)

    table((), doc)
    return "\n".join(lines) + "\n"


BASE_SCENARIO_TEXT = TAIWAN.read_text(encoding="utf-8")
BASE_SCENARIO = tomllib.loads(BASE_SCENARIO_TEXT)
THIS_YEAR = dt.date.today().year
STATE_FIELDS = ("aggressor", "target")
TOP_KEYS = (
    "name", "year", "aggressor", "target", "responders", "aggressor_helpers", "scale",
    "description", "simulation", "overrides",
)  # fmt: skip
REQUIRED_KEYS = ("name", "year", "aggressor", "target", "responders")
#: Names that are certainly no state (digits in a name are refused; codes are checked).
NOT_STATES = [
    "Atlantis", "Freedonia", "", "   ", "China 2026", "Chin4", "9999", "0", "-1", "Taiwan!!1",
    "²", "2²", "Rusia", "\n", "Narnia",
]  # fmt: skip


def _states() -> list[str]:
    from forecast import states

    return [states.name(c) for c in sorted(states.known_codes())]


STATES = _states()
#: Other names of the scenario's states (COW abbreviations, codes, long names).
ALIASES = {
    "United States": ["USA", "2", "United States of America"],
    "Japan": ["JPN", "740"],
    "China": ["CHN", "710"],
    "Taiwan": ["TAW", "713"],
}


def _any_value(depth: int = 2):
    scalars = (
        st.integers(-(10**20), 10**20)
        | st.floats(allow_nan=True)
        | st.booleans()
        | st.text(max_size=15)
        | st.dates()
    )
    if depth == 0:
        return scalars
    inner = _any_value(depth - 1)
    return (
        scalars
        | st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=5), inner, max_size=2)
    )


def _wrong_type(key: str):
    """Values of a type ``key`` does not take (TOML has no null)."""
    text, number = st.text(max_size=10), st.integers(-5, 5000) | st.floats(-1e3, 1e4)
    wrong = {
        "year": text
        | st.floats(1900, 2030)
        | st.booleans()
        | st.lists(number, max_size=2)
        | st.dates()
        | st.just({"year": 2026}),
        "responders": text | number | st.just({"United States": 1}) | st.booleans(),
        "aggressor_helpers": text | number | st.just({}),
        "simulation": number | text | st.lists(number, max_size=2),
        "overrides": number | text | st.lists(text, max_size=2),
    }
    return wrong.get(
        key, number | st.booleans() | st.lists(text, max_size=2) | st.dates() | st.just({"a": 1})
    )


def _s_drop(draw, doc):
    key = draw(st.sampled_from(REQUIRED_KEYS))
    del doc[key]
    return f"missing key:{key}", True, ""


def _s_unknown_key(draw, doc):
    key = draw(
        st.sampled_from(["Name", "years", "responder", "target_", "a\nb", "", "draws", "\u0430"])
        | st.text(max_size=10)
    )
    if key in TOP_KEYS:
        key += "x"
    doc[key] = draw(_any_value(1))
    return "unknown key", True, repr(key)


def _s_wrong_type(draw, doc):
    key = draw(st.sampled_from(TOP_KEYS))
    doc[key] = draw(_wrong_type(key))
    return f"wrong type:{key}", True, repr(doc[key])[:60]


def _state_value():
    return (
        st.sampled_from(NOT_STATES).map(lambda s: (s, True))
        | st.sampled_from(STATES).map(lambda s: (s, None))
        | st.text(max_size=20).map(lambda s: (s, None))
        | st.sampled_from(
            ["٢", "٧١٠", "２", "ROC", "PRC", "Korea", "Congo", "usa", " Japan "]
        ).map(lambda s: (s, None))
    )


def _s_state(draw, doc):
    where = draw(st.sampled_from(["aggressor", "target", "responders", "aggressor_helpers"]))
    value, bad = draw(_state_value())
    if where in STATE_FIELDS:
        doc[where] = value
    else:
        items = doc[where]
        items[draw(st.integers(0, len(items) - 1))] = value
    return f"state:{where}", bad, repr(value)


def _s_misspelt(draw, doc):
    where = draw(st.sampled_from(["aggressor", "target", "responders"]))
    name = doc[where] if where in STATE_FIELDS else doc[where][0]
    i = draw(st.integers(0, len(name) - 1))
    how = draw(st.sampled_from(["drop", "double", "swap", "case"]))
    spelt = {
        "drop": name[:i] + name[i + 1 :],
        "double": name[:i] + name[i] + name[i:],
        "swap": name[:i] + name[i + 1 : i + 2] + name[i] + name[i + 2 :],
        "case": name.swapcase(),
    }[how]
    if where in STATE_FIELDS:
        doc[where] = spelt
    else:
        doc[where][0] = spelt
    return f"misspelt:{where}", None, repr(spelt)


def _s_year(draw, doc):
    last = THIS_YEAR + 25
    year, bad = draw(
        st.integers(1816, last).map(lambda y: (y, None))
        | st.integers(-(10**6), 1815).map(lambda y: (y, True))
        | st.integers(last + 1, 10**6).map(lambda y: (y, True))
        | st.sampled_from([-(2**63), 2**63 - 1, 10**30, -(10**30), 0]).map(lambda y: (y, True))
    )
    doc["year"] = year
    return "year", bad, str(year)


def _s_simulation(draw, doc):
    sim = doc.setdefault("simulation", {})
    key = draw(st.sampled_from(["draws", "seed", "unknown"]))
    if key == "unknown":
        name = draw(st.sampled_from(["tune", "Draws", "chains", "draws ", "seeds"]))
        sim[name] = 1
        return "simulation:unknown key", True, name
    low, high = (1, 1_000_000) if key == "draws" else (0, 2**32 - 1)
    value = draw(
        st.integers(low, min(high, 100_000))
        | st.integers(-(10**20), low - 1)
        | st.integers(high + 1, 10**20)
        | st.sampled_from([True, 1.5, "100", float("nan"), [1]])
    )
    sim[key] = value
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return f"simulation:{key}", None if ok else True, repr(value)


def _s_responders(draw, doc):
    how = draw(
        st.sampled_from(["empty", "repeat", "target", "aggressor", "alias", "many", "deep"])
    )
    items = doc["responders"]
    if how == "empty":
        doc["responders"] = []
    elif how == "repeat":
        items.insert(draw(st.integers(0, len(items))), draw(st.sampled_from(items)))
    elif how in ("target", "aggressor"):
        items.insert(draw(st.integers(0, len(items))), doc[how])
    elif how == "alias":
        name = draw(st.sampled_from(["United States", "Japan"]))
        items.append(draw(st.sampled_from(ALIASES[name])))
    elif how == "many":
        doc["responders"] = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=30))
        doc.pop("overrides", None)
        return "responders:many", None, repr(doc["responders"])[:80]
    else:
        depth = draw(st.sampled_from([2, 5, 50, 200]))
        doc["responders"] = [json.loads("[" * depth + '"Japan"' + "]" * depth)]
    return f"responders:{how}", True, ""


def _s_helpers(draw, doc):
    how = draw(st.sampled_from(["empty", "target", "aggressor", "responder", "unknown"]))
    helpers = list(doc["aggressor_helpers"])
    if how == "empty":
        helpers = []
    elif how in ("target", "aggressor"):
        helpers.append(doc[how])
    elif how == "responder":
        helpers.append(draw(st.sampled_from(doc["responders"])))
    else:
        helpers.append(draw(st.sampled_from(NOT_STATES)))
    doc["aggressor_helpers"] = helpers
    return f"helpers:{how}", None if how == "responder" else True, ""


def _s_scale(draw, doc):
    value = draw(st.sampled_from(["dispute", "war"]) | st.text(max_size=10))
    doc["scale"] = value
    return "scale", None if value in ("war", "dispute") else True, repr(value)


def _s_texts(draw, doc):
    key = draw(st.sampled_from(["name", "description"]))
    limit = 200 if key == "name" else 20_000
    value = draw(
        st.text(max_size=40)
        | st.integers(limit + 1, 3 * limit).map(lambda n: "x" * n)
        | st.sampled_from(["", "  ", "\n", "\t"] if key == "name" else ["", "\x00"])
    )
    doc[key] = value
    bad = True if len(value) > limit or (key == "name" and not value.strip()) else None
    return f"text:{key}", bad, repr(value[:30]) + f" ({len(value)} chars)"


def _override_value(column: str):
    """(value, bad): a value for ``column`` and whether it is certainly invalid."""
    col = BY_NAME[column]
    anything = _any_value(1)

    def verdict(v) -> bool | None:
        if isinstance(v, str) and v == "":
            return True if col.required else None
        if col.kind == "flag":
            ok = isinstance(v, bool) or (isinstance(v, int) and v in (0, 1))
        elif col.kind == "enum":
            ok = isinstance(v, str) and v in col.choices
        elif col.kind == "str":
            ok = isinstance(v, str)
        elif col.kind == "int":
            ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 999_999_999
        else:
            ok = (
                isinstance(v, int | float) and not isinstance(v, bool) and col.low <= v <= col.high
            )
        return None if ok else True

    choices = [*col.choices, 0, 1, True, 0.5, -1, 2, 10**10, 10**400, float("inf"), float("nan")]
    return (st.sampled_from(choices) | anything).map(lambda v: (v, verdict(v)))


def _s_override(draw, doc):
    overrides = doc.setdefault("overrides", {})
    how = draw(
        st.sampled_from(
            ["value"] * 4
            + ["column", "not a responder", "unknown state", "alias", "not a table", "nested"]
        )
    )
    who = draw(st.sampled_from(doc["responders"]))
    if how == "value":
        column = draw(st.sampled_from(OVERRIDABLE))
        value, bad = draw(_override_value(column))
        overrides.setdefault(who, {})[column] = value
        return f"override:{column}", bad, repr(value)[:40]
    if how == "column":
        column = draw(st.sampled_from(["military", "response", "year", "Obligation", "", "x"]))
        overrides.setdefault(who, {})[column] = 1
    elif how == "not a responder":
        other = draw(st.sampled_from(["Brazil", "Mexico", "Argentina", "Egypt", "China"]))
        overrides[other] = {"obligation": "defense"}
    elif how == "unknown state":
        overrides[draw(st.sampled_from(NOT_STATES))] = {"obligation": "defense"}
    elif how == "alias":
        overrides["United States"] = {"obligation": "defense"}
        overrides[draw(st.sampled_from(ALIASES["United States"]))] = {"conditional": 1}
    elif how == "not a table":
        overrides[who] = draw(st.sampled_from([5, "defense", [1], True]))
    else:
        overrides[who] = {"obligation": {"value": "defense"}}
    return f"override:{how}", True, ""


def _s_documented_override(draw, doc):
    doc["overrides"] = {
        "United States": {"obligation": "defense", "alliance": "US-Taiwan (hypothetical)"}
    }
    return "documented override", False, ""


DOC_MUTATIONS = [
    _s_drop, _s_unknown_key, _s_wrong_type, _s_state, _s_state, _s_misspelt, _s_year,
    _s_simulation, _s_responders, _s_helpers, _s_scale, _s_texts, _s_override, _s_override,
    _s_documented_override,
]  # fmt: skip


def _t_truncate(draw, text):
    at = draw(st.integers(0, len(text)))
    return "truncated", None, text[:at]


def _t_insert(draw, text):
    at = draw(st.integers(0, len(text)))
    return "inserted text", None, text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at:]


INVALID_TOML = [
    'name = "duplicate"\n', "= 1\n", "x = \n", 'x = "unterminated\n', "[simulation\n",
    "x = 1 2\n", "[[]]\n", "x = [1, 2\n", "x = {a = 1\n", "x = 01\n", "x = 1__0\n",
    "x = 2026-13-45\n", "'''\n", 'x = "\\q"\n', "x = +nan1\n", "[simulation]\n[simulation]\n",
]  # fmt: skip


def _t_invalid(draw, text):
    return "invalid toml", True, draw(st.sampled_from(INVALID_TOML)) + text


def _t_nested(draw, text):
    kind = draw(st.sampled_from(["array", "inline table", "dotted key", "table header"]))
    # tomllib needs memory quadratic in a dotted key's parts (100,000 of them took 20 GB and
    # the OOM killer): test_regression_scenario_with_a_long_dotted_key has that, in a capped
    # subprocess; here keys stay short enough to parse
    deep = [100_000] if kind in ("array", "inline table") else []  # RecursionError, at once
    n = draw(st.sampled_from([10, 200, 1000, 5000, *deep]))
    snippet = {
        "array": "x = " + "[" * n + "]" * n + "\n",
        "inline table": "x = " + "{a = " * n + "1" + "}" * n + "\n",
        "dotted key": ".".join(["x"] * n) + " = 1\n",
        "table header": "[" + ".".join(["x"] * n) + "]\n",
    }[kind]
    if kind == "table header":
        return f"nested:{kind}", True, text + snippet
    return f"nested:{kind}", True, snippet + text


def _t_huge_number(draw, text):
    digits = draw(st.sampled_from([20, 4300, 4301, 5000, 100_000]))
    key = draw(st.sampled_from(["year", "draws", "seed"]))
    number = ("-" if draw(st.booleans()) else "") + "9" * digits
    changed = re.sub(rf'(?m)^"?{key}"? = -?[0-9]+', f"{key} = {number}", text)
    return f"huge number:{key}", True if changed != text else None, changed


def _t_escaped_key(draw, text):
    key = draw(st.sampled_from(['"a\\nb"', '"a\\rb"', '""', '"\\u0000"', '"\\t"', '"name "']))
    return "escaped key", True, f"{key} = 1\n" + text


def _t_not_text(draw, text):
    data = draw(st.sampled_from(["", "\n\n", "   ", "\x00" + text, "\ufeff\ufeff" + text]))
    return "not text", True, data


TEXT_MUTATIONS = [
    _t_truncate, _t_insert, _t_invalid, _t_nested, _t_huge_number, _t_escaped_key, _t_not_text,
]  # fmt: skip


@st.composite
def scenarios(draw):
    """A mutated scenario: (bytes, kind, bad, note, format)."""
    doc = json.loads(json.dumps(BASE_SCENARIO))
    roll = draw(st.integers(0, 19))
    kind, bad, note = "untouched", False, ""
    if roll == 0:
        text = BASE_SCENARIO_TEXT
    elif roll <= 14:
        kind, bad, note = draw(st.sampled_from(DOC_MUTATIONS))(draw, doc)
        text = toml_dumps(doc)
        if repr(_canon(tomllib.loads(text))) != repr(_canon(doc)):
            raise AssertionError(f"the fuzzer's TOML writer failed on {doc!r}")
    else:
        kind, bad, text = draw(st.sampled_from(TEXT_MUTATIONS))(draw, toml_dumps(doc))
    neutral = draw(st.sets(st.sampled_from(["bom", "crlf", "comments"])))
    if "comments" in neutral:
        text = "# a comment\n" + text + "\n# the end\n"
    if "crlf" in neutral:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8", errors="surrogatepass")
    if "bom" in neutral:
        data = b"\xef\xbb\xbf" + data
    if neutral:
        note = f"{note}; {'+'.join(sorted(neutral))}".strip("; ")
    fmt = draw(st.sampled_from(["table", "table", "json", "csv"]))
    return data, kind, bad, note, fmt


def _canon(x):
    """``x`` with every table's keys sorted (for comparing documents)."""
    if isinstance(x, dict):
        return sorted((k, _canon(v)) for k, v in x.items())
    if isinstance(x, list):
        return [_canon(v) for v in x]
    return x


def _fuzz_scenarios(capfd, tmp_path, model: Path, n: int, monkeypatch) -> Tally:
    from forecast import model as fm

    # the model file never changes here (family 3 damages its copies): load it once, so a
    # valid scenario costs its forecast and not also the NetCDF read
    real_load, loaded = fm.load, {}

    def load_once(path):
        if str(path) not in loaded:
            loaded[str(path)] = real_load(path)
        return loaded[str(path)]

    monkeypatch.setattr(fm, "load", load_once)
    tally, counter = Tally("scenarios"), [0]

    @fuzz_settings(n)
    @given(scenarios())
    def run(generated):
        data, kind, bad, note, fmt = generated
        path = _fresh(tmp_path, counter, "scenario.toml")
        path.write_bytes(data)
        args = ("predict", str(path), "--model", str(model), "--draws", DRAWS, "--format", fmt)
        tally.record(Case("scenarios", kind, bad, args, note), invoke(capfd, args))
        path.unlink()

    run()
    return tally


@SIZES
def test_fuzz_scenarios(capfd, tmp_path, tiny_model_file, monkeypatch, size):
    n = size["scenarios"]
    _fuzz_scenarios(capfd, tmp_path, tiny_model_file, n, monkeypatch).check(capfd, n // 2)


# ---------------------------------------------------------------------------------------------
# 3. saved fits

REQUIRED_ATTRS = (
    "forecast_format", "forecast_version", "schema_version", "covariates", "scaling", "labels",
    "data_hash", "n_cases", "sampler", "seed", "priors", "diagnostics", "converged",
)  # fmt: skip
JSON_ATTRS = {"covariates": list, "scaling": dict, "labels": dict, "sampler": dict,
              "priors": dict, "diagnostics": dict}  # fmt: skip
#: JSON attributes whose content the loader cannot check (any dict of the right kind loads).
LOOSE_JSON = ("scaling", "priors", "sampler")
GROUP_NAMES = ("supporter", "alliance", "conflict", "era", "alliance_conflict")


#: Values for root attributes: wrong types, wrong JSON, huge, deep, near-misses of valid ones.
ATTR_VALUES = [
    7, -1, 1.5, np.nan, np.array([1, 2, 3]), np.array(["a", "b"]), b"\xff\xfe", b"forecast-fit/3",
    "", "x" * 1_000_000, "null", "[]", "{}", '"text"', "{bad json", "0\n1", "1.0\nx",
    "[" * 100_000, '{"a": ' * 100_000 + "1" + "}" * 100_000, np.array([], dtype=np.int64),
    np.float32(2.0), np.int8(2), "2", "forecast-fit/2", "forecast-fit/4", "FORECAST-FIT/3",
    "forecast-fit/3 ", "0.2.0", "1.0.0", "0", "١", "0.1.0\nINJECTED", "NaN", "1e400",
]  # fmt: skip


def _attr_values():
    return st.sampled_from(ATTR_VALUES) | st.text(
        st.characters(exclude_characters="\x00"), max_size=20
    )


def _as_int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError, OverflowError):
        return None


def _attr_badness(name: str, v) -> bool | None:
    """Whether a root attribute ``name`` set to ``v`` certainly makes the fit unloadable."""
    if isinstance(v, bytes):
        return True if name == "forecast_format" and v != FORMAT.encode() else None
    if name == "forecast_format":
        return None if isinstance(v, str) and v == FORMAT else True
    if name == "forecast_version":
        return True if str(v).split(".")[0] != "0" else None
    if name == "schema_version":
        return None if _as_int(v) == 2 else True
    if name in JSON_ATTRS:
        if not isinstance(v, str):
            return True
        try:
            doc = json.loads(v)
        except (ValueError, RecursionError):
            return True
        if not isinstance(doc, JSON_ATTRS[name]):
            return True
        return None if name in LOOSE_JSON else True  # "[]" or "{}": empty, so incomplete
    if name in ("seed", "n_cases", "converged"):
        return None if _as_int(v) is not None else True
    return None


def _h5_value(v):
    if isinstance(v, np.ndarray) and v.dtype.kind == "U":
        import h5py

        return v.astype(h5py.string_dtype())
    return v


def _m_set_attr(draw):
    name = draw(st.sampled_from([*REQUIRED_ATTRS, "created_at", "compact"]))
    value = draw(_attr_values())

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            f.attrs[name] = _h5_value(value)

    bad = _attr_badness(name, value) if name != "compact" else _compact_badness(value)
    return f"attribute:{name}", bad, repr(value)[:40], apply


def _compact_badness(v) -> bool | None:
    if not isinstance(v, str):
        return None
    try:
        doc = json.loads(v)
    except (ValueError, RecursionError):
        return True
    return None if isinstance(doc, dict) and isinstance(doc.get("dropped"), list) else True


def _m_delete_attr(draw):
    name = draw(st.sampled_from([*REQUIRED_ATTRS, "created_at", "_NCProperties"]))

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            del f.attrs[name]

    return f"missing attribute:{name}", True if name in REQUIRED_ATTRS else None, "", apply


def _json_edit(name: str, edit: Callable[[object], object]):
    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            f.attrs[name] = json.dumps(edit(json.loads(f.attrs[name])))

    return apply


def _m_json_content(draw):
    group = draw(st.sampled_from(GROUP_NAMES))
    edits = {
        "labels: a group missing": (
            "labels",
            lambda d: {k: v for k, v in d.items() if k != group},
            True,
        ),
        "labels: not a list": ("labels", lambda d: {**d, group: 5}, True),
        "labels: numbers": ("labels", lambda d: {**d, group: list(range(len(d[group])))}, True),
        "labels: empty": ("labels", lambda d: {**d, group: []}, True),
        "labels: extra group": ("labels", lambda d: {**d, "extra": ["a"]}, True),
        "labels: one more": ("labels", lambda d: {**d, group: [*d[group], "new"]}, True),
        "labels: reversed": ("labels", lambda d: {**d, group: d[group][::-1]}, None),
        "labels: a string": (
            "labels",
            lambda d: {**d, group: "".join("x" for _ in d[group])},
            None,
        ),
        "covariates: unknown": ("covariates", lambda c: [*c, "bogus"], True),
        "covariates: one fewer": ("covariates", lambda c: c[:-1], True),
        "covariates: repeated": ("covariates", lambda c: [*c[:-1], c[0]], True),
        "covariates: reversed": ("covariates", lambda c: c[::-1], True),
        "covariates: numbers": ("covariates", lambda c: list(range(len(c))), True),
        "covariates: a newline": ("covariates", lambda c: [f"{c[0]}\nx", *c[1:]], True),
        "labels: a newline": (
            "labels",
            lambda d: {**d, group: [f"{x}\n" for x in d[group]]},
            None,
        ),
        "diagnostics: no max_rhat": (
            "diagnostics",
            lambda d: {k: v for k, v in d.items() if k != "max_rhat"},
            True,
        ),
        "diagnostics: text": ("diagnostics", lambda d: {**d, "max_rhat": "abc"}, True),
        "diagnostics: null": ("diagnostics", lambda d: {**d, "min_ess_bulk": None}, True),
        "diagnostics: ebfmi number": ("diagnostics", lambda d: {**d, "ebfmi": 5}, True),
        "diagnostics: ebfmi empty": ("diagnostics", lambda d: {**d, "ebfmi": []}, None),
        "scaling: empty": ("scaling", lambda d: {}, None),
        "scaling: text": ("scaling", lambda d: {k: "abc" for k in d}, None),
        "scaling: zero sd": ("scaling", lambda d: {k: {**v, "sd": 0} for k, v in d.items()}, None),
        "scaling: no sd": ("scaling", lambda d: {k: {"mean": 0} for k in d}, None),
        "scaling: nested": ("scaling", lambda d: {k: [v] for k, v in d.items()}, None),
        "priors: empty": ("priors", lambda d: {}, None),
        "priors: junk": ("priors", lambda d: {k: "junk" for k in d}, None),
        "sampler: empty": ("sampler", lambda d: {}, None),
    }
    kind = draw(st.sampled_from(sorted(edits)))
    name, edit, bad = edits[kind]
    return f"json:{kind}", bad, group if kind.startswith("labels") else "", _json_edit(name, edit)


POSTERIOR_VARIABLES = (
    "beta", "cutpoints", "beta_aggressor", "alpha_aggressor", "supporter_effect",
    "conflict_effect", "era_effect", "sigma_supporter", "rho_conflict",
    "alliance_conflict_effect",
)  # fmt: skip
DESIGN_VARIABLES = (
    "X", "y", "military", "aggressor", "dispute", "index_supporter", "index_conflict",
    "index_era", "row", "covariate", "conflict",
)  # fmt: skip


def _m_delete(draw):
    what = draw(
        st.sampled_from(["posterior", "design", "sample_stats", "observed_data", "constant_data"])
        | st.sampled_from((*POSTERIOR_VARIABLES, "chain", "draw", "covariate", "era")).map(
            lambda v: f"posterior/{v}"
        )
        | st.sampled_from(DESIGN_VARIABLES).map(lambda v: f"design/{v}")
    )

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            del f[what]

    certain = {"posterior", "design", "posterior/beta", "posterior/cutpoints"} | {
        f"design/{v}" for v in DESIGN_VARIABLES[:7]
    }
    return f"missing:{what}", True if what in certain else None, "", apply


def _m_values(draw):
    var = draw(st.sampled_from(POSTERIOR_VARIABLES))
    value = draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e30, -0.0, 1e-45]))
    everywhere = draw(st.booleans())

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            data = f[f"posterior/{var}"]
            if everywhere:
                data[...] = value
            else:
                data[(0,) * data.ndim] = value

    bad = True if not math.isfinite(value) else None
    return f"values:{var}", bad, f"{value}{' everywhere' if everywhere else ''}", apply


def _rewrite(edit: Callable):
    """A mutation that loads the file with xarray, edits the tree and writes it back."""

    def apply(path):
        import xarray as xr

        with xr.open_datatree(path, engine="h5netcdf") as tree:
            tree = tree.load()
        tree = edit(tree)
        tmp = path.with_suffix(".tmp.nc")
        tree.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)

    return apply


def _posterior(tree, f):
    tree["posterior"] = tree["posterior"].to_dataset().pipe(f)
    return tree


def _m_rewrite(draw):
    edits = {
        "beta as integers": (lambda ds: ds.assign(beta=ds.beta.astype("int64")), True),
        "beta one covariate fewer": (lambda ds: ds.isel(covariate=slice(0, -1)), None),
        "no chains": (lambda ds: ds.isel(chain=slice(0, 0)), None),
        "one draw": (lambda ds: ds.isel(draw=slice(0, 1)), None),
        "beta renamed": (lambda ds: ds.rename_vars(beta="beta_renamed"), True),
        "extra integer variable": (lambda ds: ds.assign(extra=ds.beta.astype("int64")), True),
        "beta transposed": (lambda ds: ds.assign(beta=ds.beta.transpose("covariate", ...)), None),
        "era levels dropped": (lambda ds: ds.isel(era=slice(0, 2)), True),
        "float16 draws": (lambda ds: ds.astype("float16"), None),
        "cutpoints reversed": (lambda ds: ds.assign(cutpoints=ds.cutpoints[..., ::-1]), None),
    }
    kind = draw(st.sampled_from(sorted(edits)))
    edit, bad = edits[kind]
    return f"rewrite:{kind}", bad, "", _rewrite(lambda tree: _posterior(tree, edit))


def _m_bytes(draw):
    how = draw(st.sampled_from(["truncate", "flip", "replace"]))
    if how == "truncate":
        fraction = draw(st.floats(0, 0.999))

        def apply(path):
            data = path.read_bytes()
            path.write_bytes(data[: int(len(data) * fraction)])

        return "bytes:truncated", True, f"to {fraction:.3f}", apply
    if how == "flip":
        flips = draw(
            st.lists(st.tuples(st.floats(0, 0.9999), st.integers(1, 255)), min_size=1, max_size=8)
        )

        def apply(path):
            data = bytearray(path.read_bytes())
            for where, mask in flips:
                data[int(len(data) * where)] ^= mask
            path.write_bytes(bytes(data))

        return "bytes:flipped", None, f"{len(flips)} bytes", apply
    content = draw(
        st.sampled_from(
            [
                b"",
                b"CDF\x01garbage",
                b"\x89HDF\r\n\x1a\ngarbage",
                b"not a model\n",
                BASE_SCENARIO_TEXT.encode(),
                b"\x00" * 4096,
            ]
        )
        | st.binary(max_size=200)
    )
    return "bytes:replaced", True, repr(content[:20]), lambda path: path.write_bytes(content)


def _m_other_hdf5(draw):
    kind = draw(st.sampled_from(["empty hdf5", "other netcdf", "design only", "unsafe"]))

    def apply(path):
        import h5py

        if kind == "empty hdf5":
            with h5py.File(path, "w"):
                pass
        elif kind == "other netcdf":
            import xarray as xr

            xr.Dataset({"t": ("x", np.arange(3.0))}).to_netcdf(path, engine="h5netcdf")
        elif kind == "design only":
            with h5py.File(path, "r+") as f:
                for name in list(f):
                    if name != "design":
                        del f[name]
        else:
            with h5py.File(path, "r+") as f:
                f["posterior/beta"].attrs[draw_attr] = 2.0

    draw_attr = draw(st.sampled_from(["scale_factor", "add_offset"]))
    return f"file:{kind}", True, draw_attr if kind == "unsafe" else "", apply


def _m_external(draw):
    def apply(path):
        import h5py

        other = path.with_name(path.name + ".raw")
        other.write_bytes(np.zeros(64, dtype="f4").tobytes())
        with h5py.File(path, "r+") as f:
            f["posterior"].create_dataset(
                "outside", shape=(64,), dtype="f4", external=[(str(other), 0, 256)]
            )

    return "file:external storage", True, "", apply


def _m_harmless(draw):
    what = draw(st.sampled_from(["untouched", "extra attribute", "extra group", "huge hash"]))

    def apply(path):
        import h5py

        if what == "untouched":
            return
        with h5py.File(path, "r+") as f:
            if what == "extra attribute":
                f.attrs["note"] = "added by the fuzzer"
            elif what == "extra group":
                f.create_group("notes").attrs["x"] = 1
            else:
                f.attrs["data_hash"] = "sha256:" + "0" * 5_000_000

    return f"harmless:{what}", False if what == "untouched" else None, "", apply


MODEL_MUTATIONS = [
    _m_set_attr, _m_set_attr, _m_set_attr, _m_delete_attr, _m_json_content, _m_json_content,
    _m_delete, _m_values, _m_rewrite, _m_bytes, _m_other_hdf5, _m_external, _m_harmless,
]  # fmt: skip


@st.composite
def models(draw):
    """A damaged copy of the tiny fit: (kind, bad, note, apply(path))."""
    return draw(st.sampled_from(MODEL_MUTATIONS))(draw)


def _fuzz_models(capfd, tmp_path, model: Path, n: int) -> Tally:
    tally, counter = Tally("saved fits"), [0]

    @fuzz_settings(n)
    @given(models())
    def run(generated):
        kind, bad, note, apply = generated
        path = _fresh(tmp_path, counter, "model.nc")
        shutil.copyfile(model, path)
        apply(path)
        args = ("predict", str(TAIWAN), "--model", str(path), "--draws", DRAWS)
        tally.record(Case("saved fits", kind, bad, args, note), invoke(capfd, args))
        for leftover in tmp_path.glob(f"{path.name}*"):
            leftover.unlink()

    run()
    return tally


@SIZES
def test_fuzz_saved_fits(capfd, tmp_path, tiny_model_file, size):
    n = size["models"]
    _fuzz_models(capfd, tmp_path, tiny_model_file, n).check(capfd, n // 2)


# ---------------------------------------------------------------------------------------------
# 4. command-line arguments


def _number_verdict(text: str, low: int, high: int) -> bool | None:
    """How bad a number on the command line is: ASCII digits, optional minus, in range."""
    t = text.strip()
    if not (t.isascii() and re.fullmatch(r"-?[0-9]+", t) and len(t) <= 20):
        return True
    return None if low <= int(t) <= high else True


COUNT_RANGE, SEED_RANGE = (1, 10_000_000), (0, 2**32 - 1)
BAD_NUMBERS = [
    "0", "-1", "abc", "", " ", "1.5", "1e3", "１０", "٣", "²", HUGE, "10000001", str(2**32),
    "0x10", "+5", "-0", " 5 ", "--5", "5-", "1_000", "inf", "nan", "0" * 19 + "1",
    "0" * 20 + "1", "-" + HUGE, "9" * 5000,
]  # fmt: skip


def _number(low_high, small: bool = True):
    """(text, bad) for a count or seed option: valid small numbers or anything in BAD_NUMBERS."""
    low, high = low_high
    valid = st.integers(low, 50 if small else high).map(str)
    return (valid | st.sampled_from(BAD_NUMBERS) | st.text(max_size=6)).map(
        lambda t: (t, _number_verdict(t, low, high))
    )


@dataclass(frozen=True)
class Slot:
    """Tokens for one option or argument, and whether they alone make the command invalid."""

    tokens: tuple[str, ...]
    bad: bool | None
    label: str


def _option(name: str, value):
    """A Slot strategy for ``name VALUE`` from a (text, bad) strategy."""
    return value.map(lambda tb: Slot((name, tb[0]), tb[1], f"{name} {tb[0][:20]!r}"))


def _flagged(values: list[str], good: tuple[str, ...]):
    """(text, bad) for a choice option: each of ``values``, bad unless it is in ``good``."""
    return st.sampled_from(values).map(lambda t: (t, None if t in good else True))


#: Slots that click refuses before the command runs.
CLICK_BAD = st.sampled_from([
    Slot(("--bogus",), True, "unknown option"),
    Slot(("--draw", "5"), True, "misspelt option"),
    Slot(("-x",), True, "unknown short option"),
    Slot(("--format", "xls"), True, "bad choice"),
    Slot(("extra-argument",), True, "extra argument"),
    Slot(("--no-progress=yes",), True, "value for a flag"),
])  # fmt: skip
COUNT_OPTION = _option("--draws", _number(COUNT_RANGE))
SEED_OPTION = _option("--seed", _number(SEED_RANGE))


class Paths:
    """The files and directories family 4 points its arguments at, and slots naming them."""

    def __init__(self, root: Path, model: Path):
        self.root = root
        for name in ("adir", "empty-dir", "out"):
            (root / name).mkdir()
        (root / "afile").write_text("x")
        (root / "empty.txt").write_text("")
        (root / "binary.bin").write_bytes(b"\x00\x01\x02binary")
        (root / "junk.txt").write_text("hello, world\n")
        os.mkfifo(root / "fifo")
        (root / "loop").symlink_to(root / "loop")
        (root / "broken").symlink_to(root / "nowhere")
        self.model = root / "model.nc"
        shutil.copyfile(model, self.model)
        self.counter = [0]
        self.bad_inputs = {
            "missing": str(root / "missing.file"),
            "directory": str(root / "adir"),
            "empty file": str(root / "empty.txt"),
            "binary file": str(root / "binary.bin"),
            "text junk": str(root / "junk.txt"),
            "/dev/null": "/dev/null",
            "fifo": str(root / "fifo"),
            "symlink loop": str(root / "loop"),
            "broken symlink": str(root / "broken"),
            "under a file": str(root / "afile" / "x"),
            "newline in name": str(root / "no\nsuch"),
            "long name": str(root / ("a" * 300)),
            "empty string": "",
            "dash": "-",
        }
        self.bad_outputs = {
            "under a file": str(root / "afile" / "x.out"),
            "in /proc": "/proc/forecast-fuzz.out",
            "long name": str(root / ("b" * 300)),
            "in a missing /sys directory": "/sys/forecast-fuzz/x.out",
        }

    def fresh(self, suffix: str = "") -> str:
        return str(_fresh(self.root / "out", self.counter, "result" + suffix))

    def bad_input(self, option: tuple[str, ...] = ()):
        return st.sampled_from(sorted(self.bad_inputs)).map(
            lambda k: Slot((*option, self.bad_inputs[k]), True, f"{' '.join(option)} {k}".strip())
        )

    def given(self, path: Path | str, option: tuple[str, ...] = ()):
        """``path`` (valid) or a bad input, after ``option``."""
        good = Slot((*option, str(path)), None, f"{' '.join(option)} {Path(path).name}".strip())
        return st.just(good) | self.bad_input(option)

    def output(self, *, bad: bool = True, directory: bool = False, suffix: str = ""):
        """``-o`` a fresh path, an existing directory, or (``bad``) one that cannot be made."""
        fresh = st.builds(lambda: Slot(("-o", self.fresh(suffix)), None, "-o fresh"))
        existing = st.builds(lambda: self._existing(directory))
        unmakeable = st.sampled_from(sorted(self.bad_outputs)).map(
            lambda k: Slot(("-o", self.bad_outputs[k]), True, f"-o {k}")
        )
        return fresh | existing | unmakeable if bad else fresh | existing

    def _existing(self, directory: bool) -> Slot:
        path = self.fresh("-dir")
        os.mkdir(path)
        # an empty directory is a valid destination of a directory export, not of a file
        return Slot(("-o", path), None if directory else True, "-o an existing directory")


def _a_data_check(draw, p: Paths) -> list[Slot]:
    slots = [draw(p.given(SMALL_CSV))]
    if draw(st.integers(0, 9)) == 0:
        slots.append(Slot(("second-file",), True, "a second FILE"))
    return slots


def _a_data_summary(draw, p: Paths) -> list[Slot]:
    fmt = draw(st.sampled_from([(), ("--format", "json"), ("--format", "JSON")]))
    return [draw(p.given(SMALL_CSV)), Slot(fmt, True if "JSON" in fmt else None, " ".join(fmt))]


def _a_predict(draw, p: Paths) -> list[Slot]:
    fmt = _option("--format", _flagged(["table", "json", "csv", "yaml", ""], ("table", "json",
                                                                            "csv")))  # fmt: skip
    return [draw(p.given(TAIWAN)), draw(p.given(p.model, ("--model",))), draw(COUNT_OPTION),
            draw(SEED_OPTION), draw(fmt)]  # fmt: skip


def _a_export(draw, p: Paths) -> list[Slot]:
    fmt = draw(st.sampled_from(["netcdf", "parquet", "csv", "xls"]))
    directory = fmt in ("parquet", "csv")
    slots = [draw(p.given(p.model, ("--model",))),
             Slot(("--format", fmt), True if fmt == "xls" else None, f"--format {fmt}"),
             draw(p.output(directory=directory, suffix="" if directory else ".nc"))]  # fmt: skip
    if draw(st.booleans()):
        slots.append(draw(p.given(TAIWAN, ("--scenario",))))
    return slots


def _a_card(draw, p: Paths) -> list[Slot]:
    return [draw(p.given(p.model, ("--model",))), draw(p.output(suffix=".md"))]


def _a_compact(draw, p: Paths) -> list[Slot]:
    return [draw(p.given(p.model, ("--model",))), draw(p.output(suffix=".nc")), draw(COUNT_OPTION)]


def _a_report(draw, p: Paths) -> list[Slot]:
    # rendering a report is slow and it writes last: something must fail before it starts
    slots = [draw(p.given(TAIWAN)), draw(p.given(p.model, ("--model",))),
             draw(p.output(bad=False, suffix=".pdf"))]  # fmt: skip
    if not any(s.bad for s in slots[:2]):
        slots.append(draw(CLICK_BAD))
    return slots


def _a_fit(draw, p: Paths, evaluate: bool = False) -> list[Slot]:
    """``fit`` or ``evaluate``: one slot that fails before sampling, then valid ones."""
    numbers = st.sampled_from(["--draws", "--tune", "--chains", "--seed"]).flatmap(
        lambda name: _option(name, _number(SEED_RANGE if name == "--seed" else COUNT_RANGE))
    )
    covariates = ["bogus", "conditional,conditional", ",", "Conditional"]
    early = [
        p.bad_input(("--cases",)), numbers.filter(lambda s: s.bad), CLICK_BAD,
        st.builds(lambda: p._existing(directory=False)),
        _option("--covariates", _flagged(covariates, ())),
    ]  # fmt: skip
    if evaluate:
        early += [
            _option("--folds", _flagged(["1", "0", "1001", "x", "-2"], ())),
            _option("--scheme", _flagged(["random", "", "Conflict"], ())),
            _option("--jobs", _flagged(["0", "-1", "x"], ())),
            _option("--format", _flagged(["yaml", "csv"], ())),
        ]
    first = draw(st.one_of(early))
    valid = [Slot(("--no-progress",), None, "--no-progress"), Slot(("--draws", "10"), None, ""),
             Slot(("--seed", "3"), None, ""), Slot(("--cases", str(SMALL_CSV)), None, ""),
             Slot(("-o", p.fresh(".nc")), None, "-o fresh")]  # fmt: skip
    if evaluate:  # evaluate has no --no-progress, and its -o is a JSON file
        valid = valid[1:]
    taken = first.tokens[0] if first.tokens[0].startswith("-") else None
    rest = draw(st.lists(st.sampled_from([s for s in valid if s.tokens[0] != taken]),
                         max_size=3, unique=True))  # fmt: skip
    return [first, *rest]


def _a_cite(draw, p: Paths) -> list[Slot]:
    which = draw(st.text(max_size=12) | st.sampled_from(["atop", "cow", "contiguity", "-x"]))
    return [Slot(("--", which) if which.startswith("-") else (which,), None, f"{which!r}")]


def _a_data_build(draw, p: Paths) -> list[Slot]:
    source = draw(
        p.bad_input(("--source",))
        | st.just(
            Slot(("--source", str(p.root / "empty-dir")), True, "--source an empty directory")
        )
    )
    return [source, Slot(("-o", p.fresh(".csv")), None, "-o fresh")]  # fmt: skip


def _a_tokens(draw, p: Paths) -> list[Slot]:
    words = ["data", "fit", "predict", "check", "--help", "--version", "-h", "frobnicate", "",
             "-", "--", "--draws", "summary", "cite"]  # fmt: skip
    tokens = draw(st.lists(st.sampled_from(words), max_size=3))
    if "fit" in tokens:  # never let a bare `forecast fit` through
        tokens.insert(0, "--bogus")
    return [Slot((t,), None, repr(t)) for t in tokens]


#: How to build each command's arguments (commands that would sample always get a bad slot).
COMMANDS = {
    "data check": _a_data_check, "data summary": _a_data_summary, "predict": _a_predict,
    "export": _a_export, "card": _a_card, "compact": _a_compact, "report": _a_report,
    "fit": _a_fit, "evaluate": lambda draw, p: _a_fit(draw, p, evaluate=True), "cite": _a_cite,
    "data build": _a_data_build, "": _a_tokens,
}  # fmt: skip


def _command(draw, paths: Paths) -> tuple[str, tuple[str, ...], bool | None, str]:
    """A command line: (command, arguments, how bad, what each part is)."""
    command = draw(st.sampled_from(sorted(COMMANDS)))
    slots = COMMANDS[command](draw, paths)
    if command:  # click takes options and arguments in any order
        slots = draw(st.permutations(slots))
    args = (*command.split(), *(t for s in slots for t in s.tokens))
    bad = True if any(s.bad for s in slots) else None
    return command or "tokens", args, bad, "; ".join(s.label for s in slots if s.label)


def _fuzz_arguments(capfd, tmp_path, model: Path, n: int, monkeypatch) -> Tally:
    from forecast import model as fm
    from forecast.evaluate import runner

    def refuse(*a, **k):
        raise WouldSample

    monkeypatch.setattr(fm, "fit", refuse)
    monkeypatch.setattr(runner, "_fit_model", refuse)
    monkeypatch.chdir(tmp_path)  # relative defaults (models/, reports/) land here
    tally, paths = Tally("arguments"), Paths(tmp_path, model)

    @fuzz_settings(n)
    @given(st.data())
    def run(data):
        command, args, bad, note = _command(data.draw, paths)
        tally.record(Case("arguments", command, bad, args, note), invoke(capfd, args))

    run()
    return tally


@SIZES
def test_fuzz_arguments(capfd, tmp_path, tiny_model_file, monkeypatch, size):
    n = size["arguments"]
    _fuzz_arguments(capfd, tmp_path, tiny_model_file, n, monkeypatch).check(capfd, n // 2)


# ---------------------------------------------------------------------------------------------
# regressions: the bugs the fuzzers found (xfail until fixed; then drop the mark and the
# KNOWN_BUGS entry)


def _one_error_line(capfd, *args) -> str:
    """Run ``forecast ARGS``; assert exit 2 with one ``error:`` line and no traceback."""
    outcome = invoke(capfd, tuple(map(str, args)))
    assert outcome.code == 2, (outcome.code, outcome.err)
    assert "Traceback" not in outcome.err
    lines = outcome.err.removesuffix("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), outcome.err
    return lines[0]


def _write_table(path: Path, edit: Callable[[list[str], list[list[str]]], None]) -> Path:
    header, rows = list(BASE_HEADER), [list(r) for r in BASE_ROWS]
    edit(header, rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])
    return path


def _set(column: str, value: str, row: int = 1):
    return lambda header, rows: rows[row].__setitem__(header.index(column), value)


def _problem_lines(capfd, path: Path) -> list[str]:
    """``forecast data check PATH``: exit 2 and each stderr line one located problem."""
    outcome = invoke(capfd, ("data", "check", str(path)))
    assert outcome.code == 2, (outcome.code, outcome.out, outcome.err)
    lines = outcome.err.removesuffix("\n").split("\n")
    assert all(line.startswith(f"{path}:") for line in lines), outcome.err
    return lines


@pytest.fixture
def no_sampling(monkeypatch):
    from forecast import model as fm

    def refuse(*a, **k):
        raise WouldSample

    monkeypatch.setattr(fm, "fit", refuse)


@pytest.mark.parametrize("command", ["data check", "predict", "data build --source"])
def test_regression_newline_in_a_path(capfd, tmp_path, command):
    """Regression (fixed): a path with a newline is echoed raw, so the one error message spans two
    lines (every command's ForecastError messages; cli._run prints str(e) unflattened).
    """
    missing = tmp_path / "no\nsuch.file"
    args = [*command.split(), missing]
    if command == "predict":
        args += ["--model", tmp_path / "none.nc"]
    if command.startswith("data build"):
        args += ["-o", tmp_path / "out.csv"]
    assert "no such" in _one_error_line(capfd, *args)


@pytest.mark.parametrize("command", ["data check", "data summary", "predict", "compact --model"])
def test_regression_long_file_name(capfd, tmp_path, command):
    """Regression (fixed): a file name longer than NAME_MAX exits 1 (OSError ENAMETOOLONG from
    Path.exists in _io.read_text, persist.load, workflow.ensure_model,
    sources.build.read_sources).
    """
    long = tmp_path / ("a" * 300)
    args = [*command.split(), long]
    if command == "predict":
        args += ["--model", tmp_path / "none.nc"]
    _one_error_line(capfd, *args)


@pytest.mark.parametrize("args", [["fit", "--draws=--5"], ["fit", "--seed", "--5"]])
def test_regression_number_with_two_minus_signs(capfd, no_sampling, args):
    """Regression (fixed): app.Whole.convert strips every leading '-' before isdigit(), then int('
    --5') raises ValueError inside click: exit 1 'unexpected failure' instead of a usage error.
    """
    assert "Invalid value" in _one_error_line(capfd, *args)


@pytest.mark.parametrize("where", ["under a file", "in /proc"])
def test_regression_unwritable_output(capfd, tmp_path, tiny_model_file, where):
    """Regression (fixed): an output path that cannot be created (its parent is a file; /proc;
    /sys) exits 1 with FileExistsError/FileNotFoundError/PermissionError from _io.atomic_path.
    """
    (tmp_path / "afile").write_text("x")
    out = tmp_path / "afile" / "x.nc" if where == "under a file" else "/proc/forecast-x.nc"
    _one_error_line(capfd, "export", "--model", tiny_model_file, "--format", "netcdf", "-o", out)


def test_regression_data_check_newline_in_a_header_name(capfd, tmp_path):
    """Regression (fixed): a header name with a newline in it (a quoted CSV field) is printed raw:
    one problem of `data check` spans two lines.
    """
    path = _write_table(tmp_path / "t.csv", lambda h, rows: h.__setitem__(5, "tar\nget"))
    lines = _problem_lines(capfd, path)
    assert len(lines) == 2 and "unknown column" in lines[1]


def test_regression_infinite_distance_km(capfd, tmp_path):
    """Regression (fixed): validation._FLOAT accepts 1e400, which float() turns into inf: an
    infinite distance_km (no upper bound) passes `data check` with exit 0.
    """
    path = _write_table(tmp_path / "t.csv", _set("distance_km", "1e400"))
    assert ":3:distance_km:" in _problem_lines(capfd, path)[0]


def test_regression_non_ascii_digits_in_conflict_id(capfd, tmp_path):
    r"""Regression (fixed): schema._CONFLICT_ID uses \d, which matches any script's digits:
    conflict_id 'war-١٣٩' passes `data check` (as a conflict apart from war-139) with exit 0.
    """
    path = _write_table(tmp_path / "t.csv", _set("conflict_id", "war-١٣٩"))
    assert ":3:conflict_id:" in _problem_lines(capfd, path)[0]


def test_regression_scenario_key_with_a_newline(capfd, tmp_path):
    """Regression (fixed): a TOML key with an escaped newline is printed raw in the unknown-key
    message (_toml._quote): the one error spans two lines.
    """
    path = tmp_path / "s.toml"
    path.write_text('"a\\nb" = 1\n' + BASE_SCENARIO_TEXT, encoding="utf-8")
    assert "unknown key" in _one_error_line(capfd, "predict", path, "--model", tmp_path / "m.nc")


@pytest.mark.parametrize("name", ["²", "2²"])
def test_regression_state_named_by_superscript_digits(capfd, tmp_path, name):
    """Regression (fixed): states.resolve takes str.isdigit() text as a code, and int('²') raises
    ValueError (not a ForecastError): a state named '²' exits 1.
    """
    path = tmp_path / "s.toml"
    path.write_text(BASE_SCENARIO_TEXT.replace('"Japan"', f'"{name}"', 1), encoding="utf-8")
    line = _one_error_line(capfd, "predict", path, "--model", tmp_path / "m.nc")
    assert "responders" in line


def _damaged_copy(tiny_model_file, tmp_path, apply) -> Path:
    path = tmp_path / "damaged.nc"
    shutil.copyfile(tiny_model_file, path)
    apply(path)
    return path


def _predict_with(capfd, model: Path) -> str:
    return _one_error_line(capfd, "predict", TAIWAN, "--model", model, "--draws", DRAWS)


@pytest.mark.parametrize("variable", ["beta_aggressor", "sigma_supporter"])
def test_regression_posterior_missing_a_variable(capfd, tmp_path, tiny_model_file, variable):
    """Regression (fixed): persist.load checks only beta and cutpoints (REQUIRED_VARIABLES): a fit
    without another variable prediction reads loads, then predict exits 1 with KeyError.
    """

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            del f[f"posterior/{variable}"]

    _predict_with(capfd, _damaged_copy(tiny_model_file, tmp_path, apply))


@pytest.mark.parametrize(
    "scaling", ["{}", '{"log_capability_ratio": {"mean": 0}}', '{"log_capability_ratio": 1}']
)
def test_regression_malformed_scaling_attribute(capfd, tmp_path, tiny_model_file, scaling):
    """Regression (fixed): persist.load only checks that the scaling attribute is a JSON object:
    {} or entries without 'sd' load, then predict exits 1 (ValueError, KeyError, TypeError).
    """

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            f.attrs["scaling"] = scaling

    _predict_with(capfd, _damaged_copy(tiny_model_file, tmp_path, apply))


@pytest.mark.parametrize("edit", ["beta one covariate fewer", "no chains"])
def test_regression_posterior_shape_disagrees_with_design(capfd, tmp_path, tiny_model_file, edit):
    """Regression (fixed): persist.load does not check the posterior's sizes against the design:
    beta with one covariate fewer, or no chains, loads and predict exits 1 with ValueError.
    """
    cut = {"covariate": slice(0, -1)} if edit.startswith("beta") else {"chain": slice(0, 0)}
    apply = _rewrite(lambda tree: _posterior(tree, lambda ds: ds.isel(cut)))
    _predict_with(capfd, _damaged_copy(tiny_model_file, tmp_path, apply))


def test_regression_corrupt_hdf5_metadata(capfd, tmp_path, tiny_model_file):
    """Regression (fixed): persist._refuse_unsafe_storage re-raises what h5py's visititems raises
    unless it is OSError or ValueError; a damaged object header raises RuntimeError ('incorrect
    metadata checksum'), so a corrupt file exits 1 instead of 'not a readable NetCDF model
    file'.
    """

    def apply(path):
        data = bytearray(path.read_bytes())
        second = data.index(b"OHDR", data.index(b"OHDR") + 4)  # a group's object header
        data[second + 8] ^= 0xFF  # its checksum no longer matches
        path.write_bytes(bytes(data))

    assert "not a readable" in _predict_with(
        capfd, _damaged_copy(tiny_model_file, tmp_path, apply)
    )


@pytest.mark.parametrize(
    ("name", "value"), [("forecast_version", "1.0\nx"), ("covariates", '["a\\nb"]')]
)
def test_regression_saved_fit_attribute_with_a_newline(
    capfd, tmp_path, tiny_model_file, name, value
):
    """Regression (fixed): persist.load echoes the forecast_version and covariates attributes raw
    in its ModelMismatchError: a newline in either splits the one error message over two lines.
    """

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            f.attrs[name] = value

    _predict_with(capfd, _damaged_copy(tiny_model_file, tmp_path, apply))


@pytest.mark.parametrize("name", ["labels", "priors", "compact"])
def test_regression_deeply_nested_json_attribute(capfd, tmp_path, tiny_model_file, name):
    """Regression (fixed): persist._json_attr and _fit_attrs catch only JSONDecodeError: an
    attribute of 100,000 nested brackets makes json.loads raise RecursionError, and predict
    exits 1.
    """

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            f.attrs[name] = "[" * 100_000

    _predict_with(capfd, _damaged_copy(tiny_model_file, tmp_path, apply))


@pytest.mark.parametrize("value", [[1, 2, 3], []], ids=["three", "empty"])
def test_regression_forecast_format_as_an_array(capfd, tmp_path, tiny_model_file, value):
    """Regression (fixed): persist.load compares the forecast_format attribute with != before its
    try: an array attribute gives an array, and `if` on it raises ValueError (exit 1).
    """

    def apply(path):
        import h5py

        with h5py.File(path, "r+") as f:
            f.attrs["forecast_format"] = np.array(value, dtype=np.int64)

    assert "not a forecast fit" in _predict_with(
        capfd, _damaged_copy(tiny_model_file, tmp_path, apply)
    )


def test_regression_scenario_with_a_long_dotted_key(tmp_path):
    """Regression (fixed): tomllib needs memory quadratic in the parts of a dotted key, and
    load_scenario parses any file: a 200 KB line x.x.x...(100,000 parts) grew `forecast
    predict` past 20 GB until the OOM killer ended it; under a 2 GB cap 30,000 parts exit 1
    with MemoryError.
    """
    import resource
    import subprocess
    import sys

    path = tmp_path / "s.toml"
    path.write_text(".".join(["x"] * 30_000) + " = 1\n" + BASE_SCENARIO_TEXT, encoding="utf-8")
    limit = 2 * 1024**3  # the address space of the child: it must not take the machine down

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    code = "import sys; from forecast.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["predict", str(path), "--model", str(tmp_path / "m.nc")]
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                       preexec_fn=cap, timeout=600)  # fmt: skip
    assert r.returncode == 2, (r.returncode, r.stderr[-300:])
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: "), r.stderr
