"""How figures read in sentences: "£10,000", "2027/28", "about £14,200 of demand avoided"."""

from __future__ import annotations

import math

from optimiser.inputs import PlanningInputs
from optimiser.scenario import ObjectiveKind, ScenarioRules


def financial_year(year: int) -> str:
    """2026 -> "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"


def money(amount: float) -> str:
    """Exact pounds, to the pound (pence below £100): "£400,000", "£2.50"."""
    if abs(amount) < 100 and round(amount, 2) != round(amount):
        return f"£{amount:,.2f}"
    return f"£{round(amount):,}"


def significant(number: float, figures: int = 3) -> float:
    """Round to a few significant figures: an estimate should not look precise."""
    if number == 0 or not math.isfinite(number):
        return number
    digits = figures - 1 - math.floor(math.log10(abs(number)))
    return round(number, digits)


def about_money(amount: float) -> str:
    """An estimate in pounds, three significant figures: 14234.5 -> "£14,200"."""
    if amount < 0:
        return "-" + about_money(-amount)
    rounded = significant(amount)
    if abs(rounded) >= 100 or rounded == round(rounded):
        return f"£{round(rounded):,}"
    return f"£{rounded:,.2f}"


def about_number(number: float) -> str:
    rounded = significant(number)
    if abs(rounded) >= 100 or rounded == round(rounded):
        return f"{round(rounded):,}"
    return f"{rounded:g}"


def percent(fraction: float) -> str:
    """0.6 -> "60%"; 0.125 -> "12.5%"."""
    return f"{significant(fraction * 100, 3):g}%"


def money_step(scale: float) -> float:
    """A round sum to quote a shadow price against: £10,000, or less for small budgets."""
    if scale >= 100_000:
        return 10_000.0
    if scale < 50:
        return 1.0
    return float(10 ** math.floor(math.log10(scale / 5)))


class Gain:
    """Says how much a change adds to the objective, in the objective's own units."""

    def __init__(self, inputs: PlanningInputs, rules: ScenarioRules) -> None:
        self.kind = rules.objective
        # Target mode minimises spend: the model's objective is cost, so a dual is money saved.
        self.target = rules.target is not None
        self.single_name = ""
        if rules.objective is ObjectiveKind.SINGLE:
            self.single_name = inputs.demand_type(str(rules.objective_demand_type)).name

    @property
    def unit(self) -> str:
        if self.target:
            return "£ of spend"
        if self.kind is ObjectiveKind.VALUE:
            return "£ of demand avoided"
        if self.kind is ObjectiveKind.PRIORITY:
            return "priority-weighted units of demand avoided"
        return f"{self.single_name} avoided"

    def __call__(self, amount: float) -> str:
        """``about £14,200 of demand avoided`` / ``about 3.1 A&E attendances avoided``."""
        if self.target:
            return f"about {about_money(amount)} of savings on the least cost of the target"
        if self.kind is ObjectiveKind.VALUE:
            return f"about {about_money(amount)} of demand avoided"
        if self.kind is ObjectiveKind.PRIORITY:
            return f"about {about_number(amount)} priority-weighted units of demand avoided"
        return f"about {about_number(amount)} {self.single_name} avoided"
