"""Plotly figures for the plan page, as plain JSON the page's script draws.

Each chart repeats a table that is always in the page, so a chart is an enhancement: a person
without JavaScript, or using a screen reader, reads the table instead.
"""

from __future__ import annotations

from typing import Any

from planner.plans.report import PlanReport

# GOV.UK palette colours that stay distinguishable for common colour-vision deficiencies, each
# at least 3:1 against the white page (WCAG's contrast for graphics): GOV.UK's own orange and
# pink are lighter than that, so a darker orange stands in and the pink is left out.
BLUE = "#1d70b8"
GREEN = "#00703c"
ORANGE = "#f47738"  # only with a dark outline (the need markers), never as a fill on its own
DARK_ORANGE = "#c35a18"
PURPLE = "#4c2c92"
GREY = "#505a5f"
INK = "#0b0c0c"
PARTNER_COLOURS = (
    BLUE,
    DARK_ORANGE,
    GREEN,
    PURPLE,
    "#d4351c",
    "#28a197",
    "#912b88",
    GREY,
    "#85994b",
    "#b58840",
    "#5694ca",
    INK,
)
# Spend by evidence rating: darker is stronger, as the evidence tags on the inputs pages.
EVIDENCE_COLOURS = {"4": "#005a30", "3": "#3b8a5d", "2": "#8a7a00", "NL2": "#6f777b"}
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
    layout["meta"] = {"category_axis": "y"}  # names the page's script may wrap on a phone
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
    """Share of spend in each place against its share of need, as horizontal bars (as the
    partners' chart) so every place's name reads level, on a phone too."""
    places = list(reversed(report.places))  # plotly draws the first bar at the bottom
    names = [chart_text(p["name"]) for p in places]
    layout = _layout("", height=max(360, 34 * len(names) + 120))
    layout["xaxis"] = {"title": {"text": "Share"}, "gridcolor": "#dddddd", "tickformat": ".0%"}
    layout["yaxis"] = {"automargin": True}
    layout["margin"] = {"l": 20, "r": 20, "t": 40, "b": 60}
    layout["legend"] = {"orientation": "h", "y": 1.04, "yanchor": "bottom"}
    layout["meta"] = {"category_axis": "y"}
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": "Share of spend",
                "y": names,
                "x": [p["spend_share"] for p in places],
                "marker": {"color": BLUE},
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Share of need",
                "y": names,
                "x": [p["need_share"] for p in places],
                "marker": {
                    "color": ORANGE,
                    "symbol": "diamond",
                    "size": 12,
                    "line": {"color": INK, "width": 1.5},  # seen on the bars and off them
                },
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
                "marker": {"color": [EVIDENCE_COLOURS.get(str(e["rating"]), GREY) for e in mix]},
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
                # A white edge between partners, so neighbouring colours never run together.
                "marker": {
                    "color": PARTNER_COLOURS[index % len(PARTNER_COLOURS)],
                    "line": {"color": "#ffffff", "width": 1},
                },
            }
            for index, partner in enumerate(partners)
        ],
        "layout": _layout(
            "Pounds",
            barmode="stack",
            height=460,
            xaxis={"automargin": True, "tickangle": 0},
            # In reading order, A to Z, rather than plotly's top-of-the-stack-first for stacks.
            legend={"orientation": "h", "y": -0.15, "yanchor": "top", "traceorder": "normal"},
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
