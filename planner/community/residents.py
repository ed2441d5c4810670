"""A scenario's participatory budgets as the optimiser's inputs: the money each ballot sets
aside, and, once a ballot has closed, the projects the Method of Equal Shares chose."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

import optimiser as opt
from models import Intervention, Place
from models.ballot import Ballot
from models.fields import utc_now
from planner.community.ballots import options_of
from planner.community.counting import EQUAL_SHARES, count_ballot


def residents_inputs(
    session: Session, scenario_id: int, years: set[int], *, now: datetime | None = None
) -> tuple[tuple[opt.SetAside, ...], tuple[opt.ResidentsChoice, ...]]:
    """Set-asides of the scenario's ballots in its years, and the winners of those closed."""
    moment = now or utc_now()
    set_asides = []
    choices = []
    ballots = session.exec(
        select(Ballot).where(Ballot.scenario_id == scenario_id).order_by(col(Ballot.id))
    ).all()
    for ballot in ballots:
        if ballot.year not in years:
            continue
        place = session.get(Place, ballot.place_id)
        if place is None:
            continue
        set_asides.append(opt.SetAside(place.name, ballot.year, float(ballot.amount), ballot.title))
        if moment < ballot.closes_at:
            continue
        winners = set(count_ballot(session, ballot).result(EQUAL_SHARES).winners)
        for option in options_of(session, ballot):
            if option.id not in winners:
                continue
            intervention = (
                session.get(Intervention, option.intervention_id)
                if option.intervention_id
                else None
            )
            choices.append(
                opt.ResidentsChoice(
                    place=place.name,
                    year=ballot.year,
                    title=option.title,
                    cost=float(option.cost),
                    intervention=intervention.name if intervention else None,
                    participants=option.participants if intervention else 0,
                )
            )
    return tuple(set_asides), tuple(choices)
