"""The demo partnership's community records: risk indicators per place (the indicators and their
sources are real, the ward values illustrative), so every role can try the need index.

The values are illustrative because the published figures come at other geographies (IDACI by
small area, children in need by local authority) and this demo does not aggregate them to its
wards; each indicator names where the real figures are published and when, and is marked
illustrative wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from models import Consultation, Place, Scenario
from models.ballot import Ballot, BallotCreate, BallotKind, BallotOption, OptionCreate, VotingCode
from models.consultation import ConsultationCreate
from models.fields import utc_now
from models.indicator import IndicatorValue, IndicatorValueBase, RiskIndicator, RiskIndicatorCreate
from models.provider import Provider, ProviderCreate, Sector
from models.volunteer import VolunteerPool, VolunteerPoolCreate
from planner.community.ballots import code_hash
from planner.db import stored_id
from planner.demo.content import DEMO_YEARS


@dataclass(frozen=True)
class DemoIndicator:
    name: str
    unit: str
    weight: float
    source: str
    source_url: str
    as_at: str
    # The value at a place of need index 1 in the demo, and how far each ward strays from its
    # need index on this indicator (so the indicators disagree a little, as real ones do).
    base: float
    spread: tuple[float, ...]


INDICATORS: tuple[DemoIndicator, ...] = (
    DemoIndicator(
        "Income Deprivation Affecting Children Index (IDACI)",
        "share of children aged 0-15 in income-deprived families (0 to 1)",
        2.0,
        "English Indices of Deprivation 2019, IDACI (Ministry of Housing, Communities and "
        "Local Government), published by small area (LSOA)",
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019",
        "2019 (income data for 2015/16)",
        0.19,
        (0.04, -0.03, 0.02, -0.05, 0.06, -0.02, 0.03, -0.04, 0.05, 0.01),
    ),
    DemoIndicator(
        "Children in need",
        "rate per 10,000 children",
        1.0,
        "Characteristics of children in need (Department for Education), published by local "
        "authority",
        "https://explore-education-statistics.service.gov.uk/find-statistics/characteristics-of-children-in-need",
        "2023/24 (31 March 2024)",
        230.0,
        (-0.05, 0.04, 0.03, -0.02, -0.04, 0.05, -0.03, 0.02, -0.01, 0.04),
    ),
    DemoIndicator(
        "Violence against the person",
        "recorded offences per 1,000 residents",
        1.0,
        "Police recorded crime by Community Safety Partnership (Office for National Statistics)",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/crimeandjustice/datasets/recordedcrimedatabycommunitysafetypartnershiparea",
        "year ending March 2024",
        32.0,
        (0.06, 0.02, -0.04, 0.03, -0.05, -0.01, 0.04, 0.05, -0.06, 0.02),
    ),
    DemoIndicator(
        "Permanent exclusions",
        "per 1,000 pupils",
        0.5,
        "Suspensions and permanent exclusions in England (Department for Education), published "
        "by local authority",
        "https://explore-education-statistics.service.gov.uk/find-statistics/suspensions-and-permanent-exclusions-in-england",
        "2022/23",
        1.1,
        (-0.03, 0.05, -0.06, 0.04, 0.02, -0.04, 0.06, -0.02, 0.03, -0.05),
    ),
)

ILLUSTRATIVE_VALUES = (
    "The indicator and its source are real; the demo's ward values are illustrative, in the "
    "range the source publishes, not the published figures for these wards."
)


def add_indicators(session: Session, places: dict[str, Place]) -> int:
    """The demo's indicators and their illustrative values in every place; returns how many."""
    ordered = list(places.values())
    count = 0
    for demo in INDICATORS:
        fields = {
            "name": demo.name,
            "unit": demo.unit,
            "weight": demo.weight,
            "source": demo.source,
            "source_url": demo.source_url,
            "as_at": demo.as_at,
            "illustrative": True,
            "description": ILLUSTRATIVE_VALUES,
        }
        indicator = RiskIndicator(**RiskIndicatorCreate.model_validate(fields).model_dump())
        session.add(indicator)
        session.flush()
        for number, place in enumerate(ordered):
            stray = demo.spread[number % len(demo.spread)]
            value = round(demo.base * place.need_index * (1 + stray), 3)
            row = IndicatorValueBase(place_id=place.id, indicator_id=indicator.id, value=value)  # type: ignore[arg-type]
            session.add(IndicatorValue(**row.model_dump()))
            count += 1
    session.flush()
    return count


@dataclass(frozen=True)
class DemoFeedback:
    place: str
    intervention: str
    respondents: str
    people: int
    month: int  # of 2026, within the first planned year
    rating: int
    what_works: str
    what_to_change: str


FEEDBACK: tuple[DemoFeedback, ...] = (
    DemoFeedback(
        "Bradford Moor", "Family Nurse Partnership", "receiving", 12, 10, 4,
        "The same nurse every visit; she helped with housing forms too.",
        "Evening visits for parents who work.",
    ),
    DemoFeedback(
        "Bradford Moor", "Family Nurse Partnership", "delivering", 4, 10, 3,
        "Referrals from midwives arrive early enough to start before 16 weeks.",
        "Caseloads are full; interpreters are hard to book at short notice.",
    ),
    DemoFeedback(
        "Little Horton", "Mentoring for young people at risk", "receiving", 18, 11, 4,
        "Having someone from the area who has been through it.",
        "More sessions in the school holidays.",
    ),
    DemoFeedback(
        "Little Horton", "Mentoring for young people at risk", "delivering", 6, 11, 2,
        "Young people keep coming once they have met their mentor.",
        "Not enough volunteer mentors to keep the waiting list under a month.",
    ),
)  # fmt: skip


def add_feedback(session: Session, places: dict[str, Place], interventions: dict[str, Any]) -> int:
    """Illustrative consultation feedback in the demo place lead's places."""
    count = 0
    for demo in FEEDBACK:
        fields = {
            "place_id": places[demo.place].id,
            "intervention_id": interventions[demo.intervention].id,
            "year": 2026,
            "respondents": demo.respondents,
            "people_consulted": demo.people,
            "consulted_on": date(2026, demo.month, 14),
            "rating": demo.rating,
            "what_works": demo.what_works,
            "what_to_change": f"{demo.what_to_change} (Illustrative demo feedback.)",
        }
        feedback = Consultation(**ConsultationCreate.model_validate(fields).model_dump())
        feedback.recorded_by_name = "Pat Place Lead (demo)"
        session.add(feedback)
        count += 1
    session.flush()
    return count


# Illustrative shared volunteers: about eight per place at average need, more where need is
# higher, each giving 60 hours a year (an hour and a half a week in term time) and costing £450
# a year to recruit, train and supervise (DBS check, training days, a coordinator's time).
HOURS_PER_VOLUNTEER = 60
COST_PER_VOLUNTEER = Decimal(450)


def add_volunteers(session: Session, places: dict[str, Place]) -> int:
    """The demo's illustrative shared volunteers in every place and planned year."""
    count = 0
    for number, place in enumerate(places.values()):
        volunteers = round(8 * place.need_index) + number % 3
        for offset, year in enumerate(DEMO_YEARS):
            fields = {
                "place_id": place.id,
                "year": year,
                "hours": (volunteers + offset) * HOURS_PER_VOLUNTEER,
                "hours_per_volunteer": HOURS_PER_VOLUNTEER,
                "cost_per_volunteer": COST_PER_VOLUNTEER,
                "illustrative": True,
                "notes": "Illustrative demo figures.",
            }
            session.add(VolunteerPool(**VolunteerPoolCreate.model_validate(fields).model_dump()))
            count += 1
    session.flush()
    return count


# The demo's open participatory budget, in the place lead's first place, on a scenario the demo
# does not agree, so trying it never changes the agreed plan. Its voting codes are fixed and
# printed by `planner demo`, so anyone trying the demo can vote.
BALLOT_SCENARIO = "Strong evidence only"
BALLOT_PLACE = "Bradford Moor"
DEMO_VOTING_CODES = ("DEMOA-23456", "DEMOB-23456", "DEMOC-23456", "DEMOD-23456", "DEMOE-23456")


def add_ballot(session: Session, places: dict[str, Place], interventions: dict[str, Any]) -> str:
    """One open ballot (illustrative) with two interventions and two community proposals, and
    five demo voting codes; returns the line `planner demo` prints about it."""
    scenario = session.exec(select(Scenario).where(Scenario.name == BALLOT_SCENARIO)).one()
    place = places[BALLOT_PLACE]
    now = utc_now().replace(second=0, microsecond=0)
    fields = {
        "scenario_id": scenario.id,
        "place_id": place.id,
        "title": f"{BALLOT_PLACE} decides 2026/27",
        "year": 2026,
        "amount": Decimal(30000),
        "kind": BallotKind.APPROVAL,
        "points": 10,
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=60),
        "introduction": "Illustrative demo ballot: tick the projects you would like the "
        "partnership to fund in Bradford Moor next year.",
    }
    ballot = Ballot(**BallotCreate.model_validate(fields).model_dump())
    session.add(ballot)
    session.flush()
    mentoring = interventions["Mentoring for young people at risk"]
    parenting = interventions["Incredible Years Preschool"]
    projects = (
        ("Mentoring for 8 young people", "", mentoring.id, 8, mentoring.unit_cost * 8,
         mentoring.category.label, 8),
        ("Parenting group for 10 families", "", parenting.id, 10, parenting.unit_cost * 10,
         parenting.category.label, 30),
        ("Friday night youth club", "Two youth workers and a hall for a year.", None, 0,
         Decimal(12000), "Youth", 60),
        ("Safer walking routes to school", "Lighting and volunteer walking buses.", None, 0,
         Decimal(9000), "Community safety", 400),
    )  # fmt: skip
    for title, about, intervention_id, participants, cost, category, reached in projects:
        option = OptionCreate(
            title=title,
            description=about,
            intervention_id=intervention_id,
            participants=participants,
            cost=cost,
            category=category,
            people_reached=reached,
        )
        session.add(BallotOption(**option.model_dump(), ballot_id=stored_id(ballot)))
    for code in DEMO_VOTING_CODES:
        session.add(
            VotingCode(ballot_id=ballot.id, code_hash=code_hash(code), voter_group="Demo cards")  # type: ignore[arg-type]
        )
    session.flush()
    return (
        f"Residents of {BALLOT_PLACE} can vote on the demo's open participatory budget at "
        f"/vote/{ballot.id} with any of these codes: {', '.join(DEMO_VOTING_CODES)}."
    )


# Illustrative providers: who typically delivers each kind of programme, not named organisations.
VOLUNTARY_SHARE_BY_CATEGORY = {
    "mentoring": 100.0,
    "domestic_abuse": 100.0,
    "parenting": 50.0,
    "family_support": 30.0,
    "mental_health": 20.0,
}


def add_providers(session: Session, interventions: dict[str, Any]) -> int:
    """Every demo intervention's illustrative providers: a voluntary or community organisation
    for its category's usual share of delivery, a public body for the rest."""
    count = 0
    for intervention in interventions.values():
        voluntary = VOLUNTARY_SHARE_BY_CATEGORY.get(intervention.category.value, 0.0)
        parts = [
            ("Local voluntary and community organisations", Sector.VOLUNTARY_COMMUNITY, voluntary),
            ("Council and NHS teams", Sector.PUBLIC, 100.0 - voluntary),
        ]
        for name, sector, share in parts:
            if share <= 0:
                continue
            fields = {
                "intervention_id": intervention.id,
                "name": name,
                "sector": sector,
                "share_percent": share,
                "illustrative": True,
            }
            session.add(Provider(**ProviderCreate.model_validate(fields).model_dump()))
            count += 1
    session.flush()
    return count
