"""Forms for agreeing a plan and recording delivery."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class AgreePlanForm(FlaskForm):
    plan_id = HiddenField(validators=[DataRequired("Choose the plan to agree")])
    note = TextAreaField(
        "Where or why was it agreed? (optional)",
        validators=[Optional(), Length(max=1000)],
        description="For example: Partnership board, 12 March 2026, minute 7.",
    )


class DeliveryForm(FlaskForm):
    """People started and completed on one intervention in one year (the place is in the URL)."""

    intervention_id = HiddenField(validators=[DataRequired("Choose the intervention")])
    year = HiddenField(validators=[DataRequired("Choose the financial year")])
    started = IntegerField(
        "People started",
        validators=[
            InputRequired("Enter how many people started, as a whole number"),
            NumberRange(min=0, message="must be 0 or more"),
        ],
    )
    completed = IntegerField(
        "People completed",
        default=0,
        validators=[Optional(), NumberRange(min=0, message="must be 0 or more")],
    )
    notes = StringField("Notes", validators=[Optional(), Length(max=1000)])
