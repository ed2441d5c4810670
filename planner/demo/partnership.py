"""The demo partnership, modelled on West Yorkshire: partners, cycles, budgets, places, scenarios.

The organisations and the ward names are real; budgets, commissioning windows, contracts,
eligible populations and need indices are illustrative, chosen to show how different
commissioning cycles, committed minimums, ring-fences and district restrictions shape a plan.
"""

from __future__ import annotations

from decimal import Decimal

from models.intervention import InterventionCategory as Category
from models.vocabulary import PartnerKind, Role
from planner.demo.content import (
    DEMO_YEARS,
    DOMESTIC_ABUSE_CHILDREN,
    EXPECTANT_PARENTS,
    POLICE_CONTACT,
    PRIMARY_PUPILS,
    VIOLENT_INJURY,
    YOUNG_FAMILIES,
    YOUNG_PEOPLE_AT_RISK,
    DemoBudget,
    DemoContract,
    DemoPartner,
    DemoPlace,
    DemoScenario,
    DemoSignIn,
)

POLICE = "West Yorkshire Police"
BRADFORD = "Bradford Council"
CALDERDALE = "Calderdale Council"
KIRKLEES = "Kirklees Council"
LEEDS = "Leeds City Council"
WAKEFIELD = "Wakefield Council"
ICB = "NHS West Yorkshire Integrated Care Board"
VRU = "West Yorkshire Violence Reduction Unit"
VOLUNTARY_FUND = "West Yorkshire Voluntary Sector Fund"

ALL_YEARS = DEMO_YEARS
FIRST, SECOND, THIRD = DEMO_YEARS

PARTNERS: tuple[DemoPartner, ...] = (
    DemoPartner(
        POLICE,
        PartnerKind.POLICE,
        None,
        "Force budget set with the Mayor's police and crime plan in February. Illustrative: its "
        "prevention contracts run two years, so it can only re-let them in 2026/27 and 2028/29.",
        budget_setting_month=2,
        open_years=(FIRST, THIRD),
        contract_length_years=2,
    ),
    DemoPartner(
        BRADFORD,
        PartnerKind.LOCAL_AUTHORITY,
        "Bradford",
        "City of Bradford Metropolitan District Council. Illustrative: funds only places in "
        "Bradford; re-commissions every year.",
        budget_setting_month=2,
        open_years=ALL_YEARS,
        contract_length_years=1,
    ),
    DemoPartner(
        CALDERDALE,
        PartnerKind.LOCAL_AUTHORITY,
        "Calderdale",
        "Illustrative: funds only places in Calderdale; its two-year contracts let in 2027/28 "
        "run to March 2029, so its window is closed in 2028/29.",
        budget_setting_month=3,
        open_years=(FIRST, SECOND),
        contract_length_years=2,
    ),
    DemoPartner(
        KIRKLEES,
        PartnerKind.LOCAL_AUTHORITY,
        "Kirklees",
        "Illustrative: funds only places in Kirklees; window closed in 2027/28 while its current "
        "contracts run.",
        budget_setting_month=2,
        open_years=(FIRST, THIRD),
        contract_length_years=2,
    ),
    DemoPartner(
        LEEDS,
        PartnerKind.LOCAL_AUTHORITY,
        "Leeds",
        "Illustrative: funds only places in Leeds; three-year contracts that end in March 2027, "
        "so in 2026/27 it funds only what it already has under contract.",
        budget_setting_month=2,
        open_years=(SECOND, THIRD),
        contract_length_years=3,
    ),
    DemoPartner(
        WAKEFIELD,
        PartnerKind.LOCAL_AUTHORITY,
        "Wakefield",
        "Illustrative: funds only places in Wakefield; re-commissions every year.",
        budget_setting_month=3,
        open_years=ALL_YEARS,
        contract_length_years=1,
    ),
    DemoPartner(
        ICB,
        PartnerKind.NHS,
        None,
        "NHS West Yorkshire ICB. Illustrative: sets its plan in March and lets two-year "
        "contracts in 2026/27 and 2028/29.",
        budget_setting_month=3,
        open_years=(FIRST, THIRD),
        contract_length_years=2,
    ),
    DemoPartner(
        VRU,
        PartnerKind.VIOLENCE_REDUCTION_UNIT,
        None,
        "Home Office grant confirmed each April and spent within the year. Illustrative: "
        "ring-fenced to diversion and mentoring, with a committed minimum each year.",
        budget_setting_month=4,
        open_years=ALL_YEARS,
        contract_length_years=1,
    ),
    DemoPartner(
        VOLUNTARY_FUND,
        PartnerKind.VOLUNTARY_SECTOR,
        None,
        "An illustrative charitable fund for community-led family support, domestic abuse and "
        "mentoring work, granting each September.",
        budget_setting_month=9,
        open_years=ALL_YEARS,
        contract_length_years=1,
    ),
)


def _each_year(partner: str, amounts: tuple[int, int, int], **rules: object) -> list[DemoBudget]:
    return [
        DemoBudget(partner, year, amount, **rules)  # type: ignore[arg-type]
        for year, amount in zip(DEMO_YEARS, amounts, strict=True)
    ]


BUDGETS: tuple[DemoBudget, ...] = (
    DemoBudget(POLICE, FIRST, 1_200_000, minimum=400_000, confirmed=True),
    DemoBudget(POLICE, SECOND, 1_250_000),
    DemoBudget(POLICE, THIRD, 1_250_000),
    DemoBudget(BRADFORD, FIRST, 600_000, confirmed=True, districts=("Bradford",)),
    DemoBudget(BRADFORD, SECOND, 600_000, districts=("Bradford",)),
    DemoBudget(BRADFORD, THIRD, 650_000, minimum=300_000, districts=("Bradford",)),
    *_each_year(CALDERDALE, (250_000, 250_000, 260_000), districts=("Calderdale",)),
    *_each_year(KIRKLEES, (450_000, 450_000, 450_000), districts=("Kirklees",)),
    *_each_year(LEEDS, (900_000, 900_000, 950_000), districts=("Leeds",)),
    DemoBudget(WAKEFIELD, FIRST, 400_000, confirmed=True, districts=("Wakefield",)),
    DemoBudget(WAKEFIELD, SECOND, 400_000, districts=("Wakefield",)),
    DemoBudget(WAKEFIELD, THIRD, 420_000, districts=("Wakefield",)),
    *_each_year(ICB, (1_000_000, 1_000_000, 1_050_000)),
    *_each_year(
        VRU,
        (700_000, 700_000, 700_000),
        minimum=500_000,
        confirmed=True,
        ring_fence=(Category.DIVERSION, Category.MENTORING),
    ),
    *_each_year(
        VOLUNTARY_FUND,
        (150_000, 150_000, 150_000),
        ring_fence=(
            Category.FAMILY_SUPPORT,
            Category.PARENTING,
            Category.DOMESTIC_ABUSE,
            Category.MENTORING,
        ),
    ),
)

CONTRACTS: tuple[DemoContract, ...] = (
    DemoContract(
        POLICE,
        "Focused deterrence",
        (FIRST, SECOND),
        250_000,
        notes="Illustrative two-year contract let in 2026/27.",
    ),
    DemoContract(
        LEEDS,
        "Family Nurse Partnership",
        (FIRST,),
        180_000,
        notes="Illustrative: final year of a three-year contract.",
    ),
    DemoContract(
        LEEDS,
        "Level 4 Group Triple P",
        (FIRST,),
        15_000,
        place="Gipton and Harehills",
        notes="Illustrative: groups already running in Gipton and Harehills.",
    ),
    DemoContract(
        ICB,
        "Family Nurse Partnership",
        (FIRST, SECOND),
        150_000,
        notes="Illustrative: NHS-commissioned nurse home visiting.",
    ),
    DemoContract(
        KIRKLEES,
        "Family Check-up for Children",
        (FIRST,),
        40_000,
        notes="Illustrative: a pilot ending March 2027.",
    ),
)


def _place(
    name: str, district: str, need: float, description: str, counts: tuple[int, ...]
) -> DemoPlace:
    groups = (
        EXPECTANT_PARENTS,
        YOUNG_FAMILIES,
        PRIMARY_PUPILS,
        YOUNG_PEOPLE_AT_RISK,
        POLICE_CONTACT,
        DOMESTIC_ABUSE_CHILDREN,
        VIOLENT_INJURY,
    )
    return DemoPlace(name, district, need, description, dict(zip(groups, counts, strict=True)))


# Eligible people per year in each target group, in this order: expectant young first-time
# parents, families with young children and behaviour concerns, primary pupils, young people at
# risk, young people in contact with police, children affected by domestic abuse, young people at
# A&E with a violent injury. All illustrative.
WARD = "Illustrative populations and need index."
PLACES: tuple[DemoPlace, ...] = (
    _place(
        "Bradford Moor",
        "Bradford",
        1.8,
        f"Ward east of Bradford city centre. {WARD}",
        (55, 420, 3200, 240, 70, 140, 30),
    ),
    _place(
        "Little Horton",
        "Bradford",
        1.7,
        f"Ward south of Bradford city centre. {WARD}",
        (50, 380, 2900, 220, 65, 130, 28),
    ),
    _place(
        "Keighley Central",
        "Bradford",
        1.4,
        f"Town-centre ward of Keighley. {WARD}",
        (35, 300, 2300, 170, 45, 100, 18),
    ),
    _place(
        "Tong",
        "Bradford",
        1.5,
        f"Ward on the south-east edge of Bradford. {WARD}",
        (40, 320, 2400, 180, 50, 110, 20),
    ),
    _place(
        "Park",
        "Calderdale",
        1.6,
        f"Park ward, central Halifax. {WARD}",
        (40, 330, 2500, 190, 55, 115, 22),
    ),
    _place(
        "Ovenden",
        "Calderdale",
        1.3,
        f"Ward north of Halifax. {WARD}",
        (28, 240, 1800, 140, 35, 80, 14),
    ),
    _place(
        "Dewsbury West",
        "Kirklees",
        1.5,
        f"Ward of Dewsbury. {WARD}",
        (42, 340, 2600, 190, 50, 115, 20),
    ),
    _place(
        "Batley East", "Kirklees", 1.3, f"Ward of Batley. {WARD}", (35, 290, 2200, 160, 40, 95, 16)
    ),
    _place(
        "Crosland Moor and Netherton",
        "Kirklees",
        1.1,
        f"Ward south-west of Huddersfield. {WARD}",
        (25, 220, 1900, 130, 30, 70, 12),
    ),
    _place(
        "Gipton and Harehills",
        "Leeds",
        1.9,
        f"Ward in inner east Leeds. {WARD}",
        (60, 450, 3400, 260, 80, 160, 35),
    ),
    _place(
        "Burmantofts and Richmond Hill",
        "Leeds",
        1.8,
        f"Ward in inner east Leeds. {WARD}",
        (55, 410, 3100, 240, 75, 150, 32),
    ),
    _place(
        "Killingbeck and Seacroft",
        "Leeds",
        1.5,
        f"Ward in outer east Leeds. {WARD}",
        (45, 360, 2800, 210, 60, 125, 25),
    ),
    _place(
        "Armley", "Leeds", 1.3, f"Ward in west Leeds. {WARD}", (38, 310, 2500, 180, 50, 105, 20)
    ),
    _place(
        "Wakefield East",
        "Wakefield",
        1.4,
        f"Ward east of Wakefield city centre. {WARD}",
        (38, 300, 2300, 170, 50, 105, 20),
    ),
    _place(
        "Airedale and Ferry Fryston",
        "Wakefield",
        1.5,
        f"Ward of Castleford. {WARD}",
        (40, 310, 2300, 175, 50, 110, 18),
    ),
    _place(
        "Hemsworth",
        "Wakefield",
        1.2,
        f"Ward in the south-east of the district. {WARD}",
        (28, 230, 1800, 130, 35, 80, 12),
    ),
)

# Partners that bear none of the costs of demand: a fairness rule would stop them paying at all.
NO_COST_BEARING = (VRU, VOLUNTARY_FUND)

SCENARIOS: tuple[DemoScenario, ...] = (
    DemoScenario(
        name="Pooled 2026-29",
        description=(
            "All partners' money planned together for 2026/27 to 2028/29: programmes rated 2 or "
            "above, at least 30% of spend on programmes rated 3 or above, each programme and the "
            "whole plan returning at least £1 of demand avoided per £1, and each partner that "
            "bears costs of demand getting back at least 30p of benefit per £1 it pays."
        ),
        funding_mode="pooled",
        min_evidence_rating="2",
        min_share_rated_3_plus=0.3,
        bcr_threshold=1.0,
        portfolio_vfm_ratio=1.0,
        partner_fairness=0.3,
        need_floor=0.0,
        fairness_exempt=NO_COST_BEARING,
    ),
    DemoScenario(
        name="Each partner alone",
        description=(
            "The same rules, but each partner plans with its own budget only, as happens today: "
            "the baseline that shows what pooling adds."
        ),
        funding_mode="separate",
        min_evidence_rating="2",
        min_share_rated_3_plus=0.3,
        bcr_threshold=1.0,
        portfolio_vfm_ratio=1.0,
        partner_fairness=0.3,
        need_floor=0.0,
        fairness_exempt=NO_COST_BEARING,
    ),
    DemoScenario(
        name="Strong evidence only",
        description=(
            "Pooled, but only programmes rated 3 or above (at least one rigorous evaluation with "
            "positive impact) may be funded."
        ),
        funding_mode="pooled",
        min_evidence_rating="3",
        min_share_rated_3_plus=1.0,
        bcr_threshold=1.0,
        portfolio_vfm_ratio=1.0,
        partner_fairness=0.3,
        need_floor=0.0,
        fairness_exempt=NO_COST_BEARING,
    ),
)

SIGN_INS: tuple[DemoSignIn, ...] = (
    DemoSignIn("admin@demo.example", "Alex Admin (demo)", Role.ADMIN),
    DemoSignIn("commissioner@demo.example", "Chris Commissioner (demo)", Role.COMMISSIONER),
    DemoSignIn("finance@demo.example", "Farah Finance (demo)", Role.FINANCE_LEAD),
    DemoSignIn(
        "placelead@demo.example",
        "Pat Place Lead (demo)",
        Role.PLACE_LEAD,
        places=("Bradford Moor", "Little Horton"),
    ),
)


# The first scenario's pooled-fund agreement (illustrative): the largest council hosts the fund,
# over- and underspends are shared in proportion to contributions, and 2% is held in reserve.
AGREEMENT_HOST = "Leeds City Council"
AGREEMENT_CONTINGENCY_PERCENT = Decimal(2)
