"""Case-table schema and validation: one failing row per rule, and random corruption."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forecast
from forecast.cases import COLUMNS, load_cases, validate_cases
from forecast.errors import CaseTableError, ForecastError


def test_fixture_is_valid(small_table):
    assert validate_cases(small_table) == []


def test_load_cases_types(small_csv):
    cases = load_cases(small_csv)
    assert list(cases.columns) == [c.name for c in COLUMNS]
    assert cases["year"].dtype == "Int64"
    assert cases["obligation"].cat.ordered
    assert list(cases["response"].cat.categories) == ["none", "diplomatic", "material", "military"]
    codes = cases["obligation"].cat.codes
    assert codes.iloc[0] > codes.iloc[2]  # defense > nonaggression
    assert pd.isna(cases["response"].iloc[0])
    assert cases["supporter_cinc"].dtype == "Float64"


def _one(table, row, column, value):
    bad = table.copy()
    bad.loc[row, column] = value
    return validate_cases(bad)


@pytest.mark.parametrize(
    ("column", "value", "needle"),
    [
        ("case_id", "war-139-1939-290-255-200", "repeats row 2"),
        ("event_type", "battle", "is not one of war, mid, curated"),
        ("obligation", "alliance", "is not one of none"),
        ("response", "moral", "is not one of none, diplomatic"),
        ("military", "2", "is not 0 or 1"),
        ("contiguous", "yes", "is not 0 or 1"),
        ("year", "1815", "outside 1816"),
        ("year", "2999", "outside 1816"),
        ("year", "19x9", "not a whole number"),
        ("supporter_ccode", "9999", "not a known COW country code"),
        ("supporter_ccode", "290", "must differ"),
        ("source", "", "required value is empty"),
        ("conflict_id", "War 139", "is not war-<n>, mid-<n> or a slug"),
        ("conflict_id", "mid-12", "does not fit event_type 'war'"),
        ("supporter_cinc", "1.5", "outside 0..1"),
        ("alliance_age", "-3", "< 0"),
        # regressions (issue 17): accepted silently, or an overflow (exit 1)
        ("year", "\u0661\u0669\u0663\u0669", "not a whole number (ASCII digits)"),
        ("alliance_age", "99999999999999999999", "more than 9 digits"),
        ("supporter_cinc", "0.1_1", "is not a number"),
        ("supporter_cinc", "inf", "is not a number"),
    ],
)
def test_each_rule_reports_the_row(small_table, column, value, needle):
    problems = _one(small_table, 1, column, value)
    assert problems, f"{column}={value!r} passed"
    assert any(p.row == 3 and p.column == column and needle in p.reason for p in problems), (
        problems
    )


def test_response_must_agree_with_military(small_table):
    problems = _one(small_table, 0, "response", "material")  # military = 1
    assert [(p.row, p.column) for p in problems] == [(2, "response")]
    problems = _one(small_table, 3, "response", "military")  # military = 0
    assert [(p.row, p.column) for p in problems] == [(5, "response")]


def test_military_and_sided_with_aggressor_exclusive(small_table):
    problems = _one(small_table, 0, "sided_with_aggressor", "1")
    assert [(p.row, p.column) for p in problems] == [(2, "sided_with_aggressor")]


def test_missing_and_unknown_columns(small_table):
    problems = validate_cases(small_table.drop(columns=["military"]).assign(extra="x"))
    assert {(p.row, p.column) for p in problems} == {(1, "military"), (1, "extra")}


def test_repeated_column_is_reported_not_raised(small_table):
    doubled = pd.concat([small_table, small_table[["military"]]], axis=1)
    problems = validate_cases(doubled)
    assert [(p.row, p.column) for p in problems] == [(1, "military")]
    assert "more than once" in problems[0].reason


def test_load_cases_raises_with_every_problem(tmp_path, small_table):
    bad = small_table.copy()
    bad.loc[0, "year"] = "1700"
    bad.loc[2, "obligation"] = "pact"
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(CaseTableError) as info:
        load_cases(path)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "year"), (4, "obligation")]
    assert "forecast data check" in str(info.value)


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"\xff\xfe bad utf8"])
def test_unreadable_files_raise_forecast_error(tmp_path, content):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ForecastError):
        load_cases(path)


def test_line_endings(tmp_path, small_csv):
    text = small_csv.read_text()
    for ending in ("\r\n", "\r"):
        path = tmp_path / "x.csv"
        path.write_text(text.replace("\n", ending), newline="")
        assert len(load_cases(path)) == 4


def test_public_api_listed():
    for name in forecast.__all__:
        assert hasattr(forecast, name), name


_CORRUPTIONS = st.sampled_from(
    [
        ("year", "abc"),
        ("year", "1492"),
        ("military", "yes"),
        ("obligation", "treaty"),
        ("event_type", ""),
        ("target_ccode", "12345"),
        ("source", " "),
        ("conditional", "-1"),
        ("supporter_cinc", "lots"),
        ("response", "armies"),
        ("case_id", ""),
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    row=st.integers(min_value=0, max_value=3), corruption=_CORRUPTIONS, junk=st.text(max_size=5)
)
def test_random_corruption_is_reported_never_raised(small_table, row, corruption, junk):
    column, value = corruption
    bad = small_table.copy()
    bad.loc[row, column] = value
    # also scribble arbitrary text into a free-text column: must never break validation
    bad.loc[row, "conflict"] = junk or "x"
    problems = validate_cases(bad)
    assert any(p.row == row + 2 and p.column == column for p in problems)


def test_v1_table_gets_one_error_naming_the_rebuild(small_table):
    from forecast.cases import V2_COLUMNS

    v1 = small_table.drop(columns=list(V2_COLUMNS))
    problems = validate_cases(v1)
    assert len(problems) == 1
    assert "schema v1" in problems[0].reason and "forecast data build" in problems[0].reason
    assert "aggressor_obligation" in problems[0].reason


def test_v2_rules(small_table):
    bad = small_table.copy()
    bad.loc[0, "aggressor_response"] = "military"  # but sided_with_aggressor is 0
    bad.loc[3, "invoked"] = "1"  # obligation none
    bad.loc[1, "target_role"] = "invaded"
    problems = {(p.row, p.column) for p in validate_cases(bad)}
    assert {(2, "aggressor_response"), (5, "invoked"), (3, "target_role")} <= problems


def test_pool_facts_are_checked(small_table):
    bad = small_table.copy()
    bad["pool_size"], bad["pool_aggressor_allies"] = "4", "1"
    assert validate_cases(bad) == []  # optional columns, valid values
    bad.loc[0, "pool_size"] = "0"
    bad.loc[1, "pool_aggressor_allies"] = "5"  # more allies than the pool
    bad.loc[2, "pool_aggressor_allies"] = "-1"
    problems = {(p.row, p.column) for p in validate_cases(bad)}
    assert problems == {
        (2, "pool_size"),
        (3, "pool_aggressor_allies"),
        (4, "pool_aggressor_allies"),
    }


def test_alliance_members_are_checked(small_table):
    bad = small_table.copy()
    bad["alliance_members"], bad["aggressor_alliance_members"] = "", ""
    assert validate_cases(bad) == []  # optional columns, empty
    allied = [i for i, o in enumerate(bad["obligation"]) if o != "none"]
    alone = [i for i, o in enumerate(bad["obligation"]) if o == "none"]
    bad.loc[allied[0], "alliance_members"] = "2"  # valid: a bilateral pact
    bad.loc[allied[1], "alliance_members"] = "1"  # an alliance has at least two members
    bad.loc[alone[0], "alliance_members"] = "3"  # no commitment, no alliance
    problems = {(p.row, p.column): p.reason for p in validate_cases(bad)}
    assert set(problems) == {
        (allied[1] + 2, "alliance_members"),
        (alone[0] + 2, "alliance_members"),
    }
    assert "empty when obligation is 'none'" in problems[(alone[0] + 2, "alliance_members")]


def test_one_era_definition_for_the_table_and_the_model():
    import numpy as np

    from forecast.cases import ERAS, era_of
    from forecast.design import ERAS as LEVELS
    from forecast.design import era_index

    years = np.arange(1816, 2031)
    position = {label: i for i, (label, _, _) in enumerate(ERAS)}
    assert [position[era_of(int(y))] for y in years] == era_index(years).tolist()
    assert len(LEVELS) == len(ERAS)
