"""People who sign in, their role, and for place leads the places they lead."""

from pydantic import NaiveDatetime, field_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.fields import strip_text, utc_now
from models.text import one_line_text
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


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=300)
    created_at: NaiveDatetime = Field(default_factory=utc_now)


class UserCreate(UserBase):
    password: str = Field(min_length=10, max_length=200, description="At least 10 characters.")


class UserPublic(UserBase):
    id: int


class UserPlace(SQLModel, table=True):
    """A place a place lead may see."""

    __tablename__ = "user_place"
    __table_args__ = (UniqueConstraint("user_id", "place_id", name="uq_user_place"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    place_id: int = Field(foreign_key="place.id", index=True, ondelete="CASCADE")
