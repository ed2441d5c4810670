"""The risk-share arithmetic of a pooled-fund agreement: who bears how much of an overspend or
an underspend, in whole pence that add up to the amount.

One function, `share_variance`, is used for every such split: the contingency reserve on the
plan page, the API and the workbook, and a forecast over- or underspend in the year after
agreement. It knows nothing of the database: `RiskShareTerms` is the agreement in plain values,
keyed by partner name as plans are (`terms_of` makes one from a stored agreement).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from types import MappingProxyType

from models.pooled_fund import PooledFundAgreement, RiskShareBasis

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)


class RiskShareError(ValueError):
    """An amount that the agreement gives no way to share; the message says why, in words."""


@dataclass(frozen=True)
class RiskShareTerms:
    """How an agreement shares an overspend and an underspend.

    ``overspend_percent`` and ``underspend_percent`` map partner name to its stated share in
    percent; they are read only where the matching basis is ``PERCENTAGES``.
    """

    overspend_basis: RiskShareBasis = RiskShareBasis.CONTRIBUTIONS
    underspend_basis: RiskShareBasis = RiskShareBasis.CONTRIBUTIONS
    overspend_percent: Mapping[str, Decimal] = field(default_factory=dict)
    underspend_percent: Mapping[str, Decimal] = field(default_factory=dict)
    contingency_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("overspend_percent", "underspend_percent"):
            frozen = {key: Decimal(value) for key, value in getattr(self, name).items()}
            object.__setattr__(self, name, MappingProxyType(frozen))

    def basis_for(self, amount: Decimal) -> RiskShareBasis:
        return self.overspend_basis if amount > 0 else self.underspend_basis

    def stated_percent(self, amount: Decimal) -> Mapping[str, Decimal]:
        return self.overspend_percent if amount > 0 else self.underspend_percent


def terms_of(agreement: PooledFundAgreement) -> RiskShareTerms:
    """The agreement's terms keyed by partner name (its shares' partners must be loadable, i.e.
    the agreement still attached to a session)."""
    from sqlmodel import Session

    from models import Partner

    session = Session.object_session(agreement)
    names: dict[int, str] = {}
    for share in agreement.shares:
        partner = session.get(Partner, share.partner_id) if session is not None else None
        names[share.partner_id] = partner.name if partner else f"partner {share.partner_id}"
    return RiskShareTerms(
        overspend_basis=agreement.overspend_basis,
        underspend_basis=agreement.underspend_basis,
        overspend_percent={names[s.partner_id]: s.overspend_percent for s in agreement.shares},
        underspend_percent={names[s.partner_id]: s.underspend_percent for s in agreement.shares},
        contingency_percent=Decimal(agreement.contingency_percent),
    )


def share_variance(
    agreement: RiskShareTerms | PooledFundAgreement,
    contributions: Mapping[str, Decimal],
    amount: Decimal,
) -> dict[str, Decimal]:
    """Each partner's part of an overspend (``amount`` > 0) or underspend (``amount`` < 0).

    ``contributions`` maps partner name to what it put into the pool for the period the amount
    belongs to (one financial year). The agreement's basis for overspends or underspends decides
    the weights: the contributions themselves, or the stated percentages. Each part carries the
    amount's sign (an underspend returns money: negative parts) and is whole pence; the parts add
    up to the amount exactly: each part is rounded towards zero, then the pennies left over go one
    at a time to the partners that lost most in rounding (ties to the partner named first), the
    largest-remainder method. Every partner named in the contributions or the percentages gets a
    part, zero where its weight is zero.

    Raises RiskShareError where the amount cannot be shared: in proportion to contributions when
    no partner contributed, or by stated percentages that do not add up to 100.
    """
    terms = agreement if isinstance(agreement, RiskShareTerms) else terms_of(agreement)
    amount = Decimal(amount).quantize(PENNY)
    partners = sorted({*contributions, *terms.overspend_percent, *terms.underspend_percent})
    if amount == 0:
        return dict.fromkeys(partners, Decimal("0.00"))
    weights = _weights(terms, contributions, amount)
    total_weight = sum(weights.values(), Decimal(0))
    size = abs(amount)
    exact = {
        partner: size * weights.get(partner, Decimal(0)) / total_weight for partner in partners
    }
    parts = {
        partner: (value / PENNY).to_integral_value(ROUND_FLOOR) * PENNY
        for partner, value in exact.items()
    }
    left_over = int((size - sum(parts.values(), Decimal(0))) / PENNY)
    by_remainder = sorted(partners, key=lambda partner: (parts[partner] - exact[partner], partner))
    for partner in by_remainder[:left_over]:
        parts[partner] += PENNY
    sign = 1 if amount > 0 else -1
    return {partner: sign * parts[partner] for partner in partners}


def _weights(
    terms: RiskShareTerms, contributions: Mapping[str, Decimal], amount: Decimal
) -> dict[str, Decimal]:
    what = "overspend" if amount > 0 else "underspend"
    if terms.basis_for(amount) == RiskShareBasis.CONTRIBUTIONS:
        weights = {partner: Decimal(value) for partner, value in contributions.items()}
        if any(value < 0 for value in weights.values()):
            raise RiskShareError(f"A contribution is negative, so the {what} cannot be shared")
        if sum(weights.values(), Decimal(0)) <= 0:
            raise RiskShareError(
                f"No partner contributed to the pool that year, so an {what} of £{abs(amount):,.2f} "
                "cannot be shared in proportion to contributions"
            )
        return weights
    stated = dict(terms.stated_percent(amount))
    total = sum(stated.values(), Decimal(0))
    if total != HUNDRED:
        raise RiskShareError(
            f"The stated shares of an {what} add up to {total.normalize():f}%, not 100%, so the {what} "
            "cannot be shared"
        )
    return stated


def contingency_reserve(terms: RiskShareTerms, pooled_spend: Decimal) -> Decimal:
    """The reserve held against an overspend in a year: the agreement's percentage of that
    year's pooled spend, rounded down to the penny."""
    reserve = Decimal(pooled_spend) * terms.contingency_percent / HUNDRED
    return (reserve / PENNY).to_integral_value(ROUND_FLOOR) * PENNY
