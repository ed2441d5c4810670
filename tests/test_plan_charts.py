"""The plan page's charts: a colour means the same thing wherever it is drawn (an evidence
rating keeps its colour whichever ratings a plan funds), and every bar and marker stands out
from the white page by at least 3:1, WCAG's contrast for graphics."""

from __future__ import annotations

from models import Plan
from models.plan import PlanStatus
from planner.plans.charts import EVIDENCE_COLOURS, plan_charts
from planner.plans.report import AllocationLine, PlanReport, YearSpend

PARTNERS = [f"Partner {number}" for number in range(1, 13)]


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def report_funding(ratings: list[str]) -> PlanReport:
    result = {
        "total_spend": 120.0,
        "partners": [{"name": name, "contribution": 10.0, "benefit": 12.0} for name in PARTNERS],
        "places": [{"name": "Tong", "spend_share": 1.0, "need_share": 1.0}],
        "evidence_mix": [{"rating": rating, "spend": 60.0, "share": 0.5} for rating in ratings],
    }
    report = PlanReport(plan=Plan(scenario_name="x", status=PlanStatus.OPTIMAL), result=result)
    report.allocations = [AllocationLine("i", "Tong", "", 2026, 1.0, 120.0, 150.0, ())]
    report.years = [YearSpend(2026, 120.0, dict.fromkeys(PARTNERS, 10.0), 1.0)]
    report.partner_names = PARTNERS
    return report


def test_an_evidence_rating_keeps_its_colour_whatever_else_is_funded() -> None:
    all_four = plan_charts(report_funding(["4", "3", "2", "NL2"]))["chart-evidence"]
    two = plan_charts(report_funding(["3", "2"]))["chart-evidence"]
    assert all_four["data"][0]["marker"]["color"] == [
        EVIDENCE_COLOURS[rating] for rating in ("4", "3", "2", "NL2")
    ]
    # Rated 3 is drawn in rated 3's colour, not in the colour of the first bar (rated 4's).
    assert two["data"][0]["marker"]["color"] == [EVIDENCE_COLOURS["3"], EVIDENCE_COLOURS["2"]]
    assert len(set(EVIDENCE_COLOURS.values())) == 4


def test_every_bar_and_marker_stands_out_from_the_page() -> None:
    charts = plan_charts(report_funding(["4", "3", "2", "NL2"]))
    fills = [trace["marker"]["color"] for chart in charts.values() for trace in chart["data"]]
    colours = [colour for fill in fills for colour in ([fill] if isinstance(fill, str) else fill)]
    need = charts["chart-places"]["data"][1]["marker"]
    # The need markers' orange is lighter than 3:1, so each carries a dark outline that is not.
    outlined = {need["color"]}
    assert contrast_with_white(need["line"]["color"]) >= 3
    faint = {c for c in colours if contrast_with_white(c) < 3 and c not in outlined}
    assert faint == set()
    # Twelve partners, twelve colours, each edged in white from its neighbours in the stack.
    years = charts["chart-years"]["data"]
    assert len({trace["marker"]["color"] for trace in years}) == 12
    assert all(trace["marker"]["line"] == {"color": "#ffffff", "width": 1} for trace in years)


def test_names_read_level_beside_horizontal_bars() -> None:
    """Partners and places are long names: both charts draw them beside horizontal bars, first
    at the top, and mark the name axis for the page's script to wrap on a phone."""
    charts = plan_charts(report_funding(["4"]))
    for chart_id in ("chart-partners", "chart-places"):
        chart = charts[chart_id]
        assert chart["layout"]["meta"] == {"category_axis": "y"}
        bars = [trace for trace in chart["data"] if trace["type"] == "bar"]
        assert bars and all(trace["orientation"] == "h" for trace in bars)
    assert charts["chart-partners"]["data"][0]["y"][-1] == "Partner 1"  # drawn at the top
    need = charts["chart-places"]["data"][1]
    assert need["y"] == ["Tong"] and need["x"] == [1.0]
