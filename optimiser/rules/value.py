"""Rules about value: evidence, value for money, fairness between partners and places.

All of them use the same expected, confidence-weighted, discounted demand
reduction as the objective (the ``reduction`` aggregates), valued at unit
cost, so the figures a user reads on the plan are the figures the rules
constrained. Benefits are in the real year's prices; the rules that weigh
them against spend (value for money, fairness between partners) take spend
in the same prices, and the shares (evidence, voluntary sector, need) take
cash over cash.
"""

from __future__ import annotations

import numpy as np
from pulp import LpVariable

from optimiser.evidence import evidence_level
from optimiser.lp import GE, LE, Terms
from optimiser.model import Model


def _total_spend(model: Model) -> LpVariable:
    assert model.total_spend is not None, "add_aggregates comes before the rules"
    return model.total_spend


def _real_total_spend(model: Model) -> LpVariable:
    assert model.real_total_spend is not None, "add_real_spend comes before the rules"
    return model.real_total_spend


def add_evidence_rules(model: Model) -> None:
    """At least sigma of spend goes to interventions rated 3 or above.

    NE interventions and those below the scenario's minimum rating have no
    variables at all (see ``exclusion_reasons``).
    """
    sigma = model.rules.min_share_rated_3_plus
    if sigma <= 0:
        return
    strong = {
        key
        for key, intervention in model.interventions.items()
        if evidence_level(intervention.evidence_rating) >= 3
    }
    terms: Terms = [
        (var, 1.0) for (_line, key, _zone), var in model.funding.items() if key in strong
    ]
    terms.append((_total_spend(model), -sigma))
    model.add("evidence_share", (), terms, GE, 0.0, coefficient=sigma)


def add_sector_share(model: Model) -> None:
    """At least a share of spend goes through voluntary and community sector providers.

    Spend on an intervention counts in proportion to its delivery by such providers
    (``Intervention.voluntary_sector_share``): ``sum_i vcs_i * spend_i >= share * total``.
    """
    share = model.rules.min_share_vcs
    if share <= 0:
        return
    terms: Terms = [
        (var, model.interventions[key].voluntary_sector_share)
        for (_line, key, _zone), var in model.funding.items()
        if model.interventions[key].voluntary_sector_share > 0
    ]
    terms.append((_total_spend(model), -share))
    model.add("vcs_share", (), terms, GE, 0.0, coefficient=share)


def _value_terms(model: Model, share_of: str | None = None) -> Terms:
    """Money value of demand avoided, optionally only the part that falls to one partner."""
    terms: Terms = []
    for demand in model.inputs.demand_types:
        share = 1.0 if share_of is None else demand.shares.get(share_of, 0.0)
        if share and demand.unit_cost:
            terms.append((model.reduction[demand.key], share * demand.unit_cost))
    return terms


def add_value_for_money(model: Model) -> None:
    """Portfolio benefit at least rho x spend; optional most cost per unit of one demand avoided.

    The per-intervention benefit-cost threshold excludes interventions before
    solving (``exclusion_reasons``).
    """
    rules = model.rules
    # Benefits are in the real year's prices, so the spend they are weighed against is too.
    total = _real_total_spend(model)
    if rules.portfolio_vfm_ratio > 0:
        terms = [*_value_terms(model), (total, -rules.portfolio_vfm_ratio)]
        model.add("portfolio_vfm", (), terms, GE, 0.0, coefficient=rules.portfolio_vfm_ratio)
    rule = rules.max_cost_per_unit
    if rule is not None and rule.demand_type in model.reduction:
        terms = [(total, 1.0), (model.reduction[rule.demand_type], -rule.max_cost)]
        model.add("cost_per_unit", (rule.demand_type,), terms, LE, 0.0, coefficient=rule.max_cost)


def add_partner_fairness(model: Model) -> None:
    """Benefit falling to each partner is at least alpha_p x its contribution (wrong pocket),
    the contribution in the real year's prices as the benefit is."""
    for partner in model.inputs.partners:
        alpha = model.rules.fairness_for(partner.key)
        if alpha <= 0:
            continue
        contribution = model.real_contribution[partner.key]
        terms = [*_value_terms(model, partner.key), (contribution, -alpha)]
        model.add("fairness", (partner.key,), terms, GE, 0.0, coefficient=alpha)


def need_shares(model: Model) -> dict[str, float]:
    """Each place's share of need among the places the plan's money may reach.

    Money may reach a place where someone can be served by an intervention
    that a budget line with money may pay for there (its ring-fence,
    districts and commissioning window allow it).

    DOMAIN.md writes the floor with each place's share of need among all
    places. This spreads it over the reachable places only, on purpose: the
    floor is ``spend_l >= phi * total * share_l``, so a place with a share that
    no money may reach holds its own spend at nothing and the total with it;
    the floor could then only be met by spending nothing anywhere. For a
    council planning alone that funds only its own district, the reachable
    places are its district's, shares renormalised, so it meets the floor
    there (test_alone_need_floor). The price: alone, a partner's floor covers
    fewer places than the pool's, so the pooled plan can be worth less than a
    partner's plan alone when the floor binds (the one exception in the
    pooling property of test_properties); ``report.floor_note`` names the
    places left out.
    """
    if model.need_shares is not None:
        return model.need_shares
    block = model.block
    period = {year: n for n, year in enumerate(block.years)}
    zone_number = {zone: n for n, zone in enumerate(model.zone_names)}
    paid = np.zeros(model.served.shape, dtype=bool)
    for line_key, intervention_key, zone in model.funding:
        line = model.budget_lines[line_key]
        if line.maximum > 0:
            where = (block.intervention_index[intervention_key], period[line.year])
            paid[(*where, zone_number[zone])] = True
    reachable = np.zeros(len(block.place_keys), dtype=bool)
    reachable[block.place[paid[block.intervention, block.period, model.column_zone]]] = True
    # Shares as plain float arithmetic, summed in place order (as the direct benchmark does).
    reached = [place for place, here in zip(model.inputs.places, reachable, strict=True) if here]
    total = sum(place.need_index for place in reached)
    shares = {place.key: 0.0 for place in model.inputs.places}
    if total > 0:
        shares.update({place.key: place.need_index / total for place in reached})
    model.need_shares = shares
    return shares


def add_place_fairness(model: Model) -> None:
    """Spend in each place at least phi x total spend x the place's share of need.

    Shares are among the places the budget lines may pay for (``need_shares``).
    """
    phi = model.rules.need_floor
    if phi <= 0:
        return
    total = _total_spend(model)
    for place_key, share in need_shares(model).items():
        if share <= 0:
            continue
        terms = [(model.place_spend[place_key], 1.0), (total, -phi * share)]
        model.add("need_floor", (place_key,), terms, GE, 0.0, coefficient=phi * share)
