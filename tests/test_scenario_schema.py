"""The one scenario schema: the web form and the API refuse the same bad inputs against the same
field with the same words, a PATCH is merged into the stored scenario and checked whole, and the
OpenAPI document lists every error the scenario endpoints answer with."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask

from models.vocabulary import Role
from planner.scenarios.forms import form_values
from planner.scenarios.schema import ScenarioContext, ScenarioInput, validate_scenario
from tests.security.test_one_validation_path import matching, partnership  # noqa: F401

WEIGHT = "Each priority weight must be a number from 0 to 1000, such as 1 or 2.5"
YEARS = "Years planned must be a whole number of years from 1 to 10"
BCR = "Benefit-cost ratio threshold must be a number from 0 to 100, such as 1"
AMOUNT = "an amount such as 12500 or 12500.50"
BAD_INPUTS: list[tuple[str, dict[str, Any], dict[str, str], str, str, str]] = [
    # (what, API body, form inputs, API field, form input, the words both give)
    (
        "negative weight",
        {"objective": "priority", "priority_weights": {"1": -1}},
        {"objective": "priority", "priority-1": "-1"},
        "priority_weights.1",
        "priority-1",
        WEIGHT,
    ),
    (
        "time limit over the ceiling",
        {"time_limit_seconds": 3600},
        {"time_limit_seconds": "3600"},
        "time_limit_seconds",
        "time_limit_seconds",
        "Time limit must be a whole number of seconds from 1 to 60 (60 is the longest this "
        "server lets the optimiser search)",
    ),
    (
        "first year 2100",
        {"first_year": 2100},
        {"first_year": "2100"},
        "first_year",
        "first_year",
        "No partner has a budget after 2026/27: choose a first year no later than that, such "
        "as 2026/27",
    ),
    (
        "null name",
        {"name": None},
        {"name": ""},
        "name",
        "name",
        "The name is required: type a name such as Pooled 2026-29",
    ),
    (
        "words for a number",
        {"horizon_years": "three"},
        {"horizon_years": "three"},
        "horizon_years",
        "horizon_years",
        YEARS,
    ),
    (
        "a fraction of a year",
        {"horizon_years": 2.5},
        {"horizon_years": "2.5"},
        "horizon_years",
        "horizon_years",
        YEARS,
    ),
    (
        "underscores",
        {"bcr_threshold": "1_000"},
        {"bcr_threshold": "1_000"},
        "bcr_threshold",
        "bcr_threshold",
        BCR,
    ),
    (
        "Arabic-Indic digit",
        {"horizon_years": "\u0663"},
        {"horizon_years": "\u0663"},
        "horizon_years",
        "horizon_years",
        YEARS,
    ),
    (
        "a percentage to 4 places",
        {"need_floor": 0.333333},
        {"need_floor": "33.3333"},
        "need_floor",
        "need_floor",
        "Place need floor must be a percentage from 0 to 100 with at most 2 decimal places, such "
        "as 33.33 (through the API, a fraction: 0.3333)",
    ),
    (
        "a blank cap amount",
        {"caps": [{"scope": "category", "target": "parenting", "maximum": None}]},
        {"cap-0-target": "category:parenting", "cap-0-maximum": ""},
        "caps.0.maximum",
        "cap-0-maximum",
        f"The cap is required: type {AMOUNT}",
    ),
    (
        "pence beyond two places",
        {"max_cost_per_unit_demand_type_id": 1, "max_cost_per_unit": "12.345"},
        {"max_cost_per_unit_demand_type_id": "1", "max_cost_per_unit": "12.345"},
        "max_cost_per_unit",
        "max_cost_per_unit",
        f"The most to spend per unit avoided must be {AMOUNT}: pounds above £0, with at most 2 "
        "decimal places",
    ),
    (
        "a minimum above the maximum",
        {"budget_overrides": [{"budget_line_id": 1, "maximum": "100", "minimum": "200"}]},
        {"budget-max-1": "100", "budget-min-1": "200"},
        "budget_overrides.0.minimum",
        "budget-min-1",
        "The committed minimum (£200.00) is more than the maximum (£100.00): type a smaller "
        "minimum or a larger maximum",
    ),
    (
        "a cap on something unchosen",
        {"caps": [{"scope": "category", "target": "", "maximum": "5000"}]},
        {"cap-0-target": "", "cap-0-maximum": "5000"},
        "caps.0.target",
        "cap-0-target",
        "Choose what this cap limits (a place, an intervention or a category), or clear its amount",
    ),
]


def form_error(page: str, name: str) -> str | None:
    """The message shown next to the form input `name`, if any."""
    found = re.search(
        rf'<p class="error-message" id="{re.escape(name)}-error">'
        r'<span class="visually-hidden">Error:</span> (.*?)</p>',
        page,
        re.S,
    )
    return html.unescape(found.group(1)).strip() if found else None


@pytest.mark.parametrize(
    "api_body, form_fields, api_field, form_input, words",
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_the_form_and_the_api_refuse_a_bad_input_in_the_same_words(
    app: Flask,
    client,
    sign_in_as,
    partnership,  # noqa: F811
    api_body: dict[str, Any],
    form_fields: dict[str, str],
    api_field: str,
    form_input: str,
    words: str,
) -> None:
    response = client.post(
        "/api/v1/scenarios", json={"name": "Tried", **api_body}, headers=partnership
    )
    assert response.status_code == 422, response.json
    messages = {error["field"]: error["message"] for error in response.json["errors"]}
    assert messages.get(api_field) == words, messages
    commissioner = sign_in_as(Role.COMMISSIONER)
    page = commissioner.post(
        "/scenarios/new", data={**form_values(None), "name": "Tried", **form_fields}
    )
    assert page.status_code == 422
    assert form_error(page.get_data(as_text=True), form_input) == words
    assert client.get("/api/v1/scenarios", headers=partnership).json["total"] == 0


def test_a_patch_whose_budget_override_leaves_out_the_minimum_is_saved(
    client,
    partnership,  # noqa: F811
) -> None:
    created = client.post(
        "/api/v1/scenarios", json={"name": "Pooled", "first_year": 2026}, headers=partnership
    )
    assert created.status_code == 201
    url = f"/api/v1/scenarios/{created.json['id']}"
    changed = client.patch(
        url,
        json={"budget_overrides": [{"budget_line_id": 1, "maximum": "90000"}]},
        headers=matching(client, url, partnership),
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["budget_overrides"] == [
        {"budget_line_id": 1, "maximum": "90000.00", "minimum": None}
    ]
    assert changed.json["name"] == "Pooled" and changed.json["first_year"] == 2026


def test_a_patch_is_merged_into_the_stored_scenario_and_checked_whole(
    client,
    partnership,  # noqa: F811
) -> None:
    created = client.post("/api/v1/scenarios", json={"name": "Whole"}, headers=partnership)
    url = f"/api/v1/scenarios/{created.json['id']}"
    # One type only needs its demand type: sent alone, the merged scenario lacks it.
    alone = client.patch(
        url, json={"objective": "single"}, headers=matching(client, url, partnership)
    )
    assert alone.status_code == 422
    assert alone.json["errors"] == [
        {
            "field": "objective_demand_type_id",
            "message": "Choose the demand type to reduce when optimising one type only",
        }
    ]
    both = client.patch(
        url,
        json={"objective": "single", "objective_demand_type_id": 1},
        headers=matching(client, url, partnership),
    )
    assert both.status_code == 200, both.json
    # The demand type is now stored: leaving the objective as it is, a change of name is fine.
    renamed = client.patch(
        url, json={"name": "Whole, renamed"}, headers=matching(client, url, partnership)
    )
    assert renamed.status_code == 200
    assert (renamed.json["objective"], renamed.json["objective_demand_type_id"]) == ("single", 1)


def test_shares_are_percentages_on_the_form_and_fractions_in_the_api() -> None:
    form, _ = validate_scenario(
        {"name": "Form", "need_floor": "33.33"}, ScenarioContext(from_form=True)
    )
    api, _ = validate_scenario({"name": "API", "need_floor": 0.3333}, ScenarioContext())
    assert form is not None and api is not None
    assert form.need_floor == api.need_floor == pytest.approx(0.3333)
    _, errors = validate_scenario({"name": "Too much", "need_floor": 33.33}, ScenarioContext())
    assert "need_floor" in errors


def test_every_problem_is_said_at_once() -> None:
    """A rule between fields is said alongside the fields' own mistakes."""
    _, errors = validate_scenario(
        {"name": "", "horizon_years": "x", "objective": "single"}, ScenarioContext()
    )
    assert set(errors) == {"name", "horizon_years", "objective_demand_type_id"}


def test_numbers_are_read_only_in_plain_digits() -> None:
    for typed in ("1_000", "\u0661", "NaN", "inf", "1\u00a0000", True):
        _, errors = validate_scenario({"name": "Digits", "bcr_threshold": typed}, ScenarioContext())
        assert errors == {"bcr_threshold": BCR}, typed
    details, errors = validate_scenario(
        {"name": "Digits", "bcr_threshold": " 2.5 ", "appraisal_years": "12"}, ScenarioContext()
    )
    assert errors == {} and details is not None
    assert (details.bcr_threshold, details.appraisal_years) == (2.5, 12)


def test_the_schema_documents_every_numeric_setting_of_the_registry() -> None:
    from optimiser.families import SETTINGS

    documented = ScenarioInput.model_json_schema()["properties"]
    for name, setting in SETTINGS.items():
        assert setting.help in documented[name]["description"], name


# What each scenario operation answers besides its success: 401/403 for every operation
# (token, role), 404 for an id that names no scenario, 422 for what the schema or the
# partnership's records refuse, 412/428 for a change without the current ETag (412 also for a
# save that loses a race with another). No scenario operation answers 409: a name already taken
# is a 422 in words, as for every other record.
SCENARIO_ANSWERS = {
    ("get", "/api/v1/scenarios"): {"200", "401", "403", "422"},
    ("post", "/api/v1/scenarios"): {"201", "401", "403", "422"},
    ("get", "/api/v1/scenarios/{id}"): {"200", "401", "403", "404", "422"},
    ("patch", "/api/v1/scenarios/{id}"): {"200", "401", "403", "404", "412", "422", "428"},
    ("delete", "/api/v1/scenarios/{id}"): {"204", "401", "403", "404", "412", "422"},
}


def test_the_openapi_document_lists_every_answer_of_the_scenario_endpoints(client) -> None:
    document = client.get("/api/v1/openapi.json").json
    for (method, path), codes in SCENARIO_ANSWERS.items():
        documented = set(document["paths"][path][method]["responses"])
        assert codes <= documented, (method, path, codes - documented)


def test_the_scenario_endpoints_give_the_answers_they_document(
    client,
    partnership,  # noqa: F811
) -> None:
    """Each error the document lists for PATCH, given for what it says."""
    created = client.post("/api/v1/scenarios", json={"name": "Answers"}, headers=partnership)
    url = f"/api/v1/scenarios/{created.json['id']}"
    assert client.patch(url, json={}, headers=partnership).status_code == 428
    stale = client.patch(url, json={}, headers={**partnership, "If-Match": '"999"'})
    assert stale.status_code == 412
    missing = client.patch(
        "/api/v1/scenarios/999", json={}, headers={**partnership, "If-Match": "*"}
    )
    assert missing.status_code == 404
    taken = client.post("/api/v1/scenarios", json={"name": "answers"}, headers=partnership)
    assert taken.status_code == 422 and taken.json["errors"][0]["field"] == "name"


def test_every_setting_of_the_registry_is_read_within_its_range() -> None:
    """Each numeric setting, walked from the registry: its default accepted, one past its
    maximum refused against its own field, in the words of its unit."""
    from optimiser.families import SETTINGS

    for name, setting in SETTINGS.items():
        typed = setting.maximum if setting.percent else setting.default
        fine, errors = validate_scenario(
            {"name": "Walk", name: str(typed)}, ScenarioContext(from_form=True)
        )
        assert errors == {} and fine is not None, name
        assert getattr(fine, name) == pytest.approx(
            setting.stored_maximum if setting.percent else typed
        )
        _, errors = validate_scenario(
            {"name": "Walk", name: str(setting.maximum + 1)}, ScenarioContext(from_form=True)
        )
        assert list(errors) == [name], name
        assert errors[name].startswith(f"{setting.label} must be a "), name
        if setting.percent:
            assert "a percentage from 0 to 100" in errors[name]
        elif setting.whole:
            assert f"a whole number of {setting.unit.value} from" in errors[name]
