"""Providers and their sector: recorded with their share of delivery (refused in words past
100%), read into the optimiser as each intervention's voluntary-sector share, and the scenario
rule reaching a plan."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import select

from models import Intervention, Scenario
from models.vocabulary import Role
from planner.community.providers import create_provider
from planner.db import new_session
from planner.inputs.validation import InputError
from planner.solving.inputs import planning_inputs
from tests.planning_fixtures import demo_client


def test_demo_providers_give_voluntary_shares(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
        inputs, rules = planning_inputs(session, scenario)
        mentoring = inputs.intervention("Mentoring for young people at risk")
        assert mentoring.voluntary_sector_share == 1.0
        assert rules.min_share_vcs == 0
        intervention = session.exec(
            select(Intervention).where(Intervention.name == "Mentoring for young people at risk")
        ).one()
        with pytest.raises(InputError) as refused:
            create_provider(
                session,
                {"intervention_id": intervention.id, "name": "Extra charity",
                 "sector": "voluntary_community", "share_percent": 10},
            )  # fmt: skip
        assert "would bring Mentoring for young people at risk's providers to 110%" in str(
            refused.value
        )
    page = demo_client(demo_app, Role.FINANCE_LEAD).get("/community/providers")
    assert page.status_code == 200 and "Local voluntary and community organisations" in page.text


def test_scenario_rule_reaches_the_plan(demo_app: Flask) -> None:
    commissioner = demo_client(demo_app, Role.COMMISSIONER)
    with demo_app.app_context(), new_session() as session:
        scenario = session.exec(select(Scenario).where(Scenario.name == "Pooled 2026-29")).one()
        scenario.min_share_vcs = 0.4
        session.add(scenario)
        session.commit()
        scenario_id = scenario.id
    shown = commissioner.get(f"/scenarios/{scenario_id}")
    assert "Least share of spend through voluntary and community sector providers" in shown.text
    assert commissioner.post(f"/scenarios/{scenario_id}/run").status_code in (302, 303)
    with demo_app.app_context(), new_session() as session:
        from models import Plan

        plan = session.exec(
            select(Plan).where(Plan.scenario_id == scenario_id).order_by(Plan.id.desc())  # type: ignore[attr-defined]
        ).first()
        assert plan is not None and plan.result is not None
        rows = [b for b in plan.result["binding_constraints"] if b["family"] == "vcs_share"]
        assert (
            rows
            and "voluntary and community sector providers holds the plan back"
            in rows[0]["sentence"]
        )


def test_a_provider_is_changed_on_its_own_page_by_editors_only(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    """A commissioner changes a provider's sector and share (audited); a finance lead reads the
    page without the link and is refused the form; a form filled from an older version is
    answered with the conflict page and changes nothing."""
    from models import AuditEvent
    from models.provider import Provider, Sector
    from planner.inputs import service

    with app.app_context(), new_session() as session:
        programme = service.create_intervention(
            session,
            {
                "name": "Mentoring",
                "target_group": "young people",
                "unit_cost": 900,
                "price_year": 2022,
            },
        )
        provider = create_provider(
            session,
            {"intervention_id": programme.id, "name": "Family Action",
             "sector": "voluntary_community", "share_percent": 60},
        )  # fmt: skip
        provider_id, version = provider.id, provider.version
    reader = sign_in_as(Role.FINANCE_LEAD)
    assert "/edit" not in reader.get("/community/providers").text
    assert reader.get(f"/community/providers/{provider_id}/edit").status_code == 403
    editor = sign_in_as(Role.COMMISSIONER)
    listed = editor.get("/community/providers").text
    assert f"/community/providers/{provider_id}/edit" in listed
    form = editor.get(f"/community/providers/{provider_id}/edit")
    assert form.status_code == 200 and 'value="60"' in form.text
    fields = {"name": "Family Action", "sector": "private", "share_percent": "75",
              "version": str(version)}  # fmt: skip
    too_much = editor.post(
        f"/community/providers/{provider_id}/edit", data={**fields, "share_percent": "120"}
    )
    assert too_much.status_code in (200, 422) and "100" in too_much.text
    saved = editor.post(f"/community/providers/{provider_id}/edit", data=fields)
    assert saved.status_code in (302, 303)
    stale = editor.post(
        f"/community/providers/{provider_id}/edit", data={**fields, "share_percent": "10"}
    )
    assert stale.status_code in (200, 409) and "changed" in stale.text.lower()
    with app.app_context(), new_session() as session:
        changed = session.get(Provider, provider_id)
        assert changed is not None
        assert (changed.sector, changed.share_percent) == (Sector.PRIVATE, 75)
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "provider")).all()
        assert [e.action for e in events] == ["create", "update"]
