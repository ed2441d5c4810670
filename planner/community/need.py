"""The need index from risk indicators: the formula, written once, that the need page shows and
the need floor uses.

For each place l and each weighted indicator k with a value v[l,k]:

    need[l] = sum_k w[k] * v[l,k] / mean_k  /  sum_k w[k]

where mean_k is indicator k's average over the places that have a value for it. Each indicator
is divided by its own average so that indicators in different units (a share of children, a
rate per 10,000) count by their weights alone; a place at the average on every indicator has a
need index of 1. A place without a value for some indicator is scored on the others (their
weights only). A place with no value for any weighted indicator keeps the need index typed for
it by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The need floor divides by need: a place at nothing on every indicator still has a sliver of
# need rather than none (Place.need_index must be above 0).
LEAST_NEED = 0.001
FORMULA = "need = Σ weight × (value ÷ average of that indicator across places) ÷ Σ weight"


@dataclass(frozen=True)
class IndicatorWeight:
    key: int
    name: str
    weight: float


@dataclass(frozen=True)
class PlaceNeed:
    """One place's need index and how it was reached."""

    place_key: int
    need_index: float | None  # None: no weighted indicator has a value here
    normalised: dict[int, float]  # indicator -> value ÷ the indicator's average
    missing: tuple[str, ...]  # weighted indicators without a value in this place


def indicator_averages(
    values: Mapping[tuple[int, int], float], indicators: list[IndicatorWeight]
) -> dict[int, float]:
    """Each indicator's average over the places that have a value for it."""
    averages: dict[int, float] = {}
    for indicator in indicators:
        found = [value for (_place, key), value in values.items() if key == indicator.key]
        if found:
            averages[indicator.key] = sum(found) / len(found)
    return averages


def need_indices(
    places: list[int],
    indicators: list[IndicatorWeight],
    values: Mapping[tuple[int, int], float],
) -> dict[int, PlaceNeed]:
    """The need index of every place from (place, indicator) -> value, by the formula above."""
    averages = indicator_averages(values, indicators)
    weighted = [i for i in indicators if i.weight > 0]
    result: dict[int, PlaceNeed] = {}
    for place in places:
        normalised = {
            indicator.key: (
                values[(place, indicator.key)] / averages[indicator.key]
                if averages.get(indicator.key)
                else 1.0
            )
            for indicator in indicators
            if (place, indicator.key) in values
        }
        present = [i for i in weighted if i.key in normalised]
        missing = tuple(i.name for i in weighted if i.key not in normalised)
        if not present:
            result[place] = PlaceNeed(place, None, normalised, missing)
            continue
        total_weight = sum(i.weight for i in present)
        need = sum(i.weight * normalised[i.key] for i in present) / total_weight
        result[place] = PlaceNeed(place, round(max(need, LEAST_NEED), 4), normalised, missing)
    return result
