"""Names that differ only by punctuation plan side by side.

The planner keys partners, interventions and places by their names. PuLP turns
space, "-", "+", "[", "]", ">" and "/" in its names into "_", so rows named from
"A-B" and "A B" used to collide and the build failed; PuLP now gets
index-based names and the rows keep the readable keys.
"""

from __future__ import annotations

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, Place, SolveStatus, build, optimise

PARTNERS = (Partner("A-B", "A-B Trust"), Partner("A B", "A B Council"))
PLACES = (
    Place("North/East", "North/East", "Calderdale", {"children": 1000}),
    Place("North East", "North East", "Calderdale", {"children": 1000}, capacity={"x-y": 0}),
)


def _inputs():  # type: ignore[no-untyped-def]
    return partnership(
        (BudgetLine("A-B", 2026, 60), BudgetLine("A B", 2026, 40)),
        (intervention("x-y", 10, 3, capacity=6), intervention("x y", 20, 5)),
        partners=PARTNERS,
        places=PLACES,
    )


def test_punctuation_twins_build_with_distinct_rows_and_variables():
    model = build(_inputs(), simple_rules())

    names = [row.name for row in model.rows.values()]
    assert "budget|A-B-2026" in names and "budget|A B-2026" in names
    assert "contribution|A-B" in names and "contribution|A B" in names
    assert model.problem.numConstraints() == len(model.rows)
    variables = model.problem.variables()
    assert len({v.name for v in variables}) == len(variables)


def test_punctuation_twins_solve_and_are_explained_by_their_own_names():
    """A-B £60 + A B £40 = £100. X-Y: £10 each, 3 avoided, 6 places in North/East only;
    X Y: £20 each, 5 avoided. X-Y first (0.30/£): 6 people, £60; X Y with the other £40:
    2 people. Avoided 18 + 10 = 28; each budget's shadow price is 0.25 (X Y at the margin)."""
    plan = optimise(_inputs(), simple_rules(), compare_pooling=False)

    assert plan.status is SolveStatus.OPTIMAL
    assert plan.objective == pytest.approx(28)
    spend = {(a.intervention, a.place): a.cost for a in plan.allocations}
    assert spend[("x-y", "North/East")] == pytest.approx(60)
    assert sum(cost for (key, _place), cost in spend.items() if key == "x y") == pytest.approx(40)
    assert {p.partner: p.contribution for p in plan.partners} == {"A-B": 60, "A B": 40}
    sentences = {b.row: b.sentence for b in plan.binding_constraints}
    assert sentences["budget|A-B-2026"] == (
        "£10 more from A-B Trust's 2026/27 budget would add about £2.50 of demand avoided."
    )
    assert sentences["budget|A B-2026"] == (
        "£1 more from A B Council's 2026/27 budget would add about £0.25 of demand avoided."
    )
