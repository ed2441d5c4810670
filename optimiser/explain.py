"""Turn duals and reduced costs into sentences with names and money.

Shadow prices are marginal: they hold for small changes, and in a degenerate
plan they are not unique, so every estimate reads "about".
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable

import numpy as np

from optimiser.families import family
from optimiser.highs import Ranging, row_number
from optimiser.model import DEFINITIONS, PHYSICAL, PROGRAMME_ROWS, Model, Row
from optimiser.plan import NO_LIMIT, BindingConstraint
from optimiser.sentences import Measures, holding_sentence, reach_allowance, reach_sentence
from optimiser.solve import shadow_price, value
from optimiser.target import target_measure
from optimiser.wording import (
    Gain,
    about_money,
    about_number,
    financial_year,
    money,
    money_step,
    percent,
)

SHADOW_TOLERANCE = 1e-7
# Binding limits that do not say why a plan leaves money unspent: the budget maximums (money
# is left, so they bind only in other years) and the physical limits, capacity and reach
# included (a plan full of people has nothing to loosen by rule).
NOT_HOLDING_BACK = PHYSICAL | {"budget", "reach"}


def _name(model: Model, kind: str, key: str) -> str:
    return model.names[kind].get(key, key)


def _budget_label(model: Model, line_key: str) -> str:
    line = model.budget_lines[line_key]
    label = f"{_name(model, 'partner', line.partner)}'s {financial_year(line.year)} budget"
    return label if line_key == f"{line.partner}-{line.year}" else f"{label} ({line_key})"


class _RowWords(string.Formatter):
    """Fills a family's phrase template (``RuleFamily.phrase``) from one row: each field is a
    number of the row or one of its keys, and its format says how to word it. A field or a
    format not listed in ``PHRASE_FIELDS`` or ``PHRASE_FORMATS`` is an error naming it."""

    def __init__(self, model: Model, row: Row) -> None:
        self.model = model
        self.row = row

    def get_value(self, key: object, args: object, kwargs: object) -> object:
        if not isinstance(key, str) or not PHRASE_FIELDS.fullmatch(key):
            raise KeyError(f"rule phrase of {self.row.family!r}: no word called {key!r}")
        if key == "target":
            return target_words(self.model)
        if key.startswith("key"):
            return self.row.keys[int(key[3:])]
        return getattr(self.row, key)

    def format_field(self, value: object, format_spec: str) -> str:
        try:
            wording = PHRASE_FORMATS[format_spec]
        except KeyError:
            raise KeyError(
                f"rule phrase of {self.row.family!r}: no format called {format_spec!r}"
            ) from None
        return wording(self.model, value)


def _figure(value: object) -> float:
    """A row's number (its limit or coefficient) as the wording functions take it."""
    assert isinstance(value, int | float), value
    return float(value)


def _budget_partner(model: Model, line_key: object) -> str:
    return _name(model, "partner", model.budget_lines[str(line_key)].partner)


def _target_group(model: Model, intervention: object) -> str:
    return model.interventions[str(intervention)].target_group


def _window_level(model: Model, year: object) -> str:
    return "its existing contracts" if year == model.rules.first_year else "last year's level"


# The words a phrase template may use: {rhs}, {coefficient}, {target} and {key0}, {key1}...
PHRASE_FIELDS = re.compile(r"rhs|coefficient|target|key[0-9]")
# How a field may be worded: {rhs:money}, {key0:place}; no format prints it as it is.
PHRASE_FORMATS: dict[str, Callable[[Model, object], str]] = {
    "": lambda model, value: str(value),
    "money": lambda model, value: money(_figure(value)),
    "number": lambda model, value: about_number(_figure(value)),
    "percent": lambda model, value: percent(_figure(value)),
    "year": lambda model, value: financial_year(int(str(value))),
    "partner": lambda model, value: _name(model, "partner", str(value)),
    "place": lambda model, value: _name(model, "place", str(value)),
    "intervention": lambda model, value: _name(model, "intervention", str(value)),
    "demand": lambda model, value: _name(model, "demand", str(value)),
    "budget": lambda model, value: _budget_label(model, str(value)),
    "budget_partner": _budget_partner,
    "budget_year": lambda model, value: financial_year(model.budget_lines[str(value)].year),
    "target_group": _target_group,
    "window_level": _window_level,
}


def describe_rule(model: Model, row: Row) -> str:
    """A rule as a noun phrase: "Calderdale Council's 2027/28 budget of £100,000", from its
    family's phrase in the registry (``optimiser.families``); a family missing from it is a
    KeyError naming it."""
    return _RowWords(model, row).format(family(row.family).phrase)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def target_words(model: Model) -> str:
    """Target mode's rule as a noun phrase: "the target of 100 First-time entrants avoided"."""
    target = model.rules.target
    assert target is not None
    measure = target_measure(model.inputs, target)
    if target.demand_type is None:
        return f"the target of {money(target.amount)} of demand avoided"
    return f"the target of {about_number(target.amount)} {measure}"


def _sentence(model: Model, row: Row, price: float, gain: Gain) -> str:
    """What relaxing one binding rule a little would buy, in words."""
    family, keys = row.family, row.keys
    total = value(model.total_spend)
    if family == "target":
        # Minimising spend, the target's shadow price is what one more unit of it costs.
        assert model.rules.target is not None
        unit = (
            "£1 of demand avoided"
            if model.rules.target.demand_type is None
            else (f"one more {_name(model, 'demand', model.rules.target.demand_type)} avoided")
        )
        return (
            f"{_sentence_case(target_words(model))} binds: each {unit} it asks for costs "
            f"about {about_money(-price)}, and each one fewer saves about as much."
        )
    if family == "budget":
        step = money_step(row.rhs)
        return (
            f"{money(step)} more from {_budget_label(model, keys[0])} "
            f"would add {gain(step * price)}."
        )
    if family == "cohort_places":
        intervention = model.interventions[keys[0]]
        return (
            f"One more place in the whole cohorts of {_name(model, 'intervention', keys[0])} in "
            f"{_name(model, 'place', keys[1])} in {financial_year(keys[2])} would add "
            f"{gain(price)}; places come {about_number(intervention.cohort_size)} to a cohort, "
            f"at {money(model.cash_cohort_cost(intervention, keys[2]))} a cohort."
        )
    if family in ("capacity", "runs"):
        return (
            f"One more participant place on {_name(model, 'intervention', keys[0])} in "
            f"{_name(model, 'place', keys[1])} in {financial_year(keys[2])} "
            f"would add {gain(price)}."
        )
    if family == "volunteers":
        return (
            f"One more volunteer hour in {_name(model, 'place', keys[0])} in "
            f"{financial_year(keys[1])} would add {gain(price)}."
        )
    if family in (
        "evidence_share",
        "vcs_share",
        "portfolio_vfm",
        "fairness",
        "need_floor",
        "cost_per_unit",
    ):
        return _ratio_sentence(model, row, price, gain, total)
    if family == "window":
        step = money_step(max(total, 10.0))
        direction = "more" if price > 0 else "less"
        level = sum(value(var) for var, _ in model.partner_funding(*keys))
        return (
            f"{_sentence_case(describe_rule(model, row))} ({money(level)}) holds the plan back: "
            f"{money(step)} {direction} would add {gain(step * abs(price))}."
        )
    if row.sense == 1:  # a floor (committed minimum, contract, cohort): less would help
        step = money_step(max(row.rhs, 10.0))
        if family == "cohort":
            return (
                f"{_sentence_case(describe_rule(model, row))} holds the plan back: it costs "
                f"{gain(abs(price))} per participant required."
            )
        return (
            f"{_sentence_case(describe_rule(model, row))} holds the plan back: "
            f"{money(step)} less required would add {gain(step * -price)}."
        )
    step = money_step(max(row.rhs, 10.0))  # caps
    return (
        f"{_sentence_case(describe_rule(model, row))} holds the plan back: "
        f"{money(step)} more allowed would add {gain(step * price)}."
    )


def _ratio_sentence(model: Model, row: Row, price: float, gain: Gain, total: float) -> str:
    """Rules written as a ratio to spend: quote the gain from easing the ratio a little.

    A rule ``lhs - ratio * base >= 0`` eased by ``d`` frees ``d * base`` of
    right-hand side, so the objective gains about ``shadow * d * base``.
    """
    rule = _sentence_case(describe_rule(model, row))
    if row.family in ("evidence_share", "vcs_share"):
        return (
            f"{rule} holds the plan back: lowering it by one percentage point would add "
            f"{gain(-price * 0.01 * total)}."
        )
    if row.family == "portfolio_vfm":
        # The rule weighs benefit against spend in the real year's prices (``add_real_spend``).
        real_total = value(model.real_total_spend)
        return f"{rule} holds the plan back: lowering the ratio by 0.1 would add {gain(-price * 0.1 * real_total)}."
    if row.family == "fairness":
        contribution = value(model.real_contribution[row.keys[0]])
        step = money_step(max(contribution, 10.0))
        return (
            f"{rule} holds the plan back: letting its benefit fall {money(step)} short would add "
            f"{gain(-price * step)}."
        )
    if row.family == "need_floor":
        floor = row.coefficient * total
        step = money_step(max(floor, 10.0))
        return (
            f"{rule} (at least {about_money(floor)}) holds the plan back: {money(step)} less required there "
            f"would add {gain(-price * step)}."
        )
    reduction = value(model.reduction[row.keys[0]])
    step = significant_step(row.coefficient)
    return (
        f"{rule} holds the plan back: allowing {money(step)} more per unit would add "
        f"{gain(price * reduction * step)}."
    )


def significant_step(amount: float) -> float:
    """A round tenth of an amount, to quote a change in a limit."""
    return money_step(amount * 1.0)


def binding_constraints(model: Model, gain: Gain) -> tuple[BindingConstraint, ...]:
    """Every rule or limit with a non-zero shadow price, the largest shadow price first.

    Ordered by the shadow price's size (in absolute value), then by kind of
    rule and id, so equal prices always come in the same order. Each carries
    its final value and limit and, for a linear program, how far the limit can
    move with the same shadow price (HiGHS ranging). In whole-programme mode
    the reach and cohort rows of a programme fixed not to run are left out:
    they are tight only because the programme is off, not a limit to relax.
    """
    found_ranging = model.solved_ranging()
    measures = Measures(model)
    found = []
    for row in model.rows.values():
        if row.family in DEFINITIONS:
            continue
        if row.family in PROGRAMME_ROWS and model.programme_off(row.keys):
            continue
        price = shadow_price(row)
        if abs(price) <= SHADOW_TOLERANCE:
            continue
        increase, decrease = _row_allowance(row, found_ranging)
        label = _sentence_case(describe_rule(model, row))
        # The figure quoted within the rule's allowable range (optimiser.sentences).
        rule = _budget_label(model, row.keys[0]) if row.family == "budget" else label
        held = holding_sentence(
            model, row, price, gain, increase, decrease, found_ranging, rule, measures
        )
        sentence, change = held if held else (_sentence(model, row, price, gain), None)
        found.append(
            BindingConstraint(
                row=row.name,
                family=row.family,
                shadow_price=price,
                sentence=sentence,
                change=change,
                label=label,
                activity=_activity(model, row),
                limit=row.rhs,
                allowable_increase=increase,
                allowable_decrease=decrease,
            )
        )
    found.extend(_reach_limits(model, gain, found_ranging, measures))
    return tuple(sorted(found, key=lambda b: (-round(abs(b.shadow_price), 9), b.family, b.row)))


def strongest_rule(model: Model, gain: Gain) -> str:
    """The sentence of the binding rule worth most when loosened, other than a budget maximum
    or a physical limit (capacity, reach): what holds back a plan that leaves money unspent.
    Empty when no such rule binds. Its figure is quoted within the rule's allowable range, as
    every binding rule's is (``holding_rule_sentence``).
    """
    candidates = [
        (abs(price), row.family, row.name, row, price)
        for row in model.rows.values()
        if row.family not in DEFINITIONS
        and row.family not in NOT_HOLDING_BACK
        and abs(price := shadow_price(row)) > SHADOW_TOLERANCE
    ]
    if not candidates:
        return ""
    _size, _family, _name, row, _price = max(candidates, key=lambda found: found[:3])
    return holding_rule_sentence(model, row, gain)


def holding_rule_sentence(model: Model, row: Row, gain: Gain) -> str:
    """One binding rule's sentence, its figure within its allowable range (HiGHS's ranging of
    the solved model, asked for here: a fraction of the solve)."""
    price = shadow_price(row)
    found_ranging = model.solved_ranging()
    increase, decrease = _row_allowance(row, found_ranging)
    label = _sentence_case(describe_rule(model, row))
    rule = _budget_label(model, row.keys[0]) if row.family == "budget" else label
    held = holding_sentence(
        model, row, price, gain, increase, decrease, found_ranging, rule, Measures(model)
    )
    return held[0] if held else _sentence(model, row, price, gain)


def _activity(model: Model, row: Row) -> float | None:
    """A row's final value (its left-hand side at the plan), from HiGHS's row values."""
    if model.row_values is None:
        return None
    return float(model.row_values[row_number(row.constraint)])


def _allowance(change: float) -> float:
    return NO_LIMIT if not math.isfinite(change) or change >= NO_LIMIT else max(change, 0.0)


def _row_allowance(row: Row, found: Ranging | None) -> tuple[float | None, float | None]:
    """How far a row's limit can rise and fall with the same shadow price (None: unknown)."""
    if found is None:
        return None, None
    number = row_number(row.constraint)
    return (
        _allowance(float(found.row_up[number]) - row.rhs),
        _allowance(row.rhs - float(found.row_down[number])),
    )


def _reach_limits(
    model: Model, gain: Gain, found_ranging: Ranging | None, measures: Measures
) -> list[BindingConstraint]:
    """Capacity and eligible population, priced from the participant variables' reduced costs.

    They are column bounds, not rows: one more place of capacity widens each
    segment by its share, so its value is the share-weighted sum of the
    (negative) reduced costs of the segments at their bounds. Ranging is
    given when one segment alone is at its bound (widening the others moves
    nothing); with several at once HiGHS's per-column ranging does not apply.
    """
    block = model.block
    shares = np.asarray(model.rules.segment_shares, dtype=np.float64)
    reduced_costs = block.reduced_cost_array()
    at_bound = reduced_costs < -SHADOW_TOLERANCE
    weighted = np.where(at_bound, shares[block.segment] * -reduced_costs, 0.0)
    prices = block.per_delivery(weighted)
    first = block.first_of_delivery()
    participants = block.per_delivery(block.value_array())
    found = []
    for delivery in np.flatnonzero(prices > SHADOW_TOLERANCE).tolist():
        price = float(prices[delivery])
        intervention, place, year, _segment = block.key(int(first[delivery]))
        if model.programme_off((intervention, place, year)):
            continue
        kind, limit = model.reach_limit(intervention, place)
        where = (
            f"{_name(model, 'intervention', intervention)} in {_name(model, 'place', place)} "
            f"in {financial_year(year)}"
        )
        group = model.interventions[intervention].target_group
        segments = int(first[delivery]) + np.arange(len(block.segments))
        increase, decrease = _column_allowance(model, segments, at_bound, found_ranging)
        row_name = f"{kind}|{intervention}|{place}|{year}"
        allowance = reach_allowance(model, segments, at_bound, found_ranging)
        if kind == "capacity":
            sentence, change = reach_sentence(
                model, where, row_name, price, allowance, gain, measures
            )
            label = f"The capacity of {where} ({about_number(limit)} participants)"
        else:
            nouns = (f"eligible person ({group}) for", f"eligible people ({group}) for")
            sentence, change = reach_sentence(
                model, where, row_name, price, allowance, gain, measures, nouns
            )
            label = f"The eligible {group} for {where} ({about_number(limit)} people)"
        found.append(
            BindingConstraint(
                row_name,
                kind,
                price,
                sentence,
                change=change,
                label=label,
                activity=round(float(participants[delivery]), 6),
                limit=limit,
                allowable_increase=increase,
                allowable_decrease=decrease,
            )
        )
    return found


def _column_allowance(
    model: Model, segments: np.ndarray, at_bound: np.ndarray, found: Ranging | None
) -> tuple[float | None, float | None]:
    """Ranging of a reach limit from its one binding segment's column bound, else unknown."""
    binding = segments[at_bound[segments]]
    if found is None or len(binding) != 1 or model.first_block_column is None:
        return None, None
    column = int(binding[0])
    share = float(model.rules.segment_shares[int(model.block.segment[column])])
    upper = float(model.block.upper[column])
    number = model.first_block_column + column
    return (
        _allowance((float(found.column_up[number]) - upper) / share),
        _allowance((upper - float(found.column_down[number])) / share),
    )
