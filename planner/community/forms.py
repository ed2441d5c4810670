"""Forms for the community pages. As on the input pages, figures are typed as text and checked by
the services, so a mistake is reported in the same words as by the import and the API."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, StringField, TextAreaField, URLField

from models.ballot import BallotKind
from models.consultation import RATING_WORDS, Respondents
from models.provider import Sector
from planner.core.conflict import VersionedForm
from planner.inputs.forms import ChoiceField, money_text, number_text, options


class IndicatorForm(FlaskForm):
    name = StringField("Name", description="e.g. Income Deprivation Affecting Children Index.")
    unit = StringField(
        "Unit", description="What one value measures, e.g. 'share of children, 0 to 1'."
    )
    weight = StringField(
        "Weight in the need index",
        description="The partnership's weight; 0 leaves the indicator out of the need index.",
        render_kw={"inputmode": "decimal"},
    )
    source = StringField("Source", description="Who publishes the figures, and the table.")
    source_url = URLField("Source web address (optional)")
    as_at = StringField("Date of the figures", description="e.g. 2019 or 2023/24.")
    illustrative = BooleanField("The values are illustrative, not the published figures")
    description = TextAreaField("Description (optional)")

    def to_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "unit": self.unit.data,
            "weight": number_text(self.weight.data),
            "source": self.source.data,
            "source_url": self.source_url.data or "",
            "as_at": self.as_at.data,
            "illustrative": bool(self.illustrative.data),
            "description": self.description.data or "",
        }


class IndicatorValueForm(FlaskForm):
    place_id = ChoiceField("Place")
    indicator_id = ChoiceField("Risk indicator")
    value = StringField(
        "Value", description="Higher means more need.", render_kw={"inputmode": "decimal"}
    )

    def to_fields(self) -> dict[str, Any]:
        return {"indicator_id": self.indicator_id.data, "value": number_text(self.value.data)}


class IndicatorImportForm(FlaskForm):
    file = FileField(
        "Indicator values (.csv or .xlsx)",
        validators=[FileRequired("Choose a .csv file or an .xlsx workbook to upload")],
        description="First column: the place; then one column per indicator, headed with its name.",
    )


class ConsultationForm(FlaskForm):
    """One consultation's feedback on an intervention in a place (the place is in the address)."""

    intervention_id = ChoiceField("Intervention")
    year = ChoiceField("Financial year")
    respondents = RadioField(
        "Who gave the feedback",
        choices=options((r.value, r.label) for r in Respondents),
        validate_choice=False,
    )
    people_consulted = StringField("How many people were asked", render_kw={"inputmode": "numeric"})
    consulted_on = StringField(
        "When they were asked",
        description="As a date, for example 2026-09-14.",
        render_kw={"type": "date"},
    )
    rating = RadioField(
        "How well is it working for them?",
        choices=options((str(n), f"{n} – {words}") for n, words in RATING_WORDS.items()),
        validate_choice=False,
    )
    what_works = TextAreaField("What works (optional)", description="In their words, briefly.")
    what_to_change = TextAreaField(
        "What they would change (optional)", description="In their words, briefly."
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "intervention_id": self.intervention_id.data,
            "year": self.year.data,
            "respondents": self.respondents.data or None,
            "people_consulted": number_text(self.people_consulted.data),
            "consulted_on": (self.consulted_on.data or "").strip() or None,
            "rating": self.rating.data or None,
            "what_works": self.what_works.data or "",
            "what_to_change": self.what_to_change.data or "",
        }


class VolunteerPoolForm(FlaskForm):
    place_id = ChoiceField("Place")
    year = ChoiceField("Financial year")
    hours = StringField(
        "Volunteer hours available in the year",
        description="All the hours the place's shared volunteers can give to interventions.",
        render_kw={"inputmode": "decimal"},
    )
    hours_per_volunteer = StringField(
        "Hours one volunteer gives in a year", render_kw={"inputmode": "decimal"}
    )
    cost_per_volunteer = StringField(
        "Cost of recruiting, training and supervising one volunteer (£)",
        render_kw={"inputmode": "decimal"},
    )
    illustrative = BooleanField("These figures are illustrative, not local data")
    notes = TextAreaField("Notes (optional)")

    def to_fields(self) -> dict[str, Any]:
        return {
            "place_id": self.place_id.data,
            "year": self.year.data,
            "hours": number_text(self.hours.data),
            "hours_per_volunteer": number_text(self.hours_per_volunteer.data),
            "cost_per_volunteer": money_text(self.cost_per_volunteer.data) or "0",
            "illustrative": bool(self.illustrative.data),
            "notes": self.notes.data or "",
        }


class BallotForm(FlaskForm):
    scenario_id = ChoiceField("Scenario that sets the money aside")
    place_id = ChoiceField("Place")
    title = StringField("Title residents see", description="e.g. 'Bradford Moor decides 2026'.")
    year = ChoiceField("Financial year the chosen projects are funded in")
    amount = StringField(
        "Money set aside for residents (£)",
        description="Taken from the pool that year, in proportion to each partner's budget.",
        render_kw={"inputmode": "decimal"},
    )
    kind = RadioField("Kind of ballot", choices=options((k.value, k.label) for k in BallotKind))
    points = StringField(
        "Points each voter shares out (cumulative ballots)", render_kw={"inputmode": "numeric"}
    )
    opens_at = StringField("Voting opens", render_kw={"type": "datetime-local"})
    closes_at = StringField("Voting closes", render_kw={"type": "datetime-local"})
    introduction = TextAreaField("What residents read first (optional)")

    def to_fields(self) -> dict[str, Any]:
        return {
            "scenario_id": self.scenario_id.data,
            "place_id": self.place_id.data,
            "title": self.title.data,
            "year": self.year.data,
            "amount": money_text(self.amount.data),
            "kind": self.kind.data or None,
            "points": number_text(self.points.data) or "10",
            "opens_at": (self.opens_at.data or "").strip() or None,
            "closes_at": (self.closes_at.data or "").strip() or None,
            "introduction": self.introduction.data or "",
        }


class OptionForm(FlaskForm):
    intervention_id = ChoiceField(
        "Eligible intervention (leave blank for a community proposal)",
    )
    participants = StringField(
        "Participants offered (interventions)", render_kw={"inputmode": "numeric"}
    )
    title = StringField("Title (community proposals; interventions use their name)")
    description = TextAreaField("What it is, in a sentence (optional)")
    cost = StringField(
        "Cost (£, community proposals; an intervention's is its cost per participant times "
        "the participants)",
        render_kw={"inputmode": "decimal"},
    )
    category = StringField("Category (community proposals)", description="e.g. Youth, Sport.")
    people_reached = StringField("People it reaches", render_kw={"inputmode": "numeric"})

    def to_fields(self) -> dict[str, Any]:
        return {
            "intervention_id": self.intervention_id.data or None,
            "participants": number_text(self.participants.data) or "0",
            "title": self.title.data or "",
            "description": self.description.data or "",
            "cost": money_text(self.cost.data),
            "category": self.category.data or "",
            "people_reached": number_text(self.people_reached.data),
        }


class CodesForm(FlaskForm):
    how_many = StringField("How many codes", render_kw={"inputmode": "numeric"})
    voter_group = StringField(
        "Where they are handed out", description="e.g. Youth club, St Mary's school gate."
    )


class ProviderForm(VersionedForm):
    intervention_id = ChoiceField("Intervention")
    name = StringField("Provider", description="The organisation that delivers it.")
    sector = RadioField("Sector", choices=options((s.value, s.label) for s in Sector))
    share_percent = StringField(
        "Its share of the intervention's delivery (%)",
        description="All of an intervention's providers together deliver at most 100%.",
        render_kw={"inputmode": "decimal"},
    )
    illustrative = BooleanField("Illustrative, not the partnership's real provider")

    def to_fields(self) -> dict[str, Any]:
        return {
            "intervention_id": self.intervention_id.data,
            "name": self.name.data,
            "sector": self.sector.data or None,
            "share_percent": number_text((self.share_percent.data or "").replace("%", "")),
            "illustrative": bool(self.illustrative.data),
        }
