"""The dive that gives a whole-people solve its starting plan (``optimiser.dive``), by hand.

One partner, one place, one demand type worth £1 a unit: the objective is units avoided
(HiGHS minimises minus it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from optimiser_builders import intervention, one_place, partnership, simple_rules

from optimiser import BudgetLine, Partner
from optimiser.build import build
from optimiser.dive import dive
from optimiser.highs import make_solver
from optimiser.highs_options import set_integrality
from optimiser.separate import build_separate, pooled_value
from optimiser.solve import solve_model

WHOLE = simple_rules(whole_programme=True)
# A in cohorts of 8 at £200 a cohort, 1 unit each, 20 children eligible; B £40 a head, 1 unit.
COHORTS = intervention("a", 30, 1, cohort_size=8, cohort_cost=200)
B = intervention("b", 40, 1)


def _relaxed(line: BudgetLine, *interventions: Any) -> tuple[Any, Any, np.ndarray]:
    """The model handed to HiGHS with every whole column continuous and its relaxation
    solved, as ``BlockHiGHS`` has it before its start: the solver, HiGHS, the solution."""
    inputs = partnership(
        (line,), interventions, partners=(Partner("p", "Partner P"),), places=(one_place(20),)
    )
    model = build(inputs, WHOLE)
    solver = make_solver(20, block=model.participants)
    solver.createAndConfigureSolver(model.problem)
    solver.buildSolverModel(model.problem)
    highs = model.problem.solverModel
    set_integrality(highs, solver.integers, integer=False)
    highs.run()
    return solver, highs, np.asarray(highs.getSolution().col_value)


def _split(solver: Any) -> tuple[np.ndarray, np.ndarray]:
    """The programme columns (switches, cohorts) and the whole-people columns."""
    people = solver.integers >= solver.first_block_column
    return solver.integers[~people], solver.integers[people]


def test_a_dive_rounds_the_cohorts_then_buys_whole_people():
    """£1,000. In fractions A's 20 children take 2.5 cohorts (£500, 20 units) and B £500
    (12.5): 32.5. The dive rounds 2.5 cohorts to 2 (16 children, £400), the linear program
    gives B the £600 left (15), and whole people keep it: 31, the best whole plan (a third
    cohort for the last 4 children and B with £400 gives 20 + 10 = 30). The model is left as
    given: bounds and integrality back."""
    solver, highs, relaxed = _relaxed(BudgetLine("p", 2026, 1000), COHORTS, B)
    assert -highs.getInfo().objective_function_value == pytest.approx(32.5)
    programmes, people = _split(solver)
    before = highs.getLp()
    lower, upper = np.array(before.col_lower_), np.array(before.col_upper_)
    kinds = list(before.integrality_)

    found = dive(highs, relaxed, programmes, people, 10.0)

    assert found is not None
    solution, objective = found
    assert -objective == pytest.approx(31)
    values = np.asarray(solution.col_value)
    assert sorted(np.round(values[people]).tolist()) == [15.0, 16.0]
    assert np.round(values[programmes]).tolist() == [2.0]
    after = highs.getLp()
    assert np.array_equal(np.array(after.col_lower_), lower)
    assert np.array_equal(np.array(after.col_upper_), upper)
    assert list(after.integrality_) == kinds


def test_a_choice_that_fits_neither_way_ends_the_dive_without_a_plan():
    """£500 that must all be spent (a committed minimum) and only A, £200 a cohort: in
    fractions 2.5 cohorts; 2 cohorts leave £100 of the promise unspent, 3 cost £600. No whole
    plan: the dive says so (None) rather than give a plan that breaks the promise."""
    line = BudgetLine("p", 2026, 500, committed_minimum=500)
    solver, highs, relaxed = _relaxed(line, COHORTS)
    programmes, people = _split(solver)

    assert dive(highs, relaxed, programmes, people, 10.0) is None


def test_the_separate_plan_solved_from_its_dive_is_the_best_whole_plan():
    """Two partners, £100 each, A (£30, 1.2 units) and B (£20, 0.7 units), the demand shared
    equally. Partners may buy shares of the same participants, and each counts half of every
    unit, so separately they buy what the pool would: 6 A and 1 B (£200, 7.9 units; 4 A and
    4 B give 7.6), each counting its half, 3.95 less the millionth a pound that keeps money
    with no benefit unspent (£200: 0.0002). Solved from the dive it is that plan."""
    inputs = partnership(
        (BudgetLine("p", 2026, 100), BudgetLine("q", 2026, 100)),
        (intervention("a", 30, 1.2), intervention("b", 20, 0.7)),
    )
    model = build_separate(inputs, WHOLE)
    assert model.whole_start == "dive"
    result = solve_model(model, 20)
    assert result.status.has_plan
    assert result.objective == pytest.approx(3.95 - 0.0002)
    assert sorted(model.block.participants().tolist()) == [1.0, 6.0]
    assert pooled_value(model) == pytest.approx(7.9)
