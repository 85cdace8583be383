"""Scenario files: an aggressor attacks a target, and states may come to the target's aid.

A scenario is a TOML file (see ``data/scenarios/``)::

    name = "Taiwan 2026"
    year = 2026
    aggressor = "China"
    target = "Taiwan"
    responders = ["United States", "Japan", "Australia"]
    description = "What is assumed."          # optional

    [simulation]                              # optional
    draws = 4000                              # default 4000
    seed = 0                                  # default 0

    [overrides."Japan"]                       # optional, per responder
    obligation = "defense"

:func:`load_scenario` reads and checks a file strictly: unknown keys, wrong types, unknown
states (with suggestions), a responder equal to the target or the aggressor, duplicate
responders and override values outside the case-table schema all raise
:class:`~forecast.errors.ScenarioError` with one line ``FILE:LINE: FIELD: reason``.
:func:`scenario_rows` turns a scenario into responder rows in the case-table schema, from the
present-day tables (:func:`forecast.present.responder_covariates`) and the overrides.

Coding choices for scenario rows:

- ``event_type`` is ``war``: a scenario is an attack of war scale. ``conflict_id`` is
  ``scenario-<slug of the name>``, a conflict the model has never seen, so the prediction draws
  a new conflict effect (and new alliance-within-conflict effects), shared by all responders.
  This is the one rule of the case table scenario rows break on purpose (a slug with
  ``event_type = "war"``); :func:`validate_rows` allows it, and the outcome columns
  (``response``, ``military``, ``sided_with_aggressor``, ``join_lag_days``) are empty.
- Overrides replace single covariates. Optional columns take ``""`` for "unknown" (TOML has no
  null). Overriding ``obligation`` to ``"none"`` also clears ``alliance``, ``alliance_age`` and
  ``conditional`` unless those are overridden too; overriding it upwards keeps ``alliance``
  empty unless one is given, so the responder gets no alliance effect (give
  ``alliance = "..."`` to share one with other responders). A changed obligation's alliance
  size (``alliance_members``, 2 for a bilateral pact) is unknown unless given.
"""

from .file import DEFAULT_DRAWS as DEFAULT_DRAWS
from .file import MAX_DRAWS as MAX_DRAWS
from .file import OUTCOMES as OUTCOMES
from .file import OVERRIDABLE, Scenario, load_scenario, scenario_paths
from .file import YEARS_AHEAD as YEARS_AHEAD
from .file import override_problem as override_problem
from .rows import scenario_rows, validate_rows

__all__ = [
    "OVERRIDABLE",
    "Scenario",
    "load_scenario",
    "scenario_paths",
    "scenario_rows",
    "validate_rows",
]
