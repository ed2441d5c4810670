"""The demo partnership: what it holds, where its figures come from, and loading it twice."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlmodel import func, select

from models import (
    AuditEvent,
    BudgetLine,
    CostShare,
    DeliveryRecord,
    DemandType,
    ExistingContract,
    Intervention,
    Partner,
    Place,
    Plan,
    Scenario,
    User,
    UserPlace,
)
from models.intervention import InterventionCategory
from models.plan import PlanStatus
from models.vocabulary import PartnerKind, Role
from planner.auth.service import authenticate
from planner.db import new_session
from planner.delivery.agreement import current_agreement
from planner.delivery.service import delivery_against_plan
from planner.demo.content import DEMO_PASSWORD
from planner.demo.evidence import PRISON_AWARENESS
from planner.demo.loader import DemoError, ensure_demo, load_demo
from tests.conftest import empty_database, make_app, sign_in

COUNCILS = {"Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"}


@pytest.fixture(scope="module")
def demo(postgres_url: str | None, tmp_path_factory: Any) -> Iterator[tuple[Flask, list[str]]]:
    """One app per module, the demo loaded by `ensure_demo` into an empty database."""
    folder = tmp_path_factory.mktemp("demo")
    app = make_app(postgres_url or f"sqlite:///{folder / 'planner.sqlite'}", folder)
    empty_database(app)
    with app.app_context():
        lines = ensure_demo()
    yield app, lines
    empty_database(app)


@pytest.fixture
def demo_app(demo: tuple[Flask, list[str]]) -> Flask:
    return demo[0]


def count(app: Flask, table: type) -> int:
    with app.app_context(), new_session() as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_serve_demo_loads_an_empty_database_and_prints_the_sign_ins(
    demo: tuple[Flask, list[str]],
) -> None:
    _app, lines = demo
    text = "\n".join(lines)
    assert text.startswith("Loaded the demo partnership")
    assert DEMO_PASSWORD in text
    for email in ("admin@demo.example", "commissioner@demo.example", "finance@demo.example"):
        assert email in text
    assert "placelead@demo.example" in text and "Bradford Moor" in text


def test_demo_holds_a_west_yorkshire_partnership(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        partners = session.exec(select(Partner)).all()
        kinds = {partner.kind for partner in partners}
        councils = [p for p in partners if p.kind == PartnerKind.LOCAL_AUTHORITY]
        places = session.exec(select(Place)).all()
        interventions = session.exec(select(Intervention)).all()
        scenarios = {s.name: s for s in session.exec(select(Scenario)).all()}
        lines = session.exec(select(BudgetLine)).all()
        contracts = session.exec(select(ExistingContract)).all()
        councils_fund_own_district = all(
            line.districts == [council.district]
            for council in councils
            for line in council.budget_lines
        )
    assert kinds == {
        PartnerKind.POLICE,
        PartnerKind.LOCAL_AUTHORITY,
        PartnerKind.NHS,
        PartnerKind.VIOLENCE_REDUCTION_UNIT,
        PartnerKind.VOLUNTARY_SECTOR,
    }
    assert {council.district for council in councils} == COUNCILS
    assert 12 <= len(places) <= 20 and {place.district for place in places} == COUNCILS
    assert 12 <= len(interventions) <= 20
    assert {i.category for i in interventions} >= set(InterventionCategory) - {
        InterventionCategory.OTHER
    }
    assert 5 <= count(demo_app, DemandType) <= 8
    assert set(scenarios) == {"Pooled 2026-29", "Each partner alone", "Strong evidence only"}
    assert scenarios["Each partner alone"].funding_mode == "separate"
    assert scenarios["Strong evidence only"].min_evidence_rating == "3"
    assert {line.year for line in lines} == {2026, 2027, 2028}
    assert any(line.minimum for line in lines) and any(line.ring_fence for line in lines)
    assert councils_fund_own_district
    assert contracts


def test_prison_awareness_is_rated_ne(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        harmful = session.exec(
            select(Intervention).where(Intervention.name == PRISON_AWARENESS)
        ).one()
    assert harmful.evidence_rating == "NE"
    assert "harmful" in harmful.description.lower()


def test_every_cost_share_totals_one_hundred_percent(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        totals = session.exec(
            select(CostShare.demand_type_id, func.sum(CostShare.share_percent)).group_by(
                CostShare.demand_type_id
            )
        ).all()
    assert len(totals) == count(demo_app, DemandType)
    assert all(Decimal(total) == Decimal(100) for _demand, total in totals)


def test_ratings_and_unit_costs_name_their_sources(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        interventions = session.exec(select(Intervention)).all()
        demand_types = session.exec(select(DemandType)).all()
    for intervention in interventions:
        assert intervention.rating_source and intervention.rating_date, intervention.name
        assert intervention.rating_url.startswith("http"), intervention.name
        assert intervention.illustrative and "Illustrative" in intervention.description
    eif = [i for i in interventions if i.rating_source.startswith("EIF")]
    assert len(eif) >= 8 and all(i.cost_rating for i in eif)
    for demand in demand_types:
        assert demand.cost_source and demand.cost_published, demand.name
        assert demand.cost_source_url.startswith("https://"), demand.name
        assert demand.price_year == "2022/23", demand.name
        assert "Published as £" in demand.description, demand.name
    addresses = [i.rating_url for i in interventions] + [d.cost_source_url for d in demand_types]
    for address in addresses:
        host = address.split("/")[2]
        assert not host.endswith("."), address
        assert host not in ("betshy.com", "studyres.com", "vdocument.in"), address


def test_unit_costs_are_in_one_price_year(demo_app: Flask) -> None:
    """Each published figure times deflator(2022/23) / deflator(its year), to the pound."""
    from planner.demo.prices import GDP_DEFLATORS, in_demo_prices
    from planner.demo.unit_costs import DEMAND_TYPES

    assert in_demo_prices(Decimal("645"), 2016) == Decimal("777")  # 645 x 100 / 83.0
    assert in_demo_prices(Decimal("334"), 2011) == Decimal("434")  # 334 x 100 / 76.9
    assert in_demo_prices(Decimal("1260"), 2022) == Decimal("1260")
    with pytest.raises(ValueError, match="no GDP deflator for 2040/41"):
        in_demo_prices(Decimal("1"), 2040)
    with demo_app.app_context(), new_session() as session:
        stored = {d.name: d for d in session.exec(select(DemandType)).all()}
    for published in DEMAND_TYPES:
        demand = stored[published.name]
        expected = Decimal(published.published_cost) * GDP_DEFLATORS[2022]
        expected /= GDP_DEFLATORS[published.published_year]
        assert abs(demand.unit_cost - expected) <= Decimal("0.5"), demand.name
        assert f"£{int(published.published_cost):,}" in demand.description
    foster = stored["Child in foster care for a year"]
    assert foster.unit_cost == Decimal("40472")
    assert (
        "Published as £33,592 in 2016/17 prices; converted to 2022/23 prices with HM Treasury "
        "GDP deflators (83.0 to 100.0): £40,472." in foster.description
    )
    # Its cost range follows, with its own source.
    assert foster.description.endswith("that range's width is applied to the cost above.")
    unstated = stored["Anti-social behaviour incident"]
    assert "with no price year stated, taken as 2012/13 prices (" in unstated.description


def test_the_demand_types_page_states_the_price_year(demo_app: Flask) -> None:
    client = demo_app.test_client()
    sign_in(client, "commissioner@demo.example", DEMO_PASSWORD)
    page = client.get("/inputs/demand-types").get_data(as_text=True)
    assert "Every unit cost is in 2022/23 prices." in page
    assert "Price year: 2022/23" in page
    assert "not stated by the source prices" not in page
    assert "How this cost was worked out" in page


def test_each_role_has_a_demo_sign_in(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        users = {user.role: user for user in session.exec(select(User)).all()}
        assert set(users) == set(Role)
        lead_places = session.exec(
            select(UserPlace).where(UserPlace.user_id == users[Role.PLACE_LEAD].id)
        ).all()
        assert authenticate(session, "finance@demo.example", DEMO_PASSWORD) is not None
    assert len(lead_places) == 2


def test_demo_comes_with_an_agreed_plan_and_delivery_under_way(demo_app: Flask) -> None:
    """The first scenario is solved and agreed by the demo administrator (audited), and the
    place lead has recorded about half the planned people started in 2026/27 for a few of the
    plan's allocations in their own places only."""
    with demo_app.app_context(), new_session() as session:
        agreement = current_agreement(session)
        assert agreement is not None and agreement.scenario_name == "Pooled 2026-29"
        assert agreement.agreed_by_name == "Alex Admin (demo)"
        plan = session.get(Plan, agreement.plan_id)
        assert plan is not None and plan.status == PlanStatus.OPTIMAL and plan.total_spend
        agreed = session.exec(
            select(AuditEvent).where(AuditEvent.action == "agree", AuditEvent.entity == "plan")
        ).one()
        assert agreed.user_name == "Alex Admin (demo)" and agreed.entity_id == str(plan.id)
        lead = session.exec(select(User).where(User.role == Role.PLACE_LEAD)).one()
        lead_places = set(
            session.exec(select(UserPlace.place_id).where(UserPlace.user_id == lead.id)).all()
        )
        records = session.exec(select(DeliveryRecord)).all()
        lines = [line for line in delivery_against_plan(session, plan.id) if line.recorded]
    assert {record.place_id for record in records} == lead_places
    assert {record.year for record in records} == {2026}
    assert 4 <= len(records) <= 12
    assert all(0 < record.completed < record.started for record in records)
    assert len(lines) == len(records)
    assert all(line.planned >= 1 and 0.4 <= line.started_share <= 0.65 for line in lines)  # type: ignore[operator]

    client = demo_app.test_client()
    sign_in(client, "placelead@demo.example", DEMO_PASSWORD)
    place_id = next(iter(lead_places))
    page = client.get(f"/place-teams/{place_id}").get_data(as_text=True)
    assert "Planned against delivered" in page and "Pooled 2026-29" in page
    assert f"{lines[0].started:,}" in page and "of planned started" in page
    commissioner = demo_app.test_client()
    sign_in(commissioner, "commissioner@demo.example", DEMO_PASSWORD)
    plans = commissioner.get("/plans/").get_data(as_text=True)
    assert f"/plans/{plan.id}" in plans


def test_loading_again_refuses_and_changes_nothing(demo_app: Flask) -> None:
    before = count(demo_app, Partner), count(demo_app, AuditEvent)
    with demo_app.app_context(), pytest.raises(DemoError, match="--reset"):
        load_demo()
    assert (count(demo_app, Partner), count(demo_app, AuditEvent)) == before


def test_planner_demo_twice_fails_in_one_line(demo_app: Flask) -> None:
    result = demo_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "already holds a partnership" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_demo_on_a_partnership_keeps_it_and_its_sign_ins(demo_app: Flask) -> None:
    before = count(demo_app, Partner), count(demo_app, User)
    with demo_app.app_context():
        lines = ensure_demo()
    assert "was not loaded" in lines[0]
    assert any("already there" in line for line in lines)
    assert (count(demo_app, Partner), count(demo_app, User)) == before


def test_reset_replaces_everything_with_the_demo(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        session.add(Partner(name="A partner of our own"))
        session.commit()
    partners = count(demo_app, Partner)
    with demo_app.app_context():
        lines = load_demo(reset=True)
    assert lines[0].startswith("Loaded the demo partnership")
    assert count(demo_app, Partner) == partners - 1
    with demo_app.app_context(), new_session() as session:
        assert (
            session.exec(select(Partner).where(Partner.name == "A partner of our own")).first()
            is None
        )
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "demo")).all()
    assert len(events) == 1 and "after deleting every record" in events[0].summary
