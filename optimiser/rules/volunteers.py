"""Shared local volunteers: interventions that need volunteer hours per participant draw on one
pool per place and year, as the Charter's "shared local volunteers in EI" asks.

Two families of rows, through one aggregate per place and year (so each limit is one term):

    volunteer_hours[l,t] = sum_{i,s} hours_i * x[i,l,t,s]     (definition, "volunteer_hours")
    volunteer_hours[l,t] <= hours available in l in t          (limit, "volunteers")

A place and year with no volunteers recorded has none: interventions that need them cannot
run there. The limit's shadow price is what one more volunteer hour would add, so what one
more volunteer adds is that price times the hours a volunteer gives (within HiGHS's ranging).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optimiser.lp import EQ, LE
from optimiser.model import Model
from optimiser.plan import NO_LIMIT, BindingConstraint, VolunteerUse
from optimiser.solve import shadow_price, value
from optimiser.wording import Gain, about_number, financial_year, money


def volunteer_hours_needed(model: Model) -> np.ndarray:
    """Volunteer hours per participant of each intervention, in ``interventions`` order."""
    return np.array(
        [i.volunteer_hours_per_participant for i in model.interventions.values()],
        dtype=np.float64,
    )


def add_volunteer_hours(model: Model) -> None:
    """Volunteer hours used in each place and year stay within the hours volunteers give."""
    hours = volunteer_hours_needed(model)
    if not (hours > 0).any():
        return
    block = model.block
    columns = np.flatnonzero(hours[block.intervention] > 0)
    if not len(columns):
        return
    periods = len(block.years)
    groups = block.place[columns].astype(np.int64) * periods + block.period[columns]
    pools = {(pool.place, pool.year): pool for pool in model.inputs.volunteer_pools}
    definitions: list[Any] = []
    row_of_group: dict[int, int] = {}
    for group in np.unique(groups).tolist():
        place = block.place_keys[group // periods]
        year = block.years[group % periods]
        used = model.variable(f"volunteer_hours|{place}|{year}")
        model.volunteer_hours[(place, year)] = used
        row_of_group[group] = len(definitions)
        definitions.append(
            model.add("volunteer_hours", (place, year), [(used, 1.0)], EQ, 0.0).constraint
        )
        pool = pools.get((place, year))
        model.add("volunteers", (place, year), [(used, 1.0)], LE, pool.hours if pool else 0.0)
    rows = np.array([row_of_group[group] for group in groups.tolist()])
    block.attach(definitions, rows, columns, -hours[block.intervention[columns]])


def volunteer_use(
    model: Model, binding: tuple[BindingConstraint, ...], gain: Gain
) -> tuple[VolunteerUse, ...]:
    """Per place and year with volunteers or with interventions needing them: the hours used
    against the hours given, and what one more volunteer would add, in a sentence that holds
    when the hours are raised and the plan solved again.

    The shadow price holds for as far as HiGHS's ranging allows (``allowable_increase``). When
    one volunteer's hours reach past that, the gain lies between the price times the allowance
    and the price times the hours (the plan's value is concave in the hours), and the sentence
    gives that range.
    """
    allowances = {b.row: b.allowable_increase for b in binding if b.family == "volunteers"}
    pools = {(pool.place, pool.year): pool for pool in model.inputs.volunteer_pools}
    keys = sorted(set(pools) | set(model.volunteer_hours), key=lambda k: (k[1], k[0]))
    found = []
    for place, year in keys:
        if year not in model.rules.years:
            continue
        pool = pools.get((place, year))
        used_var = model.volunteer_hours.get((place, year))
        used = max(value(used_var), 0.0) if used_var is not None else 0.0
        row = model.rows.get(f"volunteers|{place}|{year}")
        price = shadow_price(row) if row is not None else 0.0
        where = f"{model.names['place'].get(place, place)} in {financial_year(year)}"
        available = pool.hours if pool else 0.0
        per_volunteer = pool.hours_per_volunteer if pool else 0.0
        cost = pool.cost_per_volunteer if pool else 0.0
        allowance = allowances.get(row.name) if row is not None else None
        sentence = _one_more(where, pool is not None, price, per_volunteer, cost, allowance, gain)
        gain_low, gain_high = _gain_range(price, per_volunteer, allowance)
        found.append(
            VolunteerUse(
                place=place,
                year=year,
                hours_available=available,
                hours_used=round(used, 4),
                hours_per_volunteer=per_volunteer,
                cost_per_volunteer=cost,
                value_per_hour=max(price, 0.0),
                one_more_low=gain_low,
                one_more_high=gain_high,
                sentence=sentence,
            )
        )
    return tuple(found)


def _gain_range(price: float, hours: float, allowance: float | None) -> tuple[float, float]:
    if price <= 1e-9 or hours <= 0:
        return 0.0, 0.0
    if allowance is None or allowance >= NO_LIMIT or allowance >= hours:
        return price * hours, price * hours
    return price * allowance, price * hours


def _one_more(
    where: str,
    has_pool: bool,
    price: float,
    hours: float,
    cost: float,
    allowance: float | None,
    gain: Gain,
) -> str:
    if not has_pool:
        return (
            f"No volunteers are recorded for {where}, so interventions that need volunteer "
            "hours cannot run there."
        )
    volunteer = (
        f"one more volunteer in {where} ({about_number(hours)} hours a year, "
        f"{money(cost)} to recruit, train and supervise)"
    )
    low, high = _gain_range(price, hours, allowance)
    if high <= 0:
        return (
            f"Volunteer hours are to spare in {where}: {volunteer[0].upper()}{volunteer[1:]} "
            "would add nothing to this plan."
        )
    if low == high:
        return f"{volunteer[0].upper()}{volunteer[1:]} would add {gain(high)}."
    return (
        f"{volunteer[0].upper()}{volunteer[1:]} would add between {gain(low)} and "
        f"{gain(high)}: the first {about_number(allowance or 0)} hours add "
        f"{gain(price)} each, later hours less."
    )
