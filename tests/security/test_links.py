"""Links: only http and https addresses are stored, old bad ones are cleared by a migration, and
a link is shown with rel="noopener noreferrer" (a stored bad address in an old plan is text)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from models.vocabulary import Role
from tests.test_api_tokens import bearer, token_for

BAD_ADDRESSES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/",
    "https://",
    "http:/\\evil.example",
    "https://exa mple.org/",
    "https://example.org/\u202e",
]


@pytest.fixture
def editor(app: Flask) -> dict[str, str]:
    return bearer(token_for(app, Role.COMMISSIONER))


def _intervention(client, headers, **fields):  # type: ignore[no-untyped-def]
    body = {
        "name": "Triple P",
        "target_group": "Families",
        "unit_cost": "900",
        "price_year": 2022,
        **fields,
    }
    return client.post("/api/v1/interventions", json=body, headers=headers)


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_an_evidence_link_must_be_http_or_https(client, editor, address: str) -> None:
    response = _intervention(client, editor, rating_url=address)
    assert response.status_code == 422
    [problem] = response.json["errors"]
    assert problem["field"] == "rating_url"
    assert "https://" in problem["message"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_risk_indicators_source_link_must_be_http_or_https(client, editor, address: str) -> None:
    """Risk indicators' links follow the same rule (they once checked only the prefix)."""
    indicator = {"name": "Child poverty", "unit": "share", "source": "DWP", "as_at": "2024"}
    response = client.post(
        "/api/v1/risk-indicators", json={**indicator, "source_url": address}, headers=editor
    )
    assert response.status_code == 422
    [problem] = response.json["errors"]
    assert problem["field"] == "source_url" and "https://" in problem["message"]


def test_a_patch_cannot_slip_a_script_address_in(client, editor) -> None:
    assert (
        _intervention(client, editor, rating_url="https://guidebook.eif.org.uk/").status_code == 201
    )
    response = client.patch(
        "/api/v1/interventions/1",
        json={"rating_url": "javascript:alert(1)"},
        headers=matching(client, "/api/v1/interventions/1", editor),
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "rating_url"
    partner = {"name": "Kirklees Council", "kind": "local_authority"}
    assert client.post("/api/v1/partners", json=partner, headers=editor).status_code == 201
    body = {
        "name": "Call-out",
        "unit": "call-out",
        "unit_cost": "5",
        "cost_shares": [{"partner_id": 1, "share_percent": "100"}],
    }
    assert client.post("/api/v1/demand-types", json=body, headers=editor).status_code == 201
    response = client.patch(
        "/api/v1/demand-types/1",
        json={"cost_source_url": "javascript:alert(1)"},
        headers=matching(client, "/api/v1/demand-types/1", editor),
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "cost_source_url"


def test_links_render_with_noopener_noreferrer(client, editor, sign_in_as) -> None:
    address = "https://guidebook.eif.org.uk/programme/triple-p"
    assert _intervention(client, editor, rating_url=address, rating_source="EIF").status_code == 201
    page = sign_in_as(Role.COMMISSIONER).get("/inputs/interventions/1").get_data(as_text=True)
    assert f'<a href="{address}" rel="noopener noreferrer">EIF</a>' in page


def test_a_bad_address_stored_before_the_rule_shows_as_text(
    app: Flask, client, editor, sign_in_as
) -> None:
    assert _intervention(client, editor, rating_source="EIF").status_code == 201
    with app.extensions["engine"].begin() as connection:
        connection.execute(text("UPDATE intervention SET rating_url = 'javascript:alert(1)'"))
    page = sign_in_as(Role.COMMISSIONER).get("/inputs/interventions/1").get_data(as_text=True)
    assert "javascript:" not in page
    assert "EIF" in page


def test_the_migration_clears_unsafe_addresses_and_keeps_good_ones(app: Flask) -> None:
    """Store bad and good addresses as they could be before the rule, then run the migration's
    upgrade step on them (as `planner db upgrade` would)."""
    import importlib

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    migration = importlib.import_module("planner.migrations.versions.0050_web_addresses_only")
    engine = app.extensions["engine"]
    addresses = [
        "javascript:alert(1)",
        "https://guidebook.eif.org.uk/",
        " data:x",
        "",
        "http://x.org ",
    ]
    with engine.begin() as connection:
        for number, address in enumerate(addresses, start=1):
            connection.execute(
                text(
                    "INSERT INTO intervention (id, name, category, target_group, description,"
                    " unit_cost, min_cohort, capacity, duration_weeks, evidence_rating,"
                    " rating_source, rating_date, rating_url, illustrative) VALUES (:id,"
                    " :name, 'OTHER', 'Families', '', 1, 0, 0, 12, 'NL2', '', '', :url, false)"
                ),
                {"id": number, "name": f"I{number}", "url": address},
            )
        with Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT name, rating_url FROM intervention")).all())
    assert stored == {
        "I1": "",
        "I2": "https://guidebook.eif.org.uk/",
        "I3": "",
        "I4": "",
        "I5": "http://x.org",
    }


def matching(client, url: str, headers: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The headers with If-Match set to the record's current ETag (a PATCH needs one)."""
    return {**headers, "If-Match": client.get(url, headers=headers).headers.get("ETag", "*")}
