"""The community sheets of the inputs workbook: risk indicators and their values per place (from
which each place's need index is worked out), shared volunteers per place and year, and the
providers of each intervention with their sector. Declared like every other input sheet
(`input_tables`), so the template, the export and the import read the one description."""

from __future__ import annotations

from models.provider import Sector
from planner.excel.input_columns import (
    INTERVENTION_NAMED,
    PLACE_NAMED,
    YES_NO,
    InputColumn,
    InputSheet,
)

SECTOR_LABELS = tuple(sector.label for sector in Sector)

ILLUSTRATIVE = InputColumn(
    "Illustrative figures",
    "illustrative",
    "Yes if the figures are illustrative rather than published or local; blank for No.",
    kind="yes_no",
    blank=False,
    choices=YES_NO,
)

RISK_INDICATORS = InputSheet(
    "Risk indicators",
    "Published measures of risk per place, with their source and date, and the weight each has "
    "in the need index the need floor uses.",
    (
        InputColumn(
            "Name", "name", "e.g. Children in low-income families.", required=True, width=36
        ),
        InputColumn(
            "Unit",
            "unit",
            "What one value measures, e.g. share of children, 0 to 1.",
            required=True,
            width=26,
        ),
        InputColumn(
            "Weight",
            "weight",
            "Its weight in the need index, 0 to 100; 0 leaves it out; blank for 1.",
            kind="number",
            blank=1.0,
        ),
        InputColumn("Source", "source", "Who publishes the figures.", required=True, width=30),
        InputColumn("Source link", "source_url", "Web address of the source.", width=30),
        InputColumn(
            "As at",
            "as_at",
            "The date or period the figures describe, e.g. 2023/24.",
            required=True,
        ),
        ILLUSTRATIVE,
        InputColumn("Description", "description", "Anything worth knowing.", width=40),
    ),
    ("name",),
)
INDICATOR_VALUES = InputSheet(
    "Indicator values",
    "Each risk indicator's value in each place; higher means more need.",
    (
        PLACE_NAMED,
        InputColumn(
            "Risk indicator",
            "indicator",
            "A risk indicator named on the Risk indicators sheet.",
            required=True,
            choices_from="Risk indicators",
            width=36,
        ),
        InputColumn(
            "Value",
            "value",
            "The indicator's value in the place, in its unit.",
            kind="number",
            required=True,
        ),
    ),
    ("place", "indicator"),
)
VOLUNTEERS = InputSheet(
    "Volunteers",
    "Shared local volunteers per place and year: the hours they can give, and what recruiting, "
    "training and supervising one costs.",
    (
        PLACE_NAMED,
        InputColumn("Financial year", "year", "Like 2026/27.", kind="year", required=True),
        InputColumn(
            "Hours available",
            "hours",
            "Volunteer hours available in the place in the year.",
            kind="number",
            required=True,
        ),
        InputColumn(
            "Hours per volunteer",
            "hours_per_volunteer",
            "Hours one volunteer gives in a year.",
            kind="number",
            required=True,
        ),
        InputColumn(
            "Cost per volunteer (£)",
            "cost_per_volunteer",
            "Recruiting, training and supervising one volunteer for a year; blank for none.",
            kind="money",
            blank=0,
        ),
        ILLUSTRATIVE,
        InputColumn("Notes", "notes", "Anything worth knowing.", width=30),
    ),
    ("place", "year"),
)
PROVIDERS = InputSheet(
    "Providers",
    "Who delivers each intervention, with their sector and share of its delivery; a provider "
    "delivering several interventions has a row for each.",
    (
        InputColumn("Provider", "name", "The provider's name.", required=True, width=32),
        INTERVENTION_NAMED,
        InputColumn(
            "Sector",
            "sector",
            "Voluntary and community sector, Public sector or Private sector.",
            kind="sector",
            required=True,
            choices=SECTOR_LABELS,
            width=30,
        ),
        InputColumn(
            "Share of delivery (%)",
            "share_percent",
            "The provider's share of the intervention's delivery, above 0 and up to 100; an "
            "intervention's providers together deliver at most 100%.",
            kind="number",
            required=True,
        ),
        ILLUSTRATIVE,
    ),
    ("intervention", "name"),
)

# In workbook order, after the sheets they name (places, interventions).
COMMUNITY_SHEETS: tuple[InputSheet, ...] = (
    RISK_INDICATORS,
    INDICATOR_VALUES,
    VOLUNTEERS,
    PROVIDERS,
)
