"""Casting a vote on the public ballot page: one vote per single-use code, only while the ballot
is open, and within the points a cumulative ballot gives. Every refusal is in words a resident
understands, and a refused vote changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.ballot import Ballot, BallotKind, Vote, VotingCode
from models.fields import utc_now
from planner.community.ballots import code_hash, options_of
from planner.inputs.validation import InputError


def cast_vote(
    session: Session,
    ballot: Ballot,
    code: str,
    choices: Mapping[str, object],
    *,
    now: datetime | None = None,
) -> Vote:
    """Record a vote: ``choices`` maps option id to points (approval: any ticked option counts
    one). Raises InputError, in words, for a closed ballot, an unknown or used code, no choice,
    or more points than the ballot gives."""
    moment = now or utc_now()
    if moment < ballot.opens_at:
        raise InputError(
            {
                "__all__": f"Voting has not opened yet: it opens on {ballot.opens_at:%-d %B %Y at %H:%M}"
            }
        )
    if moment >= ballot.closes_at:
        raise InputError(
            {"__all__": f"This ballot closed on {ballot.closes_at:%-d %B %Y at %H:%M}: "
             "votes can no longer be cast"}
        )  # fmt: skip
    points = _points(ballot, {o.id for o in options_of(session, ballot)}, choices)
    found = session.exec(
        select(VotingCode).where(
            VotingCode.ballot_id == ballot.id, VotingCode.code_hash == code_hash(code)
        )
    ).first()
    if found is None:
        raise InputError(
            {"code": "That code is not one issued for this ballot: check it against your card"}
        )
    if found.used_at is not None:
        raise InputError({"code": "That code has already been used to vote: each code votes once"})
    found.used_at = moment
    vote = Vote(ballot_id=ballot.id, code_id=found.id, cast_at=moment, points=points)  # type: ignore[arg-type]
    session.add(found)
    session.add(vote)
    try:
        session.commit()
    except IntegrityError:
        # Two people typing the same code at once: the database lets only one vote in.
        session.rollback()
        raise InputError(
            {"code": "That code has already been used to vote: each code votes once"}
        ) from None
    return vote


def _points(
    ballot: Ballot, known: set[int | None], choices: Mapping[str, object]
) -> dict[str, int]:
    points: dict[str, int] = {}
    for key, given in choices.items():
        try:
            option = int(key)
        except ValueError:
            raise InputError(
                {"__all__": "The vote named a project that is not on this ballot"}
            ) from None
        if option not in known:
            raise InputError({"__all__": "The vote named a project that is not on this ballot"})
        text = str(given).strip()
        if not text or text == "0":
            continue
        if ballot.kind is BallotKind.APPROVAL:
            points[str(option)] = 1
            continue
        if not text.isdigit():
            raise InputError({"__all__": f"Points must be whole numbers, not '{text}'"})
        points[str(option)] = int(text)
    if not points:
        raise InputError(
            {"__all__": "Choose at least one project"
             + (" by giving it points" if ballot.kind is BallotKind.CUMULATIVE else "")}
        )  # fmt: skip
    if ballot.kind is BallotKind.CUMULATIVE:
        total = sum(points.values())
        if total > ballot.points:
            raise InputError(
                {"__all__": f"You gave {total} points but have {ballot.points} to share out: "
                 f"take {total - ballot.points} away and vote again"}
            )  # fmt: skip
    return points
