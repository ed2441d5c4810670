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
    term: str = ""  # the glossary entry its label links to, if any


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
        term=rule.glossary,
    )


def slices_in_words(multipliers: list[float]) -> str:
    """Diminishing returns in plain words: "the first third of the people reached count in full,
    the next third at 80%, the last third at 60%"."""

    def counted(multiplier: float) -> str:
        return "in full" if multiplier == 1 else f"at {display_number(multiplier * 100)}%"

    if len(multipliers) == 1:
        return f"everyone reached counts {counted(multipliers[0])}"
    names = (
        ("the first third", "the next third", "the last third")
        if len(multipliers) == 3
        else tuple(f"slice {number}" for number in range(1, len(multipliers) + 1))
    )
    parts = [f"{name} {counted(m)}" for name, m in zip(names, multipliers, strict=True)]
    parts[0] = f"{names[0]} of the people reached count {counted(multipliers[0])}"
    return ", ".join(parts)


def rating_in_words(rating: str) -> str:
    """An evidence rating with NL2 explained where it appears."""
    return "NL2 (not yet level 2: too little evidence)" if rating == "NL2" else rating


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
            rating_in_words(scenario.min_evidence_rating),
            EVIDENCE_HINTS.get(scenario.min_evidence_rating, ""),
            scenario.min_evidence_rating != "2",
            term="evidence-rating",
        ),
        _number(scenario, "min_share_rated_3_plus"),
        _number(scenario, "min_share_vcs"),
        RuleLine(
            "Confidence in expected effect",
            "Rated "
            + ", ".join(
                f"{level}: {display_number(weight * 100)}%"
                for level, weight in scenario.confidence_levels().items()
            ),
            "Share of an intervention's expected effect the plan counts on, by evidence rating.",
            bool(scenario.confidence)
            and scenario.confidence_levels() != Scenario(name="").confidence_levels(),
            term="confidence",
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
        RuleLine(
            "Target mode",
            (
                f"Least cost to avoid {display_number(scenario.target_amount)} "
                + (
                    choices.demand_type_name(scenario.target_demand_type_id)
                    if scenario.target_demand_type_id is not None
                    else "pounds of demand"
                )
            )
            if scenario.target_amount is not None
            else "Off",
            "Instead of the most demand avoided for the budgets, the least cost to reach a "
            "target under the same rules.",
            scenario.target_amount is not None,
        ),
        _number(scenario, "expected_over_draws"),
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
            slices_in_words(list(scenario.segment_multipliers)),
            "The people who can be reached are split into equal slices: the first people reached "
            "are those at highest risk, so they count most.",
            list(scenario.segment_multipliers) != [1.0, 0.8, 0.6],
            term="diminishing-returns",
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
