"""Which inputs hold illustrative figures rather than the partnership's own, for the footer.

The demo partnership marks its made-up figures (costs per participant and effect sizes,
budgets, places' populations and need) as illustrative; a partnership's own records are not.
The footer names the kinds in use, and says nothing when there are none.
"""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from models import BudgetLine, Intervention, Place
from planner.db import get_session

ILLUSTRATIVE_KINDS: tuple[tuple[type[Intervention] | type[BudgetLine] | type[Place], str], ...] = (
    (Intervention, "interventions' costs per participant, capacities and effect sizes"),
    (BudgetLine, "budget lines"),
    (Place, "places' eligible populations and need"),
)


def illustrative_kinds(session: Session) -> list[str]:
    """The kinds of input that have at least one record marked illustrative, in words."""
    return [
        words
        for table, words in ILLUSTRATIVE_KINDS
        if session.exec(select(table.id).where(table.illustrative).limit(1)).first() is not None
    ]


def illustrative_in_use() -> list[str]:
    """For the footer of every page a signed-in user sees."""
    if not current_user.is_authenticated:
        return []
    try:
        return illustrative_kinds(get_session())
    except SQLAlchemyError:
        # Error pages use the same layout and must render while the database is down.
        return []
