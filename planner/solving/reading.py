"""Reading a stored plan: as the documented JSON, as the optimiser's Plan, or as plain sentences.

The web pages, the API and the Excel export read plans through these, so a plan reads the same
everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import optimiser as opt
from models import Plan
from models.vocabulary import WHOLE_PEOPLE, financial_year_label
from optimiser.families import family
from optimiser.wording import about_money, money

# Keys of `plan_json`, in order. Lists are empty and objects null when the plan has none.
RESULT_KEYS = (
    "allocations",
    "partners",
    "demand_reductions",
    "places",
    "evidence_mix",
    "binding_constraints",
    "not_funded",
    "pooling",
    "diagnosis",
    "messages",
    "timings",
    "model_size",
    "budget_lines",
    "spend_by_year",
    "unspent",
    "rule_rows",
    "variable_cells",
    "mip_gap",
    "relaxation_objective",
    "relaxation_gap",
    "prices",
)
# Keys of `plan_json` that hold one figure, or null (whole-programme plans only).
WHOLE_PROGRAMME_KEYS = ("mip_gap", "relaxation_objective", "relaxation_gap")
TOP_INTERVENTIONS = 10


def stored_plan(plan: Plan) -> opt.Plan | None:
    """The optimiser's Plan as stored, or None when the plan never reached the solver."""
    return opt.plan_from_dict(plan.result) if plan.result else None


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON: status, headline figures, and the optimiser's whole answer.

    Keys: plan_id, scenario, status, message, objective, objective_unit, total_spend,
    total_benefit, benefit_cost_ratio, pooling_gain, participants, years, created_by, created_at,
    finished_at, then allocations (intervention, place, year, participants, cost, funding by
    partner, and the whole cohorts bought where an intervention is delivered in cohorts), partners (contribution and benefit), demand_reductions, places, evidence_mix,
    binding_constraints (with shadow_price and sentence), not_funded (with reason and sentence),
    pooling, diagnosis, messages, timings (seconds), model_size, budget_lines (each line's spend
    to the penny against its maximum and committed minimum, and the limit the solver held it
    at), spend_by_year and unspent (each partner-year with money left unspent: available,
    spend, unspent, reason and sentence) (all three empty for plans stored before they were
    kept), pooling_status (the value-of-pooling job: waiting, working, done, failed, or empty
    for none), rule_rows and variable_cells (Excel Solver's Answer and Sensitivity reports:
    every rule's final value, limit, slack, shadow price and ranges; each delivery slice's
    final value, reduced cost, objective coefficient and ranges; empty for plans stored before
    they were kept), and for
    whole-programme plans
    mip_gap (the solver's proven gap), relaxation_objective and relaxation_gap (the linear
    relaxation's objective and how far the plan is below it), null otherwise.
    """
    result = plan.result or {}
    empty: dict[str, Any] = {key: [] for key in RESULT_KEYS}
    empty.update({"pooling": None, "diagnosis": None, "timings": None, "model_size": None})
    empty.update({key: None for key in WHOLE_PROGRAMME_KEYS})
    empty["prices"] = None  # plans stored before prices were kept, or solved without an index
    return {
        "plan_id": plan.id,
        "scenario": plan.scenario_name,
        "status": plan.status.value,
        "message": plan.message,
        "objective": _number(plan.objective),
        "objective_unit": result.get("objective_unit", "£ of demand avoided"),
        "total_spend": _number(plan.total_spend),
        "total_benefit": _number(plan.total_benefit),
        "benefit_cost_ratio": plan.benefit_cost_ratio,
        "pooling_gain": _number(plan.pooling_gain),
        "pooling_status": plan.pooling_status,
        "participants": result.get("participants"),
        "years": result.get("years", []),
        "created_by": plan.created_by_name,
        "created_at": plan.created_at.isoformat(timespec="seconds") if plan.created_at else None,
        "finished_at": plan.finished_at.isoformat(timespec="seconds") if plan.finished_at else None,
        **{key: result.get(key, empty[key]) for key in RESULT_KEYS},
    }


def _number(amount: Any) -> float | None:
    return None if amount is None else float(amount)


def summary_lines(plan: Plan) -> list[str]:
    """A plan in plain sentences, for the command line and the logs."""
    lines = [f'Plan {plan.id} of "{plan.scenario_name}": {plan.status.value.replace("_", " ")}']
    if plan.message:
        lines.append(plan.message)
    answer = stored_plan(plan)
    if answer is None:
        return lines
    if answer.status.has_plan:
        lines += _headline(plan, answer)
        lines += _interventions(answer)
        lines += _partners(answer)
    if answer.unspent:
        lines += ["", "Money left unspent:"]
        lines += [f"  - {entry.sentence}" for entry in answer.unspent]
    if answer.pooling is not None:
        lines += ["", answer.pooling.sentence]
    if answer.binding_constraints:
        lines += ["", "Rules that limit the plan:"]
        lines += _binding(answer.binding_constraints)
    if answer.not_funded:
        lines += ["", "Not funded:"]
        lines += [f"  - {entry.sentence}" for entry in answer.not_funded]
    if answer.diagnosis is not None:
        lines += ["", "Why the rules cannot all be met:"]
        if answer.diagnosis.summary != plan.message:
            lines.append(f"  {answer.diagnosis.summary}")
        lines += [f"  - {clash.sentence}" for clash in answer.diagnosis.clashes]
    if answer.messages:
        lines += [""] + list(answer.messages)
    if answer.status.has_plan and (
        answer.mip_gap is not None or answer.relaxation_objective is not None
    ):
        lines += ["", _whole_programme(answer)]
    size, timings = answer.model_size, answer.timings
    lines += [
        "",
        f"Solved in {timings.total:.2f} s (build {timings.build:.2f} s, solve "
        f"{timings.solve:.2f} s); {size.variables:,} variables, {size.constraints:,} "
        f"constraints, {size.nonzeros:,} non-zeros.",
    ]
    return lines


def _headline(plan: Plan, answer: opt.Plan) -> list[str]:
    years = answer.years
    span = f"{financial_year_label(years[0])} to {financial_year_label(years[-1])}" if years else ""
    ratio = f", {plan.benefit_cost_ratio:.2f} per £1" if plan.benefit_cost_ratio else ""
    return [
        f"Objective: {_objective(answer)} (expected, confidence-weighted, discounted)",
        f"Spend {money(answer.total_spend)} over {span}; demand avoided worth "
        f"{money(answer.value_of_demand_avoided)}{ratio}; "
        f"{round(answer.participants):,} participants.",
    ]


def _objective(answer: opt.Plan, objective: float | None = None) -> str:
    figure = answer.objective if objective is None else objective
    if figure is None:
        return "none"
    if answer.objective_kind == opt.ObjectiveKind.VALUE.value:
        return f"{money(figure)} of demand avoided"
    return f"{figure:,.1f} {answer.objective_unit}"


def _whole_programme(answer: opt.Plan) -> str:
    """The mixed-integer plan's gaps: to the best possible, and to the divisible relaxation."""
    parts = []
    if answer.mip_gap is not None:
        parts.append(f"within {_percent(answer.mip_gap)} of the best possible (the solver's gap)")
    if answer.relaxation_objective is not None:
        relaxation = (
            "if programmes could run in part, the linear relaxation would reach "
            f"{_objective(answer, answer.relaxation_objective)}"
        )
        if answer.relaxation_gap is not None:
            relaxation += f", and this plan is {_percent(answer.relaxation_gap)} below it"
        parts.append(relaxation)
    return f"{WHOLE_PEOPLE} (a mixed-integer plan): " + "; ".join(parts) + "."


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.2f}%"


def _interventions(answer: opt.Plan) -> list[str]:
    spend: dict[str, float] = defaultdict(float)
    participants: dict[str, float] = defaultdict(float)
    places: dict[str, set[str]] = defaultdict(set)
    for allocation in answer.allocations:
        spend[allocation.intervention] += allocation.cost
        participants[allocation.intervention] += allocation.participants
        places[allocation.intervention].add(allocation.place)
    ranked = sorted(spend, key=lambda name: -spend[name])
    lines = ["", "Top allocations (whole horizon):"]
    for name in ranked[:TOP_INTERVENTIONS]:
        lines.append(
            f"  {name}: {money(spend[name])}, {round(participants[name]):,} participants in "
            f"{len(places[name])} place{'s' if len(places[name]) != 1 else ''}"
        )
    if len(ranked) > TOP_INTERVENTIONS:
        lines.append(f"  and {len(ranked) - TOP_INTERVENTIONS} more")
    return lines


def _partners(answer: opt.Plan) -> list[str]:
    lines = ["", "What each partner pays and the demand avoided that falls to it:"]
    for outcome in answer.partners:
        ratio = f" ({outcome.benefit_ratio:.2f} per £1)" if outcome.benefit_ratio else ""
        lines.append(
            f"  {outcome.name}: pays {money(outcome.contribution)}, benefit "
            f"{about_money(outcome.benefit)}{ratio}"
        )
    return lines


# Limits that bind in many places and years at once: summarised in a line with one example.
GROUPED_FAMILIES = ("capacity", "reach", "window")


def _binding(bindings: tuple[opt.BindingConstraint, ...]) -> list[str]:
    """Each rule in a sentence; capacity, reach and windows counted, with one example each."""
    lines = [
        f"  - {binding.sentence}" for binding in bindings if binding.family not in GROUPED_FAMILIES
    ]
    for key in GROUPED_FAMILIES:
        found = [binding for binding in bindings if binding.family == key]
        if found:
            example = max(found, key=lambda binding: abs(binding.shadow_price))
            lines.append(
                f"  - {family(key).count(len(found))} "
                f"{'holds' if len(found) == 1 else 'hold'} the plan back, for example: "
                f"{example.sentence}"
            )
    return lines
