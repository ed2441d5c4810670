"""Participatory budgets for staff: commissioners and admins set a ballot up in a scenario and put
projects on it; place leads issue and print voting codes for their places; everyone reads the
count, by the Method of Equal Shares and by greedy, side by side."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_login import current_user, login_required
from sqlmodel import select

from models import Intervention, Place, Scenario
from models.ballot import Ballot, BallotOption
from models.fields import utc_now
from planner.auth.roles import EDITORS, can, role_required
from planner.community import ballots as service
from planner.community.counting import count_ballot
from planner.community.forms import BallotForm, CodesForm, OptionForm
from planner.community.routes import bp
from planner.community.routes.consultation import plan_years
from planner.db import get_session
from planner.delivery.service import OutsideYourPlaces, check_scope
from planner.inputs.forms import options, year_choices
from planner.inputs.validation import fetch
from planner.inputs.web import actor, attempt, confirm_delete, form_page, form_status
from planner.teams.routes import RECORDERS, user_scope


def _visible(ballot: Ballot) -> None:
    try:
        check_scope(ballot.place_id, user_scope())
    except OutsideYourPlaces:
        abort(403)


@bp.get("/ballots")
@login_required
def ballots() -> str:
    session = get_session()
    scope = user_scope()
    rows = [
        (ballot, session.get(Place, ballot.place_id), session.get(Scenario, ballot.scenario_id))
        for ballot in session.exec(select(Ballot).order_by(Ballot.closes_at.desc()))  # type: ignore[attr-defined]
        if scope is None or ballot.place_id in scope
    ]
    return render_template(
        "community/ballots.html",
        rows=[(b, p, s, service.votes_cast(session, b)) for b, p, s in rows],
        now=utc_now(),
        can_edit=can(*EDITORS),
    )


@bp.route("/ballots/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_ballot() -> Any:
    session = get_session()
    form = BallotForm(kind="approval", points="10")
    form.scenario_id.choices = options(
        [("", "Choose a scenario")]
        + [(str(s.id), s.name) for s in session.exec(select(Scenario).order_by(Scenario.name))]
    )
    form.place_id.choices = options(
        [("", "Choose a place")]
        + [(str(p.id), p.name) for p in session.exec(select(Place).order_by(Place.name))]
    )
    form.year.choices = year_choices(plan_years(session))
    return form_page(
        form,
        save=lambda: service.create_ballot(session, form.to_fields(), actor=actor()),
        done=lambda created: (
            f"Set up {created.title}. Now put projects on it.",
            url_for("community.ballot", ballot_id=created.id),
        ),
        template="community/form.html",
        title="Set up a participatory budget",
        submit="Set up the ballot",
        back_url=url_for("community.ballots"),
        intro="The scenario sets the money aside from the pool in this place; residents vote on "
        "eligible interventions and community proposals, and the projects chosen enter the "
        "scenario's plans once voting closes.",
    )


@bp.get("/ballots/<int:ballot_id>")
@login_required
def ballot(ballot_id: int) -> str:
    session = get_session()
    record = fetch(session, Ballot, ballot_id, "ballot")
    _visible(record)
    return _ballot_page(record, CodesForm())


@bp.post("/ballots/<int:ballot_id>/codes")
@login_required
def issue_codes(ballot_id: int) -> Any:
    if current_user.role not in RECORDERS:
        abort(403)
    session = get_session()
    record = fetch(session, Ballot, ballot_id, "ballot")
    _visible(record)
    form = CodesForm()
    codes = attempt(
        form,
        lambda: service.issue_codes(
            session,
            ballot_id,
            form.how_many.data,
            form.voter_group.data or "",
            actor=actor(),
            scope=user_scope(),
        ),
    )
    if codes is None:
        return _ballot_page(record, form), form_status(form)
    return render_template(
        "community/codes.html",
        ballot=record,
        place=session.get(Place, record.place_id),
        codes=codes,
        group=form.voter_group.data,
        vote_url=url_for("vote.ballot_page", ballot_id=record.id, _external=True),
    )


@bp.route("/ballots/<int:ballot_id>/projects/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_option(ballot_id: int) -> Any:
    session = get_session()
    record = fetch(session, Ballot, ballot_id, "ballot")
    form = OptionForm()
    form.intervention_id.choices = options(
        [("", "None: a community proposal")]
        + [
            (str(i.id), f"{i.name} (£{i.unit_cost:,.0f} per participant)")
            for i in session.exec(select(Intervention).order_by(Intervention.name))
            if i.evidence_rating != "NE"
        ]
    )
    back = url_for("community.ballot", ballot_id=ballot_id)
    return form_page(
        form,
        save=lambda: service.add_option(session, ballot_id, form.to_fields(), actor=actor()),
        done=lambda added: (f"Put {added.title} on the ballot.", back),
        title="Put a project on the ballot",
        caption=record.title,
        submit="Add project",
        back_url=back,
        intro="Offer an eligible intervention for a number of participants, or a community "
        "proposal with its own cost. Interventions rated not effective (NE) are never offered.",
    )


@bp.route("/projects/<int:option_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_option(option_id: int) -> Any:
    session = get_session()
    option = fetch(session, BallotOption, option_id, "project")
    back = url_for("community.ballot", ballot_id=option.ballot_id)
    return confirm_delete(
        what=option.title,
        kind="project",
        uses=[],
        delete=lambda: service.delete_option(session, option_id, actor=actor()),
        back_url=back,
        done_url=back,
    )


def _ballot_page(record: Ballot, codes_form: CodesForm) -> str:
    session = get_session()
    options_list = service.options_of(session, record)
    count = count_ballot(session, record)
    titles = {option.id: option.title for option in options_list}
    return render_template(
        "community/ballot.html",
        ballot=record,
        place=session.get(Place, record.place_id),
        scenario=session.get(Scenario, record.scenario_id),
        options=options_list,
        count=count,
        titles=titles,
        codes=service.code_counts(session, record),
        codes_form=codes_form,
        now=utc_now(),
        can_edit=can(*EDITORS),
        can_issue=current_user.role in RECORDERS,
        vote_url=url_for("vote.ballot_page", ballot_id=record.id, _external=True),
    )
