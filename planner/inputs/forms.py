"""Forms for the input pages. They collect text as typed; the services validate it, so the
words a user sees are the same as the import's and the API's.

Numbers are text fields (not WTForms number fields) so that '£12,500' is understood and a
mistake is reported by the service in plain words rather than 'Not a valid decimal value'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice

from models.intervention import InterventionCategory
from models.vocabulary import (
    EVIDENCE_RATINGS,
    MONTH_NAMES,
    PARTNER_KIND_LABELS,
    BudgetStatus,
    financial_year_label,
)
from planner.core.conflict import VersionedForm


class ChoiceField(SelectField):
    """A drop-down whose value is checked by the service, not by WTForms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (rendered by the `checkboxes` macro as a fieldset)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


def money_text(value: object) -> str | None:
    """'£12,500.50' -> '12500.50'; blank -> None (so optional amounts are left out)."""
    cleaned = ("" if value is None else str(value)).replace("£", "").replace(",", "").strip()
    return cleaned or None


def number_text(value: object) -> str | None:
    cleaned = ("" if value is None else str(value)).replace(",", "").strip()
    return cleaned or None


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Choices for a drop-down or checkbox group, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def year_choices(years: list[int]) -> list[SelectChoice]:
    return options((str(year), financial_year_label(year)) for year in years)


class PartnerForm(VersionedForm):
    name = StringField("Name", description="As the partnership knows it, e.g. Kirklees Council.")
    kind = ChoiceField(
        "Kind of organisation",
        default="other",
        choices=options([(kind.value, label) for kind, label in PARTNER_KIND_LABELS.items()]),
    )
    district = StringField(
        "District it covers",
        description="For a council or other local body; leave blank for partnership-wide bodies.",
    )
    notes = TextAreaField("Notes")

    def to_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "district": self.district.data,
            "notes": self.notes.data or "",
        }


class CycleForm(VersionedForm):
    budget_setting_month = ChoiceField(
        "Month it sets its budget",
        choices=options([(str(number), name) for number, name in enumerate(MONTH_NAMES, start=1)]),
    )
    open_years = CheckboxesField(
        "Financial years in which it can let or vary contracts",
        description="Outside these years its funding continues at the level already contracted.",
    )
    contract_length_years = StringField(
        "Usual contract length, in years", render_kw={"inputmode": "numeric"}
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "budget_setting_month": self.budget_setting_month.data,
            "open_years": self.open_years.data or [],
            "contract_length_years": number_text(self.contract_length_years.data),
        }


class BudgetLineForm(VersionedForm):
    partner_id = ChoiceField("Partner")
    year = ChoiceField("Financial year")
    maximum = StringField(
        "Most it can contribute (£)",
        description="In pounds, e.g. 250000.",
        render_kw={"inputmode": "decimal"},
    )
    minimum = StringField(
        "Committed minimum (£, optional)",
        description="What the partner has committed to spend whatever the plan.",
        render_kw={"inputmode": "decimal"},
    )
    status = ChoiceField(
        "Status",
        default=BudgetStatus.INDICATIVE.value,
        choices=options([(status.value, status.value.capitalize()) for status in BudgetStatus]),
    )
    ring_fence = CheckboxesField(
        "Ring-fenced to these kinds of intervention",
        description="Tick none if the money may fund any kind.",
        choices=options([(category.value, category.label) for category in InterventionCategory]),
    )
    districts = CheckboxesField(
        "May fund places in these districts only",
        description="Tick none if the money may fund places anywhere in the partnership.",
    )
    illustrative = BooleanField("The amount is illustrative, not the partner's budget")
    # Asked only when the partner's commissioning window is closed in the year (inputs.windows).
    save_despite_closed_window = BooleanField("Save it anyway")

    def to_fields(self) -> dict[str, Any]:
        return {
            "save_despite_closed_window": bool(
                "save_despite_closed_window" in self and self.save_despite_closed_window.data
            ),
            "partner_id": self.partner_id.data,
            "year": self.year.data,
            "maximum": money_text(self.maximum.data),
            "minimum": money_text(self.minimum.data),
            "status": self.status.data,
            "ring_fence": self.ring_fence.data or [],
            "districts": self.districts.data or [],
            "illustrative": bool(self.illustrative.data),
        }


class ContractForm(VersionedForm):
    partner_id = ChoiceField("Partner paying")
    intervention_id = ChoiceField("Intervention")
    place_id = ChoiceField(
        "Place", description="Choose 'All places' for a contract that is not tied to one place."
    )
    years = CheckboxesField("Financial years it covers")
    annual_amount = StringField(
        "Amount committed each year (£)", render_kw={"inputmode": "decimal"}
    )
    notes = TextAreaField("Notes", description="For example the provider and contract reference.")

    def to_fields(self) -> dict[str, Any]:
        return {
            "partner_id": self.partner_id.data,
            "intervention_id": self.intervention_id.data,
            "place_id": self.place_id.data or None,
            "years": self.years.data or [],
            "annual_amount": money_text(self.annual_amount.data),
            "notes": self.notes.data or "",
        }


class DemandTypeForm(VersionedForm):
    """Cost shares are extra inputs named share_<partner id>, one per partner."""

    name = StringField("Name", description="e.g. Police call-out for domestic abuse.")
    unit = StringField(
        "What one unit is", description="e.g. call-out, A&E attendance, child entering care."
    )
    unit_cost = StringField(
        "Cost of one unit (£)",
        description="Fiscal cost to the public purse; do not add economic and social costs to it.",
        render_kw={"inputmode": "decimal"},
    )
    price_year = StringField("Price year", description="e.g. 2022/23.")
    cost_source = StringField("Source of the unit cost", description="Who published it.")
    cost_source_url = URLField("Web address of the source")
    cost_published = StringField("When the source was published")
    unit_cost_low = StringField(
        "Lowest plausible cost of one unit (£, optional)",
        description="With the highest, the range the Monte Carlo draws from; blank: plus or "
        "minus 20% of the cost.",
        render_kw={"inputmode": "decimal"},
    )
    unit_cost_high = StringField(
        "Highest plausible cost of one unit (£, optional)", render_kw={"inputmode": "decimal"}
    )
    description = TextAreaField("Description")

    def to_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "unit": self.unit.data,
            "unit_cost": money_text(self.unit_cost.data),
            "unit_cost_low": money_text(self.unit_cost_low.data),
            "unit_cost_high": money_text(self.unit_cost_high.data),
            "price_year": self.price_year.data or "",
            "cost_source": self.cost_source.data or "",
            "cost_source_url": self.cost_source_url.data or "",
            "cost_published": self.cost_published.data or "",
            "description": self.description.data or "",
        }


class InterventionForm(VersionedForm):
    name = StringField("Name")
    category = ChoiceField(
        "Category",
        default="other",
        choices=options([(category.value, category.label) for category in InterventionCategory]),
    )
    target_group = StringField(
        "Target group",
        description="Who it serves; places record their eligible population under the same words.",
    )
    description = TextAreaField("Description")
    unit_cost = StringField("Cost per participant (£)", render_kw={"inputmode": "decimal"})
    price_year = StringField(
        "Price year of its costs",
        description="The financial year whose prices its costs are in, e.g. 2022/23; the plan "
        "uplifts them to cash for each year with the price index.",
    )
    fixed_cost = StringField(
        "Set-up cost each time it runs in a place and year (£, optional)",
        render_kw={"inputmode": "decimal"},
    )
    min_cohort = StringField(
        "Fewest participants for a viable run", render_kw={"inputmode": "numeric"}
    )
    cohort_size = StringField(
        "Participants in one cohort or caseload (optional)",
        description="For a programme run in groups or by workers with a caseload, e.g. 10 parents "
        "in a parenting group or 25 families for a family nurse. A plan of whole people and "
        "programmes buys whole cohorts. Blank or 0: places are bought person by person.",
        render_kw={"inputmode": "numeric"},
    )
    cohort_cost = StringField(
        "Cost of one whole cohort (£, optional)",
        description="What a provider charges for a whole group or caseload. Blank: the cohort "
        "size times the cost per participant.",
        render_kw={"inputmode": "decimal"},
    )
    minimum_contract = StringField(
        "Smallest contract a provider will take in a place and year (£, optional)",
        description="A plan of whole people and programmes spends at least this much wherever "
        "it buys this intervention, or nothing there. Blank or 0: no minimum.",
        render_kw={"inputmode": "decimal"},
    )
    capacity = StringField(
        "Participants a provider can take per place per year",
        description="0 means no limit other than the eligible population.",
        render_kw={"inputmode": "numeric"},
    )
    duration_weeks = StringField(
        "Length of the programme, in weeks", render_kw={"inputmode": "numeric"}
    )
    volunteer_hours = StringField(
        "Volunteer hours each participant needs",
        description="Drawn from the place's shared volunteers; 0 if it needs none.",
        render_kw={"inputmode": "decimal"},
    )
    evidence_rating = ChoiceField(
        "Evidence rating",
        description="Early Intervention Foundation Guidebook: 4 strongest, NL2 not yet level 2, "
        "NE not effective (never funded).",
        choices=options([(rating, rating) for rating in EVIDENCE_RATINGS]),
    )
    cost_rating = ChoiceField(
        "Cost rating",
        description="1 (low cost) to 5 (high cost), as published with the evidence rating.",
        choices=options([("", "Not rated")] + [(str(n), str(n)) for n in range(1, 6)]),
    )
    rating_source = StringField("Source of the rating", description="e.g. EIF Guidebook.")
    rating_date = StringField("When the rating was published", description="e.g. February 2018.")
    rating_url = URLField("Web address of the rating")
    illustrative = BooleanField("Costs and effect sizes are illustrative, not published figures")
    take_up_low_percent = StringField(
        "Lowest take-up (%, optional)",
        description="Share of commissioned places likely to be taken up and completed, at worst. "
        "Blank: every place is taken, as the plan assumes.",
        render_kw={"inputmode": "decimal"},
    )
    take_up_high_percent = StringField(
        "Highest take-up (%, optional)", render_kw={"inputmode": "decimal"}
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "category": self.category.data,
            "target_group": self.target_group.data,
            "description": self.description.data or "",
            "unit_cost": money_text(self.unit_cost.data),
            "price_year": str(self.price_year.data or "").strip() or None,
            "fixed_cost": money_text(self.fixed_cost.data),
            "min_cohort": number_text(self.min_cohort.data) or "0",
            "cohort_size": number_text(self.cohort_size.data) or "0",
            "cohort_cost": money_text(self.cohort_cost.data),
            "minimum_contract": money_text(self.minimum_contract.data) or "0",
            "capacity": number_text(self.capacity.data) or "0",
            "duration_weeks": number_text(self.duration_weeks.data),
            "volunteer_hours": number_text(self.volunteer_hours.data) or "0",
            "evidence_rating": self.evidence_rating.data,
            "cost_rating": self.cost_rating.data or None,
            "rating_source": self.rating_source.data or "",
            "rating_date": self.rating_date.data or "",
            "rating_url": self.rating_url.data or "",
            "illustrative": bool(self.illustrative.data),
            "take_up_low_percent": number_text(self.take_up_low_percent.data),
            "take_up_high_percent": number_text(self.take_up_high_percent.data),
        }


class EffectForm(VersionedForm):
    demand_type_id = ChoiceField("Demand type it reduces")
    reduction_per_participant = StringField(
        "Units avoided per participant, in each year it lasts",
        description="e.g. 0.1 means one unit avoided for every ten participants, each year.",
        render_kw={"inputmode": "decimal"},
    )
    years_after = StringField(
        "Years after taking part when the effect arrives",
        description="Whole numbers, e.g. 1, 2, 3 or 1-3 (1 = the year after taking part).",
    )
    standard_error = StringField(
        "Standard error of the effect (optional)",
        description="In the same units, as the evaluation reports it. Give this or a range; "
        "with neither, a default by evidence rating: 20% of the effect for a 4, 30% for a 3, "
        "50% for a 2, 75% for NL2.",
        render_kw={"inputmode": "decimal"},
    )
    effect_low = StringField(
        "Lowest plausible effect (optional)",
        description="Units avoided per participant at the low end of the evidence.",
        render_kw={"inputmode": "decimal"},
    )
    effect_high = StringField(
        "Highest plausible effect (optional)", render_kw={"inputmode": "decimal"}
    )
    spread_source = StringField(
        "Where the standard error or range comes from",
        description="e.g. YEF Toolkit: moderate impact band, 10% to 30% less violence.",
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "demand_type_id": self.demand_type_id.data,
            "reduction_per_participant": number_text(self.reduction_per_participant.data),
            "years_after": self.years_after.data or "",
            "standard_error": number_text(self.standard_error.data),
            "effect_low": number_text(self.effect_low.data),
            "effect_high": number_text(self.effect_high.data),
            "spread_source": self.spread_source.data or "",
        }


class PlaceForm(VersionedForm):
    name = StringField("Name", description="A ward, neighbourhood or locality.")
    district = StringField(
        "District", description="e.g. Kirklees. Budget lines may be limited to districts."
    )
    need_index = StringField(
        "Need index",
        description="Relative need from risk indicators; 1 is average, 1.5 is half as much again.",
        render_kw={"inputmode": "decimal"},
    )
    description = TextAreaField("Description")
    illustrative = BooleanField(
        "Eligible populations, need and capacity are illustrative, not local data"
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "district": self.district.data,
            "need_index": number_text(self.need_index.data),
            "description": self.description.data or "",
            "illustrative": bool(self.illustrative.data),
        }


class PopulationForm(VersionedForm):
    target_group = StringField(
        "Target group", description="Use the same words as the interventions' target groups."
    )
    population = StringField(
        "Eligible people",
        description="People in the group who could take part.",
        render_kw={"inputmode": "numeric"},
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "target_group": self.target_group.data,
            "population": number_text(self.population.data),
        }


class CapacityForm(VersionedForm):
    intervention_id = ChoiceField("Intervention")
    capacity = StringField(
        "Participants per year in this place",
        description="Replaces the intervention's default capacity here.",
        render_kw={"inputmode": "numeric"},
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "intervention_id": self.intervention_id.data,
            "capacity": number_text(self.capacity.data),
        }


class ConfirmForm(FlaskForm):
    """A button that needs only the CSRF token (deleting, deactivating)."""


def is_checkboxes(field: Field) -> bool:
    return isinstance(field, SelectMultipleField)
