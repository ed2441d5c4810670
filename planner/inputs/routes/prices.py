"""The price index: one GDP deflator per financial year, which turns interventions' prices
into the cash that budgets pay."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for

from models.price_index import PriceIndexYear
from models.vocabulary import financial_year_label
from planner.auth.roles import EDITORS, READERS, can, role_required
from planner.db import get_session
from planner.inputs.price_forms import PriceIndexYearForm, TreasurySeriesForm
from planner.inputs.prices import (
    delete_index_year,
    index_years,
    load_treasury_series,
    save_index_year,
    update_index_year,
)
from planner.inputs.routes import bp
from planner.inputs.treasury_deflators import RELEASE, SOURCE
from planner.inputs.validation import fetch
from planner.inputs.web import actor, confirm_delete, form_page


@bp.get("/price-index")
@role_required(*READERS)
def price_index() -> str:
    return render_template(
        "inputs/price_index.html",
        rows=index_years(get_session()),
        can_edit=can(*EDITORS),
        treasury_form=TreasurySeriesForm(),
        treasury=f"{SOURCE}, {RELEASE}",
    )


@bp.post("/price-index/treasury")
@role_required(*EDITORS)
def load_treasury() -> Any:
    if not TreasurySeriesForm().validate_on_submit():
        abort(400)
    rows = load_treasury_series(get_session(), actor=actor())
    flash(f"Recorded HM Treasury's GDP deflators for {len(rows)} years.", "success")
    return redirect(url_for("inputs.price_index"))


@bp.route("/price-index/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_index_year() -> Any:
    session = get_session()
    form = PriceIndexYearForm()
    back = url_for("inputs.price_index")
    return form_page(
        form,
        save=lambda: save_index_year(session, form.to_fields(), actor=actor()),
        done=lambda row: (f"Saved the price index for {financial_year_label(row.year)}.", back),
        title="Record a year of the price index",
        submit="Save the year",
        back_url=back,
        intro="Recording a year that is already in the index replaces its figure.",
    )


@bp.route("/price-index/<int:index_year_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_index_year(index_year_id: int) -> Any:
    session = get_session()
    row = fetch(session, PriceIndexYear, index_year_id, "price index year")
    form = PriceIndexYearForm(obj=row)
    form.year.data = financial_year_label(row.year)
    form.year.render_kw = {"readonly": True}
    back = url_for("inputs.price_index")
    return form_page(
        form,
        save=lambda: update_index_year(session, index_year_id, form.to_fields(), actor=actor()),
        done=lambda saved: (f"Saved the price index for {financial_year_label(saved.year)}.", back),
        editing=row,
        title="Change a year of the price index",
        caption=financial_year_label(row.year),
        submit="Save the year",
        back_url=back,
    )


@bp.route("/price-index/<int:index_year_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_price_index_year(index_year_id: int) -> Any:
    session = get_session()
    row = fetch(session, PriceIndexYear, index_year_id, "price index year")
    back = url_for("inputs.price_index")
    return confirm_delete(
        what=f"the price index for {financial_year_label(row.year)}",
        kind="price index year",
        uses=[],
        delete=lambda: delete_index_year(session, index_year_id, actor=actor()),
        back_url=back,
        done_url=back,
        consequence="A plan whose years, or whose interventions' price years, include it cannot "
        "be solved until the year is recorded again.",
    )
