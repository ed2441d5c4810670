"""Forms for recording an observed outcome and uploading a file of them."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class OutcomeForm(FlaskForm):
    place_id = SelectField("Place", validators=[DataRequired("Choose the place")])
    demand_type_id = SelectField("Demand type", validators=[DataRequired("Choose the demand type")])
    year = StringField(
        "Financial year",
        validators=[DataRequired("Enter the financial year, like 2026/27")],
        description="Like 2026/27.",
    )
    observed = StringField(
        "Observed",
        validators=[DataRequired("Enter the number observed")],
        description="Units counted in the year, e.g. first-time entrants.",
    )
    baseline = StringField(
        "Baseline (optional)",
        validators=[Optional()],
        description="Usually the count in the year before the plan began.",
    )
    source = StringField(
        "Source",
        validators=[Optional(), Length(max=300)],
        description="Where the count comes from.",
    )
    notes = StringField("Notes", validators=[Optional(), Length(max=1000)])


class OutcomeUploadForm(FlaskForm):
    upload = FileField(
        "Outcomes file (.csv or .xlsx)",
        validators=[FileRequired("Choose a CSV or Excel file to upload")],
    )
    submit = SubmitField("Check the file")


class OutcomeConfirmForm(FlaskForm):
    token = HiddenField()
    filename = HiddenField()
    confirm = SubmitField("Import these outcomes")
    cancel = SubmitField("Cancel")
