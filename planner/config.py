"""Configuration: defaults here, overridden by PLANNER_* environment variables and by create_app's
mapping. `DATABASE_URL` (unprefixed, as hosting platforms set it) also selects the database.

The instance folder (SQLite database, secret key, pending imports) is `PLANNER_INSTANCE_PATH`, or
`instance/` under the directory the planner is started from: never inside the installed package,
where rebuilding the virtual environment would lose the database and the secret key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

ENV_PREFIX = "PLANNER"
INSTANCE_PATH_VARIABLE = "PLANNER_INSTANCE_PATH"

# Settings that are on or off, and the words an environment variable may use for each.
BOOLEAN_SETTINGS = (
    "AUTO_MIGRATE",
    "LOG_JSON",
    "SOLVE_IN_BACKGROUND",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "REMEMBER_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY",
    "WTF_CSRF_ENABLED",
    "TESTING",
    "DEBUG",
)
INTEGER_SETTINGS = (
    "SOLVE_TIME_LIMIT",
    "MAX_CONTENT_LENGTH",
    "JOB_THREADS",
    "JOB_HEARTBEAT_SECONDS",
    "JOB_DEAD_AFTER_SECONDS",
    "JOB_MAX_ATTEMPTS",
    "WORKER_CONCURRENCY",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
    "REMEMBER_DAYS",
    "ANALYSIS_WORKERS",
)
RATE_LIMIT_SETTINGS = ("SIGN_IN_ACCOUNT_LIMIT", "SIGN_IN_ADDRESS_LIMIT", "VOTE_ADDRESS_LIMIT")
TRUE_WORDS = ("on", "true", "yes", "1")
FALSE_WORDS = ("off", "false", "no", "0")
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres")
BROKER_SCHEMES = ("redis", "rediss", "memory")


class ConfigError(ValueError):
    """A setting the planner cannot start with; the message names the variable."""


class DefaultConfig:
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None
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
    # Jobs (planner.jobs): with a broker (redis://...), Celery workers run them; without one, the
    # embedded default runs JOB_THREADS at once in each web process.
    BROKER_URL: str | None = None
    JOB_QUEUE = "planner"
    JOB_THREADS = 1
    JOB_HEARTBEAT_SECONDS = 5
    JOB_DEAD_AFTER_SECONDS = 30
    JOB_MAX_ATTEMPTS = 2
    WORKER_CONCURRENCY = 1
    # Processes that share the re-solves of a robustness analysis (each takes a core).
    ANALYSIS_WORKERS = 2
    LOG_LEVEL = "INFO"
    LOG_JSON = False
    # Sessions end after this long without a request, and this long after signing in; a
    # "keep me signed in" cookie lasts REMEMBER_DAYS (planner.security.sessions).
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 12
    REMEMBER_DAYS = 14
    # Failed sign-ins allowed per account and per address (planner.security.throttle), in
    # Flask-Limiter's words; RATELIMIT_STORAGE_URI (memory:// by default) may name a Redis.
    SIGN_IN_ACCOUNT_LIMIT = "10 per 15 minutes"
    SIGN_IN_ADDRESS_LIMIT = "50 per 15 minutes"
    # Wrong voting codes allowed per address on the public ballot page (planner.community.throttle).
    VOTE_ADDRESS_LIMIT = "10 per 15 minutes"


def instance_folder(config: Mapping[str, Any] | None = None) -> str:
    """The instance folder: create_app's INSTANCE_PATH, else PLANNER_INSTANCE_PATH, else
    `instance/` in the current working directory. Always absolute, as Flask requires."""
    chosen = (config or {}).get("INSTANCE_PATH") or os.environ.get(INSTANCE_PATH_VARIABLE)
    return str(Path(chosen or Path.cwd() / "instance").expanduser().resolve())


def environment_database_url() -> str | None:
    """DATABASE_URL as hosting platforms set it, read when the app is built (not on import)."""
    return os.environ.get("DATABASE_URL") or None


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_url(instance_path: str | Path) -> str:
    return f"sqlite:///{Path(instance_path) / 'planner.sqlite'}"


def default_database_url(instance_path: str | Path) -> str:
    """The database the app uses when nothing else is configured: DATABASE_URL or
    PLANNER_DATABASE_URL, else the SQLite file in the instance folder."""
    url = environment_database_url() or os.environ.get(f"{ENV_PREFIX}_DATABASE_URL")
    return normalise_database_url(url or sqlite_url(instance_path))


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


def as_boolean(name: str, value: object) -> bool:
    """An on/off setting as a bool; refuses anything that is not clearly on or off."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(
        f"{ENV_PREFIX}_{name} must be on or off (or true/false, yes/no, 1/0), not '{value}'"
    )


def as_integer(name: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}_{name} must be a whole number, not '{value}'") from None


def as_rate_limit(name: str, value: object) -> str:
    """A limit in Flask-Limiter's words, such as "10 per 15 minutes"."""
    from limits import parse_many

    try:
        parse_many(str(value))
    except ValueError:
        raise ConfigError(
            f"{ENV_PREFIX}_{name} must be a limit such as '10 per 15 minutes', not '{value}'"
        ) from None
    return str(value)


def check_database_url(url: str) -> str:
    scheme = url.partition(":")[0].partition("+")[0].lower()
    if scheme not in DATABASE_SCHEMES or "://" not in url:
        shown = url if len(url) <= 60 else url[:57] + "..."
        raise ConfigError(
            "DATABASE_URL must be a PostgreSQL address (postgresql://user@host/dbname) or a "
            f"SQLite file (sqlite:///path/planner.sqlite), not '{shown}'"
        )
    return normalise_database_url(url)


def check_broker_url(url: str) -> str:
    scheme = url.partition(":")[0].lower()
    if scheme not in BROKER_SCHEMES or "://" not in url:
        raise ConfigError(
            f"{ENV_PREFIX}_BROKER_URL must be a Redis address (redis://host:6379/0); "
            f"it starts '{scheme[:20]}'"
        )
    return url


def finish_config(config: MutableMapping[str, Any], instance_path: str) -> None:
    """Check the settings and fill in those whose defaults depend on the instance folder."""
    for name in BOOLEAN_SETTINGS:
        if config.get(name) is not None:
            config[name] = as_boolean(name, config[name])
    for name in INTEGER_SETTINGS:
        if config.get(name) is not None:
            config[name] = as_integer(name, config[name])
    for name in INTEGER_SETTINGS[2:]:
        if int(config.get(name) or 0) < 1:
            raise ConfigError(f"{ENV_PREFIX}_{name} must be a whole number of 1 or more")
    for name in RATE_LIMIT_SETTINGS:
        config[name] = as_rate_limit(name, config.get(name))
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not storage.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
        raise ConfigError(
            f"{ENV_PREFIX}_RATELIMIT_STORAGE_URI must be memory:// or a Redis address "
            f"(redis://host:6379/0), not '{storage}'"
        )
    if not config.get("DATABASE_URL"):
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        config["DATABASE_URL"] = sqlite_url(instance_path)
    config["DATABASE_URL"] = check_database_url(str(config["DATABASE_URL"]))
    if config.get("AUTO_MIGRATE") is None:
        config["AUTO_MIGRATE"] = config["DATABASE_URL"].startswith("sqlite")
    if config.get("BROKER_URL"):
        config["BROKER_URL"] = check_broker_url(str(config["BROKER_URL"]))
    if int(config.get("JOB_DEAD_AFTER_SECONDS") or 30) < 2 * int(
        config.get("JOB_HEARTBEAT_SECONDS") or 5
    ):
        raise ConfigError(
            f"{ENV_PREFIX}_JOB_DEAD_AFTER_SECONDS must be at least twice "
            f"{ENV_PREFIX}_JOB_HEARTBEAT_SECONDS, or a busy worker would be taken for dead"
        )
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = instance_secret_key(instance_path)
