"""Citations as a feature (issue 17): every reader has references, and they are valid BibTeX."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from forecast import citations
from forecast.errors import ForecastError

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "forecast" / "sources"

#: Calls that open a file: the shared readers of ``_common`` and what pandas, numpy and
#: pathlib offer. A module of ``forecast.sources`` making one reads an original file.
_OPENING_CALLS = {
    "read_csv_any",
    "read_stata_or_csv",
    "read_csv",
    "read_stata",
    "read_parquet",
    "read_excel",
    "read_table",
    "read_fwf",
    "read_json",
    "read_text",
    "read_bytes",
    "open",
    "loadtxt",
    "genfromtxt",
}
#: ``_common`` opens whatever file a reader names (it is the readers' helper, not a reader).
_HELPERS = {"_common"}

_ENTRY = re.compile(r"@(?P<type>[a-z]+)\{(?P<key>[^,\s{}]+),\n(?P<body>.*)\}\n", re.S)
_FIELD = re.compile(r"\s*(?P<name>[a-z]+) = \{")
_TYPES = {"article", "book", "incollection", "inproceedings", "manual", "misc", "techreport"}


def _calls(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            out.add(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
    return out


def _reader_modules() -> list[str]:
    """Modules of ``forecast/sources/`` that open a data file, found from the files."""
    return sorted(
        p.stem
        for p in SOURCES.glob("*.py")
        if p.stem != "__init__" and p.stem not in _HELPERS and _calls(p) & _OPENING_CALLS
    )


def _fields(body: str) -> dict[str, str]:
    """The ``name = {value},`` fields of an entry's body; fails on anything else."""
    fields, i = {}, 0
    while body[i:].strip():
        m = _FIELD.match(body, i)
        assert m, f"not a field at {body[i : i + 40]!r}"
        depth, j = 1, m.end()
        while depth:
            assert j < len(body), f"unclosed value of {m['name']}"
            depth += {"{": 1, "}": -1}.get(body[j], 0)
            j += 1
        assert m["name"] not in fields, f"{m['name']} twice"
        fields[m["name"]] = " ".join(body[m.end() : j - 1].split())
        rest = body[j:].lstrip(" ")
        assert rest.startswith(","), f"no comma after {m['name']}"
        i = len(body) - len(rest) + 1
    return fields


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_reader_modules_are_found():
    """The scan sees the known readers (so a new one is seen too)."""
    assert {"atop", "bmr", "cow", "derived", "embedded"} <= set(_reader_modules())


@pytest.mark.parametrize("module", _reader_modules())
def test_every_reader_has_references(module):
    assert citations.READERS.get(module), (
        f"forecast/sources/{module}.py opens a data file but forecast.citations.READERS "
        f"has no references for {module!r}"
    )


def test_reader_mapping_names_modules_and_known_keys():
    modules = {p.stem for p in SOURCES.glob("*.py")}
    keys = {r.key for r in citations.REFERENCES}
    assert not set(citations.READERS) - modules, "READERS names modules that are gone"
    for reader, named in citations.READERS.items():
        assert named and len(set(named)) == len(named), reader
        assert not set(named) - keys, f"{reader}: unknown keys {set(named) - keys}"
    used = {k for named in citations.READERS.values() for k in named}
    studies = {r.key for r in citations.references("reliability")}
    assert used | studies == keys, f"references no reader rests on: {keys - used - studies}"


def test_keys_and_labels_are_unique_and_text_is_one_line():
    refs = citations.REFERENCES
    assert len({r.key for r in refs}) == len(refs)
    assert len({r.label.lower() for r in refs}) == len(refs)
    for r in refs:
        assert r.label and r.text and "\n" not in r.text and "\n" not in r.label, r.key


@pytest.mark.parametrize("ref", citations.REFERENCES, ids=lambda r: r.key)
def test_bibtex_entry_parses(ref):
    entry = ref.bibtex
    m = _ENTRY.fullmatch(entry)
    assert m, f"not @type{{key, ...}}: {entry[:60]!r}"
    assert m["type"] in _TYPES and m["key"] == ref.key
    assert _balanced(entry), "unbalanced braces"
    assert entry.isascii(), "BibTeX should be ASCII (LaTeX escapes for accents)"
    fields = _fields(m["body"])
    missing = {"author", "title", "year"} - set(fields)
    assert "title" in fields
    assert not missing or fields.get("note"), f"no {sorted(missing)} and no note saying why"
    if "year" in fields:
        assert re.fullmatch(r"\d{4}", fields["year"]), fields["year"]
    if fields.get("note", "").startswith("unverified"):
        assert fields["note"] == "unverified: written from memory"


def test_the_reliability_studies_of_the_model_card_are_cited():
    keys = {r.key for r in citations.references("reliability")}
    assert {"leeds2000reliability", "berkemeier2018reliability"} <= keys
    llm = citations.references("leeds2000reliability")[0].bibtex
    assert "Journal of Conflict Resolution" in llm and "686--699" in llm
    assert "{44}" in llm and "{5}" in llm
    bf = citations.references("berkemeier2018reliability")[0].bibtex
    assert "Research \\& Politics" in bf and "{2018}" in bf


def test_selection_by_reader_key_or_label():
    assert citations.references() == citations.REFERENCES
    assert [r.key for r in citations.references("bmr")] == ["boix2013bmr"]
    assert [r.key for r in citations.references("BOIX2013BMR")] == ["boix2013bmr"]
    atop = {r.key for r in citations.references("atop")}
    assert atop == set(citations.READERS["atop"])
    assert [r.key for r in citations.references("ATOP 5.1 codebook")] == ["leeds2022atopcodebook"]
    assert [r.key for r in citations.references("contiguity")] == ["stinnett2002contiguity"]
    assert citations.bibtex() == "\n".join(r.bibtex for r in citations.REFERENCES)
    assert citations.bibtex("bmr").startswith("@article{boix2013bmr,")


@pytest.mark.parametrize("name", ["nonsense", "", "  ", "atop\nbmr"])
def test_unknown_name_is_one_line_listing_valid_names(name):
    with pytest.raises(ForecastError) as e:
        citations.references(name)
    msg = str(e.value)
    assert "\n" not in msg and "atop" in msg and "boix2013bmr" in msg


def test_report_lists_the_same_references():
    from forecast.report.citations import CITATIONS

    assert [label for label, _ in CITATIONS] == [r.label for r in citations.REFERENCES]
    assert [text for _, text in CITATIONS] == [r.text for r in citations.REFERENCES]


def test_exports_name_the_same_references():
    from forecast.export.metadata import provenance

    diag = SimpleNamespace(
        converged=True,
        problems=list,
        max_rhat=1.0,
        min_ess_bulk=500.0,
        min_ess_tail=500.0,
        divergences=0,
        ebfmi=[1.0],
        to_dict=dict,
    )
    fit = SimpleNamespace(
        diagnostics=diag,
        attrs={},
        data_hash="sha256:0",
        n_cases=1,
        seed=1,
        sampler={},
        priors={},
        design=SimpleNamespace(scaling={}),
    )
    keys = provenance(fit)["references"].split(",")
    assert keys == [r.key for r in citations.REFERENCES]


def _run_here(capfd, *args):
    from forecast.cli import main

    capfd.readouterr()
    code = main(list(args))
    out, err = capfd.readouterr()
    return code, out, err


def test_cli_prints_every_entry(capfd):
    code, out, err = _run_here(capfd, "cite")
    assert code == 0 and not err
    assert out == citations.bibtex()
    assert re.findall(r"^@\w+\{([^,]+),$", out, flags=re.M) == [
        r.key for r in citations.REFERENCES
    ]


def test_cli_prints_one_readers_entries(capfd):
    code, out, _ = _run_here(capfd, "cite", "atop")
    assert code == 0
    assert re.findall(r"^@\w+\{([^,]+),$", out, flags=re.M) == list(citations.READERS["atop"])


def test_cli_unknown_name_exits_2_with_one_error_line(capfd):
    code, out, err = _run_here(capfd, "cite", "no-such-dataset")
    assert code == 2 and not out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "bmr" in lines[0]


def test_console_script_cite(forecast_exe):
    r = subprocess.run(
        [forecast_exe, "cite", "no-such-dataset"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2 and r.stderr.startswith("error: ") and not r.stdout
    r = subprocess.run([forecast_exe, "cite", "bmr"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("@article{boix2013bmr,")
