"""Every command stops with one line and exit code 1 when the database cannot be reached or the
configuration is unusable, instead of a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from planner.cli import planner_cli

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/x"
REFUSED = (
    "Error: could not reach the database at postgresql+psycopg://nobody@127.0.0.1:1/x: "
    'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused\n'
)


def run(tmp_path, args: list[str], database_url: str):  # type: ignore[no-untyped-def]
    environment = {
        "DATABASE_URL": database_url,
        "PLANNER_INSTANCE_PATH": str(tmp_path / "instance"),
        "PLANNER_SECRET_KEY": "cli-test-key",
    }
    return CliRunner().invoke(planner_cli(), args, env=environment, catch_exceptions=False)


@pytest.fixture
def template(tmp_path) -> str:
    """A real inputs workbook, so `planner import` gets as far as the database."""
    path = str(tmp_path / "template.xlsx")
    result = run(tmp_path, ["export-template", path], f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["db", "check"],
        ["db", "upgrade"],
        ["demo"],
        ["solve", "Pooled 2026-29"],
        ["export", "1", "plan.xlsx"],
        ["export-inputs", "inputs.xlsx"],
        ["serve", "--port", "8852"],
        [
            "users",
            "create",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--password",
            "plum kettle harbour",
        ],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_an_unreachable_database_is_one_line(tmp_path, args) -> None:
    result = run(tmp_path, args, UNREACHABLE)
    assert result.exit_code == 1
    if args[0] == "db" and args[1] == "upgrade":
        # `db upgrade` words its own failure.
        assert result.output.startswith("Error: could not upgrade the database: ")
        assert result.output.count("\n") == 1
    else:
        assert result.output == REFUSED


def test_import_with_an_unreachable_database_is_one_line(tmp_path, template) -> None:
    result = run(tmp_path, ["import", template], UNREACHABLE)
    assert result.exit_code == 1
    assert result.output == REFUSED


BAD_SCHEME = (
    "Error: DATABASE_URL must be a PostgreSQL address (postgresql://user@host/dbname) or a SQLite "
    "file (sqlite:///path/planner.sqlite), not 'bogus://x'\n"
)


@pytest.mark.parametrize("args", [["db", "check"], ["demo"]])
def test_a_bad_database_address_is_one_line(tmp_path, args) -> None:
    result = run(tmp_path, args, "bogus://x")
    assert result.exit_code == 1
    assert result.output == BAD_SCHEME


def test_help_still_lists_the_commands_with_a_bad_address(tmp_path) -> None:
    """Help builds no app (it answers at once), so it needs no database: the address is
    checked, in one line, by the command that uses it."""
    result = run(tmp_path, ["--help"], "bogus://x")
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert result.output.startswith("Usage: ") and "worker" in result.output
    assert run(tmp_path, ["db", "check"], "bogus://x").output.startswith(BAD_SCHEME)
