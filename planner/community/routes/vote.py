"""The public ballot page: no account needed, one vote per single-use code, CSRF-protected like
every form, and throttled against guessing codes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_limiter import RateLimitExceeded

from models import Place
from models.ballot import Ballot, BallotKind
from models.fields import utc_now
from planner.community.ballots import options_of
from planner.community.throttle import note_wrong_code, seconds_to_wait, wait_in_words
from planner.community.voting import cast_vote
from planner.db import get_session
from planner.inputs.validation import InputError

public_bp = Blueprint("vote", __name__, url_prefix="/vote")


@public_bp.route("/<int:ballot_id>", methods=["GET", "POST"])
def ballot_page(ballot_id: int) -> Any:
    session = get_session()
    ballot = session.get(Ballot, ballot_id)
    if ballot is None:
        abort(404)
    place = session.get(Place, ballot.place_id)
    errors: dict[str, str] = {}
    chosen: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        chosen = _choices(ballot)
        try:
            cast_vote(session, ballot, request.form.get("code", ""), chosen)
        except InputError as refused:
            session.rollback()
            errors = refused.errors
            if "code" in errors:
                note_wrong_code()
            status = 422
        else:
            return render_template("community/voted.html", ballot=ballot, place=place)
    return _page(ballot, place, errors, chosen, status)


@public_bp.errorhandler(RateLimitExceeded)
def too_many_codes(error: RateLimitExceeded) -> Any:
    """The ballot page again, saying why it will not check the code and for how long."""
    session = get_session()
    ballot = session.get(Ballot, (request.view_args or {}).get("ballot_id"))
    if ballot is None:
        abort(404)
    wait = seconds_to_wait(error)
    errors = {
        "code": "Too many codes that were not right have been tried from here. "
        f"Wait {wait_in_words(wait)} and try again."
    }
    page, status = _page(ballot, session.get(Place, ballot.place_id), errors, _choices(ballot), 429)
    return page, status, {"Retry-After": str(wait)}


def _page(
    ballot: Ballot, place: Place | None, errors: dict[str, str], chosen: dict[str, str], status: int
) -> tuple[str, int]:
    session = get_session()
    return render_template(
        "community/vote.html",
        ballot=ballot,
        place=place,
        options=options_of(session, ballot),
        open=ballot.is_open(utc_now()),
        errors=errors,
        chosen=chosen,
        code=request.form.get("code", "") if errors else "",
        cumulative=ballot.kind is BallotKind.CUMULATIVE,
    ), status


def _choices(ballot: Ballot) -> dict[str, str]:
    if ballot.kind is BallotKind.APPROVAL:
        return {value: "1" for value in request.form.getlist("project")}
    return {
        key.removeprefix("points-"): value
        for key, value in request.form.items()
        if key.startswith("points-")
    }
