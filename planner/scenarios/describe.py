"""A scenario's rules in words, for its summary page: each rule, its value, and what it does."""

from __future__ import annotations

from dataclasses import dataclass

from models import Scenario
from models.scenario import FundingMode
from models.vocabulary import ObjectiveChoice, financial_year_label
from planner.scenarios.forms import NUMBER_RULES, ScenarioChoices, display_number

FUNDING_MODES = {
    FundingMode.POOLED: (
        "Pooled",
        "Partners' money is planned together, so one partner can fund what saves another money.",
    ),
    FundingMode.SEPARATE: (
        "Each partner alone",
        "Each partner plans with its own budget, as happens today: a baseline to compare with.",
    ),
}

OBJECTIVES = {
    ObjectiveChoice.VALUE: (
        "Money value of demand avoided",
        "Each demand type counts by its unit cost, so the plan maximises pounds of demand avoided.",
    ),
    ObjectiveChoice.PRIORITY: (
        "Priority-weighted demand avoided",
        "Each demand type counts by the priority weight you give it; unweighted types count 0.",
    ),
    ObjectiveChoice.SINGLE: (
        "One demand type only",
        "The plan maximises the units avoided of one demand type and ignores the others.",
    ),
}

EVIDENCE_HINTS = {
    "4": "Only interventions rated 4 or 4+ (multiple rigorous evaluations).",
    "3": "Interventions rated 3 or above (at least one rigorous evaluation).",
    "2": "Interventions rated 2 or above (at least preliminary evidence).",
    "NL2": "Any intervention except those found not effective (NE).",
}


@dataclass(frozen=True)
class RuleLine:
    """One rule on the summary page: its name, its value in this scenario, and what it does."""

    label: str
    value: str
    explanation: str
    changed: bool = False


def _number(scenario: Scenario, name: str) -> RuleLine:
    rule = NUMBER_RULES[name]
    raw = getattr(scenario, name)
    shown = display_number(raw * 100 if rule.percent else raw)
    unit = {"%": "%", "x": "×", "years": " years", "seconds": " seconds"}.get(rule.unit, "")
    return RuleLine(
        rule.label,
        f"{shown}{unit}",
        rule.hint,
        changed=shown != rule.default_text(),
    )


def describe_rules(scenario: Scenario, choices: ScenarioChoices) -> list[RuleLine]:
    """Every rule of the scenario, in the order the form asks for them."""
    mode_label, mode_hint = FUNDING_MODES[scenario.funding_mode]
    objective_label, objective_hint = OBJECTIVES[scenario.objective]
    first, last = scenario.years[0], scenario.years[-1]
    lines = [
        RuleLine(
            "Years planned",
            f"{financial_year_label(first)} to {financial_year_label(last)}"
            f" ({scenario.horizon_years} years)",
            NUMBER_RULES["horizon_years"].hint,
        ),
        RuleLine("Funding", mode_label, mode_hint, scenario.funding_mode != FundingMode.POOLED),
        RuleLine(
            "Weakest evidence funded",
            scenario.min_evidence_rating,
            EVIDENCE_HINTS.get(scenario.min_evidence_rating, ""),
            scenario.min_evidence_rating != "2",
        ),
        _number(scenario, "min_share_rated_3_plus"),
        RuleLine(
            "Confidence in expected effect",
            ", ".join(
                f"{level}: {display_number(weight)}"
                for level, weight in scenario.confidence_levels().items()
            ),
            "Share of an intervention's expected effect the plan counts on, by evidence rating.",
            bool(scenario.confidence)
            and scenario.confidence_levels() != Scenario(name="").confidence_levels(),
        ),
        _number(scenario, "bcr_threshold"),
        _number(scenario, "portfolio_vfm_ratio"),
    ]
    if scenario.max_cost_per_unit is not None:
        demand = choices.demand_type_name(scenario.max_cost_per_unit_demand_type_id)
        lines.append(
            RuleLine(
                "Most spend per unit avoided",
                f"£{scenario.max_cost_per_unit:,.2f} per {demand}",
                "The plan's spend divided by the units of this demand type avoided stays below this.",
                True,
            )
        )
    else:
        lines.append(
            RuleLine(
                "Most spend per unit avoided",
                "No limit",
                "Optionally cap what the plan spends per unit of one demand type avoided.",
            )
        )
    lines.append(_number(scenario, "partner_fairness"))
    for partner_id, factor in sorted(scenario.partner_fairness_overrides.items()):
        lines.append(
            RuleLine(
                f"Fairness factor for {choices.partner_name(partner_id)}",
                f"{display_number(factor)}×",
                "Replaces the partner fairness factor for this partner.",
                True,
            )
        )
    lines += [
        _number(scenario, "need_floor"),
        RuleLine(
            "What the plan maximises",
            objective_label
            + (
                f": {choices.demand_type_name(scenario.objective_demand_type_id)}"
                if scenario.objective == ObjectiveChoice.SINGLE
                else ""
            ),
            objective_hint,
            scenario.objective != ObjectiveChoice.VALUE,
        ),
    ]
    if scenario.objective == ObjectiveChoice.PRIORITY:
        for demand_type_id, weight in sorted(scenario.priority_weights.items()):
            lines.append(
                RuleLine(
                    f"Priority of {choices.demand_type_name(demand_type_id)}",
                    display_number(weight),
                    "How much one unit of this demand type avoided counts.",
                    True,
                )
            )
    lines += [
        _number(scenario, "discount_rate"),
        _number(scenario, "appraisal_years"),
        RuleLine(
            "Diminishing returns",
            ", ".join(display_number(m) for m in scenario.segment_multipliers),
            "Effect multiplier of each equal slice of the people who can be reached: the first "
            "people reached are those at highest risk.",
            list(scenario.segment_multipliers) != [1.0, 0.8, 0.6],
        ),
        RuleLine(
            "Whole programmes",
            "Yes" if scenario.whole_programme else "No",
            "Counts set-up costs and minimum cohorts, so a programme runs in a place or not at "
            "all (slower to solve).",
            scenario.whole_programme,
        ),
        _number(scenario, "time_limit_seconds"),
    ]
    return lines
