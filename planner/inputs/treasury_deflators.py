"""HM Treasury's GDP deflators at market prices, financial years, 2022-23 = 100: the series a
partnership's price index starts from (Inputs, Price index), with the OBR's forecasts for the
years ahead.

Transcribed without network access (December 2026) from HM Treasury, "GDP deflators at market
prices, and money GDP: December 2024 (Quarterly National Accounts)": outturn to 2023-24 (ONS
series L8GG), forecasts from 2024-25 to 2029-30 by the Office for Budget Responsibility (its
Economic and fiscal outlook of 30 October 2024). The years after the OBR's forecast are
illustrative: the 2029-30 figure extended at 2.0% a year, the OBR's long-run GDP deflator
growth. Only the years the demo's published unit costs and plans need are held. Check the
figures against the current release before relying on a plan's cash figures, and replace them
(every row says where it comes from) when HM Treasury publishes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SOURCE = "HM Treasury GDP deflators at market prices (financial years, 2022-23 = 100)"
RELEASE = "December 2024 (Quarterly National Accounts); forecasts OBR, 30 October 2024"
URL = "https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-money-gdp"
TRANSCRIBED = (
    "Transcribed without network access in December 2026: check against the current release."
)
ILLUSTRATIVE = (
    "Illustrative: beyond the OBR's forecast, the 2029/30 figure extended at 2.0% a year "
    "(the OBR's long-run GDP deflator growth)."
)


@dataclass(frozen=True)
class TreasuryDeflator:
    """One financial year of the series: its deflator, and whether it is a forecast or an
    extrapolation of ours (illustrative)."""

    year: int
    deflator: Decimal
    forecast: bool = False
    illustrative: bool = False

    @property
    def note(self) -> str:
        return ILLUSTRATIVE if self.illustrative else TRANSCRIBED


SERIES: tuple[TreasuryDeflator, ...] = (
    TreasuryDeflator(2011, Decimal("76.9")),
    TreasuryDeflator(2012, Decimal("78.1")),
    TreasuryDeflator(2013, Decimal("79.6")),
    TreasuryDeflator(2016, Decimal("83.0")),
    TreasuryDeflator(2022, Decimal("100.0")),
    TreasuryDeflator(2023, Decimal("106.9")),
    TreasuryDeflator(2024, Decimal("111.2"), forecast=True),
    TreasuryDeflator(2025, Decimal("114.1"), forecast=True),
    TreasuryDeflator(2026, Decimal("116.3"), forecast=True),
    TreasuryDeflator(2027, Decimal("118.6"), forecast=True),
    TreasuryDeflator(2028, Decimal("121.0"), forecast=True),
    TreasuryDeflator(2029, Decimal("123.4"), forecast=True),
    TreasuryDeflator(2030, Decimal("125.9"), forecast=True, illustrative=True),
    TreasuryDeflator(2031, Decimal("128.4"), forecast=True, illustrative=True),
)


def treasury_rows() -> list[dict[str, object]]:
    """The series as price index rows (the fields ``PriceIndexYearCreate`` takes)."""
    return [
        {
            "year": item.year,
            "deflator": float(item.deflator),
            "forecast": item.forecast,
            "source": SOURCE,
            "released": RELEASE,
            "source_url": URL,
            "note": item.note,
        }
        for item in SERIES
    ]
