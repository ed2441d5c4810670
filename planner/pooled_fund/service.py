"""Pooled-fund agreements: read and save a scenario's agreement (validated, audited, one
transaction), the same for the form and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from models import Partner, Plan, Scenario
from models.fields import utc_now
from models.pooled_fund import (
    MOST_CONTINGENCY_PERCENT,
    PooledFundAgreement,
    PooledFundAgreementPublic,
    PooledFundShare,
    PooledFundSharePublic,
    RiskShareBasis,
)
from planner.audit.service import Actor, record_change
from planner.pooled_fund.position import PooledFundPosition, pooled_fund_position
from planner.pooled_fund.risk_share import terms_of

HUNDRED = Decimal(100)


class AgreementError(ValueError):
    """An agreement that cannot be saved, with a plain reason per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class AgreementSubmission:
    """What a form or an API call asks to save, as given (checked by `save_agreement`).

    ``shares`` maps partner id to its stated (overspend, underspend) percentages, as text or
    numbers; a partner not named has 0 and 0.
    """

    host_partner_id: object = None
    overspend_basis: object = RiskShareBasis.CONTRIBUTIONS.value
    underspend_basis: object = RiskShareBasis.CONTRIBUTIONS.value
    contingency_percent: object = "0"
    reference: object = ""
    shares: dict[object, tuple[object, object]] = field(default_factory=dict)


def find_agreement(session: Session, scenario_id: int) -> PooledFundAgreement | None:
    return session.exec(
        select(PooledFundAgreement).where(PooledFundAgreement.scenario_id == scenario_id)
    ).first()


def agreement_public(session: Session, agreement: PooledFundAgreement) -> PooledFundAgreementPublic:
    host = session.get(Partner, agreement.host_partner_id) if agreement.host_partner_id else None
    return PooledFundAgreementPublic(
        **agreement.model_dump(
            include={
                "host_partner_id",
                "overspend_basis",
                "underspend_basis",
                "contingency_percent",
                "reference",
                "scenario_id",
                "updated_at",
                "updated_by_name",
            }
        ),
        host_partner_name=host.name if host else None,
        shares=[
            PooledFundSharePublic.model_validate(share, from_attributes=True)
            for share in agreement.shares
        ],
    )


def _percent(text: object, label: str, errors: dict[str, str], key: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().rstrip("%") or "0")
    except InvalidOperation:
        errors[key] = f"{label} must be a percentage, like 40 or 12.5"
        return Decimal(0)
    if not value.is_finite() or not 0 <= value <= 100:
        errors[key] = f"{label} must be between 0 and 100"
        return Decimal(0)
    if value != value.quantize(Decimal("0.01")):
        errors[key] = f"{label} may have at most 2 decimal places"
        return Decimal(0)
    return value


def _basis(text: object, what: str, errors: dict[str, str], key: str) -> RiskShareBasis:
    try:
        return RiskShareBasis(str(text))
    except ValueError:
        errors[key] = (
            f"Choose how an {what} is shared: 'contributions' (in proportion to contributions) "
            "or 'percentages' (stated percentages)"
        )
        return RiskShareBasis.CONTRIBUTIONS


def _checked(
    session: Session, submission: AgreementSubmission
) -> tuple[dict[str, object], dict[int, tuple[Decimal, Decimal]], dict[str, str]]:
    """The agreement's fields and shares, and every problem with them in words."""
    errors: dict[str, str] = {}
    partners = {partner.id: partner for partner in session.exec(select(Partner))}
    host: int | None = None
    try:
        host = int(str(submission.host_partner_id))
    except ValueError:
        errors["host_partner_id"] = "Choose the partner that hosts the pooled fund"
    if host is not None and host not in partners:
        errors["host_partner_id"] = f"There is no partner with id {host} to host the fund"
    overspend = _basis(submission.overspend_basis, "overspend", errors, "overspend_basis")
    underspend = _basis(submission.underspend_basis, "underspend", errors, "underspend_basis")
    reserve = _percent(
        submission.contingency_percent, "The contingency reserve", errors, "contingency_percent"
    )
    if reserve > MOST_CONTINGENCY_PERCENT:
        errors["contingency_percent"] = (
            f"The contingency reserve must be at most {MOST_CONTINGENCY_PERCENT}% of the pool"
        )
    reference = str(submission.reference or "").strip()
    if len(reference) > 500:
        errors["reference"] = "The reference must be at most 500 characters"
    shares: dict[int, tuple[Decimal, Decimal]] = {}
    for given_id, (over, under) in submission.shares.items():
        try:
            partner_id = int(str(given_id))
        except ValueError:
            partner_id = -1
        if partner_id not in partners:
            errors["shares"] = f"There is no partner with id {given_id} to share the risk"
            continue
        name = partners[partner_id].name
        shares[partner_id] = (
            _percent(over, f"{name}'s share of an overspend", errors, f"overspend-{partner_id}"),
            _percent(under, f"{name}'s share of an underspend", errors, f"underspend-{partner_id}"),
        )
    for basis, index, what in ((overspend, 0, "overspend"), (underspend, 1, "underspend")):
        total = sum((pair[index] for pair in shares.values()), Decimal(0))
        if basis == RiskShareBasis.PERCENTAGES and total != HUNDRED:
            errors[f"{what}_basis"] = (
                f"The partners' stated shares of an {what} add up to {total.normalize():f}%; they must add "
                "up to 100%"
            )
    fields: dict[str, object] = {
        "host_partner_id": host,
        "overspend_basis": overspend,
        "underspend_basis": underspend,
        "contingency_percent": reserve,
        "reference": reference,
    }
    return fields, shares, errors


def copy_agreement(session: Session, original: Scenario, copy: Scenario) -> None:
    """Give a copied scenario the original's pooled-fund agreement (the caller commits)."""
    agreement = find_agreement(session, original.id)  # type: ignore[arg-type]
    if agreement is None:
        return
    copied = PooledFundAgreement(
        scenario_id=copy.id,  # type: ignore[arg-type]
        **agreement.model_dump(
            include={
                "host_partner_id",
                "overspend_basis",
                "underspend_basis",
                "contingency_percent",
                "reference",
                "updated_by_name",
            }
        ),
    )
    session.add(copied)
    session.flush()
    for share in agreement.shares:
        copied.shares.append(
            PooledFundShare(
                agreement_id=copied.id,  # type: ignore[arg-type]
                partner_id=share.partner_id,
                overspend_percent=share.overspend_percent,
                underspend_percent=share.underspend_percent,
            )
        )
    session.flush()


def save_agreement(
    session: Session, scenario: Scenario, submission: AgreementSubmission, actor: Actor
) -> PooledFundAgreement:
    """Create or replace the scenario's pooled-fund agreement, audited, in one transaction.
    Raises AgreementError (nothing saved) when any field is wrong."""
    fields, shares, errors = _checked(session, submission)
    if errors:
        raise AgreementError(errors)
    agreement = find_agreement(session, scenario.id)  # type: ignore[arg-type]
    before = agreement_public(session, agreement).model_dump(mode="json") if agreement else None
    if agreement is None:
        agreement = PooledFundAgreement(scenario_id=scenario.id)  # type: ignore[arg-type]
        session.add(agreement)
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.updated_at = utc_now()
    agreement.updated_by_name = getattr(actor, "name", "") or ""
    agreement.shares.clear()
    session.flush()
    for partner_id, (over, under) in sorted(shares.items()):
        if over or under:
            agreement.shares.append(
                PooledFundShare(
                    agreement_id=agreement.id,  # type: ignore[arg-type]
                    partner_id=partner_id,
                    overspend_percent=over,
                    underspend_percent=under,
                )
            )
    session.flush()
    after = agreement_public(session, agreement).model_dump(mode="json")
    record_change(
        session,
        actor,
        "update" if before else "create",
        "pooled_fund_agreement",
        agreement.id,
        before,
        after,
        summary=f"Pooled-fund agreement of scenario '{scenario.name}'",
    )
    session.commit()
    return agreement


def plan_pooled_fund(session: Session, plan: Plan) -> PooledFundPosition | None:
    """The plan's figures under its scenario's pooled-fund agreement (None when the plan has no
    allocation or its scenario no agreement)."""
    if plan.scenario_id is None or not plan.status.has_allocation or not plan.result:
        return None
    agreement = find_agreement(session, plan.scenario_id)
    if agreement is None:
        return None
    host = session.get(Partner, agreement.host_partner_id) if agreement.host_partner_id else None
    return pooled_fund_position(
        plan.result,
        terms_of(agreement),
        host=host.name if host else None,
        reference=agreement.reference,
        partners=[row["partner"] for row in plan.result.get("partners") or []],
    )
