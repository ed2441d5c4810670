"""A scenario's rules: the horizon, thresholds, fairness, caps and objective.

Shares and ratios are fractions (0.6 means 60%). Caps are money over the whole
planning horizon. Defaults follow DOMAIN.md: Green Book discounting at 3.5%,
three equal diminishing-returns segments with effect multipliers 1.0/0.8/0.6,
confidence 4 -> 1.0, 3 -> 0.8, 2 -> 0.5, NL2 -> 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from optimiser.evidence import DEFAULT_CONFIDENCE, base_rating, evidence_level
from optimiser.families import SETTINGS, Setting
from optimiser.inputs import InputError, Money


class ObjectiveKind(StrEnum):
    """How demand types are weighted into one figure to maximise."""

    VALUE = "value"  # by unit cost: the objective is pounds of demand avoided
    PRIORITY = "priority"  # by the scenario's priority weights
    SINGLE = "single"  # one demand type only, in its own units


@dataclass(frozen=True)
class CostPerUnitRule:
    """Total spend may be at most ``max_cost`` per unit of ``demand_type`` avoided."""

    demand_type: str
    max_cost: Money

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_cost", float(self.max_cost))
        if self.max_cost <= 0:
            raise InputError(f"cost per unit rule for {self.demand_type!r}: max_cost must be > 0")


@dataclass(frozen=True)
class BudgetOverride:
    """A scenario's replacement for a budget line's maximum and/or committed minimum."""

    budget_line: str
    maximum: Money | None = None
    committed_minimum: Money | None = None

    def __post_init__(self) -> None:
        for name in ("maximum", "committed_minimum"):
            value = getattr(self, name)
            if value is not None:
                if float(value) < 0 or not math.isfinite(float(value)):
                    raise InputError(
                        f"budget override for {self.budget_line!r}: {name} must be at least 0"
                    )
                object.__setattr__(self, name, float(value))


@dataclass(frozen=True)
class DemandTarget:
    """Target mode: the least cost to avoid at least ``amount`` of demand.

    With ``demand_type`` None the target is the money value of all demand avoided (pounds);
    otherwise units of that demand type. Either is counted as the plan counts demand avoided
    (expected, confidence-weighted, discounted over the appraisal period).
    """

    amount: float
    demand_type: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int | float | Decimal):
            raise InputError("target: amount must be a number")
        object.__setattr__(self, "amount", float(self.amount))
        if not math.isfinite(self.amount) or self.amount <= 0:
            raise InputError(f"target: amount must be above 0, got {self.amount:g}")


def _within_setting(rules: ScenarioRules, entry: Setting) -> None:
    """A numeric setting within the registry's range (``optimiser.families.SETTINGS``), as
    stored: a percentage as a fraction, a whole-number setting as an int."""
    value = getattr(rules, entry.name)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InputError(f"scenario rules: {entry.name} must be a number")
    number = float(value)
    low = entry.minimum / 100 if entry.percent else entry.minimum
    if not math.isfinite(number) or not low <= number <= entry.stored_maximum:
        raise InputError(
            f"scenario rules: {entry.name} must be between {low:g} and "
            f"{entry.stored_maximum:g}, got {value}"
        )
    if entry.whole and number != int(number):
        raise InputError(f"scenario rules: {entry.name} must be a whole number, got {value}")
    object.__setattr__(rules, entry.name, int(number) if entry.whole else number)


def _frozen(rules: ScenarioRules, name: str) -> None:
    value = getattr(rules, name)
    if not isinstance(value, Mapping):
        raise InputError(f"scenario rules: {name} must be a mapping")
    frozen = {}
    for key, number in value.items():
        if float(number) < 0 or not math.isfinite(float(number)):
            raise InputError(f"scenario rules: {name}[{key!r}] must be at least 0")
        frozen[str(key)] = float(number)
    object.__setattr__(rules, name, MappingProxyType(frozen))


@dataclass(frozen=True)
class ScenarioRules:
    """The rules one scenario asks the plan to follow.

    - ``min_evidence_rating``: lowest rating that may be funded (NE never is).
    - ``min_share_rated_3_plus`` (sigma): share of spend on interventions rated 3 or above.
    - ``min_share_vcs``: share of spend through voluntary and community sector providers.
    - ``bcr_threshold``: an intervention whose benefit-cost ratio (first segment,
      first year) is below this is excluded.
    - ``portfolio_vfm_ratio`` (rho): total benefit at least rho x total spend.
    - ``partner_fairness`` (alpha): benefit falling to each partner at least
      alpha x its contribution; ``partner_fairness_overrides`` per partner.
    - ``need_floor`` (phi): spend in each place at least phi x total spend x
      the place's share of need, shared among the places the budget lines'
      money may reach (for a partner alone: the places its own budget may pay for).
    - ``place_caps``, ``intervention_caps``, ``category_caps``: most spend over the horizon.
    - ``objective``: VALUE, PRIORITY (``priority_weights`` per demand type) or
      SINGLE (``objective_demand_type``).
    - ``appraisal_years``: years from ``first_year`` over which benefits count.
    - ``target``: target mode, the least cost to reach a target (``DemandTarget``) under the
      same rules, instead of the most demand avoided for the budgets.
    - ``expected_over_draws``: plan for uncertainty, maximising the expected value over that
      many sampled draws of effects, unit costs and take-up (seeded by ``draw_seed``); 0: the
      recorded figures.
    - ``whole_programme``: a mixed-integer plan where a programme either runs
      in a place and year (paying its set-up cost, at least its minimum
      cohort) or does not.
    """

    first_year: int
    horizon_years: int = 1
    min_evidence_rating: str = "NL2"
    min_share_rated_3_plus: float = 0.0
    min_share_vcs: float = 0.0
    bcr_threshold: float = 0.0
    portfolio_vfm_ratio: float = 0.0
    max_cost_per_unit: CostPerUnitRule | None = None
    partner_fairness: float = 0.0
    partner_fairness_overrides: Mapping[str, float] = field(default_factory=dict)
    need_floor: float = 0.0
    place_caps: Mapping[str, float] = field(default_factory=dict)
    intervention_caps: Mapping[str, float] = field(default_factory=dict)
    category_caps: Mapping[str, float] = field(default_factory=dict)
    confidence: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CONFIDENCE))
    discount_rate: float = 0.035
    appraisal_years: int = 10
    objective: ObjectiveKind = ObjectiveKind.VALUE
    priority_weights: Mapping[str, float] = field(default_factory=dict)
    objective_demand_type: str | None = None
    segment_shares: tuple[float, ...] = (1 / 3, 1 / 3, 1 / 3)
    segment_multipliers: tuple[float, ...] = (1.0, 0.8, 0.6)
    whole_programme: bool = False
    budget_overrides: tuple[BudgetOverride, ...] = ()
    target: DemandTarget | None = None
    # Plan for uncertainty: maximise the expected value over this many sampled draws of the
    # uncertain inputs (``optimiser.uncertainty``) instead of the recorded figures; 0 is off.
    expected_over_draws: int = 0
    draw_seed: int = 20_260_401

    def __post_init__(self) -> None:
        # Each numeric setting within its range, read from the registry: a new setting's field
        # is checked here with no further edit.
        for entry in SETTINGS.values():
            _within_setting(self, entry)
        if self.appraisal_years < self.horizon_years:
            raise InputError("scenario rules: appraisal_years must cover the horizon_years")
        try:
            base_rating(self.min_evidence_rating)
        except ValueError as error:
            raise InputError(f"scenario rules: min_evidence_rating {error}") from None
        if evidence_level(self.min_evidence_rating) == 0:
            raise InputError("scenario rules: min_evidence_rating cannot allow NE")
        for name in (
            "partner_fairness_overrides",
            "place_caps",
            "intervention_caps",
            "category_caps",
            "confidence",
            "priority_weights",
        ):
            _frozen(self, name)
        object.__setattr__(self, "objective", ObjectiveKind(self.objective))
        if self.objective is ObjectiveKind.SINGLE and not self.objective_demand_type:
            raise InputError("scenario rules: objective 'single' needs objective_demand_type")
        object.__setattr__(self, "segment_shares", tuple(float(s) for s in self.segment_shares))
        object.__setattr__(
            self, "segment_multipliers", tuple(float(m) for m in self.segment_multipliers)
        )
        for multiplier in self.segment_multipliers:
            if multiplier < 0 or not math.isfinite(multiplier):
                raise InputError(
                    f"scenario rules: segment_multipliers must be at least 0, got {multiplier:g}"
                )
        if len(self.segment_shares) != len(self.segment_multipliers) or not self.segment_shares:
            raise InputError("scenario rules: segment_shares and segment_multipliers must match")
        if abs(sum(self.segment_shares) - 1) > 1e-6 or min(self.segment_shares) < 0:
            raise InputError("scenario rules: segment_shares must be fractions summing to 1")
        object.__setattr__(self, "budget_overrides", tuple(self.budget_overrides))
        if not 0 <= int(self.draw_seed) < 2**32:
            raise InputError("scenario rules: draw_seed must be from 0 to 4,294,967,295")

    @property
    def years(self) -> tuple[int, ...]:
        """The financial years planned, by start year."""
        return tuple(range(self.first_year, self.first_year + self.horizon_years))

    def fairness_for(self, partner: str) -> float:
        """alpha for one partner: its override, or the scenario default."""
        return float(self.partner_fairness_overrides.get(partner, self.partner_fairness))
