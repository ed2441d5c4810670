"""Every response carries the security headers: a strict content security policy (no inline
script or style), no framing, nosniff, a referrer policy, and HSTS when the cookie is secure.
The walk covers every route in the app's url_map, so a new page cannot forget them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from models.vocabulary import Role
from planner.security.headers import CONTENT_SECURITY_POLICY
from tests.conftest import make_app
from tests.test_api_tokens import bearer, token_for

TEMPLATES = Path(__file__).resolve().parents[2] / "planner" / "templates"
STATIC = Path(__file__).resolve().parents[2] / "static"
SAMPLE_ARGUMENTS = {"int": 1, "default": "x", "string": "x", "path": "css/planner.css"}


def check_headers(response, where: str) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    assert policy == CONTENT_SECURITY_POLICY, where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where


def test_the_policy_allows_nothing_inline_and_no_framing() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def _urls(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        arguments = {
            name: SAMPLE_ARGUMENTS.get(
                type(converter)
                .__name__.removesuffix("Converter")
                .lower()
                .replace("recordid", "int"),
                "x",
            )
            for name, converter in rule._converters.items()
        }
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **arguments)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


@pytest.mark.parametrize("who", ["nobody", "admin", "place_lead"])
def test_every_route_answers_with_the_headers(app: Flask, sign_in_as, who: str) -> None:
    if who == "nobody":
        client: FlaskClient = app.test_client()
    else:
        client = sign_in_as(Role(who))
    headers = bearer(token_for(app, Role.ADMIN)) if who == "admin" else {}
    walked = _urls(app)
    assert len(walked) > 80
    for method, url in walked:
        if url == "/sign-out":
            continue  # walked last: it would end the session the rest of the walk needs
        response = client.open(
            url, method=method, headers=headers if url.startswith("/api/") else {}
        )
        assert response.status_code < 500, (method, url, response.status_code)
        check_headers(response, f"{method} {url} ({response.status_code})")
    check_headers(client.post("/sign-out"), "POST /sign-out")


def test_errors_and_static_files_have_them_too(client: FlaskClient) -> None:
    for url in ("/no-such-page", "/static/css/planner.css", "/static/js/page.js", "/health"):
        check_headers(client.get(url), url)
    check_headers(client.put("/sign-in"), "PUT /sign-in (405)")


def test_hsts_only_when_the_cookie_is_secure(tmp_path, database_url: str) -> None:
    plain = make_app(database_url, tmp_path)
    assert "Strict-Transport-Security" not in plain.test_client().get("/sign-in").headers
    secure = make_app(database_url, tmp_path, SESSION_COOKIE_SECURE=True)
    hsts = secure.test_client().get("/sign-in").headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=\d{8,}; includeSubDomains", hsts)


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), 'style="" attribute'),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on...= handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
]


def test_no_template_has_inline_script_or_style() -> None:
    """The rule for every page, new ones too: behaviour and styling live in static/ files."""
    problems = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        # Comments are not sent to the browser (keep their line breaks for the line numbers).
        text = re.sub(
            r"\{#.*?#\}", lambda c: "\n" * c.group().count("\n"), template.read_text(), flags=re.S
        )
        for pattern, what in INLINE:
            for found in pattern.finditer(text):
                line = text.count("\n", 0, found.start()) + 1
                problems.append(f"{template.relative_to(TEMPLATES)}:{line}: {what}")
    assert problems == [], "\n".join(problems)


def test_static_scripts_build_no_code_from_strings() -> None:
    """Our own scripts; the vendored plotly bundle (static/vendor) is third-party code that
    writes chart markup it builds itself, never user text."""
    own_scripts = [path for path in STATIC.rglob("*.js") if "vendor" not in path.parts]
    assert own_scripts, "the app's own scripts are found"
    for script in own_scripts:
        text = script.read_text()
        assert "eval(" not in text and "new Function" not in text, script.name
        assert "innerHTML" not in text, script.name
