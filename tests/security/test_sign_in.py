"""Sign-in: failed attempts are throttled per account and per address (429 in words), an
unknown email costs the same work as a known one, and passwords follow the NCSC's guidance."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask

from models.passwords import MAX_LENGTH, password_problem
from models.vocabulary import Role
from planner.demo.content import DEMO_PASSWORD
from tests.conftest import PASSWORD, add_user, make_app, sign_in

REDIS_URL = "redis://127.0.0.1:6379/5"


def attempt(app: Flask, email: str, password: str, address: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return app.test_client().post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_wrong_passwords_for_one_account_are_throttled_from_any_address(app: Flask) -> None:
    email = add_user(
        app, Role.COMMISSIONER, email=f"COMMISSIONER-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    for number in range(10):
        assert attempt(app, email, "wrong guess", f"198.51.100.{number}").status_code == 401
    refused = attempt(app, email, PASSWORD, "198.51.100.99")
    assert refused.status_code == 429
    words = refused.get_data(as_text=True)
    assert "Too many wrong sign-in attempts" in words and "15 minutes" in words
    assert int(refused.headers["Retry-After"]) > 0
    # Another account is not held up.
    other = add_user(
        app, Role.FINANCE_LEAD, email=f"FINANCE_LEAD-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    assert attempt(app, other, PASSWORD, "198.51.100.99").status_code == 302


def test_the_account_limit_ignores_how_the_email_is_spelt(app: Flask) -> None:
    email = add_user(
        app, Role.COMMISSIONER, email=f"COMMISSIONER-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    for number in range(10):
        spelt = email.upper() if number % 2 else f"  {email} "
        attempt(app, spelt, "wrong guess", f"198.51.100.{number}")
    assert attempt(app, email, PASSWORD, "198.51.100.50").status_code == 429


def test_wrong_passwords_from_one_address_are_throttled_across_accounts(
    database_url: str, tmp_path
) -> None:
    app = make_app(database_url, tmp_path, SIGN_IN_ADDRESS_LIMIT="5 per 15 minutes")
    email = add_user(
        app, Role.COMMISSIONER, email=f"COMMISSIONER-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    for number in range(5):
        assert attempt(app, f"guess{number}@example.org", "wrong guess").status_code == 401
    assert attempt(app, email, PASSWORD).status_code == 429
    assert attempt(app, email, PASSWORD, "192.0.2.1").status_code == 302


def test_right_passwords_do_not_count(app: Flask) -> None:
    email = add_user(
        app, Role.COMMISSIONER, email=f"COMMISSIONER-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    for _ in range(12):
        assert attempt(app, email, PASSWORD).status_code == 302


def test_limits_can_be_kept_in_redis(database_url: str, tmp_path) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"planner-test-{uuid.uuid4().hex[:8]}"
    settings = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "SIGN_IN_ACCOUNT_LIMIT": "3 per 15 minutes",
    }
    first = make_app(database_url, tmp_path, **settings)
    email = add_user(
        first, Role.COMMISSIONER, email=f"COMMISSIONER-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    for _ in range(3):
        assert attempt(first, email, "wrong guess").status_code == 401
    # A second web process sharing the Redis sees the same count.
    second = make_app(database_url, tmp_path, **settings)
    assert attempt(second, email, PASSWORD).status_code == 429
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_unknown_emails_cost_the_same_work(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both answers check one password hash made the same way, so neither is quicker."""
    import planner.auth.service as accounts

    email = add_user(
        app, Role.COMMISSIONER, email=f"COMMISSIONER-{uuid.uuid4().hex[:8]}@example.org".lower()
    )
    checked: list[str] = []
    real = accounts.check_password_hash

    def counting(stored: str, password: str) -> bool:
        checked.append(stored.split("$")[0])
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    known = attempt(app, email, "wrong guess")
    unknown = attempt(app, "nobody@example.org", "wrong guess")
    assert known.status_code == unknown.status_code == 401
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True).replace(
        "nobody@example.org", email
    )
    assert len(checked) == 2 and checked[0] == checked[1]


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1234567890", "at least 12 characters (it has 10)"),
        ("aaaaaaaaaaaa", "repeated character or a run of keys"),
        ("password12", "at least 12 characters"),
        (" " * 12, "repeated character"),
        ("123456789012", "run of keys"),
        ("qwertyuiopas", "run of keys"),
        ("password123456", "too common"),
        ("Password2026!", "too common"),
        ("iloveyou1234", "too common"),
        ("x" * 100_000, f"at most {MAX_LENGTH} characters (it has 100,000)"),
        ("commissioning planner", "this service's name"),
    ],
)
def test_weak_passwords_are_refused_in_words(password: str, reason: str) -> None:
    problem = password_problem(password)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    "password",
    [DEMO_PASSWORD, PASSWORD, "lantern orchard pebble", "Tr0ub4dor&3-extra", "é" * 6 + "ñandú99"],
)
def test_long_uncommon_passwords_need_no_particular_characters(password: str) -> None:
    assert password_problem(password) is None


def test_a_password_may_not_contain_the_email(app: Flask) -> None:
    assert "email address" in (
        password_problem("priya.shah-2026!", email="priya.shah@example.org") or ""
    )


def test_the_api_and_pages_use_the_same_rule(app: Flask, sign_in_as) -> None:
    admin = sign_in_as(Role.ADMIN)
    fields = {"name": "Priya Shah", "email": "priya@kirklees.example", "role": "commissioner"}
    page = admin.post("/users/new", data={**fields, "password": "x" * 300}).get_data(as_text=True)
    assert f"must be at most {MAX_LENGTH} characters (it has 300)" in page


def test_wrong_current_passwords_are_throttled_on_the_change_password_page(app: Flask) -> None:
    """A session left open cannot be used to guess its user's password: wrong current passwords
    count as wrong sign-ins do, per account; a too-common new password does not count."""
    email = add_user(app, Role.FINANCE_LEAD, email=f"finance-{uuid.uuid4().hex[:8]}@example.org")
    device = app.test_client()
    sign_in(device, email)
    weak = {"current": PASSWORD, "password": "password123456", "confirm": "password123456"}
    for _ in range(12):
        assert device.post("/account/password", data=weak).status_code == 422
    guess = {"current": "a wrong guess", "password": "a new long passphrase", "confirm": ""}
    guess["confirm"] = guess["password"]
    for _ in range(10):
        assert device.post("/account/password", data=guess).status_code == 422
    refused = device.post("/account/password", data={**guess, "current": PASSWORD})
    assert refused.status_code == 429
    words = refused.get_data(as_text=True)
    assert "Too many wrong current passwords" in words and "15 minutes" in words
    assert int(refused.headers["Retry-After"]) > 0
