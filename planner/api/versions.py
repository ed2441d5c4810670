"""Changing a record through the API without overwriting someone else's change: ETag and If-Match.

Reading a record answers with its version as an ETag. A PATCH must send that ETag back in an
If-Match header: 428 when it has none, 412 when the record has changed since (someone else saved
it meanwhile), in which case nothing is changed. A lost race between two saves, caught by the
version in the UPDATE's WHERE clause, is answered 412 too.
"""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel, Field

from planner.api.errors import ErrorResponse, fail

PRECONDITION_RESPONSES: dict[Any, Any] = {412: ErrorResponse, 428: ErrorResponse}


class IfMatch(BaseModel):
    """The ETag a client read the record with; required on PATCH (428 without it)."""

    if_match: str | None = Field(
        default=None,
        alias="If-Match",
        description='The ETag from reading the record, e.g. "3". Required: 428 without it, '
        "412 if the record has changed since.",
    )


def etag(record: Any) -> str:
    return f'"{record.version}"'


def etag_headers(record: Any) -> dict[str, str]:
    return {"ETag": etag(record)}


def require_current(record: Any, label: str) -> None:
    """Refuse a change unless If-Match names the record's current version."""
    sent = request.headers.get("If-Match", "").strip()
    if not sent:
        fail(
            428,
            f"Send the {label}'s ETag in an If-Match header (read the {label} first): it stops "
            "your change overwriting one someone else made meanwhile",
        )
    tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if "*" not in tags and etag(record) not in tags:
        fail(
            412,
            f"This {label} has been changed since you read it (it is now at version "
            f"{record.version}), so your change was not made: read it again, check the "
            "change still applies, and send it with the new ETag",
        )
