"""The shapes of the demo partnership's records: plain frozen dataclasses, no database.

The demo's content lives in `partnership.py` (partners, budgets, cycles, contracts, places,
scenarios) and `evidence.py` (demand types and interventions); `loader.py` turns them into rows.
Names, not ids, tie the records together, so the content reads like the spreadsheet a
partnership would keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.intervention import InterventionCategory
from models.vocabulary import PartnerKind, Role

# Every demo sign-in uses this password. It is printed by `planner demo` and documented in the
# README: the demo is for trying the product, never for real data.
DEMO_PASSWORD = "demo-partnership-2026"

# The financial years the demo plans (by start year: 2026 is 2026/27).
DEMO_YEARS = (2026, 2027, 2028)

# Target groups: each intervention serves one, and each place records its eligible people in each.
EXPECTANT_PARENTS = "expectant young first-time parents"
YOUNG_FAMILIES = "families with children under 8 and behaviour concerns"
PRIMARY_PUPILS = "primary school pupils"
YOUNG_PEOPLE_AT_RISK = "young people aged 10-17 at risk"
POLICE_CONTACT = "young people aged 10-17 in contact with police"
DOMESTIC_ABUSE_CHILDREN = "children affected by domestic abuse"
VIOLENT_INJURY = "young people attending A&E with a violent injury"
TARGET_GROUPS = (
    EXPECTANT_PARENTS,
    YOUNG_FAMILIES,
    PRIMARY_PUPILS,
    YOUNG_PEOPLE_AT_RISK,
    POLICE_CONTACT,
    DOMESTIC_ABUSE_CHILDREN,
    VIOLENT_INJURY,
)

ILLUSTRATIVE = (
    "Illustrative: the cost per participant, capacity and effect sizes are demo figures, "
    "not published ones."
)


@dataclass(frozen=True)
class DemoPartner:
    name: str
    kind: PartnerKind
    district: str | None
    notes: str
    budget_setting_month: int
    open_years: tuple[int, ...]
    contract_length_years: int


@dataclass(frozen=True)
class DemoBudget:
    """One partner's money for the pool in one year (illustrative amounts)."""

    partner: str
    year: int
    maximum: int
    minimum: int | None = None
    confirmed: bool = False
    ring_fence: tuple[InterventionCategory, ...] = ()
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoContract:
    partner: str
    intervention: str
    years: tuple[int, ...]
    annual_amount: int
    place: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class DemoPlace:
    """A ward or locality; populations are eligible people per target group per year."""

    name: str
    district: str
    need_index: float
    description: str
    populations: dict[str, int]


@dataclass(frozen=True)
class DemoDemandType:
    """A unit of demand with its published fiscal unit cost and who bears it (percent).

    The cost is kept as published, with its price year; the demo stores it converted to one
    price year (`planner.demo.prices`), saying so in the description.
    """

    name: str
    unit: str
    published_cost: str  # pounds as published, as text so the Decimal is exact
    published_year: int  # its price year, by start year (2016 is 2016/17)
    cost_source: str
    cost_source_url: str
    cost_published: str
    description: str
    cost_shares: dict[str, str]  # partner name -> percent, as text
    # When the source states no price year: the year assumed, and why.
    year_assumed: str = ""


@dataclass(frozen=True)
class DemoEffect:
    demand_type: str
    reduction_per_participant: float
    years_after: tuple[int, ...]


@dataclass(frozen=True)
class DemoIntervention:
    """A real programme or intervention type; its rating and source are published facts, its
    cost, capacity and effects are illustrative."""

    name: str
    category: InterventionCategory
    target_group: str
    description: str
    unit_cost: int
    capacity: int
    duration_weeks: int
    evidence_rating: str
    cost_rating: int | None
    rating_source: str
    rating_date: str
    rating_url: str
    effects: tuple[DemoEffect, ...]
    min_cohort: int = 0
    fixed_cost: int | None = None
    volunteer_hours: float = 0  # of shared local volunteers' time per participant
    # Participants in one group or caseload (published, with its source in the description) and
    # the smallest contract a provider takes per place and year (illustrative); 0: none.
    cohort_size: int = 0
    minimum_contract: int = 0


@dataclass(frozen=True)
class DemoScenario:
    name: str
    description: str
    funding_mode: str
    min_evidence_rating: str
    min_share_rated_3_plus: float
    bcr_threshold: float
    portfolio_vfm_ratio: float
    partner_fairness: float
    need_floor: float
    fairness_exempt: tuple[str, ...] = ()  # partners whose fairness factor is 0 (they bear no cost)


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    name: str
    role: Role
    places: tuple[str, ...] = field(default_factory=tuple)
