"""The datasets behind the case table and the references a report cites for them.

The list is :data:`forecast.citations.REFERENCES` (the same references ``forecast cite`` prints
as BibTeX and exports name by key); the report prints it on its last page.
"""

from __future__ import annotations

from ..citations import references

__all__ = ["CITATIONS"]

#: The datasets and studies behind a result and their references, as (label, reference) pairs.
CITATIONS: tuple[tuple[str, str], ...] = tuple((r.label, r.text) for r in references())
