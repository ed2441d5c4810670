"""What keeps the planner safe beyond roles and CSRF: response headers (a strict content
security policy), sessions that end, throttled sign-in and links that cannot run script.

`init_app` wires each part into the app; SECURITY.md says what each protects against.
"""

from __future__ import annotations

from flask import Flask

from models.text import is_web_address
from planner.security.headers import add_security_headers
from planner.security.sessions import init_sessions
from planner.security.throttle import init_throttle


def web_address_or_blank(value: object) -> str:
    """For templates: the address if it is an http or https link, else ""."""
    return str(value).strip() if is_web_address(value) else ""


def init_app(app: Flask) -> None:
    """Install the security parts on the app (called once from create_app)."""
    app.jinja_env.filters["web_address"] = web_address_or_blank
    add_security_headers(app)
    init_sessions(app)


def init_after_blueprints(app: Flask) -> None:
    """The parts that wrap views, installed once every blueprint is registered."""
    init_throttle(app)
