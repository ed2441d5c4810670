"""The import page's two forms: upload a workbook, then confirm (or cancel) its import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SubmitField


class UploadForm(FlaskForm):
    workbook = FileField(
        "Inputs workbook (.xlsx)",
        validators=[FileRequired("Choose an Excel workbook (.xlsx) to upload")],
        description="Start from the template or from an export of the current inputs.",
    )
    submit = SubmitField("Check the workbook")


class ConfirmForm(FlaskForm):
    token = HiddenField()
    delete_missing = BooleanField("Also delete the records the workbook leaves out")
    confirm = SubmitField("Import these changes")
    cancel = SubmitField("Cancel")
