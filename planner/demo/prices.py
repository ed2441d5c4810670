"""One price year for the demo's unit costs: each published figure converted with GDP deflators.

The published unit costs the demo uses come in different price years (2011/12 to 2022/23, some
unstated). Comparing or adding them as they stand would count older figures at less than they
cost now, so each is converted to one price year, the latest in the demo's sources, 2022/23, by
the ratio of HM Treasury GDP deflators (the Green Book's measure of general inflation):

    cost in 2022/23 prices = published cost x deflator(2022/23) / deflator(published year)

Deflators: HM Treasury, "GDP deflators at market prices, and money GDP" (GOV.UK collection
below), financial years, reference year 2022-23 = 100; only the years the demo's sources need.
They were transcribed to one decimal place without network access when this was written (December
2026): check them against the current release before relying on the converted figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from models.vocabulary import financial_year_label
from planner.inputs.treasury_deflators import SERIES

DEMO_PRICE_YEAR = 2022  # 2022/23
DEFLATOR_SOURCE = "HM Treasury GDP deflators at market prices (financial years, 2022-23 = 100)"
DEFLATOR_URL = (
    "https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-money-gdp"
)

# Financial year (by start year: 2011 is 2011/12) -> GDP deflator, 2022-23 = 100: the series
# the partnership's price index starts from, so the demo's conversions and its plans agree.
GDP_DEFLATORS: dict[int, Decimal] = {item.year: item.deflator for item in SERIES}


def in_demo_prices(amount: Decimal, year: int) -> Decimal:
    """A cost published in `year`'s prices, in the demo's price year, to the nearest pound."""
    if year not in GDP_DEFLATORS:
        raise ValueError(f"no GDP deflator for {financial_year_label(year)}")
    ratio = GDP_DEFLATORS[DEMO_PRICE_YEAR] / GDP_DEFLATORS[year]
    return (amount * ratio).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def conversion_words(amount: Decimal, year: int, assumed: str = "") -> str:
    """How a published figure became the demo's, in one sentence for the description;
    `assumed` says why `year` was taken when the source states no price year."""
    demo_year = financial_year_label(DEMO_PRICE_YEAR)
    published = f"£{amount:,.0f}" if amount == amount.to_integral() else f"£{amount:,.2f}"
    price_year = financial_year_label(year)
    if assumed:
        said = f"with no price year stated, taken as {price_year} prices ({assumed})"
    else:
        said = f"in {price_year} prices"
    if year == DEMO_PRICE_YEAR:
        return f"Published as {published} {said}: already in the demo's price year."
    return (
        f"Published as {published} {said}; converted to {demo_year} prices with HM Treasury "
        f"GDP deflators ({GDP_DEFLATORS[year]} to {GDP_DEFLATORS[DEMO_PRICE_YEAR]}): "
        f"£{in_demo_prices(amount, year):,}."
    )
