"""What makes a password acceptable, after the NCSC's password guidance: long enough, not one
that attackers try first, and no composition rules (no "one capital, one digit, one symbol").

A password may be a passphrase with spaces, of any characters, from 12 to 128 characters. It
is refused when it is common: in the list of the 30,000 most common passwords from real
breaches that the zxcvbn package ships (maintained on PyPI), once capitals are ignored; when it is one
of those with digits or symbols added before or after ("password2026!"); when it is one
character repeated or a run along the keyboard or the alphabet ("aaaaaaaaaaaa",
"123456789012", "qwertyuiopas"); or when it names this service or the person's own email.
"""

from __future__ import annotations

import re
from functools import cache

MIN_LENGTH = 12
MAX_LENGTH = 128
SERVICE_WORDS = ("pooled commissioning planner", "commissioning planner", "planner")
KEYBOARD_RUNS = (
    "1234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "0987654321",
    "1qaz2wsx3edc4rfv5tgb",
)
ADVICE = "Choose a longer one nobody would guess, such as three random words"


@cache
def common_passwords() -> frozenset[str]:
    """The most common passwords from real breaches, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _is_run(text: str) -> bool:
    """One character repeated, a short pattern repeated, or a run along a keyboard row or the
    alphabet (either way), ignoring capitals and spaces."""
    squeezed = "".join(text.lower().split())
    if not squeezed:
        return True
    for size in range(1, len(squeezed) // 2 + 1):
        if len(squeezed) % size == 0 and squeezed[:size] * (len(squeezed) // size) == squeezed:
            return True
    for run in KEYBOARD_RUNS:
        doubled = (run + run) * 4
        if squeezed in doubled or squeezed in doubled[::-1]:
            return True
    return False


def _stem(text: str) -> str:
    """The password without the digits and symbols people add before or after a word."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", text.lower())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why `password` would not be safe to use, in words; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return (
            f"must be at least {MIN_LENGTH} characters (it has {len(password)}). "
            "A few words with spaces between them is easy to remember"
        )
    if len(password) > MAX_LENGTH:
        return (
            f"must be at most {MAX_LENGTH} characters (it has {len(password):,}). "
            "A passphrase of a few words is long enough"
        )
    lowered = password.lower()
    common = common_passwords()
    stem = _stem(password)
    if lowered in common or lowered.strip() in common or (len(stem) >= 4 and stem in common):
        return f"is too common: it is one attackers try first. {ADVICE}"
    if _is_run(password):
        return f"is too easy to guess: it is a repeated character or a run of keys. {ADVICE}"
    local = email.lower().partition("@")[0]
    if (local and len(local) >= 4 and local in lowered) or any(
        lowered.replace(" ", "") == word.replace(" ", "") or stem == word.replace(" ", "")
        for word in SERVICE_WORDS
    ):
        return f"is too easy to guess: it uses your email address or this service's name. {ADVICE}"
    return None


def acceptable_password(password: object) -> object:
    """A pydantic validator: refuse a password with a problem, saying what it is."""
    if isinstance(password, str):
        problem = password_problem(password)
        if problem:
            raise ValueError(problem)
    return password
