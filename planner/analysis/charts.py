"""Plotly figures for the plan page's uncertainty section: the histogram of the plan's value over
the draws and the tornado chart. Each repeats a table that is always in the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models import PlanAnalysis
from models.analysis import AnalysisKind, AnalysisStatus
from planner.plans.charts import BLUE, DARK_ORANGE, FONT, GREEN, INK, chart_text


def analysis_charts(analyses: Mapping[str, PlanAnalysis]) -> dict[str, dict[str, Any]]:
    """The charts of the finished analyses, keyed by the id of the table each enhances."""
    charts: dict[str, dict[str, Any]] = {}
    found = analyses.get(AnalysisKind.MONTE_CARLO.value)
    if found is not None and found.status is AnalysisStatus.FINISHED and found.result:
        charts["chart-value-draws"] = histogram_chart(found.result["monte_carlo"])
        if found.result["tornado"]["bars"]:
            charts["chart-tornado"] = tornado_chart(found.result["tornado"])
    return charts


def histogram_chart(monte_carlo: dict[str, Any]) -> dict[str, Any]:
    """Draws of the plan's value in bins, with its cost and its planned value marked."""
    edges = monte_carlo["histogram"]["edges"]
    counts = monte_carlo["histogram"]["counts"]
    middles = [(low + high) / 2 for low, high in zip(edges, edges[1:], strict=False)]
    width = (edges[1] - edges[0]) if len(edges) > 1 else 1
    lines = [
        ("Cost of the plan", monte_carlo["total_spend"], DARK_ORANGE),
        ("Value as planned", monte_carlo["value_planned"], INK),
    ]
    return {
        "data": [
            {
                "type": "bar",
                "x": middles,
                "y": counts,
                "width": width,
                "name": "Draws",
                "marker": {"color": BLUE, "line": {"color": "#ffffff", "width": 1}},
                "hovertemplate": "£%{x:,.0f}: %{y} draws<extra></extra>",
            },
            *(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": [value, value],
                    "y": [0, max(counts or [1])],
                    "name": name,
                    "line": {"color": colour, "width": 3, "dash": "dash"},
                }
                for name, value, colour in lines
            ),
        ],
        "layout": {
            "height": 360,
            "margin": {"l": 60, "r": 20, "t": 40, "b": 60},
            "font": FONT,
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "xaxis": {"title": {"text": "Value of demand avoided"}, "tickprefix": "£"},
            "yaxis": {"title": {"text": "Draws"}, "gridcolor": "#dddddd"},
            "legend": {"orientation": "h", "y": 1.12},
            "bargap": 0,
        },
    }


def tornado_chart(bars: dict[str, Any]) -> dict[str, Any]:
    """One bar per uncertain figure, from the value at its low end to the value at its high end,
    longest at the top."""
    rows = list(reversed(bars["bars"]))  # plotly draws the first bar at the bottom
    names = [chart_text(bar["label"]) for bar in rows]
    base = bars["value"]

    def trace(name: str, key: str, colour: str) -> dict[str, Any]:
        return {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": names,
            "x": [bar[key] - base for bar in rows],
            "base": base,
            "marker": {"color": colour},
            "hovertemplate": "%{y}: £%{customdata:,.0f}<extra></extra>",
            "customdata": [bar[key] for bar in rows],
        }

    return {
        "data": [
            trace("Figure at its low end", "value_at_low", DARK_ORANGE),
            trace("Figure at its high end", "value_at_high", GREEN),
        ],
        "layout": {
            "height": max(320, 40 * len(names) + 100),
            "margin": {"l": 20, "r": 20, "t": 40, "b": 60},
            "font": FONT,
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "barmode": "overlay",
            "xaxis": {"title": {"text": "Value of demand avoided"}, "tickprefix": "£"},
            "yaxis": {"automargin": True},
            "legend": {"orientation": "h", "y": 1.08},
            "meta": {"category_axis": "y"},
        },
    }
