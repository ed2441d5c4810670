"""People who sign in, their role, and for place leads the places they lead."""

import sqlalchemy as sa
from pydantic import NaiveDatetime, field_validator, model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import broken_on, strip_text, utc_now
from models.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from models.text import one_line_text
from models.versioning import Versioned
from models.vocabulary import Role


class UserBase(SQLModel):
    email: str = Field(min_length=3, max_length=254, unique=True, index=True)
    name: str = Field(min_length=1, max_length=120)
    role: Role = Field(default=Role.COMMISSIONER)
    active: bool = Field(default=True)

    _strip = field_validator("name", mode="before")(strip_text)
    _one_line = field_validator("name", mode="after")(one_line_text)

    @field_validator("email", mode="before")
    @classmethod
    def plausible_email(cls, value: object) -> str:
        email = str(value or "").strip().lower()
        local, _, domain = email.partition("@")
        if not local or "." not in domain or " " in email:
            raise ValueError(f"'{value}' is not an email address")
        return email


class User(UserBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=300)
    created_at: NaiveDatetime = Field(default_factory=utc_now)
    # Every session and remember-me cookie carries the version it was signed in under; raising it
    # (sign-out, a password change or reset, deactivation) ends all of them at their next request.
    session_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # Set by an administrator: the user must choose a new password before doing anything else.
    must_change_password: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )


class UserCreate(UserBase):
    password: str = Field(
        description=f"From {MIN_LENGTH} to {MAX_LENGTH} characters, not a common password."
    )

    @model_validator(mode="after")
    def safe_password(self) -> "UserCreate":
        problem = password_problem(self.password, email=self.email)
        if problem:
            raise broken_on(type(self).__name__, "password", problem, "")
        return self


class UserPublic(UserBase):
    id: int


class UserPlace(SQLModel, table=True):
    """A place a place lead may see."""

    __tablename__ = "user_place"
    __table_args__ = (UniqueConstraint("user_id", "place_id", name="uq_user_place"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
