"""Input pages for demand types and cost shares, interventions and their effects, and places
with populations and capacity overrides."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask
from markupsafe import escape
from sqlmodel import select

from models import (
    CapacityOverride,
    CostShare,
    DeliveryRecord,
    DemandType,
    Intervention,
    InterventionEffect,
    Place,
    PlacePopulation,
)
from models.vocabulary import Role
from planner.db import new_session
from planner.delivery.service import record_delivery
from planner.inputs import service
from tests.test_inputs import audit_events, page, seed

DEMAND = {"name": "A&E attendance", "unit": "attendance", "unit_cost": "£114"}
INTERVENTION = {
    "name": "Mentoring",
    "category": "mentoring",
    "target_group": "young people aged 10-17 at risk",
    "unit_cost": "1200",
    "price_year": "2022/23",
    "duration_weeks": "26",
    "evidence_rating": "2",
    "cost_rating": "",
}


def test_demand_types_with_cost_shares(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    form = page(client.get("/inputs/demand-types/new"))
    assert f'<label for="share_{ids["kirklees"]}">Kirklees Council</label>' in form
    short = client.post(
        "/inputs/demand-types/new",
        data={**DEMAND, f"share_{ids['kirklees']}": "40", f"share_{ids['police']}": "50"},
    )
    assert escape("A&E attendance: cost shares total 90%, but must total 100%") in page(short)
    assert 'value="50"' in page(short)  # what was typed is kept
    wrong = client.post(
        "/inputs/demand-types/new", data={**DEMAND, f"share_{ids['kirklees']}": "lots"}
    )
    assert "Kirklees Council&#39;s share must be a percentage, like 40 or 12.5" in page(wrong)
    over = client.post("/inputs/demand-types/new", data={**DEMAND, f"share_{ids['police']}": "150"})
    assert "West Yorkshire Police&#39;s share must be 100 or less" in page(over)
    added = client.post(
        "/inputs/demand-types/new",
        data={**DEMAND, f"share_{ids['kirklees']}": "25", f"share_{ids['police']}": "75%"},
    )
    assert added.status_code == 302
    listing = page(client.get("/inputs/demand-types"))
    assert "West Yorkshire Police 75%" in listing and "Kirklees Council 25%" in listing
    with app.app_context(), new_session() as session:
        demand_type = session.exec(
            select(DemandType).where(DemandType.name == "A&E attendance")
        ).one()
        assert demand_type.unit_cost == 114
    event = audit_events(app, "demand_type")[-1]
    assert event.after["cost_shares"] == {
        "West Yorkshire Police": "75.00",
        "Kirklees Council": "25.00",
    }
    edit = page(client.get(f"/inputs/demand-types/{demand_type.id}/edit"))
    assert f'id="share_{ids["police"]}" name="share_{ids["police"]}" value="75"' in edit
    changed = client.post(
        f"/inputs/demand-types/{demand_type.id}/edit",
        data={**DEMAND, f"share_{ids['police']}": "100"},
    )
    assert changed.status_code == 302
    with app.app_context(), new_session() as session:
        shares = session.exec(
            select(CostShare).where(CostShare.demand_type_id == demand_type.id)
        ).all()
        assert [(share.partner_id, share.share_percent) for share in shares] == [
            (ids["police"], 100)
        ]
    listed = page(client.get("/inputs/demand-types"))
    assert "West Yorkshire Police 100%" in listed and "1E+2" not in listed
    assert client.post(f"/inputs/demand-types/{demand_type.id}/delete").status_code == 302


def test_demand_type_used_by_an_effect_cannot_be_deleted(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    refused = client.post(f"/inputs/demand-types/{ids['call_out']}/delete")
    assert refused.status_code == 409
    assert (
        "Police call-out cannot be deleted: the expected effects of Functional Family Therapy "
        "reduce it" in page(refused)
    )


def test_interventions_show_evidence_with_source_and_illustrative_label(
    app: Flask, sign_in_as
) -> None:
    ids = seed(app)
    client = sign_in_as(Role.FINANCE_LEAD)
    listing = page(client.get("/inputs/interventions"))
    assert "Level 3+" in listing and "EIF Guidebook, February 2018" in listing
    assert "Illustrative" in listing
    detail = page(client.get(f"/inputs/interventions/{ids['therapy']}"))
    assert "3 out of 5 (1 is low cost)" in detail
    assert "The cost and effect figures for this intervention are illustrative" in detail
    assert "Police call-out" in detail and "1, 2, 3" in detail
    assert "£377" in detail  # 0.2 a year for 3 years x £629 = £377.40, rounded
    assert "Add an expected effect" not in detail


def test_intervention_form(app: Flask, sign_in_as) -> None:
    seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    bad = client.post(
        "/inputs/interventions/new",
        data={**INTERVENTION, "unit_cost": "-1", "evidence_rating": "5", "duration_weeks": "x"},
    )
    shown = page(bad)
    assert "Cost per participant must be 0 or more" in shown
    assert escape("'5' is not an evidence rating; use one of 4+, 4, 3+, 3, 2+, 2, NL2, NE") in shown
    assert "Length of the programme, in weeks must be a whole number" in shown
    added = client.post(
        "/inputs/interventions/new",
        data={**INTERVENTION, "rating_source": "YEF Toolkit", "illustrative": "y"},
    )
    assert added.status_code == 302
    with app.app_context(), new_session() as session:
        mentoring = session.exec(select(Intervention).where(Intervention.name == "Mentoring")).one()
        assert mentoring.illustrative and mentoring.cost_rating is None
    changed = client.post(
        f"/inputs/interventions/{mentoring.id}/edit",
        data={**INTERVENTION, "evidence_rating": "ne", "cost_rating": "2"},
    )
    assert changed.status_code == 302
    detail = page(client.get(f"/inputs/interventions/{mentoring.id}"))
    assert "The optimiser never funds it" in detail
    with app.app_context(), new_session() as session:
        mentoring = session.get(Intervention, mentoring.id)
        assert (mentoring.evidence_rating, mentoring.cost_rating) == ("NE", 2)
        assert not mentoring.illustrative  # the box was unticked
    assert client.post(f"/inputs/interventions/{mentoring.id}/delete").status_code == 302


def test_intervention_in_use_cannot_be_deleted(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.ADMIN)
    refused = page(client.get(f"/inputs/interventions/{ids['therapy']}/delete"))
    assert (
        "Functional Family Therapy cannot be deleted: 1 existing contract (Kirklees Council) "
        "funds it; it has 1 expected effect (delete those first)" in refused
    )


def test_effects_are_added_changed_and_removed(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    url = f"/inputs/interventions/{ids['therapy']}/effects/new"
    bad = client.post(
        url,
        data={
            "demand_type_id": ids["call_out"],
            "reduction_per_participant": "0.1",
            "years_after": "one",
        },
    )
    assert "write the years after participation as whole numbers, like 1, 2, 3 or 1-3" in page(bad)
    none = client.post(url, data={"demand_type_id": "", "reduction_per_participant": "0.1"})
    assert "Choose the demand type" in page(none)
    replaced = client.post(
        url,
        data={
            "demand_type_id": ids["call_out"],
            "reduction_per_participant": "0.05",
            "years_after": "1, 2",
        },
    )
    assert replaced.status_code == 302
    with app.app_context(), new_session() as session:
        effect = session.exec(select(InterventionEffect)).one()  # replaced, not added
        assert (effect.reduction_per_participant, effect.years_after) == (0.05, [1, 2])
    assert 'value="1, 2"' in page(client.get(f"/inputs/effects/{effect.id}/edit"))
    assert client.post(f"/inputs/effects/{effect.id}/delete").status_code == 302
    with app.app_context(), new_session() as session:
        assert session.exec(select(InterventionEffect)).first() is None
    assert [e.action for e in audit_events(app, "intervention_effect")] == [
        "create",
        "update",
        "delete",
    ]


def test_places_with_populations_and_capacity(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    bad = client.post(
        "/inputs/places/new", data={"name": "Batley", "district": "", "need_index": "0"}
    )
    assert "District is required" in page(bad)
    assert "Need index must be more than 0" in page(bad)
    added = client.post(
        "/inputs/places/new", data={"name": "Batley", "district": "Kirklees", "need_index": "1.1"}
    )
    place_id = int(added.location.rstrip("/").split("/")[-1])
    detail = page(client.get(added.location))
    assert "Interventions serve target groups this place has no figure for" in detail
    form = page(client.get(f"/inputs/places/{place_id}/populations/new"))
    assert '<option value="young people aged 10-17 at risk">' in form  # suggestions
    negative = client.post(
        f"/inputs/places/{place_id}/populations/new",
        data={"target_group": "young people aged 10-17 at risk", "population": "-3"},
    )
    assert "Eligible people must be 0 or more" in page(negative)
    client.post(
        f"/inputs/places/{place_id}/populations/new",
        data={"target_group": "young people aged 10-17 at risk", "population": "1,250"},
    )
    capacity = client.post(
        f"/inputs/places/{place_id}/capacities/new",
        data={"intervention_id": ids["therapy"], "capacity": "30"},
    )
    assert capacity.status_code == 302
    detail = page(client.get(f"/inputs/places/{place_id}"))
    assert "1,250" in detail and "Functional Family Therapy" in detail and ">30<" in detail
    listing = page(client.get("/inputs/places"))
    assert "young people aged 10-17 at risk: 1,250" in listing
    with app.app_context(), new_session() as session:
        row = session.exec(
            select(PlacePopulation).where(PlacePopulation.place_id == place_id)
        ).one()
        override = session.exec(select(CapacityOverride)).one()
    assert (
        client.post(
            f"/inputs/populations/{row.id}/edit",
            data={"target_group": row.target_group, "population": "1300"},
        ).status_code
        == 302
    )
    assert client.post(f"/inputs/capacities/{override.id}/delete").status_code == 302
    assert client.post(f"/inputs/populations/{row.id}/delete").status_code == 302
    assert client.post(f"/inputs/places/{place_id}/delete").status_code == 302
    with app.app_context(), new_session() as session:
        assert session.get(Place, place_id) is None
    entities = {event.entity for event in audit_events(app, "place_population")}
    assert entities == {"place_population"}


def test_place_with_a_contract_or_place_lead_cannot_be_deleted(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    sign_in_as(Role.PLACE_LEAD, place_ids=[ids["dewsbury"]])
    refused = page(sign_in_as(Role.ADMIN).post(f"/inputs/places/{ids['dewsbury']}/delete"))
    assert (
        "Dewsbury cannot be deleted: 1 existing contract (Kirklees Council) delivers there; "
        "place lead Place lead looks after it" in refused
    )


def test_place_or_intervention_with_delivery_records_cannot_be_deleted(
    app: Flask, sign_in_as
) -> None:
    """Delivery a place team recorded would be lost with its place or intervention: refused in
    words, on the confirmation page and on the post, and nothing is deleted."""
    with app.app_context(), new_session() as session:
        batley = service.create_place(session, {"name": "Batley", "district": "Kirklees"})
        service.save_population(
            session,
            batley.id,
            {"target_group": "young people aged 10-17 at risk", "population": 80},
        )
        mentoring = service.create_intervention(
            session,
            {
                "name": "Mentoring",
                "target_group": "young people aged 10-17 at risk",
                "unit_cost": 900,
                "price_year": 2022,
            },
        )
        place_id, intervention_id = batley.id, mentoring.id
        record_delivery(
            session,
            {"place_id": place_id, "intervention_id": intervention_id, "year": 2026, "started": 9},
            actor=SimpleNamespace(id=None, name="Place lead"),
        )
    client = sign_in_as(Role.COMMISSIONER)
    place_reason = (
        "Batley cannot be deleted: its place-based team has recorded delivering Mentoring there "
        "(1 delivery record), which deleting it would lose"
    )
    assert place_reason in page(client.get(f"/inputs/places/{place_id}/delete"))
    refused_place = client.post(f"/inputs/places/{place_id}/delete")
    assert refused_place.status_code == 409 and place_reason in page(refused_place)
    intervention_reason = (
        "Mentoring cannot be deleted: place-based teams have recorded delivering it in Batley "
        "(1 delivery record), which deleting it would lose"
    )
    refused_intervention = client.post(f"/inputs/interventions/{intervention_id}/delete")
    assert refused_intervention.status_code == 409
    assert intervention_reason in page(refused_intervention)
    with app.app_context(), new_session() as session:
        assert session.get(Place, place_id) is not None
        assert session.get(Intervention, intervention_id) is not None
        assert len(session.exec(select(DeliveryRecord)).all()) == 1


def test_user_text_is_escaped_on_catalogue_pages(app: Flask, sign_in_as) -> None:
    ids = seed(app)
    client = sign_in_as(Role.COMMISSIONER)
    hostile = '<img src=x onerror="alert(1)">'
    client.post(
        f"/inputs/interventions/{ids['therapy']}/edit",
        data={**INTERVENTION, "name": hostile, "description": hostile, "target_group": hostile},
    )
    client.post(
        f"/inputs/places/{ids['dewsbury']}/edit",
        data={"name": hostile, "district": "Kirklees", "need_index": "1"},
    )
    for url in (
        "/inputs/interventions",
        f"/inputs/interventions/{ids['therapy']}",
        "/inputs/places",
        f"/inputs/places/{ids['dewsbury']}",
        "/inputs/contracts",
        "/inputs/calendar",
    ):
        shown = page(client.get(url))
        assert hostile not in shown, url
        assert str(escape(hostile)) in shown, url
