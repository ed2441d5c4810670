"""Need from risk indicators: the table and chart of places, the formula, and the indicators'
pages (commissioners and admins change them; everyone signed in reads them)."""

from __future__ import annotations

from typing import Any

import plotly
from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlmodel import select

from models import Place
from models.indicator import IndicatorValue, RiskIndicator
from planner.auth.roles import EDITORS, can, role_required
from planner.community import indicators as service
from planner.community.forms import IndicatorForm, IndicatorImportForm, IndicatorValueForm
from planner.community.indicator_import import import_values
from planner.community.need import FORMULA
from planner.community.need_page import need_chart, need_table
from planner.community.routes import bp
from planner.db import get_session
from planner.inputs.forms import options
from planner.inputs.validation import fetch, reference
from planner.inputs.web import actor, attempt, confirm_delete, form_page, form_status


@bp.get("/need")
@login_required
def need() -> str:
    session = get_session()
    table = need_table(session)
    chosen = request.args.get("by", type=int)
    indicator = session.get(RiskIndicator, chosen) if chosen else None
    return render_template(
        "community/need.html",
        table=table,
        indicator=indicator,
        rows=table.sorted_by(indicator.id if indicator else None),
        charts={"need-chart": need_chart(table, indicator)} if table.rows else {},
        formula=FORMULA,
        can_edit=can(*EDITORS),
        plotly_version=plotly.__version__,
    )


@bp.route("/indicators/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_indicator() -> Any:
    form = IndicatorForm(weight="1")
    return form_page(
        form,
        save=lambda: service.create_indicator(get_session(), form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Added {created.name}. Now record or import its values.",
            url_for("community.need"),
        ),
        title="Add a risk indicator",
        submit="Add indicator",
        back_url=url_for("community.need"),
        intro="Higher values must mean more need. Record where the figures come from and "
        "the date they describe; mark them illustrative if they are not the published ones.",
    )


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_indicator(indicator_id: int) -> Any:
    session = get_session()
    record = fetch(session, RiskIndicator, indicator_id, "risk indicator")
    form = IndicatorForm(obj=record)
    back = url_for("community.need")
    return form_page(
        form,
        save=lambda: service.update_indicator(
            session, indicator_id, form.to_fields(), actor=actor()
        ),
        done=lambda changed: (f"Saved {changed.name}; need recalculated.", back),
        title=f"Change {record.name}",
        caption="Risk indicator",
        submit="Save changes",
        back_url=back,
    )


@bp.route("/indicators/<int:indicator_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_indicator(indicator_id: int) -> Any:
    session = get_session()
    record = fetch(session, RiskIndicator, indicator_id, "risk indicator")
    back = url_for("community.need")
    return confirm_delete(
        what=record.name,
        kind="risk indicator",
        uses=[],
        delete=lambda: service.delete_indicator(session, indicator_id, actor=actor()),
        back_url=back,
        done_url=back,
        consequence="Its values in every place go with it, and each place's need index is "
        "recalculated from the indicators left.",
    )


@bp.route("/indicator-values/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_value() -> Any:
    session = get_session()
    form = IndicatorValueForm(
        place_id=request.args.get("place", ""), indicator_id=request.args.get("indicator", "")
    )
    form.place_id.choices = options(
        [("", "Choose a place")]
        + [(str(p.id), p.name) for p in session.exec(select(Place).order_by(Place.name))]
    )
    form.indicator_id.choices = options(
        [("", "Choose an indicator")]
        + [
            (str(i.id), f"{i.name} ({i.unit})")
            for i in session.exec(select(RiskIndicator).order_by(RiskIndicator.name))
        ]
    )
    back = url_for("community.need")

    def save() -> IndicatorValue:
        place = reference(session, Place, form.place_id.data, "place_id", "place")
        return service.save_value(session, place.id, form.to_fields(), actor=actor())  # type: ignore[arg-type]

    return form_page(
        form,
        save=save,
        done=lambda _row: ("Saved the value; need recalculated.", back),
        title="Record an indicator value",
        submit="Save value",
        back_url=back,
        intro="Recording a value a place already has for the indicator replaces it.",
    )


@bp.route("/indicator-values/<int:value_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_value(value_id: int) -> Any:
    session = get_session()
    row = fetch(session, IndicatorValue, value_id, "indicator value")
    place = fetch(session, Place, row.place_id, "place")
    indicator = fetch(session, RiskIndicator, row.indicator_id, "risk indicator")
    back = url_for("community.need")
    return confirm_delete(
        what=f"{indicator.name} in {place.name}",
        kind="indicator value",
        uses=[],
        delete=lambda: service.delete_value(session, value_id, actor=actor()),
        back_url=back,
        done_url=back,
    )


@bp.route("/indicators/import", methods=["GET", "POST"])
@role_required(*EDITORS)
def import_indicators() -> Any:
    form = IndicatorImportForm()

    def save() -> Any:
        upload = form.file.data
        return import_values(get_session(), upload.filename or "", upload.read(), actor=actor())

    result = attempt(form, save)
    if result is not None:
        changed = (
            f" Need changed in {len(result.need_changed)} places." if result.need_changed else ""
        )
        flash(f"Imported {result.values} values for {result.places} places.{changed}", "success")
        return redirect(url_for("community.need"))
    get_session().rollback()
    return render_template(
        "community/import.html",
        form=form,
        indicators=get_session().exec(select(RiskIndicator).order_by(RiskIndicator.name)).all(),
    ), form_status(form)
