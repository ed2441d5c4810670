"""When the rules cannot all be met: which rules clash, and by how much.

The same model is solved again with penalised slack on every labelled rule
(one penalty per pound of breach, see ``build.breach_penalty``): the rules left
with slack are the ones that cannot be met. In whole-programme mode this
solve keeps programmes whole (a mixed-integer program), so a clash that
exists only because a programme must pay its set-up cost or take its minimum
cohort is found, and named.

Each clash is then attributed on its own: the diagnosis is solved once more
with that rule held (no slack), and the rules that have to give way instead
are the ones it clashes with. If nothing can give way instead, the rule
clashes with the physical limits (provider capacity, eligible people, whole
programmes) or with the rules that exclude interventions before solving.
Physical limits are never relaxed: the rules have to fit them.
"""

from __future__ import annotations

from typing import Any

from optimiser.build import build
from optimiser.clash_words import (
    committed_reach,
    exclusions_for,
    joined,
    programme_phrase,
)
from optimiser.explain import describe_rule
from optimiser.families import family
from optimiser.inputs import PlanningInputs
from optimiser.model import Model, Row
from optimiser.plan import Clash, Diagnosis
from optimiser.scenario import ScenarioRules
from optimiser.solve import SolveResult, solve_model, value
from optimiser.wording import about_number, money

BREACH_TOLERANCE = 0.01  # pounds
FRACTION_TOLERANCE = 1e-6  # a programme switch strictly between 0 and 1
ATTRIBUTED = 12  # clashes attributed one by one (one solve each); the rest are listed as found
PHYSICAL_LIMITS = "provider capacity and the eligible people it may reach"


def diagnose(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    *,
    time_limit: float = 60,
    **highs_options: Any,
) -> Diagnosis:
    """Find the smallest breaches of the rules that would make them fit together.

    ``highs_options`` go to HiGHS in every solve of the diagnosis.
    """
    model = build(inputs, rules, diagnosing=True)
    result = solve_model(model, time_limit, **highs_options)
    if not result.status.has_plan:
        return Diagnosis(summary=_unfinished(result), clashes=())
    breaches = _breached(model)
    if not breaches:
        return Diagnosis(
            summary=(
                "The solver reported the rules as infeasible, but relaxing them found no breach; "
                "the model may be numerically unstable."
            ),
            clashes=(),
        )
    programmes = _whole_programme_clashes(inputs, rules, model, breaches, time_limit, highs_options)
    clashes = []
    for number, (name, shortfall) in enumerate(breaches.items()):
        row = model.rows[name]
        others: tuple[str, ...] = ()
        if number < ATTRIBUTED:
            others = _clashes_with(model, row, breaches, time_limit, highs_options)
        others += tuple(phrase for phrase in programmes.get(name, ()) if phrase not in others)
        clashes.append(
            Clash(
                row=name,
                family=row.family,
                shortfall=round(shortfall, 2),
                sentence=_clash_sentence(model, row, shortfall, others),
                clashes_with=others,
                label=_sentence_case(describe_rule(model, row)),
            )
        )
    summary = lead_sentence(clashes)
    if len(clashes) > ATTRIBUTED:
        summary += f" The rules each clash is with are named for the first {ATTRIBUTED}."
    return Diagnosis(summary=summary, clashes=tuple(clashes))


def lead_sentence(clashes: list[Clash]) -> str:
    """One sentence first: the rule that matters most (of the partnership's own choices, the one
    that has to give way most; a delivery limit only when no choice clashes) and the smallest
    change that makes a plan possible, which is the diagnosis itself: that rule giving way by its
    shortfall, and the others below by theirs."""
    chosen = [clash for clash in clashes if family(clash.family).chosen] or clashes
    first = max(chosen, key=lambda clash: (clash.shortfall, clash.row))
    kind = family(first.family)
    others = [clash for clash in clashes if clash is not first]
    rest = ""
    if others:
        total = sum(clash.shortfall for clash in others)
        rest = (
            f", with {len(others)} other rule{'s' if len(others) != 1 else ''} giving way by "
            f"{money(total)} in all (below, by kind of rule)"
        )
    return (
        f"The rules cannot all be met. The rule that matters most is {_lower_first(first.label)}: "
        f"the smallest change that makes a plan possible is for it to give way by "
        f"{money(first.shortfall)} ({kind.loosen}){rest}."
    )


def _lower_first(text: str) -> str:
    """A label as it reads mid-sentence ("The cap of …" -> "the cap of …"); names stay."""
    return text[:1].lower() + text[1:] if text.startswith(("The ", "A ")) else text


def _unfinished(result: SolveResult) -> str:
    return (
        "The rules cannot all be met, and the diagnosis could not finish "
        f"({result.status.value}: {result.detail})."
    )


def _breached(model: Model) -> dict[str, float]:
    """Pounds of breach of each rule left with slack, by row name."""
    breaches = {}
    for name, slack_terms in model.slacks.items():
        amount = sum(value(var) for var, _direction in slack_terms)
        if amount > BREACH_TOLERANCE:
            breaches[name] = amount
    return breaches


def _clashes_with(
    model: Model,
    row: Row,
    breaches: dict[str, float],
    time_limit: float,
    highs_options: dict[str, Any],
) -> tuple[str, ...]:
    """The rules that must give way if this one is held, or what else it runs into.

    Solves the diagnosis again with the rule's slack fixed at nothing: the
    rules breached more than in the diagnosis (``breaches``) take its place,
    while a clash elsewhere, breached as before, is no part of this one. The
    model's values are those of this solve afterwards: read breaches first.
    """
    slack = model.slacks[row.name]
    for var, _direction in slack:
        var.upBound = 0.0
    try:
        held = solve_model(model, time_limit, **highs_options)
        given_way = _breached(model) if held.status.has_plan else {}
    finally:
        for var, _direction in slack:
            var.upBound = None
    others = tuple(
        describe_rule(model, model.rows[name])
        for name, amount in given_way.items()
        if name != row.name and amount > breaches.get(name, 0.0) + BREACH_TOLERANCE
    )
    excluded = exclusions_for(model, row)
    if others or excluded or held.status.has_plan:
        return others + excluded
    # Nothing else can give way: the rule runs into limits that are never relaxed.
    if row.family == "committed":
        reach = committed_reach(model, row.keys[0])
        return (reach,) if reach else (PHYSICAL_LIMITS,)
    return (PHYSICAL_LIMITS,)


def _whole_programme_clashes(
    inputs: PlanningInputs,
    rules: ScenarioRules,
    model: Model,
    breaches: dict[str, float],
    time_limit: float,
    highs_options: dict[str, Any],
) -> dict[str, tuple[str, ...]]:
    """For each clash that exists only because programmes must run whole: the programmes.

    The diagnosis is solved again with programme switches continuous (as if
    a programme could run in part, paying part of its set-up cost and taking
    part of its minimum cohort). A rule breached less that way clashes with
    the whole-programme requirement; the programmes named are those the
    relaxed diagnosis runs in part.
    """
    if not model.is_mip:
        return {}
    relaxed = build(inputs, rules, diagnosing=True, relax_programmes=True)
    if not solve_model(relaxed, time_limit, **highs_options).status.has_plan:
        return {}
    relaxed_breaches = _breached(relaxed)
    part_run = [
        keys
        for keys, var in relaxed.runs.items()
        if FRACTION_TOLERANCE < value(var) < 1 - FRACTION_TOLERANCE
    ]
    if not part_run:
        return {}
    part_run.sort(key=lambda keys: (-_cost_to_run(model, keys[0]), keys))
    phrases = tuple(programme_phrase(model, keys) for keys in part_run[:3])
    return {
        name: phrases
        for name, amount in breaches.items()
        if relaxed_breaches.get(name, 0.0) < amount - BREACH_TOLERANCE
    }


def _cost_to_run(model: Model, intervention_key: str) -> float:
    intervention = model.interventions[intervention_key]
    return intervention.fixed_cost + intervention.unit_cost * intervention.min_cohort


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _clash_sentence(model: Model, row: Row, shortfall: float, others: tuple[str, ...]) -> str:
    rule = _sentence_case(describe_rule(model, row))
    reach = committed_reach(model, row.keys[0]) if row.family == "committed" else None
    if row.family == "committed" and reach is not None:
        text = f"{rule} cannot be spent: {reach}."
        others = tuple(other for other in others if other != reach)
    elif row.family == "committed":
        text = f"{rule} cannot be spent: {money(shortfall)} of it has nowhere to go."
    elif row.sense == -1:
        text = f"{rule} would be exceeded by {money(shortfall)}."
    elif row.family == "target" and model.rules.target and model.rules.target.demand_type:
        text = (
            f"{rule} cannot be reached within the budgets: it is {about_number(shortfall)} short."
        )
    elif row.family == "target":
        text = f"{rule} cannot be reached within the budgets: it is {money(shortfall)} short."
    elif row.sense == 1:
        text = f"{rule} cannot be met: it is {money(shortfall)} short."
    else:
        text = f"{rule} cannot be kept: it is {money(shortfall)} out."
    if others:
        text += f" It clashes with {joined(others)}."
    return text
