"""A whole plan to start the mixed-integer solve from, so HiGHS begins near its bound.

Whole people and programmes make the plan a mixed-integer program; HiGHS proves a plan close
to the best possible by closing the gap between the best plan it holds and its bound. The
linear relaxation (participants, cohorts and switches in fractions) is mostly whole already:
``settled`` picks the choices it makes in whole numbers, and ``highs.BlockHiGHS`` holds them
while HiGHS searches the rest, a small search near the relaxation's optimum (on the demo a
whole plan within 0.1% in a third of a second, against 1.3 s from nothing; rounding every
fraction down instead breaks committed minimums and contracts, which need the person above).
That plan is the answer when it is already within the gap target of the relaxation's bound;
otherwise it is where HiGHS's full search starts. When the relaxation leaves much of the plan
fractional (``SETTLED_ENOUGH``), the search near it is no longer small, and HiGHS searches from
nothing.

``choices_of`` reads the same choices from any solved whole plan, and ``as_start`` gives them
all to HiGHS: the partners commissioning separately give the pooled solve a start that is a
plan the pool could run (``optimiser.whole``), and a plan with money set aside gives the plan
without the set-aside one (``optimiser.planning``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimiser.model import Model

Key = tuple[str, str, int]
# Participants within this of a whole number are that number (the solver's tolerance).
WHOLE_TOLERANCE = 1e-6
# Completing the relaxation is a small search only when it already makes most choices whole.
# Measured (6 December 2026): on generated partnerships it settles 95-98% of the whole columns,
# the completion takes 1.5-2.8 times the relaxation's time, and its plan ends the solve or
# starts a short search. On the demo, where budgets stop part-way through cohorts, it settles
# 48.5%: the completion took 1.5 s (30 times the relaxation) for a plan 2.9% below it, and
# HiGHS's search from that plan took 3.1 s against 1.8 s from nothing. Below this share of
# whole columns settled, HiGHS searches from nothing.
SETTLED_ENOUGH = 0.8


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


def settled(relaxed: np.ndarray, integers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The whole columns the relaxation already has at whole numbers, with those numbers.

    A partial start: HiGHS holds these and searches only the columns the relaxation left
    fractional for a whole plan, a small search near the relaxation's optimum, and then
    proves how close that plan is against the full problem's bound.
    """
    values = relaxed[integers]
    whole = np.abs(values - np.round(values)) <= WHOLE_TOLERANCE
    return integers[whole].astype(np.int32), np.round(values[whole])


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
