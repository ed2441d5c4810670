"""What a partnership brings to the optimiser: partners, budgets, evidence, places.

Every input is a frozen dataclass checked when it is made, with messages that
name the item and the field ("budget line 'kirklees-2026': maximum must be at
least 0"). The planner maps database rows to these classes; nothing here knows
about Flask or the database.

Money: every amount is a ``float`` of pounds. ``Decimal`` and ``int`` are
accepted and converted on construction, because the solver works in floating
point; the planner keeps ``Decimal`` outside the optimiser.

Financial years are named by the calendar year in which they start: ``2026``
is the financial year 2026/27 (1 April 2026 to 31 March 2027).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from optimiser.evidence import evidence_level

Money = float


class InputError(ValueError):
    """An input that cannot be planned with; the message names item and field."""


class PartnerKind(StrEnum):
    POLICE = "police"
    LOCAL_AUTHORITY = "local_authority"
    NHS = "nhs"
    VIOLENCE_REDUCTION_UNIT = "violence_reduction_unit"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class BudgetStatus(StrEnum):
    INDICATIVE = "indicative"
    CONFIRMED = "confirmed"


def _set(item: object, name: str, value: Any) -> None:
    # Frozen dataclasses normalise their own fields once, in __post_init__.
    object.__setattr__(item, name, value)


def _amount(item: object, label: str, name: str, *, allow_none: bool = False) -> None:
    """Turn a money or count field into a finite, non-negative float."""
    value = getattr(item, name)
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InputError(f"{label}: {name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise InputError(f"{label}: {name} must be at least 0, got {value}")
    _set(item, name, number)


def _range(item: object, label: str, low: str, high: str, *, around: str | None = None) -> None:
    """Check a low-high range: both or neither given, each at least 0, low at most high,
    and (``around``) the recorded figure inside it."""
    _amount(item, label, low, allow_none=True)
    _amount(item, label, high, allow_none=True)
    bottom, top = getattr(item, low), getattr(item, high)
    if (bottom is None) != (top is None):
        missing = high if top is None else low
        raise InputError(f"{label}: {missing} is missing; give both ends of the range or neither")
    if bottom is None or top is None:
        return
    if bottom > top:
        raise InputError(f"{label}: {low} {bottom:g} is above {high} {top:g}")
    if around is not None:
        figure = getattr(item, around)
        if not bottom <= figure <= top:
            raise InputError(
                f"{label}: the range {low} {bottom:g} to {high} {top:g} must include "
                f"{around} {figure:g}"
            )


def _key(item: object, label: str, name: str = "key") -> None:
    value = getattr(item, name)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{label}: {name} must be a non-empty string")


def _years(item: object, label: str, name: str) -> None:
    value = tuple(getattr(item, name))
    if any(isinstance(y, bool) or not isinstance(y, int) for y in value):
        raise InputError(f"{label}: {name} must be financial-year start years like 2026")
    _set(item, name, value)


def _mapping(item: object, label: str, name: str) -> None:
    """Freeze a mapping of key to non-negative number."""
    value = getattr(item, name)
    if not isinstance(value, Mapping):
        raise InputError(f"{label}: {name} must be a mapping")
    frozen: dict[str, float] = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
            raise InputError(f"{label}: {name}[{key!r}] must be a number")
        if not math.isfinite(float(number)) or float(number) < 0:
            raise InputError(f"{label}: {name}[{key!r}] must be at least 0")
        frozen[str(key)] = float(number)
    _set(item, name, MappingProxyType(frozen))


@dataclass(frozen=True)
class Partner:
    """An organisation that contributes money to the pooled fund."""

    key: str
    name: str
    kind: PartnerKind = PartnerKind.OTHER
    district: str | None = None

    def __post_init__(self) -> None:
        _key(self, f"partner {self.key!r}")
        _key(self, f"partner {self.key!r}", "name")
        try:
            _set(self, "kind", PartnerKind(self.kind))
        except ValueError:
            raise InputError(f"partner {self.key!r}: kind {self.kind!r} is not known") from None


@dataclass(frozen=True)
class CommissioningCycle:
    """When a partner can let or vary contracts.

    ``open_years`` are the financial years in which its window is open; in
    other years its funding of each intervention stays at last year's level
    (or, in the first planning year, at its existing contracts). A partner with
    no cycle can change its commissioning every year.

    ``budget_setting_month`` and ``contract_length_years`` have no part in the
    optimisation: the windows already say when funding may change, and
    outside them it continues at the contracted level however long the
    contract. They are carried for the record of what a plan was solved with
    and for the commissioning calendar (the planner's place pages read them).
    """

    partner: str
    open_years: tuple[int, ...]
    budget_setting_month: int = 3
    contract_length_years: int = 3

    def __post_init__(self) -> None:
        label = f"commissioning cycle of {self.partner!r}"
        _key(self, label, "partner")
        _years(self, label, "open_years")
        if not 1 <= self.budget_setting_month <= 12:
            raise InputError(f"{label}: budget_setting_month must be 1 to 12")
        if self.contract_length_years < 1:
            raise InputError(f"{label}: contract_length_years must be at least 1")


@dataclass(frozen=True)
class BudgetLine:
    """Money one partner may put into the pool in one financial year.

    ``ring_fence`` lists the intervention categories it may pay for (empty:
    any); ``districts`` the districts whose places it may pay for (empty: all).
    ``committed_minimum`` is money the partner has promised to spend.
    """

    partner: str
    year: int
    maximum: Money
    committed_minimum: Money = 0.0
    status: BudgetStatus = BudgetStatus.CONFIRMED
    ring_fence: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            _set(self, "key", f"{self.partner}-{self.year}")
        label = f"budget line {self.key!r}"
        _key(self, label, "partner")
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise InputError(f"{label}: year must be a start year like 2026")
        _amount(self, label, "maximum")
        _amount(self, label, "committed_minimum")
        if self.committed_minimum > self.maximum:
            raise InputError(
                f"{label}: committed_minimum {self.committed_minimum:,.0f} is above "
                f"maximum {self.maximum:,.0f}"
            )
        _set(self, "status", BudgetStatus(self.status))
        _set(self, "ring_fence", tuple(self.ring_fence))
        _set(self, "districts", tuple(self.districts))


@dataclass(frozen=True)
class ExistingContract:
    """Funding a partner has already committed to an intervention (and place)."""

    partner: str
    intervention: str
    years: tuple[int, ...]
    amount_per_year: Money
    place: str | None = None

    def __post_init__(self) -> None:
        label = f"existing contract of {self.partner!r} for {self.intervention!r}"
        _key(self, label, "partner")
        _key(self, label, "intervention")
        _years(self, label, "years")
        _amount(self, label, "amount_per_year")


@dataclass(frozen=True)
class DemandType:
    """A unit of demand on services, its cost, and who bears that cost.

    ``shares`` maps partner key to the share of ``unit_cost`` it bears; the
    shares sum to 1 (a share may belong to a body outside the partnership,
    under a key that is not a partner: it then counts for nobody's fairness).
    """

    key: str
    name: str
    unit_cost: Money
    shares: Mapping[str, float]
    unit: str = "case"
    # A plausible range of the unit cost (``optimiser.uncertainty``); None: the default spread.
    unit_cost_low: Money | None = None
    unit_cost_high: Money | None = None

    def __post_init__(self) -> None:
        label = f"demand type {self.key!r}"
        _key(self, label)
        _amount(self, label, "unit_cost")
        _range(self, label, "unit_cost_low", "unit_cost_high", around="unit_cost")
        _mapping(self, label, "shares")
        total = sum(self.shares.values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(f"{label}: shares must sum to 1, they sum to {total:.4f}")


@dataclass(frozen=True)
class Effect:
    """Demand avoided per participant, in each listed year after taking part.

    ``years_after`` counts from the year of participation: ``(1, 2, 3)`` means
    the same reduction in each of the three following years; 0 is the year
    of participation itself.
    """

    demand_type: str
    reduction_per_participant: float
    years_after: tuple[int, ...] = (1,)
    # How sure the estimate is (``optimiser.uncertainty``): a standard error, or a plausible
    # low-high range around ``reduction_per_participant``; neither means the default by rating.
    standard_error: float | None = None
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        label = f"effect on {self.demand_type!r}"
        _key(self, label, "demand_type")
        _amount(self, label, "reduction_per_participant")
        _years(self, label, "years_after")
        if not self.years_after or min(self.years_after) < 0:
            raise InputError(f"{label}: years_after must list years 0 or later")
        _amount(self, label, "standard_error", allow_none=True)
        _range(self, label, "low", "high", around="reduction_per_participant")


@dataclass(frozen=True)
class Intervention:
    """A programme that can be commissioned.

    ``unit_cost`` pays for one participant's whole programme in the year they
    start. ``fixed_cost`` (set-up per place and year), ``min_cohort``,
    ``cohort_size`` and ``cohort_cost`` (delivery bought in whole cohorts, a
    part-filled one paid in full) and ``minimum_contract`` only count in
    whole-programme mode, where participants are also whole. ``capacity`` is the default number of
    participants a provider can take per place per year (None: no limit
    other than the eligible population). ``evidence_rating`` is on the EIF
    Guidebook scale: 4, 4+, 3, 3+, 2, 2+, NL2 or NE.

    ``duration_years`` (how long one participant's programme lasts) and
    ``cost_rating`` are descriptive: the unit cost already covers the whole
    programme and each effect's ``years_after`` says when it arrives, so the
    model needs neither; they are kept in the plan's record of its inputs.
    """

    key: str
    name: str
    category: str
    target_group: str
    unit_cost: Money
    evidence_rating: str
    effects: tuple[Effect, ...]
    fixed_cost: Money = 0.0
    min_cohort: float = 0.0
    # Participants per cohort or caseload when delivered in whole cohorts (0: person by person):
    # in whole-programme mode a place's delivery is bought in whole cohorts at cohort_cost each.
    cohort_size: float = 0.0
    # Cost of one whole cohort (0: cohort_size x unit_cost).
    cohort_cost: Money = 0.0
    # Smallest contract a provider will take for one place and year, in pounds (0: none); counted
    # in whole-programme mode only.
    minimum_contract: Money = 0.0
    capacity: float | None = None
    duration_years: int = 1
    cost_rating: int | None = None
    # Hours of shared local volunteers' time each participant needs (0: none).
    volunteer_hours_per_participant: float = 0.0
    # Share of its delivery (and so of spend on it) by voluntary and community sector providers.
    voluntary_sector_share: float = 0.0
    # Share of commissioned places taken up and completed, as a range (``optimiser.uncertainty``);
    # None: every place is taken, as the plan assumes.
    take_up_low: float | None = None
    take_up_high: float | None = None
    # Financial year whose prices unit_cost, fixed_cost and cohort_cost are in (``optimiser.prices``
    # turns them into cash); None: the price index's real year (or cash, with no index).
    price_year: int | None = None

    def __post_init__(self) -> None:
        label = f"intervention {self.key!r}"
        if self.price_year is not None and (
            isinstance(self.price_year, bool) or not isinstance(self.price_year, int)
        ):
            raise InputError(f"{label}: price_year must be a financial year like 2022")
        _range(self, label, "take_up_low", "take_up_high")
        for name in ("take_up_low", "take_up_high"):
            value = getattr(self, name)
            if value is not None and value > 1:
                raise InputError(f"{label}: {name} is a share of places, at most 1, got {value}")
        _key(self, label)
        _amount(self, label, "volunteer_hours_per_participant")
        _amount(self, label, "voluntary_sector_share")
        if self.voluntary_sector_share > 1:
            raise InputError(f"{label}: voluntary_sector_share must be at most 1")
        _key(self, label, "category")
        _key(self, label, "target_group")
        _amount(self, label, "unit_cost")
        if self.unit_cost <= 0:
            raise InputError(f"{label}: unit_cost must be above 0")
        _amount(self, label, "fixed_cost")
        _amount(self, label, "min_cohort")
        _amount(self, label, "cohort_size")
        _amount(self, label, "cohort_cost")
        _amount(self, label, "minimum_contract")
        if self.cohort_cost > 0 and self.cohort_size <= 0:
            raise InputError(
                f"{label}: cohort_cost needs a cohort_size (participants per cohort) above 0"
            )
        _amount(self, label, "capacity", allow_none=True)
        try:
            evidence_level(self.evidence_rating)
        except ValueError as error:
            raise InputError(f"{label}: evidence_rating {error}") from None
        _set(self, "effects", tuple(self.effects))
        if self.duration_years < 1:
            raise InputError(f"{label}: duration_years must be at least 1")
        if self.cost_rating is not None and not 1 <= self.cost_rating <= 5:
            raise InputError(f"{label}: cost_rating must be 1 to 5")


@dataclass(frozen=True)
class Place:
    """A geography served by a place-based team.

    ``population`` maps target group to eligible people per year;
    ``capacity`` overrides an intervention's default capacity here.
    """

    key: str
    name: str
    district: str
    population: Mapping[str, float]
    need_index: float = 1.0
    capacity: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        label = f"place {self.key!r}"
        _key(self, label)
        _key(self, label, "district")
        _mapping(self, label, "population")
        _mapping(self, label, "capacity")
        _amount(self, label, "need_index")


@dataclass(frozen=True)
class VolunteerPool:
    """Shared local volunteers in a place in one year, whom every intervention that needs
    volunteer hours draws on. ``hours`` is what they can give in the year; one more volunteer
    gives ``hours_per_volunteer`` and costs ``cost_per_volunteer`` to recruit, train and
    supervise. A place and year without a pool has no volunteer hours."""

    place: str
    year: int
    hours: float
    hours_per_volunteer: float
    cost_per_volunteer: Money = 0.0

    def __post_init__(self) -> None:
        label = f"volunteers of place {self.place!r} in {self.year}"
        _amount(self, label, "hours")
        _amount(self, label, "hours_per_volunteer")
        _amount(self, label, "cost_per_volunteer")
        if self.hours_per_volunteer <= 0:
            raise InputError(f"{label}: hours_per_volunteer must be above 0")

    @property
    def key(self) -> str:
        return f"{self.place}|{self.year}"


def year_words(year: int) -> str:
    """A financial year as people write it: 2026 -> "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class PriceIndex:
    """A price index by financial year (HM Treasury's GDP deflators, or the partnership's own),
    and the year the plan's real figures are in (``optimiser.prices`` does the arithmetic).

    ``deflators`` pairs each financial year (by start year) with its index value; ``real_year``
    is the price year of the benefits (the demand unit costs), in which the plan states real
    figures. ``source`` says where the figures come from, for the plan's record.
    """

    deflators: tuple[tuple[int, float], ...]
    real_year: int
    source: str = ""

    def __post_init__(self) -> None:
        cleaned: dict[int, float] = {}
        for year, value in self.deflators:
            if isinstance(year, bool) or not isinstance(year, int):
                raise InputError(f"price index: {year!r} is not a financial year like 2026")
            if year in cleaned:
                raise InputError(f"price index: {year_words(year)} appears twice")
            if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                raise InputError(
                    f"price index: the deflator for {year_words(year)} is not a number"
                )
            number = float(value)
            if not math.isfinite(number) or number <= 0:
                raise InputError(
                    f"price index: the deflator for {year_words(year)} must be above 0, got {value}"
                )
            cleaned[year] = number
        _set(self, "deflators", tuple(sorted(cleaned.items())))
        if isinstance(self.real_year, bool) or not isinstance(self.real_year, int):
            raise InputError("price index: the price year of benefits must be a year like 2022")


def _unique(items: Iterable[Any], what: str, attribute: str = "key") -> None:
    seen: set[str] = set()
    for item in items:
        key = getattr(item, attribute)
        if key in seen:
            raise InputError(f"{what} {key!r} appears twice")
        seen.add(key)


@dataclass(frozen=True)
class PlanningInputs:
    """Everything about the partnership that the scenario does not choose."""

    partners: tuple[Partner, ...]
    budget_lines: tuple[BudgetLine, ...]
    demand_types: tuple[DemandType, ...]
    interventions: tuple[Intervention, ...]
    places: tuple[Place, ...]
    cycles: tuple[CommissioningCycle, ...] = ()
    contracts: tuple[ExistingContract, ...] = ()
    volunteer_pools: tuple[VolunteerPool, ...] = ()
    # Participatory budgets (optimiser.residents): money set aside per place and year, and the
    # projects residents chose with it.
    set_asides: tuple[Any, ...] = ()
    residents_choices: tuple[Any, ...] = ()
    # The price index that turns interventions' prices into cash (``optimiser.prices``); None:
    # prices are taken as cash.
    prices: PriceIndex | None = None

    def __post_init__(self) -> None:
        for name in ("partners", "budget_lines", "demand_types", "interventions", "places"):
            _set(self, name, tuple(getattr(self, name)))
        _set(self, "cycles", tuple(self.cycles))
        _set(self, "contracts", tuple(self.contracts))
        _set(self, "volunteer_pools", tuple(self.volunteer_pools))
        _set(self, "set_asides", tuple(self.set_asides))
        _set(self, "residents_choices", tuple(self.residents_choices))
        _unique(self.volunteer_pools, "volunteer pool")
        _unique(self.partners, "partner")
        _unique(self.budget_lines, "budget line")
        _unique(self.demand_types, "demand type")
        _unique(self.interventions, "intervention")
        _unique(self.places, "place")
        _unique(self.cycles, "commissioning cycle for partner", "partner")
        self._check_references()

    def _check_references(self) -> None:
        partners = {p.key for p in self.partners}
        demand_types = {d.key for d in self.demand_types}
        interventions = {i.key for i in self.interventions}
        places = {p.key for p in self.places}
        for line in self.budget_lines:
            if line.partner not in partners:
                raise InputError(f"budget line {line.key!r}: partner {line.partner!r} is unknown")
        for cycle in self.cycles:
            if cycle.partner not in partners:
                raise InputError(f"commissioning cycle: partner {cycle.partner!r} is unknown")
        for intervention in self.interventions:
            for effect in intervention.effects:
                if effect.demand_type not in demand_types:
                    raise InputError(
                        f"intervention {intervention.key!r}: demand type "
                        f"{effect.demand_type!r} is unknown"
                    )
        for contract in self.contracts:
            label = f"existing contract of {contract.partner!r} for {contract.intervention!r}"
            if contract.partner not in partners:
                raise InputError(f"{label}: partner is unknown")
            if contract.intervention not in interventions:
                raise InputError(f"{label}: intervention is unknown")
            if contract.place is not None and contract.place not in places:
                raise InputError(f"{label}: place {contract.place!r} is unknown")
        for pool in self.volunteer_pools:
            if pool.place not in places:
                raise InputError(f"volunteers: place {pool.place!r} is unknown")

    def partner(self, key: str) -> Partner:
        return _find(self.partners, key, "partner")

    def intervention(self, key: str) -> Intervention:
        return _find(self.interventions, key, "intervention")

    def place(self, key: str) -> Place:
        return _find(self.places, key, "place")

    def demand_type(self, key: str) -> DemandType:
        return _find(self.demand_types, key, "demand type")

    def budget_line(self, key: str) -> BudgetLine:
        return _find(self.budget_lines, key, "budget line")


def _find(items: tuple[Any, ...], key: str, what: str) -> Any:
    """The item with this key, or InputError naming what was looked for."""
    for item in items:
        if item.key == key:
            return item
    raise InputError(f"no {what} has the key {key!r}")
