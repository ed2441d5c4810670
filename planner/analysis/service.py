"""How sure a plan is: start a Monte Carlo or re-solves on draws, run them, store what they say.

``start_analysis`` checks the request (a plan with allocations, a number of draws and a seed in
range) and records a queued ``PlanAnalysis``; ``run_analysis`` does the work outside the web
request (``planner.analysis.runner``) and stores progress as it goes, so the plan page's progress
bar can follow it. The optimiser does the sums (``optimiser.montecarlo``, ``optimiser.tornado``,
``optimiser.robust``); this module only feeds it the plan's own snapshot and keeps the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

import optimiser as opt
from models import Job, Plan, PlanAnalysis
from models.analysis import AnalysisKind, AnalysisStatus
from models.fields import utc_now
from models.scenario import FundingMode
from optimiser.montecarlo import simulate_plan
from optimiser.robust import DEFAULT_RESOLVES, MOST_RESOLVES, DrawOutcome, summarise
from optimiser.tornado import tornado
from optimiser.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, MOST_DRAWS
from planner.audit.service import record_change
from planner.inputs.validation import InputError
from planner.solving.snapshot import inputs_from_snapshot, json_ready

MOST_SEED = 2**32 - 1
TORNADO_BARS = 15
MESSAGE_LENGTH = 4000

DEFAULT_COUNT = {AnalysisKind.MONTE_CARLO: DEFAULT_DRAWS, AnalysisKind.ROBUSTNESS: DEFAULT_RESOLVES}
# What the plan page's form offers, and the limits it states.
ANALYSIS_DEFAULTS = {
    "monte_carlo_draws": DEFAULT_DRAWS,
    "robustness_draws": DEFAULT_RESOLVES,
    "seed": DEFAULT_SEED,
    "most_draws": MOST_DRAWS,
    "most_resolves": MOST_RESOLVES,
}
MOST_COUNT = {AnalysisKind.MONTE_CARLO: MOST_DRAWS, AnalysisKind.ROBUSTNESS: MOST_RESOLVES}


def _whole_number(value: object, field: str, lowest: int, highest: int, words: str) -> int:
    text = "" if value is None else str(value).replace(",", "").strip()
    try:
        number = int(text)
    except ValueError:
        raise InputError({field: f"{words} must be a whole number, like 10000"}) from None
    if not lowest <= number <= highest:
        raise InputError({field: f"{words} must be from {lowest:,} to {highest:,}"})
    return number


def parse_request(fields: dict[str, Any]) -> tuple[AnalysisKind, int, int]:
    """The kind, number of draws and seed asked for, or InputError naming the field."""
    try:
        kind = AnalysisKind(str(fields.get("kind") or ""))
    except ValueError:
        raise InputError({"kind": "choose Monte Carlo or re-solves on draws"}) from None
    draws_given = fields.get("draws")
    draws = (
        DEFAULT_COUNT[kind]
        if draws_given in (None, "")
        else _whole_number(draws_given, "draws", 1, MOST_COUNT[kind], "The number of draws")
    )
    seed_given = fields.get("seed")
    seed = (
        DEFAULT_SEED
        if seed_given in (None, "")
        else _whole_number(seed_given, "seed", 0, MOST_SEED, "The seed")
    )
    return kind, draws, seed


def start_analysis(
    session: Session, plan: Plan, fields: dict[str, Any], actor: Any | None
) -> PlanAnalysis:
    """Record a queued analysis of a plan; InputError (by field) when it cannot be run."""
    kind, draws, seed = parse_request(fields)
    if not plan.status.has_allocation:
        raise InputError({"kind": "this plan has no allocations to analyse"})
    if (
        kind is AnalysisKind.ROBUSTNESS
        and plan.inputs.get("scenario", {}).get("funding_mode") == FundingMode.SEPARATE.value
    ):
        raise InputError(
            {
                "kind": "re-solves compare plans of the pooled model; this plan is of partners "
                "commissioning separately, so run the Monte Carlo instead"
            }
        )
    if kind is AnalysisKind.ROBUSTNESS and plan.inputs.get("rules", {}).get("target"):
        raise InputError(
            {
                "kind": "re-solves compare plans that make the most of the budgets; this plan is "
                "the least cost to reach a target, so run the Monte Carlo instead"
            }
        )
    analysis = PlanAnalysis(
        plan_id=plan.id,  # type: ignore[arg-type]
        kind=kind,
        draws=draws,
        seed=seed,
        created_by_name=getattr(actor, "name", "") or "command line",
    )
    session.add(analysis)
    session.flush()
    record_change(
        session,
        actor,
        "run",
        "plan_analysis",
        analysis.id,
        None,
        {"plan": plan.id, "kind": kind.value, "draws": draws, "seed": seed},
        summary=f"Asked for {kind.label.lower()} of plan {plan.id} ({draws:,} draws)",
    )
    session.commit()
    return analysis


def latest_analyses(session: Session, plan_id: int) -> dict[str, PlanAnalysis]:
    """The newest analysis of each kind for a plan, by kind."""
    found: dict[str, PlanAnalysis] = {}
    rows = session.exec(
        select(PlanAnalysis)
        .where(PlanAnalysis.plan_id == plan_id)
        .order_by(col(PlanAnalysis.id).desc())
    ).all()
    for row in rows:
        found.setdefault(row.kind.value, row)
    return found


def analysis_status(analysis: PlanAnalysis, job: Job | None = None) -> dict[str, Any]:
    """What the progress bar polls: how far it has got (from its job's progress while it runs),
    and whether it is done."""
    done = analysis.done
    if job is not None and not analysis.status.finished:
        done = max(done, round(analysis.draws * job.progress / 100))
    return {
        "id": analysis.id,
        "kind": analysis.kind.value,
        "status": analysis.status.value,
        "finished": analysis.status.finished,
        "done": done,
        "draws": analysis.draws,
        "words": job.progress_message if job is not None else "",
        "message": analysis.message,
    }


def run_monte_carlo(session: Session, analysis: PlanAnalysis, plan: Plan) -> None:
    """The plan's value over the draws, and the tornado bars, stored on the analysis."""
    inputs, rules = inputs_from_snapshot(plan.inputs)
    answer = opt.plan_from_dict(plan.result)
    simulated = simulate_plan(answer, inputs, draws=analysis.draws, seed=analysis.seed, rules=rules)
    bars = tornado(answer, inputs, most=TORNADO_BARS, rules=rules)
    analysis.result = {"monte_carlo": json_ready(simulated), "tornado": json_ready(bars)}
    analysis.done = analysis.draws


def run_robustness(
    session: Session,
    analysis: PlanAnalysis,
    plan: Plan,
    resolve: Callable[
        [dict[str, Any], int, int, int, int, Callable[[int], None]], list[DrawOutcome]
    ],
) -> None:
    """Re-solve the plan's scenario on the draws (``resolve`` shares them among workers and
    reports each finished draw), then the funded shares and regret."""
    inputs, rules = inputs_from_snapshot(plan.inputs)

    def progressed(done: int) -> None:
        analysis.done = done
        session.commit()

    outcomes = resolve(plan.inputs, analysis.draws, analysis.seed, 0, analysis.draws, progressed)
    answer = opt.plan_from_dict(plan.result)
    result = summarise(answer, inputs, rules, outcomes, count=analysis.draws, seed=analysis.seed)
    analysis.result = {"robustness": json_ready(result)}
    analysis.done = analysis.draws


def finish(session: Session, analysis: PlanAnalysis, error: Exception | None) -> None:
    """Mark an analysis finished, or failed with the reason in words."""
    if error is not None:
        session.rollback()
        analysis = session.get(PlanAnalysis, analysis.id, populate_existing=True) or analysis
        analysis.status = AnalysisStatus.FAILED
        analysis.message = f"The analysis could not be finished: {error}"[:MESSAGE_LENGTH]
    else:
        analysis.status = AnalysisStatus.FINISHED
    analysis.finished_at = utc_now()
    session.commit()
