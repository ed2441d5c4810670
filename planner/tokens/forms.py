"""The form for creating an API token."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class NewTokenForm(FlaskForm):
    name = StringField(
        "What is this token for?",
        validators=[DataRequired("Say what the token is for"), Length(max=80)],
        description='For example "Finance system nightly export". Only you see it.',
    )
