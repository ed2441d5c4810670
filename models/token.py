"""API tokens: how partner systems sign in to the JSON API as a user.

Only a hash of each token is stored. The token itself is shown once, when its user creates it;
a token can be revoked by its user, and a revoked token never works again.
"""

from pydantic import NaiveDatetime, field_validator
from sqlmodel import Field, SQLModel

from models.fields import strip_text, utc_now
from models.text import one_line_text
from models.timestamps import UtcTimestamp


class ApiTokenBase(SQLModel):
    name: str = Field(
        min_length=1,
        max_length=80,
        description='What the token is for, e.g. "Finance system nightly export".',
    )

    _strip = field_validator("name", mode="before")(strip_text)
    _one_line = field_validator("name", mode="after")(one_line_text)


class ApiToken(ApiTokenBase, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True, description="SHA-256, hex.")
    prefix: str = Field(max_length=16, description="First characters, to recognise the token.")
    created_at: NaiveDatetime = Field(default_factory=utc_now)
    last_used_at: NaiveDatetime | None = None
    revoked_at: NaiveDatetime | None = None


class ApiTokenCreate(ApiTokenBase):
    pass


class ApiTokenPublic(ApiTokenBase):
    id: int
    prefix: str
    created_at: UtcTimestamp
    last_used_at: UtcTimestamp | None
    revoked_at: UtcTimestamp | None
