"""The pooled-fund agreement's risk share applied to a year's forecast over- or underspend.

For the agreed plan's year, each partner's forecast outturn less its planned contribution adds
up to the partnership's forecast over- or underspend. An overspend is met first from the
contingency reserve, where the agreement holds one (its percentage of the year's pooled spend,
which the partners fund as they share an overspend); what the reserve cannot meet is shared
between the partners by the agreement's overspend basis. An underspend is returned by the
underspend basis; the reserve is not drawn. The splitting is `share_variance`, the same
arithmetic as the plan's pooled-fund exposure, so the two pages can never disagree.

The spend page, the spend API and the quarterly return's Risk share sheet all read
`ForecastRiskShare`; when the agreed plan's scenario has no agreement it says so in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from models import Partner, Scenario
from models.pooled_fund import RiskShareBasis
from models.vocabulary import financial_year_label
from planner.pooled_fund.risk_share import (
    HUNDRED,
    RiskShareError,
    RiskShareTerms,
    contingency_reserve,
    share_variance,
    terms_of,
)
from planner.pooled_fund.service import find_agreement
from planner.spend.variance import YearSpend

ZERO = Decimal("0.00")
# A variance under a pound either way is "on plan", as the variance tables say.
ON_PLAN = Decimal(1)


def _pounds(amount: Decimal) -> str:
    return f"£{abs(amount):,.2f}"


def _percent(fraction: Decimal | None) -> str:
    if fraction is None:
        return "–"
    return f"{(fraction * HUNDRED).quantize(Decimal('0.1')).normalize():f}%"


def reserve_drawn(reserve: Decimal, variance: Decimal) -> Decimal:
    """The part of an overspend the contingency reserve meets (nothing for an underspend)."""
    return min(reserve, variance) if variance > 0 else ZERO


@dataclass(frozen=True)
class PartnerRiskShare:
    """One partner's part of the year's forecast over- or underspend.

    ``from_reserve`` is its part of the contingency reserve drawn (money it set aside already);
    ``beyond_reserve`` is what it pays on top (positive) or gets back (negative).
    """

    partner: str
    planned: Decimal
    outturn: Decimal
    overspend_weight: Decimal | None  # fraction of an overspend it bears: 0.4 = 40%
    underspend_weight: Decimal | None
    from_reserve: Decimal
    beyond_reserve: Decimal

    @property
    def variance(self) -> Decimal:
        """Its own forecast outturn less its planned contribution."""
        return self.outturn - self.planned

    @property
    def bears(self) -> Decimal:
        """Its part of the partnership's over- or underspend in all."""
        return self.from_reserve + self.beyond_reserve


@dataclass(frozen=True)
class ForecastRiskShare:
    """The year's forecast over- or underspend under the agreed plan's pooled-fund agreement."""

    year: int
    scenario_name: str
    has_agreement: bool
    host: str | None
    reference: str
    terms: RiskShareTerms | None
    planned: Decimal
    outturn: Decimal
    reserve: Decimal
    partners: tuple[PartnerRiskShare, ...]
    problem: str | None

    @property
    def variance(self) -> Decimal:
        return self.outturn - self.planned

    @property
    def direction(self) -> str:
        if abs(self.variance) < ON_PLAN:
            return "on plan"
        return "overspend" if self.variance > 0 else "underspend"

    @property
    def reserve_drawn(self) -> Decimal:
        return reserve_drawn(self.reserve, self.variance)

    @property
    def to_share(self) -> Decimal:
        """The over- or underspend left once the reserve has met what it can."""
        return self.variance - self.reserve_drawn

    @property
    def basis(self) -> RiskShareBasis | None:
        if self.terms is None or self.variance == 0:
            return None
        return self.terms.basis_for(self.variance)

    def sentences(self) -> list[str]:
        """The risk share in words, for the page, the API and the workbook."""
        year = financial_year_label(self.year)
        total = (
            f"For {year} the forecast outturn is {_pounds(self.outturn)} against the agreed "
            f"plan's {_pounds(self.planned)}: "
        )
        if self.direction == "on plan":
            total += "on plan"
        else:
            total += f"a forecast {self.direction} of {_pounds(self.variance)}"
        if not self.has_agreement:
            return [
                total + ".",
                f"Scenario '{self.scenario_name}' has no pooled-fund agreement, so no risk share "
                "is applied: nothing says how the partners share an overspend or an underspend. "
                "A commissioner can record the agreement on the scenario's pooled-fund page.",
            ]
        words = [total + "."]
        if self.host:
            words[0] += f" {self.host} hosts the pooled fund."
        if self.problem:
            return [*words, f"It cannot be shared: {self.problem}. Correct the agreement's terms."]
        if self.variance == 0:
            return [*words, "There is nothing to share."]
        words += self._reserve_sentences()
        if self.to_share != 0:
            words.append(self._share_sentence())
        return words

    def _reserve_sentences(self) -> list[str]:
        if self.variance < 0:
            if self.reserve:
                return [f"The contingency reserve of {_pounds(self.reserve)} is not drawn."]
            return []
        if not self.reserve:
            return ["The agreement holds no contingency reserve, so the whole overspend is shared."]
        assert self.terms is not None
        reserve = (
            f"The contingency reserve, {self.terms.contingency_percent.normalize():f}% of the "
            f"pooled {_pounds(self.planned)}, is {_pounds(self.reserve)}"
        )
        if self.to_share == 0:
            left = self.reserve - self.reserve_drawn
            return [f"{reserve}; it meets the whole overspend, leaving {_pounds(left)} unused."]
        return [f"{reserve}; it meets the first {_pounds(self.reserve_drawn)} of the overspend."]

    def _share_sentence(self) -> str:
        over = self.to_share > 0
        basis = self.basis
        how = (
            "in proportion to each partner's contribution that year"
            if basis == RiskShareBasis.CONTRIBUTIONS
            else "in the agreement's stated percentages"
        )
        verb = "pays" if over else "gets back"
        parts = [
            f"{row.partner} {verb} {_pounds(row.beyond_reserve)} "
            f"({_percent(row.overspend_weight if over else row.underspend_weight)})"
            for row in self.partners
            if row.beyond_reserve
        ]
        what = (
            f"The {_pounds(self.to_share)} beyond the reserve is shared"
            if over and self.reserve_drawn
            else f"The {_pounds(self.to_share)} {'overspend is shared' if over else 'underspend is returned'}"
        )
        return f"{what} {how}: {'; '.join(parts)}."


def _weights(
    terms: RiskShareTerms, contributions: Mapping[str, Decimal], sign: int
) -> dict[str, Decimal | None]:
    """Each partner's fraction of an overspend (sign 1) or underspend (sign -1)."""
    basis = terms.overspend_basis if sign > 0 else terms.underspend_basis
    partners = sorted({*contributions, *terms.overspend_percent, *terms.underspend_percent})
    if basis == RiskShareBasis.PERCENTAGES:
        stated = terms.overspend_percent if sign > 0 else terms.underspend_percent
        return {partner: stated.get(partner, Decimal(0)) / HUNDRED for partner in partners}
    pool = sum(contributions.values(), Decimal(0))
    return {
        partner: (contributions.get(partner, Decimal(0)) / pool if pool > 0 else None)
        for partner in partners
    }


def forecast_risk_share(
    spend: YearSpend,
    terms: RiskShareTerms | None,
    *,
    scenario_name: str,
    host: str | None = None,
    reference: str = "",
) -> ForecastRiskShare:
    """The year's forecast over- or underspend shared under ``terms`` (None: no agreement)."""
    by_partner = {row.label: row for row in spend.by("partner")}
    named = sorted(
        {
            *by_partner,
            *(terms.overspend_percent if terms else {}),
            *(terms.underspend_percent if terms else {}),
        }
    )
    contributions = {
        name: by_partner[name].planned if name in by_partner else ZERO for name in named
    }
    outturns = {name: by_partner[name].outturn if name in by_partner else ZERO for name in named}
    planned = sum(contributions.values(), ZERO)
    outturn = sum(outturns.values(), ZERO)
    variance = outturn - planned
    reserve = contingency_reserve(terms, planned) if terms else ZERO
    drawn = reserve_drawn(reserve, variance)
    problem = None
    from_reserve: dict[str, Decimal] = {}
    beyond: dict[str, Decimal] = {}
    if terms is not None:
        try:
            from_reserve = share_variance(terms, contributions, drawn)
            beyond = share_variance(terms, contributions, variance - drawn)
        except RiskShareError as error:
            problem = str(error)
            from_reserve, beyond = {}, {}
    over = _weights(terms, contributions, 1) if terms else {}
    under = _weights(terms, contributions, -1) if terms else {}
    partners = tuple(
        PartnerRiskShare(
            partner=name,
            planned=contributions[name],
            outturn=outturns[name],
            overspend_weight=over.get(name),
            underspend_weight=under.get(name),
            from_reserve=from_reserve.get(name, ZERO),
            beyond_reserve=beyond.get(name, ZERO),
        )
        for name in named
    )
    return ForecastRiskShare(
        year=spend.year,
        scenario_name=scenario_name,
        has_agreement=terms is not None,
        host=host,
        reference=reference,
        terms=terms,
        planned=planned,
        outturn=outturn,
        reserve=reserve,
        partners=partners,
        problem=problem,
    )


def year_risk_share(session: Session, spend: YearSpend) -> ForecastRiskShare:
    """The agreed plan's year under its scenario's pooled-fund agreement, if it has one."""
    plan = spend.plan
    scenario = session.get(Scenario, plan.scenario_id) if plan.scenario_id else None
    agreement = find_agreement(session, scenario.id) if scenario and scenario.id else None
    if agreement is None:
        return forecast_risk_share(spend, None, scenario_name=plan.scenario_name)
    host = session.get(Partner, agreement.host_partner_id) if agreement.host_partner_id else None
    return forecast_risk_share(
        spend,
        terms_of(agreement),
        scenario_name=plan.scenario_name,
        host=host.name if host else None,
        reference=agreement.reference,
    )
