"""The rule registry (optimiser.families) and every reader of it.

Walks the registry and fails when a reader misses a family or a setting: the optimiser's rows
and words, the plan page's groups, the workbook's labels, the scenario form, its summary, the
plan's stored rules read back, and the API's schema.
"""

from __future__ import annotations

import dataclasses
import io
import re
import string
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models import Scenario
from optimiser import BindingConstraint, ScenarioRules
from optimiser.explain import PHRASE_FIELDS, PHRASE_FORMATS
from optimiser.families import FAMILIES, SECTION_HEADINGS, SETTINGS, Section, family, setting
from optimiser.model import DEFINITIONS
from planner.api.scenarios import ScenarioBody, ScenarioOut
from planner.excel.plan_inputs import FIELD_LABELS
from planner.excel.plan_view import describe_rules as workbook_rules
from planner.excel.plan_workbook import build_plan_workbook
from planner.plans.binding import binding_groups
from planner.scenarios.describe import describe_rules as summary_rules
from planner.scenarios.forms import NUMBER_RULES, ScenarioChoices
from planner.solving.rule_fields import SAME_FIELDS, rule_fields, scenario_fields
from tests.excel.plan_fixtures import solved_view

OPTIMISER = Path(__file__).resolve().parents[1] / "optimiser"
# Column-bound limits priced from reduced costs (explain._reach_limits), not rows of their own.
COLUMN_FAMILIES = {"capacity", "reach"}
# Rows of the small model that says which whole programmes must run (optimiser.programmes),
# never reported to a user.
INTERNAL = {"run_somewhere"}


def _families_the_optimiser_builds() -> set[str]:
    found: set[str] = set()
    for source in OPTIMISER.rglob("*.py"):
        found |= set(re.findall(r"\.add\(\s*\"([a-z_]+)\"", source.read_text()))
    return found - DEFINITIONS - INTERNAL


def test_every_row_family_the_optimiser_builds_is_in_the_registry() -> None:
    built = _families_the_optimiser_builds()
    assert len(built) >= 12, built  # the scan finds the add_* rows
    assert built | COLUMN_FAMILIES == set(FAMILIES)


def test_every_family_has_its_words_in_the_explanations() -> None:
    """Each family's phrase uses only the words and formats the explanations know."""
    for key, entry in FAMILIES.items():
        fields = [part for part in string.Formatter().parse(entry.phrase) if part[1] is not None]
        assert entry.phrase and (fields or entry.phrase.startswith("the")), key
        for _text, name, spec, _conversion in fields:
            assert PHRASE_FIELDS.fullmatch(str(name)), (key, name)
            assert spec in PHRASE_FORMATS, (key, spec)


def test_a_family_missing_from_the_registry_is_an_error_that_names_it() -> None:
    with pytest.raises(KeyError, match="brand_new"):
        family("brand_new")
    with pytest.raises(KeyError, match="brand_new"):
        setting("brand_new")


def test_the_plan_page_groups_every_family_under_its_registry_heading() -> None:
    rules = [{"family": key, "shadow_price": 1.0, "sentence": key} for key in FAMILIES]
    groups = binding_groups({"binding_constraints": rules})
    headings = {group.family.heading for group in groups}
    assert headings == {entry.heading for entry in FAMILIES.values()}
    grouped = {rule["family"] for group in groups for rule in group.constraints}
    assert grouped == set(FAMILIES)


def test_the_workbook_labels_every_family_of_a_binding_rule() -> None:
    view = solved_view()
    binding = tuple(
        BindingConstraint(f"{key}|x", key, 1.0, f"sentence {key}", label=f"rule {key}")
        for key in FAMILIES
    )
    view = dataclasses.replace(
        view, result=dataclasses.replace(view.result, binding_constraints=binding)
    )
    book = load_workbook(io.BytesIO(build_plan_workbook(view)))
    sheet = book["Sensitivity"]
    kinds = {
        str(row[0]): str(row[1])
        for row in sheet.iter_rows(values_only=True)
        if row[0] and str(row[0]).startswith("rule ")
    }
    assert kinds == {f"rule {key}": entry.excel_label for key, entry in FAMILIES.items()}


def test_every_setting_is_a_field_of_the_rules_and_of_the_scenario_table_alike() -> None:
    rule_names = {field.name for field in dataclasses.fields(ScenarioRules)}
    for name, entry in SETTINGS.items():
        assert name in rule_names, name
        assert Scenario.model_fields[name].default == entry.default, name
        assert name in SAME_FIELDS


def test_every_setting_is_offered_by_the_form_and_shown_by_each_reader() -> None:
    scenario = Scenario(name="Walk")
    choices = ScenarioChoices(
        partners=[], demand_types=[], cap_targets=[], budget_lines=[], years=[]
    )
    summary = {line.label for line in summary_rules(scenario, choices)}
    workbook = {label for label, _ in workbook_rules(ScenarioRules(first_year=2026), {})}
    documented = ScenarioBody.model_json_schema()["properties"]
    returned = ScenarioOut.model_json_schema()["properties"]
    for name, entry in SETTINGS.items():
        assert NUMBER_RULES[name].label == entry.label and NUMBER_RULES[name].hint == entry.help
        assert entry.label in summary, name
        assert FIELD_LABELS[name] == entry.label
        if name != "horizon_years":  # the workbook shows the years themselves
            assert entry.label in workbook, name
        assert entry.help in documented[name]["description"], name
        assert entry.help in returned[name]["description"], name


def test_the_form_asks_for_every_setting(sign_in_as) -> None:  # type: ignore[no-untyped-def]
    from models.user import Role

    page = sign_in_as(Role.COMMISSIONER).get("/scenarios/new").data.decode()
    for name, entry in SETTINGS.items():
        assert f'name="{name}"' in page, name
        assert entry.label in page, name


def test_every_section_places_its_settings_and_the_summary_follows_the_form(sign_in_as) -> None:  # type: ignore[no-untyped-def]
    """Each of the form's sections shows the settings the registry places in it, and the
    summary lists them in the form's order."""
    from models.user import Role

    page = sign_in_as(Role.COMMISSIONER).get("/scenarios/new").data.decode()
    sections = re.findall(r'<fieldset class="section" id="section-([a-z]+)">', page)
    assert sections == [section.value for section in Section]
    for section in Section:
        inside = page.split(f'id="section-{section.value}"')[1].split('<fieldset class="section"')[
            0
        ]
        assert SECTION_HEADINGS[section] in inside
        for name, rule in NUMBER_RULES.items():
            assert (f'name="{name}"' in inside) == (rule.section is section), (section, name)
    asked = [rule.label for rule in NUMBER_RULES.values() if f'name="{rule.name}"' in page]
    asked.sort(key=lambda label: page.index(f">{label}</label>"))
    choices = ScenarioChoices(
        partners=[], demand_types=[], cap_targets=[], budget_lines=[], years=[]
    )
    shown = [line.label for line in summary_rules(Scenario(name="Order"), choices)]
    assert [label for label in shown if label in asked] == asked


def test_the_one_mapping_reads_the_same_names_both_ways() -> None:
    """A scenario's fields, turned into rules and read back from the rules, come back equal."""
    scenario = Scenario(
        name="Both ways",
        first_year=2027,
        horizon_years=2,
        min_evidence_rating="3",
        min_share_rated_3_plus=0.4,
        bcr_threshold=1.5,
        portfolio_vfm_ratio=2.0,
        partner_fairness=0.5,
        partner_fairness_overrides={"7": 0.25},
        need_floor=0.3,
        confidence={"3": 0.7},
        discount_rate=0.05,
        appraisal_years=12,
        objective="single",
        objective_demand_type_id=4,
        priority_weights={"4": 2.0},
        segment_multipliers=[1.0, 0.5],
        whole_programme=True,
    )
    fields = rule_fields(scenario, {"7": "police"}, {"4": "call-out"})
    rules = ScenarioRules(**fields)
    assert rules.partner_fairness_overrides == {"police": 0.25}
    assert rules.objective_demand_type == "call-out"
    stored = {
        **fields,
        "objective": "single",
        "segment_shares": list(rules.segment_shares),
        "segment_multipliers": list(rules.segment_multipliers),
        "confidence": dict(rules.confidence),
    }
    back = Scenario(name="Back", **scenario_fields(stored, {"police": 7}, {"call-out": 4}))
    for name in (*SETTINGS, "first_year", "min_evidence_rating", "whole_programme"):
        assert getattr(back, name) == getattr(scenario, name), name
    assert back.partner_fairness_overrides == scenario.partner_fairness_overrides
    assert back.priority_weights == scenario.priority_weights
    assert back.objective_demand_type_id == 4
    assert back.confidence_levels() == scenario.confidence_levels()
    assert back.segment_multipliers == scenario.segment_multipliers
