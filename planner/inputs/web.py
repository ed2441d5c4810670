"""What the input pages share: the form page that saves a posted form through a service,
showing its errors in words next to each field and in a summary, and the confirm-then-delete
page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from planner.core.conflict import conflict_page, is_stale
from planner.db import get_session
from planner.inputs.forms import ConfirmForm
from planner.inputs.validation import InputError

T = TypeVar("T")
SUMMARY_TOP = "main"


def actor() -> Any:
    """The signed-in user, recorded in the audit log."""
    return current_user._get_current_object()


class EditConflict(Exception):
    """The form was filled from an older version of the record than the one stored now."""


def attempt(form: FlaskForm, save: Callable[[], T], editing: Any = None) -> T | None:
    """When the form is posted, save it through a service; on an InputError put each reason
    next to its field and into the form's error summary, and return None. Raises EditConflict
    when `editing` changed since the form was filled (checked before saving, and again by the
    database as it saves)."""
    form.problems = {}
    if not form.is_submitted():
        return None
    if not form.validate():
        form.problems = {
            name: f"{short_label(form[name])} {' '.join(errors)}"
            for name, errors in form.errors.items()
        }
        return None
    if is_stale(form, editing):
        raise EditConflict
    try:
        return save()
    except InputError as error:
        show_errors(form, error.errors)
        return None
    except StaleDataError:
        raise EditConflict from None


def show_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Attach service errors to the form: by field where the form has that field, otherwise in
    the summary only (linking to an element with that id, or to the top of the page)."""
    problems: dict[str, str] = {}
    for key, message in errors.items():
        if key in form._fields:
            sentence = sentence_for(form[key], message)
            form[key].errors = [sentence]
            problems[key] = sentence
        else:
            problems[SUMMARY_TOP if key == "__all__" else key] = message[:1].upper() + message[1:]
    form.problems = problems


def sentence_for(field: Any, message: str) -> str:
    """'must be 0 or more' on the maximum -> 'Most it can contribute must be 0 or more'."""
    if message[:1].islower():
        return f"{short_label(field)} {message}"
    return message


def short_label(field: Any) -> str:
    """A field's label without its bracketed hint: 'Committed minimum (£, optional)' ->
    'Committed minimum'."""
    return re.sub(r"\s*\([^)]*\)", "", str(field.label.text)).strip()


def confirm_delete(
    *,
    what: str,
    kind: str,
    uses: list[str],
    delete: Callable[[], None],
    back_url: str,
    done_url: str,
    refusal: str | None = None,
    consequence: str | None = None,
) -> Any:
    """Ask before deleting (saying what follows from it, when something does); refuse in words
    while something still uses the record."""
    form = ConfirmForm()
    blocked = refusal or (f"{what} cannot be deleted: {'; '.join(uses)}" if uses else None)
    if form.validate_on_submit() and not blocked:
        try:
            delete()
        except InputError as error:
            blocked = next(iter(error.errors.values()))
        else:
            flash(f"Deleted {what}.", "success")
            return redirect(done_url)
    return render_template(
        "inputs/delete.html",
        form=form,
        what=what,
        kind=kind,
        blocked=blocked,
        back_url=back_url,
        consequence=consequence,
    ), (409 if blocked and form.is_submitted() else 200)


def form_page(
    form: FlaskForm,
    save: Callable[[], T | None],
    done: Callable[[T], tuple[str, str]],
    *,
    editing: Any = None,
    **page: Any,
) -> Any:
    """One input's form page. When posted, save it through a service and move on, saying what
    was saved (`done` gives the message and the address for what `save` returned); otherwise,
    or when the service refuses it, show the form with `page`'s title, caption, intro, submit
    label and back link (again with the reasons, next to each field); `template` may name a
    page that extends inputs/form.html.

    `editing` is the stored record the form changes: a save made from an older version of it
    gets the conflict page instead, and changes nothing."""
    try:
        record = attempt(form, save, editing)
    except EditConflict:
        session = get_session()
        session.rollback()
        what = str(page.get("caption") or page.get("title") or "This record")
        return conflict_page(session, form, editing, what=what, back_url=page.get("back_url", "/"))
    if record:
        message, url = done(record)
        return saved(message, url)
    template = page.pop("template", "inputs/form.html")
    return render_template(template, form=form, **page), form_status(form)


def form_status(form: FlaskForm) -> int:
    """A form shown again after it was posted has problems to fix: 422, as on every page."""
    return 422 if form.is_submitted() else 200


def saved(message: str, url: str) -> Any:
    flash(message, "success")
    return redirect(url)
