"""The spend form: one quarter's actual spend and forecast for one allocation."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class SpendForm(FlaskForm):
    partner_id = SelectField("Partner", validators=[DataRequired("Choose the partner")])
    intervention_id = SelectField(
        "Intervention", validators=[DataRequired("Choose the intervention")]
    )
    place_id = SelectField("Place", validators=[DataRequired("Choose the place")])
    year = SelectField("Financial year", validators=[DataRequired("Choose the financial year")])
    quarter = SelectField(
        "Quarter",
        choices=[
            ("1", "Q1 (April to June)"),
            ("2", "Q2 (July to September)"),
            ("3", "Q3 (October to December)"),
            ("4", "Q4 (January to March)"),
        ],
        validators=[DataRequired("Choose the quarter")],
    )
    actual = StringField(
        "Actual spend (£)",
        validators=[Optional()],
        description="Leave blank for a quarter not yet over.",
    )
    forecast = StringField(
        "Forecast spend (£)",
        validators=[Optional()],
        description="What the quarter is expected to cost.",
    )
    notes = StringField("Notes", validators=[Optional(), Length(max=1000)])


class ReturnUploadForm(FlaskForm):
    workbook = FileField(
        "Quarterly return (.xlsx)",
        validators=[FileRequired("Choose the quarterly return (.xlsx) to upload")],
        description="Start from the return downloaded above: it lists every allocation of the agreed plan.",
    )
    submit = SubmitField("Check the return")


class ReturnConfirmForm(FlaskForm):
    token = HiddenField()
    confirm = SubmitField("Import these figures")
    cancel = SubmitField("Cancel")
