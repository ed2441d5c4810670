"""When the rules cannot all be met: which rules clash, and by how much.

The same model is solved again with penalised slack on every labelled rule
(one penalty per pound of breach). The rules left with slack are the ones
that cannot be met; the other rules that are tight in that solve (non-zero
dual) are the ones they clash with. Physical limits (capacity, reach) are
never relaxed: the rules have to fit them.
"""

from __future__ import annotations

from optimiser.build import build
from optimiser.explain import describe_rule
from optimiser.inputs import PlanningInputs
from optimiser.model import DEFINITIONS, Model, Row
from optimiser.plan import Clash, Diagnosis
from optimiser.scenario import ScenarioRules
from optimiser.solve import shadow_price, solve_model, value
from optimiser.wording import financial_year, money

BREACH_TOLERANCE = 0.01  # pounds


def diagnose(inputs: PlanningInputs, rules: ScenarioRules, *, time_limit: float = 60) -> Diagnosis:
    """Find the smallest breaches of the rules that would make them fit together."""
    model = build(inputs, rules, diagnosing=True, relax_programmes=rules.whole_programme)
    result = solve_model(model, time_limit)
    if not result.status.has_plan:
        return Diagnosis(
            summary=(
                "The rules cannot all be met, and the diagnosis could not finish "
                f"({result.status.value}: {result.detail})."
            ),
            clashes=(),
        )
    tight = [
        row
        for row in model.rows.values()
        if row.family not in DEFINITIONS
        and abs(shadow_price(row)) > 1e-7
        and row.name not in _breached(model)
    ]
    clashes = []
    for name, shortfall in _breached(model).items():
        row = model.rows[name]
        others = tuple(describe_rule(model, other) for other in tight)
        clashes.append(
            Clash(
                row=name,
                family=row.family,
                shortfall=round(shortfall, 2),
                sentence=_clash_sentence(model, row, shortfall, others),
                clashes_with=others,
            )
        )
    if not clashes:
        summary = (
            "The solver reported the rules as infeasible, but relaxing them found no breach; "
            "the model may be numerically unstable."
        )
    else:
        total = sum(clash.shortfall for clash in clashes)
        summary = (
            f"The rules cannot all be met: {len(clashes)} rule"
            f"{'s' if len(clashes) != 1 else ''} would have to give way, by {money(total)} in all."
        )
    return Diagnosis(summary=summary, clashes=tuple(clashes))


def _breached(model: Model) -> dict[str, float]:
    breaches = {}
    for name, slack_terms in model.slacks.items():
        amount = sum(value(var) for var, _direction in slack_terms)
        if amount > BREACH_TOLERANCE:
            breaches[name] = amount
    return breaches


def _clash_sentence(model: Model, row: Row, shortfall: float, others: tuple[str, ...]) -> str:
    rule = describe_rule(model, row)
    rule = rule[0].upper() + rule[1:]
    if row.family == "committed":
        reach = _committed_reach(model, row.keys[0])
        if reach is not None:
            return f"{rule} cannot be spent: {reach}."
        return f"{rule} cannot be spent: {money(shortfall)} of it has nowhere to go."
    if row.sense == -1:
        text = f"{rule} would be exceeded by {money(shortfall)}."
    elif row.sense == 1:
        text = f"{rule} cannot be met: it is {money(shortfall)} short."
    else:
        text = f"{rule} cannot be kept: it is {money(shortfall)} out."
    if others:
        text += " It clashes with " + "; ".join(others) + "."
    return text


def _committed_reach(model: Model, line_key: str) -> str | None:
    """What a budget line could pay for at most: "its ring-fence allows only ... costs £310,000".

    Adds up, for every intervention and place the line may fund, the cost of
    serving as many people as providers and the eligible population allow.
    Returns None when that is not what stops the money being spent.
    """
    line = model.budget_lines[line_key]
    reach = 0.0
    for intervention in model.interventions.values():
        if intervention.key in model.excluded:
            continue
        if line.ring_fence and intervention.category not in line.ring_fence:
            continue
        for place in model.inputs.places:
            if line.districts and place.district not in line.districts:
                continue
            population = place.population.get(intervention.target_group, 0.0)
            capacity = place.capacity.get(intervention.key, intervention.capacity)
            people = population if capacity is None else min(population, capacity)
            if people > 0:
                reach += intervention.unit_cost * people + intervention.fixed_cost
    if reach >= line.committed_minimum:
        return None
    where = " and ".join(line.districts) if line.districts else "the partnership's places"
    if line.ring_fence:
        kinds = " and ".join(line.ring_fence)
        return f"its ring-fence allows only {kinds} programmes, whose capacity in {where} costs {money(reach)}"
    return (
        f"the programmes it may fund in {where} have capacity costing only {money(reach)} "
        f"in {financial_year(line.year)}"
    )
