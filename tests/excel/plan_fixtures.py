"""A small solved partnership for the plan workbook tests, made with the real optimiser.

Names include formula-injection strings and SUMIFS wildcards on purpose: a partner called
"=HYPERLINK(...)", an intervention starting "@" and a place with "*" in its name.
"""

from __future__ import annotations

from datetime import datetime

from optimiser import (
    BudgetLine,
    DemandType,
    Effect,
    Intervention,
    Partner,
    Place,
    PlanningInputs,
    ScenarioRules,
    optimise,
)
from planner.excel.plan_view import PlanWorkbookView, view_from_optimiser

INJECTED_PARTNER = '=HYPERLINK("http://evil.example","click")'
INJECTED_INTERVENTION = "@SUM(1+1)*cmd"
WILDCARD_PLACE = "-Todmorden* ward?"


def small_partnership() -> tuple[PlanningInputs, ScenarioRules]:
    partners = (
        Partner("police", "West Yorkshire Police", "police"),
        Partner("council", "Calderdale Council", "local_authority", district="Calderdale"),
        Partner("evil", INJECTED_PARTNER, "other"),
    )
    years = (2026, 2027, 2028)
    lines = tuple(
        BudgetLine(partner, year, maximum, committed_minimum=minimum)
        for partner, maximum, minimum in (
            ("police", 120_000, 0),
            ("council", 90_000, 20_000),
            ("evil", 40_000, 0),
        )
        for year in years
    )
    demand_types = (
        DemandType("callout", "Domestic abuse call-out", 650.0, {"police": 0.8, "council": 0.2}),
        DemandType("care", "Child entering care", 55_000.0, {"council": 0.9, "evil": 0.1}),
    )
    interventions = (
        Intervention(
            "fnp",
            "Family Nurse Partnership",
            "family_support",
            "young_parents",
            3_100.37,
            "3+",
            (Effect("care", 0.03, (1, 2, 3)), Effect("callout", 0.4, (1, 2))),
            capacity=40,
        ),
        Intervention(
            "injected",
            INJECTED_INTERVENTION,
            "mentoring",
            "young_people",
            1_250.0,
            "2",
            (Effect("callout", 1.1, (1, 2, 3)),),
            capacity=60,
        ),
        Intervention(
            "idva",
            "Independent domestic violence advisers",
            "domestic_abuse",
            "adults_at_risk",
            980.5,
            "3",
            (Effect("callout", 1.6, (0, 1)),),
            capacity=80,
        ),
        Intervention(
            "scared",
            "Scared Straight",
            "diversion",
            "young_people",
            400.0,
            "NE",
            (Effect("callout", 0.1, (1,)),),
        ),
    )
    places = (
        Place(
            "halifax",
            "Halifax North",
            "Calderdale",
            {"young_parents": 120, "young_people": 300, "adults_at_risk": 200},
            1.4,
        ),
        Place(
            "tod",
            WILDCARD_PLACE,
            "Calderdale",
            {"young_parents": 60, "young_people": 150, "adults_at_risk": 90},
            0.9,
        ),
        Place(
            "bradford",
            "Bradford East",
            "Bradford",
            {"young_parents": 200, "young_people": 500, "adults_at_risk": 300},
            1.7,
        ),
    )
    inputs = PlanningInputs(partners, lines, demand_types, interventions, places)
    rules = ScenarioRules(
        first_year=2026,
        horizon_years=3,
        min_evidence_rating="2",
        partner_fairness=0.5,
        need_floor=0.5,
        portfolio_vfm_ratio=1.0,
        min_share_rated_3_plus=0.3,
    )
    return inputs, rules


def solved_view() -> PlanWorkbookView:
    """The small partnership solved, as the plan workbook sees it."""
    inputs, rules = small_partnership()
    result = optimise(inputs, rules, time_limit=30)
    assert result.status.has_plan, result.solver_detail
    return view_from_optimiser(
        inputs,
        rules,
        result,
        plan_id=7,
        scenario_name="=Pooled 2026 @risk",
        created_at=datetime(2026, 3, 1, 9, 30),
        created_by="+Finance Lead",
    )
