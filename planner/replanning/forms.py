"""Forms for starting a re-plan and agreeing it as a revision."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ReplanForm(FlaskForm):
    from_year = SelectField(
        "Re-plan from",
        validators=[DataRequired("Choose the year to re-plan from")],
        description="The year under way: its spend so far and closed windows' contracts are held.",
    )


class RevisionForm(FlaskForm):
    note = StringField(
        "Where or why was it agreed? (optional)", validators=[Optional(), Length(max=1000)]
    )
