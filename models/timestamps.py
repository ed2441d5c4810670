"""Timestamps as the API shows them: stored as naive UTC, written out as RFC 3339 with a Z."""

from datetime import datetime
from typing import Annotated

from pydantic import NaiveDatetime, PlainSerializer, WithJsonSchema


def _rfc3339(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


UtcTimestamp = Annotated[
    NaiveDatetime,
    PlainSerializer(_rfc3339, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
