"""Start a plan of a scenario, solve it (in the background or not) and store what the optimiser says.

`start_plan` records a queued Plan with a snapshot of every input and rule; `run_plan` solves it
from that snapshot and stores its status, timings, model size, headline figures, the optimiser's
whole answer as JSON, and rows of allocations, funding and explanations (by name, so an old plan
still reads correctly after inputs change). Nothing here lets an error escape a worker: a failure
is stored on the plan in words.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import insert
from sqlmodel import Session, SQLModel, col, select

import optimiser as opt
from models import Plan, PlanAllocation, PlanExplanation, PlanFunding, Scenario
from models.fields import utc_now
from models.plan import ExplanationKind, PlanStatus
from models.scenario import FundingMode
from planner.audit.service import record_change
from planner.db import new_session
from planner.jobs.context import JobStopped
from planner.jobs.service import JobInFlight, dispatch, new_job, run_here
from planner.logs import event
from planner.solving.inputs import PlanningInputError, planning_inputs
from planner.solving.jobs import SOLVE_PLAN, scenario_run_key
from planner.solving.pooling_job import (
    WAITING,
    wants_value_of_pooling,
    work_out_value_of_pooling,
)
from planner.solving.snapshot import inputs_from_snapshot, json_ready, take_snapshot
from planner.solving.workers import UNFINISHED, give_up_on_interrupted_plans

COMMAND_LINE = "command line"
SUBJECT_LENGTH = 300
SENTENCE_LENGTH = 2000
MESSAGE_LENGTH = 4000


class Actor(Protocol):
    id: int | None
    name: str


class ScenarioNotFound(LookupError):
    """No scenario has that id or name."""


def start_plan(
    session: Session, scenario_id: int, user: Actor | None, *, time_limit: float | None = None
) -> Plan:
    """Record a queued plan of a scenario, with the snapshot it will be solved from, for the
    caller to solve now (`solve_plan`).

    If the inputs cannot be planned with, the plan is stored already finished, with status
    error and the reason in words, so the person who asked sees why.
    """
    plan = _new_plan(session, scenario_id, user, time_limit)
    session.commit()
    return plan


class RunInFlight(Exception):
    """The scenario already has a run waiting or solving: follow that plan instead."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(f"plan {plan.id} of scenario {plan.scenario_name} is still in flight")
        self.plan = plan


def ask_for_plan(
    session: Session,
    scenario_id: int,
    user: Actor | None,
    *,
    time_limit: float | None = None,
    here: bool = False,
) -> Plan:
    """Record a queued plan and the job that solves it, in one transaction, and send the job to
    be run (or, `here`, run it now in this process). The database refuses a second run of a
    scenario while one is in flight: then RunInFlight names the plan being solved, and nothing
    new is stored."""
    plan = _new_plan(session, scenario_id, user, time_limit)
    if plan.status.finished:  # the inputs cannot be planned with: said on the plan
        session.commit()
        return plan
    try:
        job = new_job(
            session,
            SOLVE_PLAN,
            {"plan_id": plan.id},
            user=user,
            exclusive_key=scenario_run_key(scenario_id),
        )
    except JobInFlight as in_flight:
        running = session.exec(select(Plan).where(Plan.job_id == in_flight.job.id)).first()
        if running is None:
            raise
        raise RunInFlight(running) from None
    plan.job_id = job.id
    session.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    (run_here if here else dispatch)(app, job.id or 0)
    session.refresh(plan)
    return plan


def _new_plan(
    session: Session, scenario_id: int, user: Actor | None, time_limit: float | None
) -> Plan:
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise ScenarioNotFound(f"there is no scenario with id {scenario_id}")
    limit = float(time_limit or _default_time_limit(scenario))
    plan = Plan(
        scenario_id=scenario.id,
        scenario_name=scenario.name,
        status=PlanStatus.QUEUED,
        created_by_id=getattr(user, "id", None),
        created_by_name=getattr(user, "name", None) or COMMAND_LINE,
    )
    try:
        inputs, rules = planning_inputs(session, scenario)
        plan.inputs = take_snapshot(session, scenario, inputs, rules, limit)
    except PlanningInputError as error:
        plan.status = PlanStatus.ERROR
        plan.message = str(error)[:MESSAGE_LENGTH]
        plan.finished_at = utc_now()
    session.add(plan)
    session.flush()
    record_change(
        session,
        user,
        "run",
        "plan",
        plan.id,
        None,
        {"scenario": scenario.name, "status": plan.status.value},
        summary=f"Asked for a plan of scenario {scenario.name}",
    )
    return plan


def scenario_by_name(session: Session, name: str) -> Scenario:
    """The scenario with this name (exactly, or ignoring case)."""
    wanted = name.strip()
    scenarios = session.exec(select(Scenario)).all()
    for scenario in scenarios:
        if scenario.name == wanted:
            return scenario
    for scenario in scenarios:
        if scenario.name.casefold() == wanted.casefold():
            return scenario
    known = ", ".join(f'"{s.name}"' for s in sorted(scenarios, key=lambda s: s.name)) or "none"
    raise ScenarioNotFound(f'there is no scenario called "{wanted}" (scenarios: {known})')


def _default_time_limit(scenario: Scenario) -> float:
    """The scenario's own limit, never above the app's SOLVE_TIME_LIMIT."""
    ceiling = float(current_app.config.get("SOLVE_TIME_LIMIT") or scenario.time_limit_seconds)
    return min(float(scenario.time_limit_seconds), ceiling)


def run_plan(app: Flask, plan_id: int) -> None:
    """Solve a plan recorded by `start_plan` as a job: by a worker, in the web process's pool, or
    now when SOLVE_IN_BACKGROUND is off."""
    with app.app_context(), new_session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None or plan.status.finished:
            return
        if plan.job_id is None:
            job = new_job(session, SOLVE_PLAN, {"plan_id": plan_id})
            plan.job_id = job.id
            session.commit()
        dispatch(app, plan.job_id or 0)


def plan_in_progress(session: Session, app: Flask, scenario_id: int) -> Plan | None:
    """The newest plan of the scenario still waiting or being solved, if any (after giving up on
    runs whose worker died), so asking again follows it instead of starting another."""
    give_up_on_interrupted_plans(session, app)
    return session.exec(
        select(Plan)
        .where(Plan.scenario_id == scenario_id, col(Plan.status).in_(UNFINISHED))
        .order_by(col(Plan.id).desc())
    ).first()


def solve_plan(
    session: Session, plan_id: int, *, before_storing: Callable[[], None] | None = None
) -> Plan | None:
    """Solve a queued plan from its snapshot and store the answer; errors are stored, not raised.

    `before_storing` may raise (a job cancelled meanwhile) to store nothing. A plan left
    "solving" by a worker that died is solved again from the start: nothing of the first attempt
    was stored, since the answer is stored in one transaction.
    """
    plan = session.get(Plan, plan_id, populate_existing=True)
    if plan is None or plan.status.finished:
        return plan
    plan.status = PlanStatus.RUNNING
    plan.started_at = utc_now()
    session.commit()
    started = time.perf_counter()
    try:
        answer = _optimise(plan.inputs)
        if before_storing is not None:
            before_storing()
        _store(session, plan, answer)
        session.commit()
    except JobStopped:
        raise
    except Exception as error:  # noqa: BLE001  (a failed solve must never take the worker down)
        session.rollback()
        plan = session.get(Plan, plan_id)
        if plan is None:
            return None
        plan.status = PlanStatus.ERROR
        plan.message = f"The plan could not be solved: {error}"[:MESSAGE_LENGTH]
        plan.finished_at = utc_now()
        session.commit()
        event("plan_failed", plan_id=plan_id, error=str(error))
        return plan
    event(
        "plan_solved",
        plan_id=plan.id,
        scenario=plan.scenario_name,
        status=plan.status.value,
        seconds=round(time.perf_counter() - started, 3),
        variables=plan.variables,
    )
    return plan


def solve_plan_with_pooling(session: Session, plan_id: int) -> Plan | None:
    """Solve a queued plan and work out its value of pooling at once (command line, demo)."""
    plan = solve_plan(session, plan_id)
    if plan is not None and plan.pooling_status == WAITING:
        plan = work_out_value_of_pooling(session, plan_id)
    return plan


def _optimise(snapshot: dict[str, Any]) -> opt.Plan:
    inputs, rules = inputs_from_snapshot(snapshot)
    time_limit = float(snapshot["scenario"]["time_limit_seconds"])
    # The value of pooling is its own job (planner.solving.pooling_job), after the plan.
    separately = snapshot["scenario"]["funding_mode"] == FundingMode.SEPARATE.value
    return opt.optimise(
        inputs, rules, time_limit=time_limit, compare_pooling=False, separately=separately
    )


def _pounds(amount: float | None) -> Decimal | None:
    return None if amount is None else Decimal(str(round(amount, 2)))


def _store(session: Session, plan: Plan, answer: opt.Plan) -> None:
    """The optimiser's answer on the plan row and in its child rows."""
    plan.status = PlanStatus(answer.status.value)
    plan.finished_at = utc_now()
    plan.build_seconds = round(answer.timings.build, 4)
    plan.solve_seconds = round(answer.timings.solve, 4)
    plan.variables = answer.model_size.variables
    plan.constraints = answer.model_size.constraints
    plan.nonzeros = answer.model_size.nonzeros
    plan.result = json_ready(opt.plan_to_dict(answer))
    plan.message = _status_message(answer)[:MESSAGE_LENGTH]
    if answer.status.has_plan:
        plan.objective = _pounds(answer.objective)
        plan.total_spend = _pounds(answer.total_spend)
        plan.total_benefit = _pounds(answer.value_of_demand_avoided)
        # Benefits are real, so the ratio is to spend in the same prices (cash with no index),
        # the ratio the value-for-money rule bounds.
        spend = answer.prices.real_total_spend if answer.prices else answer.total_spend
        plan.benefit_cost_ratio = (
            round(answer.value_of_demand_avoided / spend, 4) if spend > 0 else None
        )
        plan.pooling_gain = None
        plan.pooling_status = WAITING if wants_value_of_pooling(answer) else ""
        _store_allocations(session, plan, answer)
    _store_explanations(session, plan, answer)


def _status_message(answer: opt.Plan) -> str:
    if answer.status is opt.SolveStatus.INFEASIBLE:
        return answer.diagnosis.summary if answer.diagnosis else "The rules cannot all be met."
    if answer.status is opt.SolveStatus.UNBOUNDED:
        return "The rules leave the plan without a limit: a budget or capacity is missing."
    if answer.status is opt.SolveStatus.ERROR:
        # The optimiser's note says which limit stopped the solver, or what failed.
        stopped = " ".join(answer.messages)
        return stopped or "The solver could not find a plan: it stopped with an error."
    return " ".join(answer.messages) if answer.status is opt.SolveStatus.TIME_LIMIT else ""


def _store_allocations(session: Session, plan: Plan, answer: opt.Plan) -> None:
    inputs, _rules = inputs_from_snapshot(plan.inputs)
    districts = {place.key: place.district for place in inputs.places}
    funding: dict[tuple[str, str, int], float] = defaultdict(float)
    rows = []
    for allocation in answer.allocations:
        rows.append(
            {
                "plan_id": plan.id,
                "intervention_name": allocation.intervention,
                "place_name": allocation.place,
                "district": districts.get(allocation.place, ""),
                "year": allocation.year,
                "participants": allocation.participants,
                "cost": _pounds(allocation.cost),
                "demand_avoided_value": _pounds(allocation.value_of_demand_avoided or 0.0),
            }
        )
        for payment in allocation.funding:
            funding[(payment.partner, allocation.intervention, allocation.year)] += payment.amount
    _insert(session, PlanAllocation, rows)
    _insert(
        session,
        PlanFunding,
        [
            {
                "plan_id": plan.id,
                "partner_name": partner,
                "intervention_name": intervention,
                "year": year,
                "amount": _pounds(amount),
            }
            for (partner, intervention, year), amount in sorted(funding.items())
        ],
    )


def _insert(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Many rows in one statement: a plan at partnership scale has tens of thousands."""
    if rows:
        session.execute(insert(table), rows)


def _explanation(
    plan: Plan, kind: ExplanationKind, subject: str, sentence: str, value: float | None = None
) -> dict[str, Any]:
    return {
        "plan_id": plan.id,
        "kind": kind,
        "subject": subject[:SUBJECT_LENGTH],
        "sentence": sentence[:SENTENCE_LENGTH],
        "value": value,
    }


def _store_explanations(session: Session, plan: Plan, answer: opt.Plan) -> None:
    rows = [
        _explanation(plan, ExplanationKind.BINDING, b.row, b.sentence, b.shadow_price)
        for b in answer.binding_constraints
    ]
    rows += [
        _explanation(plan, ExplanationKind.UNFUNDED, n.name, n.sentence, n.reduced_cost)
        for n in answer.not_funded
    ]
    if answer.diagnosis is not None:
        rows.append(
            _explanation(plan, ExplanationKind.DIAGNOSIS, "summary", answer.diagnosis.summary)
        )
        rows += [
            _explanation(plan, ExplanationKind.DIAGNOSIS, c.row, c.sentence, c.shortfall)
            for c in answer.diagnosis.clashes
        ]
    if answer.pooling is not None:
        rows.append(
            _explanation(
                plan,
                ExplanationKind.POOLING,
                "pooling",
                answer.pooling.sentence,
                answer.pooling.value_of_pooling,
            )
        )
    rows += [
        _explanation(plan, ExplanationKind.NOTE, "note", message) for message in answer.messages
    ]
    _insert(session, PlanExplanation, rows)
