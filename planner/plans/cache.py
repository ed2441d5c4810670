"""A finished plan never changes: its report, charts and API answer are worked out once per web
process and kept (the newest few, by plan), for the pages that show them.

The pages themselves are kept by planner.core.page_cache, per data generation: what can change
around a finished plan (whether it is the agreed plan, delivery recorded against it) changes the
generation, and who is reading goes into each reader's copy and its ETag.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from models import Plan

KEPT = 24
T = TypeVar("T")


class FinishedPlans:
    """The newest KEPT values for finished plans, keyed by plan id, when it finished and where its
    value of pooling (worked out after it, as a job of its own) has got."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[int, str, str], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, plan: Plan, build: Callable[[], T]) -> T:
        if not plan.status.finished or plan.id is None:
            return build()
        key = (plan.id, f"{plan.finished_at}|{plan.status}|{plan.message}", plan.pooling_status)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = build()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return value


reports = FinishedPlans()
api_answers = FinishedPlans()
