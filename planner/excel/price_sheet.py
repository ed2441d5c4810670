"""The price index sheet's rows (`price_tables`): exported from the recorded index, imported
through the same service as the price index page, and the years a sheet leaves out found for
deleting."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.vocabulary import financial_year_label
from planner.audit.service import Actor
from planner.excel.import_deletions import Absent
from planner.excel.import_reader import SheetRow
from planner.excel.price_tables import PRICE_INDEX
from planner.inputs.prices import delete_index_year, index_years, save_index_year
from planner.inputs.validation import financial_year

Rows = list[tuple[SheetRow, dict[str, Any]]]


def price_rows(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The price index as the inputs workbook's rows ({sheet name: [{field: value}]})."""
    return {
        PRICE_INDEX.name: [
            {
                "year": financial_year_label(row.year),
                "deflator": row.deflator,
                "forecast": "Yes" if row.forecast else "No",
                "source": row.source,
                "released": row.released,
                "source_url": row.source_url,
                "note": row.note,
            }
            for row in index_years(session)
        ]
    }


def price_index_row(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    save_index_year(session, values, actor=actor, commit=False)


def price_absent(
    session: Session, parsed_rows: dict[str, list[SheetRow]], readable: dict[str, Rows]
) -> list[Absent]:
    """Years of the index that a Price index sheet in the workbook has no row for."""
    if PRICE_INDEX.name not in parsed_rows:
        return []
    kept = {
        financial_year(values["year"], "year")
        for _row, values in readable.get(PRICE_INDEX.name, [])
    }
    return [
        Absent(PRICE_INDEX.name, financial_year_label(row.year), row.id, delete_index_year, "", "")  # type: ignore[arg-type]
        for row in index_years(session)
        if row.year not in kept
    ]
