"""Present-day tables and covariates; curated rows and their sources (issue 4 facts)."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast import present
from forecast.errors import ForecastError, UnknownStateError
from forecast.sources import embedded


def test_finland_to_united_states_defense_2025():
    row = present.responder_covariates("Finland", "United States", "Russia", 2025)
    assert row["obligation"] == "defense"
    assert row["alliance"] == "ATOP 3180"  # NATO, which Finland joined on 4 April 2023
    assert row["alliance_age"] == 2


def test_united_states_to_taiwan_none_with_note():
    c = present.commitment("United States", "Taiwan")
    assert c["obligation"] == "none"
    assert "Taiwan Relations Act" in c["source"] and c["note"]


def test_russia_to_north_korea_defense_after_2024():
    c = present.commitment("Russia", "North Korea")
    assert c["obligation"] == "defense" and c["since"].startswith("2024-12")


def test_csto_members_to_armenia_defense_2022(embedded_cases):
    cases = embedded_cases
    rows = cases[(cases.conflict_id == "azerbaijan-armenia-2022") & (cases.target_ccode == 371)]
    obligation = dict(zip(rows.supporter, rows.obligation, strict=True))
    for member in ("Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Belarus"):
        assert obligation[member] == "defense", member


def test_covariates_of_a_responder():
    row = present.responder_covariates("Japan", "Taiwan", "China", 2026)
    assert row["supporter_major"] == 1 and row["aggressor_nuclear"] == 1
    assert row["contiguous"] == 1  # Japan and Taiwan/China: within 400 miles of water
    assert 0 < row["supporter_cinc"] < 1


def test_bad_names_and_same_states():
    with pytest.raises(UnknownStateError, match="did you mean"):
        present.responder_covariates("Japn", "Taiwan", "China")
    with pytest.raises(ForecastError, match="must differ"):
        present.responder_covariates("China", "Taiwan", "China")


def test_every_present_and_curated_row_has_a_source():
    states, commitments, _ = present.load_present()
    for col in ("major_source", "democracy_source", "nuclear_source", "cinc_source"):
        assert states[col].str.strip().ne("").all(), col
    assert commitments["source"].astype(str).str.strip().ne("").all()
    curated = embedded.read_curated()
    assert len(curated) > 0 and curated["source"].str.strip().ne("").all()
    changes = embedded.read_alliance_changes()
    assert changes["source"].str.strip().ne("").all()


def test_curated_rows_pass_the_case_table_rules(embedded_cases):
    cases = embedded_cases  # load_cases() validates every row, curated rows included
    curated = cases[cases.event_type == "curated"]
    assert curated.conflict_id.nunique() >= 10
    expected = {"russia-georgia-2008", "russia-ukraine-2014", "russia-ukraine-2022"}
    assert expected <= set(curated.conflict_id)
    assert curated.response.notna().sum() > 0
    assert pd.api.types.is_integer_dtype(curated.year)


def test_article_5_applies_to_an_attack_on_estonia():
    row = present.responder_covariates("United States", "Estonia", "Russia", 2026)
    assert (row["obligation"], row["alliance"], row["invoked"]) == ("defense", "ATOP 3180", 1)
    assert row["rival_aggressor"] == 1  # US-Russia strategic rivalry (TSS, ongoing)
    assert row["target_role"] == "attacked" and row["distance_km"] > 5000


def test_nothing_obliges_anyone_to_defend_taiwan():
    for state in ("United States", "Japan", "Australia"):
        row = present.responder_covariates(state, "Taiwan", "China", 2026)
        assert row["obligation"] == "none" and row["invoked"] is None, state


def test_turkey_is_azerbaijans_ally_not_armenias():
    row = present.responder_covariates("Turkey", "Armenia", "Azerbaijan", 2026)
    assert row["aggressor_obligation"] == "defense" and row["aggressor_alliance"] == "ATOP 4550"
    assert row["aggressor_invoked"] == 0  # Azerbaijan attacks: its defense pact is not invoked
    assert row["contiguous"] == 1 and row["distance_km"] == 0


def test_dyads_table_covers_every_pair_of_present_states():
    d = present.dyad("Estonia", "Russia")
    assert d["distance_km"] == 0 and d["shared_igos"] > 0 and d["rival"] == 0


def test_attack_pool_follows_the_builders_rule():
    pool, allies = present.attack_pool("Taiwan", "China")
    us, japan, nk = (present.state_info(s)["ccode"] for s in
                     ("United States", "Japan", "North Korea"))  # fmt: skip
    assert {us, japan} <= pool  # major powers
    assert nk in allies  # its defense pact with China (ATOP 3445)
    assert us in allies  # a non-aggression commitment to China in ATOP 5.1 (atopid 3755)
    assert 713 not in pool and 710 not in pool  # not the two sides
    assert allies <= pool
    pool, allies = present.attack_pool("Israel", "Iran")
    assert us in pool and us not in allies and len(allies) < len(pool) / 4
