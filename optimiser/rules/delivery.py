"""Rules about delivery: provider capacity, and whole programmes with cohorts."""

from __future__ import annotations

from collections import defaultdict

from optimiser.lp import GE, LE, Terms
from optimiser.model import Model


def add_capacity(model: Model) -> None:
    """Participants per intervention, place and year stay within what providers can take.

    Capacity and the eligible population are the segment variables' bounds,
    set (and recorded in ``model.reach_limits`` for the explanations) by
    ``add_participant_variables``: rows would add nothing but size. In
    whole-programme mode a programme takes participants only where it runs
    (``runs`` rows) and then at least its minimum cohort (``cohort`` rows).
    """
    if not model.runs:
        return
    served: dict[tuple[str, str, int], Terms] = defaultdict(list)
    for (intervention_key, place_key, year, _segment), var in model.participants.items():
        if (intervention_key, place_key, year) in model.runs:
            served[(intervention_key, place_key, year)].append((var, 1.0))
    for keys, run in model.runs.items():
        _kind, reach = model.reach_limits[keys]
        terms = served[keys]
        model.add("runs", keys, [*terms, (run, -reach)], LE, 0.0)
        minimum = model.interventions[keys[0]].min_cohort
        if minimum > 0:
            model.add("cohort", keys, [*terms, (run, -minimum)], GE, 0.0)
