"""The form for recording an evidence change."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from models.vocabulary import EVIDENCE_RATINGS


class EvidenceChangeForm(FlaskForm):
    intervention_id = SelectField(
        "Intervention", validators=[DataRequired("Choose the intervention")]
    )
    evidence_rating = SelectField(
        "New evidence rating",
        choices=[("", "No change")] + [(rating, rating) for rating in EVIDENCE_RATINGS],
        validators=[Optional()],
        description="EIF Guidebook scale; NE means found not effective or harmful.",
    )
    unit_cost = StringField(
        "New cost per participant (£)",
        validators=[Optional()],
        description="Leave blank for no change.",
    )
    effect_scale = StringField(
        "Effect on demand, multiplied by",
        validators=[Optional()],
        description="For example 0.5 if a new evaluation found half the effect; blank for no change.",
    )
    source = StringField(
        "Source",
        validators=[DataRequired("Enter the evaluation or review it comes from"), Length(max=300)],
    )
    source_date = DateField(
        "Date of the source", validators=[DataRequired("Enter the date of the source")]
    )
    note = StringField("Note", validators=[Optional(), Length(max=1000)])
