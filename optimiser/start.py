"""A whole plan to start the mixed-integer solve from, so HiGHS begins near its bound.

Whole people and programmes make the plan a mixed-integer program; HiGHS proves a plan close
to the best possible by closing the gap between the best plan it holds and its bound. The
linear relaxation (participants, cohorts and switches in fractions) is nearly whole already, so
``rounded_choices`` rounds it to a whole plan: each delivery's participants down to a whole
number, then whole cohorts enough to take them, the programme on where anyone takes part, and
nothing where that falls short of a minimum cohort or a minimum contract. Only those whole
choices are given to HiGHS (``as_start``); it works out the money and the rest with them held,
and drops the start if that breaks a rule (a committed minimum that rounding down leaves
unspent, say), so a start never changes which plan is best, only how soon it is found.

``choices_of`` reads the same choices from any solved whole plan: the partners commissioning
separately give the pooled solve a start that is a plan the pool could run
(``optimiser.planning``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimiser.model import Model

Key = tuple[str, str, int]
# Participants within this of a whole number are that number (the solver's tolerance).
WHOLE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class WholeChoices:
    """The whole choices of a plan: participants per delivery (block order), and each
    programme switch and count of whole cohorts by (intervention, place, year)."""

    delivered: np.ndarray
    runs: dict[Key, float]
    cohorts: dict[Key, float]


def value(var: Any) -> float:
    return float(var.varValue or 0.0)


def choices_of(model: Model) -> WholeChoices:
    """The whole choices of a solved whole-programme model."""
    return WholeChoices(
        delivered=model.block.participants(),
        runs={key: float(round(value(var))) for key, var in model.runs.items()},
        cohorts={key: float(round(value(var))) for key, var in model.cohorts.items()},
    )


def rounded_choices(model: Model, delivered: np.ndarray) -> WholeChoices:
    """A whole plan near a relaxation's participants per delivery (module docstring)."""
    whole = np.floor(np.maximum(delivered, 0.0) + WHOLE_TOLERANCE)
    block = model.block
    segments = max(len(block.segments), 1)
    runs: dict[Key, float] = {}
    cohorts: dict[Key, float] = {}
    for key in sorted(model.cost_keys()):
        column = model.run_columns.get(key, model.cohort_columns.get(key, 0))
        delivery = column // segments
        intervention = model.interventions[key[0]]
        people = float(whole[delivery])
        if people < intervention.min_cohort:
            people = 0.0
        count = math.ceil(people / intervention.cohort_size - 1e-9) if key in model.cohorts else 0
        cost = intervention.fixed_cost if people > 0 else 0.0
        if key in model.cohorts:
            cost += count * model.cohort_cost(intervention)
        else:
            cost += people * intervention.unit_cost
        if people > 0 and cost < intervention.minimum_contract:
            people, count = 0.0, 0
        whole[delivery] = people
        if key in model.runs:
            runs[key] = 1.0 if people > 0 else 0.0
        if key in model.cohorts:
            cohorts[key] = float(count)
    return WholeChoices(delivered=whole, runs=runs, cohorts=cohorts)


def as_start(
    model: Model, choices: WholeChoices, column_of: Callable[[Any], int], first_whole: int
) -> tuple[np.ndarray, np.ndarray]:
    """The choices as HiGHS column numbers and values (a partial solution: whole columns only).

    ``first_whole`` is the column of the first delivery's n (after the participant block).
    """
    indices = [first_whole + np.arange(len(choices.delivered))]
    values = [choices.delivered]
    for switches, chosen in ((model.runs, choices.runs), (model.cohorts, choices.cohorts)):
        keys = [key for key in switches if key in chosen]
        indices.append(np.array([column_of(switches[key]) for key in keys], dtype=np.int64))
        values.append(np.array([chosen[key] for key in keys], dtype=np.float64))
    return (
        np.concatenate(indices).astype(np.int32),
        np.concatenate(values).astype(np.float64),
    )
