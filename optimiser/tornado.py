"""Which inputs matter: the plan's value as each uncertain figure moves from low to high alone.

A tornado chart's bars: every other figure stays at its recorded value while one moves to the
low and then the high end of its range (or of the 90% interval its standard error gives). The
plan itself stays as it is, so a bar says how much that one figure could move the value of what
the partnership has agreed to fund; the longest bars are the figures worth pinning down first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.inputs import PlanningInputs
from optimiser.montecarlo import plan_units
from optimiser.plan import Plan
from optimiser.scenario import ScenarioRules
from optimiser.uncertainty import Kind, uncertain_inputs


@dataclass(frozen=True)
class TornadoBar:
    """The plan's value (pounds of demand avoided) with one figure at its low and high ends."""

    label: str
    kind: str
    keys: tuple[str, ...]
    low: float
    high: float
    value_at_low: float
    value_at_high: float
    source: str

    @property
    def swing(self) -> float:
        return abs(self.value_at_high - self.value_at_low)


@dataclass(frozen=True)
class Tornado:
    """The plan's value with every figure as recorded, and one bar per figure that moves it."""

    value: float
    bars: tuple[TornadoBar, ...]


def tornado(
    plan: Plan,
    inputs: PlanningInputs,
    *,
    most: int | None = None,
    rules: ScenarioRules | None = None,
) -> Tornado:
    """Bars for every uncertain figure that moves the plan's value, longest first (``most``
    keeps that many). Figures the plan does not touch (an unfunded programme's effect) have no
    bar."""
    units = plan_units(plan, inputs, rules)  # interventions x demand types
    interventions = {i.key: n for n, i in enumerate(inputs.interventions)}
    demand = {d.key: n for n, d in enumerate(inputs.demand_types)}
    costs = np.array([d.unit_cost for d in inputs.demand_types], dtype=np.float64)
    by_demand = units.sum(axis=0) * costs
    by_intervention = units @ costs
    base = float(by_demand.sum())
    bars = []
    for item in uncertain_inputs(inputs):
        if item.high <= item.low:
            continue
        # The value is linear in each figure: the part of it that rests on the figure scales
        # with the figure over its recorded value.
        if item.kind is Kind.EFFECT:
            i, d = interventions[item.keys[0]], demand[item.keys[1]]
            part = float(units[i, d] * costs[d])
        elif item.kind is Kind.UNIT_COST:
            part = float(by_demand[demand[item.keys[0]]])
        else:
            part = float(by_intervention[interventions[item.keys[0]]])
        if part <= 0 or item.point <= 0:
            continue
        bars.append(
            TornadoBar(
                label=item.label,
                kind=item.kind.value,
                keys=item.keys,
                low=item.low,
                high=item.high,
                value_at_low=round(base + part * (item.low / item.point - 1), 2),
                value_at_high=round(base + part * (item.high / item.point - 1), 2),
                source=item.source,
            )
        )
    bars.sort(key=lambda bar: (-bar.swing, bar.label))
    return Tornado(value=round(base, 2), bars=tuple(bars[:most] if most else bars))
