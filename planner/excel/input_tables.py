"""The shape of the inputs workbook: one sheet per input table, its columns, what each column
means, and how a cell's value becomes a field the input services accept.

The template, the export of current inputs and the import all read this one description, so a
workbook exported today imports tomorrow without a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.intervention import InterventionCategory
from models.vocabulary import (
    EVIDENCE_RATINGS,
    MONTH_NAMES,
    PARTNER_KIND_LABELS,
    BudgetStatus,
)

YES_NO = ("Yes", "No")
KIND_LABELS = tuple(PARTNER_KIND_LABELS.values())
CATEGORY_LABELS = tuple(category.label for category in InterventionCategory)
STATUS_LABELS = tuple(status.value.capitalize() for status in BudgetStatus)


@dataclass(frozen=True)
class InputColumn:
    """One column of an input sheet.

    `field` is the input service's field name; `kind` says how to read the cell; `blank` is
    what an empty cell means; `choices` a fixed list and `choices_from` the sheet whose names
    the cell must be one of (both become drop-down lists in Excel).
    """

    header: str
    field: str
    note: str
    kind: str = "text"
    required: bool = False
    blank: Any = ""
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    width: float = 18


@dataclass(frozen=True)
class InputSheet:
    """One input table as a worksheet; `key` names the columns that identify a row."""

    name: str
    about: str
    columns: tuple[InputColumn, ...]
    key: tuple[str, ...]

    def column_for(self, field: str) -> InputColumn | None:
        return next((column for column in self.columns if column.field == field), None)


def _text(header: str, field: str, note: str, **extra: Any) -> InputColumn:
    return InputColumn(header, field, note, **extra)


PARTNERS = InputSheet(
    "Partners",
    "Organisations that put money into the pool. The name identifies the partner everywhere.",
    (
        _text(
            "Name", "name", "The partner's name, e.g. Calderdale Council.", required=True, width=36
        ),
        _text(
            "Kind",
            "kind",
            "Police, Local authority, NHS body, ...",
            kind="kind",
            blank="other",
            choices=KIND_LABELS,
            width=26,
        ),
        _text(
            "District",
            "district",
            "For a council: the district it covers. Blank for partnership-wide bodies.",
            blank=None,
        ),
        _text("Notes", "notes", "Anything worth knowing.", width=40),
    ),
    ("name",),
)
CYCLES = InputSheet(
    "Commissioning cycles",
    "When each partner can make or change commissioning decisions.",
    (
        _text(
            "Partner",
            "partner",
            "A partner named on the Partners sheet.",
            required=True,
            choices_from="Partners",
            width=36,
        ),
        _text(
            "Budget-setting month",
            "budget_setting_month",
            "The month the partner sets its budget, e.g. March.",
            kind="month",
            required=True,
            choices=MONTH_NAMES,
        ),
        _text(
            "Open years",
            "open_years",
            "Financial years in which it can let or vary contracts, e.g. 2026/27, 2028/29.",
            kind="years",
            blank=[],
            width=30,
        ),
        _text(
            "Contract length (years)",
            "contract_length_years",
            "Usual length of a contract it lets.",
            kind="number",
            blank=3,
        ),
    ),
    ("partner",),
)
BUDGET_LINES = InputSheet(
    "Budget lines",
    "Money each partner can put into the pool in each financial year.",
    (
        _text(
            "Partner",
            "partner",
            "A partner named on the Partners sheet.",
            required=True,
            choices_from="Partners",
            width=36,
        ),
        _text("Financial year", "year", "Like 2026/27.", kind="year", required=True),
        _text(
            "Maximum (£)",
            "maximum",
            "Most the partner can contribute that year.",
            kind="money",
            required=True,
        ),
        _text(
            "Committed minimum (£)",
            "minimum",
            "Amount the partner has committed to spend; blank if none.",
            kind="money",
            blank=None,
        ),
        _text(
            "Status",
            "status",
            "Indicative or Confirmed.",
            kind="status",
            blank="indicative",
            choices=STATUS_LABELS,
        ),
        _text(
            "Ring-fenced to categories",
            "ring_fence",
            "Intervention categories this money may fund, separated by commas; blank for any.",
            kind="categories",
            blank=[],
            width=30,
        ),
        _text(
            "Districts",
            "districts",
            "Districts whose places this money may fund, separated by commas; blank for all.",
            kind="list",
            blank=[],
            width=24,
        ),
    ),
    ("partner", "year"),
)
CONTRACTS = InputSheet(
    "Existing contracts",
    "Money partners have already committed to an intervention (and place).",
    (
        _text(
            "Partner",
            "partner",
            "A partner named on the Partners sheet.",
            required=True,
            choices_from="Partners",
            width=36,
        ),
        _text(
            "Intervention",
            "intervention",
            "An intervention named on the Interventions sheet.",
            required=True,
            choices_from="Interventions",
            width=36,
        ),
        _text(
            "Place",
            "place",
            "A place named on the Places sheet; blank for all places.",
            blank=None,
            choices_from="Places",
            width=24,
        ),
        _text(
            "Financial years",
            "years",
            "Years the contract covers, e.g. 2026/27, 2027/28.",
            kind="years",
            required=True,
            width=26,
        ),
        _text(
            "Annual amount (£)",
            "annual_amount",
            "Amount committed in each of those years.",
            kind="money",
            required=True,
        ),
        _text("Notes", "notes", "Anything worth knowing.", width=30),
    ),
    ("partner", "intervention", "place", "years"),
)
DEMAND_TYPES = InputSheet(
    "Demand types",
    "Units of demand on services and what one unit costs the public purse.",
    (
        _text("Name", "name", "e.g. Domestic abuse police call-out.", required=True, width=36),
        _text("Unit", "unit", "What one unit is, e.g. call-out.", required=True),
        _text(
            "Unit cost (£)", "unit_cost", "Fiscal cost of one unit.", kind="money", required=True
        ),
        _text("Price year", "price_year", "Price year of the unit cost, e.g. 2023/24."),
        _text("Cost source", "cost_source", "Who published the unit cost.", width=30),
        _text("Source link", "cost_source_url", "Web address of the source.", width=30),
        _text("Published", "cost_published", "When it was published."),
        _text("Description", "description", "What counts as one unit.", width=40),
    ),
    ("name",),
)
COST_SHARES = InputSheet(
    "Cost shares",
    "The share of each demand type's unit cost that falls on each partner. A demand type's "
    "shares are replaced by the rows given here and must total 100%.",
    (
        _text(
            "Demand type",
            "demand_type",
            "A demand type named on the Demand types sheet.",
            required=True,
            choices_from="Demand types",
            width=36,
        ),
        _text(
            "Partner",
            "partner",
            "A partner named on the Partners sheet.",
            required=True,
            choices_from="Partners",
            width=36,
        ),
        _text(
            "Share (%)",
            "share_percent",
            "Percentage of the unit cost it bears, 0 to 100.",
            kind="number",
            required=True,
        ),
    ),
    ("demand_type", "partner"),
)
INTERVENTIONS = InputSheet(
    "Interventions",
    "Programmes that can be commissioned, with their costs and evidence ratings.",
    (
        _text("Name", "name", "The programme's name.", required=True, width=36),
        _text(
            "Category",
            "category",
            "Family support, Parenting, Mentoring, ...",
            kind="category",
            blank="other",
            choices=CATEGORY_LABELS,
            width=22,
        ),
        _text(
            "Target group",
            "target_group",
            "Who it serves; places record their eligible population per target group.",
            required=True,
            width=22,
        ),
        _text("Unit cost (£)", "unit_cost", "Cost per participant.", kind="money", required=True),
        _text(
            "Set-up cost (£)",
            "fixed_cost",
            "Cost each time it runs in a place and year; blank if none.",
            kind="money",
            blank=None,
        ),
        _text(
            "Minimum cohort",
            "min_cohort",
            "Fewest participants for a viable run.",
            kind="number",
            blank=0,
        ),
        _text(
            "Capacity per place per year",
            "capacity",
            "Participants a provider can take.",
            kind="number",
            blank=0,
        ),
        _text(
            "Duration (weeks)",
            "duration_weeks",
            "How long the programme lasts.",
            kind="number",
            blank=12,
        ),
        _text(
            "Evidence rating",
            "evidence_rating",
            "Early Intervention Foundation Guidebook "
            "rating: 4, 3, 2, NL2 or NE, with an optional +.",
            kind="rating",
            required=True,
            choices=EVIDENCE_RATINGS,
        ),
        _text(
            "Cost rating",
            "cost_rating",
            "1 (low) to 5 (high); blank if unknown.",
            kind="number",
            blank=None,
            choices=("1", "2", "3", "4", "5"),
        ),
        _text("Rating source", "rating_source", "Where the rating comes from.", width=26),
        _text("Rating date", "rating_date", "When the rating was published."),
        _text("Rating link", "rating_url", "Web address of the rating.", width=30),
        _text(
            "Illustrative figures",
            "illustrative",
            "Yes if the costs and effects are illustrative rather than published.",
            kind="yes_no",
            blank=True,
            choices=YES_NO,
        ),
        _text("Description", "description", "What the programme does.", width=40),
    ),
    ("name",),
)
EFFECTS = InputSheet(
    "Effects",
    "Expected demand avoided per participant, for each intervention and demand type.",
    (
        _text(
            "Intervention",
            "intervention",
            "An intervention named on the Interventions sheet.",
            required=True,
            choices_from="Interventions",
            width=36,
        ),
        _text(
            "Demand type",
            "demand_type",
            "A demand type named on the Demand types sheet.",
            required=True,
            choices_from="Demand types",
            width=36,
        ),
        _text(
            "Reduction per participant",
            "reduction_per_participant",
            "Units avoided per participant in each of the years after.",
            kind="number",
            required=True,
        ),
        _text(
            "Years after taking part",
            "years_after",
            "e.g. 1, 2, 3 (1 = the year after participation).",
            kind="text",
            required=True,
        ),
    ),
    ("intervention", "demand_type"),
)
PLACES = InputSheet(
    "Places",
    "Geographies where place-based teams deliver.",
    (
        _text(
            "Name", "name", "The place's name, e.g. a ward or locality.", required=True, width=30
        ),
        _text("District", "district", "The district it lies in.", required=True),
        _text(
            "Need index",
            "need_index",
            "Relative need from risk indicators; 1 = average.",
            kind="number",
            blank=1.0,
        ),
        _text("Description", "description", "Anything worth knowing.", width=40),
    ),
    ("name",),
)
POPULATIONS = InputSheet(
    "Populations",
    "Eligible population of each target group in each place.",
    (
        _text(
            "Place",
            "place",
            "A place named on the Places sheet.",
            required=True,
            choices_from="Places",
            width=30,
        ),
        _text(
            "Target group",
            "target_group",
            "As named on the Interventions sheet.",
            required=True,
            width=22,
        ),
        _text(
            "Eligible population",
            "population",
            "People who could take part.",
            kind="number",
            required=True,
        ),
    ),
    ("place", "target_group"),
)
CAPACITIES = InputSheet(
    "Capacity overrides",
    "A provider's capacity for one intervention in one place, replacing its default.",
    (
        _text(
            "Place",
            "place",
            "A place named on the Places sheet.",
            required=True,
            choices_from="Places",
            width=30,
        ),
        _text(
            "Intervention",
            "intervention",
            "An intervention named on the Interventions sheet.",
            required=True,
            choices_from="Interventions",
            width=36,
        ),
        _text(
            "Capacity",
            "capacity",
            "Participants per year in this place.",
            kind="number",
            required=True,
        ),
    ),
    ("place", "intervention"),
)

# In workbook order: what a reader fills in first comes first.
INPUT_SHEETS: tuple[InputSheet, ...] = (
    PARTNERS,
    CYCLES,
    BUDGET_LINES,
    CONTRACTS,
    DEMAND_TYPES,
    COST_SHARES,
    INTERVENTIONS,
    EFFECTS,
    PLACES,
    POPULATIONS,
    CAPACITIES,
)
