"""Throttling the public ballot page against guessing codes: wrong voting codes from one address
are counted by Flask-Limiter, as failed sign-ins are (`planner.security.throttle`), and past the
limit the page refuses to check any more codes for a while (429, with the wait in words).

Only refused codes count, so a community centre where many people vote from one connection is
never held up. The counts live where the sign-in counts do: in memory, or in the Redis that
`PLANNER_RATELIMIT_STORAGE_URI` names, which several web processes then share.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

VOTE_ENDPOINT = "vote.ballot_page"
# The limit's expiry when Flask-Limiter does not say it: the default window, 15 minutes.
DEFAULT_WAIT_SECONDS = 900


def address_key() -> str:
    return f"vote-address:{get_remote_address()}"


def note_wrong_code() -> None:
    """Called by the page when it refused a code, so that attempt counts against the address."""
    g.wrong_voting_code = True


def _wrong_code(_response: Response) -> bool:
    return bool(g.get("wrong_voting_code"))


def seconds_to_wait(error: RateLimitExceeded) -> int:
    limit = error.limit.limit if error.limit is not None else None
    return limit.get_expiry() if limit is not None else DEFAULT_WAIT_SECONDS


def wait_in_words(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(minutes / 60)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def throttle_voting(app: Flask, limiter: Limiter) -> None:
    """Limit wrong voting codes per address on the public ballot page (VOTE_ADDRESS_LIMIT)."""
    view: Any = app.view_functions[VOTE_ENDPOINT]
    app.view_functions[VOTE_ENDPOINT] = limiter.limit(
        lambda: str(app.config["VOTE_ADDRESS_LIMIT"]),
        key_func=address_key,
        methods=["POST"],
        deduct_when=_wrong_code,
    )(view)
