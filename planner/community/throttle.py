"""Throttling the public ballot page: wrong voting codes from one address are counted in a moving
window, and past the limit the page stops checking codes for a while, so codes cannot be guessed
by trying many. Only refused codes count, so a community centre where many people vote from one
connection is never held up. Counts live in the app (one process); each app has its own."""

from __future__ import annotations

import time
from collections import deque
from threading import Lock

from flask import current_app, request

WINDOW_SECONDS = 15 * 60
WRONG_CODES_ALLOWED = 10


class WrongCodes:
    def __init__(self) -> None:
        self._seen: dict[str, deque[float]] = {}
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._seen.setdefault(key, deque())
        while found and found[0] <= now - WINDOW_SECONDS:
            found.popleft()
        return found

    def blocked_for(self, key: str, now: float | None = None) -> int:
        """Seconds until this address may try a code again (0: it may now)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent(key, moment)
            if len(recent) < WRONG_CODES_ALLOWED:
                return 0
            return max(1, int(recent[0] + WINDOW_SECONDS - moment))

    def note(self, key: str, now: float | None = None) -> None:
        moment = time.monotonic() if now is None else now
        with self._lock:
            self._recent(key, moment).append(moment)


def wrong_codes() -> WrongCodes:
    return current_app.extensions.setdefault("ballot_wrong_codes", WrongCodes())


def address_key(ballot_id: int) -> str:
    return f"{ballot_id}:{request.remote_addr or 'unknown'}"
