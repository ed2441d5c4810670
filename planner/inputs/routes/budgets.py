"""Budget lines and existing contracts: the money partners can pool and have already committed."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlmodel import Session, select

from models import BudgetLine, ExistingContract, Intervention, Partner, Place
from planner.auth.roles import EDITORS, READERS, role_required
from planner.db import get_session
from planner.inputs import service
from planner.inputs.budgets import describe
from planner.inputs.calendar import current_financial_year
from planner.inputs.contracts import contract_words
from planner.inputs.forms import BudgetLineForm, ContractForm, options, year_choices
from planner.inputs.listing import budget_matrix, candidate_years, contract_rows
from planner.inputs.places import districts
from planner.inputs.routes import bp
from planner.inputs.validation import fetch
from planner.inputs.web import actor, confirm_delete, form_page
from planner.inputs.windows import closed_window_warning, warned_save


@bp.get("/budget-lines")
@role_required(*READERS)
def budget_lines() -> str:
    return render_template("inputs/budget_lines.html", matrix=budget_matrix(get_session()))


@bp.route("/budget-lines/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_budget_line() -> Any:
    session = get_session()
    form = BudgetLineForm(partner_id=request.args.get("partner_id", ""))
    _budget_choices(session, form)
    if not form.is_submitted():
        form.year.data = str(_next_budget_year(session, request.args.get("partner_id")))
    _ask_about_closed_window(session, form)
    return form_page(
        form,
        save=lambda: warned_save(
            session,
            form.to_fields(),
            lambda fields: service.create_budget_line(session, fields, actor=actor()),
        ),
        done=lambda created: (
            f"Added {describe(fetch(session, Partner, created.partner_id, 'partner'), created)}.",
            _back_to_partner(created.partner_id),
        ),
        title="Add a budget line",
        submit="Add budget line",
        back_url=_back_to_partner(request.args.get("partner_id")),
    )


@bp.route("/budget-lines/<int:line_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_budget_line(line_id: int) -> Any:
    session = get_session()
    line = fetch(session, BudgetLine, line_id, "budget line")
    form = BudgetLineForm(obj=line)
    _budget_choices(session, form)
    if not form.is_submitted():
        form.ring_fence.data = list(line.ring_fence)
        form.districts.data = list(line.districts)
    # The line's description as it was, before any change is saved.
    caption = describe(fetch(session, Partner, line.partner_id, "partner"), line)
    back = _back_to_partner(line.partner_id)
    _ask_about_closed_window(session, form)
    return form_page(
        form,
        editing=line,
        save=lambda: warned_save(
            session,
            form.to_fields(),
            lambda fields: service.update_budget_line(session, line_id, fields, actor=actor()),
        ),
        done=lambda changed: (
            f"Saved {describe(fetch(session, Partner, changed.partner_id, 'partner'), changed)}.",
            back,
        ),
        title="Change a budget line",
        caption=caption,
        submit="Save changes",
        back_url=back,
    )


def _ask_about_closed_window(session: Session, form: BudgetLineForm) -> None:
    """Keep the "Save it anyway" box only when the posted partner's window is closed that year:
    the warning then stands beside it, before anything is saved."""
    if not form.is_submitted() or not closed_window_warning(
        session, form.partner_id.data, form.year.data
    ):
        del form.save_despite_closed_window


@bp.route("/budget-lines/<int:line_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_budget_line(line_id: int) -> Any:
    session = get_session()
    line = fetch(session, BudgetLine, line_id, "budget line")
    partner = fetch(session, Partner, line.partner_id, "partner")
    return confirm_delete(
        what=describe(partner, line),
        kind="budget line",
        uses=service.budget_line_uses(session, line),
        delete=lambda: service.delete_budget_line(session, line_id, actor=actor()),
        back_url=_back_to_partner(partner.id),
        done_url=_back_to_partner(partner.id),
    )


@bp.get("/contracts")
@role_required(*READERS)
def contracts() -> str:
    return render_template("inputs/contracts.html", contracts=contract_rows(get_session()))


@bp.route("/contracts/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_contract() -> Any:
    session = get_session()
    form = ContractForm(
        partner_id=request.args.get("partner_id", ""),
        intervention_id=request.args.get("intervention_id", ""),
    )
    _contract_choices(session, form)
    return form_page(
        form,
        save=lambda: service.create_contract(session, form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Added {contract_words(session, created)['description']}.",
            url_for("inputs.contracts"),
        ),
        title="Add an existing contract",
        submit="Add contract",
        back_url=url_for("inputs.contracts"),
        intro="Money a partner has already committed. Every plan keeps at least this much "
        "funding in place for the years it covers.",
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_contract(contract_id: int) -> Any:
    session = get_session()
    contract = fetch(session, ExistingContract, contract_id, "existing contract")
    form = ContractForm(obj=contract)
    _contract_choices(session, form)
    if not form.is_submitted():
        form.years.data = [str(year) for year in contract.years]
        form.place_id.data = str(contract.place_id or "")
    return form_page(
        form,
        editing=contract,
        save=lambda: service.update_contract(session, contract_id, form.to_fields(), actor=actor()),
        done=lambda changed: (
            f"Saved {contract_words(session, changed)['description']}.",
            url_for("inputs.contracts"),
        ),
        title="Change an existing contract",
        caption=contract_words(session, contract)["description"],
        submit="Save changes",
        back_url=url_for("inputs.contracts"),
    )


@bp.route("/contracts/<int:contract_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_contract(contract_id: int) -> Any:
    session = get_session()
    contract = fetch(session, ExistingContract, contract_id, "existing contract")
    return confirm_delete(
        what=contract_words(session, contract)["description"],
        kind="existing contract",
        uses=[],
        delete=lambda: service.delete_contract(session, contract_id, actor=actor()),
        back_url=url_for("inputs.contracts"),
        done_url=url_for("inputs.contracts"),
    )


def _budget_choices(session: Session, form: BudgetLineForm) -> None:
    form.partner_id.choices = options([("", "Choose a partner")] + _partner_choices(session))
    form.year.choices = year_choices(candidate_years(session))
    known = districts(session)
    chosen = [d for d in (form.districts.data or []) if d not in known]
    form.districts.choices = options((district, district) for district in known + chosen)


def _contract_choices(session: Session, form: ContractForm) -> None:
    form.partner_id.choices = options([("", "Choose a partner")] + _partner_choices(session))
    form.intervention_id.choices = options(
        [("", "Choose an intervention")]
        + [
            (str(i.id), i.name)
            for i in session.exec(select(Intervention).order_by(Intervention.name))
        ]
    )
    form.place_id.choices = options(
        [("", "All places")]
        + [
            (str(p.id), f"{p.name} ({p.district})")
            for p in session.exec(select(Place).order_by(Place.name))
        ]
    )
    form.years.choices = year_choices(candidate_years(session))


def _next_budget_year(session: Session, partner_id: str | None) -> int:
    """The year a new line most likely is for: after the partner's last budget line, or the
    first year the partnership plans."""
    years = sorted(session.exec(select(BudgetLine.year)).all())
    if partner_id and partner_id.isdigit():
        own = [
            line.year
            for line in session.exec(
                select(BudgetLine).where(BudgetLine.partner_id == int(partner_id))
            )
        ]
        if own:
            return max(own) + 1
    return years[0] if years else current_financial_year()


def _partner_choices(session: Session) -> list[tuple[str, str]]:
    return [(str(p.id), p.name) for p in session.exec(select(Partner).order_by(Partner.name))]


def _back_to_partner(partner_id: object) -> str:
    if partner_id and str(partner_id).isdigit():
        return url_for("inputs.partner", partner_id=int(str(partner_id)))
    return url_for("inputs.budget_lines")
