"""Participatory budgets through the API: the ballots a user may see with their votes so far, and
the count by the Method of Equal Shares and greedy side by side, as the ballot page gives them;
place leads see only their places' ballots."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlmodel import select

from models import Scenario, User
from models.fields import utc_now
from models.vocabulary import Role
from planner.community.ballots import add_option, create_ballot, issue_codes
from planner.community.voting import cast_vote
from planner.db import new_session
from planner.inputs.service import create_place
from tests.test_api_tokens import bearer, token_for


def test_ballots_and_their_count_through_the_api(app: Flask) -> None:
    """£100 in North; projects Hall (£60) and Garden (£40) and Mural (£50). Three school voters
    approve Hall and Garden, two at the youth club approve Mural. Equal shares: each voter has
    £20; Hall costs the school £20 each (funded), Garden £13.33 each (they have nothing left),
    Mural £25 each from the youth club's £20 (not funded). Greedy: Hall (3 x 60) then Garden
    (3 x 40): £100. South's ballot is hidden from North's place lead."""
    now = utc_now()
    with app.app_context(), new_session() as session:
        north = create_place(session, {"name": "North", "district": "D"})
        south = create_place(session, {"name": "South", "district": "D"})
        scenario = Scenario(name="S", first_year=2026)
        session.add(scenario)
        session.commit()
        ballots = []
        for place in (north, south):
            fields = {"scenario_id": scenario.id, "place_id": place.id,
                      "title": f"{place.name} decides", "year": 2026, "amount": "100",
                      "kind": "approval", "opens_at": now - timedelta(days=1),
                      "closes_at": now + timedelta(days=3)}  # fmt: skip
            ballots.append(create_ballot(session, fields))
        ballot = ballots[0]
        options = [
            add_option(
                session,
                ballot.id,
                {"title": title, "cost": cost, "category": "Space", "people_reached": 10},
            )  # fmt: skip
            for title, cost in (("Hall", "60"), ("Garden", "40"), ("Mural", "50"))
        ]
        lead = session.exec(select(User)).first()
        school = issue_codes(session, ballot.id, 3, "School", actor=lead)  # type: ignore[arg-type]
        youth = issue_codes(session, ballot.id, 2, "Youth club", actor=lead)  # type: ignore[arg-type]
        hall, garden, mural = (str(option.id) for option in options)
        for code in school:
            cast_vote(session, ballot, code, {hall: "1", garden: "1"})
        for code in youth:
            cast_vote(session, ballot, code, {mural: "1"})
        ids = {"north": north.id, "ballot": ballot.id, "other": ballots[1].id}
        ids.update({"hall": options[0].id, "garden": options[1].id})
    client = app.test_client()
    reader = bearer(token_for(app, Role.FINANCE_LEAD))
    listed = client.get("/api/v1/ballots", headers=reader)
    assert listed.status_code == 200, listed.json
    assert listed.json["total"] == 2
    first = next(item for item in listed.json["items"] if item["id"] == ids["ballot"])
    assert (first["place"], first["votes_cast"], first["open"]) == ("North", 5, True)
    assert first["voting_page"] == f"/vote/{ids['ballot']}"
    counted = client.get(f"/api/v1/ballots/{ids['ballot']}/count", headers=reader)
    assert counted.status_code == 200, counted.json
    body = counted.json
    assert body["votes"] == 5 and body["closed"] is False
    support = {p["title"]: p["support"] for p in body["projects"]}
    assert support == {"Hall": 3, "Garden": 3, "Mural": 2}
    results = {r["method"]: r for r in body["results"]}
    assert results["equal_shares"]["name"] == "Method of Equal Shares"
    assert results["greedy"]["winners"] == [ids["hall"], ids["garden"]]
    greedy_groups = {g["group"]: g["with_a_winner"] for g in results["greedy"]["groups"]}
    assert greedy_groups == {"School": 3, "Youth club": 0}
    # A place lead for North sees North's ballot only, and is refused South's count.
    lead = bearer(token_for(app, Role.PLACE_LEAD, place_ids=[ids["north"]]))
    theirs = client.get("/api/v1/ballots", headers=lead)
    assert [item["id"] for item in theirs.json["items"]] == [ids["ballot"]]
    refused = client.get(f"/api/v1/ballots/{ids['other']}/count", headers=lead)
    assert refused.status_code == 403
    assert client.get(f"/api/v1/ballots/{ids['ballot']}/count").status_code == 401
    assert client.get("/api/v1/ballots/99999/count", headers=reader).status_code == 404
    schema = client.get("/api/v1/openapi.json").json
    assert "/api/v1/ballots/{id}/count" in schema["paths"]
