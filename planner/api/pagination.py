"""Lists come a page at a time: `limit` items from `offset`, with the `total` to page through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, func, select
from sqlmodel.sql.expression import SelectOfScalar

from models.fields import plain_numbers

Item = TypeVar("Item", bound=BaseModel)

MAX_LIMIT = 500


class PageQuery(BaseModel):
    """Which page of a list: `limit` items from `offset`. Other paging words (page, per_page)
    are refused rather than ignored, so a caller never reads the first page thinking it is
    another."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description="Most items to return.")
    offset: int = Field(
        default=0, ge=0, le=1_000_000_000, description="How many items to skip first."
    )

    _plain_numbers = model_validator(mode="before")(plain_numbers)


class Page(BaseModel, Generic[Item]):
    """One page of a list."""

    items: list[Item]
    total: int = Field(description="How many items there are in all.")
    limit: int
    offset: int


def paged(
    session: Session,
    statement: SelectOfScalar[Any],
    query: PageQuery,
    public: Callable[[Any], BaseModel],
) -> dict[str, Any]:
    """Run `statement` for one page and return it as JSON-ready data."""
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.limit(query.limit).offset(query.offset)).all()
    return page_of([public(row) for row in rows], total, query)


def page_of(items: Sequence[BaseModel], total: int, query: PageQuery) -> dict[str, Any]:
    return {
        "items": [item.model_dump(mode="json") for item in items],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
    }


def page_of_list(items: Sequence[BaseModel], query: PageQuery) -> dict[str, Any]:
    """Page through a list already built in memory (for computed rows)."""
    window = items[query.offset : query.offset + query.limit]
    return page_of(window, len(items), query)
