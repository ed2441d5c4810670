"""Sentences that hold: each figure quotes a change the model guarantees.

A shadow price holds only while the plan's basis stays optimal: HiGHS's ranging says how far a
rule's limit can move before that changes (its allowable increase and decrease). So a sentence
quotes a round step in the relaxing direction no larger than that range:

- the range covers the usual round step (£10,000 for a large budget): quote it;
- the range is smaller: quote the largest round step within it, and say where the figure stops
  holding ("beyond £6,900 more it stops holding");
- the range is nothing: say plainly that more of this does nothing at this plan until something
  else changes, and what (the limit HiGHS's ranging names as leaving the basis).

Every such sentence carries a ``SentenceChange``: the rule, how far its limit moves and what the
sentence says that adds. ``apply_change`` makes the change on a freshly built model, so a test
harness can re-solve and compare (tests/optimiser/test_sentences_hold.py); a new kind of
sentence that quotes a figure passes the same harness by carrying its own change.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from optimiser.highs import Ranging, row_number
from optimiser.model import DEFINITIONS, Model, Row
from optimiser.plan import NO_LIMIT, SentenceChange
from optimiser.solve import value
from optimiser.wording import Gain, about_money, about_number, financial_year, money, money_step

ANOTHER = "another limit"
SAME_POINT = "is at its limit at the same point"
TINY_RANGE = 1e-6  # pounds or participants: a range this small is none
# Families whose sentence quotes a change of the rule's limit (right-hand side), with the step
# they would usually quote and how the sentence reads (see ``_phrase``).
QUOTED = frozenset(
    {
        "budget",
        "committed",
        "contract",
        "contract_place",
        "contracts_place",
        "window",
        "cap_intervention",
        "cap_category",
        "cap_place",
        "fairness",
        "need_floor",
        "evidence_share",
        "vcs_share",
        "portfolio_vfm",
        "cost_per_unit",
    }
)


def round_step_within(limit: float) -> float:
    """The largest 1, 2 or 5 times a power of ten no larger than ``limit`` (0 for none)."""
    if limit <= TINY_RANGE or not math.isfinite(limit):
        return 0.0
    power = 10.0 ** math.floor(math.log10(limit))
    for multiple in (5.0, 2.0, 1.0):
        if multiple * power <= limit * (1 + 1e-12):
            return multiple * power
    return power


def rounding_of(amount: float) -> float:
    """How far a figure shown to three significant figures may be from the figure itself."""
    if amount == 0 or not math.isfinite(amount):
        return 0.005
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(amount))) - 2) + 0.005


def usual_step(model: Model, row: Row) -> float:
    """The round step a sentence about this rule would quote if its range allowed it."""
    total = value(model.total_spend)
    family = row.family
    if family == "budget":
        return money_step(row.rhs)
    if family == "window":
        return money_step(max(total, 10.0))
    if family == "fairness":
        return money_step(max(value(model.real_contribution[row.keys[0]]), 10.0))
    if family == "need_floor":
        return money_step(max(row.coefficient * total, 10.0))
    if family in ("evidence_share", "vcs_share", "cost_per_unit"):
        return money_step(max(0.01 * total, 10.0))
    if family == "portfolio_vfm":
        return money_step(max(0.1 * value(model.real_total_spend), 10.0))
    return money_step(max(row.rhs, 10.0))


def relaxing_range(price: float, increase: float | None, decrease: float | None) -> float | None:
    """How far the limit can move in the direction that helps, with the same shadow price."""
    return increase if price > 0 else decrease


def holding_sentence(
    model: Model,
    row: Row,
    price: float,
    gain: Gain,
    increase: float | None,
    decrease: float | None,
    found: Ranging | None,
    rule: str,
    measures: Measures,
) -> tuple[str, SentenceChange | None] | None:
    """The sentence and its change for a rule whose sentence quotes a step of its limit, or None
    for a family that quotes none (whole-programme reach and cohorts) or without ranging."""
    if row.family not in QUOTED or found is None:
        return None
    direction = 1.0 if price > 0 else -1.0
    allowance = relaxing_range(price, increase, decrease)
    usual = usual_step(model, row)
    if allowance is None:
        return None
    if allowance <= TINY_RANGE:
        return _no_range(model, row, rule, direction, usual, gain, found, measures)
    step = usual if allowance >= usual else round_step_within(allowance)
    gained = abs(price) * step
    sentence = _phrase(model, row, rule, step, direction, gain(gained))
    if step < usual and allowance < NO_LIMIT:
        sentence = sentence[:-1] + f"; beyond {money(allowance)} it stops holding."
    return sentence, SentenceChange(row.name, direction * step, gained, rounding_of(gained))


def _phrase(model: Model, row: Row, rule: str, step: float, direction: float, gained: str) -> str:
    family = row.family
    if family == "budget":
        return f"{money(step)} more from {rule} would add {gained}."
    if family == "window":
        level = sum(value(var) for var, _ in model.partner_funding(*row.keys))
        more = "more" if direction > 0 else "less"
        return (
            f"{rule} ({money(level)}) holds the plan back: {money(step)} {more} would add {gained}."
        )
    if family in ("committed", "contract", "contract_place", "contracts_place"):
        return f"{rule} holds the plan back: {money(step)} less required would add {gained}."
    if family.startswith("cap_"):
        return f"{rule} holds the plan back: {money(step)} more allowed would add {gained}."
    if family == "fairness":
        return f"{rule} holds the plan back: letting its benefit fall {money(step)} short would add {gained}."
    if family == "need_floor":
        floor = row.coefficient * value(model.total_spend)
        return (
            f"{rule} (at least {about_money(floor)}) holds the plan back: {money(step)} less required there "
            f"would add {gained}."
        )
    if family == "evidence_share":
        return (
            f"{rule} holds the plan back: allowing {money(step)} less spend on programmes rated 3 or above "
            f"than it asks would add {gained}."
        )
    if family == "vcs_share":
        return (
            f"{rule} holds the plan back: allowing {money(step)} less spend through voluntary and "
            f"community sector providers than it asks would add {gained}."
        )
    if family == "portfolio_vfm":
        return f"{rule} holds the plan back: letting the benefit fall {money(step)} short of it would add {gained}."
    return f"{rule} holds the plan back: allowing {money(step)} more spend than it allows would add {gained}."


class Measures:
    """How many rules with no range a plan may still re-solve for (each a warm-started HiGHS
    solve: cheap beside the plan's own, but not free at a million columns)."""

    def __init__(self, model: Model) -> None:
        self.left = MEASURED_SMALL if len(model.block) < LARGE_MODEL else MEASURED_LARGE


MEASURED_SMALL, MEASURED_LARGE, LARGE_MODEL = 60, 0, 200_000


def _no_range(
    model: Model,
    row: Row,
    rule: str,
    direction: float,
    usual: float,
    gain: Gain,
    found: Ranging,
    measures: Measures,
) -> tuple[str, SentenceChange | None]:
    """A binding rule whose shadow price holds for no change at all (a degenerate plan): what
    the usual step really does, found by re-solving, or, past the plan's share of re-solves, no
    figure at all."""
    blocker = blocking_limit(model, row, direction, found)
    if measures.left <= 0:
        return (
            f"{rule} holds the plan back, but its figure holds for no change at this plan ({blocker} "
            f"{SAME_POINT}), so no figure is quoted.",
            None,
        )
    measures.left -= 1
    # The plan's own objective, from its values (HiGHS's info is the last re-solve's).
    base = -float(model.problem.objective.value() or 0.0)
    trial = SentenceChange(row.name, direction * usual, 0.0, 0.0)
    after = objective_with(model, trial)
    gained = None if after is None else after - base
    if gained is not None and abs(gained) <= rounding_of(0.0) + 1e-7 * abs(base):
        opening = (
            f"More from {rule} does nothing at this plan"
            if row.family == "budget"
            else f"{rule} holds the plan back, but easing it does nothing at this plan"
        )
        change = SentenceChange(row.name, direction * usual, 0.0, rounding_of(0.0))
        return f"{opening} until {blocker} changes too.", change
    if gained is not None and gained > 0:
        sentence = _phrase(model, row, rule, usual, direction, gain(gained))
        sentence = sentence[:-1] + f" (a step of this size: {blocker} {SAME_POINT})."
        return sentence, SentenceChange(row.name, direction * usual, gained, rounding_of(gained))
    return (
        f"{rule} holds the plan back, but easing it does not help at this plan until {blocker} "
        "changes too.",
        None,
    )


def blocking_limit(model: Model, row: Row, direction: float, found: Ranging) -> str:
    """What would have to change first: the limit HiGHS's ranging names as leaving the basis
    when this rule's limit moves in the helpful direction, in words."""
    from optimiser.explain import describe_rule  # explain builds on this module

    leaving = found.row_up_leaving if direction > 0 else found.row_down_leaving
    number = row_number(row.constraint)
    if leaving is None or number >= len(leaving) or leaving[number] < 0:
        return ANOTHER
    variable = int(leaving[number])
    columns = len(found.column_up)
    if variable >= columns:
        by_number = {row_number(r.constraint): r for r in model.rows.values()}
        other = by_number.get(variable - columns)
        if other is not None and other.family not in DEFINITIONS and other is not row:
            return describe_rule(model, other)
        return ANOTHER
    first = model.first_block_column
    if first is not None and first <= variable < first + len(model.block):
        intervention, place, year, _segment = model.block.key(variable - first)
        kind, _limit = model.reach_limit(intervention, place)
        what = "the provider capacity" if kind == "capacity" else "the eligible people"
        names = model.names
        return (
            f"{what} for {names['intervention'].get(intervention, intervention)} in "
            f"{names['place'].get(place, place)} in {financial_year(year)}"
        )
    return ANOTHER


def reach_allowance(
    model: Model, segments: np.ndarray, at_bound: np.ndarray, found: Ranging | None
) -> float | None:
    """How many more participants a delivery's reach may take with the same shadow price.

    Each segment at its bound may move alone within its column range; moved together, a
    delivery's k bound segments stay within range for at most the smallest of their ranges
    over k (an average of k feasible moves is feasible). None without ranging.
    """
    binding = segments[at_bound[segments]]
    if found is None or model.first_block_column is None or not len(binding):
        return None
    shares = model.rules.segment_shares
    ranges = []
    for column in binding.tolist():
        share = float(shares[int(model.block.segment[column])])
        upper = float(model.block.upper[column])
        up = float(found.column_up[model.first_block_column + column])
        ranges.append(NO_LIMIT if not math.isfinite(up) else max(up - upper, 0.0) / share)
    return min(ranges) / len(ranges)


def reach_sentence(
    model: Model,
    where: str,
    row: str,
    price: float,
    allowance: float | None,
    gain: Gain,
    measures: Measures,
    nouns: tuple[str, str] = ("participant place on", "participant places on"),
) -> tuple[str, SentenceChange | None]:
    """One more participant place (or eligible person) for a delivery, within its range (see
    ``reach_allowance``); ``nouns`` are the singular and plural of what is added. With no
    range, what one more really adds is found by re-solving (within the plan's share of
    re-solves), else no figure is quoted."""
    one, many = nouns
    if allowance is None:
        return f"One more {one} {where} would add {gain(price)}.", None
    if allowance <= TINY_RANGE:
        if measures.left <= 0:
            return (
                f"More {many} {where} would help, but by how much cannot be quoted at this "
                f"plan: {ANOTHER} {SAME_POINT}.",
                None,
            )
        measures.left -= 1
        base = -float(model.problem.objective.value() or 0.0)
        after = objective_with(model, SentenceChange(row, 1.0, 0.0, 0.0))
        if after is None:
            return f"More {many} {where} would help, but by how much cannot be quoted.", None
        gained = after - base
        if abs(gained) <= rounding_of(0.0) + 1e-7 * abs(base):
            return (
                f"More {many} {where} do nothing at this plan until {ANOTHER} changes too.",
                SentenceChange(row, 1.0, 0.0, rounding_of(0.0)),
            )
        return (
            f"One more {one} {where} would add {gain(gained)}.",
            SentenceChange(row, 1.0, gained, rounding_of(gained)),
        )
    if allowance >= 1:
        sentence = f"One more {one} {where} would add {gain(price)}."
        return sentence, SentenceChange(row, 1.0, price, rounding_of(price))
    step = round_step_within(allowance)
    gained = price * step
    return (
        f"{about_number(step)} more {many} {where} would add {gain(gained)}; beyond "
        f"{about_number(allowance)} it stops holding.",
        SentenceChange(row, step, gained, rounding_of(gained)),
    )


def apply_change(model: Model, change: SentenceChange) -> None:
    """Make a sentence's change on a built, not yet solved model (for re-solving)."""
    family, *keys = change.row.split("|")
    if family in ("capacity", "reach") and change.row not in model.rows:
        intervention, place, year = keys[0], keys[1], int(keys[2])
        block = model.block
        columns = np.flatnonzero(
            (block.intervention == block.intervention_index[intervention])
            & (block.place == block.place_index[place])
            & (block.period == block.years.index(year))
        )
        shares = np.asarray(model.rules.segment_shares, dtype=np.float64)
        block.upper[columns] += shares[block.segment[columns]] * change.amount
        return
    row = model.rows[change.row]
    _move_limit(row, change.amount)


def _move_limit(row: Row, amount: float) -> None:
    """Move a row's limit (right-hand side) by ``amount``: PuLP keeps it as minus a constant."""
    row.constraint.constant -= amount
    row.rhs += amount


def objective_with(model: Model, change: SentenceChange) -> float | None:
    """The objective after making a sentence's change on a solved model's HiGHS instance, then
    undoing it: a warm-started re-solve, exact as a fresh one (None if it found no optimum)."""
    import highspy

    highs = model.problem.solverModel
    undo = _change_in_highs(model, highs, change, change.amount)
    highs.run()
    status = highs.getModelStatus()
    objective = -float(highs.getInfo().objective_function_value)
    undo()
    if status != highspy.HighsModelStatus.kOptimal:
        return None
    return objective


def _change_in_highs(
    model: Model, highs: object, change: SentenceChange, amount: float
) -> Callable[[], None]:
    """Move the change's limit by ``amount`` in HiGHS; returns how to put it back."""
    import highspy

    inf = highspy.kHighsInf
    family, *keys = change.row.split("|")
    if family in ("capacity", "reach") and change.row not in model.rows:
        block = model.block
        assert model.first_block_column is not None
        columns = np.flatnonzero(
            (block.intervention == block.intervention_index[keys[0]])
            & (block.place == block.place_index[keys[1]])
            & (block.period == block.years.index(int(keys[2])))
        )
        shares = np.asarray(model.rules.segment_shares, dtype=np.float64)
        uppers = block.upper[columns]
        wider = uppers + shares[block.segment[columns]] * amount
        numbers = [model.first_block_column + int(c) for c in columns]
        for number, upper in zip(numbers, wider.tolist(), strict=True):
            highs.changeColBounds(number, 0.0, upper)  # type: ignore[attr-defined]

        def undo_columns() -> None:
            for number, upper in zip(numbers, uppers.tolist(), strict=True):
                highs.changeColBounds(number, 0.0, upper)  # type: ignore[attr-defined]

        return undo_columns
    row = model.rows[change.row]
    number = row_number(row.constraint)

    def bounds(rhs: float) -> tuple[float, float]:
        if row.sense < 0:
            return -inf, rhs
        if row.sense > 0:
            return rhs, inf
        return rhs, rhs

    highs.changeRowBounds(number, *bounds(row.rhs + amount))  # type: ignore[attr-defined]
    return lambda: highs.changeRowBounds(number, *bounds(row.rhs))  # type: ignore[attr-defined]
