"""Consultation feedback: what those receiving and those delivering an intervention in a place
said about it, recorded by the place's lead (or a commissioner or admin). A place lead records
and sees feedback only for the places they lead, on the pages and through the API alike."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from models import Intervention, Place
from models.consultation import RATING_WORDS, Consultation, ConsultationCreate, Respondents
from models.fields import utc_now
from models.vocabulary import financial_year_label
from planner.audit.service import Actor, record_change, snapshot
from planner.delivery.service import PlaceScope, check_scope
from planner.inputs.validation import (
    InputError,
    InputNotFound,
    fetch,
    financial_year,
    reference,
    saving,
    validated,
)

FIELDS = (
    "place_id",
    "intervention_id",
    "year",
    "respondents",
    "people_consulted",
    "consulted_on",
    "rating",
    "what_works",
    "what_to_change",
)


@dataclass(frozen=True)
class FeedbackSummary:
    """What one group said about one intervention in one place, over every consultation."""

    intervention_id: int
    intervention: str
    respondents: Respondents
    consultations: int
    people: int
    rating: float  # weighted by the people consulted each time
    latest: Consultation

    @property
    def rating_words(self) -> str:
        return RATING_WORDS[round(self.rating)]


def record_feedback(
    session: Session, fields: Mapping[str, Any], *, actor: Actor, scope: PlaceScope = None
) -> Consultation:
    """Record one consultation's feedback; checks everything before changing anything."""
    given = {key: fields.get(key) for key in FIELDS if key in fields}
    if given.get("year") not in (None, ""):
        given["year"] = financial_year(given["year"], "year")
    for text in ("what_works", "what_to_change"):
        if given.get(text) is None:
            given.pop(text, None)
    _check_choices(given)
    place = reference(session, Place, given.get("place_id"), "place_id", "place")
    check_scope(place.id, scope)  # type: ignore[arg-type]
    intervention = reference(
        session, Intervention, given.get("intervention_id"), "intervention_id", "intervention"
    )
    details = validated(ConsultationCreate, given)
    feedback = Consultation(**details.model_dump())
    feedback.recorded_at = utc_now()
    feedback.recorded_by_name = actor.name or ""
    with saving(session):
        session.add(feedback)
        session.flush()
        record_change(
            session, actor, "create", "consultation", feedback.id, None,
            {"place": place.name, "intervention": intervention.name, **(snapshot(feedback) or {})},
            f"Recorded feedback from {details.people_consulted} "
            f"{'people' if details.people_consulted != 1 else 'person'} "
            f"{details.respondents.value} {intervention.name} in {place.name}, "
            f"{financial_year_label(details.year)}: {RATING_WORDS[details.rating].lower()}",
        )  # fmt: skip
    return feedback


def _check_choices(given: dict[str, Any]) -> None:
    """The choices and the date, in words (the schema's own words are for developers)."""
    errors = {}
    if given.get("respondents") in (None, ""):
        errors["respondents"] = "Choose who gave the feedback"
    if str(given.get("rating") or "") not in {str(number) for number in RATING_WORDS}:
        errors["rating"] = "Choose how well it is working for them, from 1 to 5"
    when = given.get("consulted_on")
    if isinstance(when, str):
        try:
            given["consulted_on"] = date.fromisoformat(when.strip())
        except ValueError:
            errors["consulted_on"] = (
                f"When they were asked must be a date like 2026-09-14, not '{when.strip()}'"
            )
    elif not isinstance(when, date):
        errors["consulted_on"] = "Enter when they were asked, as a date like 2026-09-14"
    if errors:
        # Report the other fields' problems too, checked with stand-ins for the ones above.
        stand_ins = {"respondents": "receiving", "rating": 1, "consulted_on": date(2026, 4, 1)}
        try:
            validated(ConsultationCreate, {**given, **{k: stand_ins[k] for k in errors}})
        except InputError as others:
            errors = {**others.errors, **errors}
        raise InputError(errors)


def find_feedback(session: Session, feedback_id: int, scope: PlaceScope = None) -> Consultation:
    """A consultation record the user may see; another place's is as good as missing."""
    feedback = fetch(session, Consultation, feedback_id, "consultation")
    if scope is not None and feedback.place_id not in scope:
        raise InputNotFound(f"There is no consultation with id {feedback_id}")
    return feedback


def delete_feedback(
    session: Session, feedback_id: int, *, actor: Actor, scope: PlaceScope = None
) -> None:
    """Delete feedback recorded by mistake; the audit log keeps a copy."""
    feedback = find_feedback(session, feedback_id, scope)
    place = fetch(session, Place, feedback.place_id, "place")
    intervention = fetch(session, Intervention, feedback.intervention_id, "intervention")
    before = {"place": place.name, "intervention": intervention.name, **(snapshot(feedback) or {})}
    with saving(session):
        session.delete(feedback)
        record_change(
            session, actor, "delete", "consultation", feedback_id, before, None,
            f"Deleted feedback on {intervention.name} in {place.name}",
        )  # fmt: skip


def feedback_list(
    session: Session, scope: PlaceScope = None, place_id: int | None = None
) -> list[tuple[Consultation, str, str]]:
    """Consultations, newest first, with their place's and intervention's names."""
    statement = (
        select(Consultation, Place.name, Intervention.name)
        .join(Place, Place.id == Consultation.place_id)  # type: ignore[arg-type]
        .join(Intervention, Intervention.id == Consultation.intervention_id)  # type: ignore[arg-type]
        .order_by(col(Consultation.consulted_on).desc(), col(Consultation.id).desc())
    )
    if scope is not None:
        statement = statement.where(col(Consultation.place_id).in_(list(scope)))
    if place_id is not None:
        statement = statement.where(Consultation.place_id == place_id)
    return [(row, place, intervention) for row, place, intervention in session.exec(statement)]


def place_feedback(session: Session, place_id: int) -> list[FeedbackSummary]:
    """Per intervention and group of respondents in a place: how many were consulted, their
    rating (weighted by people) and the latest comments."""
    groups: dict[tuple[int, Respondents], list[tuple[Consultation, str]]] = {}
    for row, _place, intervention in feedback_list(session, place_id=place_id):
        groups.setdefault((row.intervention_id, row.respondents), []).append((row, intervention))
    summaries = []
    for (intervention_id, respondents), rows in groups.items():
        people = sum(row.people_consulted for row, _name in rows)
        rating = sum(row.rating * row.people_consulted for row, _name in rows) / people
        summaries.append(
            FeedbackSummary(
                intervention_id, rows[0][1], respondents, len(rows), people, rating, rows[0][0]
            )
        )
    order = list(Respondents)
    return sorted(summaries, key=lambda s: (s.intervention, order.index(s.respondents)))


def ratings_by_intervention(session: Session, place_id: int) -> dict[int, str]:
    """A short line per intervention for the delivery table: 'receiving 4.2, delivering 3.0'."""
    lines: dict[int, list[str]] = {}
    for summary in place_feedback(session, place_id):
        lines.setdefault(summary.intervention_id, []).append(
            f"{summary.respondents.value} {summary.rating:.1f} of 5"
        )
    return {key: ", ".join(parts) for key, parts in lines.items()}
