"""Risk indicators, their values and the need index through the API, with the pages' roles."""

from __future__ import annotations

from flask import Flask

from models.vocabulary import Role
from planner.db import new_session
from planner.inputs.service import create_place
from tests.test_api_tokens import bearer, token_for


def test_indicators_values_and_need_through_the_api(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        north = create_place(session, {"name": "North", "district": "D"}).id
        south = create_place(session, {"name": "South", "district": "D"}).id
    client, editor = app.test_client(), bearer(token_for(app, Role.COMMISSIONER))
    created = client.post(
        "/api/v1/risk-indicators",
        json={"name": "Children in need", "unit": "per 10,000", "weight": 1,
              "source": "DfE", "as_at": "2023/24"},
        headers=editor,
    )  # fmt: skip
    assert created.status_code == 201, created.json
    indicator = created.json["id"]
    for place, value in ((north, 100), (south, 300)):
        saved = client.post(
            f"/api/v1/places/{place}/indicator-values",
            json={"indicator_id": indicator, "value": value},
            headers=editor,
        )
        assert saved.status_code == 201, saved.json
    refused = client.post(
        f"/api/v1/places/{north}/indicator-values",
        json={"indicator_id": indicator, "value": -1},
        headers=editor,
    )
    assert refused.status_code == 422
    reader = bearer(token_for(app, Role.PLACE_LEAD))
    need = client.get("/api/v1/need", headers=reader)
    assert need.status_code == 200
    by_place = {row["place"]: row for row in need.json["places"]}
    assert by_place["North"]["need_index"] == 0.5 and by_place["South"]["need_index"] == 1.5
    assert by_place["South"]["normalised"] == {"Children in need": 1.5}
    assert "Σ weight" in need.json["formula"]
    forbidden = client.post(
        "/api/v1/risk-indicators",
        json={"name": "X", "unit": "u", "source": "s", "as_at": "2020"},
        headers=reader,
    )
    assert forbidden.status_code == 403
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/risk-indicators" in spec["paths"] and "/api/v1/need" in spec["paths"]
