"""Building the stop list from the agreed plan and the current evidence, and re-solving without it.

Committed activity is what the agreed plan was solved with and funds: each existing contract,
and each partner's agreed funding of an intervention beyond its contracts. An activity is listed
when its intervention is now rated NE or below the partnership's minimum rating (the agreed
plan's rule), with the ratings as they stand in the evidence register today.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

import optimiser as opt
from models import Intervention, Plan
from models.plan import PlanKind
from optimiser.replan import replan_inputs, with_evidence
from optimiser.stopping import Commitment, StopItem, stop_inputs, stop_list
from planner.audit.service import Actor
from planner.delivery.agreement import agreed_plan
from planner.replanning.followups import (
    held_funding,
    require_solved,
    start_followup,
    year_under_way,
)
from planner.solving.snapshot import inputs_from_snapshot
from planner.spend.variance import planned_payments


@dataclass
class StopList:
    plan: Plan
    year: int
    minimum: str
    items: list[StopItem]

    @property
    def freed_by_year(self) -> dict[int, float]:
        totals: dict[int, float] = defaultdict(float)
        for item in self.items:
            for year, amount in item.freed.items():
                totals[year] += amount
        return dict(sorted(totals.items()))

    @property
    def freed_total(self) -> float:
        return sum(self.freed_by_year.values())


def current_inputs(session: Session, plan: Plan) -> tuple[opt.PlanningInputs, opt.ScenarioRules]:
    """The plan's inputs with each intervention's rating as the register has it today."""
    inputs, rules = inputs_from_snapshot(plan.inputs)
    ratings = {i.name: i.evidence_rating for i in session.exec(select(Intervention)).all()}
    for intervention in inputs.interventions:
        now = ratings.get(intervention.key)
        if now is not None and now != intervention.evidence_rating:
            inputs = with_evidence(inputs, intervention.key, evidence_rating=now)
    return inputs, rules


def commitments(plan: Plan, inputs: opt.PlanningInputs, from_year: int) -> list[Commitment]:
    """Contracts, and agreed funding beyond them, from ``from_year`` on."""
    items: list[Commitment] = []
    contracted: dict[tuple[str, str, int], float] = defaultdict(float)
    for contract in inputs.contracts:
        years = {y: contract.amount_per_year for y in contract.years if y >= from_year}
        for year in contract.years:
            contracted[(contract.partner, contract.intervention, year)] += contract.amount_per_year
        if years:
            items.append(
                Commitment(
                    contract.partner,
                    contract.intervention,
                    years,
                    contract.place,
                    tuple(contract.years),
                )
            )
    funded: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for (partner, intervention, _place, year), amount in planned_payments(plan).items():
        if year >= from_year:
            funded[(partner, intervention)][year] = funded[(partner, intervention)].get(
                year, 0.0
            ) + float(amount)
    for (partner, intervention), years in sorted(funded.items()):
        beyond = {
            year: round(amount - contracted.get((partner, intervention, year), 0.0), 2)
            for year, amount in years.items()
        }
        beyond = {year: amount for year, amount in beyond.items() if amount > 0.5}
        if beyond:
            items.append(Commitment(partner, intervention, beyond))
    return items


def build_stop_list(session: Session) -> StopList | None:
    plan = agreed_plan(session)
    if plan is None or not plan.result:
        return None
    inputs, rules = current_inputs(session, plan)
    year = year_under_way(session, plan)
    items = stop_list(inputs, rules, commitments(plan, inputs, year), year)
    return StopList(plan, year, rules.min_evidence_rating, items)


def start_stop_resolve(session: Session, actor: Actor) -> Plan:
    """Queue the agreed plan re-solved from the year under way with every listed activity
    stopped at its break point, so the page can show what the freed money would buy."""
    plan = require_solved(agreed_plan(session), "re-solve")
    listed = build_stop_list(session)
    inputs, rules = current_inputs(session, plan)
    year = year_under_way(session, plan)
    stopped = {
        (i.commitment.partner, i.commitment.intervention) for i in (listed.items if listed else [])
    }
    held = [
        h for h in held_funding(session, plan, year) if (h.partner, h.intervention) not in stopped
    ]
    inputs, rules = replan_inputs(inputs, rules, held, year)
    inputs, rules = stop_inputs(inputs, rules, listed.items if listed else [])
    freed = listed.freed_total if listed else 0.0
    aside = sum(
        amount
        for item in (listed.items if listed else [])
        for year, amount in item.committed_before_break.items()
        if year >= year
    )
    return start_followup(
        session,
        plan,
        actor,
        PlanKind.STOP_LIST,
        inputs,
        rules,
        {
            "from_year": year,
            "summary": (
                f"{len(stopped)} activities stopped at their break points, freeing £{freed:,.0f}; "
                f"the £{aside:,.0f} committed to them before then is spent whatever happens, so "
                "it is set aside and left out of the re-solve's figures (partners pay it as well)"
            ),
        },
    )
