"""Need floors where money may not go everywhere: partners alone, and places no money reaches.

The need floor spreads over the places the budget lines' money may reach. A
council planning alone that funds only its own district meets the floor in
that district's places, need shares renormalised, instead of being held at
nothing by a floor in places it may not pay for.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from optimiser_builders import intervention, partnership, simple_rules

from optimiser import BudgetLine, Partner, Place, optimise
from optimiser.pooling import partner_alone

KIRKLEES = Partner("k", "Kirklees Council", district="Kirklees")
POLICE = Partner("w", "West Yorkshire Police")


def _places() -> tuple[Place, ...]:
    """Two Kirklees places (need 1 and 3; A has no capacity in Dewsbury) and one in Calderdale."""
    return (
        Place("h", "Huddersfield", "Kirklees", {"children": 1000}, need_index=1.0),
        Place("d", "Dewsbury", "Kirklees", {"children": 1000}, need_index=3.0, capacity={"a": 0}),
        Place("c", "Halifax", "Calderdale", {"children": 1000}, need_index=4.0),
    )


def test_council_alone_meets_the_floor_in_its_own_district():
    """Kirklees Council alone, £100 for Kirklees places only, floor phi = 0.8. Its places'
    need shares renormalise to 1/4 (Huddersfield) and 3/4 (Dewsbury): at least £20 and £60.
    Dewsbury can take only B (£20, 5 avoided): £60, 15 avoided. Huddersfield takes A (£10,
    3 avoided) with the other £40: 12 avoided. 27 in all. With Halifax in the floor the
    council, which may not pay for Halifax, could do nothing."""
    inputs = partnership(
        (BudgetLine("k", 2026, 100, districts=("Kirklees",)),),
        (intervention("a", 10, 3), intervention("b", 20, 5)),
        partners=(KIRKLEES,),
        places=_places(),
    )
    rules = simple_rules(need_floor=0.8)
    plan = optimise(inputs, rules, compare_pooling=False)

    assert plan.objective == pytest.approx(27)
    outcomes = {p.place: (p.spend, p.need_share, p.need_floor) for p in plan.places}
    assert outcomes == {
        "h": (pytest.approx(40), 0.25, pytest.approx(20)),
        "d": (pytest.approx(60), 0.75, pytest.approx(60)),
        "c": (0, 0.0, 0),
    }
    assert "need_floor|c" not in {b.row for b in plan.binding_constraints}
    assert plan.messages == (
        "The need floor spreads over the places the budget lines may pay for where someone "
        "can be served; it leaves out Halifax.",
    )
    assert partner_alone(inputs, rules, "k").objective == pytest.approx(27)


def test_a_council_alone_may_do_more_than_the_pool_but_is_never_added_up():
    """Kirklees Council £100 (Kirklees only) and the police £10 (anywhere); Huddersfield and
    Halifax, equal need; A (£10, 3 avoided) everywhere; floor phi = 0.5, so each place at
    least a quarter of spend. Alone, the council spends £100 in Huddersfield: 30. Alone, the
    police spends £10: 3. Pooled, Halifax needs a quarter of all spend and only the police
    may pay there: total at most £40, 12 avoided. Commissioning separately, the partnership's
    floor holds on the combined plan too: the same 12, so pooling adds nothing here, never
    less. The council's 30 alone is a figure of its own (it would meet the floor only in its
    own district), shown beside the police's 3, never added up."""
    places = (
        Place("h", "Huddersfield", "Kirklees", {"children": 1000}),
        Place("c", "Halifax", "Calderdale", {"children": 1000}),
    )
    inputs = partnership(
        (BudgetLine("k", 2026, 100, districts=("Kirklees",)), BudgetLine("w", 2026, 10)),
        (intervention("a", 10, 3),),
        partners=(KIRKLEES, POLICE),
        places=places,
    )
    plan = optimise(inputs, simple_rules(need_floor=0.5))

    assert plan.objective == pytest.approx(12)
    assert plan.pooling is not None
    alone = {a.partner: a.objective for a in plan.pooling.alone}
    assert alone == pytest.approx({"k": 30, "w": 3})
    assert plan.pooling.separate_objective == pytest.approx(12)
    assert plan.pooling.value_of_pooling == pytest.approx(0)
    assert plan.pooling.sentence.startswith(
        "Pooling adds about £0 of demand avoided over the same partners commissioning separately"
    )
    # Without the floor, pooling is never worse.
    unfloored = optimise(inputs, simple_rules())
    assert unfloored.objective == pytest.approx(33)


def test_floor_leaves_out_places_nobody_can_be_served_in():
    """Halifax has no eligible children: no money can reach anyone there, so the floor
    spreads over Huddersfield alone instead of holding all spend at nothing."""
    places = (
        Place("h", "Huddersfield", "Kirklees", {"children": 1000}),
        Place("c", "Halifax", "Calderdale", {"children": 0}),
    )
    inputs = partnership(
        (BudgetLine("w", 2026, 100),),
        (intervention("a", 10, 3),),
        partners=(POLICE,),
        places=places,
    )
    plan = optimise(inputs, simple_rules(need_floor=0.5), compare_pooling=False)

    assert plan.objective == pytest.approx(30)
    assert {p.place: p.need_share for p in plan.places} == {"h": 1.0, "c": 0.0}
    # A budget line with no money reaches nowhere either.
    empty = replace(inputs, budget_lines=(BudgetLine("w", 2026, 0),))
    nothing = optimise(empty, simple_rules(need_floor=0.5), compare_pooling=False)
    assert {p.place: p.need_share for p in nothing.places} == {"h": 0.0, "c": 0.0}
