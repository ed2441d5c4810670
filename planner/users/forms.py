"""Forms for user administration. The service checks the values and words the problems."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField

from models.vocabulary import Role
from planner.auth.forms import NEW_PASSWORD_HINT
from planner.core.conflict import VersionedForm
from planner.inputs.forms import CheckboxesField, ChoiceField, options

ROLE_CHOICES = options(
    [
        (Role.COMMISSIONER.value, "Commissioner: models and compares scenarios, edits inputs"),
        (Role.FINANCE_LEAD.value, "Finance lead: reads everything, exports plans"),
        (Role.PLACE_LEAD.value, "Place lead: sees what is allocated to their places"),
        (Role.ADMIN.value, "Administrator: everything, plus users and the audit log"),
    ]
)


class AccountForm(VersionedForm):
    name = StringField("Full name")
    role = ChoiceField("Role", choices=ROLE_CHOICES)
    places = CheckboxesField(
        "Places they lead", description="Only for place leads: the places they can see."
    )

    def to_fields(self) -> dict[str, Any]:
        return {"name": self.name.data, "role": self.role.data}


class NewAccountForm(FlaskForm):
    name = StringField("Full name")
    email = EmailField("Email address", description="They sign in with it.")
    role = ChoiceField("Role", choices=ROLE_CHOICES)
    places = CheckboxesField(
        "Places they lead", description="Only for place leads: the places they can see."
    )
    password = PasswordField(
        "First password",
        description=NEW_PASSWORD_HINT
        + " Pass it on securely; they choose their own when they first sign in.",
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "email": self.email.data,
            "role": self.role.data,
            "password": self.password.data or "",
        }


class PasswordForm(FlaskForm):
    password = PasswordField("New password", description=NEW_PASSWORD_HINT)
    confirm = PasswordField("Type the new password again")
    require_change = BooleanField(
        "They must choose their own password when they next sign in",
        default=True,
        description="Setting a new password signs them out everywhere.",
    )
