"""The rules a scenario's settings must meet, checked once for the web form and the API alike.

The schema (`models.scenario.ScenarioCreate`) checks types and the bounds every scenario shares;
this checks what depends on the partnership and the server: each number within the registry's
range (the time limit within this server's ceiling), weights and fairness factors for partners and
demand types that exist, an objective with what it needs, a cost cap with both halves, and years
the partnership plans. Problems are keyed by field as the API names them ("priority_weights.3");
the form shows each against its own input (`form_input`).
"""

from __future__ import annotations

from collections.abc import Mapping

from models.scenario import ScenarioCreate
from models.vocabulary import ObjectiveChoice, financial_year_label
from planner.scenarios.forms import NumberRule, ScenarioChoices, display_number

MAX_PRIORITY_WEIGHT = 1000
MAX_FAIRNESS_FACTOR = 100


def _example(rule: NumberRule) -> str:
    middle = display_number(
        (rule.minimum + rule.maximum) / 2 if rule.maximum < 100 else rule.default
    )
    if rule.percent:
        return f"a percentage such as {middle}"
    if rule.whole:
        return f"a whole number such as {display_number(round(float(middle)))}"
    return f"a number such as {middle}"


def number_problem(rule: NumberRule, value: float) -> str | None:
    """Why a setting's value (as stored: fractions for percentages) is out of its range."""
    shown = value * 100 if rule.percent else value
    if rule.whole and shown != int(shown):
        return f"{rule.label} must be a whole number, such as {display_number(rule.default)}"
    if rule.minimum <= shown <= rule.maximum:
        return None
    unit = "%" if rule.percent else (f" {rule.unit}" if rule.unit in ("years", "seconds") else "")
    return (
        f"{rule.label} must be between {display_number(rule.minimum)} and "
        f"{display_number(rule.maximum)}{unit}"
        + (f", {rule.why_maximum}" if rule.why_maximum else "")
        + f": type {_example(rule)}"
    )


def scenario_problems(
    details: ScenarioCreate, choices: ScenarioChoices, rules: Mapping[str, NumberRule]
) -> dict[str, str]:
    """Every problem with a scenario's settings, in words, keyed by field."""
    problems: dict[str, str] = {}
    for name, rule in rules.items():
        problem = number_problem(rule, float(getattr(details, name)))
        if problem:
            problems[name] = problem
    demand_types = dict((str(key), name) for key, name in choices.demand_types)
    partners = dict((str(key), name) for key, name in choices.partners)
    for key, weight in details.priority_weights.items():
        if str(key) not in demand_types:
            problems[f"priority_weights.{key}"] = f"There is no demand type with id {key}"
        elif not 0 <= weight <= MAX_PRIORITY_WEIGHT:
            problems[f"priority_weights.{key}"] = (
                f"The priority weight of {demand_types[str(key)]} must be between 0 and "
                f"{MAX_PRIORITY_WEIGHT}: type a number such as 1 or 2.5"
            )
    for key, factor in details.partner_fairness_overrides.items():
        if str(key) not in partners:
            problems[f"partner_fairness_overrides.{key}"] = f"There is no partner with id {key}"
        elif not 0 <= factor <= MAX_FAIRNESS_FACTOR:
            problems[f"partner_fairness_overrides.{key}"] = (
                f"The fairness factor for {partners[str(key)]} must be between 0 and "
                f"{MAX_FAIRNESS_FACTOR}: type a number such as 1 or 0.8"
            )
    for field in ("max_cost_per_unit_demand_type_id", "objective_demand_type_id"):
        chosen = getattr(details, field)
        if chosen is not None and str(chosen) not in demand_types:
            problems[field] = f"There is no demand type with id {chosen}"
    if details.max_cost_per_unit is not None and details.max_cost_per_unit_demand_type_id is None:
        problems.setdefault(
            "max_cost_per_unit_demand_type_id",
            "Choose the demand type the cost-per-unit cap is about, or leave the amount blank",
        )
    if details.max_cost_per_unit_demand_type_id is not None:
        if details.max_cost_per_unit is None:
            problems.setdefault(
                "max_cost_per_unit",
                "Enter the most to spend per unit avoided, such as 2500, or choose no demand type",
            )
        elif details.max_cost_per_unit <= 0:
            problems["max_cost_per_unit"] = (
                "The most to spend per unit avoided must be more than £0, such as 2500"
            )
    if details.objective == ObjectiveChoice.SINGLE and details.objective_demand_type_id is None:
        problems.setdefault(
            "objective_demand_type_id", "Choose the demand type to reduce when optimising one type"
        )
    if details.objective == ObjectiveChoice.PRIORITY and not any(
        weight > 0 for weight in details.priority_weights.values()
    ):
        problems.setdefault(
            "priority_weights", "Give at least one demand type a priority weight above 0, such as 1"
        )
    planned = [line.year for line in choices.budget_lines]
    if planned and details.first_year > max(planned):
        # A plan that starts after every budget has no money to plan with: an "optimal" £0.
        problems["first_year"] = (
            f"No partner has a budget after {financial_year_label(max(planned))}: choose a "
            f"first year no later than that, such as {financial_year_label(min(planned))}"
        )
    return problems


def form_input(key: str, choices: ScenarioChoices) -> str:
    """The form input a problem belongs to: "priority_weights.3" is the input "priority-3"."""
    family, _, item = key.partition(".")
    if family == "priority_weights":
        first = choices.demand_types[0][0] if choices.demand_types else ""
        return f"priority-{item or first}"
    if family == "partner_fairness_overrides":
        return f"fairness-{item}"
    return key
