"""Warn before saving a budget line for a year in which its partner's commissioning window is
closed: in such a year the partner's funding can only continue at the level already contracted,
so the plan cannot commit more of that money (optimiser.unspent says the same on the plan).

The budget-line form asks the commissioner to confirm (``SAVE_ANYWAY``); the API asks for the
same field in the body. The Excel import, which brings in a partnership's existing figures,
saves without asking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlmodel import Session, select

from models import CommissioningCycle, Partner
from planner.inputs.validation import InputError

SAVE_ANYWAY = "save_despite_closed_window"
T = TypeVar("T")


def financial_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def closed_window_warning(session: Session, partner_id: Any, year: Any) -> str:
    """The warning for a budget line of this partner in this year, or '' when its window is open
    (or it has no cycle, or the fields are not yet numbers)."""
    try:
        partner_number, year_number = int(partner_id), int(year)
    except (TypeError, ValueError):
        return ""
    cycle = session.exec(
        select(CommissioningCycle).where(CommissioningCycle.partner_id == partner_number)
    ).first()
    if cycle is None or year_number in cycle.open_years:
        return ""
    partner = session.get(Partner, partner_number)
    name = partner.name if partner else "This partner"
    later = sorted(y for y in cycle.open_years if y > year_number)
    opens = (
        f"until its window opens in {financial_year(later[0])}"
        if later
        else "while its window stays closed"
    )
    return (
        f"{name}'s commissioning window is closed in {financial_year(year_number)}: its funding "
        "can only continue at the level already contracted, so plans cannot commit more of this "
        f"money {opens}. Tick to save it anyway."
    )


def warned_save(
    session: Session, fields: Mapping[str, Any], save: Callable[[dict[str, Any]], T]
) -> T:
    """Save a budget line's fields, unless its partner's window is closed that year and the
    fields do not confirm it (``SAVE_ANYWAY``): then refuse, with the warning on that field."""
    fields = dict(fields)
    confirmed = bool(fields.pop(SAVE_ANYWAY, False))
    warning = closed_window_warning(session, fields.get("partner_id"), fields.get("year"))
    if warning and not confirmed:
        raise InputError({SAVE_ANYWAY: warning})
    return save(fields)
