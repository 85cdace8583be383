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


def one(cases, conflict_id, target, supporter):
    part = rows(cases, conflict_id, target)
    assert supporter in part.index, f"{supporter} is not a responder to {target} in {conflict_id}"
    return part.loc[supporter]


def test_italy_1939_pact_of_steel_owed_to_the_attacker(cases):
    italy = one(cases, "war-139", 290, "Italy")
    assert italy.obligation == "none"
    assert (italy.aggressor_obligation, italy.aggressor_alliance) == ("defense", "ATOP 2445")
    # the Pact of Steel is offensive too, so Germany's war invokes it although Germany attacked
    assert italy.aggressor_invoked == "1"
    assert italy.sided_with_aggressor == "1" and italy.military == "0"  # fought from June 1940


def test_romania_1939_alliance_aimed_at_the_ussr_not_invoked(cases):
    romania = one(cases, "war-139", 290, "Romania")
    assert (romania.obligation, romania.alliance) == ("defense", "ATOP 2070")
    assert romania.invoked == "0"  # limited to the eastern frontiers (data/invocation.csv)


def test_anglo_polish_agreement_invoked_by_germany(cases):
    uk = one(cases, "war-139", 290, "United Kingdom")
    assert (uk.alliance, uk.invoked, uk.military) == ("ATOP 2440", "1", "1")


def test_alliance_members_count_the_alliance_on_the_day(cases):
    uk = one(cases, "war-139", 290, "United Kingdom")  # the Anglo-Polish agreement: bilateral
    assert (uk.alliance, uk.alliance_members) == ("ATOP 2440", "2")
    italy = one(cases, "war-139", 290, "Italy")  # the Pact of Steel, owed to Germany
    assert (italy.aggressor_alliance, italy.aggressor_alliance_members) == ("ATOP 2445", "2")
    assert italy.alliance_members == ""  # no commitment to Poland
    # Korea 1950, Britain's entry: France by the Dunkirk treaty, Belgium by the Brussels treaty
    assert one(cases, "war-151", 200, "France").alliance_members == "2"
    assert one(cases, "war-151", 200, "Belgium").alliance_members == "5"
    # ANZUS: three members until New Zealand's suspension, two after it
    anzus = cases[(cases.alliance == "ATOP 3215") & (cases.supporter == "Australia")]
    size = dict(zip(pd.to_numeric(anzus.year), anzus.alliance_members, strict=True))
    assert size[1984] == "3" and size[1991] == "2"


def test_kuwait_1990_united_states_no_commitment_fought(cases):
    us = one(cases, "war-211", 690, "United States")
    assert us.obligation == "none" and us.invoked == "" and us.military == "1"


def test_ukraine_2022_north_korea_fought_for_russia(cases):
    nk = one(cases, "russia-ukraine-2022", 369, "North Korea")
    assert nk.contiguous == "1"  # borders Russia: a responder by contiguity
    assert nk.sided_with_aggressor == "1" and nk.aggressor_response == "military"
    belarus = one(cases, "russia-ukraine-2022", 369, "Belarus")
    assert belarus.aggressor_obligation == "defense" and belarus.aggressor_response == "material"


def test_turkey_2020_obligation_to_the_aggressor_material_help(cases):
    turkey = one(cases, "azerbaijan-armenia-2020", 371, "Turkey")
    assert (turkey.aggressor_obligation, turkey.aggressor_alliance) == ("defense", "ATOP 4550")
    assert turkey.aggressor_response == "material" and turkey.sided_with_aggressor == "0"


def test_france_1914_invoked_by_germany_against_russia(cases):
    france = one(cases, "war-106", 365, "France")
    assert (france.obligation, france.alliance, france.invoked) == ("defense", "ATOP 1385", "1")
    assert france.military == "1"
    russia = rows(cases, "war-106", 365)
    assert set(russia.target_role) == {"attacked"}  # Germany declared war (war_entries.csv)


def test_allies_in_need_inside_wars(cases):
    # Britain entered the Second World War by declaring war: its partners face the decision
    uk = rows(cases, "war-139", 200)
    assert set(uk.target_role) == {"entered"} and set(uk.aggressor) == {"Germany"}
    assert uk.at["Egypt", "obligation"] == "defense" and uk.at["Egypt", "military"] == "0"
    # Germany attacked Norway: attacked, and Britain (already at war) is no responder
    norway = rows(cases, "war-139", 385)
    assert set(norway.target_role) == {"attacked"}
    # Romania entered the First World War by attacking Austria-Hungary
    romania = rows(cases, "war-106", 360)
    assert set(romania.target_role) == {"entered"}
    assert set(romania.aggressor) == {"Austria-Hungary"}


def test_falklands_outside_the_nato_treaty_area(cases):
    us = one(cases, "war-202", 200, "United States")
    assert (us.alliance, us.invoked) == ("ATOP 3180", "0")


def test_dyadic_predictors(cases):
    poland = rows(cases, "war-139", 290)
    assert poland.at["Russia", "rival_aggressor"] == "1"  # USSR-Germany rivalry (TSS)
    assert float(poland.at["Romania", "distance_km"]) == 0  # shared border
    early = cases[pd.to_numeric(cases.year) < 1886]
    assert set(early.distance_capitals) <= {"1", ""}  # before CShapes: capitals
    assert (cases.shared_igos != "").mean() > 0.99


def test_pool_facts_count_the_attacks_rows(cases):
    poland = rows(cases, "war-139", 290)
    assert set(poland.pool_size) == {str(len(poland))} == {"20"}
    allied = (poland.aggressor_obligation != "none").sum()
    assert set(poland.pool_aggressor_allies) == {str(allied)} == {"6"}  # Italy, the USSR, ...
    ukraine = rows(cases, "russia-ukraine-2022", 369)  # curated: the rule plus listed states
    assert set(ukraine.pool_size) == {"96"} and set(ukraine.pool_aggressor_allies) == {"95"}
    norway = rows(cases, "war-139", 385)  # a later attack of the same war has its own pool
    assert set(norway.pool_size) == {str(len(norway))} != set(poland.pool_size)
