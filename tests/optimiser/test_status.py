"""Solver status: each HiGHS stop mapped to the plan's small status enum, and said in words."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import (
    BudgetLine,
    Partner,
    SolveStatus,
    build,
    optimise,
    plan_from_dict,
    plan_to_dict,
)
from optimiser.highs import HighsOutcome
from optimiser.lp import GE, expression
from optimiser.planning import NO_SENSITIVITY
from optimiser.solve import _unbounded_or_infeasible, solve_model, status_from_highs

ONE_PARTNER = (Partner("p", "Partner P"),)
FEASIBLE_NOT_BEST = "this plan is feasible, not proven best."


@pytest.mark.parametrize(
    ("model_status", "has_solution", "status", "note"),
    [
        ("kOptimal", True, SolveStatus.OPTIMAL, ""),
        ("kInfeasible", False, SolveStatus.INFEASIBLE, "The rules cannot all be met."),
        (
            "kUnbounded",
            False,
            SolveStatus.UNBOUNDED,
            "The plan's benefit has no upper limit: some money or participants are not limited "
            "by any budget, capacity or population.",
        ),
        (
            "kTimeLimit",
            True,
            SolveStatus.TIME_LIMIT,
            f"The solver stopped at the time limit: {FEASIBLE_NOT_BEST}",
        ),
        (
            "kTimeLimit",
            False,
            SolveStatus.ERROR,
            "The solver stopped at the time limit before finding any feasible plan.",
        ),
        (
            "kIterationLimit",
            True,
            SolveStatus.TIME_LIMIT,
            f"The solver stopped at its iteration limit: {FEASIBLE_NOT_BEST}",
        ),
        (
            "kIterationLimit",
            False,
            SolveStatus.ERROR,
            "The solver stopped at its iteration limit before finding any feasible plan.",
        ),
        (
            "kSolutionLimit",
            True,
            SolveStatus.TIME_LIMIT,
            "The solver stopped at its limit on the number of solutions to find: "
            + FEASIBLE_NOT_BEST,
        ),
        (
            "kInterrupt",
            True,
            SolveStatus.TIME_LIMIT,
            f"The solver stopped because it was interrupted: {FEASIBLE_NOT_BEST}",
        ),
        (
            "kMemoryLimit",
            False,
            SolveStatus.ERROR,
            "The solver stopped at its memory limit before finding any feasible plan.",
        ),
        (
            "kSolveError",
            False,
            SolveStatus.ERROR,
            "No plan: the solver failed while solving.",
        ),
        (
            "kModelError",
            False,
            SolveStatus.ERROR,
            "No plan: the solver found the model malformed.",
        ),
    ],
)
def test_each_highs_stop_has_its_status_and_its_own_words(
    model_status: str, has_solution: bool, status: SolveStatus, note: str
) -> None:
    outcome = HighsOutcome(model_status, has_solution, 1.0 if has_solution else None, None)
    assert status_from_highs(outcome) == (status, note)


def _inputs():  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("p", 2026, 100),),
        (intervention("a", 10, 3, capacity=6), intervention("b", 20, 5), intervention("c", 20, 2)),
        partners=ONE_PARTNER,
    )


def test_stopped_at_an_iteration_limit_shows_no_shadow_prices():
    """Primal simplex with no presolve, stopped after one iteration, holds a feasible plan
    that is not proven best: its duals mean nothing, so no rule is called binding and no
    unfunded programme is judged against it; the plan says which limit stopped it."""
    plan = optimise(
        _inputs(),
        simple_rules(),
        compare_pooling=False,
        presolve="off",
        simplex_strategy=4,
        simplex_iteration_limit=1,
    )

    assert plan.status is SolveStatus.TIME_LIMIT
    assert plan.solver_detail == "kIterationLimit"
    assert plan.binding_constraints == ()
    assert plan.not_funded == ()  # nothing is excluded by a rule
    assert plan.messages == (
        f"The solver stopped at its iteration limit: {FEASIBLE_NOT_BEST}",
        NO_SENSITIVITY,
    )


def test_unbounded_or_infeasible_is_resolved_to_unbounded():
    """A whole number with no bound and a benefit of 1 each: HiGHS's presolve can only say
    "unbounded or infeasible"; solved again with no objective the rules are met, so the
    plan is unbounded."""
    model = build(_inputs(), simple_rules())
    free = model.variable("free", None, None, integer=True)
    objective = list(model.problem.objective.items())
    model.problem.setObjective(expression([*objective, (free, -1.0)]))

    result = solve_model(model, 10)

    assert result.status is SolveStatus.UNBOUNDED
    assert result.detail == "kUnboundedOrInfeasible, then kOptimal with no objective"
    assert result.objective is None
    assert dict(model.problem.objective.items())[free] == -1.0  # the objective is put back


def test_unbounded_or_infeasible_is_resolved_to_infeasible():
    """Asking for £1,000 of spend from a £100 budget: with no objective it is still infeasible."""
    model = build(_inputs(), simple_rules())
    model.add("test_spend", (), [(model.total_spend, 1.0)], GE, 1000.0)
    first = solve_model(model, 10)

    result = _unbounded_or_infeasible(model, first, 10)

    assert result.status is SolveStatus.INFEASIBLE
    assert result.note == "The rules cannot all be met."


def test_an_unmeasured_mip_gap_is_stored_as_null():
    plan = optimise(_inputs(), simple_rules(), compare_pooling=False)
    stored = plan_to_dict(replace(plan, mip_gap=float("inf")))
    assert stored["mip_gap"] is None
    assert plan_from_dict(json.loads(json.dumps(stored, allow_nan=False))).mip_gap is None
