"""The shape of the inputs workbook: one sheet per input table, its columns, what each column
means, and how a cell's value becomes a field the input services accept.

The template, the export of current inputs and the import all read this one description, so a
workbook exported today imports tomorrow without a change.
"""

from __future__ import annotations

from models.vocabulary import EVIDENCE_RATINGS, MONTH_NAMES
from planner.excel.community_tables import COMMUNITY_SHEETS
from planner.excel.input_columns import (
    CATEGORY_LABELS,
    DEMAND_TYPE_NAMED,
    INTERVENTION_NAMED,
    KIND_LABELS,
    PARTNER_NAMED,
    PLACE_NAMED,
    STATUS_LABELS,
    YES_NO,
    InputColumn,
    InputSheet,
)
from planner.excel.price_tables import PRICE_INDEX

PARTNERS = InputSheet(
    "Partners",
    "Organisations that put money into the pool. The name identifies the partner everywhere.",
    (
        InputColumn(
            "Name", "name", "The partner's name, e.g. Calderdale Council.", required=True, width=36
        ),
        InputColumn(
            "Kind",
            "kind",
            "Police, Local authority, NHS body, ...",
            kind="kind",
            blank="other",
            choices=KIND_LABELS,
            width=26,
        ),
        InputColumn(
            "District",
            "district",
            "For a council: the district it covers. Blank for partnership-wide bodies.",
            blank=None,
        ),
        InputColumn("Notes", "notes", "Anything worth knowing.", width=40),
    ),
    ("name",),
)
CYCLES = InputSheet(
    "Commissioning cycles",
    "When each partner can make or change commissioning decisions.",
    (
        PARTNER_NAMED,
        InputColumn(
            "Budget-setting month",
            "budget_setting_month",
            "The month the partner sets its budget, e.g. March.",
            kind="month",
            required=True,
            choices=MONTH_NAMES,
        ),
        InputColumn(
            "Open years",
            "open_years",
            "Financial years in which it can let or vary contracts, e.g. 2026/27, 2028/29.",
            kind="years",
            blank=[],
            width=30,
        ),
        InputColumn(
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
        PARTNER_NAMED,
        InputColumn("Financial year", "year", "Like 2026/27.", kind="year", required=True),
        InputColumn(
            "Maximum (£)",
            "maximum",
            "Most the partner can contribute that year.",
            kind="money",
            required=True,
        ),
        InputColumn(
            "Committed minimum (£)",
            "minimum",
            "Amount the partner has committed to spend; blank if none.",
            kind="money",
            blank=None,
        ),
        InputColumn(
            "Status",
            "status",
            "Indicative or Confirmed.",
            kind="status",
            blank="indicative",
            choices=STATUS_LABELS,
        ),
        InputColumn(
            "Ring-fenced to categories",
            "ring_fence",
            "Intervention categories this money may fund, separated by commas; blank for any.",
            kind="categories",
            blank=[],
            width=30,
        ),
        InputColumn(
            "Districts",
            "districts",
            "Districts whose places this money may fund, separated by commas; blank for all.",
            kind="list",
            blank=[],
            width=24,
        ),
        InputColumn(
            "Illustrative figures",
            "illustrative",
            "Yes if the amounts are illustrative rather than the partner's budget; blank for No.",
            kind="yes_no",
            blank=False,
            choices=YES_NO,
        ),
    ),
    ("partner", "year"),
)
CONTRACTS = InputSheet(
    "Existing contracts",
    "Money partners have already committed to an intervention (and place).",
    (
        PARTNER_NAMED,
        INTERVENTION_NAMED,
        InputColumn(
            "Place",
            "place",
            "A place named on the Places sheet; blank for all places.",
            blank=None,
            choices_from="Places",
            width=24,
        ),
        InputColumn(
            "Financial years",
            "years",
            "Years the contract covers, e.g. 2026/27, 2027/28.",
            kind="years",
            required=True,
            width=26,
        ),
        InputColumn(
            "Annual amount (£)",
            "annual_amount",
            "Amount committed in each of those years.",
            kind="money",
            required=True,
        ),
        InputColumn("Notes", "notes", "Anything worth knowing.", width=30),
    ),
    ("partner", "intervention", "place", "years"),
)
DEMAND_TYPES = InputSheet(
    "Demand types",
    "Units of demand on services and what one unit costs the public purse.",
    (
        InputColumn(
            "Name", "name", "e.g. Domestic abuse police call-out.", required=True, width=36
        ),
        InputColumn("Unit", "unit", "What one unit is, e.g. call-out.", required=True),
        InputColumn(
            "Unit cost (£)", "unit_cost", "Fiscal cost of one unit.", kind="money", required=True
        ),
        InputColumn("Price year", "price_year", "Price year of the unit cost, e.g. 2023/24."),
        InputColumn("Cost source", "cost_source", "Who published the unit cost.", width=30),
        InputColumn("Source link", "cost_source_url", "Web address of the source.", width=30),
        InputColumn("Published", "cost_published", "When it was published."),
        InputColumn("Description", "description", "What counts as one unit.", width=40),
        InputColumn(
            "Unit cost low (£)",
            "unit_cost_low",
            "Lowest plausible unit cost; blank for the default of plus or minus 20%.",
            kind="money",
            blank=None,
        ),
        InputColumn(
            "Unit cost high (£)",
            "unit_cost_high",
            "Highest plausible unit cost; give both ends or neither.",
            kind="money",
            blank=None,
        ),
    ),
    ("name",),
)
COST_SHARES = InputSheet(
    "Cost shares",
    "The share of each demand type's unit cost that falls on each partner. A demand type's "
    "shares are replaced by the rows given here and must total 100%.",
    (
        DEMAND_TYPE_NAMED,
        PARTNER_NAMED,
        InputColumn(
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
        InputColumn("Name", "name", "The programme's name.", required=True, width=36),
        InputColumn(
            "Category",
            "category",
            "Family support, Parenting, Mentoring, ...",
            kind="category",
            blank="other",
            choices=CATEGORY_LABELS,
            width=22,
        ),
        InputColumn(
            "Target group",
            "target_group",
            "Who it serves; places record their eligible population per target group.",
            required=True,
            width=22,
        ),
        InputColumn(
            "Unit cost (£)", "unit_cost", "Cost per participant.", kind="money", required=True
        ),
        InputColumn(
            "Set-up cost (£)",
            "fixed_cost",
            "Cost each time it runs in a place and year; blank if none.",
            kind="money",
            blank=None,
        ),
        InputColumn(
            "Minimum cohort",
            "min_cohort",
            "Fewest participants for a viable run.",
            kind="number",
            blank=0,
        ),
        InputColumn(
            "Capacity per place per year",
            "capacity",
            "Participants a provider can take.",
            kind="number",
            blank=0,
        ),
        InputColumn(
            "Duration (weeks)",
            "duration_weeks",
            "How long the programme lasts.",
            kind="number",
            blank=12,
        ),
        InputColumn(
            "Evidence rating",
            "evidence_rating",
            "Early Intervention Foundation Guidebook "
            "rating: 4, 3, 2, NL2 or NE, with an optional +.",
            kind="rating",
            required=True,
            choices=EVIDENCE_RATINGS,
        ),
        InputColumn(
            "Cost rating",
            "cost_rating",
            "1 (low) to 5 (high); blank if unknown.",
            kind="number",
            blank=None,
            choices=("1", "2", "3", "4", "5"),
        ),
        InputColumn("Rating source", "rating_source", "Where the rating comes from.", width=26),
        InputColumn("Rating date", "rating_date", "When the rating was published."),
        InputColumn("Rating link", "rating_url", "Web address of the rating.", width=30),
        InputColumn(
            "Illustrative figures",
            "illustrative",
            "Yes if the costs and effects are illustrative rather than published.",
            kind="yes_no",
            blank=True,
            choices=YES_NO,
        ),
        InputColumn("Description", "description", "What the programme does.", width=40),
        InputColumn(
            "Take-up low (%)",
            "take_up_low_percent",
            "Lowest share of commissioned places taken up and completed; blank: every place.",
            kind="number",
            blank=None,
        ),
        InputColumn(
            "Take-up high (%)",
            "take_up_high_percent",
            "Highest share of places taken up; give both ends or neither.",
            kind="number",
            blank=None,
        ),
        InputColumn(
            "Cohort size",
            "cohort_size",
            "Participants in one group or caseload when it is bought in whole cohorts; "
            "blank or 0 if places are bought person by person.",
            kind="number",
            blank=0,
        ),
        InputColumn(
            "Cohort cost (£)",
            "cohort_cost",
            "Cost of one whole cohort; blank for the cohort size times the unit cost.",
            kind="money",
            blank=None,
        ),
        InputColumn(
            "Minimum contract (£)",
            "minimum_contract",
            "Smallest contract a provider will take in a place and year; blank or 0 if none.",
            kind="money",
            blank=0,
        ),
        InputColumn(
            "Price year",
            "price_year",
            "The financial year whose prices its costs are in, e.g. 2022/23; needed for a new "
            "intervention. The plan uplifts them to cash with the Price index sheet.",
            kind="year",
            blank=None,
        ),
    ),
    ("name",),
)
EFFECTS = InputSheet(
    "Effects",
    "Expected demand avoided per participant, for each intervention and demand type.",
    (
        INTERVENTION_NAMED,
        DEMAND_TYPE_NAMED,
        InputColumn(
            "Reduction per participant",
            "reduction_per_participant",
            "Units avoided per participant in each of the years after.",
            kind="number",
            required=True,
        ),
        InputColumn(
            "Years after taking part",
            "years_after",
            "e.g. 1, 2, 3 (1 = the year after participation).",
            kind="text",
            required=True,
        ),
        InputColumn(
            "Standard error",
            "standard_error",
            "Of the reduction, in the same units; or give a low-high range; blank for both: "
            "the default by evidence rating (4: 20% of the effect, 3: 30%, 2: 50%, NL2: 75%).",
            kind="number",
            blank=None,
        ),
        InputColumn(
            "Reduction low", "effect_low", "Lowest plausible reduction.", kind="number", blank=None
        ),
        InputColumn(
            "Reduction high",
            "effect_high",
            "Highest plausible reduction; give both ends or neither.",
            kind="number",
            blank=None,
        ),
        InputColumn(
            "Spread source",
            "spread_source",
            "Where the standard error or range comes from.",
            width=30,
        ),
    ),
    ("intervention", "demand_type"),
)
PLACES = InputSheet(
    "Places",
    "Geographies where place-based teams deliver.",
    (
        InputColumn(
            "Name", "name", "The place's name, e.g. a ward or locality.", required=True, width=30
        ),
        InputColumn("District", "district", "The district it lies in.", required=True),
        InputColumn(
            "Need index",
            "need_index",
            "Relative need from risk indicators; 1 = average.",
            kind="number",
            blank=1.0,
        ),
        InputColumn("Description", "description", "Anything worth knowing.", width=40),
        InputColumn(
            "Illustrative figures",
            "illustrative",
            "Yes if the populations, need and capacity are illustrative rather than local data; "
            "blank for No.",
            kind="yes_no",
            blank=False,
            choices=YES_NO,
        ),
    ),
    ("name",),
)
POPULATIONS = InputSheet(
    "Populations",
    "Eligible population of each target group in each place.",
    (
        PLACE_NAMED,
        InputColumn(
            "Target group",
            "target_group",
            "As named on the Interventions sheet.",
            required=True,
            width=22,
        ),
        InputColumn(
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
        PLACE_NAMED,
        INTERVENTION_NAMED,
        InputColumn(
            "Capacity",
            "capacity",
            "Participants per year in this place.",
            kind="number",
            required=True,
        ),
    ),
    ("place", "intervention"),
)

# The first sheet of the inputs workbook: what the workbook is and how to fill it in.
ABOUT_SHEET = "About"

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
    *COMMUNITY_SHEETS,
    PRICE_INDEX,
)
