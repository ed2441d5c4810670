"""Who changed what, when, with the record before and after."""

from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.fields import utc_now


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(default_factory=utc_now, index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    user_name: str = Field(default="system", max_length=200)
    action: str = Field(max_length=20, description="create, update, delete, import, run, agree")
    entity: str = Field(max_length=60, index=True, description="What kind of record, e.g. partner.")
    entity_id: str = Field(default="", max_length=60)
    summary: str = Field(default="", max_length=500)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
