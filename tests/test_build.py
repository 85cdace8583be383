"""The case builder on the real files: known history, the responder rule, determinism."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from forecast.cases import default_cases_path, to_csv_text, validate_cases
from forecast.sources.build import build_cases

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def built(shared_data):
    start = time.perf_counter()
    table = build_cases(shared_data)
    return table, time.perf_counter() - start


@pytest.fixture(scope="module")
def cases(built):
    return built[0]


def rows(cases, conflict_id, target):
    part = cases[(cases.conflict_id == conflict_id) & (cases.target_ccode == str(target))]
    return part.set_index("supporter")


def test_build_is_valid_fast_and_reproduces_the_embedded_table(built):
    table, seconds = built
    assert validate_cases(table) == []
    assert seconds < 30
    assert to_csv_text(table) == default_cases_path().read_text(encoding="utf-8")


def test_poland_1939(cases):
    poland = rows(cases, "war-139", 290)
    for ally in ("United Kingdom", "France"):
        assert poland.at[ally, "obligation"] == "defense"
        assert poland.at[ally, "military"] == "1"
    # the USSR invaded Poland alongside Germany (MID 4.3 dispute 258)
    assert poland.at["Russia", "sided_with_aggressor"] == "1"
    assert poland.at["Russia", "military"] == "0"
    # Belgium and the United States were invaded into the war later: not help to Poland
    assert poland.at["Belgium", "military"] == "0"
    assert poland.at["United States", "military"] == "0"
    # Italy first fought on Germany's side (1940), before switching in 1943
    assert poland.at["Italy", "sided_with_aggressor"] == "1"


def test_later_invasion_is_a_new_attack(cases):
    norway = rows(cases, "war-139", 385)
    assert set(norway.aggressor) == {"Germany"}
    assert set(norway.year) == {"1940"}
    assert "United Kingdom" not in norway.index  # already at war: not a responder


def test_kuwait_1990(cases):
    kuwait = rows(cases, "war-211", 690)
    assert set(kuwait.aggressor) == {"Iraq"}
    for joiner in ("Egypt", "Syria", "Saudi Arabia"):
        assert kuwait.at[joiner, "military"] == "1", joiner
    assert kuwait.at["Jordan", "military"] == "0"
    assert kuwait.at["Jordan", "response"] == "none"  # data/responses.csv
    assert int(kuwait.at["United States", "join_lag_days"]) == 167  # 2 Aug 1990 -> 16 Jan 1991


def test_korea_1950(cases):
    korea = rows(cases, "war-151", 732)
    assert korea.at["United States", "military"] == "1"
    assert korea.at["United States", "obligation"] == "none"
    assert korea.at["China", "sided_with_aggressor"] == "1"


def test_responders_do_not_depend_on_the_outcome(cases):
    # Colombia and Ethiopia fought in Korea but were neither allies, majors nor neighbours
    korea = rows(cases, "war-151", 732)
    assert "Colombia" not in korea.index and "Ethiopia" not in korea.index


def test_a_dispute_that_became_a_war_is_counted_once(cases):
    # MID 258 is the Second World War's dispute: it must not be an attack of its own
    assert not (cases.conflict_id == "mid-258").any()
    # the USSR's own attack on Poland (MID 169) is one
    ussr = cases[cases.conflict_id == "mid-169"]
    assert set(ussr.aggressor) == {"Russia"} and set(ussr.target) == {"Poland"}


def test_curated_cases_merged(cases):
    armenia = rows(cases, "azerbaijan-armenia-2022", 371)
    for member in ("Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan"):
        assert armenia.at[member, "obligation"] == "defense", member
    assert (cases.event_type == "curated").sum() > 0


def test_rows_sorted_and_ids_unique(cases):
    assert cases.case_id.is_unique
    years = pd.to_numeric(cases.year)
    assert years.is_monotonic_increasing
