"""The app shell: factory, configuration, health, sign-in, error pages, CLI basics."""

from __future__ import annotations

from flask import Flask

from models.vocabulary import Role
from planner import create_app
from planner.db import schema_drift
from tests.conftest import PASSWORD, add_user


def test_config_comes_from_prefixed_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PLANNER_SOLVE_TIME_LIMIT", "17")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    assert app.config["SOLVE_TIME_LIMIT"] == 17


def test_postgres_urls_use_psycopg3(tmp_path) -> None:
    from planner.config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_health_checks_the_database(client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}


def test_migrations_match_the_models(app: Flask) -> None:
    with app.app_context():
        assert schema_drift() == []


def test_pages_need_sign_in(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_sign_in_and_out(app: Flask, client) -> None:
    email = add_user(app, Role.COMMISSIONER)
    wrong = client.post("/sign-in", data={"email": email, "password": "not it at all"})
    assert wrong.status_code == 401
    assert b"The email address or password is not right" in wrong.data
    right = client.post("/sign-in", data={"email": email.upper(), "password": PASSWORD})
    assert right.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Your partnership" in home.data
    client.post("/sign-out")
    assert client.get("/").status_code == 302


def test_sign_in_ignores_offsite_next(app: Flask, client) -> None:
    email = add_user(app, Role.COMMISSIONER)
    response = client.post(
        "/sign-in?next=https://evil.example/x", data={"email": email, "password": PASSWORD}
    )
    assert response.location == "/"


def test_csrf_is_enforced(csrf_app: Flask) -> None:
    email = add_user(csrf_app, Role.COMMISSIONER)
    client = csrf_app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"did not come from this site" in response.data


def test_error_pages_are_in_words(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.json["errors"][0]["message"] == "Page not found"


def test_users_create_command(app: Flask, runner) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "ana@example.org",
            "--name",
            "Ana",
            "--role",
            "finance_lead",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created ana@example.org (finance_lead)" in result.output
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "ana@example.org",
            "--name",
            "Ana",
            "--password",
            "long enough password",
        ]
    )
    assert again.exit_code != 0
    assert "ana@example.org already has an account" in again.output


def test_users_create_rejects_short_password(runner) -> None:
    result = runner.invoke(
        args=["users", "create", "--email", "b@example.org", "--name", "B", "--password", "short"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: password: must be at least 12 characters (it has 5)")


def test_home_offers_each_role_its_starting_points(sign_in_as) -> None:
    commissioner = sign_in_as(Role.COMMISSIONER).get("/").get_data(as_text=True)
    assert 'href="/scenarios/"' in commissioner
    assert 'href="/plans/"' in commissioner
    place_lead = sign_in_as(Role.PLACE_LEAD).get("/").get_data(as_text=True)
    assert 'href="/scenarios/"' not in place_lead
    assert "Place teams" in place_lead
