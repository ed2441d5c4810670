"""The demo's first two quarters of spend and a forecast for the third, and a few outcomes.

Recorded through the spend and outcome services as the demo finance lead and place lead, so they
are checked and audited like any figures. The figures are illustrative: each of the largest
allocations runs a little under or over its plan, so the variance and headroom tables have
something to say.
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, select

from models import DemandType, Place, Plan
from planner.auth.service import SignedInUser
from planner.outcomes.impact import expected_by_year
from planner.outcomes.service import record_outcome
from planner.spend.service import record_spend
from planner.spend.variance import planned_payments, record_names

SPEND_YEAR = 2026
ALLOCATIONS_WITH_SPEND = 8
# For each allocation in turn: Q1 and Q2 actual, and the Q3 forecast, as shares of the planned quarter.
PROFILES = ((0.92, 1.04, 1.0), (0.80, 0.95, 1.10), (1.10, 1.15, 1.05), (0.60, 0.85, 1.0))
NOTE = "Illustrative demo figures"


def record_demo_spend(
    session: Session, plan: Plan, finance: SignedInUser, places: tuple[str, ...]
) -> int:
    """Quarters recorded for the plan's largest payments in the demo year in ``places`` (where the
    place lead records delivery, so cost per person has both halves); returns how many."""
    ids = {
        kind: {name: key for key, name in names.items()}
        for kind, names in record_names(session).items()
    }
    payments = sorted(
        planned_payments(plan, SPEND_YEAR).items(),
        key=lambda item: (item[0][2] not in places, -item[1], item[0]),
    )
    recorded = 0
    for turn, ((partner, intervention, place, year), amount) in enumerate(
        payments[:ALLOCATIONS_WITH_SPEND]
    ):
        quarter_plan = amount / 4
        q1, q2, q3 = PROFILES[turn % len(PROFILES)]
        for quarter, share, kind in ((1, q1, "actual"), (2, q2, "actual"), (3, q3, "forecast")):
            record_spend(
                session,
                {
                    "partner_id": ids["partner"][partner],
                    "intervention_id": ids["intervention"][intervention],
                    "place_id": ids["place"][place],
                    "year": year,
                    "quarter": quarter,
                    kind: (quarter_plan * Decimal(str(share))).quantize(Decimal("0.01")),
                    "notes": NOTE,
                },
                actor=finance,
            )
            recorded += 1
    return recorded


OUTCOME_YEAR = 2026
# Illustrative counts: the baseline is a round multiple of what the plan expects to avoid, and
# each place's observed figure lands a little differently against it.
OUTCOME_SHAPES = ((8, 0.93), (5, 1.04))


def record_demo_outcomes(
    session: Session, plan: Plan, lead: SignedInUser, places: tuple[str, ...]
) -> int:
    """A baseline and an observed count for the two demand types the plan expects to avoid most
    in each of the place lead's places; returns how many were recorded."""
    expected = expected_by_year(plan)
    place_ids = {p.name: p.id for p in session.exec(select(Place)).all()}
    demand_ids = {d.name: d.id for d in session.exec(select(DemandType)).all()}
    recorded = 0
    for turn, place in enumerate(places):
        ranked = sorted(
            (
                (units, name)
                for (where, name, year), units in expected.items()
                if where == place and year == OUTCOME_YEAR + 1 and units > 0
            ),
            reverse=True,
        )
        for (units, name), (multiple, observed_share) in zip(
            ranked[:2], OUTCOME_SHAPES[turn % 2 :] + OUTCOME_SHAPES[: turn % 2], strict=False
        ):
            baseline = max(10, round(units * multiple))
            record_outcome(
                session,
                {
                    "place_id": place_ids[place],
                    "demand_type_id": demand_ids[name],
                    "year": OUTCOME_YEAR,
                    "observed": round(baseline * observed_share),
                    "baseline": baseline,
                    "source": "Illustrative demo figures",
                    "notes": "Baseline: 2025/26 (illustrative)",
                },
                actor=lead,
                scope=lead.place_ids,
            )
            recorded += 1
    return recorded
