"""One registry of rule families and scenario settings, read by every layer that names them.

The optimiser names each row it builds after its family (``budget|calderdale-2027``). This
module says, once, what each family is called, in what unit its limit is counted, what
loosening it means in plain words, how the workbook labels it, and which scenario setting (if
any) sets it. It also describes each numeric scenario setting once: the field name (the same on
``ScenarioRules`` and on the scenario table), its label, a one-line help text in plain words,
its unit, default and range. The plan page, the workbook, the scenario form and summary, the
API's schema and the explanations all read these entries; ``tests/test_rule_registry.py``
walks the registry and fails when any reader misses one.

How to add a rule family whose limit a numeric scenario setting sets: six files, proved by
``tests/test_registry_new_setting.py``, which adds one in a copy of the tree by editing only these
(``tests/test_rule_registry.py`` fails until 1-4 are done):

1. here: a ``RuleFamily`` in ``FAMILIES`` (with its noun ``phrase`` for the explanations) and a
   ``Setting`` in ``SETTINGS`` (its ``name`` is the new field's name everywhere; its ``section``
   places it on the form and the summary, after that section's settings listed before it);
2. ``optimiser/scenario.py``: the field on ``ScenarioRules`` (its range is checked from the
   ``Setting``);
3. the ``add_*`` function that builds its rows (``optimiser/rules/``), and
4. its call in ``optimiser/build.py``;
5. an Alembic migration (``planner/migrations/versions/``) that adds the column;
6. a hand-solved test of the rule (``tests/optimiser/``).

A family no setting sets takes four: 1 (the ``RuleFamily`` alone), 3, 4 and 6.

What reads the entry with no further edit: the scenario table's column (``models/scenario.py``
makes one per setting), the scenario form and its summary (each setting in its section, with
its label, help and unit), the scenario input schema that the form and the API share
(``planner/scenarios/schema.py``), the API's answer schema, the solver's rule fields
(``planner/solving/rule_fields.py``), the workbook's rule list and labels, the plan page's
groups and the explanations (``optimiser.explain`` fills the family's ``phrase``; a shadow
price that needs a sentence of its own still takes a branch in ``explain._sentence``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Unit(StrEnum):
    """What a setting or a rule's limit is counted in."""

    PERCENT = "%"  # typed as a percentage, stored as a fraction
    TIMES = "x"  # a ratio: benefit so many times spend
    YEARS = "years"
    SECONDS = "seconds"
    POUNDS = "£"
    PARTICIPANTS = "participants"
    PEOPLE = "people"
    HOURS = "hours"
    DRAWS = "draws"


class Section(StrEnum):
    """The scenario form's sections, in the order the form and the summary list them; each
    setting names the one it sits in."""

    ABOUT = "about"
    EVIDENCE = "evidence"
    VALUE = "value"
    FAIRNESS = "fairness"
    CAPS = "caps"
    BUDGETS = "budgets"
    OBJECTIVE = "objective"
    SOLVER = "solver"


SECTION_HEADINGS: MappingProxyType[Section, str] = MappingProxyType(
    {
        Section.ABOUT: "About and years",
        Section.EVIDENCE: "Evidence",
        Section.VALUE: "Value for money",
        Section.FAIRNESS: "Fairness",
        Section.CAPS: "Caps on spend",
        Section.BUDGETS: "Budgets",
        Section.OBJECTIVE: "What to maximise",
        Section.SOLVER: "Solving",
    }
)


@dataclass(frozen=True)
class Setting:
    """One numeric scenario setting: the same ``name`` on ``ScenarioRules`` and the scenario
    table, what the form and the workbook call it, and a one-line help in plain words."""

    name: str
    label: str
    help: str
    unit: Unit
    default: float
    minimum: float
    maximum: float
    whole: bool = False
    why_maximum: str = ""  # why the upper limit is what it is, when a person would ask
    glossary: str = ""  # the planner's glossary entry (/glossary#...) that explains it
    # The form's section it sits in (and the summary's place for it): required, so a new setting
    # cannot be left off the form.
    section: Section = field(kw_only=True)

    @property
    def percent(self) -> bool:
        """Typed as a percentage (35 means 35%) and stored as a fraction (0.35)."""
        return self.unit is Unit.PERCENT

    @property
    def stored_maximum(self) -> float:
        """The upper limit as stored (a fraction for a percentage)."""
        return self.maximum / 100 if self.percent else self.maximum


@dataclass(frozen=True)
class RuleFamily:
    """A kind of rule (a family of rows the optimiser builds), as every reader words it.

    ``heading`` heads its group on the plan page; ``one`` is what one rule of it is called
    ("a budget rule"); ``excel_label`` is the Sensitivity and Answer sheets' "kind of rule";
    ``unit`` is what its limit is counted in; ``loosen`` says in plain words what relaxing it
    means (for the clash diagnosis' lead sentence); ``setting`` names the scenario setting that
    sets it, if any; ``chosen`` is True for rules the partnership chooses (listed before the
    delivery limits it does not choose).
    """

    key: str
    heading: str
    one: str
    excel_label: str
    unit: Unit
    loosen: str
    setting: str | None = None
    chosen: bool = True
    # The rule as a noun phrase in the explanations, a template that ``optimiser.explain``
    # fills from the row: ``{rhs:money}``, ``{coefficient:percent}``, ``{key0:place}``... (its
    # ``PHRASE_FIELDS`` and ``PHRASE_FORMATS`` list the words it knows). Required, so a family
    # cannot be explained by a made-up phrase.
    phrase: str = field(kw_only=True)

    @property
    def many(self) -> str:
        return f"{self.one}s"

    def count(self, number: int) -> str:
        """'1 budget rule', '20 budget rules'."""
        return f"{number} {self.one if number == 1 else self.many}"


_SETTINGS = (
    Setting(
        "horizon_years",
        "Years planned",
        "How many financial years the plan covers, starting with the first year.",
        Unit.YEARS,
        3,
        1,
        10,
        whole=True,
        section=Section.ABOUT,
    ),
    Setting(
        "min_share_rated_3_plus",
        "Least share of spend on interventions rated 3 or above",
        "At least this percentage of all spend goes to interventions with rigorous evidence "
        "(rated 3, 3+, 4 or 4+).",
        Unit.PERCENT,
        0.0,
        0,
        100,
        glossary="evidence-rating",
        section=Section.EVIDENCE,
    ),
    Setting(
        "bcr_threshold",
        "Benefit-cost ratio threshold",
        "An intervention whose expected benefit is less than this many times its cost is "
        "not funded.",
        Unit.TIMES,
        1.0,
        0,
        100,
        glossary="benefit-cost-ratio",
        section=Section.VALUE,
    ),
    Setting(
        "portfolio_vfm_ratio",
        "Value for money of the whole plan",
        "The benefit of the whole plan must be at least this many times what it spends.",
        Unit.TIMES,
        1.0,
        0,
        100,
        glossary="value-for-money",
        section=Section.VALUE,
    ),
    Setting(
        "partner_fairness",
        "Partner fairness factor",
        "Each partner's share of the benefit must be at least this many times what it pays "
        "in (0 turns the rule off).",
        Unit.TIMES,
        0.0,
        0,
        100,
        glossary="partner-fairness",
        section=Section.FAIRNESS,
    ),
    Setting(
        "need_floor",
        "Place need floor",
        "Each place gets at least this percentage of its need-weighted share of spend "
        "(0 turns the rule off).",
        Unit.PERCENT,
        0.0,
        0,
        100,
        glossary="need-floor",
        section=Section.FAIRNESS,
    ),
    Setting(
        "expected_over_draws",
        "Plan for uncertainty",
        "0 plans with the figures as recorded; a number of draws (200 is plenty) plans for the "
        "most demand avoided on average over that many draws of effects, unit costs and "
        "take-up, under the same rules.",
        Unit.DRAWS,
        0,
        0,
        10_000,
        whole=True,
        section=Section.OBJECTIVE,
    ),
    Setting(
        "discount_rate",
        "Discount rate",
        "Yearly discount on benefits that arrive later (HM Treasury Green Book: 3.5%).",
        Unit.PERCENT,
        0.035,
        0,
        100,
        glossary="discount-rate",
        section=Section.OBJECTIVE,
    ),
    Setting(
        "appraisal_years",
        "Appraisal period",
        "Years over which benefits are counted; it may run beyond the years planned.",
        Unit.YEARS,
        10,
        1,
        60,
        whole=True,
        section=Section.OBJECTIVE,
    ),
    Setting(
        "min_share_vcs",
        "Least share of spend through voluntary and community sector providers",
        "At least this percentage of all spend pays for delivery by voluntary and community "
        "sector providers (each intervention's share of delivery by such providers).",
        Unit.PERCENT,
        0.0,
        0,
        100,
        section=Section.EVIDENCE,
    ),
)
SETTINGS: MappingProxyType[str, Setting] = MappingProxyType({s.name: s for s in _SETTINGS})

_FAMILIES = (
    RuleFamily(
        "budget",
        "Budgets",
        "budget rule",
        "Budget maximum",
        Unit.POUNDS,
        "more money in a budget",
        phrase="{key0:budget} of {rhs:money}",
    ),
    RuleFamily(
        "committed",
        "Committed minimum budgets",
        "committed-minimum rule",
        "Committed minimum",
        Unit.POUNDS,
        "a smaller committed minimum",
        phrase="{key0:budget_partner}'s committed minimum of {rhs:money} in {key0:budget_year}",
    ),
    RuleFamily(
        "fairness",
        "Partner fairness",
        "partner-fairness rule",
        "Partner fairness",
        Unit.POUNDS,
        "a lower partner fairness factor",
        setting="partner_fairness",
        phrase="{key0:partner}'s partner fairness rule (benefit to it at least {coefficient:number} times its contribution)",
    ),
    RuleFamily(
        "evidence_share",
        "Share of spend on strong evidence",
        "evidence-share rule",
        "Share rated 3 or above",
        Unit.POUNDS,
        "a lower share of spend required on interventions rated 3 or above",
        setting="min_share_rated_3_plus",
        phrase="the rule that at least {coefficient:percent} of spend goes to programmes rated 3 or above",
    ),
    RuleFamily(
        "portfolio_vfm",
        "Value for money of the whole plan",
        "value-for-money rule",
        "Value for money of the whole plan",
        Unit.POUNDS,
        "a lower value-for-money ratio for the whole plan",
        setting="portfolio_vfm_ratio",
        phrase="the rule that benefit is at least {coefficient:number} times spend",
    ),
    RuleFamily(
        "cost_per_unit",
        "Cost per unit of demand avoided",
        "cost-per-unit rule",
        "Cost per unit of demand avoided",
        Unit.POUNDS,
        "a higher most cost per unit of demand avoided",
        phrase="the most cost of {coefficient:money} per {key0:demand} avoided",
    ),
    RuleFamily(
        "vcs_share",
        "Share of spend through the voluntary and community sector",
        "voluntary-sector-share rule",
        "Share through voluntary and community sector providers",
        Unit.POUNDS,
        "a lower share of spend required through voluntary and community sector providers",
        setting="min_share_vcs",
        phrase="the rule that at least {coefficient:percent} of spend goes through voluntary and community sector providers",
    ),
    RuleFamily(
        "need_floor",
        "Place need floors",
        "need-floor rule",
        "Place need floor",
        Unit.POUNDS,
        "a lower place need floor",
        setting="need_floor",
        phrase="the need floor for {key0:place}",
    ),
    RuleFamily(
        "target",
        "Target",
        "target",
        "Target of demand avoided",
        Unit.POUNDS,
        "a lower target",
        phrase="{target}",
    ),
    RuleFamily(
        "cap_place",
        "Caps on places",
        "place cap",
        "Cap on a place",
        Unit.POUNDS,
        "a higher cap",
        phrase="the cap of {rhs:money} on spend in {key0:place}",
    ),
    RuleFamily(
        "cap_intervention",
        "Caps on interventions",
        "intervention cap",
        "Cap on an intervention",
        Unit.POUNDS,
        "a higher cap",
        phrase="the cap of {rhs:money} on {key0:intervention}",
    ),
    RuleFamily(
        "cap_category",
        "Caps on categories",
        "category cap",
        "Cap on a category",
        Unit.POUNDS,
        "a higher cap",
        phrase="the cap of {rhs:money} on {key0} programmes",
    ),
    RuleFamily(
        "window",
        "Commissioning windows",
        "commissioning-window rule",
        "Commissioning window closed",
        Unit.POUNDS,
        "a commissioning window opened in that year",
        phrase="{key0:partner}'s closed commissioning window in {key2:year}, which holds its funding of {key1:intervention} at {key2:window_level}",
    ),
    RuleFamily(
        "contract",
        "Existing contracts",
        "existing-contract rule",
        "Existing contract",
        Unit.POUNDS,
        "a smaller existing contract",
        phrase="{key0:partner}'s existing contract of {rhs:money} for {key1:intervention} in {key2:year}",
    ),
    RuleFamily(
        "contract_place",
        "Existing contracts",
        "existing-contract rule",
        "Existing contract in a place",
        Unit.POUNDS,
        "a smaller existing contract",
        phrase="{key0:partner}'s existing contract of {rhs:money} for {key1:intervention} in {key2:place} in {key3:year}",
    ),
    RuleFamily(
        "contracts_place",
        "Existing contracts",
        "existing-contract rule",
        "Existing contracts in a place",
        Unit.POUNDS,
        "smaller existing contracts",
        phrase="the total of the partners' existing contracts for {key0:intervention} in {key1:place} in {key2:year} ({rhs:money})",
    ),
    RuleFamily(
        "capacity",
        "Delivery capacity",
        "capacity limit",
        "Provider capacity",
        Unit.PARTICIPANTS,
        "more provider capacity",
        chosen=False,
        phrase="the capacity of {key0:intervention} in {key1:place} in {key2:year} ({rhs:number} participants)",
    ),
    RuleFamily(
        "reach",
        "Eligible population",
        "eligible-population limit",
        "Eligible population",
        Unit.PEOPLE,
        "more eligible people",
        chosen=False,
        phrase="the eligible {key0:target_group} for {key0:intervention} in {key1:place} in {key2:year}",
    ),
    RuleFamily(
        "runs",
        "Reach of whole programmes",
        "whole-programme reach limit",
        "Reach of a whole programme",
        Unit.PEOPLE,
        "the programme running in that place",
        chosen=False,
        phrase="the reach of {key0:intervention} in {key1:place} in {key2:year}",
    ),
    RuleFamily(
        "cohort",
        "Minimum cohorts",
        "minimum-cohort rule",
        "Minimum cohort",
        Unit.PARTICIPANTS,
        "a smaller minimum cohort",
        chosen=False,
        phrase="the minimum cohort of {key0:intervention} in {key1:place} in {key2:year}",
    ),
    RuleFamily(
        "cohort_places",
        "Whole cohorts",
        "whole-cohort limit",
        "Places in whole cohorts",
        Unit.PARTICIPANTS,
        "another whole cohort",
        chosen=False,
        phrase="the places in the whole cohorts of {key0:intervention} in {key1:place} in {key2:year}",
    ),
    RuleFamily(
        "contract_size",
        "Minimum contracts",
        "minimum-contract rule",
        "Minimum contract",
        Unit.POUNDS,
        "a smaller minimum contract",
        chosen=False,
        phrase="the minimum contract for {key0:intervention} in {key1:place} in {key2:year}",
    ),
    RuleFamily(
        "volunteers",
        "Shared volunteers",
        "volunteer-hours limit",
        "Volunteer hours",
        Unit.HOURS,
        "more volunteer hours",
        chosen=False,
        phrase="the volunteer hours in {key0:place} in {key1:year} ({rhs:number} hours)",
    ),
)
# In the order the plan page lists them: the partnership's own choices before delivery limits.
FAMILIES: MappingProxyType[str, RuleFamily] = MappingProxyType({f.key: f for f in _FAMILIES})


def family(key: str) -> RuleFamily:
    """The family of a row, by its key; a family missing from the registry is a KeyError that
    names it, never a made-up label."""
    try:
        return FAMILIES[key]
    except KeyError:
        raise KeyError(f"rule family {key!r} is not in optimiser.families.FAMILIES") from None


def setting(name: str) -> Setting:
    """A numeric scenario setting by its field name (KeyError naming it when missing)."""
    try:
        return SETTINGS[name]
    except KeyError:
        raise KeyError(f"scenario setting {name!r} is not in optimiser.families.SETTINGS") from None
