"""The re-solve harness: make the change each sentence quotes and check the figure it states.

Generic on purpose: a sentence carries a machine-readable ``SentenceChange`` (the rule, how far
its limit moves, what the sentence says that adds, the rounding of its figure), and the harness
applies it (``optimiser.sentences``) and re-solves. Any new sentence with a figure (a rule family
added later) passes by carrying its own change.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimiser import BindingConstraint, PlanningInputs, ScenarioRules, SentenceChange
from optimiser.build import build
from optimiser.planning import planned_inputs
from optimiser.programmes import choices, cohorts
from optimiser.sentences import apply_change, objective_with
from optimiser.solve import solve_model


@dataclass(frozen=True)
class Mismatch:
    sentence: str
    stated: float
    real: float | None


def solver_tolerance(objective: float) -> float:
    return 1e-6 * max(1.0, abs(objective))


def check_by_re_solving(
    inputs: PlanningInputs, rules: ScenarioRules, binding: tuple[BindingConstraint, ...]
) -> tuple[int, list[Mismatch]]:
    """Re-solve for every sentence with a change; (how many were checked, those that failed).

    Each change is made on the solved model's HiGHS instance and undone (a warm-started
    re-solve, as exact as a fresh one and far quicker), from the same model the plan solves:
    built from the inputs the plan plans with (residents' set-asides taken out first). With
    whole people and programmes that is the linear program the sentences say they count in:
    the whole plan's programme choices and cohorts held, participants in fractions.
    """
    planned = planned_inputs(inputs, rules)
    model = build(planned, rules)
    result = solve_model(model, 60)
    if rules.whole_programme:
        model = build(planned, rules, fixed_programmes=choices(model), fixed_cohorts=cohorts(model))
        result = solve_model(model, 60)
    assert result.objective is not None
    base = result.objective
    checked, wrong = 0, []
    for rule in binding:
        if rule.change is None:
            continue
        checked += 1
        after = objective_with(model, rule.change)
        real = None if after is None else after - base
        if real is None or abs(real - rule.change.objective_change) > (
            rule.change.tolerance + solver_tolerance(base)
        ):
            wrong.append(Mismatch(rule.sentence, rule.change.objective_change, real))
    return checked, wrong


def re_solved_from_scratch(
    inputs: PlanningInputs, rules: ScenarioRules, change: SentenceChange
) -> float:
    """What a change adds, re-solving a freshly built model with the change made."""
    inputs = planned_inputs(inputs, rules)
    before = solve_model(build(inputs, rules), 60).objective
    changed = build(inputs, rules)
    apply_change(changed, change)
    after = solve_model(changed, 60).objective
    assert before is not None and after is not None
    return after - before
