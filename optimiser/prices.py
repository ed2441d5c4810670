"""Cash and real prices: what a unit cost priced in one year costs in cash in a plan's year.

Budgets are cash per financial year; each intervention's unit cost, set-up cost and cohort
cost are prices of its ``price_year``. The partnership's price index (by default HM Treasury's
GDP deflators, with the OBR's forecasts) converts one into the other:

    cash cost in year t = price x deflator(t) / deflator(price year)

Benefits stay in real terms, in the prices of the demand unit costs (the index's
``real_year``), as the Green Book appraises; spend is turned into the same prices when a rule
compares it with benefits (``real_factor``). With no index every uplift is 1: prices are taken
as cash, as before prices were recorded.
"""

from __future__ import annotations

from optimiser.inputs import InputError, Intervention, PriceIndex, year_words


def deflator(index: PriceIndex, year: int) -> float:
    """The index in one financial year; InputError naming the year when it has none."""
    for known, value in index.deflators:
        if known == year:
            return value
    raise InputError(
        f"the price index has no deflator for {year_words(year)}: add that year to the "
        "price index (Inputs, Price index) before solving"
    )


def missing_years(index: PriceIndex, years: set[int]) -> list[int]:
    """Which of these financial years the index has no deflator for, in order."""
    known = {year for year, _value in index.deflators}
    return sorted(years - known)


def cash_uplift(index: PriceIndex | None, price_year: int | None, year: int) -> float:
    """What one pound priced in ``price_year`` costs in cash in ``year``: 1 with no index.

    An intervention with no price year is priced in the index's real year."""
    if index is None:
        return 1.0
    priced = index.real_year if price_year is None else price_year
    if priced == year:
        return 1.0
    return deflator(index, year) / deflator(index, priced)


def real_factor(index: PriceIndex | None, year: int) -> float:
    """Cash pounds in ``year`` per pound in the real year's prices (divide cash by it)."""
    return cash_uplift(index, None if index is None else index.real_year, year)


def cash_unit_cost(intervention: Intervention, year: int, index: PriceIndex | None) -> float:
    """The cost of one participant of ``intervention`` starting in ``year``, in cash.

    The one place where a participant's cost meets the price index: the funding balance,
    spend aggregates, contracts and reports all take their cost per participant from here
    (through ``Model.cash_unit_costs``).
    """
    return cash_price(intervention.unit_cost, intervention, year, index)


def cash_fixed_cost(intervention: Intervention, year: int, index: PriceIndex | None) -> float:
    """The set-up cost of running ``intervention`` in one place in ``year``, in cash."""
    return cash_price(intervention.fixed_cost, intervention, year, index)


def real_unit_cost(intervention: Intervention, index: PriceIndex | None) -> float:
    """One participant's cost in the real year's prices (what benefits are compared with)."""
    if index is None or intervention.price_year is None:
        return intervention.unit_cost
    return intervention.unit_cost * cash_uplift(index, intervention.price_year, index.real_year)


def cash_price(
    price: float, intervention: Intervention, year: int, index: PriceIndex | None
) -> float:
    """Any price of ``intervention`` (a cohort's cost, say) paid in ``year``, in cash.

    Amounts already in cash (a minimum contract, a budget) are never uplifted."""
    return price * cash_uplift(index, intervention.price_year, year)


def check_index_covers(
    index: PriceIndex | None, years: tuple[int, ...], interventions: tuple[Intervention, ...]
) -> None:
    """InputError naming the first year the index lacks: the plan's years, every
    intervention's price year, and the price year of benefits."""
    if index is None:
        return
    gaps = missing_years(index, set(years))
    if gaps:
        listed = ", ".join(year_words(year) for year in gaps)
        raise InputError(
            f"the price index has no deflator for {listed}, inside the plan's years: add "
            "it to the price index (Inputs, Price index) before solving"
        )
    for intervention in interventions:
        if intervention.price_year is not None and missing_years(index, {intervention.price_year}):
            raise InputError(
                f"intervention {intervention.name!r} is priced in "
                f"{year_words(intervention.price_year)}, which the price index has no deflator "
                "for: add that year to the price index or change its price year"
            )
    if missing_years(index, {index.real_year}):
        raise InputError(
            f"the price index has no deflator for {year_words(index.real_year)}, the price "
            "year of benefits: add that year to the price index"
        )
