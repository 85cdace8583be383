"""Embedded data: the case table, present-day tables and example scenarios (forecast.data)."""
