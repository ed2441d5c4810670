"""The benchmark's yardstick: the same linear program written directly against highspy.

This is what a competent engineer would write without PuLP: read the
partnership's inputs, build the columns, bounds, costs and constraint matrix
with numpy (vectorised over the participant block, plain loops over the few
hundred funding columns), hand the model to HiGHS in two array calls (rows, then columns with their entries),
solve, and read the solution back as arrays. It builds exactly the rows and
columns of ``optimiser.build`` for the rules the benchmark scenario uses
(evidence share, portfolio value for money, partner fairness, need floor,
district-restricted budgets, ring-fences, evidence-rating exclusions), so that
objectives agree to the pound; rules the benchmark does not use (commissioning
windows, contracts, caps, whole programmes, budget overrides, benefit-cost
threshold) are refused rather than silently ignored.

Its timing includes the build: nothing is taken from our model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from optimiser import PlanningInputs, ScenarioRules
from optimiser.evidence import confidence, evidence_level


@dataclass
class DirectResult:
    status: str
    objective: float
    columns: int
    rows: int
    nonzeros: int
    build: float
    solve: float
    read_back: float
    iterations: int
    highs: Any  # the solved highspy.Highs, for comparing the LP with ours

    @property
    def total(self) -> float:
        return self.build + self.solve + self.read_back


def _check_supported(inputs: PlanningInputs, rules: ScenarioRules) -> None:
    unsupported = {
        "commissioning cycles": inputs.cycles,
        "existing contracts": inputs.contracts,
        "whole programmes": rules.whole_programme,
        "budget overrides": rules.budget_overrides,
        "caps": rules.place_caps or rules.intervention_caps or rules.category_caps,
        "benefit-cost threshold": rules.bcr_threshold,
        "cost per unit rule": rules.max_cost_per_unit,
        "fairness overrides": rules.partner_fairness_overrides,
        "committed minimums": any(line.committed_minimum for line in inputs.budget_lines),
        "non-value objective": rules.objective.value != "value",
    }
    used = [name for name, setting in unsupported.items() if setting]
    if used:
        raise ValueError(f"the direct benchmark model does not implement: {', '.join(used)}")


def effect_units(
    inputs: PlanningInputs, rules: ScenarioRules, chosen: list[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Demand avoided per participant, by effect slot.

    Returns each intervention's demand types, (intervention, slot), padded
    with -1, and the amounts, (intervention, year, segment, slot): an
    intervention reduces one to three demand types, so slots are much
    smaller than a dense demand-type axis over a million columns.
    """
    demand_index = {d.key: n for n, d in enumerate(inputs.demand_types)}
    affected = [sorted({demand_index[e.demand_type] for e in i.effects}) for i in chosen]
    slots = max((len(d) for d in affected), default=0)
    demand = np.full((len(chosen), slots), -1)
    multipliers = np.array(rules.segment_multipliers)
    units = np.zeros((len(chosen), rules.horizon_years, len(multipliers), slots))
    for n, intervention in enumerate(chosen):
        demand[n, : len(affected[n])] = affected[n]
        weights = confidence(intervention.evidence_rating, rules.confidence) * multipliers
        for effect in intervention.effects:
            factors = np.array(
                [
                    sum(
                        (1 + rules.discount_rate) ** -(start + after)
                        for after in effect.years_after
                        if start + after < rules.appraisal_years
                    )
                    for start in range(rules.horizon_years)
                ]
            )
            slot = affected[n].index(demand_index[effect.demand_type])
            units[n, :, :, slot] += (
                weights[None, :] * effect.reduction_per_participant * factors[:, None]
            )
    return demand, units


def build_and_solve(inputs: PlanningInputs, rules: ScenarioRules, **options: Any) -> DirectResult:
    """Build the LP from the inputs with numpy, solve it with highspy, read back arrays."""
    import highspy

    _check_supported(inputs, rules)
    started = time.perf_counter()
    years = rules.years
    places, partners, demand_types = inputs.places, inputs.partners, inputs.demand_types
    lines = [line for line in inputs.budget_lines if line.year in years]
    minimum = evidence_level(rules.min_evidence_rating)
    groups = sorted({g for place in places for g in place.population})
    group_index = {g: n for n, g in enumerate(groups)}
    population = np.array([[place.population.get(g, 0.0) for g in groups] for place in places])

    def may_fund(line: Any, intervention: Any) -> bool:
        return not line.ring_fence or intervention.category in line.ring_fence

    # Interventions that can be funded at all, and each one's reach in each place.
    chosen, reaches = [], []
    for intervention in inputs.interventions:
        level = evidence_level(intervention.evidence_rating)
        if level == 0 or level < minimum:
            continue
        group = group_index.get(intervention.target_group)
        eligible = population[:, group] if group is not None else np.zeros(len(places))
        capacity = np.array(
            [
                place.capacity.get(intervention.key, intervention.capacity or np.inf)
                for place in places
            ]
        )
        reach = np.minimum(eligible, capacity)
        if not (reach > 0).any() or not any(may_fund(line, intervention) for line in lines):
            continue
        chosen.append(intervention)
        reaches.append(reach)
    reach = np.array(reaches)  # (intervention, place)
    unit_cost = np.array([i.unit_cost for i in chosen])
    effect_demand, units = effect_units(inputs, rules, chosen)

    # Participant columns x[i, l, t, s]: every reachable (i, l), every year and segment.
    shares = np.array(rules.segment_shares)
    segments = np.flatnonzero(shares > 0)
    n_years, n_segments = len(years), len(segments)
    pair_i, pair_l = np.nonzero(reach > 0)
    per_pair = n_years * n_segments
    n_x = len(pair_i) * per_pair
    x_i = np.repeat(pair_i, per_pair)
    x_l = np.repeat(pair_l, per_pair)
    x_t = np.tile(np.repeat(np.arange(n_years), n_segments), len(pair_i))
    x_s = np.tile(segments, len(pair_i) * n_years)
    x_upper = shares[x_s] * reach[x_i, x_l]

    # Funding zones: districts in a year where some line pays only for its own district.
    districts = sorted({place.district for place in places})
    district_of = np.array([districts.index(place.district) for place in places])
    restricted = np.array([any(ln.districts for ln in lines if ln.year == t) for t in years])
    zone_names = [districts if restricted[n] else ["all"] for n in range(n_years)]
    x_zone = np.where(restricted[x_t], district_of[x_l], 0)
    served = np.zeros((len(chosen), n_years, len(districts)), dtype=bool)
    served[x_i, x_t, x_zone] = True

    # Rows, in blocks.
    n_d, n_l, n_p = len(demand_types), len(places), len(partners)
    need = np.array([place.need_index for place in places])
    total_need = sum(place.need_index for place in places)
    need_share = need / total_need if total_need > 0 else np.zeros(n_l)
    floors = np.flatnonzero(need_share > 0) if rules.need_floor > 0 else np.array([], int)
    spend_rows = rules.need_floor > 0
    row = 0
    r_reduction = row
    row += n_d
    r_spend = row
    row += n_l if spend_rows else 0
    r_contribution = row
    row += n_p
    r_total = row
    row += 1
    funding_row = np.full(served.shape, -1)
    funding_row[served] = np.arange(row, row + served.sum())
    row += int(served.sum())
    r_budget = row
    row += len(lines)
    r_evidence = row if rules.min_share_rated_3_plus > 0 else -1
    row += r_evidence >= 0
    r_portfolio = row if rules.portfolio_vfm_ratio > 0 else -1
    row += r_portfolio >= 0
    alphas = np.array([rules.fairness_for(p.key) for p in partners])
    fair_partners = np.flatnonzero(alphas > 0)
    r_fairness = np.full(n_p, -1)
    r_fairness[fair_partners] = np.arange(row, row + len(fair_partners))
    row += len(fair_partners)
    r_floor = np.full(n_l, -1)
    r_floor[floors] = np.arange(row, row + len(floors))
    row += len(floors)
    n_rows = row
    row_lower = np.zeros(n_rows)
    row_upper = np.zeros(n_rows)
    row_upper[r_budget : r_budget + len(lines)] = [line.maximum for line in lines]
    row_lower[r_budget : r_budget + len(lines)] = -np.inf
    for ge_row in (r_evidence, r_portfolio, *r_fairness[fair_partners], *r_floor[floors]):
        row_upper[ge_row] = np.inf

    # Columns: money f[b, i, zone] first (a plain loop: a few thousand at most), then the
    # aggregates, then the participants, each column's entries in row order.
    partner_index = {p.key: n for n, p in enumerate(partners)}
    strong = [evidence_level(i.evidence_rating) >= 3 for i in chosen]
    m_rows: list[int] = []
    m_cols: list[int] = []
    m_vals: list[float] = []

    def add(col: int, entries: list[tuple[int, float]]) -> None:
        for r, v in entries:
            m_rows.append(r)
            m_cols.append(col)
            m_vals.append(v)

    column = 0
    for line_number, line in enumerate(lines):
        t = years.index(line.year)
        for n, intervention in enumerate(chosen):
            if not may_fund(line, intervention):
                continue
            for z, zone in enumerate(zone_names[t]):
                if (line.districts and zone not in line.districts) or not served[n, t, z]:
                    continue
                entries = [
                    (r_contribution + partner_index[line.partner], -1.0),
                    (funding_row[n, t, z], 1.0),
                    (r_budget + line_number, 1.0),
                ]
                if strong[n] and r_evidence >= 0:
                    entries.append((r_evidence, 1.0))
                add(column, entries)
                column += 1
    reduction_cols = column + np.arange(n_d)
    for d, demand in enumerate(demand_types):
        entries = [(r_reduction + d, 1.0)]
        if r_portfolio >= 0 and demand.unit_cost:
            entries.append((r_portfolio, demand.unit_cost))
        for p in fair_partners:
            share = demand.shares.get(partners[p].key, 0.0)
            if share and demand.unit_cost:
                entries.append((r_fairness[p], share * demand.unit_cost))
        add(column, entries)
        column += 1
    if spend_rows:
        for place_number in range(n_l):
            entries = [(r_spend + place_number, 1.0)]
            if r_floor[place_number] >= 0:
                entries.append((r_floor[place_number], 1.0))
            add(column, entries)
            column += 1
    for p in range(n_p):
        entries = [(r_contribution + p, 1.0), (r_total, -1.0)]
        if r_fairness[p] >= 0:
            entries.append((r_fairness[p], -alphas[p]))
        add(column, entries)
        column += 1
    entries = [(r_total, 1.0)]
    if r_evidence >= 0:
        entries.append((r_evidence, -rules.min_share_rated_3_plus))
    if r_portfolio >= 0:
        entries.append((r_portfolio, -rules.portfolio_vfm_ratio))
    entries.extend((r_floor[n], -rules.need_floor * need_share[n]) for n in floors)
    add(column, entries)
    column += 1

    # The participant block, vectorised: demand reduction, place spend, funding balance.
    first_x = column
    n_cols = first_x + n_x
    x_columns = np.arange(first_x, n_cols)
    parts = []
    for slot in range(units.shape[3]):
        amount = units[x_i, x_t, x_s, slot]
        hit = np.flatnonzero(amount)
        rows = r_reduction + effect_demand[x_i[hit], slot]
        parts.append((rows, first_x + hit, -amount[hit]))
    if spend_rows:
        parts.append((r_spend + x_l, x_columns, -unit_cost[x_i]))
    parts.append((funding_row[x_i, x_t, x_zone], x_columns, -unit_cost[x_i]))

    cost = np.zeros(n_cols)
    cost[reduction_cols] = [-d.unit_cost for d in demand_types]  # minimise minus the value
    upper = np.full(n_cols, np.inf)
    upper[first_x:] = x_upper

    # Column-wise matrix: every part is in column order and the parts are in row order,
    # so a stable sort by column gives each column's entries sorted by row.
    rows_all = np.concatenate(
        [np.array(m_rows, dtype=np.int32), *(r.astype(np.int32) for r, _c, _v in parts)]
    )
    cols_all = np.concatenate(
        [np.array(m_cols, dtype=np.int32), *(c.astype(np.int32) for _r, c, _v in parts)]
    )
    vals_all = np.concatenate([np.array(m_vals), *(v for _r, _c, v in parts)])
    del parts
    order = np.argsort(cols_all, kind="stable")
    starts = np.zeros(n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols_all, minlength=n_cols), out=starts[1:])

    # highspy's array calls take numpy buffers as they are (assigning HighsLp fields
    # converts element by element): the empty rows, then every column with its entries.
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    for name, setting in options.items():
        solver.setOptionValue(name, setting)
    empty = np.zeros(0, dtype=np.int32)
    solver.addRows(n_rows, row_lower, row_upper, 0, empty, empty, np.zeros(0))
    solver.addCols(
        n_cols,
        cost,
        np.zeros(n_cols),
        upper,
        len(vals_all),
        starts[:-1],
        rows_all[order],
        vals_all[order],
    )
    built = time.perf_counter()
    solver.run()
    solved = time.perf_counter()
    # Read back as arrays: values, reduced costs and duals, participants per delivery.
    solution = solver.getSolution()
    values = np.asarray(solution.col_value)
    reduced_costs = np.asarray(solution.col_dual)
    duals = np.asarray(solution.row_dual)
    participants = values[first_x:].reshape(-1, n_segments).sum(axis=1)
    finished = time.perf_counter()
    assert len(reduced_costs) == n_cols and len(duals) == n_rows and len(participants)
    info = solver.getInfo()
    return DirectResult(
        status=solver.getModelStatus().name,
        objective=-info.objective_function_value,
        columns=n_cols,
        rows=n_rows,
        nonzeros=len(vals_all),
        build=built - started,
        solve=solved - built,
        read_back=finished - solved,
        iterations=int(info.simplex_iteration_count)
        + int(info.ipm_iteration_count)
        + int(info.pdlp_iteration_count),
        highs=solver,
    )
