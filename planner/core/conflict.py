"""Two people changed the same record: the second save is refused, and shown both people's
values, rather than silently undoing the first person's change.

Every edit form carries the version of the record it was filled from (a hidden `version` field).
A save from an older version, or one that loses a race with another save (StaleDataError from
the version in the UPDATE's WHERE clause), renders the conflict page: what they saved, what you
entered, who saved theirs and when; nothing is written until the person chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_wtf import FlaskForm
from sqlmodel import Session, col, select
from wtforms import BooleanField, HiddenField, SelectFieldBase

from models import AuditEvent

SKIPPED_FIELDS = ("CSRFTokenField", "HiddenField", "SubmitField")


class VersionedForm(FlaskForm):
    """A form that edits a stored record and carries the version it was filled from."""

    version = HiddenField()


@dataclass(frozen=True)
class ConflictRow:
    label: str
    yours: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.yours != self.theirs


def sent_version(form: FlaskForm) -> int | None:
    field = getattr(form, "version", None)
    text = str(getattr(field, "data", "") or "").strip()
    return int(text) if text.isdigit() else None


def is_stale(form: FlaskForm, record: Any) -> bool:
    """Whether the form was filled from an older version of the record than the one stored.
    (A post without a version, as from a script, is not checked here; the version in the
    UPDATE's WHERE clause still stops a lost race.)"""
    sent = sent_version(form)
    return sent is not None and record is not None and sent != getattr(record, "version", sent)


def shown(field: Any, value: Any) -> str:
    """A field's value as the person sees it in the form: choices by their label."""
    if isinstance(field, BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, SelectFieldBase):
        labels = dict(_choice_pairs(getattr(field, "choices", None) or []))
        values = value if isinstance(value, list | tuple | set) else [value]
        words = [labels.get(str(item), str(item)) for item in values if item not in (None, "")]
        return ", ".join(words)
    if value is None:
        return ""
    return str(value).strip()


def _choice_pairs(choices: Any) -> list[tuple[str, str]]:
    if isinstance(choices, dict):  # grouped choices
        choices = [choice for group in choices.values() for choice in group]
    pairs = []
    for choice in choices:
        if hasattr(choice, "value"):
            pairs.append((str(choice.value), str(choice.label)))
        else:
            pairs.append((str(choice[0]), str(choice[1])))
    return pairs


def conflict_rows(form: FlaskForm, record: Any) -> list[ConflictRow]:
    """Each field with the value the person entered and the value stored now."""
    stored = type(form)(formdata=None, obj=record)
    rows = []
    for field in form:
        if field.type in SKIPPED_FIELDS:
            continue
        theirs_field = stored[field.name]
        if hasattr(field, "choices"):
            theirs_field.choices = field.choices
        theirs = getattr(record, field.name, theirs_field.data)
        rows.append(
            ConflictRow(
                label=str(field.label.text),
                yours=shown(field, field.data),
                theirs=shown(field, theirs),
            )
        )
    return rows


def last_change(session: Session, record: Any) -> AuditEvent | None:
    table = getattr(record, "__tablename__", "")
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == table, AuditEvent.entity_id == str(record.id))
        .order_by(col(AuditEvent.id).desc())
    ).first()


def value_rows(
    yours: dict[str, str], theirs: dict[str, str], labels: dict[str, str]
) -> list[ConflictRow]:
    """Rows for a form that is not a WTForm (the scenario form): its inputs by name."""
    return [
        ConflictRow(
            label=labels.get(name, name.replace("_", " ").replace("-", " ").capitalize()),
            yours=str(yours.get(name, "")).strip(),
            theirs=str(theirs.get(name, "")).strip(),
        )
        for name in theirs
    ]


def conflict_page(
    session: Session,
    form: FlaskForm | None,
    record: Any,
    *,
    what: str,
    back_url: str,
    rows: list[ConflictRow] | None = None,
) -> tuple[str, int]:
    """The page a stale save gets (409): both people's values, and the two ways on."""
    session.refresh(record)
    if rows is None and form is not None:
        rows = conflict_rows(form, record)
    resend = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "version")
    ]
    return render_template(
        "core/conflict.html",
        what=what,
        rows=rows or [],
        change=last_change(session, record),
        version=record.version,
        resend=resend,
        back_url=back_url,
    ), 409
