"""The casus-foederis rules, one per ATOP condition field, on synthetic commitments."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast.sources.embedded import read_invocation
from forecast.sources.invocation import (
    Occasion,
    Rules,
    Terms,
    decide,
    format_terms,
    parse_terms,
    region,
)

GERMANY, POLAND, USSR, ITALY, UK = 255, 290, 365, 325, 200


def occasion(**kw):
    base = dict(conflict_id="war-139", event_type="war", opponent=GERMANY, attacked=True,
                defending=True, warnum=139, home=True, victim=POLAND)  # fmt: skip
    base.update(kw)
    return Occasion(**base)


def judge(terms, occ, rules=None, alliance="ATOP 1"):
    return decide(terms, occ, alliance=alliance, member=UK, partner=POLAND,
                  rules=rules or Rules())[0]  # fmt: skip


def rules_from(tmp_path, rows):
    header = "rule,alliance,member_ccode,partner_ccode,conflict_id,value,article,source\n"
    path = tmp_path / "invocation.csv"
    path.write_text(header + "".join(r + ",Art. 1,a treaty\n" for r in rows))
    return Rules(read_invocation(path))


def test_defense_needs_an_attack_or_a_defending_partner():
    defense = Terms("defense")
    assert judge(defense, occasion()) == 1
    assert judge(defense, occasion(attacked=False)) == 1  # entered on the defending side
    assert judge(defense, occasion(attacked=False, defending=False)) == 0  # the attacker
    npr = Terms("defense", frozenset({"provocation"}))
    assert judge(npr, occasion(attacked=False)) == 0  # non-provocation: must be attacked


def test_adversary_named_or_undecidable():
    named = Terms("defense", frozenset({"adversary"}), threats=(GERMANY,))
    assert judge(named, occasion()) == 1
    assert judge(named, occasion(opponent=USSR)) == 0  # 1939: Anglo-Polish vs the USSR
    assert judge(Terms("defense", frozenset({"adversary"})), occasion()) is None


def test_hand_adversaries_also_limit_an_unconditional_pact(tmp_path):
    rules = rules_from(tmp_path, ["adversaries,ATOP 1,,,,365"])
    assert judge(Terms("defense"), occasion(), rules) == 0
    assert judge(Terms("defense"), occasion(opponent=USSR), rules) == 1


def test_ongoing_conflict_and_location():
    con = Terms("offense", frozenset({"conflict"}), cowwar=139)
    assert judge(con, occasion()) == 1 and judge(con, occasion(warnum=151)) == 0
    assert judge(Terms("defense", frozenset({"conflict"})), occasion()) is None  # cowwar 0
    loc = Terms("defense", frozenset({"location"}))
    assert judge(loc, occasion()) == 1
    assert judge(loc, occasion(home=False)) == 0  # fought only outside its region
    assert judge(loc, occasion(home=None, event_type="mid")) is None
    assert judge(Terms("offense", frozenset({"location"})), occasion()) is None


def test_neutrality_nonaggression_and_open_conditions(tmp_path):
    assert judge(Terms("neutral", frozenset({"attacked"})), occasion(attacked=False)) == 0
    assert judge(Terms("nonagg"), occasion(attacked=False, defending=False)) == 1
    demands = Terms("offense", frozenset({"demands", "adversary"}), threats=(GERMANY,))
    assert judge(demands, occasion()) is None
    rules = rules_from(tmp_path, ["conditions,ATOP 1,,,war-139,1"])
    assert judge(demands, occasion(), rules) == 1
    assert judge(demands, occasion(opponent=USSR), rules) == 0  # the adversary still counts


def test_case_rows_and_guarantees(tmp_path):
    rules = rules_from(tmp_path, ["case,ATOP 1,,290,war-139,0", "protects,ATOP 2,,,,640"])
    assert judge(Terms("defense"), occasion(), rules) == 0
    assert judge(Terms("defense"), occasion(), rules, alliance="ATOP 2") == 0
    assert judge(Terms("defense"), occasion(victim=640), rules, alliance="ATOP 2") == 1


def test_any_of_a_pacts_obligations():
    both = (Terms("defense"), Terms("offense"))  # the Pact of Steel
    assert judge(both, occasion(attacked=False, defending=False)) == 1


def test_terms_round_trip_and_regions():
    terms = (Terms("defense", frozenset({"adversary", "location"}), (255, 300), 106),)
    assert parse_terms(format_terms(terms)) == terms
    assert parse_terms("") == (Terms("none"),)
    assert [region(c) for c in (2, 200, 437, 666, 740, 900)] == [
        "americas", "europe", "africa", "middle east", "asia", "oceania"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "row,reason",
    [
        ("treaty,ATOP 1,,,,", "is not one of"),
        ("case,ATOP 1,,,war-1,2", "needs conflict_id and 0 or 1"),
        ("conditions,ATOP 1,,,,1", "needs conflict_id and 0 or 1"),
        ("adversaries,ATOP 1,,,,Germany", "not a list of COW codes"),
    ],
)
def test_bad_invocation_rows_are_located(tmp_path, row, reason):
    from forecast.errors import SourceDataError

    header = "rule,alliance,member_ccode,partner_ccode,conflict_id,value,article,source\n"
    path = tmp_path / "invocation.csv"
    path.write_text(header + row + ",Art. 1,a treaty\n")
    with pytest.raises(SourceDataError, match=reason) as info:
        read_invocation(path)
    assert f"{path}:2:" in str(info.value)


def test_embedded_rules_read():
    table = read_invocation()
    assert set(table.rule) <= {"adversaries", "location", "protects", "conditions", "case"}
    assert (table.source.str.len() > 0).all() and (table.article.str.len() > 0).all()
    assert not pd.isna(table.line).any()
