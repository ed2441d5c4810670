"""What a scenario refers to, checked once for the web form and the API alike.

The schema (``planner.scenarios.schema.ScenarioInput``) checks every value on its own and the
rules between fields; this checks what depends on the partnership's records: that each budget
line, demand type, partner and cap target a scenario names exists, that nothing is capped or
overridden twice, and that the first year planned has a budget. Problems are keyed by field as
the API names them ("priority_weights.3", "caps.1.target"); the form shows each against its own
input (``forms.ScenarioForm.input_for``).
"""

from __future__ import annotations

from models.vocabulary import financial_year_label
from planner.scenarios.forms import ScenarioChoices
from planner.scenarios.schema import ScenarioInput


def reference_problems(details: ScenarioInput, choices: ScenarioChoices) -> dict[str, str]:
    """Every reference in `details` that the partnership's records do not have, in words."""
    problems: dict[str, str] = {}
    demand_types = {str(key) for key, _ in choices.demand_types}
    partners = {str(key) for key, _ in choices.partners}
    for field in (
        "max_cost_per_unit_demand_type_id",
        "objective_demand_type_id",
        "target_demand_type_id",
    ):
        chosen = getattr(details, field)
        if chosen is not None and str(chosen) not in demand_types:
            problems[field] = f"There is no demand type with id {chosen}: choose one from the list"
    for key in details.priority_weights:
        if key not in demand_types:
            problems[f"priority_weights.{key}"] = f"There is no demand type with id {key}"
    for key in details.partner_fairness_overrides:
        if key not in partners:
            problems[f"partner_fairness_overrides.{key}"] = f"There is no partner with id {key}"
    lines = {line.id for line in choices.budget_lines}
    overridden: set[int] = set()
    for index, override in enumerate(details.budget_overrides):
        where = f"budget_overrides.{index}.budget_line_id"
        if override.budget_line_id not in lines:
            problems[where] = f"There is no budget line with id {override.budget_line_id}"
        elif override.budget_line_id in overridden:
            problems[where] = (
                f"Budget line {override.budget_line_id} is overridden twice; keep one override"
            )
        overridden.add(override.budget_line_id)
    targets = {(choice.scope, choice.target): choice.label for choice in choices.cap_targets}
    capped: set[tuple[str, str]] = set()
    for index, cap in enumerate(details.caps):
        where = f"caps.{index}.target"
        if (cap.scope, cap.target) not in targets:
            problems[where] = f"There is no {cap.scope.value} '{cap.target}' to cap"
        elif (cap.scope, cap.target) in capped:
            problems[where] = f"{targets[cap.scope, cap.target]} is capped twice; keep one cap"
        capped.add((cap.scope, cap.target))
    planned = [line.year for line in choices.budget_lines]
    if planned and details.first_year > max(planned):
        # A plan that starts after every budget has no money to plan with: an "optimal" £0.
        problems["first_year"] = (
            f"No partner has a budget after {financial_year_label(max(planned))}: choose a "
            f"first year no later than that, such as {financial_year_label(min(planned))}"
        )
    return problems
