"""Configuration: where the instance folder lands, on/off settings, the database address."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, inspect

from planner import create_app
from planner.config import ConfigError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    """No database or instance folder chosen by the environment; run from tmp_path."""
    for name in ("DATABASE_URL", "PLANNER_DATABASE_URL", "PLANNER_INSTANCE_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_instance_folder_defaults_to_instance_under_the_working_directory(
    bare_environment,
) -> None:
    app = create_app({"TESTING": True})
    folder = bare_environment / "instance"
    assert app.instance_path == str(folder)
    assert app.config["DATABASE_URL"] == f"sqlite:///{folder / 'planner.sqlite'}"
    assert (folder / "planner.sqlite").exists()
    assert (folder / "secret_key").read_text() == app.config["SECRET_KEY"]


def test_secret_key_survives_a_restart(bare_environment) -> None:
    first = create_app({"TESTING": True}).config["SECRET_KEY"]
    second = create_app({"TESTING": True}).config["SECRET_KEY"]
    assert first == second
    assert len(first) == 64


def test_instance_folder_from_the_environment(bare_environment, monkeypatch) -> None:
    chosen = bare_environment / "elsewhere"
    monkeypatch.setenv("PLANNER_INSTANCE_PATH", str(chosen))
    app = create_app({"TESTING": True})
    assert app.instance_path == str(chosen)
    assert (chosen / "planner.sqlite").exists()
    assert not (bare_environment / "instance").exists()


def test_database_url_is_read_when_the_app_is_built(bare_environment, monkeypatch) -> None:
    url = f"sqlite:///{bare_environment / 'chosen.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert create_app({"TESTING": True}).config["DATABASE_URL"] == url


@pytest.mark.parametrize(
    ("word", "expected"),
    [("off", False), ("OFF", False), ("no", False), ("0", False), ("false", False)]
    + [("on", True), ("yes", True), ("1", True), ("true", True), ("True", True)],
)
def test_on_off_settings_are_parsed(bare_environment, monkeypatch, word, expected) -> None:
    for name in ("AUTO_MIGRATE", "LOG_JSON", "SOLVE_IN_BACKGROUND", "SESSION_COOKIE_SECURE"):
        monkeypatch.setenv(f"PLANNER_{name}", word)
    config = create_app({"TESTING": True}).config
    for name in ("AUTO_MIGRATE", "LOG_JSON", "SOLVE_IN_BACKGROUND", "SESSION_COOKIE_SECURE"):
        assert config[name] is expected, name


def test_auto_migrate_off_leaves_the_database_alone(bare_environment, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_AUTO_MIGRATE", "off")
    app = create_app({"TESTING": True})
    assert app.config["AUTO_MIGRATE"] is False
    engine = create_engine(app.config["DATABASE_URL"])
    assert inspect(engine).get_table_names() == []
    engine.dispose()


@pytest.mark.parametrize(("word", "as_json"), [("off", False), ("on", True)])
def test_log_json_follows_its_setting(bare_environment, monkeypatch, word, as_json) -> None:
    monkeypatch.setenv("PLANNER_LOG_JSON", word)
    create_app({"TESTING": True})
    (handler,) = logging.getLogger("planner").handlers
    assert handler.formatter.as_json is as_json  # type: ignore[union-attr]


def test_an_unclear_on_off_setting_stops_startup(bare_environment, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_AUTO_MIGRATE", "sometimes")
    with pytest.raises(ConfigError) as refusal:
        create_app({"TESTING": True})
    assert str(refusal.value) == (
        "PLANNER_AUTO_MIGRATE must be on or off (or true/false, yes/no, 1/0), not 'sometimes'"
    )


def test_a_number_setting_must_be_a_number(bare_environment, monkeypatch) -> None:
    monkeypatch.setenv("PLANNER_SOLVE_TIME_LIMIT", "a minute")
    with pytest.raises(ConfigError) as refusal:
        create_app({"TESTING": True})
    assert str(refusal.value) == "PLANNER_SOLVE_TIME_LIMIT must be a whole number, not 'a minute'"


def test_an_unknown_database_scheme_stops_startup(bare_environment, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "bogus://x")
    with pytest.raises(ConfigError) as refusal:
        create_app({"TESTING": True})
    assert str(refusal.value) == (
        "DATABASE_URL must be a PostgreSQL address (postgresql://user@host/dbname) or a SQLite "
        "file (sqlite:///path/planner.sqlite), not 'bogus://x'"
    )


def test_alembic_uses_the_apps_database(bare_environment, monkeypatch) -> None:
    """`alembic upgrade head` from the repository migrates the database the app would use."""
    chosen = bare_environment / "alembic-instance"
    monkeypatch.setenv("PLANNER_INSTANCE_PATH", str(chosen))
    config = AlembicConfig(str(REPO / "alembic.ini"))
    config.set_main_option("script_location", str(REPO / "planner" / "migrations"))
    command.upgrade(config, "head")
    engine = create_engine(f"sqlite:///{chosen / 'planner.sqlite'}")
    assert "partner" in inspect(engine).get_table_names()
    engine.dispose()
