"""The partnership's price index: recorded, changed and deleted with the same checks and audit
trail from the pages, the API and the inputs workbook; and turned into the optimiser's index.

Benefits are in the prices of the demand types' unit costs (their price year), so that year is
the plan's real year: the year its real figures are stated in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, col, select

import optimiser as opt
from models import DemandType
from models.price_index import PriceIndexYear, PriceIndexYearCreate
from models.vocabulary import financial_year_label, parse_financial_year
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.treasury_deflators import treasury_rows
from planner.inputs.validation import (
    apply,
    editable_fields,
    fetch,
    financial_year,
    merged,
    saving,
    validated,
)

FIELDS = editable_fields(PriceIndexYearCreate)


def index_years(session: Session) -> list[PriceIndexYear]:
    """The price index, year by year."""
    return list(session.exec(select(PriceIndexYear).order_by(col(PriceIndexYear.year))).all())


def save_index_year(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> PriceIndexYear:
    """Record a year of the index, or replace the figure of a year already recorded (fields:
    year, deflator, forecast, source, released, source_url, note)."""
    given = dict(fields)
    if "year" in given:
        given["year"] = financial_year(given["year"], "year")
    details = validated(PriceIndexYearCreate, merged(None, given, FIELDS))
    row = session.exec(select(PriceIndexYear).where(PriceIndexYear.year == details.year)).first()
    return _write(session, row, details, actor, commit)


def update_index_year(
    session: Session,
    row_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> PriceIndexYear:
    """Change one year's figure or its source; the year stays (record another year instead)."""
    row = fetch(session, PriceIndexYear, row_id, "price index year")
    given = {key: value for key, value in fields.items() if key != "year"}
    details = validated(PriceIndexYearCreate, merged(row, given, FIELDS))
    return _write(session, row, details, actor, commit)


def delete_index_year(
    session: Session, row_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    row = fetch(session, PriceIndexYear, row_id, "price index year")
    with saving(session, commit=commit):
        session.delete(row)
        record_change(
            session, actor, "delete", "price_index_year", row_id, snapshot(row), None,
            f"Deleted the price index for {financial_year_label(row.year)}",
        )  # fmt: skip


def load_treasury_series(
    session: Session, *, actor: Actor | None = None, commit: bool = True
) -> list[PriceIndexYear]:
    """Record HM Treasury's GDP deflators (with the OBR's forecasts) in the index, replacing the
    figures of the years they cover; years of the partnership's own stay."""
    with saving(session, commit=commit):
        return [save_index_year(session, row, actor=actor, commit=False) for row in treasury_rows()]


def _write(
    session: Session,
    row: PriceIndexYear | None,
    details: PriceIndexYearCreate,
    actor: Actor | None,
    commit: bool,
) -> PriceIndexYear:
    before = snapshot(row) if row else None
    with saving(session, commit=commit):
        if row is None:
            row = PriceIndexYear(**details.model_dump())
        else:
            apply(row, details, FIELDS - {"year"})
        session.add(row)
        session.flush()
        record_change(
            session, actor, "create" if before is None else "update", "price_index_year", row.id,
            before, snapshot(row),
            f"Set the price index for {financial_year_label(row.year)} to {row.deflator:g}"
            + (" (forecast)" if row.forecast else ""),
        )  # fmt: skip
    return row


def benefits_price_year(demand_types: Iterable[DemandType]) -> int | None:
    """The price year of the benefits: the one year the demand types' unit costs are priced in
    (blank price years are taken to be that year too); None when none gives one.

    Raises opt.InputError naming the demand types when they are priced in different years:
    their benefits could not be added up as one real figure."""
    years: dict[int, list[str]] = {}
    for demand in demand_types:
        if not demand.price_year.strip():
            continue
        try:
            year = parse_financial_year(demand.price_year)
        except ValueError:
            raise opt.InputError(
                f"demand type {demand.name!r} has the price year {demand.price_year!r}; write it "
                "like 2022/23 so its benefits can be priced"
            ) from None
        years.setdefault(year, []).append(demand.name)
    if len(years) > 1:
        listed = "; ".join(
            f"{financial_year_label(year)}: {', '.join(names)}"
            for year, names in sorted(years.items())
        )
        raise opt.InputError(
            "the demand types' unit costs are in different price years "
            f"({listed}): convert them to one price year so benefits add up in real terms"
        )
    return next(iter(years), None)


def index_source(rows: list[PriceIndexYear]) -> str:
    """Where the index comes from, in one line: each source with its release."""
    seen: list[str] = []
    for row in rows:
        words = row.source or "the partnership's own figures"
        if row.released:
            words += f", {row.released}"
        if words not in seen:
            seen.append(words)
    forecasts = [row.year for row in rows if row.forecast]
    extended = [row.year for row in rows if row.note.lower().startswith("illustrative")]
    if forecasts:
        seen.append(f"forecasts from {financial_year_label(min(forecasts))}")
    if extended:
        seen.append(f"illustrative from {financial_year_label(min(extended))}")
    return "; ".join(seen)


def optimiser_index(session: Session, demand_types: Iterable[DemandType]) -> opt.PriceIndex | None:
    """The recorded index as the optimiser's, or None when the partnership has none (prices are
    then taken as cash). Raises opt.InputError when the demand types name no price year."""
    rows = index_years(session)
    if not rows:
        return None
    real_year = benefits_price_year(demand_types)
    if real_year is None:
        raise opt.InputError(
            "no demand type gives the price year of its unit cost, so the plan cannot say which "
            "year's prices its benefits and real figures are in: give it on the demand types"
        )
    return opt.PriceIndex(
        deflators=tuple((row.year, row.deflator) for row in rows),
        real_year=real_year,
        source=index_source(rows),
    )
