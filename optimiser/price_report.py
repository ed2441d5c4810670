"""The plan's record of prices: the index used, each uplift, and spend in cash and real terms."""

from __future__ import annotations

from optimiser.inputs import year_words
from optimiser.model import Model
from optimiser.plan import Allocation, PricesUsed, RealYearSpend, Uplift, YearDeflator
from optimiser.prices import cash_uplift
from optimiser.report import pence_of


def plan_prices(model: Model, plan_allocations: tuple[Allocation, ...]) -> PricesUsed | None:
    """How this plan turned prices into cash; None when the inputs carry no price index."""
    index = model.inputs.prices
    if index is None:
        return None
    years = model.rules.years
    cash = dict.fromkeys(years, 0)
    for allocation in plan_allocations:
        cash[allocation.year] = cash.get(allocation.year, 0) + pence_of(allocation.cost)
    spend = tuple(
        RealYearSpend(
            year=year,
            cash=pence / 100,
            real=round(pence / 100 / model.real_factor(year), 2),
            real_factor=round(model.real_factor(year), 6),
        )
        for year, pence in cash.items()
    )
    uplifts = tuple(
        Uplift(
            intervention=intervention.key,
            price_year=index.real_year
            if intervention.price_year is None
            else intervention.price_year,
            year=year,
            factor=round(cash_uplift(index, intervention.price_year, year), 6),
        )
        for intervention in model.interventions.values()
        for year in years
    )
    used = set(years) | {index.real_year} | {u.price_year for u in uplifts}
    real_total = round(sum(item.real for item in spend), 2)
    cash_total = sum(item.cash for item in spend)
    real_words = year_words(index.real_year)
    sentence = (
        f"Costs and budgets are cash: each intervention's prices are uplifted from its price year "
        f"to each plan year by {index.source or 'the price index'}. In {real_words} prices the plan "
        f"spends £{real_total:,.2f} (£{cash_total:,.2f} cash); benefits, and the spend the "
        f"value-for-money and partner-fairness rules weigh them against, are in {real_words} "
        "prices."
    )
    return PricesUsed(
        source=index.source,
        real_year=index.real_year,
        deflators=tuple(
            YearDeflator(year, value) for year, value in index.deflators if year in used
        ),
        uplifts=uplifts,
        spend_by_year=spend,
        real_total_spend=real_total,
        sentence=sentence,
    )
