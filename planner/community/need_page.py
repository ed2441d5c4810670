"""What the need page shows: places by need and by each indicator, and the chart of either."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from models import Place
from models.indicator import IndicatorValue, RiskIndicator
from planner.community.indicators import current_needs
from planner.community.need import IndicatorWeight, indicator_averages
from planner.plans.charts import BLUE, _layout, chart_text


@dataclass(frozen=True)
class NeedRow:
    place: Place
    need_index: float
    from_indicators: bool
    values: dict[int, float]
    normalised: dict[int, float]
    missing: tuple[str, ...]
    value_ids: dict[int, int]


@dataclass(frozen=True)
class NeedTable:
    indicators: list[RiskIndicator]
    averages: dict[int, float]
    rows: list[NeedRow]
    total_weight: float

    def sorted_by(self, indicator_id: int | None) -> list[NeedRow]:
        """Places with the most need first, by the need index or by one indicator."""
        if indicator_id is None:
            return sorted(self.rows, key=lambda row: (-row.need_index, row.place.name))
        return sorted(
            self.rows, key=lambda row: (-row.values.get(indicator_id, -1.0), row.place.name)
        )


def need_table(session: Session) -> NeedTable:
    indicators = list(session.exec(select(RiskIndicator).order_by(RiskIndicator.name)))
    places = list(session.exec(select(Place).order_by(Place.name)))
    stored = list(session.exec(select(IndicatorValue)))
    values = {(row.place_id, row.indicator_id): row.value for row in stored}
    weights = [IndicatorWeight(i.id, i.name, i.weight) for i in indicators]  # type: ignore[arg-type]
    needs = current_needs(session)
    rows = []
    for place in places:
        need = needs[place.id]  # type: ignore[index]
        rows.append(
            NeedRow(
                place=place,
                need_index=place.need_index,
                from_indicators=need.need_index is not None,
                values={k: v for (p, k), v in values.items() if p == place.id},
                normalised=need.normalised,
                missing=need.missing,
                value_ids={r.indicator_id: r.id for r in stored if r.place_id == place.id},  # type: ignore[misc]
            )
        )
    return NeedTable(
        indicators,
        indicator_averages(values, weights),
        rows,
        sum(i.weight for i in indicators if i.weight > 0),
    )


def need_chart(table: NeedTable, indicator: RiskIndicator | None) -> dict[str, Any]:
    """Horizontal bars of places by need index (or by one indicator's value)."""
    rows = list(reversed(table.sorted_by(indicator.id if indicator else None)))
    if indicator is not None:
        rows = [row for row in rows if indicator.id in row.values]
    names = [chart_text(row.place.name) for row in rows]
    title = chart_text(f"{indicator.name} ({indicator.unit})") if indicator else "Need index"
    layout = _layout("", height=max(320, 34 * len(names) + 120))
    layout["xaxis"] = {"title": {"text": title}, "gridcolor": "#dddddd"}
    layout["yaxis"] = {"automargin": True}
    layout["margin"] = {"l": 20, "r": 20, "t": 20, "b": 60}
    layout["showlegend"] = False
    layout["meta"] = {"category_axis": "y"}
    figures = [
        row.values[indicator.id] if indicator and indicator.id else row.need_index for row in rows
    ]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": title,
                "y": names,
                "x": figures,
                "marker": {"color": BLUE},
            }
        ],
        "layout": layout,
    }
