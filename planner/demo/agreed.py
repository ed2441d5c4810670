"""The demo's agreed plan and its first delivery figures, so every role has something to see.

Right after the demo partnership is loaded, its first scenario is solved through the solving
service, the demo administrator marks the plan as agreed (through the agreement service, so it is
audited like any agreement), and the demo place lead records illustrative delivery for part of
2026/27 in their places (through the delivery service, checked and audited). A place lead who
signs in then sees allocations and planned against delivered at once.
"""

from __future__ import annotations

from sqlmodel import Session, select

from models import Intervention, Place, Plan, PlanAllocation, User
from models.plan import PlanStatus
from models.vocabulary import Role, financial_year_label
from planner.auth.service import SignedInUser, signed_in
from planner.db import new_session
from planner.delivery.agreement import agree_plan
from planner.delivery.service import record_delivery
from planner.demo import partnership
from planner.demo.content import DemoSignIn
from planner.demo.inyear import record_demo_outcomes, record_demo_spend
from planner.solving.service import scenario_by_name, solve_plan_with_pooling, start_plan

AGREED_SCENARIO = partnership.SCENARIOS[0].name
AGREEMENT_NOTE = "Agreed at the partnership board (illustrative demo agreement)"

# The year under way in the demo's story (late in 2026): delivery is recorded for it only.
DELIVERY_YEAR = 2026
# Interventions per place that already have figures: the rest show as not recorded yet.
RECORDED_PER_PLACE = 4
# For each recorded intervention in turn: the share of the planned people who have started so
# far (about half, seven months into the year), and the share of those who have completed.
PROGRESS = ((0.55, 0.30), (0.45, 0.20), (0.60, 0.40), (0.50, 0.25))


def agree_demo_plan() -> list[str]:
    """Solve, agree and record delivery against the demo's first scenario; the lines to print.

    Never raises for a plan that could not be solved: the demo is still usable without it, and
    the line says why there is no agreed plan.
    """
    with new_session() as session:
        admin = _demo_user(session, Role.ADMIN)
        lead = _demo_user(session, Role.PLACE_LEAD)
        scenario = scenario_by_name(session, AGREED_SCENARIO)
        plan = start_plan(session, scenario.id, admin)  # type: ignore[arg-type]
        plan = solve_plan_with_pooling(session, plan.id) or plan  # type: ignore[arg-type]
        if not PlanStatus(plan.status).has_allocation:
            return [
                f'The demo plan of "{AGREED_SCENARIO}" could not be solved ({plan.message}), '
                "so no plan is agreed yet."
            ]
        agree_plan(session, plan.id, admin, AGREEMENT_NOTE)  # type: ignore[arg-type]
        lead_places = _demo_sign_in(Role.PLACE_LEAD).places
        recorded = _record_delivery(session, plan, lead, lead_places)
        finance = _demo_user(session, Role.FINANCE_LEAD)
        quarters = record_demo_spend(session, plan, finance, lead_places)
        outcomes = record_demo_outcomes(session, plan, lead, lead_places)
    places = " and ".join(lead_places)
    return [
        f'Solved "{AGREED_SCENARIO}" as plan {plan.id}; {admin.name} marked it as agreed. '
        f"{lead.name} has recorded {financial_year_label(DELIVERY_YEAR)} delivery for "
        f"{recorded} of its allocations in {places} (illustrative figures).",
        f"{finance.name} has recorded {quarters} quarters of spend and forecasts against it "
        f"(illustrative figures), and {lead.name} {outcomes} observed outcomes.",
    ]


def _demo_sign_in(role: Role) -> DemoSignIn:
    return next(demo for demo in partnership.SIGN_INS if demo.role == role)


def _demo_user(session: Session, role: Role) -> SignedInUser:
    """The demo sign-in with this role, acting through the services as if signed in."""
    user = session.exec(select(User).where(User.email == _demo_sign_in(role).email)).one()
    if not user.active:
        raise LookupError(f"the demo {role.label} sign-in is not active")
    return signed_in(session, user)


def _record_delivery(
    session: Session, plan: Plan, lead: SignedInUser, place_names: tuple[str, ...]
) -> int:
    """Illustrative figures for the plan's largest allocations in each of the lead's places."""
    interventions = {i.name: i.id for i in session.exec(select(Intervention)).all()}
    places = {p.name: p.id for p in session.exec(select(Place)).all()}
    recorded = 0
    for turn, place_name in enumerate(place_names):
        # Each place is at its own stage: the same figures everywhere would look made up.
        progress = PROGRESS[turn:] + PROGRESS[:turn]
        allocations = session.exec(
            select(PlanAllocation).where(
                PlanAllocation.plan_id == plan.id,
                PlanAllocation.place_name == place_name,
                PlanAllocation.year == DELIVERY_YEAR,
            )
        ).all()
        largest = sorted(allocations, key=lambda row: (-row.participants, row.intervention_name))
        for allocation, (started_share, completed_share) in zip(
            largest[:RECORDED_PER_PLACE], progress, strict=False
        ):
            started = max(1, round(allocation.participants * started_share))
            record_delivery(
                session,
                {
                    "place_id": places[place_name],
                    "intervention_id": interventions[allocation.intervention_name],
                    "year": DELIVERY_YEAR,
                    "started": started,
                    "completed": round(started * completed_share),
                    "notes": "Illustrative demo figures",
                },
                actor=lead,
                scope=lead.place_ids,
            )
            recorded += 1
    return recorded
