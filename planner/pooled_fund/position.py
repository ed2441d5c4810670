"""A solved plan under its scenario's pooled-fund agreement: each partner's contribution, risk
share, part of the contingency reserve and exposure, year by year, and the headroom left on each
budget line. The page, the API and the workbook all show these figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.pooled_fund import RiskShareBasis
from models.vocabulary import financial_year_label
from planner.pooled_fund.risk_share import (
    RiskShareError,
    RiskShareTerms,
    contingency_reserve,
    share_variance,
)

PENNY = Decimal("0.01")
# "Each further £1,000 overspent beyond the reserve": a round sum a board reads easily.
FURTHER_OVERSPEND = Decimal(1000)


@dataclass(frozen=True)
class PartnerExposure:
    """One partner in one year: what it puts in, the share of an overspend and of an underspend
    it bears, its part of the contingency reserve, and its exposure (contribution plus that
    part: what it stands to pay if the reserve is drawn in full)."""

    partner: str
    year: int
    contribution: Decimal
    overspend_share: Decimal | None  # fraction: 0.25 = 25%; None when it cannot be shared
    underspend_share: Decimal | None
    reserve_share: Decimal
    exposure: Decimal
    per_further_thousand: Decimal


@dataclass(frozen=True)
class BudgetHeadroom:
    """One budget line: its maximum, the plan's spend on it, what is left and the share used."""

    partner: str
    year: int
    maximum: Decimal
    planned: Decimal
    reserve_share: Decimal

    @property
    def headroom(self) -> Decimal:
        return self.maximum - self.planned

    @property
    def used(self) -> Decimal | None:
        """Fraction of the maximum planned (None for a line with no money)."""
        return self.planned / self.maximum if self.maximum else None

    @property
    def reserve_fits(self) -> bool:
        """Whether the partner's part of the reserve fits in what its budget line has left."""
        return self.reserve_share <= self.headroom

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)


@dataclass(frozen=True)
class YearPool:
    year: int
    pooled_spend: Decimal
    reserve: Decimal

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)


@dataclass(frozen=True)
class PooledFundPosition:
    host: str | None
    terms: RiskShareTerms
    reference: str
    years: tuple[YearPool, ...]
    exposures: tuple[PartnerExposure, ...]
    headroom: tuple[BudgetHeadroom, ...]
    problems: tuple[str, ...]

    def exposures_in(self, year: int) -> list[PartnerExposure]:
        return [row for row in self.exposures if row.year == year]

    @property
    def reserve_shortfalls(self) -> list[BudgetHeadroom]:
        return [line for line in self.headroom if not line.reserve_fits]

    def describe_basis(self, basis: RiskShareBasis) -> str:
        return basis.label


def _money(amount: object) -> Decimal:
    return Decimal(str(amount or 0)).quantize(PENNY)


def contributions_by_year(result: Mapping[str, Any]) -> dict[int, dict[str, Decimal]]:
    """Each partner's contribution each year: its budget lines' spend (plans solved before the
    budget lines were kept: its allocations' payments added up)."""
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    lines = result.get("budget_lines") or []
    if lines:
        for line in lines:
            year_total = by_year[int(line["year"])]
            year_total[line["partner"]] = year_total.get(line["partner"], Decimal(0)) + _money(
                line["spend"]
            )
        return dict(by_year)
    for allocation in result.get("allocations") or []:
        year_total = by_year[int(allocation["year"])]
        for funding in allocation.get("funding") or []:
            partner = funding["partner"]
            year_total[partner] = year_total.get(partner, Decimal(0)) + _money(funding["amount"])
    return dict(by_year)


def _fraction(parts: Mapping[str, Decimal], partner: str, total: Decimal) -> Decimal:
    return abs(parts.get(partner, Decimal(0))) / total


def pooled_fund_position(
    result: Mapping[str, Any],
    terms: RiskShareTerms,
    *,
    host: str | None,
    reference: str = "",
    partners: Iterable[str] = (),
) -> PooledFundPosition:
    """The plan's figures under the agreement. ``result`` is the plan's stored answer
    (``Plan.result``); ``partners`` lists partners to show even where they put nothing in."""
    contributions = contributions_by_year(result)
    years = sorted({int(year) for year in result.get("years") or []} | set(contributions))
    problems: list[str] = []
    pools: list[YearPool] = []
    exposures: list[PartnerExposure] = []
    reserve_parts: dict[tuple[str, int], Decimal] = {}
    named = list(
        dict.fromkeys([*partners, *sorted({p for c in contributions.values() for p in c})])
    )
    for year in years:
        given = {partner: contributions.get(year, {}).get(partner, Decimal(0)) for partner in named}
        pooled = sum(given.values(), Decimal(0))
        reserve = contingency_reserve(terms, pooled)
        pools.append(YearPool(year, pooled, reserve))
        try:
            per_pound_over = share_variance(terms, given, FURTHER_OVERSPEND)
            reserve_share = share_variance(terms, given, reserve)
            over: Mapping[str, Decimal] | None = per_pound_over
        except RiskShareError as error:
            problems.append(f"{financial_year_label(year)}: {error}.")
            over, reserve_share = None, dict.fromkeys(given, Decimal(0))
        try:
            under: Mapping[str, Decimal] | None = share_variance(terms, given, -FURTHER_OVERSPEND)
        except RiskShareError as error:
            problems.append(f"{financial_year_label(year)}: {error}.")
            under = None
        for partner in sorted(set(given) | set(reserve_share)):
            part = reserve_share.get(partner, Decimal(0))
            reserve_parts[(partner, year)] = part
            exposures.append(
                PartnerExposure(
                    partner=partner,
                    year=year,
                    contribution=given.get(partner, Decimal(0)),
                    overspend_share=_fraction(over, partner, FURTHER_OVERSPEND) if over else None,
                    underspend_share=_fraction(under, partner, FURTHER_OVERSPEND)
                    if under
                    else None,
                    reserve_share=part,
                    exposure=given.get(partner, Decimal(0)) + part,
                    per_further_thousand=over.get(partner, Decimal(0)) if over else Decimal(0),
                )
            )
    headroom = tuple(
        BudgetHeadroom(
            partner=line["partner"],
            year=int(line["year"]),
            maximum=_money(line["maximum"]),
            planned=_money(line["spend"]),
            reserve_share=reserve_parts.get((line["partner"], int(line["year"])), Decimal(0)),
        )
        for line in sorted(
            result.get("budget_lines") or [], key=lambda line: (line["partner"], line["year"])
        )
    )
    short = [line for line in headroom if not line.reserve_fits]
    if short:
        beyond = sum((line.reserve_share - line.headroom for line in short), Decimal(0))
        problems.append(
            f"The contingency reserve does not fit in what {len(short)} of {len(headroom)} budget "
            f"lines have left (marked below): the plan spends them (nearly) in full, so "
            f"£{beyond:,.2f} of the reserve must come from outside these budgets."
        )
    return PooledFundPosition(
        host=host,
        terms=terms,
        reference=reference,
        years=tuple(pools),
        exposures=tuple(exposures),
        headroom=headroom,
        problems=tuple(problems),
    )
