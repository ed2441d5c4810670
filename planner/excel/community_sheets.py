"""The community sheets' rows (`community_tables`): exported from the current records, imported
through the same services as the community pages (so each change is checked, audited and the
need index recalculated alike), and the records a sheet leaves out found for deleting."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from models import Intervention, Place
from models.indicator import IndicatorValue, RiskIndicator, RiskIndicatorCreate
from models.provider import Provider, Sector
from models.vocabulary import financial_year_label
from models.volunteer import VolunteerPool
from planner.audit.service import Actor
from planner.community.indicators import (
    INDICATOR_FIELDS,
    create_indicator,
    delete_indicator,
    delete_value,
    save_value,
    update_indicator,
)
from planner.community.providers import create_provider, delete_provider, update_provider
from planner.community.volunteers import delete_pool, save_pool
from planner.excel.community_tables import (
    INDICATOR_VALUES,
    PROVIDERS,
    RISK_INDICATORS,
    VOLUNTEERS,
)
from planner.excel.import_deletions import Absent
from planner.excel.import_reader import SheetRow
from planner.excel.import_rows import RowImport
from planner.excel.input_columns import InputSheet
from planner.inputs.name_index import name_key
from planner.inputs.named import named_by_id
from planner.inputs.validation import by_name, counted, financial_year, merged, named

Rows = list[tuple[SheetRow, dict[str, Any]]]


def community_rows(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The community records as the inputs workbook's rows ({sheet name: [{field: value}]})."""
    places = named_by_id(session, Place)
    interventions = named_by_id(session, Intervention)
    indicators = _indicators(session)
    return {
        RISK_INDICATORS.name: [
            {
                **{column.field: getattr(i, column.field) for column in RISK_INDICATORS.columns},
                "illustrative": _yes_no(i.illustrative),
            }
            for i in indicators.values()
        ],
        INDICATOR_VALUES.name: [
            {
                "place": places[v.place_id].name,
                "indicator": indicators[v.indicator_id].name,
                "value": v.value,
            }
            for v in sorted(
                session.exec(select(IndicatorValue)),
                key=lambda v: (places[v.place_id].name, indicators[v.indicator_id].name),
            )
        ],
        VOLUNTEERS.name: [
            {
                "place": places[p.place_id].name,
                "year": financial_year_label(p.year),
                "hours": p.hours,
                "hours_per_volunteer": p.hours_per_volunteer,
                "cost_per_volunteer": p.cost_per_volunteer,
                "illustrative": _yes_no(p.illustrative),
                "notes": p.notes,
            }
            for p in sorted(
                session.exec(select(VolunteerPool)), key=lambda p: (places[p.place_id].name, p.year)
            )
        ],
        PROVIDERS.name: [
            {
                "name": p.name,
                "intervention": interventions[p.intervention_id].name,
                "sector": Sector(p.sector).label,
                "share_percent": p.share_percent,
                "illustrative": _yes_no(p.illustrative),
            }
            for p in sorted(
                session.exec(select(Provider)),
                key=lambda p: (interventions[p.intervention_id].name, p.name),
            )
        ],
    }


def _indicators(session: Session) -> dict[int | None, RiskIndicator]:
    return {i.id: i for i in session.exec(select(RiskIndicator).order_by(RiskIndicator.name))}


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


# Importing rows ------------------------------------------------------------------------------


# A row that repeats what is recorded calls no service for indicators and their values: saving
# one works out every place's need index again, which would undo a need index the Places sheet
# sets by hand (as the place form may) although no indicator changed.


def indicator(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    existing = by_name(session, RiskIndicator, values["name"])
    if existing is None:
        create_indicator(session, values, actor=actor, commit=False)
    elif not _unchanged(existing, values):
        update_indicator(session, existing.id, values, actor=actor, commit=False)  # type: ignore[arg-type]


def _unchanged(existing: RiskIndicator, values: dict[str, Any]) -> bool:
    try:
        details = RiskIndicatorCreate.model_validate(merged(existing, values, INDICATOR_FIELDS))
    except ValidationError:
        return False  # the service says what is wrong
    return all(getattr(existing, name) == getattr(details, name) for name in INDICATOR_FIELDS)


def indicator_value(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    where = named(session, Place, values["place"], "place", "place")
    measure = named(session, RiskIndicator, values["indicator"], "indicator", "risk indicator")
    fields = {"indicator_id": measure.id, "value": values["value"]}
    recorded = session.exec(
        select(IndicatorValue.value).where(
            IndicatorValue.place_id == where.id, IndicatorValue.indicator_id == measure.id
        )
    ).first()
    if isinstance(values["value"], int | float) and recorded == values["value"]:
        return
    save_value(session, where.id, fields, actor=actor, commit=False)  # type: ignore[arg-type]


def volunteers(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    where = named(session, Place, values["place"], "place", "place")
    fields = {key: value for key, value in values.items() if key != "place"}
    save_pool(session, {**fields, "place_id": where.id}, actor=actor, commit=False)


def provider(session: Session, actor: Actor | None, values: dict[str, Any]) -> None:
    programme = named(session, Intervention, values["intervention"], "intervention", "intervention")
    fields = {key: value for key, value in values.items() if key != "intervention"}
    existing = _provider(session, programme.id, values["name"])  # type: ignore[arg-type]
    if existing is None:
        create_provider(
            session, {**fields, "intervention_id": programme.id}, actor=actor, commit=False
        )
    else:
        update_provider(session, existing.id, fields, actor=actor, commit=False)  # type: ignore[arg-type]


def _provider(session: Session, intervention_id: int, name: object) -> Provider | None:
    wanted = name_key(name)
    return next(
        (
            found
            for found in session.exec(
                select(Provider).where(Provider.intervention_id == intervention_id)
            )
            if name_key(found.name) == wanted
        ),
        None,
    )


# Rows applied after the places and interventions they name; indicators before their values.
COMMUNITY_ROWS: tuple[tuple[InputSheet, RowImport], ...] = (
    (RISK_INDICATORS, indicator),
    (INDICATOR_VALUES, indicator_value),
    (VOLUNTEERS, volunteers),
    (PROVIDERS, provider),
)


# Records a sheet leaves out ------------------------------------------------------------------


def community_absent(
    session: Session, parsed_rows: dict[str, list[SheetRow]], readable: dict[str, Rows]
) -> list[Absent]:
    """Every community record of a sheet in the workbook that has no row there, children first
    (an indicator's values before the indicator), all before the places and interventions."""
    places = named_by_id(session, Place)
    interventions = named_by_id(session, Intervention)
    indicators = _indicators(session)
    absent: list[Absent] = []

    def given(sheet: InputSheet, key: Callable[[dict[str, Any]], tuple[Any, ...]]) -> set[Any]:
        return {key(values) for _row, values in readable.get(sheet.name, [])}

    if INDICATOR_VALUES.name in parsed_rows:
        kept = given(INDICATOR_VALUES, lambda v: (name_key(v["place"]), name_key(v["indicator"])))
        for value in session.exec(select(IndicatorValue).order_by(col(IndicatorValue.id))):
            where, called = places[value.place_id].name, indicators[value.indicator_id].name
            if (name_key(where), name_key(called)) not in kept:
                absent.append(
                    Absent(
                        INDICATOR_VALUES.name, f"{where} · {called}", value.id,  # type: ignore[arg-type]
                        delete_value, "", "",
                    )
                )  # fmt: skip
    if RISK_INDICATORS.name in parsed_rows:
        kept = {name_key(row.cells.get("name")) for row in parsed_rows[RISK_INDICATORS.name]}
        for measure in indicators.values():
            if name_key(measure.name) in kept:
                continue
            count = len(
                session.exec(
                    select(IndicatorValue.id).where(IndicatorValue.indicator_id == measure.id)
                ).all()
            )
            depends = f"its {counted(count, 'value')} go with it" if count else ""
            # Deleting it would delete the values its rows on the values sheet just gave.
            listed = len(
                [v for _r, v in readable.get(INDICATOR_VALUES.name, [])
                 if name_key(v["indicator"]) == name_key(measure.name)]
            )  # fmt: skip
            needed = (
                f"the Indicator values sheet still gives its value in {counted(listed, 'place')}"
                if listed
                else ""
            )
            absent.append(
                Absent(
                    RISK_INDICATORS.name,
                    measure.name,
                    measure.id,  # type: ignore[arg-type]
                    delete_indicator,
                    depends,
                    needed,
                )
            )
    if VOLUNTEERS.name in parsed_rows:
        kept = given(
            VOLUNTEERS, lambda v: (name_key(v["place"]), financial_year(v["year"], "year"))
        )
        for pool in session.exec(select(VolunteerPool).order_by(col(VolunteerPool.id))):
            where = places[pool.place_id].name
            if (name_key(where), pool.year) not in kept:
                label = f"{where} · {financial_year_label(pool.year)}"
                absent.append(Absent(VOLUNTEERS.name, label, pool.id, delete_pool, "", ""))  # type: ignore[arg-type]
    if PROVIDERS.name in parsed_rows:
        kept = given(PROVIDERS, lambda v: (name_key(v["intervention"]), name_key(v["name"])))
        for found in session.exec(select(Provider).order_by(col(Provider.id))):
            programme = interventions[found.intervention_id].name
            if (name_key(programme), name_key(found.name)) not in kept:
                label = f"{programme} · {found.name}"
                absent.append(Absent(PROVIDERS.name, label, found.id, delete_provider, "", ""))  # type: ignore[arg-type]
    return absent


def named_on_community_sheets(absent: list[Absent], readable: dict[str, Rows]) -> list[Absent]:
    """Places and interventions the workbook leaves out but whose community rows it still gives
    (volunteers or indicator values in a place, providers of an intervention) are not deleted:
    deleting them would delete the rows the same workbook just gave."""
    naming = {
        "Places": ((VOLUNTEERS, "place"), (INDICATOR_VALUES, "place")),
        "Interventions": ((PROVIDERS, "intervention"),),
    }
    kept: list[Absent] = []
    for record in absent:
        sheets = [
            sheet.name
            for sheet, field in naming.get(record.sheet, ())
            if any(
                name_key(values[field]) == name_key(record.label)
                for _row, values in readable.get(sheet.name, [])
            )
        ]
        if sheets and not record.needed:
            which = " and ".join(sheets)
            reason = (
                f"the {which} sheet still names it"
                if len(sheets) == 1
                else f"the {which} sheets still name it"
            )
            record = dataclasses.replace(record, needed=reason)
        kept.append(record)
    return kept
