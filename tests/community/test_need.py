"""Need from risk indicators: the formula by hand, the need floor reading it, the pages, the
import refusing in words and changing nothing, roles and the audit trail."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlmodel import select

from models import AuditEvent, Place
from models.indicator import IndicatorValue, RiskIndicator
from models.vocabulary import Role
from planner.community.indicator_import import import_values
from planner.community.indicators import create_indicator, save_value, update_indicator
from planner.community.need import IndicatorWeight, need_indices
from planner.db import new_session
from planner.inputs.service import create_place
from planner.inputs.validation import InputError


def test_need_index_by_hand() -> None:
    """Two indicators, weights 2 and 1, three places.
    A: values (10, 20) and (B: 20, 40), (C: 30, none). Averages: k1 = 20, k2 = 30.
    Normalised: A (0.5, 0.6667), B (1.0, 1.3333), C (1.5, -).
    A = (2*0.5 + 1*0.6667)/3 = 0.5556; B = (2*1 + 1.3333)/3 = 1.1111; C = 1.5 on k1 alone."""
    weights = [IndicatorWeight(1, "k1", 2.0), IndicatorWeight(2, "k2", 1.0)]
    values = {(1, 1): 10.0, (1, 2): 20.0, (2, 1): 20.0, (2, 2): 40.0, (3, 1): 30.0}
    needs = need_indices([1, 2, 3, 4], weights, values)
    assert needs[1].need_index == pytest.approx(0.5556, abs=1e-4)
    assert needs[2].need_index == pytest.approx(1.1111, abs=1e-4)
    assert needs[3].need_index == pytest.approx(1.5)
    assert needs[3].missing == ("k2",)
    assert needs[4].need_index is None  # no values: the typed need stays


def test_zero_weight_leaves_an_indicator_out() -> None:
    """k2 has weight 0: A = 0.5 and B = 1.5 from k1 alone (average 20)."""
    weights = [IndicatorWeight(1, "k1", 1.0), IndicatorWeight(2, "k2", 0.0)]
    values = {(1, 1): 10.0, (2, 1): 30.0, (1, 2): 99.0, (2, 2): 1.0}
    needs = need_indices([1, 2], weights, values)
    assert needs[1].need_index == pytest.approx(0.5)
    assert needs[2].need_index == pytest.approx(1.5)


def _two_places(app: Flask) -> tuple[int, int, int]:
    with app.app_context(), new_session() as session:
        first = create_place(session, {"name": "North", "district": "D", "need_index": 1})
        second = create_place(session, {"name": "South", "district": "D", "need_index": 1})
        indicator = create_indicator(
            session,
            {"name": "Children in need", "unit": "per 10,000", "weight": 1, "source": "DfE",
             "as_at": "2023/24"},
        )  # fmt: skip
        return first.id, second.id, indicator.id  # type: ignore[return-value]


def test_values_set_the_need_index_used_by_the_floor(app: Flask) -> None:
    """North 100, South 300 per 10,000: average 200, so need 0.5 and 1.5, stored on the places
    that the need floor reads; changing the weight of a single indicator changes nothing."""
    north, south, indicator = _two_places(app)
    with app.app_context(), new_session() as session:
        save_value(session, north, {"indicator_id": indicator, "value": "100"})
        save_value(session, south, {"indicator_id": indicator, "value": 300})
        assert session.get(Place, north).need_index == pytest.approx(0.5)  # type: ignore[union-attr]
        assert session.get(Place, south).need_index == pytest.approx(1.5)  # type: ignore[union-attr]
        update_indicator(session, indicator, {"weight": 3})
        assert session.get(Place, south).need_index == pytest.approx(1.5)  # type: ignore[union-attr]
        summaries = session.exec(select(AuditEvent.summary)).all()
        assert "Need index of South set to 1.5 from its risk indicators" in summaries
    from planner.solving.inputs import _places  # the optimiser's places, as the floor reads them

    with app.app_context(), new_session() as session:
        stored = {place.id: place for place in session.exec(select(Place))}
        needs = {p.name: p.need_index for p in _places(session, stored, {})}  # type: ignore[arg-type]
        assert needs == {"North": pytest.approx(0.5), "South": pytest.approx(1.5)}


def test_a_bad_value_is_refused_in_words(app: Flask) -> None:
    north, _south, indicator = _two_places(app)
    with app.app_context(), new_session() as session:
        with pytest.raises(InputError) as refused:
            save_value(session, north, {"indicator_id": indicator, "value": "-3"})
        assert "0 or more" in " ".join(refused.value.errors.values())
        with pytest.raises(InputError) as missing:
            save_value(session, north, {"indicator_id": "", "value": "3"})
        assert missing.value.errors == {"indicator_id": "Choose the risk indicator"}


def test_import_checks_every_cell_and_changes_nothing_on_a_mistake(app: Flask) -> None:
    _two_places(app)
    bad = b"Place,Children in need,Knife crime\nNorth,12a,\nWest,3,\n"
    with app.app_context(), new_session() as session:
        with pytest.raises(InputError) as refused:
            import_values(session, "values.csv", bad)
        messages = " | ".join(refused.value.errors.values())
        assert "Row 1, column 3: there is no risk indicator called 'Knife crime'" in messages
        assert "Row 2, column 2 (Children in need): '12a' is not a number" in messages
        assert "Row 3, column 1: there is no place called 'West'" in messages
        assert session.exec(select(IndicatorValue)).all() == []


def test_import_from_excel_records_values_and_need(app: Flask) -> None:
    _two_places(app)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Place", "children in NEED"])  # names compared ignoring capitals
    sheet.append(["North", 150])
    sheet.append(["South", 50])
    stream = io.BytesIO()
    workbook.save(stream)
    with app.app_context(), new_session() as session:
        result = import_values(session, "values.xlsx", stream.getvalue())
        assert (result.values, result.places) == (2, 2)
        assert sorted(result.need_changed) == ["North", "South"]
        needs = {p.name: p.need_index for p in session.exec(select(Place))}
        assert needs == {"North": pytest.approx(1.5), "South": pytest.approx(0.5)}


def test_pages_roles_and_formula(app: Flask, sign_in_as) -> None:  # type: ignore[no-untyped-def]
    north, _south, indicator = _two_places(app)
    place_lead = sign_in_as(Role.PLACE_LEAD)
    page = place_lead.get("/community/need")
    assert page.status_code == 200
    assert "Σ weight × (value ÷ average of that indicator across places)" in page.text
    assert "Add a risk indicator" not in page.text
    assert place_lead.get("/community/indicators/new").status_code == 403
    commissioner = sign_in_as(Role.COMMISSIONER)
    posted = commissioner.post(
        "/community/indicator-values/new",
        data={"place_id": str(north), "indicator_id": str(indicator), "value": "abc"},
    )
    assert posted.status_code == 422
    saved = commissioner.post(
        "/community/indicator-values/new",
        data={"place_id": str(north), "indicator_id": str(indicator), "value": "120"},
    )
    assert saved.status_code == 302
    chart = commissioner.get(f"/community/need?by={indicator}")
    assert 'id="need-chart"' in chart.text and "120" in chart.text
    created = commissioner.post(
        "/community/indicators/new",
        data={"name": "<b>IDACI</b>", "unit": "0 to 1", "weight": "2", "source": "MHCLG",
              "as_at": "2019", "source_url": "javascript:alert(1)"},
    )  # fmt: skip
    assert created.status_code == 422
    assert "must be a web address" in created.text
    with app.app_context(), new_session() as session:
        assert session.exec(select(RiskIndicator).where(RiskIndicator.weight == 2)).first() is None


def test_demo_need_comes_from_sourced_indicators(demo_app: Flask) -> None:
    with demo_app.app_context(), new_session() as session:
        indicators = session.exec(select(RiskIndicator)).all()
        names = {indicator.name for indicator in indicators}
        assert "Income Deprivation Affecting Children Index (IDACI)" in names
        assert all(i.source and i.as_at and i.illustrative for i in indicators)
        places = session.exec(select(Place)).all()
        assert sum(p.need_index for p in places) / len(places) == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old-style Excel 97-2003 file"),
        (b"Place,Children in need\n", "not a spreadsheet"),
        (b"", "The file is empty"),
    ],
)
def test_an_indicator_workbook_that_is_not_a_plain_xlsx_is_refused_in_words(
    app: Flask, content: bytes, words: str
) -> None:
    """The checks the inputs import makes before any parser reads a workbook."""
    _two_places(app)
    with app.app_context(), new_session() as session:
        with pytest.raises(InputError) as refused:
            import_values(session, "values.xlsx", content)
        assert words in refused.value.errors["file"]
        assert session.exec(select(IndicatorValue)).all() == []
