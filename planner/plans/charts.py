"""Plotly figures for the plan page, as plain JSON the page's script draws.

Each chart repeats a table that is always in the page, so a chart is an enhancement: a person
without JavaScript, or using a screen reader, reads the table instead.
"""

from __future__ import annotations

from typing import Any

from planner.plans.report import PlanReport

# GOV.UK palette colours that stay distinguishable for common colour-vision deficiencies.
BLUE = "#1d70b8"
GREEN = "#00703c"
ORANGE = "#f47738"
PURPLE = "#4c2c92"
GREY = "#505a5f"
PARTNER_COLOURS = (
    BLUE,
    ORANGE,
    GREEN,
    PURPLE,
    "#d4351c",
    "#28a197",
    "#912b88",
    GREY,
    "#85994b",
    "#f499be",
    "#b58840",
    "#5694ca",
)
FONT = {"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#0b0c0c"}


def chart_text(name: str) -> str:
    """A name as plotly should draw it: literally. Plotly reads <b>, <br>, <a href> and entities
    in labels as markup, so a partner called "<b>Police</b>" would come out bold (or a link);
    with &, < and > written as entities it shows exactly what was typed."""
    return str(name).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(y_title: str, *, height: int = 360, **extra: Any) -> dict[str, Any]:
    return {
        "height": height,
        "margin": {"l": 80, "r": 20, "t": 30, "b": 40},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#dddddd", "tickprefix": "£"},
        "xaxis": {"automargin": True, "tickangle": -35},
        "legend": {"orientation": "h", "y": 1.12},
        "barmode": "group",
        **extra,
    }


def partners_chart(report: PlanReport) -> dict[str, Any]:
    """Contribution against benefit for each partner (the wrong-pocket picture), as horizontal
    bars so that long partner names stay readable."""
    partners = list(reversed(report.partners))  # plotly draws the first bar at the bottom
    names = [chart_text(p["name"]) for p in partners]
    layout = _layout("", height=max(320, 56 * len(names) + 100))
    layout["xaxis"] = {"gridcolor": "#dddddd", "tickprefix": "£", "title": {"text": "Pounds"}}
    layout["yaxis"] = {"automargin": True}
    layout["margin"] = {"l": 20, "r": 20, "t": 40, "b": 60}
    layout["legend"] = {"orientation": "h", "y": 1.08, "traceorder": "reversed"}
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Benefit that falls to it",
                "y": names,
                "x": [p["benefit"] for p in partners],
                "marker": {"color": GREEN, "pattern": {"shape": "/"}},
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "Pays in",
                "y": names,
                "x": [p["contribution"] for p in partners],
                "marker": {"color": BLUE},
            },
        ],
        "layout": layout,
    }


def places_chart(report: PlanReport) -> dict[str, Any]:
    """Share of spend in each place against its share of need."""
    names = [chart_text(p["name"]) for p in report.places]
    layout = _layout("Share", height=max(360, 24 * len(names) + 120))
    layout["yaxis"] = {"title": {"text": "Share"}, "gridcolor": "#dddddd", "tickformat": ".0%"}
    return {
        "data": [
            {
                "type": "bar",
                "name": "Share of spend",
                "x": names,
                "y": [p["spend_share"] for p in report.places],
                "marker": {"color": BLUE},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Share of need",
                "x": names,
                "y": [p["need_share"] for p in report.places],
                "marker": {"color": ORANGE, "symbol": "diamond", "size": 12},
            },
        ],
        "layout": layout,
    }


def evidence_chart(report: PlanReport) -> dict[str, Any]:
    """Spend by evidence rating."""
    mix = [e for e in report.evidence_mix]
    return {
        "data": [
            {
                "type": "bar",
                "name": "Spend",
                "x": [chart_text(f"Rated {e['rating']}") for e in mix],
                "y": [e["spend"] for e in mix],
                "marker": {"color": [GREEN, BLUE, ORANGE, GREY][: len(mix)]},
                "text": [f"{e['share']:.0%}" for e in mix],
                "textposition": "outside",
            }
        ],
        "layout": _layout("Pounds", showlegend=False, xaxis={"tickangle": 0}),
    }


def years_chart(report: PlanReport) -> dict[str, Any]:
    """Spend by year, stacked by the partner who pays."""
    labels = [chart_text(year.year_label) for year in report.years]
    partners = report.partner_names
    return {
        "data": [
            {
                "type": "bar",
                "name": chart_text(partner),
                "x": labels,
                "y": [year.by_partner.get(partner, 0.0) for year in report.years],
                "marker": {"color": PARTNER_COLOURS[index % len(PARTNER_COLOURS)]},
            }
            for index, partner in enumerate(partners)
        ],
        "layout": _layout(
            "Pounds",
            barmode="stack",
            height=460,
            xaxis={"automargin": True, "tickangle": 0},
            legend={"orientation": "h", "y": -0.15, "yanchor": "top"},
        ),
    }


def plan_charts(report: PlanReport) -> dict[str, dict[str, Any]]:
    """Every chart of the plan page, keyed by the id of the figure it enhances."""
    if not report.has_allocation or not report.allocations:
        return {}
    charts = {
        "chart-partners": partners_chart(report),
        "chart-places": places_chart(report),
        "chart-evidence": evidence_chart(report),
    }
    if report.years:
        charts["chart-years"] = years_chart(report)
    return charts
