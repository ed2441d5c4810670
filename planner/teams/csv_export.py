"""The place summary as CSV: one row per intervention and year, ready for a spreadsheet, with
the demand each is expected to avoid, one column per demand type (the page's demand reduction
table is these columns added up).

Text that a spreadsheet would read as a formula (starting =, +, -, @, tab or return) is
prefixed with an apostrophe (`planner.core.spreadsheet_text`, shared with the Excel workbooks),
so names typed by users can never run as formulas.
"""

from __future__ import annotations

import csv
import io

from planner.core.spreadsheet_text import safe_csv_text
from planner.teams.service import PlaceSummary

HEADERS = [
    "Place",
    "District",
    "Financial year",
    "Intervention",
    "Target group",
    "People planned",
    "Cohorts",
    "Eligible population",
    "Provider capacity",
    "Capacity used (%)",
    "Cost (£)",
    "Funded by (£)",
    "Commissioning dates",
    "Value of demand avoided (£)",
    "People started",
    "People completed",
    "Agreed plan",
]


def place_summary_csv(summary: PlaceSummary) -> str:
    """The CSV text of a place summary (empty of rows, with headers, if nothing is agreed)."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    demand_types = [(line.name, line.unit) for line in summary.demand]
    writer.writerow(
        HEADERS + [safe_csv_text(f"{name} avoided ({unit})") for name, unit in demand_types]
    )
    plan = f"Plan {summary.plan.id}: {summary.plan.scenario_name}" if summary.plan else ""
    for row in summary.rows:
        writer.writerow(
            [
                safe_csv_text(summary.place.name),
                safe_csv_text(summary.place.district),
                row.year_label,
                safe_csv_text(row.intervention),
                safe_csv_text(row.target_group),
                f"{row.participants:.1f}",
                row.cohorts or "",
                "" if row.eligible is None else f"{row.eligible:.0f}",
                "" if row.capacity is None else f"{row.capacity:.0f}",
                "" if row.capacity_used is None else f"{100 * row.capacity_used:.1f}",
                f"{row.cost:.2f}",
                safe_csv_text("; ".join(f"{f.partner}: {f.amount:.2f}" for f in row.funders)),
                safe_csv_text("; ".join(f"{f.partner}: {f.commissioning}" for f in row.funders)),
                f"{row.value:.2f}",
                "" if row.started is None else row.started,
                "" if row.completed is None else row.completed,
                safe_csv_text(plan),
            ]
            + [f"{row.demand_avoided.get(name, 0.0):.3f}" for name, _unit in demand_types]
        )
    return output.getvalue()
