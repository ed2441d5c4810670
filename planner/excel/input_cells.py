"""Reading one cell of an inputs workbook as the value its column's field takes, with a reason
a commissioner understands when it cannot be read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from models.intervention import InterventionCategory
from models.provider import Sector
from models.vocabulary import EVIDENCE_RATINGS, MONTH_NAMES, PARTNER_KIND_LABELS, BudgetStatus
from planner.excel.input_columns import CATEGORY_LABELS, KIND_LABELS, InputColumn


class CellProblem(ValueError):
    """A cell that cannot be read as its column's kind of value."""


def read_cell(column: InputColumn, raw: object) -> Any:
    """The field value a cell holds, or `column.blank` for an empty cell.

    Raises CellProblem with a reason a commissioner understands.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise CellProblem("is required")
        return column.blank
    reader = _READERS.get(column.kind, _read_text)
    return reader(raw)


def _read_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime | date):
        raise CellProblem("must be text, not a date")
    return str(raw).strip()


def _read_money(raw: object) -> Decimal:
    if isinstance(raw, bool | datetime | date):
        raise CellProblem("must be an amount of money, like 12500 or 12500.50")
    text = str(raw).strip().replace("£", "").replace(",", "") if isinstance(raw, str) else raw
    try:
        amount = Decimal(str(text))
    except InvalidOperation:
        raise CellProblem("must be an amount of money, like 12500 or 12500.50") from None
    if not amount.is_finite():
        raise CellProblem("must be an amount of money, like 12500 or 12500.50")
    # A spreadsheet stores 3100.37 as a binary float; pence are what was meant.
    return amount.quantize(Decimal("0.01")) if isinstance(raw, float) else amount


def _read_number(raw: object) -> object:
    if isinstance(raw, bool | datetime | date):
        raise CellProblem("must be a number")
    if isinstance(raw, str):
        text = raw.strip().rstrip("%").replace(",", "").strip()
        try:
            number = float(text)
        except ValueError:
            raise CellProblem("must be a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


def _read_year(raw: object) -> object:
    if isinstance(raw, datetime | date):
        raise CellProblem("must be a financial year like 2026/27, not a date")
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return str(raw).strip() if isinstance(raw, str) else raw


def _read_list(raw: object) -> list[str]:
    return [part.strip() for part in str(raw).replace(";", ",").split(",") if part.strip()]


def _read_years(raw: object) -> object:
    if isinstance(raw, datetime | date):
        raise CellProblem("must be financial years like 2026/27, 2027/28, not a date")
    if isinstance(raw, int | float):
        return [int(raw)]
    return str(raw).strip()


def _labelled(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """{label or value, lower-cased: value}, so a cell may hold either."""
    found: dict[str, str] = {}
    for value, label in pairs:
        found[value.lower()] = value
        found[label.lower()] = value
    return found


_KINDS = _labelled([(kind.value, label) for kind, label in PARTNER_KIND_LABELS.items()])
_CATEGORIES = _labelled([(category.value, category.label) for category in InterventionCategory])
_STATUSES = _labelled([(status.value, status.value.capitalize()) for status in BudgetStatus])
_SECTORS = _labelled([(sector.value, sector.label) for sector in Sector])
_SECTORS.update({"voluntary": "voluntary_community", "vcs": "voluntary_community"})
_MONTHS = {name.lower(): index for index, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name[:3].lower(): index for index, name in enumerate(MONTH_NAMES, start=1)})


def _read_kind(raw: object) -> str:
    text = str(raw).strip().lower()
    if text not in _KINDS:
        raise CellProblem(
            f"'{str(raw).strip()}' is not a kind of partner; use one of: {', '.join(KIND_LABELS)}"
        )
    return _KINDS[text]


def _read_category(raw: object) -> str:
    text = str(raw).strip().lower()
    if text not in _CATEGORIES:
        raise CellProblem(
            f"'{str(raw).strip()}' is not an intervention category; use one of: {', '.join(CATEGORY_LABELS)}"
        )
    return _CATEGORIES[text]


def _read_categories(raw: object) -> list[str]:
    return [_read_category(part) for part in _read_list(raw)]


def _read_sector(raw: object) -> str:
    text = str(raw).strip().lower()
    if text not in _SECTORS:
        labels = ", ".join(sector.label for sector in Sector)
        raise CellProblem(f"'{str(raw).strip()}' is not a sector; use one of: {labels}")
    return _SECTORS[text]


def _read_status(raw: object) -> str:
    text = str(raw).strip().lower()
    if text not in _STATUSES:
        raise CellProblem(
            f"'{str(raw).strip()}' is not a budget status; use Indicative or Confirmed"
        )
    return _STATUSES[text]


def _read_month(raw: object) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and 1 <= raw <= 12:
            return int(raw)
        raise CellProblem("must be a month, like March or 3")
    text = str(raw).strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    if text not in _MONTHS:
        raise CellProblem(f"'{str(raw).strip()}' is not a month; write it like March")
    return _MONTHS[text]


def _read_rating(raw: object) -> str:
    text = _read_text(raw).upper()
    if text not in EVIDENCE_RATINGS:
        raise CellProblem(
            f"'{text}' is not an evidence rating; use one of {', '.join(EVIDENCE_RATINGS)}"
        )
    return text


def _read_yes_no(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise CellProblem(f"'{str(raw).strip()}' must be Yes or No")


_READERS = {
    "text": _read_text,
    "money": _read_money,
    "number": _read_number,
    "year": _read_year,
    "years": _read_years,
    "list": _read_list,
    "kind": _read_kind,
    "category": _read_category,
    "categories": _read_categories,
    "status": _read_status,
    "sector": _read_sector,
    "month": _read_month,
    "rating": _read_rating,
    "yes_no": _read_yes_no,
}
