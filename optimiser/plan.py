"""The Plan: what the optimiser answers, as frozen dataclasses the web layer can store.

Money is in pounds as floats of whole pence (two decimal places, so
``Decimal(str(amount))`` is exact), years are financial-year start years (2026 is
2026/27). The money reconciles to the penny (``optimiser.reconcile``): each
allocation's payments add up to its cost, each budget line's to its spend, and the
total spend is both the allocations' costs and the partners' contributions added up;
places, evidence levels and years add up to it too. ``plan_to_dict`` gives JSON-ready dicts (enums as
strings, tuples as lists) and ``plan_from_dict`` reloads them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"  # stopped at the time limit with a feasible plan
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"  # no plan: solver failure, or time limit before any feasible plan

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)


@dataclass(frozen=True)
class PartnerFunding:
    partner: str
    amount: float


@dataclass(frozen=True)
class DemandAvoided:
    """Demand of one type that one allocation avoids (expected, confidence-weighted,
    discounted, as the objective counts it) and its money value at unit cost."""

    demand_type: str
    units: float
    value: float


@dataclass(frozen=True)
class Allocation:
    """Participants served by one intervention in one place in one year, and who pays.

    ``value_of_demand_avoided`` is the money value of the demand it avoids, the figure
    the objective and the value rules count (None in plans stored before it was kept);
    the allocations' values add up to the plan's ``value_of_demand_avoided``.
    """

    intervention: str
    place: str
    year: int
    participants: float
    cost: float
    funding: tuple[PartnerFunding, ...]
    value_of_demand_avoided: float | None = None
    demand_avoided: tuple[DemandAvoided, ...] = ()
    # Whole cohorts commissioned (interventions delivered in cohorts, whole-programme mode; else 0).
    cohorts: int = 0


@dataclass(frozen=True)
class BudgetLineSpend:
    """What one budget line pays into the plan, to the penny, against its limits.

    ``held`` names the limit the solver held the line at ("maximum", "committed minimum"
    or "contracts", its partner's existing contracts that year; "" for none): the spend is
    then exactly that figure.
    """

    budget_line: str
    partner: str
    year: int
    spend: float
    maximum: float
    committed_minimum: float = 0.0
    held: str = ""


@dataclass(frozen=True)
class YearSpend:
    """Spend in one financial year: the allocations' costs that year added up."""

    year: int
    spend: float


@dataclass(frozen=True)
class DemandReduction:
    """Expected demand avoided (confidence-weighted, discounted) and its money value."""

    demand_type: str
    name: str
    units: float
    value: float


@dataclass(frozen=True)
class PartnerOutcome:
    """What a partner pays into the plan and the benefit that falls to it."""

    partner: str
    name: str
    contribution: float
    benefit: float
    benefit_ratio: float | None
    # Contribution in the real year's prices, what ``benefit_ratio`` divides by (None: no index,
    # the contribution itself).
    real_contribution: float | None = None


@dataclass(frozen=True)
class PlaceOutcome:
    """Spend in a place against its share of need."""

    place: str
    name: str
    spend: float
    spend_share: float
    need_share: float
    need_floor: float | None


@dataclass(frozen=True)
class EvidenceShare:
    """Spend on interventions of one evidence level (``+`` counted with its base)."""

    rating: str
    spend: float
    share: float


# An allowable change with no limit, as Excel Solver's sensitivity report shows it.
NO_LIMIT = 1e30


@dataclass(frozen=True)
class SentenceChange:
    """The change a sentence quotes, in a form a program can make (``optimiser.sentences``).

    ``row`` is the rule's id (``budget|p-2026``; ``capacity|i|l|2026`` or ``reach|...`` for a
    delivery's reach, a bound on its participants); ``amount`` is how far its limit moves, in
    the rule's own units (pounds; participants for a reach), signed; ``objective_change`` is
    what the sentence says that adds to the objective (exact, before rounding), and
    ``tolerance`` how far the sentence's rounded figure may be from it.
    """

    row: str
    amount: float
    objective_change: float
    tolerance: float


@dataclass(frozen=True)
class BindingConstraint:
    """A rule that limits the plan, its shadow price, and what it means in words.

    ``row`` is the rule's internal id (family and keys, e.g. ``budget|p-2026``);
    ``label`` names it in words. Like Excel Solver's sensitivity report:
    ``activity`` is the rule's final value (the left-hand side at the plan) and
    ``limit`` its right-hand side, in the rule's own units (pounds for money
    rules, participants for capacity; 0 for rules written as a ratio to spend);
    ``allowable_increase`` and ``allowable_decrease`` say how far the limit can
    move before the shadow price changes (``NO_LIMIT`` for no limit; None
    where the solver gives no ranging, e.g. whole-programme plans). Plans
    stored before these were kept load with them empty.
    """

    row: str
    family: str
    shadow_price: float
    sentence: str
    label: str = ""
    activity: float | None = None
    limit: float | None = None
    allowable_increase: float | None = None
    allowable_decrease: float | None = None
    change: SentenceChange | None = None


@dataclass(frozen=True)
class VolunteerUse:
    """Shared volunteers in one place and year: hours given and used, and what one more
    volunteer would add (between ``one_more_low`` and ``one_more_high``, equal when HiGHS's
    ranging covers a whole volunteer's hours), in objective units, with its sentence."""

    place: str
    year: int
    hours_available: float
    hours_used: float
    hours_per_volunteer: float
    cost_per_volunteer: float
    value_per_hour: float
    one_more_low: float
    one_more_high: float
    sentence: str


@dataclass(frozen=True)
class ChosenProject:
    """A project residents chose in a participatory budget, fixed before optimising."""

    place: str
    year: int
    title: str
    cost: float
    intervention: str | None
    participants: float
    value: float  # its benefit in objective units (0 for a proposal outside the model)


@dataclass(frozen=True)
class ResidentsOutcome:
    """What residents chose with the money set aside, and what it cost the optimised value
    (``optimised_without`` minus this plan's objective and the choices' value)."""

    set_aside: float
    spent: float
    chosen: tuple[ChosenProject, ...]
    value_of_choices: float
    optimised_without: float | None
    cost_to_optimised: float | None
    sentence: str


@dataclass(frozen=True)
class NotFunded:
    """An intervention the plan does not fund, and why."""

    intervention: str
    name: str
    reason: (
        str  # a key of optimiser.unfunded.UNFUNDED_REASONS: an exclusion rule, or why not chosen
    )
    sentence: str
    reduced_cost: float | None = None
    effect_increase_needed: float | None = None  # fraction: 0.25 = 25% more effective
    cost_reduction_needed: float | None = None  # pounds per participant


@dataclass(frozen=True)
class RuleRow:
    """One rule as Excel Solver's Answer and Sensitivity reports show it (``optimiser.answer``).

    ``activity`` is the row's real value at the plan; ``slack`` how far it is from its limit;
    ``range_note`` says in words why the allowable ranges are blank, when they are.
    """

    row: str
    family: str
    label: str
    activity: float
    sense: str  # "at most", "at least" or "equal to"
    limit: float
    slack: float
    binding: bool
    shadow_price: float
    allowable_increase: float | None = None
    allowable_decrease: float | None = None
    range_note: str = ""


@dataclass(frozen=True)
class VariableCell:
    """Participants of one delivery slice, as Excel Solver's Variable Cells show a cell."""

    name: str
    intervention: str
    place: str
    year: int
    segment: int
    final_value: float
    reduced_cost: float
    objective_coefficient: float
    allowable_increase: float | None = None
    allowable_decrease: float | None = None
    range_note: str = ""


@dataclass(frozen=True)
class Clash:
    """A rule that cannot be met alongside the others, and by how much.

    ``row`` is the rule's internal id, ``label`` names it in words (empty in
    plans stored before it was kept).
    """

    row: str
    family: str
    shortfall: float
    sentence: str
    clashes_with: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True)
class Diagnosis:
    """Why the rules cannot all be met: the smallest breaches that would make them fit."""

    summary: str
    clashes: tuple[Clash, ...]


@dataclass(frozen=True)
class PartnerAlone:
    """What one partner could do alone, as if the others did not exist: a labelled figure of its
    own, never added up with the others' (alone, each counts on the same people and providers).

    ``cannot_plan`` says why a partner has no plan alone ('' when it has one): it is named with
    its reason, never counted as nothing.
    """

    partner: str
    name: str
    status: SolveStatus
    objective: float
    spend: float
    # Why a partner alone leaves some of its budget unspent, in words ('' when it spends it all).
    held_back: str = ""
    cannot_plan: str = ""


@dataclass(frozen=True)
class PoolingComparison:
    """The pooled plan against the same partners commissioning separately (``optimiser.separate``).

    ``separate_objective`` is the separate plan valued as the pooled objective values it (None
    when the separate model found no plan: ``sentence`` says why); ``value_of_pooling`` is the
    pooled objective less it, never below nothing by construction. ``separate_contributions``
    is what each partner spends commissioning separately; ``alone`` what each partner could do
    alone, labelled, never summed. ``seconds`` is the time the comparison took.
    """

    pooled_objective: float
    separate_objective: float | None
    value_of_pooling: float | None
    sentence: str
    separate_status: SolveStatus = SolveStatus.OPTIMAL
    separate_spend: float = 0.0
    separate_contributions: tuple[PartnerFunding, ...] = ()
    alone: tuple[PartnerAlone, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class UnspentMoney:
    """One partner-year's money the plan leaves unspent, and why (``optimiser.unspent``).

    ``reason`` is a short code: window, ring_fence, evidence, district, district_full,
    capacity, whole, rule or no_benefit; ``sentence`` says it in words.
    """

    partner: str
    name: str
    year: int
    available: float
    spend: float
    unspent: float
    reason: str
    sentence: str


@dataclass(frozen=True)
class ModelSize:
    variables: int
    constraints: int
    nonzeros: int
    integer_variables: int


@dataclass(frozen=True)
class Timings:
    """Seconds spent building, solving, explaining and comparing with partners alone."""

    build: float
    solve: float
    explain: float
    pooling: float
    total: float


@dataclass(frozen=True)
class YearDeflator:
    """The price index in one financial year."""

    year: int
    deflator: float


@dataclass(frozen=True)
class Uplift:
    """Cash per pound of an intervention's prices in one planning year:
    deflator(year) / deflator(price_year)."""

    intervention: str
    price_year: int
    year: int
    factor: float


@dataclass(frozen=True)
class RealYearSpend:
    """A year's spend in cash and in the real year's prices (cash / real_factor)."""

    year: int
    cash: float
    real: float
    real_factor: float


@dataclass(frozen=True)
class PricesUsed:
    """How the plan turned prices into cash (``optimiser.prices``): the index it used, each
    intervention's uplift per year, and spend in cash and in the real year's prices.

    Allocations' costs and budgets are cash; benefits, and the spend the value-for-money and
    partner-fairness rules weigh them against, are in ``real_year``'s prices."""

    source: str
    real_year: int
    deflators: tuple[YearDeflator, ...]
    uplifts: tuple[Uplift, ...]
    spend_by_year: tuple[RealYearSpend, ...]
    real_total_spend: float
    sentence: str = ""


@dataclass(frozen=True)
class Plan:
    """The optimiser's answer for a scenario, with its reasons.

    ``budget_lines`` and ``spend_by_year`` are empty in plans stored before they were kept
    (and in plans without an allocation).
    """

    status: SolveStatus
    solver_detail: str
    objective: float | None
    objective_kind: str
    objective_unit: str
    years: tuple[int, ...]
    total_spend: float
    value_of_demand_avoided: float
    participants: float
    allocations: tuple[Allocation, ...]
    demand_reductions: tuple[DemandReduction, ...]
    partners: tuple[PartnerOutcome, ...]
    places: tuple[PlaceOutcome, ...]
    evidence_mix: tuple[EvidenceShare, ...]
    binding_constraints: tuple[BindingConstraint, ...]
    not_funded: tuple[NotFunded, ...]
    model_size: ModelSize
    timings: Timings
    pooling: PoolingComparison | None = None
    diagnosis: Diagnosis | None = None
    mip_gap: float | None = None
    relaxation_objective: float | None = None
    relaxation_gap: float | None = None
    messages: tuple[str, ...] = ()
    budget_lines: tuple[BudgetLineSpend, ...] = ()
    spend_by_year: tuple[YearSpend, ...] = ()
    volunteers: tuple[VolunteerUse, ...] = ()
    residents: ResidentsOutcome | None = None
    unspent: tuple[UnspentMoney, ...] = ()
    rule_rows: tuple[RuleRow, ...] = ()
    variable_cells: tuple[VariableCell, ...] = ()
    # The price index and real figures (None: no index, prices taken as cash).
    prices: PricesUsed | None = None


def _to_jsonable(item: Any) -> Any:
    if isinstance(item, float) and not math.isfinite(item):
        return None  # JSON has no infinity or NaN (e.g. a MIP gap HiGHS could not measure)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return {f.name: _to_jsonable(getattr(item, f.name)) for f in dataclasses.fields(item)}
    if isinstance(item, Enum):
        return item.value
    if isinstance(item, tuple | list):
        return [_to_jsonable(element) for element in item]
    return item


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready dicts: money as numbers, enums as strings, no infinities."""
    result: dict[str, Any] = _to_jsonable(plan)
    return result


def part_to_dict(part: Any) -> Any:
    """One part of a plan (a PoolingComparison, a tuple of records) as JSON-ready data."""
    return _to_jsonable(part)


Converter = Callable[[Any], Any]


def _unchanged(data: Any) -> Any:
    return data


def _number(data: Any) -> Any:
    return None if data is None else float(data)


@functools.cache
def _converter(kind: Any) -> Converter:
    """How to turn stored JSON into a value of ``kind``, worked out once per type (resolving a
    dataclass's annotations compiles each one: thousands of times over a large plan otherwise)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        inner = _converter(options[0])
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        element = _converter(typing.get_args(kind)[0])
        return lambda data: tuple(element(value) for value in data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record_converter(kind)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if kind is float:
        return _number
    return _unchanged


def _record_converter(kind: type) -> Converter:
    fields: tuple[tuple[str, Converter], ...] | None = None

    def convert(data: Any) -> Any:
        nonlocal fields
        if fields is None:  # worked out at first use: a record type may refer to itself
            hints = typing.get_type_hints(kind)
            fields = tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(kind))
        return kind(**{name: field(data[name]) for name, field in fields if name in data})

    return convert


def _from_jsonable(kind: Any, data: Any) -> Any:
    return _converter(kind)(data)


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """Reload a plan stored with ``plan_to_dict``."""
    plan: Plan = _from_jsonable(Plan, data)
    return plan
