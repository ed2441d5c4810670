"""Providers of each intervention and their sector: the voluntary and community sector's share of
delivery, which a scenario's voluntary-sector rule counts."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_login import login_required
from sqlmodel import select

from models import Intervention
from models.provider import Provider
from planner.auth.roles import EDITORS, can, role_required
from planner.community.forms import ProviderForm
from planner.community.providers import (
    create_provider,
    delete_provider,
    providers_by_intervention,
    update_provider,
    voluntary_shares,
)
from planner.community.routes import bp
from planner.db import get_session
from planner.inputs.forms import options
from planner.inputs.validation import fetch
from planner.inputs.web import actor, confirm_delete, form_page


@bp.get("/providers")
@login_required
def providers() -> str:
    session = get_session()
    return render_template(
        "community/providers.html",
        rows=providers_by_intervention(session),
        voluntary=voluntary_shares(session),
        can_edit=can(*EDITORS),
    )


@bp.route("/providers/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_provider() -> Any:
    session = get_session()
    form = ProviderForm(intervention_id=request.args.get("intervention", ""))
    form.intervention_id.choices = options(
        [("", "Choose an intervention")]
        + [
            (str(i.id), i.name)
            for i in session.exec(select(Intervention).order_by(Intervention.name))
        ]
    )
    back = url_for("community.providers")
    return form_page(
        form,
        save=lambda: create_provider(session, form.to_fields(), actor=actor()),
        done=lambda added: (f"Added {added.name}.", back),
        template="community/form.html",
        title="Add a provider",
        submit="Add provider",
        back_url=back,
    )


@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_provider(provider_id: int) -> Any:
    """Change a provider's name, sector or share; the intervention it delivers stays."""
    session = get_session()
    provider = fetch(session, Provider, provider_id, "provider")
    programme = fetch(session, Intervention, provider.intervention_id, "intervention")
    form = ProviderForm(obj=provider)
    form.intervention_id.choices = options([(str(programme.id), programme.name)])
    if request.method == "GET":
        form.share_percent.data = f"{provider.share_percent:g}"
    back = url_for("community.providers")
    return form_page(
        form,
        save=lambda: update_provider(session, provider_id, form.to_fields(), actor=actor()),
        done=lambda changed: (f"Saved {changed.name}.", back),
        editing=provider,
        template="community/form.html",
        title="Change a provider",
        caption=programme.name,
        submit="Save provider",
        back_url=back,
    )


@bp.route("/providers/<int:provider_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def remove_provider(provider_id: int) -> Any:
    session = get_session()
    provider = fetch(session, Provider, provider_id, "provider")
    back = url_for("community.providers")
    return confirm_delete(
        what=provider.name,
        kind="provider",
        uses=[],
        delete=lambda: delete_provider(session, provider_id, actor=actor()),
        back_url=back,
        done_url=back,
    )
