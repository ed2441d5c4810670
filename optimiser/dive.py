"""A whole plan found by diving from the linear relaxation, for HiGHS to start its search from.

HiGHS proves a whole plan within its gap target at the root node once it holds a good one, but
on the partners' separate plan its own heuristics find their first plan late (measured on the
demo: 4.5-6.5 s from nothing, 0.3-0.7 s at the root given a plan within 0.5% of its bound).
The dive finds one in a few tenths of a second:

1. Programme choices first, participants counted in fractions. The programme switches and
   whole cohorts that the relaxation already has whole are held there; the rest are rounded
   to the nearest whole number, the most nearly whole half at a time, the linear program
   solved again after each step (only bounds move, so HiGHS re-solves from its last basis).
   A step that leaves no plan is undone and halved; a single choice that fits neither way
   ends the dive without a plan.
2. Whole participants with the programme choices held: a small mixed-integer program solved
   to ``PEOPLE_GAP`` (the choices that make it hard are already made).

Every bound and integrality it touches is put back, so the model is the one given; the plan is
only a start, and HiGHS's search still proves how close the answer is.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from optimiser.highs_options import option_value, set_integrality

# The people step stops within this of its own bound: tighter than the plan's target, so the
# start loses little to it (0.1% measured 0.5-1.0 s on the demo's separate plan; 0.02% 3-4 s).
PEOPLE_GAP = 0.001
# A value within this of a whole number is that number (the solver's tolerance).
WHOLE = 1e-6


def dive(
    highs: Any,
    relaxed: np.ndarray,
    programme_columns: np.ndarray,
    people_columns: np.ndarray,
    seconds: float,
) -> tuple[Any, float] | None:
    """A whole plan near the relaxation (module docstring) and its objective, or None when
    the dive finds none within ``seconds``.

    ``highs`` holds the model with every whole column continuous and its relaxation solved;
    ``relaxed`` is that solution's column values. The model is left as it was given.
    """
    deadline = time.perf_counter() + seconds
    model = highs.getLp()
    lower = np.asarray(model.col_lower_, dtype=np.float64)[programme_columns]
    upper = np.asarray(model.col_upper_, dtype=np.float64)[programme_columns]
    del model
    saved = {name: option_value(highs, name) for name in ("time_limit", "mip_rel_gap")}
    try:
        if not _choose_programmes(highs, relaxed, programme_columns, (lower, upper), deadline):
            return None
        return _whole_people(highs, people_columns, deadline)
    finally:
        highs.changeColsBounds(len(programme_columns), programme_columns, lower, upper)
        set_integrality(highs, people_columns, integer=False)
        for name, setting in saved.items():
            highs.setOptionValue(name, setting)


def _solved(highs: Any, deadline: float) -> bool:
    """Solve again within the time left; whether there is an optimal plan."""
    import highspy

    left = deadline - time.perf_counter()
    if left <= 0:
        return False
    highs.setOptionValue("time_limit", left)
    highs.run()
    return bool(highs.getModelStatus() == highspy.HighsModelStatus.kOptimal)


def _hold(highs: Any, columns: np.ndarray, values: np.ndarray) -> None:
    highs.changeColsBounds(len(columns), columns, values, values)


def _choose_programmes(
    highs: Any,
    relaxed: np.ndarray,
    columns: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray],
    deadline: float,
) -> bool:
    """Step 1: every programme column held at a whole number, the linear program solved with
    them; whether that worked."""
    lower, upper = bounds
    values = relaxed[columns]
    settled = np.abs(values - np.round(values)) <= WHOLE
    _hold(highs, columns[settled], np.round(values[settled]))
    if not _solved(highs, deadline):
        return False
    open_ = ~settled
    while open_.any():
        values = np.asarray(highs.getSolution().col_value, dtype=np.float64)[columns]
        distance = np.abs(values - np.round(values))
        whole_now = open_ & (distance <= WHOLE)
        # Switches (at most one) before cohorts: a switch decides whether a programme runs.
        candidates = np.flatnonzero(open_ & ~whole_now)
        switches = candidates[upper[candidates] <= 1.0]
        if len(switches):
            candidates = switches
        if len(candidates) == 0:
            _hold(highs, columns[whole_now], np.round(values[whole_now]))
            open_ &= ~whole_now
            continue
        candidates = candidates[np.argsort(distance[candidates], kind="stable")]
        step = max(1, len(candidates) // 2)
        while True:
            chosen = candidates[:step]
            rounded = np.round(values[chosen])
            _hold(highs, columns[chosen], rounded)
            if _solved(highs, deadline):
                break
            # Undone: the columns may move within their own bounds again.
            highs.changeColsBounds(len(chosen), columns[chosen], lower[chosen], upper[chosen])
            if step > 1:
                step //= 2
                continue
            other = np.where(
                rounded > values[chosen], np.floor(values[chosen]), np.ceil(values[chosen])
            )
            _hold(highs, columns[chosen], other)
            if _solved(highs, deadline):
                break
            return False
        open_[chosen] = False
    return True


def _whole_people(highs: Any, columns: np.ndarray, deadline: float) -> tuple[Any, float] | None:
    """Step 2: whole participants with the programme choices held; the plan and its
    objective, or None."""
    import highspy

    left = deadline - time.perf_counter()
    if left <= 0:
        return None
    set_integrality(highs, columns, integer=True)
    highs.setOptionValue("mip_rel_gap", PEOPLE_GAP)
    highs.setOptionValue("time_limit", left)
    highs.run()
    info = highs.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    objective = float(info.objective_function_value)
    if not math.isfinite(objective):
        return None
    return highs.getSolution(), objective
