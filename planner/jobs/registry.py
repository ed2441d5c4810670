"""Job kinds: each is one function decorated with `@job_kind`, found by its name.

The registry is filled by importing the modules in KIND_MODULES (a feature that adds a kind adds
its module there), so a Celery worker and a web process know the same kinds.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from models import Job
    from planner.jobs.context import JobContext

# Modules whose import registers job kinds. Add yours here.
KIND_MODULES: tuple[str, ...] = (
    "planner.solving.jobs",
    "planner.solving.pooling_job",
    "planner.analysis.jobs",
)

JobFunction = Callable[..., "dict[str, Any] | None"]
FailureHook = Callable[["Session", "Job", str], None]


class UnknownJobKind(LookupError):
    """No job kind has that name (a worker running older code than the web, or a typo)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    function: JobFunction
    # Called, in a session of its own, when a job of this kind fails or is cancelled: the record
    # the job was working on (a plan, an import) says so in words instead of waiting for ever.
    on_failure: FailureHook | None = None

    def run(self, context: JobContext, parameters: dict[str, Any]) -> dict[str, Any] | None:
        return self.function(context, **parameters)


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, title: str, on_failure: FailureHook | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register `function(context, **parameters) -> dict | None` as the job kind `name`.

    Parameters and the returned result are stored as JSON: plain numbers, strings, lists, dicts.
    """

    def register(function: JobFunction) -> JobFunction:
        existing = _KINDS.get(name)
        if existing is not None and existing.function is not function:
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name=name, title=title, function=function, on_failure=on_failure)
        return function

    return register


def load_kinds() -> dict[str, JobKind]:
    for module in KIND_MODULES:
        importlib.import_module(module)
    return _KINDS


def job_kind_named(name: str) -> JobKind:
    kinds = load_kinds()
    if name not in kinds:
        known = ", ".join(sorted(kinds)) or "none"
        raise UnknownJobKind(
            f"this worker does not know jobs of kind '{name}' (it knows: {known}); "
            "is it running the same version of the planner as the web server?"
        )
    return kinds[name]
