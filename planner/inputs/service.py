"""Changing the partnership's inputs: one place the web pages, the spreadsheet import and the
JSON API all call, so every route into the data applies the same checks and the same words.

Every function:
- takes the session first and the fields as a plain mapping whose keys are the model's field
  names (values may be text, as a form or spreadsheet gives them: '12500', '2026/27');
- validates with the model's Create schema and the cross-record rules in `models.rules`, and
  raises `InputError(errors={field: plain-English reason})` before touching the session;
- records an audit event with the record before and after (`actor` is the signed-in user, or
  None for "system");
- commits (one transaction, rolled back on failure), unless `commit=False`, when it only
  flushes so a caller can apply many changes and commit once (the import does this);
- raises `InputNotFound` for an id that does not exist.

Updates overlay the fields given on the current values, so a caller may send only what changes.
`upsert_*` and `save_*` find the record by its natural key (name; partner and year; intervention
and demand type; place and target group) and create or update it.

Signatures (all keyword-only after the fields: `actor=None, commit=True`):

    create_partner(session, fields) / update_partner(session, partner_id, fields)
    upsert_partner(session, fields)            # by fields["name"]
    delete_partner(session, partner_id)        # refuses while budget lines, contracts, cost
                                               # shares or scenario rules use it
    save_cycle(session, partner_id, fields)    # budget_setting_month, open_years ('2026/27,
                                               # 2028/29' or [2026, 2028]), contract_length_years
    delete_cycle(session, partner_id)          # every year is then open for the partner
    create_budget_line(session, fields) / update_budget_line(session, line_id, fields)
    save_budget_line(session, fields)          # by (partner_id, year); year 2026 or '2026/27'
    delete_budget_line(session, line_id)
    create_contract(session, fields) / update_contract(session, contract_id, fields)
    delete_contract(session, contract_id)      # fields: partner_id, intervention_id, place_id,
                                               # years, annual_amount, notes
    create_demand_type(session, fields, shares) / update_demand_type(session, id, fields, shares)
    upsert_demand_type(session, fields, shares=None)   # shares: {partner id or name: percent}
    delete_demand_type(session, demand_type_id)
    create_intervention(session, fields) / update_intervention(session, id, fields)
    upsert_intervention(session, fields)
    delete_intervention(session, intervention_id)
    save_effect(session, intervention_id, fields)     # demand_type_id (or demand_type name),
                                                      # reduction_per_participant, years_after
    update_effect(session, effect_id, fields) / delete_effect(session, effect_id)
    create_place(session, fields) / update_place(session, place_id, fields)
    upsert_place(session, fields) / delete_place(session, place_id)
    save_population(session, place_id, fields)        # target_group, population
    update_population(session, population_id, fields) / delete_population(session, id)
    save_capacity_override(session, place_id, fields) # intervention_id (or intervention name),
                                                      # capacity
    delete_capacity_override(session, override_id)

Names to ids, for callers that refer to records by name: `named(session, Partner, "Kirklees
Council", field="partner", label="partner")` returns the record or raises InputError.
"""

from planner.inputs.budgets import (
    budget_line_uses,
    create_budget_line,
    delete_budget_line,
    save_budget_line,
    update_budget_line,
)
from planner.inputs.contracts import create_contract, delete_contract, update_contract
from planner.inputs.demand import (
    create_demand_type,
    delete_demand_type,
    demand_type_uses,
    update_demand_type,
    upsert_demand_type,
)
from planner.inputs.interventions import (
    create_intervention,
    delete_effect,
    delete_intervention,
    intervention_uses,
    save_effect,
    update_effect,
    update_intervention,
    upsert_intervention,
)
from planner.inputs.partners import (
    create_partner,
    delete_cycle,
    delete_partner,
    partner_uses,
    save_cycle,
    update_partner,
    upsert_partner,
)
from planner.inputs.places import (
    create_place,
    delete_capacity_override,
    delete_place,
    delete_population,
    place_uses,
    save_capacity_override,
    save_population,
    update_place,
    update_population,
    upsert_place,
)
from planner.inputs.validation import InputError, InputNotFound, by_name, named

__all__ = [
    "InputError",
    "InputNotFound",
    "budget_line_uses",
    "by_name",
    "create_budget_line",
    "create_contract",
    "create_demand_type",
    "create_intervention",
    "create_partner",
    "create_place",
    "delete_budget_line",
    "delete_capacity_override",
    "delete_contract",
    "delete_cycle",
    "delete_demand_type",
    "delete_effect",
    "delete_intervention",
    "delete_partner",
    "delete_place",
    "delete_population",
    "demand_type_uses",
    "intervention_uses",
    "named",
    "partner_uses",
    "place_uses",
    "save_budget_line",
    "save_capacity_override",
    "save_cycle",
    "save_effect",
    "save_population",
    "update_budget_line",
    "update_contract",
    "update_demand_type",
    "update_effect",
    "update_intervention",
    "update_partner",
    "update_place",
    "update_population",
    "upsert_demand_type",
    "upsert_intervention",
    "upsert_partner",
    "upsert_place",
]
