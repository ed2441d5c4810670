"""The price index sheet of the inputs workbook: one GDP deflator per financial year, with its
source. Declared like every other input sheet (`input_tables`), so the template, the export and
the import read the one description."""

from __future__ import annotations

from planner.excel.input_columns import YES_NO, InputColumn, InputSheet

PRICE_INDEX = InputSheet(
    "Price index",
    "The index that turns interventions' prices into the cash budgets pay: cash = price x "
    "deflator in the plan's year / deflator in the price year. Starts from HM Treasury's GDP "
    "deflators with the OBR's forecasts; replace any year with the partnership's own figure.",
    (
        InputColumn("Financial year", "year", "Like 2027/28.", kind="year", required=True),
        InputColumn(
            "Deflator",
            "deflator",
            "The index that year, on the same base as the other years (HM Treasury: "
            "2022-23 = 100).",
            kind="number",
            required=True,
        ),
        InputColumn(
            "Forecast",
            "forecast",
            "Yes if the figure is a forecast (the OBR's, for HM Treasury's series); blank for No.",
            kind="yes_no",
            blank=False,
            choices=YES_NO,
        ),
        InputColumn("Source", "source", "Who published the figure.", width=40),
        InputColumn(
            "Release", "released", "The release it was taken from, and its date.", width=36
        ),
        InputColumn("Source link", "source_url", "Web address of the release.", width=30),
        InputColumn("Note", "note", "Anything worth knowing, e.g. an extrapolated year.", width=40),
    ),
    ("year",),
)
