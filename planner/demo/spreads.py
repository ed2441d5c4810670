"""How sure the demo's figures are: published ranges where the reference data has them,
illustrative ones otherwise, each marked with where it comes from.

- Effects on violence: the Youth Endowment Fund Toolkit publishes impact bands (moderate: 10% to
  30% less violence). Where the demo's intervention sits in a band, its illustrative effect is
  given the band's range in proportion: mentoring's 26% average makes the range 10/26 to 30/26
  of the effect; a band with no average (Functional Family Therapy, Multisystemic Therapy) is
  taken around its middle, 20%, so 0.5 to 1.5 times the effect. Every other effect takes the
  default spread for its evidence rating (``optimiser.uncertainty``).
- Unit cost of a year in foster care: the National Audit Office (2014) reports £29,000 to
  £33,000 a year per child in foster care (2012/13 prices); that range's width around its middle
  (about 6.5% either side) is applied to the demo's cost. Every other unit cost takes the default
  of plus or minus 20%.
- Take-up: no reference figure; the demo's ranges are illustrative and say so.
"""

from __future__ import annotations

from decimal import Decimal

from planner.demo.unit_costs import FOSTER_CARE, VIOLENCE

YEF_MODERATE = "YEF Toolkit: moderate impact band, 10% to 30% less violence"

# (intervention, demand type) -> (low, high) as multiples of the demo's effect, and the source.
EFFECT_RANGES: dict[tuple[str, str], tuple[float, float, str]] = {
    ("Mentoring for young people at risk", VIOLENCE): (
        10 / 26,
        30 / 26,
        f"{YEF_MODERATE}, around its 26% average; scaled to the demo's illustrative effect",
    ),
    ("Functional Family Therapy", VIOLENCE): (
        0.5,
        1.5,
        f"{YEF_MODERATE}, taken around 20%; scaled to the demo's illustrative effect",
    ),
    ("Multisystemic Therapy", VIOLENCE): (
        0.5,
        1.5,
        f"{YEF_MODERATE}, taken around 20%; scaled to the demo's illustrative effect",
    ),
}

# demand type -> (low, high) as multiples of its cost, and the sentence for its description.
UNIT_COST_RANGES: dict[str, tuple[Decimal, Decimal, str]] = {
    FOSTER_CARE: (
        Decimal(29) / Decimal(31),
        Decimal(33) / Decimal(31),
        "Range: the National Audit Office (2014) reports £29,000 to £33,000 a year per child "
        "in foster care (2012/13 prices); that range's width is applied to the cost above.",
    ),
}

# intervention -> (lowest, highest) take-up in percent: illustrative.
TAKE_UP_PERCENT: dict[str, tuple[float, float]] = {
    "Mentoring for young people at risk": (60, 95),
    "Family Nurse Partnership": (75, 100),
    "Level 4 Group Triple P": (50, 90),
    "Cognitive behavioural therapy for young people": (65, 95),
    "Focused deterrence": (60, 100),
}
TAKE_UP_NOTE = "Its take-up range is illustrative."


def effect_spread(intervention: str, demand_type: str, reduction: float) -> dict[str, object]:
    """The effect's low-high range and its source, or nothing (the default by rating)."""
    found = EFFECT_RANGES.get((intervention, demand_type))
    if found is None:
        return {}
    low, high, source = found
    return {
        "effect_low": round(reduction * low, 6),
        "effect_high": round(reduction * high, 6),
        "spread_source": source,
    }


def unit_cost_range(demand_type: str, cost: Decimal) -> tuple[dict[str, Decimal], str]:
    """The unit cost's range (to the penny) and the sentence that says where it comes from."""
    found = UNIT_COST_RANGES.get(demand_type)
    if found is None:
        return {}, ""
    low, high, sentence = found
    pence = Decimal("0.01")
    return {
        "unit_cost_low": (cost * low).quantize(pence),
        "unit_cost_high": (cost * high).quantize(pence),
    }, sentence
