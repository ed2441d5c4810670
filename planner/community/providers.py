"""Providers of each intervention with their sector: added, changed and deleted with the same
checks and audit trail from the pages and the API. An intervention's providers' shares of its
delivery add up to at most 100%; the voluntary and community sector's part of them is the share
of spend on it that counts towards a scenario's voluntary-sector rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from models import Intervention
from models.provider import Provider, ProviderCreate, Sector
from planner.audit.service import Actor, record_change, snapshot
from planner.inputs.name_index import name_key
from planner.inputs.validation import (
    InputConflict,
    InputError,
    apply,
    editable_fields,
    fetch,
    merged,
    reference,
    saving,
    validated,
)

FIELDS = editable_fields(ProviderCreate)


def create_provider(
    session: Session, fields: Mapping[str, Any], *, actor: Actor | None = None, commit: bool = True
) -> Provider:
    """Add a provider of an intervention (fields: intervention_id, name, sector, share_percent,
    illustrative)."""
    intervention = reference(
        session, Intervention, fields.get("intervention_id"), "intervention_id", "intervention"
    )
    details = validated(ProviderCreate, merged(None, fields, FIELDS))
    _check(session, intervention, details, None)
    provider = Provider(**details.model_dump())
    with saving(session, commit=commit):
        session.add(provider)
        session.flush()
        record_change(
            session, actor, "create", "provider", provider.id, None, provider,
            f"Added {provider.name} ({provider.sector.label}) as a provider of "
            f"{intervention.name}, {provider.share_percent:g}% of delivery",
        )  # fmt: skip
    return provider


def update_provider(
    session: Session,
    provider_id: int,
    fields: Mapping[str, Any],
    *,
    actor: Actor | None = None,
    commit: bool = True,
) -> Provider:
    provider = fetch(session, Provider, provider_id, "provider")
    intervention = fetch(session, Intervention, provider.intervention_id, "intervention")
    given = {k: v for k, v in fields.items() if k != "intervention_id"}
    details = validated(ProviderCreate, merged(provider, given, FIELDS))
    _check(session, intervention, details, provider.id)
    before = snapshot(provider)
    with saving(session, commit=commit):
        apply(provider, details)
        session.add(provider)
        record_change(
            session, actor, "update", "provider", provider.id, before, provider,
            f"Changed {provider.name}, provider of {intervention.name}",
        )  # fmt: skip
    return provider


def delete_provider(
    session: Session, provider_id: int, *, actor: Actor | None = None, commit: bool = True
) -> None:
    provider = fetch(session, Provider, provider_id, "provider")
    intervention = fetch(session, Intervention, provider.intervention_id, "intervention")
    before = snapshot(provider)
    with saving(session, commit=commit):
        session.delete(provider)
        record_change(
            session, actor, "delete", "provider", provider_id, before, None,
            f"Removed {provider.name} as a provider of {intervention.name}",
        )  # fmt: skip


def voluntary_shares(session: Session) -> dict[int, float]:
    """Each intervention's share of delivery by voluntary and community sector providers (0-1)."""
    shares: dict[int, float] = defaultdict(float)
    for provider in session.exec(select(Provider)):
        if provider.sector is Sector.VOLUNTARY_COMMUNITY:
            shares[provider.intervention_id] += provider.share_percent / 100
    return {key: min(share, 1.0) for key, share in shares.items()}


def providers_by_intervention(session: Session) -> list[tuple[Intervention, list[Provider]]]:
    providers = session.exec(select(Provider).order_by(Provider.name)).all()
    return [
        (intervention, [p for p in providers if p.intervention_id == intervention.id])
        for intervention in session.exec(select(Intervention).order_by(Intervention.name))
    ]


def _check(
    session: Session, intervention: Intervention, details: ProviderCreate, current: int | None
) -> None:
    others = [
        p
        for p in session.exec(select(Provider).where(Provider.intervention_id == intervention.id))
        if p.id != current
    ]
    # Compared as every name is (capitals, spacing, look-alike letters), so a provider cannot
    # appear twice under names that only look the same.
    if any(name_key(p.name) == name_key(details.name) for p in others):
        raise InputConflict({"name": f"{details.name} already provides {intervention.name}"})
    total = sum(p.share_percent for p in others) + details.share_percent
    if total > 100 + 1e-9:
        raise InputError(
            {"share_percent": f"would bring {intervention.name}'s providers to {total:g}% of its "
             "delivery; together they can deliver at most 100%"}
        )  # fmt: skip
