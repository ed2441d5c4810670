"""Participatory budgets: the count by hand (Method of Equal Shares against greedy, with what each
voter group got), the public voting page (no account, one vote per code, refusals in words, CSRF,
throttled), issuing codes, and a closed ballot's winners entering the plan."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlmodel import select

from models import Plan, Scenario
from models.ballot import Ballot, BallotKind, BallotOption, Vote
from models.fields import utc_now
from models.vocabulary import Role
from planner.community.ballots import add_option, create_ballot, issue_codes
from planner.community.counting import EQUAL_SHARES, GREEDY, count_votes
from planner.db import new_session
from planner.demo.community import DEMO_VOTING_CODES
from tests.conftest import make_app
from tests.planning_fixtures import demo_client


def _options(*costs: int) -> list[BallotOption]:
    return [
        BallotOption(
            id=n, ballot_id=1, title=f"P{n}", cost=Decimal(c), category="x", people_reached=1
        )
        for n, c in enumerate(costs, start=1)
    ]


def test_equal_shares_against_greedy_by_hand() -> None:
    """£100; projects 1 (£60), 2 (£40), 3 (£50), 4 (£30). Six voters at the school approve 1
    and 2; four at the youth club approve 3 and 4. Each voter's share is £10.
    Equal shares: 1 costs its six supporters £10 each, as does 2 (£6.67 each); 1 first (tie
    broken in order), leaving the school voters nothing, so 2 cannot be paid for. 4 costs the
    youth club £7.50 each: funded; 3 (£12.50 each) is not. Chosen 1 and 4: £90.
    Greedy: most cost-weighted support first: 1 (6 x 60) then 2 (6 x 40): £100, and the youth
    club gets nothing."""
    ballots = [({1: 1, 2: 1}, "School")] * 6 + [({3: 1, 4: 1}, "Youth club")] * 4
    count = count_votes(_options(60, 40, 50, 30), BallotKind.APPROVAL, Decimal(100), ballots)
    shares, greedy = count.result(EQUAL_SHARES), count.result(GREEDY)
    assert shares.winners == (1, 4) and shares.cost == 90
    assert greedy.winners == (1, 2) and greedy.cost == 100
    by_group = {g.group: g for g in shares.groups}
    assert by_group["Youth club"].share_with_a_winner == 1.0
    assert by_group["Youth club"].money_backed_per_voter == pytest.approx(30)
    assert {g.group: g.with_a_winner for g in greedy.groups} == {"School": 6, "Youth club": 0}
    assert count.support == {1: 6, 2: 6, 3: 4, 4: 4}


@pytest.fixture
def ballot_app(demo_app: Flask) -> Flask:
    return demo_app


def _demo_ballot(app: Flask) -> Ballot:
    with app.app_context(), new_session() as session:
        return session.exec(select(Ballot)).one()


def test_public_page_votes_once_per_code_and_refuses_in_words(ballot_app: Flask) -> None:
    ballot = _demo_ballot(ballot_app)
    public = ballot_app.test_client()  # no account
    page = public.get(f"/vote/{ballot.id}")
    assert page.status_code == 200 and "Bradford Moor decides" in page.text
    with ballot_app.app_context(), new_session() as session:
        options = session.exec(
            select(BallotOption).where(BallotOption.ballot_id == ballot.id)
        ).all()
    first = str(options[0].id)
    nothing = public.post(f"/vote/{ballot.id}", data={"code": DEMO_VOTING_CODES[0]})
    assert nothing.status_code == 422 and "Choose at least one project" in nothing.text
    voted = public.post(
        f"/vote/{ballot.id}", data={"code": DEMO_VOTING_CODES[0].lower(), "project": first}
    )
    assert voted.status_code == 200 and "your vote is counted" in voted.text
    again = public.post(f"/vote/{ballot.id}", data={"code": DEMO_VOTING_CODES[0], "project": first})
    assert again.status_code == 422
    assert "That code has already been used to vote: each code votes once" in again.text
    wrong = public.post(f"/vote/{ballot.id}", data={"code": "NOPE1-NOPE1", "project": first})
    assert "That code is not one issued for this ballot" in wrong.text
    with ballot_app.app_context(), new_session() as session:
        assert len(session.exec(select(Vote)).all()) == 1


def test_guessing_codes_is_throttled(ballot_app: Flask) -> None:
    ballot = _demo_ballot(ballot_app)
    public = ballot_app.test_client()
    statuses = [
        public.post(
            f"/vote/{ballot.id}",
            data={"code": f"GUESS-{n:05d}", "project": "1"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [422] * 10 and statuses[10:] == [429, 429]
    blocked = public.post(
        f"/vote/{ballot.id}",
        data={"code": DEMO_VOTING_CODES[1], "project": "1"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert blocked.status_code == 429 and "Wait 15 minutes" in blocked.text
    assert blocked.headers["Retry-After"] == "900"
    # Only that address is held back, and nothing it sent while blocked was counted as a vote.
    elsewhere = public.post(
        f"/vote/{ballot.id}",
        data={"code": DEMO_VOTING_CODES[1], "project": "1"},
        environ_base={"REMOTE_ADDR": "203.0.113.10"},
    )
    assert elsewhere.status_code in (200, 422) and "Too many codes" not in elsewhere.text
    limiter = ballot_app.extensions["sign_in_limiter"]
    assert limiter.enabled


def test_right_codes_and_refused_choices_do_not_count_towards_the_limit(ballot_app: Flask) -> None:
    """Twelve refusals that are not about the code (no project chosen) leave the address free:
    only wrong codes count, so one community centre's residents are never held up."""
    ballot = _demo_ballot(ballot_app)
    public = ballot_app.test_client()
    statuses = [
        public.post(
            f"/vote/{ballot.id}",
            data={"code": DEMO_VOTING_CODES[2]},
            environ_base={"REMOTE_ADDR": "203.0.113.11"},
        ).status_code
        for _ in range(12)
    ]
    assert statuses == [422] * 12


def test_closed_ballot_and_cumulative_over_budget_are_refused(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        from planner.inputs.service import create_place

        place = create_place(session, {"name": "North", "district": "D"})
        scenario = Scenario(name="S", first_year=2026)
        session.add(scenario)
        session.commit()
        now = utc_now()
        fields = {"scenario_id": scenario.id, "place_id": place.id, "title": "North decides",
                  "year": 2026, "amount": "1000", "kind": "cumulative", "points": 5,
                  "opens_at": now - timedelta(days=2), "closes_at": now + timedelta(days=2)}  # fmt: skip
        ballot = create_ballot(session, fields)
        option = add_option(session, ballot.id, {"title": "Hall", "cost": "500", "category": "Space", "people_reached": 50})  # fmt: skip
        with pytest.raises(Exception, match="more than the £1,000 set aside"):
            add_option(session, ballot.id, {"title": "Pool", "cost": "5000", "category": "Sport", "people_reached": 9})  # fmt: skip

        class Lead:
            id = None
            name = "Lead"

        codes = issue_codes(session, ballot.id, "2", "Market stall", actor=Lead())
        ballot_id, option_id = ballot.id, option.id
    client = app.test_client()
    over = client.post(f"/vote/{ballot_id}", data={"code": codes[0], f"points-{option_id}": "7"})
    assert "You gave 7 points but have 5 to share out: take 2 away and vote again" in over.text
    with app.app_context(), new_session() as session:
        ballot = session.get(Ballot, ballot_id)
        ballot.closes_at = utc_now() - timedelta(minutes=1)  # type: ignore[union-attr]
        session.add(ballot)
        session.commit()
    closed = client.post(f"/vote/{ballot_id}", data={"code": codes[0], f"points-{option_id}": "3"})
    assert closed.status_code == 422 and "votes can no longer be cast" in closed.text


def test_public_page_is_csrf_protected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path / 'p.sqlite'}", tmp_path, WTF_CSRF_ENABLED=True)
    from planner.demo.loader import load_demo

    with app.app_context():
        load_demo()
    ballot = _demo_ballot(app)
    client = app.test_client()
    refused = client.post(f"/vote/{ballot.id}", data={"code": DEMO_VOTING_CODES[0], "project": "1"})
    assert refused.status_code == 400
    page = client.get(f"/vote/{ballot.id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    with app.app_context(), new_session() as session:
        option = session.exec(
            select(BallotOption).where(BallotOption.ballot_id == ballot.id)
        ).first()
    accepted = client.post(
        f"/vote/{ballot.id}",
        data={"code": DEMO_VOTING_CODES[0], "project": str(option.id), "csrf_token": token},  # type: ignore[union-attr]
    )
    assert accepted.status_code == 200 and "your vote is counted" in accepted.text


def test_place_lead_issues_printable_codes_and_the_closed_ballot_enters_the_plan(
    ballot_app: Flask,
) -> None:
    ballot = _demo_ballot(ballot_app)
    lead = demo_client(ballot_app, Role.PLACE_LEAD)
    printed = lead.post(
        f"/community/ballots/{ballot.id}/codes", data={"how_many": "3", "voter_group": "Mosque"}
    )
    assert printed.status_code == 200
    codes = re.findall(r'<span class="code">([A-Z0-9-]+)</span>', printed.text)
    assert len(codes) == 3
    refused = lead.post(
        f"/community/ballots/{ballot.id}/codes", data={"how_many": "0", "voter_group": ""}
    )
    assert refused.status_code == 422 and "Issue between 1 and 2,000 codes at once" in refused.text
    public = ballot_app.test_client()
    with ballot_app.app_context(), new_session() as session:
        options = {o.title: o for o in session.exec(select(BallotOption))}
    club = options["Friday night youth club"]
    for code in codes:
        assert (
            public.post(
                f"/vote/{ballot.id}", data={"code": code, "project": str(club.id)}
            ).status_code
            == 200
        )
    page = lead.get(f"/community/ballots/{ballot.id}")
    assert "Method of Equal Shares" in page.text and "Greedy (most support first)" in page.text
    with ballot_app.app_context(), new_session() as session:
        stored = session.get(Ballot, ballot.id)
        stored.closes_at = utc_now() - timedelta(minutes=1)  # type: ignore[union-attr]
        session.add(stored)
        session.commit()
        scenario_id = stored.scenario_id  # type: ignore[union-attr]
    commissioner = demo_client(ballot_app, Role.COMMISSIONER)
    run = commissioner.post(f"/scenarios/{scenario_id}/run")
    assert run.status_code in (302, 303)
    with ballot_app.app_context(), new_session() as session:
        plan = session.exec(
            select(Plan).where(Plan.scenario_id == scenario_id).order_by(Plan.id.desc())
        ).first()  # type: ignore[attr-defined]
        assert plan is not None and plan.result is not None
        residents = plan.result["residents"]
    assert residents["set_aside"] == 30000
    chosen = {c["title"] for c in residents["chosen"]}
    assert "Friday night youth club" in chosen  # three votes
    assert "Parenting group for 10 families" not in chosen  # no votes: never funded
    assert residents["sentence"].startswith("Residents chose projects costing £")
    shown = commissioner.get(f"/plans/{plan.id}")
    assert "What residents chose" in shown.text and "Friday night youth club" in shown.text
