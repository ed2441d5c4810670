"""The glossary's terms, as data: each with an anchor, the word as people meet it, and its
meaning in plain words. Pages link a term with the ``term()`` template global."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Term:
    key: str  # the anchor on the glossary page (/glossary#key)
    word: str
    meaning: str


TERMS: tuple[Term, ...] = (
    Term(
        "allowable-range",
        "Allowable increase and decrease",
        "How far a limit (a budget, a cap, a rule's figure) can move up or down before its shadow "
        "price changes. Within that range each extra pound or person is worth the shadow price; "
        "beyond it, something else starts to hold the plan back and the figure no longer holds.",
    ),
    Term(
        "benefit-cost-ratio",
        "Benefit-cost ratio",
        "The value of the demand an intervention avoids divided by what it costs: 2 means every "
        "£1 spent avoids £2 of demand on services.",
    ),
    Term(
        "cohort",
        "Cohort or caseload",
        "The people a programme serves together: a parenting group of 10, or the 25 families one "
        "family nurse carries. Where a provider runs whole groups or caseloads, a plan of whole "
        "people and programmes buys whole cohorts, at the cohort's cost.",
    ),
    Term(
        "commissioning-window",
        "Commissioning window",
        "The years in which a partner can let or change contracts. Outside its window a partner's "
        "funding of a programme stays at the level already contracted.",
    ),
    Term(
        "committed-minimum",
        "Committed minimum",
        "Money a partner has promised to spend in a year: the plan must spend at least this much "
        "of that budget.",
    ),
    Term(
        "confidence",
        "Confidence in expected effect",
        "How much of an intervention's published effect the plan counts on, by its evidence "
        "rating: by default all of it for rating 4, 80% for 3, 50% for 2 and none for NL2.",
    ),
    Term(
        "demand-avoided",
        "Demand avoided",
        "The police call-outs, care entries, A&E visits and other demand on services that the "
        "plan is expected to prevent. Its value in pounds uses each demand type's unit cost. The "
        "figure is what the plan expects on average (expected), reduced by the confidence in "
        "each intervention's evidence, with benefits that arrive in later years worth a little "
        "less each year (the Green Book discount rate, 3.5% a year by default).",
    ),
    Term(
        "diminishing-returns",
        "Diminishing returns",
        "The first people a programme reaches are those at highest risk, so they benefit most. "
        "The people who can be reached are split into equal slices; with the default 1, 0.8, 0.6 "
        "the first third count in full, the next third at 80% and the last third at 60%.",
    ),
    Term(
        "discount-rate",
        "Discount rate",
        "How much less a benefit is worth for each year it arrives later: HM Treasury's Green "
        "Book uses 3.5% a year.",
    ),
    Term(
        "evidence-rating",
        "Evidence rating",
        "How strong the evidence is that an intervention works, on the Early Intervention "
        "Foundation's scale: 4 (several rigorous evaluations, long-term impact), 3 (at least one "
        "rigorous evaluation), 2 (preliminary evidence), NL2 and NE (see below). A '+' (as in 3+) "
        "means extra supporting evidence.",
    ),
    Term(
        "nl2",
        "NL2",
        "'Not yet level 2': too little evidence to say whether an intervention works. By default "
        "the plan counts none of its expected effect.",
    ),
    Term(
        "ne",
        "NE",
        "'No effect': found not effective, or harmful. Never funded.",
    ),
    Term(
        "holds-back",
        "A rule that holds the plan back",
        "A rule or limit the plan is pressed right up against: loosening it a little would let "
        "the plan avoid more demand. (Solver reports call this a binding constraint.)",
    ),
    Term(
        "need-floor",
        "Place need floor",
        "Each place gets at least this share of the spend its need would earn it: at 50%, a place "
        "with a tenth of the partnership's need gets at least 5% of the spend.",
    ),
    Term(
        "participants",
        "Participants",
        "People served by a programme, each counted once for each year they take part.",
    ),
    Term(
        "partner-fairness",
        "Partner fairness rule",
        "Each partner's share of the demand avoided, in pounds, must be at least a set number of "
        "times what it pays in, so no partner pays mostly for savings that fall to others.",
    ),
    Term(
        "reduced-cost",
        "Reduced cost",
        "For an intervention the plan leaves out: how much the plan would lose for each person "
        "served by it. Zero means it ties with the funded programmes.",
    ),
    Term(
        "shadow-price",
        "Shadow price",
        "What one more unit of a limit (one more pound of budget, one more place on a programme) "
        "would add to the demand avoided, within its allowable range.",
    ),
    Term(
        "slack",
        "Slack",
        "How far a rule or limit is from being reached: a budget with £5,000 of slack has £5,000 "
        "unspent.",
    ),
    Term(
        "value-of-pooling",
        "Value of pooling",
        "How much more demand the pooled plan avoids than the same partners commissioning "
        "separately from the same people and providers.",
    ),
    Term(
        "value-for-money",
        "Value for money of the whole plan",
        "The benefit of the whole plan must be at least a set number of times what it spends.",
    ),
    Term(
        "whole-people",
        "Whole people and programmes",
        "A plan a partnership can contract: whole participants, not fractions of a person; whole "
        "cohorts for programmes run in groups or caseloads; each programme's set-up cost, minimum "
        "cohort and minimum contract in every place and year it runs. Solved as a mixed-integer "
        "program, the plan says how close it is to the best possible plan.",
    ),
)
TERMS_BY_KEY = {term.key: term for term in TERMS}


def term_link(key: str, text: str | None = None) -> Markup:
    """A link from a page's word to its glossary entry (a KeyError for a term not there)."""
    entry = TERMS_BY_KEY[key]
    shown = escape(text if text is not None else entry.word)
    return Markup(
        f'<a class="term" href="/glossary#{entry.key}" title="{escape(entry.meaning)}">{shown}</a>'
    )
