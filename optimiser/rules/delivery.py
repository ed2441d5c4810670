"""Rules about delivery: provider capacity, and whole programmes with cohorts and contracts."""

from __future__ import annotations

from typing import Any

import numpy as np

from optimiser.lp import GE, LE, Terms
from optimiser.model import Model

# Whole cohorts are never bought empty: k whole cohorts take more than k - 1 cohorts' worth of
# participants. With whole participants and a whole cohort size the margin is one person; with
# a fractional cohort size a hair, so that a cohort just over full still counts.
FILLED_MARGIN = 1e-3


def add_capacity(model: Model) -> None:
    """Participants per intervention, place and year stay within what providers can take.

    Capacity and the eligible population are the segment variables' bounds,
    set (and kept in ``model.reach`` for the explanations) by
    ``add_participant_variables``: rows would add nothing but size. In
    whole-programme mode a programme takes participants only where it runs
    (``runs`` rows) and then at least its minimum cohort (``cohort`` rows);
    an intervention delivered in cohorts takes at most its whole cohorts' places
    (``cohort_places``); and a minimum contract means spending nothing or at least
    that much there (``contract_size``).
    """
    if not model.runs and not model.cohorts:
        return
    block = model.block
    segments = len(block.segments)
    constraints: list[Any] = []
    rows: list[int] = []
    columns: list[int] = []
    coefficients: list[float] = []

    def participants_in(row: Any, first: int, coefficient: float) -> None:
        rows.extend([len(constraints)] * segments)
        columns.extend(range(first, first + segments))
        coefficients.extend([coefficient] * segments)
        constraints.append(row.constraint)

    for keys, run in model.runs.items():
        _kind, reach = model.reach_limit(keys[0], keys[1])
        first = model.run_columns[keys]
        intervention = model.interventions[keys[0]]
        participants_in(model.add("runs", keys, [(run, -reach)], LE, 0.0), first, 1.0)
        if intervention.min_cohort > 0:
            row = model.add("cohort", keys, [(run, -intervention.min_cohort)], GE, 0.0)
            participants_in(row, first, 1.0)
        if intervention.minimum_contract > 0:
            # Spend here (participants or cohorts, plus set-up) >= minimum x runs: 0 or at least
            # the minimum, since with the programme off ``runs`` holds participants at nothing.
            terms: Terms = [
                *model.programme_cost_terms(keys),
                (run, -intervention.minimum_contract),
            ]
            if keys in model.cohorts:
                model.add("contract_size", keys, terms, GE, 0.0)
            else:
                row = model.add("contract_size", keys, terms, GE, 0.0)
                participants_in(row, first, model.participant_cost(keys[0], keys[2]))
    for keys, cohorts in model.cohorts.items():
        intervention = model.interventions[keys[0]]
        first = model.cohort_columns[keys]
        size = intervention.cohort_size
        row = model.add("cohort_places", keys, [(cohorts, -size)], LE, 0.0)
        participants_in(row, first, 1.0)
        # With whole people this also keeps cohorts out where the programme does not run.
        if cohorts.cat == "Integer" and model.whole_people:
            margin = 1.0 if float(size).is_integer() else FILLED_MARGIN
            row = model.add("cohort_filled", keys, [(cohorts, size)], LE, size - margin)
            participants_in(row, first, -1.0)
    block.attach(
        constraints, np.array(rows), np.array(columns), np.array(coefficients, dtype=np.float64)
    )
