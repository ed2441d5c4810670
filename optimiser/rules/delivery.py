"""Rules about delivery: provider capacity, and whole programmes with cohorts."""

from __future__ import annotations

from typing import Any

import numpy as np

from optimiser.lp import GE, LE
from optimiser.model import Model


def add_capacity(model: Model) -> None:
    """Participants per intervention, place and year stay within what providers can take.

    Capacity and the eligible population are the segment variables' bounds,
    set (and kept in ``model.reach`` for the explanations) by
    ``add_participant_variables``: rows would add nothing but size. In
    whole-programme mode a programme takes participants only where it runs
    (``runs`` rows) and then at least its minimum cohort (``cohort`` rows).
    """
    if not model.runs:
        return
    block = model.block
    segments = len(block.segments)
    constraints: list[Any] = []
    rows: list[int] = []
    columns: list[int] = []
    for keys, run in model.runs.items():
        _kind, reach = model.reach_limit(keys[0], keys[1])
        first = model.run_columns[keys]
        added = [model.add("runs", keys, [(run, -reach)], LE, 0.0)]
        minimum = model.interventions[keys[0]].min_cohort
        if minimum > 0:
            added.append(model.add("cohort", keys, [(run, -minimum)], GE, 0.0))
        for row in added:
            rows.extend([len(constraints)] * segments)
            columns.extend(range(first, first + segments))
            constraints.append(row.constraint)
    block.attach(constraints, np.array(rows), np.array(columns), np.ones(len(columns)))
