"""Formula-injection text in a free-text field of every inputs sheet survives the round trip:
exported as text that cannot run (typed as a string, quote-prefixed), and imported back as
exactly what was typed, changing nothing."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from flask import Flask

from models import Place
from planner.community.indicators import create_indicator, save_value
from planner.community.providers import create_provider
from planner.community.volunteers import save_pool
from planner.core.spreadsheet_text import starts_like_formula
from planner.db import new_session
from planner.excel.import_service import apply_import
from planner.excel.input_tables import INPUT_SHEETS
from planner.excel.inputs_workbook import build_current_inputs_workbook
from planner.inputs import service
from planner.inputs.prices import save_index_year

PARTNER = "=cmd|' /C calc'!A0"
PLACE = "-Todmorden+1"
INTERVENTION = "@SUM(1+1)*mentoring"
DEMAND = "+Call-out"
GROUP = "=young people"
INDICATOR = "=Children in low-income families"
PROVIDER = "-Family Action"

# Sheet: (row 2's column, the text expected there).
FREE_TEXT = {
    "Partners": ("Notes", "@SUM(A1:A9)"),
    "Commissioning cycles": ("Partner", PARTNER),
    "Budget lines": ("Districts", "=Calderdale"),
    "Existing contracts": ("Notes", "+44 committed until March"),
    "Demand types": ("Cost source", "@Home Office"),
    "Cost shares": ("Demand type", DEMAND),
    "Interventions": ("Description", "-one-to-one mentoring"),
    "Effects": ("Intervention", INTERVENTION),
    "Places": ("Description", '=HYPERLINK("http://evil.example")'),
    "Populations": ("Target group", GROUP),
    "Capacity overrides": ("Place", PLACE),
    "Risk indicators": ("Source", "@Department for Work and Pensions"),
    "Indicator values": ("Risk indicator", INDICATOR),
    "Volunteers": ("Notes", "=2+3 volunteers from the mosque"),
    "Providers": ("Provider", PROVIDER),
    "Price index": ("Source", '=HYPERLINK("http://evil.example")'),
}


def seed(session) -> None:  # type: ignore[no-untyped-def]
    # The place first: a budget line's districts must be districts the partnership has.
    place = service.create_place(
        session,
        {
            "name": PLACE,
            "district": "=Calderdale",
            "description": '=HYPERLINK("http://evil.example")',
        },
    )
    partner = service.create_partner(
        session,
        {"name": PARTNER, "kind": "other", "district": "-Calderdale", "notes": "@SUM(A1:A9)"},
    )
    for year in (2026, 2027):
        service.create_budget_line(
            session,
            {
                "partner_id": partner.id,
                "year": year,
                "maximum": "50000",
                "districts": ["=Calderdale"],
            },
        )
    service.save_cycle(session, partner.id, {"budget_setting_month": 3, "open_years": [2026]})
    service.create_demand_type(
        session,
        {"name": DEMAND, "unit": "-call", "unit_cost": 650, "cost_source": "@Home Office"},
        {partner.id: 100},
    )
    programme = service.create_intervention(
        session,
        {
            "name": INTERVENTION,
            "target_group": GROUP,
            "unit_cost": 900,
            "price_year": 2022,
            "rating_source": "+EIF",
            "description": "-one-to-one mentoring",
        },
    )
    service.save_effect(
        session,
        programme.id,
        {"demand_type": DEMAND, "reduction_per_participant": 0.5, "years_after": [1]},
    )
    service.save_population(session, place.id, {"target_group": GROUP, "population": 120})
    service.save_capacity_override(
        session, place.id, {"intervention": INTERVENTION, "capacity": 12}
    )
    service.create_contract(
        session,
        {
            "partner_id": partner.id,
            "intervention_id": programme.id,
            "place_id": place.id,
            "years": "2026/27",
            "annual_amount": "1000",
            "notes": "+44 committed until March",
        },
    )
    measure = create_indicator(
        session,
        {"name": INDICATOR, "unit": "+share", "source": "@Department for Work and Pensions",
         "as_at": "2023/24", "description": "=low income"},
    )  # fmt: skip
    save_value(session, place.id, {"indicator_id": measure.id, "value": 0.31})
    save_pool(
        session,
        {"place_id": place.id, "year": 2026, "hours": 2000, "hours_per_volunteer": 100,
         "cost_per_volunteer": "450", "notes": "=2+3 volunteers from the mosque"},
    )  # fmt: skip
    create_provider(
        session,
        {"intervention_id": programme.id, "name": PROVIDER, "sector": "voluntary_community",
         "share_percent": 60},
    )  # fmt: skip
    save_index_year(
        session, {"year": 2026, "deflator": 116.3, "source": '=HYPERLINK("http://evil.example")'}
    )


def test_injection_text_on_every_sheet_stays_text_and_round_trips(app: Flask) -> None:
    with app.app_context(), new_session() as session:
        seed(session)
        exported = build_current_inputs_workbook(session)
        workbook = openpyxl.load_workbook(io.BytesIO(exported))
        assert set(FREE_TEXT) == {table.name for table in INPUT_SHEETS}
        for table in INPUT_SHEETS:
            sheet = workbook[table.name]
            header, text = FREE_TEXT[table.name]
            column = [col.header for col in table.columns].index(header) + 1
            cell = sheet.cell(2, column)
            assert cell.value == text, table.name
            assert cell.data_type == "s" and cell.quotePrefix, table.name
            for row in sheet.iter_rows(min_row=2):
                for other in row:
                    if isinstance(other.value, str) and starts_like_formula(other.value):
                        assert other.data_type == "s" and other.quotePrefix, other.coordinate
        outcome = apply_import(session, exported)
        assert outcome.ok, [str(problem) for problem in outcome.problems]
        assert outcome.total("create") == outcome.total("update") == 0
        assert outcome.total("unchanged") == sum(
            1
            for table in INPUT_SHEETS
            for _row in workbook[table.name].iter_rows(min_row=2)
            if _row[0].value
        )
        place = session.get(Place, 1)
        assert (place.name, place.district) == (PLACE, "=Calderdale")
    with zipfile.ZipFile(io.BytesIO(exported)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert sheets and all(b"<f>" not in archive.read(name) for name in sheets)
