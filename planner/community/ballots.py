"""Setting up participatory budgets: a ballot per place in a scenario, with the money set aside,
its projects (eligible interventions and community proposals), and single-use voting codes the
place team issues and prints. Voting is in `planner.community.voting`, counting in
`planner.community.counting`."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, func, select

from models import Intervention, Place, Scenario
from models.ballot import Ballot, BallotCreate, BallotOption, OptionCreate, Vote, VotingCode
from models.fields import utc_now
from planner.audit.service import Actor, record_change, snapshot
from planner.db import stored_id
from planner.delivery.service import PlaceScope, check_scope
from planner.inputs.validation import (
    InputError,
    editable_fields,
    fetch,
    financial_year,
    merged,
    reference,
    saving,
    validated,
)

BALLOT_FIELDS = editable_fields(BallotCreate)
OPTION_FIELDS = editable_fields(OptionCreate)
# Codes are read off paper and typed on a phone: no 0/O or 1/I/L to confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MOST_CODES_AT_ONCE = 2000


def code_hash(code: str) -> str:
    """The stored form of a voting code (codes are kept only as hashes)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()


def create_ballot(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None
) -> Ballot:
    """A ballot for one place in one scenario (fields: scenario_id, place_id, title, year,
    amount, kind, points, opens_at, closes_at, introduction)."""
    given = dict(fields)
    if given.get("year") not in (None, ""):
        given["year"] = financial_year(given["year"], "year")
    scenario = reference(session, Scenario, given.get("scenario_id"), "scenario_id", "scenario")
    place = reference(session, Place, given.get("place_id"), "place_id", "place")
    details = validated(BallotCreate, merged(None, given, BALLOT_FIELDS), record_field="closes_at")
    clash = session.exec(
        select(Ballot).where(
            Ballot.scenario_id == scenario.id,
            Ballot.place_id == place.id,
            Ballot.year == details.year,
        )
    ).first()
    if clash is not None:
        raise InputError(
            {"place_id": f"{scenario.name} already has a ballot in {place.name} for that year"}
        )
    ballot = Ballot(**details.model_dump())
    with saving(session):
        session.add(ballot)
        session.flush()
        record_change(
            session, actor, "create", "ballot", ballot.id, None, ballot,
            f"Opened a participatory budget of £{details.amount:,.0f} in {place.name} "
            f"for {scenario.name}",
        )  # fmt: skip
    return ballot


def update_ballot(
    session: Session, ballot_id: int, fields: Mapping[str, Any], *, actor: Actor | None = None
) -> Ballot:
    """Change a ballot's title, dates or introduction; its money, kind and projects are fixed
    once anyone has voted, so no vote is counted under rules it was not cast under."""
    ballot = fetch(session, Ballot, ballot_id, "ballot")
    voted = votes_cast(session, ballot)
    locked = {"amount", "kind", "points", "year", "scenario_id", "place_id"}
    if voted and any(
        key in locked and str(value) != str(getattr(ballot, key)) for key, value in fields.items()
    ):
        raise InputError(
            {"__all__": f"{voted} people have voted: the money, kind of ballot and year can no "
             "longer change"}
        )  # fmt: skip
    given = dict(fields)
    if given.get("year") not in (None, ""):
        given["year"] = financial_year(given["year"], "year")
    details = validated(
        BallotCreate, merged(ballot, given, BALLOT_FIELDS), record_field="closes_at"
    )
    before = snapshot(ballot)
    with saving(session):
        for key, value in details.model_dump().items():
            setattr(ballot, key, value)
        session.add(ballot)
        record_change(
            session, actor, "update", "ballot", ballot.id, before, ballot,
            f"Changed the ballot {ballot.title}",
        )  # fmt: skip
    return ballot


def add_option(
    session: Session, ballot_id: int, fields: Mapping[str, Any], *, actor: Actor | None = None
) -> BallotOption:
    """Put a project on the ballot. An intervention's cost is its cost per participant times
    the participants offered; a community proposal states its own cost."""
    ballot = fetch(session, Ballot, ballot_id, "ballot")
    if votes_cast(session, ballot):
        raise InputError({"__all__": "People have voted: projects can no longer be added"})
    given = dict(fields)
    if given.get("intervention_id") in ("", None):
        given["intervention_id"] = None
    else:
        intervention = reference(
            session, Intervention, given["intervention_id"], "intervention_id", "intervention"
        )
        participants = _whole(given.get("participants"), "participants")
        if participants < 1:
            raise InputError({"participants": "Offer at least 1 participant of the intervention"})
        given.update(
            title=given.get("title") or intervention.name,
            category=intervention.category.label,
            participants=participants,
            cost=intervention.unit_cost * participants,
            people_reached=given.get("people_reached") or participants,
        )
    details = validated(OptionCreate, merged(None, given, OPTION_FIELDS))
    if details.cost <= 0:
        raise InputError({"cost": "A project must cost more than £0"})
    if details.cost > ballot.amount:
        raise InputError(
            {"cost": f"costs £{details.cost:,.0f}, more than the £{ballot.amount:,.0f} set aside"}
        )
    option = BallotOption(**details.model_dump(), ballot_id=stored_id(ballot))
    with saving(session):
        session.add(option)
        session.flush()
        record_change(
            session, actor, "create", "ballot_option", option.id, None, option,
            f"Added {option.title} (£{option.cost:,.0f}) to the ballot {ballot.title}",
        )  # fmt: skip
    return option


def delete_option(session: Session, option_id: int, *, actor: Actor | None = None) -> None:
    option = fetch(session, BallotOption, option_id, "project")
    ballot = fetch(session, Ballot, option.ballot_id, "ballot")
    if votes_cast(session, ballot):
        raise InputError({"__all__": "People have voted: projects can no longer be removed"})
    before = snapshot(option)
    with saving(session):
        session.delete(option)
        record_change(
            session, actor, "delete", "ballot_option", option_id, before, None,
            f"Removed {option.title} from the ballot {ballot.title}",
        )  # fmt: skip


def issue_codes(
    session: Session,
    ballot_id: int,
    how_many: object,
    voter_group: str,
    *,
    actor: Actor,
    scope: PlaceScope = None,
    now: datetime | None = None,
) -> list[str]:
    """Make single-use voting codes for a ballot and return them (the only time they are seen
    whole: only their hashes are kept). ``voter_group`` names where they are handed out."""
    ballot = fetch(session, Ballot, ballot_id, "ballot")
    check_scope(ballot.place_id, scope)
    count = _whole(how_many, "how_many")
    if not 1 <= count <= MOST_CODES_AT_ONCE:
        raise InputError({"how_many": f"Issue between 1 and {MOST_CODES_AT_ONCE:,} codes at once"})
    group = (voter_group or "").strip()
    if not group or len(group) > 80:
        raise InputError(
            {"voter_group": "Say where these codes are handed out (up to 80 characters), "
             "e.g. 'Youth club'"}
        )  # fmt: skip
    if (now or utc_now()) >= ballot.closes_at:
        raise InputError({"how_many": "The ballot has closed: no more codes can be issued"})
    codes = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)
    ]
    with saving(session):
        for code in codes:
            session.add(
                VotingCode(
                    ballot_id=ballot.id,  # type: ignore[arg-type]
                    code_hash=code_hash(code),
                    voter_group=group,
                    issued_by_name=getattr(actor, "name", "") or "",
                )
            )
        record_change(
            session, actor, "create", "voting_code", "", None,
            {"ballot": ballot.title, "codes": count, "voter_group": group},
            f"Issued {count} voting codes for {ballot.title} ({group})",
        )  # fmt: skip
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def votes_cast(session: Session, ballot: Ballot) -> int:
    return session.exec(
        select(func.count()).select_from(Vote).where(Vote.ballot_id == ballot.id)
    ).one()


def code_counts(session: Session, ballot: Ballot) -> list[tuple[str, int, int]]:
    """Per voter group: codes issued and codes used."""
    rows = session.exec(
        select(VotingCode.voter_group, func.count(), func.count(col(VotingCode.used_at)))
        .where(VotingCode.ballot_id == ballot.id)
        .group_by(VotingCode.voter_group)
        .order_by(VotingCode.voter_group)
    ).all()
    return [(group, issued, used) for group, issued, used in rows]


def options_of(session: Session, ballot: Ballot) -> list[BallotOption]:
    return list(
        session.exec(
            select(BallotOption)
            .where(BallotOption.ballot_id == ballot.id)
            .order_by(BallotOption.title)
        )
    )


def _whole(value: object, field: str) -> int:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except Exception:  # noqa: BLE001 - any unreadable text is the same mistake
        raise InputError({field: f"must be a whole number, not '{value}'"}) from None
    if number != number.to_integral():
        raise InputError({field: f"must be a whole number, not '{value}'"})
    return int(number)
