"""From a stored plan (a `models.Plan` row) to the workbook's view of it, and finding the plan a
command line names by number or by scenario."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session, col, select

from models import Intervention, Partner, Plan, PlanAllocation, PlanAnalysis
from models.analysis import AnalysisKind, AnalysisStatus
from models.plan import PlanKind
from models.provider import Provider
from models.vocabulary import financial_year_label
from optimiser import plan_from_dict
from planner.excel.plan_changes import PlanChanges
from planner.excel.plan_view import PlanWorkbookView, PooledFundTerms, view_from_optimiser
from planner.replanning.changes import what_changes


class PlanNotExportable(ValueError):
    """The plan cannot be exported yet (or at all); the message says why."""


def plan_workbook_view(session: Session, plan: Plan) -> PlanWorkbookView:
    """The view of a solved plan, from the exact inputs and rules it was solved with."""
    from planner.solving.snapshot import inputs_from_snapshot

    if not plan.status.finished:
        raise PlanNotExportable(
            f"Plan {plan.id} is still {plan.status.value}; export it when it has finished."
        )
    if not plan.result or not plan.inputs:
        raise PlanNotExportable(f"Plan {plan.id} has no result to export: {plan.message}".strip())
    inputs, rules = inputs_from_snapshot(plan.inputs)
    result = plan_from_dict(plan.result)
    keys = {
        "intervention": {item.name: item.key for item in inputs.interventions},
        "place": {item.name: item.key for item in inputs.places},
    }
    demand_avoided: dict[tuple[str, str, int], float] = {}
    rows = session.exec(select(PlanAllocation).where(PlanAllocation.plan_id == plan.id)).all()
    for row in rows:
        intervention = keys["intervention"].get(row.intervention_name)
        place = keys["place"].get(row.place_name)
        if intervention and place:
            demand_avoided[(intervention, place, row.year)] = float(row.demand_avoided_value)
    view = view_from_optimiser(
        inputs,
        rules,
        result,
        plan_id=plan.id,
        scenario_name=plan.scenario_name,
        created_at=plan.created_at,
        created_by=plan.created_by_name,
        demand_avoided=demand_avoided,
        snapshot=plan.inputs,
    )
    return dataclasses.replace(
        view,
        providers=_providers(session, {item.name: item.key for item in inputs.interventions}),
        pooled_fund=_pooled_fund_terms(session, plan),
        uncertainty=_monte_carlo(session, plan),
        changes=_changes(session, plan),
    )


def _providers(session: Session, keys: dict[str, str]) -> dict[str, str]:
    """Who delivers each intervention the plan knows, by its key: "Name (60%); Other (40%)",
    from the partnership's current provider records (the plan's snapshot does not keep them)."""
    found: dict[str, list[str]] = {}
    rows = session.exec(
        select(Provider, Intervention)
        .where(Provider.intervention_id == Intervention.id)
        .order_by(col(Provider.share_percent).desc(), col(Provider.name))
    ).all()
    for provider, intervention in rows:
        key = keys.get(intervention.name)
        if key is not None:
            found.setdefault(key, []).append(f"{provider.name} ({provider.share_percent:g}%)")
    return {key: "; ".join(names) for key, names in found.items()}


def _changes(session: Session, plan: Plan) -> PlanChanges | None:
    """What a re-plan, evidence check or stop-list re-solve changes against the plan it
    re-solved (None for a scenario run, or when that plan has been deleted)."""
    if plan.kind == PlanKind.SCENARIO or plan.based_on_plan_id is None:
        return None
    base = session.get(Plan, plan.based_on_plan_id)
    if base is None or not base.result or not plan.status.has_allocation:
        return None
    followup = (plan.inputs or {}).get("followup") or {}
    about = f"A re-solve of plan {base.id}"
    if followup.get("from_year"):
        about += f" from {financial_year_label(int(followup['from_year']))}"
    if followup.get("summary"):
        about += f": {followup['summary']}"
    return PlanChanges(
        kind_label=PlanKind(plan.kind).label,
        based_on_plan_id=base.id,  # type: ignore[arg-type]
        about=about + ".",
        changes=what_changes(base, plan),
    )


def _pooled_fund_terms(session: Session, plan: Plan) -> PooledFundTerms | None:
    """The plan's scenario's pooled-fund agreement, if it has one."""
    from planner.pooled_fund.risk_share import terms_of
    from planner.pooled_fund.service import find_agreement

    if plan.scenario_id is None:
        return None
    agreement = find_agreement(session, plan.scenario_id)
    if agreement is None:
        return None
    host = session.get(Partner, agreement.host_partner_id) if agreement.host_partner_id else None
    return PooledFundTerms(
        host=host.name if host else None, terms=terms_of(agreement), reference=agreement.reference
    )


def _monte_carlo(session: Session, plan: Plan) -> dict[str, Any]:
    """The newest finished Monte Carlo of the plan, for the Uncertainty sheet."""
    found = session.exec(
        select(PlanAnalysis)
        .where(
            PlanAnalysis.plan_id == plan.id,
            PlanAnalysis.kind == AnalysisKind.MONTE_CARLO,
            PlanAnalysis.status == AnalysisStatus.FINISHED,
        )
        .order_by(col(PlanAnalysis.id).desc())
    ).first()
    return dict(found.result) if found is not None else {}


def find_plan_to_export(session: Session, wanted: str) -> Plan:
    """The plan with this number, or the latest solved plan of the scenario with this name."""
    text = wanted.strip()
    if text.isdigit():
        plan = session.get(Plan, int(text))
        if plan is not None:
            return plan
    plans = session.exec(
        select(Plan).where(Plan.scenario_name == text).order_by(Plan.id.desc())  # type: ignore[union-attr]
    ).all()
    if not plans:
        raise PlanNotExportable(
            f"There is no plan numbered {text} and no scenario called '{text}' with a plan"
        )
    solved = [plan for plan in plans if plan.status.has_allocation]
    if not solved:
        raise PlanNotExportable(f"Scenario '{text}' has no solved plan yet; run it first")
    return solved[0]
