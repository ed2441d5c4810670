"""Importing a quarterly return: check every row, preview what changes, then save it all at once.

Names are matched as everywhere else in the app (ignoring capitals and extra spaces). A row whose
partner, intervention or place is unknown is reported by sheet, row and column; if any row has a
problem nothing is saved. Confirming saves every changed quarter in one transaction, audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session, select

from models import Intervention, Partner, Place, SpendRecord
from models.spend import QUARTERS, SpendRecordCreate
from models.vocabulary import financial_year_label
from planner.audit.service import Actor
from planner.inputs.validation import InputError, by_name
from planner.spend.returns import SHEET, ReturnProblem, ReturnRow, read_return
from planner.spend.service import save_spend


@dataclass(frozen=True)
class QuarterChange:
    partner: str
    intervention: str
    place: str
    year: int
    quarter: int
    before: tuple[Decimal | None, Decimal | None] | None
    after: tuple[Decimal | None, Decimal | None]

    @property
    def label(self) -> str:
        return f"{financial_year_label(self.year)} Q{self.quarter}"


@dataclass
class ReturnPreview:
    rows: int = 0
    changes: list[QuarterChange] = field(default_factory=list)
    problems: list[ReturnProblem] = field(default_factory=list)
    details: list[tuple[SpendRecordCreate, QuarterChange]] = field(default_factory=list)

    @property
    def new(self) -> int:
        return sum(1 for change in self.changes if change.before is None)

    @property
    def changed(self) -> int:
        return len(self.changes) - self.new


def preview_return(session: Session, content: bytes) -> ReturnPreview:
    """What importing the return would change; problems listed, nothing saved."""
    rows, problems = read_return(content)
    preview = ReturnPreview(rows=len(rows), problems=list(problems))
    for row in rows:
        ids = _ids(session, row, preview.problems)
        if ids is None:
            continue
        partner, intervention, place = ids
        for quarter in QUARTERS:
            actual, forecast = row.actual[quarter], row.forecast[quarter]
            if actual is None and forecast is None:
                continue
            details = SpendRecordCreate(
                partner_id=partner.id,  # type: ignore[arg-type]
                intervention_id=intervention.id,  # type: ignore[arg-type]
                place_id=place.id,  # type: ignore[arg-type]
                year=row.year,
                quarter=quarter,
                actual=actual,
                forecast=forecast,
                notes=row.notes,
            )
            existing = session.exec(
                select(SpendRecord).where(
                    SpendRecord.partner_id == partner.id,
                    SpendRecord.intervention_id == intervention.id,
                    SpendRecord.place_id == place.id,
                    SpendRecord.year == row.year,
                    SpendRecord.quarter == quarter,
                )
            ).first()
            before = None if existing is None else (existing.actual, existing.forecast)
            if (
                before == (actual, forecast)
                and existing is not None
                and existing.notes == row.notes
            ):
                continue
            change = QuarterChange(
                partner.name,
                intervention.name,
                place.name,
                row.year,
                quarter,
                before,
                (actual, forecast),
            )
            preview.changes.append(change)
            preview.details.append((details, change))
    return preview


def _ids(
    session: Session, row: ReturnRow, problems: list[ReturnProblem]
) -> tuple[Partner, Intervention, Place] | None:
    found = []
    for table, value, column, label in (
        (Partner, row.partner, "Partner", "partner"),
        (Intervention, row.intervention, "Intervention", "intervention"),
        (Place, row.place, "Place", "place"),
    ):
        record = by_name(session, table, value)
        if record is None:
            problems.append(
                ReturnProblem(SHEET, row.row, column, f"there is no {label} called '{value}'")
            )
        found.append(record)
    if any(record is None for record in found):
        return None
    return found[0], found[1], found[2]  # type: ignore[return-value]


def apply_return(session: Session, content: bytes, actor: Actor) -> ReturnPreview:
    """Save every change in the return in one transaction; InputError (with every problem) and
    nothing saved if any row is wrong."""
    preview = preview_return(session, content)
    if preview.problems:
        raise InputError({"return": "; ".join(str(problem) for problem in preview.problems[:50])})
    try:
        for details, _change in preview.details:
            save_spend(session, details, actor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return preview
