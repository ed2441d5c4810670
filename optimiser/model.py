"""The linear program under construction: its variables, its named rows, and their labels.

``Model`` is what the ``add_*`` functions fill in. Every row is recorded as a
``Row`` with its family and the keys it is about (partner, budget line,
intervention, place, year), so that explain.py and diagnose.py can turn a
dual value or a slack back into a sentence without parsing names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
from pulp import LpMinimize, LpProblem, LpVariable

from optimiser.block import ParticipantBlock
from optimiser.evidence import confidence
from optimiser.inputs import BudgetLine, Intervention, Place, PlanningInputs
from optimiser.lp import EQ, GE, LE, Terms, add_row, new_variable
from optimiser.prices import (
    cash_fixed_cost,
    cash_price,
    cash_unit_cost,
    check_index_covers,
    real_factor,
)
from optimiser.scenario import ScenarioRules

# Rows that define aggregates or balance money: facts of the model, not rules,
# so they are neither explained as binding nor relaxed in a diagnosis.
# ``cohort_filled`` keeps whole cohorts from being bought empty (a fact of buying in cohorts).
DEFINITIONS = frozenset(
    {
        "funding",
        "reduction",
        "place_spend",
        "total_spend",
        "contribution",
        "volunteer_hours",
        "real_contribution",
        "real_total_spend",
        "cohort_filled",
    }
)
# Physical limits: explained when binding, never relaxed (the rules must fit them).
PHYSICAL = frozenset({"capacity", "runs", "cohort", "volunteers", "cohort_places", "contract_size"})
# Whole-programme rows that are tight only because a programme is fixed not to run.
PROGRAMME_ROWS = frozenset({"runs", "cohort", "cohort_places", "contract_size"})
# Where a whole-people solve finds the plan its search starts from (``Model.whole_start``).
WholeStart = Literal["relaxation", "dive"]


@dataclass
class Row:
    """One named constraint and what it is about."""

    name: str
    family: str
    keys: tuple[Any, ...]
    sense: int
    rhs: float
    constraint: Any
    coefficient: float = 0.0  # sigma, rho, alpha or phi for ratio rules

    @property
    def is_rule(self) -> bool:
        return self.family not in DEFINITIONS and self.family not in PHYSICAL


@dataclass
class Model:
    """A partnership's planning problem as a PuLP minimisation of minus the benefit.

    The objective is negated (minimise -benefit) because PuLP 3.3 with HiGHS
    flips the signs of duals on maximisation; minimising keeps the signs
    textbook and tested.

    The participants x[i,l,t,s], nearly all of the columns, are one block of
    array columns (``participants``, see ``optimiser.block``) whose
    coefficients are attached to PuLP rows; every other variable and every
    row is PuLP's.
    """

    inputs: PlanningInputs
    rules: ScenarioRules
    problem: LpProblem
    diagnosing: bool = False
    relax_programmes: bool = False
    fixed_programmes: dict[tuple[str, str, int], float] | None = None
    # Interventions whose programme switches stay binary when the others are fixed.
    free_programmes: frozenset[str] = frozenset()
    # Whole cohorts fixed at a plan's numbers, with ``fixed_programmes`` (None: not fixed).
    fixed_cohorts: dict[tuple[str, str, int], float] | None = None
    # HiGHS's ranging of the last solve, read once (``solved_ranging``): the explanations and
    # the reports all read the same figures, taken before any sentence's trial re-solve moves
    # the basis, and the ranging is not paid for three times.
    ranging_of_solve: Any = None
    ranging_read: bool = False
    budget_lines: dict[str, BudgetLine] = field(default_factory=dict)
    interventions: dict[str, Intervention] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    participants: ParticipantBlock | None = None
    funding: dict[tuple[str, str, str], LpVariable] = field(default_factory=dict)
    funding_index: dict[tuple[str, str, int], list[LpVariable]] = field(default_factory=dict)
    # (partner, intervention, year) a closed commissioning window holds at nothing: no money.
    held_by_window: set[tuple[str, str, int]] = field(default_factory=set)
    runs: dict[tuple[str, str, int], LpVariable] = field(default_factory=dict)
    # k[i,l,t]: whole cohorts bought, for interventions delivered in cohorts (whole-programme mode).
    cohorts: dict[tuple[str, str, int], LpVariable] = field(default_factory=dict)
    cohort_columns: dict[tuple[str, str, int], int] = field(default_factory=dict)
    reduction: dict[str, LpVariable] = field(default_factory=dict)
    place_spend: dict[str, LpVariable] = field(default_factory=dict)
    contribution: dict[str, LpVariable] = field(default_factory=dict)
    # Volunteer hours used per (place, year), where an intervention needs volunteers.
    volunteer_hours: dict[tuple[str, int], LpVariable] = field(default_factory=dict)
    total_spend: LpVariable | None = None
    # Spend in the real year's prices (``build.add_real_spend``), what the value-for-money and
    # fairness rules compare with benefits; the cash aggregates themselves with no index.
    real_contribution: dict[str, LpVariable] = field(default_factory=dict)
    real_total_spend: LpVariable | None = None
    rows: dict[str, Row] = field(default_factory=dict)
    # Most participants per intervention and place in a year (interventions x places, in
    # input order), and whether provider capacity rather than the eligible population sets it.
    reach: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    capacity_limited: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    slacks: dict[str, list[tuple[LpVariable, int]]] = field(default_factory=dict)
    effects: dict[tuple[str, int, int], dict[str, float]] = field(default_factory=dict)
    # Demand avoided per participant in slots (see ``build.effect_slots``): the demand type
    # number and amount, each (interventions x periods x segments x slots).
    # Each place's share of need among the places money may reach (``rules.value.need_shares``).
    need_shares: dict[str, float] | None = None
    effect_demand: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0, 0), np.int32))
    effect_amount: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0, 0)))
    objective_weights: dict[str, float] = field(default_factory=dict)
    zones: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # Funding zones: "all", then the districts; each participant column's zone number, and
    # which (intervention, period, zone) have participants to pay for.
    zone_names: tuple[str, ...] = ("all",)
    column_zone: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    served: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0), dtype=bool))
    run_columns: dict[tuple[str, str, int], int] = field(default_factory=dict)
    variable_count: int = 0
    # Where a whole-people solve finds the plan its search starts from: the whole choices its
    # relaxation makes (``optimiser.start``; HiGHS's own search when they are too few), or a
    # dive from the relaxation (``optimiser.dive``; the separate model, see there).
    whole_start: WholeStart = "relaxation"
    # Each row's final value after solving, by HiGHS row number (``highs.row_number``).
    row_values: np.ndarray | None = None
    # HiGHS's column number of the participant block's first column, once solved.
    first_block_column: int | None = None

    @classmethod
    def empty(
        cls,
        inputs: PlanningInputs,
        rules: ScenarioRules,
        *,
        diagnosing: bool = False,
        relax_programmes: bool = False,
        fixed_programmes: dict[tuple[str, str, int], float] | None = None,
        free_programmes: frozenset[str] = frozenset(),
        fixed_cohorts: dict[tuple[str, str, int], float] | None = None,
    ) -> Model:
        """A model with no variables yet, and the scenario's budget overrides applied."""
        model = cls(
            inputs=inputs,
            rules=rules,
            problem=LpProblem("pooled_plan", LpMinimize),
            diagnosing=diagnosing,
            relax_programmes=relax_programmes,
            fixed_programmes=fixed_programmes,
            free_programmes=free_programmes,
            fixed_cohorts=fixed_cohorts,
        )
        overrides = {o.budget_line: o for o in rules.budget_overrides}
        for line in inputs.budget_lines:
            if line.year not in rules.years:
                continue
            override = overrides.get(line.key)
            if override is not None:
                maximum = line.maximum if override.maximum is None else override.maximum
                minimum = (
                    line.committed_minimum
                    if override.committed_minimum is None
                    else override.committed_minimum
                )
                line = BudgetLine(
                    partner=line.partner,
                    year=line.year,
                    maximum=maximum,
                    committed_minimum=min(minimum, maximum),
                    status=line.status,
                    ring_fence=line.ring_fence,
                    districts=line.districts,
                    key=line.key,
                )
            model.budget_lines[line.key] = line
        model.interventions = {i.key: i for i in inputs.interventions}
        model.places = {p.key: p for p in inputs.places}
        check_index_covers(inputs.prices, rules.years, inputs.interventions)
        return model

    @cached_property
    def names(self) -> dict[str, dict[str, str]]:
        """Display names by kind ("partner", "intervention", "place", "demand") and key."""
        inputs = self.inputs
        return {
            "partner": {p.key: p.name for p in inputs.partners},
            "intervention": {i.key: i.name for i in inputs.interventions},
            "place": {p.key: p.name for p in inputs.places},
            "demand": {d.key: d.name for d in inputs.demand_types},
        }

    def solved_ranging(self) -> Any:
        """HiGHS's ranging of this model's last solve (``optimiser.highs.Ranging``), or None for
        a mixed-integer model or when HiGHS has none to give."""
        if self.is_mip:
            return None
        if not self.ranging_read:
            from optimiser.highs import ranging

            self.ranging_of_solve = ranging(self.problem.solverModel)
            self.ranging_read = True
        return self.ranging_of_solve

    @property
    def whole_people(self) -> bool:
        """Whether participants are whole numbers: whole-programme mode, neither relaxed nor
        explained with the programme choices fixed."""
        return (
            self.rules.whole_programme
            and not self.relax_programmes
            and self.fixed_programmes is None
        )

    @property
    def is_mip(self) -> bool:
        """Whether some choices are whole: participants, cohorts or programme switches that are
        neither relaxed nor fixed."""
        if self.relax_programmes or not self.rules.whole_programme:
            return False
        if self.whole_people and len(self.block):
            return True
        if not self.runs and not self.cohorts:
            return False
        return self.fixed_programmes is None or bool(self.free_programmes)

    def programme_off(self, keys: tuple[str, str, int]) -> bool:
        """Whether a programme is fixed not to run here this year (whole-programme LP): its
        switch, or its whole cohorts, held at nothing."""
        for switch in (self.runs.get(keys), self.cohorts.get(keys)):
            if switch is not None and switch.upBound is not None and switch.upBound <= 0:
                return True
        return False

    def in_cohorts(self, intervention: Intervention) -> bool:
        """Whether this model buys the intervention in whole cohorts (its cost is per cohort)."""
        return self.rules.whole_programme and intervention.cohort_size > 0

    def cohort_cost(self, intervention: Intervention) -> float:
        """The price of one whole cohort (cohort_size x unit_cost unless one is given)."""
        if intervention.cohort_cost > 0:
            return intervention.cohort_cost
        return intervention.cohort_size * intervention.unit_cost

    def programme_cost_terms(self, keys: tuple[str, str, int]) -> Terms:
        """What a delivery costs besides participants: its set-up cost when it runs and its
        whole cohorts, as terms in cash pounds of the delivery's year."""
        intervention = self.interventions[keys[0]]
        year = keys[2]
        terms: Terms = []
        run = self.runs.get(keys)
        if run is not None and intervention.fixed_cost > 0:
            terms.append((run, self.set_up_cost(keys[0], year)))
        cohorts = self.cohorts.get(keys)
        if cohorts is not None:
            terms.append((cohorts, self.cash_cohort_cost(intervention, year)))
        return terms

    def cash_cohort_cost(self, intervention: Intervention, year: int) -> float:
        """The price of one whole cohort paid in ``year``, in cash."""
        return cash_price(self.cohort_cost(intervention), intervention, year, self.inputs.prices)

    def cost_keys(self) -> set[tuple[str, str, int]]:
        """Deliveries with a cost besides participants (set-up costs or whole cohorts)."""
        return set(self.runs) | set(self.cohorts)

    @property
    def block(self) -> ParticipantBlock:
        """The participant variables (after ``add_participant_variables``)."""
        assert self.participants is not None, "add_participant_variables comes first"
        return self.participants

    def reach_limit(self, intervention: str, place: str) -> tuple[str, float]:
        """What limits participants of an intervention in a place: ("capacity" or "reach", most)."""
        i = self.block.intervention_index[intervention]
        where = self.block.place_index[place]
        kind = "capacity" if self.capacity_limited[i, where] else "reach"
        return kind, float(self.reach[i, where])

    def variable(
        self, label: str, low: float | None = 0.0, up: float | None = None, *, integer: bool = False
    ) -> LpVariable:
        """A new PuLP variable; ``label`` says what it is, for readers of the build code.

        PuLP gets an index-based name ("v12"), not the label: PuLP rewrites
        characters such as space, "-", "+" and "/" to "_", so labels built from
        names that differ only by punctuation ("A-B", "A B") would collide. The
        rows' records (``Row``) carry the readable keys that explanations use.
        """
        self.variable_count += 1
        return new_variable(self.problem, f"v{self.variable_count}", low, up, integer=integer)

    def add(
        self,
        family: str,
        keys: tuple[Any, ...],
        terms: Terms,
        sense: int,
        rhs: float,
        *,
        coefficient: float = 0.0,
    ) -> Row:
        """Add one named row; in a diagnosis, rules also get penalised slack.

        The slack lets a rule be broken at a cost of one per pound, so the
        diagnosis finds the smallest set of breaches that makes the rules fit.
        """
        name = "|".join([family, *(str(k) for k in keys)])
        if name in self.rows:  # only if a key itself holds "|": keep every row apart
            name = f"{name}#{len(self.rows)}"
        if self.diagnosing and family not in DEFINITIONS and family not in PHYSICAL:
            terms = list(terms)
            slack_terms: list[tuple[LpVariable, int]] = []
            if sense in (GE, EQ):
                slack_terms.append((self.variable(f"short|{name}"), +1))
            if sense in (LE, EQ):
                slack_terms.append((self.variable(f"over|{name}"), -1))
            terms.extend((var, float(direction)) for var, direction in slack_terms)
            self.slacks[name] = slack_terms
        # PuLP's own name is the row's number (see ``variable``); ``Row.name`` stays readable.
        constraint = add_row(self.problem, terms, sense, rhs, f"r{len(self.rows)}")
        row = Row(name, family, keys, sense, rhs, constraint, coefficient)
        self.rows[name] = row
        return row

    # -- figures shared by the objective, value-for-money and fairness rules --

    def effect_per_participant(
        self, intervention: Intervention, year: int, segment: int
    ) -> dict[str, float]:
        """Expected, confidence-weighted, discounted demand avoided per participant.

        Per demand type, for someone starting in ``year`` in ``segment``: each
        effect counts in the years after participation that fall inside the
        appraisal period, discounted to the first planning year.
        """
        key = (intervention.key, year, segment)
        cached = self.effects.get(key)
        if cached is not None:
            return cached
        rules = self.rules
        weight = confidence(intervention.evidence_rating, rules.confidence)
        weight *= rules.segment_multipliers[segment]
        start = year - rules.first_year
        units: dict[str, float] = {}
        for effect in intervention.effects:
            discounted = sum(
                (1 + rules.discount_rate) ** -(start + after)
                for after in effect.years_after
                if start + after < rules.appraisal_years
            )
            amount = weight * effect.reduction_per_participant * discounted
            if amount:
                units[effect.demand_type] = units.get(effect.demand_type, 0.0) + amount
        self.effects[key] = units
        return units

    def value_per_participant(self, intervention: Intervention, year: int, segment: int) -> float:
        """Money value of demand avoided per participant (unit costs as weights)."""
        unit_costs = {d.key: d.unit_cost for d in self.inputs.demand_types}
        units = self.effect_per_participant(intervention, year, segment)
        return sum(unit_costs[d] * amount for d, amount in units.items())

    def objective_per_participant(
        self, intervention: Intervention, year: int, segment: int
    ) -> float:
        """What one more participant adds to the objective, in objective units."""
        units = self.effect_per_participant(intervention, year, segment)
        return sum(self.objective_weights.get(d, 0.0) * amount for d, amount in units.items())

    # -- prices: what budgets pay in cash (``optimiser.prices``) --

    @cached_property
    def cash_unit_costs(self) -> np.ndarray:
        """Cash cost of one participant starting in each planning year, (interventions x years):
        unit cost uplifted from its price year by the price index; 0 for one bought in whole
        cohorts, whose cost is per cohort (``programme_cost_terms``)."""
        index = self.inputs.prices
        return np.array(
            [
                [
                    0.0
                    if self.in_cohorts(intervention)
                    else cash_unit_cost(intervention, year, index)
                    for year in self.rules.years
                ]
                for intervention in self.interventions.values()
            ],
            dtype=np.float64,
        ).reshape(len(self.interventions), len(self.rules.years))

    def column_unit_costs(self) -> np.ndarray:
        """Cash cost of one participant in each participant column (its intervention and year)."""
        block = self.block
        return self.cash_unit_costs[block.intervention, block.period]

    def participant_cost(self, intervention_key: str, year: int) -> float:
        """Cash cost of one participant of an intervention starting in a planning year."""
        number = self.intervention_number[intervention_key]
        return float(self.cash_unit_costs[number, self.rules.years.index(year)])

    @cached_property
    def intervention_number(self) -> dict[str, int]:
        """Each intervention's row in ``cash_unit_costs`` (input order)."""
        return {key: number for number, key in enumerate(self.interventions)}

    def price_per_participant(self, intervention_key: str, year: int) -> float:
        """What one participant costs in cash in ``year`` at the margin of a full cohort: the
        cohort's cash price shared among its places, or the cash unit cost."""
        intervention = self.interventions[intervention_key]
        if self.in_cohorts(intervention):
            return self.cash_cohort_cost(intervention, year) / intervention.cohort_size
        return self.participant_cost(intervention_key, year)

    def set_up_cost(self, intervention_key: str, year: int) -> float:
        """Cash set-up cost of running an intervention in one place in a planning year."""
        return cash_fixed_cost(self.interventions[intervention_key], year, self.inputs.prices)

    def real_factor(self, year: int) -> float:
        """Cash pounds in ``year`` per pound in the real year's prices (1 with no index)."""
        return real_factor(self.inputs.prices, year)

    def zone_of(self, place_key: str, year: int) -> str:
        """The funding zone (district, or "all") whose money pays for a place."""
        zones = self.zones[year]
        return "all" if zones == ("all",) else self.places[place_key].district

    def partner_funding(self, partner: str, intervention: str, year: int) -> Terms:
        """Terms of a partner's money for one intervention in one year (all lines, zones)."""
        return [(var, 1.0) for var in self.funding_index.get((partner, intervention, year), [])]
