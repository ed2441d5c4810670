"""The demo partnership's community records: risk indicators per place (the indicators and their
sources are real, the ward values illustrative), so every role can try the need index.

The values are illustrative because the published figures come at other geographies (IDACI by
small area, children in need by local authority) and this demo does not aggregate them to its
wards; each indicator names where the real figures are published and when, and is marked
illustrative wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models import Place
from models.indicator import IndicatorValue, IndicatorValueBase, RiskIndicator, RiskIndicatorCreate


@dataclass(frozen=True)
class DemoIndicator:
    name: str
    unit: str
    weight: float
    source: str
    source_url: str
    as_at: str
    # The value at a place of need index 1 in the demo, and how far each ward strays from its
    # need index on this indicator (so the indicators disagree a little, as real ones do).
    base: float
    spread: tuple[float, ...]


INDICATORS: tuple[DemoIndicator, ...] = (
    DemoIndicator(
        "Income Deprivation Affecting Children Index (IDACI)",
        "share of children aged 0-15 in income-deprived families (0 to 1)",
        2.0,
        "English Indices of Deprivation 2019, IDACI (Ministry of Housing, Communities and "
        "Local Government), published by small area (LSOA)",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        "2019 (income data for 2015/16)",
        0.19,
        (0.04, -0.03, 0.02, -0.05, 0.06, -0.02, 0.03, -0.04, 0.05, 0.01),
    ),
    DemoIndicator(
        "Children in need",
        "rate per 10,000 children",
        1.0,
        "Characteristics of children in need (Department for Education), published by local "
        "authority",
        "https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need",
        "2023/24 (31 March 2024)",
        230.0,
        (-0.05, 0.04, 0.03, -0.02, -0.04, 0.05, -0.03, 0.02, -0.01, 0.04),
    ),
    DemoIndicator(
        "Violence against the person",
        "recorded offences per 1,000 residents",
        1.0,
        "Police recorded crime by Community Safety Partnership (Office for National Statistics)",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/datasets/recordedcrimedatabycommunitysafetypartnershiparea",
        "year ending March 2024",
        32.0,
        (0.06, 0.02, -0.04, 0.03, -0.05, -0.01, 0.04, 0.05, -0.06, 0.02),
    ),
    DemoIndicator(
        "Permanent exclusions",
        "per 1,000 pupils",
        0.5,
        "Suspensions and permanent exclusions in England (Department for Education), published "
        "by local authority",
        "https://explore-education-statistics.service.gov.uk/find-statistics/suspensions-and-permanent-exclusions-in-england",
        "2022/23",
        1.1,
        (-0.03, 0.05, -0.06, 0.04, 0.02, -0.04, 0.06, -0.02, 0.03, -0.05),
    ),
)

ILLUSTRATIVE_VALUES = (
    "The indicator and its source are real; the demo's ward values are illustrative, in the "
    "range the source publishes, not the published figures for these wards."
)


def add_indicators(session: Session, places: dict[str, Place]) -> int:
    """The demo's indicators and their illustrative values in every place; returns how many."""
    ordered = list(places.values())
    count = 0
    for demo in INDICATORS:
        fields = {
            "name": demo.name,
            "unit": demo.unit,
            "weight": demo.weight,
            "source": demo.source,
            "source_url": demo.source_url,
            "as_at": demo.as_at,
            "illustrative": True,
            "description": ILLUSTRATIVE_VALUES,
        }
        indicator = RiskIndicator(**RiskIndicatorCreate.model_validate(fields).model_dump())
        session.add(indicator)
        session.flush()
        for number, place in enumerate(ordered):
            stray = demo.spread[number % len(demo.spread)]
            value = round(demo.base * place.need_index * (1 + stray), 3)
            row = IndicatorValueBase(place_id=place.id, indicator_id=indicator.id, value=value)  # type: ignore[arg-type]
            session.add(IndicatorValue(**row.model_dump()))
            count += 1
    session.flush()
    return count
