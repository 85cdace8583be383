from __future__ import annotations

import pytest

from forecast import states
from forecast.errors import ForecastError, UnknownStateError


def test_resolve_both_ways():
    assert states.resolve("South Korea") == 732
    assert states.name(732) == "South Korea"
    assert states.resolve("United States of America") == 2
    assert states.resolve("USSR") == 365
    assert states.resolve("German Federal Republic") == 260
    assert states.resolve("732") == 732
    assert states.resolve("ROK") == 732


def test_unknown_name_suggests():
    with pytest.raises(UnknownStateError, match="did you mean Estonia"):
        states.resolve("Estonai")
    with pytest.raises(ForecastError):
        states.name(9999)


def test_a_name_with_digits_is_not_a_state():
    """Regression (issue 17): countrycode's search made "China 2026" China."""
    with pytest.raises(UnknownStateError, match="did you mean China"):
        states.resolve("China 2026")
    assert states.resolve("Great Britain") == 200  # a pattern inside the name still counts
