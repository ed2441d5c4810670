"""Configuration: defaults here, overridden by PLANNER_* environment variables and by create_app's
mapping. `DATABASE_URL` (unprefixed, as hosting platforms set it) also selects the database."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "PLANNER"


class DefaultConfig:
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = os.environ.get("DATABASE_URL")
    # The embedded SQLite default migrates itself on start; a shared PostgreSQL is upgraded on
    # purpose with `planner db upgrade`.
    AUTO_MIGRATE: bool | None = None
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SOLVE_IN_BACKGROUND = True
    SOLVE_TIME_LIMIT = 60
    LOG_LEVEL = "INFO"
    LOG_JSON = False


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_url(instance_path: str | Path) -> str:
    return f"sqlite:///{Path(instance_path) / 'planner.sqlite'}"


def instance_secret_key(instance_path: str | Path) -> str:
    """A secret key kept in the instance folder, so sessions survive restarts on one machine
    without anyone having to configure one. Production sets PLANNER_SECRET_KEY instead."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def finish_config(config: dict[str, Any], instance_path: str) -> None:
    """Fill in the settings whose defaults depend on the instance folder."""
    if not config.get("DATABASE_URL"):
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        config["DATABASE_URL"] = sqlite_url(instance_path)
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    if config.get("AUTO_MIGRATE") is None:
        config["AUTO_MIGRATE"] = config["DATABASE_URL"].startswith("sqlite")
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
