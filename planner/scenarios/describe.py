"""A scenario's rules in words, for its summary page: each rule, its value, and what it does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models import Scenario
from models.scenario import FundingMode
from models.vocabulary import (
    WHOLE_PEOPLE,
    WHOLE_PEOPLE_COUNTS,
    ObjectiveChoice,
    financial_year_label,
)
from optimiser.families import Section
from planner.scenarios.forms import NUMBER_RULES, NumberRule, ScenarioChoices, display_number

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


def _number(scenario: Scenario, rule: NumberRule) -> RuleLine:
    raw = getattr(scenario, rule.name)
    shown = display_number(raw * 100 if rule.percent else raw)
    unit = {"%": "%", "x": "×", "years": " years", "seconds": " seconds"}.get(rule.unit, "")
    return RuleLine(
        rule.label,
        f"{shown}{unit}",
        rule.hint,
        changed=shown != rule.default_text(),
        term=rule.glossary,
    )


def _years_planned(scenario: Scenario, rule: NumberRule) -> RuleLine:
    first, last = scenario.years[0], scenario.years[-1]
    return RuleLine(
        rule.label,
        f"{financial_year_label(first)} to {financial_year_label(last)} ({scenario.horizon} years)",
        rule.hint,
        changed=scenario.horizon != rule.default,
    )


# Settings the summary words its own way; every other setting reads as its number and unit.
SHOWN_AS: dict[str, Callable[[Scenario, NumberRule], RuleLine]] = {
    "horizon_years": _years_planned,
}


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
    """Every rule of the scenario, section by section in the form's order: in each section the
    rules the form asks for by hand, with the registry's settings of that section
    (``optimiser.families``) in their place among them."""
    own = _own_lines(scenario, choices)
    lines: list[RuleLine] = []
    for section in Section:  # a section missing from _own_lines is a KeyError naming it
        before, after = own[section]
        lines += before
        lines += [
            SHOWN_AS.get(name, _number)(scenario, rule)
            for name, rule in NUMBER_RULES.items()
            if rule.section is section
        ]
        lines += after
    return lines


def _own_lines(
    scenario: Scenario, choices: ScenarioChoices
) -> dict[Section, tuple[list[RuleLine], list[RuleLine]]]:
    """The lines of the rules each section asks for by hand: those shown before the section's
    registry settings and those after them, for every section in the form's order."""
    return {
        Section.ABOUT: ([], [_funding_line(scenario)]),
        Section.EVIDENCE: ([_rating_line(scenario)], [_confidence_line(scenario)]),
        Section.VALUE: ([], [_cost_per_unit_line(scenario, choices)]),
        Section.FAIRNESS: ([], _fairness_override_lines(scenario, choices)),
        Section.CAPS: ([], []),
        Section.BUDGETS: ([], []),
        Section.OBJECTIVE: (
            [_objective_line(scenario, choices), _target_line(scenario, choices)],
            [*_priority_lines(scenario, choices), _segments_line(scenario)],
        ),
        Section.SOLVER: ([_whole_programme_line(scenario)], []),
    }


def _funding_line(scenario: Scenario) -> RuleLine:
    mode_label, mode_hint = FUNDING_MODES[scenario.funding_mode]
    return RuleLine("Funding", mode_label, mode_hint, scenario.funding_mode != FundingMode.POOLED)


def _rating_line(scenario: Scenario) -> RuleLine:
    return RuleLine(
        "Weakest evidence funded",
        rating_in_words(scenario.min_evidence_rating),
        EVIDENCE_HINTS.get(scenario.min_evidence_rating, ""),
        scenario.min_evidence_rating != "2",
        term="evidence-rating",
    )


def _confidence_line(scenario: Scenario) -> RuleLine:
    return RuleLine(
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
    )


def _cost_per_unit_line(scenario: Scenario, choices: ScenarioChoices) -> RuleLine:
    if scenario.max_cost_per_unit is None:
        return RuleLine(
            "Most spend per unit avoided",
            "No limit",
            "Optionally cap what the plan spends per unit of one demand type avoided.",
        )
    demand = choices.demand_type_name(scenario.max_cost_per_unit_demand_type_id)
    return RuleLine(
        "Most spend per unit avoided",
        f"£{scenario.max_cost_per_unit:,.2f} per {demand}",
        "The plan's spend divided by the units of this demand type avoided stays below this.",
        True,
    )


def _fairness_override_lines(scenario: Scenario, choices: ScenarioChoices) -> list[RuleLine]:
    return [
        RuleLine(
            f"Fairness factor for {choices.partner_name(partner_id)}",
            f"{display_number(factor)}×",
            "Replaces the partner fairness factor for this partner.",
            True,
        )
        for partner_id, factor in sorted(scenario.partner_fairness_overrides.items())
    ]


def _objective_line(scenario: Scenario, choices: ScenarioChoices) -> RuleLine:
    objective_label, objective_hint = OBJECTIVES[scenario.objective]
    return RuleLine(
        "What the plan maximises",
        objective_label
        + (
            f": {choices.demand_type_name(scenario.objective_demand_type_id)}"
            if scenario.objective == ObjectiveChoice.SINGLE
            else ""
        ),
        objective_hint,
        scenario.objective != ObjectiveChoice.VALUE,
    )


def _target_line(scenario: Scenario, choices: ScenarioChoices) -> RuleLine:
    return RuleLine(
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
    )


def _priority_lines(scenario: Scenario, choices: ScenarioChoices) -> list[RuleLine]:
    if scenario.objective != ObjectiveChoice.PRIORITY:
        return []
    return [
        RuleLine(
            f"Priority of {choices.demand_type_name(demand_type_id)}",
            display_number(weight),
            "How much one unit of this demand type avoided counts.",
            True,
        )
        for demand_type_id, weight in sorted(scenario.priority_weights.items())
    ]


def _segments_line(scenario: Scenario) -> RuleLine:
    return RuleLine(
        "Diminishing returns",
        slices_in_words(list(scenario.segment_multipliers)),
        "The people who can be reached are split into equal slices: the first people reached "
        "are those at highest risk, so they count most.",
        list(scenario.segment_multipliers) != [1.0, 0.8, 0.6],
        term="diminishing-returns",
    )


def _whole_programme_line(scenario: Scenario) -> RuleLine:
    return RuleLine(
        WHOLE_PEOPLE,
        "Yes" if scenario.whole_programme else "No",
        f"Plans {WHOLE_PEOPLE_COUNTS}: people are bought whole, programmes delivered in groups "
        "or caseloads are bought in whole cohorts, and a programme runs in a place and year at "
        "its set-up cost and minimum size or not at all.",
        # On is the default for a scenario made in the app: off is the change.
        not scenario.whole_programme,
        term="whole-people",
    )
