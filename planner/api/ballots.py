"""Participatory budgets through the API, to read: each ballot with its votes so far, and its
count by both methods (the Method of Equal Shares and greedy) with what each voter group got.
Place leads read only their places' ballots, as on the pages. Ballots are set up and codes
issued on the pages, where the printable cards are."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlmodel import col, select

from models import Place, Scenario
from models.ballot import Ballot, BallotKind
from models.fields import utc_now
from models.vocabulary import Role
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.delivery import scope_of
from planner.api.errors import fail
from planner.api.pagination import Page, PageQuery, page_of_list
from planner.community.ballots import options_of, votes_cast
from planner.community.counting import count_ballot
from planner.db import get_session
from planner.delivery.service import OutsideYourPlaces, check_scope
from planner.inputs.validation import fetch

ALL_ROLES = tuple(Role)

bp = api_blueprint(
    "ballots",
    "Participatory budgets",
    "Ballots on money a scenario sets aside in a place for residents, and their counts; place "
    "leads read only their places'.",
)


class BallotSummary(BaseModel):
    id: int
    scenario_id: int
    scenario: str
    place_id: int
    place: str
    title: str
    year: int = Field(description="Financial year by its start year: 2026 means 2026/27.")
    amount: Decimal = Field(description="Money set aside for residents, £.")
    kind: BallotKind
    points: int
    opens_at: datetime
    closes_at: datetime
    open: bool = Field(description="Voting is open now.")
    votes_cast: int
    voting_page: str = Field(description="The public page residents vote on, with their code.")


class ProjectSupport(BaseModel):
    option_id: int
    title: str
    cost: Decimal
    intervention_id: int | None
    participants: int
    support: int = Field(description="Approvals (or points) it received.")


class GroupPublic(BaseModel):
    group: str = Field(description="The voter group named when the codes were issued.")
    voters: int
    with_a_winner: int = Field(description="Voters who backed at least one winning project.")
    money_backed_per_voter: float = Field(
        description="Cost of the winning projects they backed, averaged over the group, £."
    )


class CountPublic(BaseModel):
    method: str
    name: str
    winners: list[int] = Field(description="The winning projects' option ids.")
    cost: Decimal
    groups: list[GroupPublic]


class BallotCountPublic(BaseModel):
    ballot_id: int
    closed: bool = Field(description="False: a running count while voting is open.")
    votes: int
    projects: list[ProjectSupport]
    results: list[CountPublic]


def _visible(ballot: Ballot, user: object) -> None:
    try:
        check_scope(ballot.place_id, scope_of(user))
    except OutsideYourPlaces as refused:
        fail(403, str(refused))


@bp.get("/ballots", responses={200: Page[BallotSummary]})
def list_ballots(query: PageQuery):
    """Every ballot the user may see, latest closing first, with the votes cast so far."""
    user = api_user(*ALL_ROLES)
    session = get_session()
    scope = scope_of(user)
    now = utc_now()
    rows = []
    latest_first = select(Ballot).order_by(col(Ballot.closes_at).desc(), col(Ballot.id))
    for ballot in session.exec(latest_first):
        if scope is not None and ballot.place_id not in scope:
            continue
        place = fetch(session, Place, ballot.place_id, "place")
        scenario = fetch(session, Scenario, ballot.scenario_id, "scenario")
        rows.append(
            BallotSummary(
                **ballot.model_dump(include=set(BallotSummary.model_fields)),
                scenario=scenario.name,
                place=place.name,
                open=ballot.is_open(now),
                votes_cast=votes_cast(session, ballot),
                voting_page=f"/vote/{ballot.id}",
            )
        )
    return page_of_list(rows, query)


@bp.get("/ballots/<int:id>/count", responses={200: BallotCountPublic})
def read_count(path: IdPath):
    """A ballot's count by the Method of Equal Shares and by greedy, side by side, with each
    project's support and what each voter group got."""
    user = api_user(*ALL_ROLES)
    session = get_session()
    ballot = fetch(session, Ballot, path.id, "ballot")
    _visible(ballot, user)
    counted = count_ballot(session, ballot)
    projects = [
        ProjectSupport(
            option_id=option.id,  # type: ignore[arg-type]
            title=option.title,
            cost=option.cost,
            intervention_id=option.intervention_id,
            participants=option.participants,
            support=counted.support.get(option.id, 0),  # type: ignore[arg-type]
        )
        for option in options_of(session, ballot)
    ]
    results = [
        CountPublic(
            method=result.method,
            name=result.name,
            winners=list(result.winners),
            cost=result.cost,
            groups=[
                GroupPublic(
                    group=group.group,
                    voters=group.voters,
                    with_a_winner=group.with_a_winner,
                    money_backed_per_voter=round(group.money_backed_per_voter, 2),
                )
                for group in result.groups
            ],
        )
        for result in counted.results
    ]
    return BallotCountPublic(
        ballot_id=path.id,
        closed=utc_now() >= ballot.closes_at,
        votes=counted.votes,
        projects=projects,
        results=results,
    ).model_dump(mode="json")
