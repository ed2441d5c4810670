"""The demo's interventions, with their published evidence and cost ratings.

Sources: /work/shared/data in the project's reference data, copied here with their addresses.
- Demand types and their published unit costs are in `planner.demo.unit_costs`.
- Evidence and cost ratings are as published on the Early Intervention Foundation Guidebook
  (now kept by Foundations) at the review date shown, with the `+` the stored page text lost
  restored (Functional Family Therapy 3+*, Multisystemic Therapy 4+*, Family Nurse Partnership
  4+, Incredible Years Preschool 4+, Level 4 Group Triple P 3+, Incredible Years Toddler 2+, Good
  Behaviour Game 3+*, PATHS 3+). `*` (mixed findings) is kept in the description, since a rating
  field holds 4, 3, 2, NL2 or NE with an optional +.
- Intervention types from the Youth Endowment Fund Toolkit carry no EIF rating: the demo maps
  YEF's impact and confidence onto the EIF scale (said in each description) and keeps YEF as the
  source. Prison awareness programmes are rated harmful by YEF, hence NE: never funded.
- Costs per participant, capacities and effect sizes are illustrative, and labelled so. Costs
  per participant are pitched against the costs of demand in 2022/23 prices (they were raised
  by a quarter when those moved to one price year, keeping the demo's programmes as good or as
  poor value as before).
"""

from __future__ import annotations

from models.intervention import InterventionCategory as Category
from planner.demo.content import (
    DOMESTIC_ABUSE_CHILDREN,
    EXPECTANT_PARENTS,
    ILLUSTRATIVE,
    POLICE_CONTACT,
    PRIMARY_PUPILS,
    VIOLENT_INJURY,
    YOUNG_FAMILIES,
    YOUNG_PEOPLE_AT_RISK,
    DemoEffect,
    DemoIntervention,
)
from planner.demo.unit_costs import (
    AE_ATTENDANCE,
    ASB,
    DOMESTIC_ABUSE,
    EXCLUSION,
    FIRST_TIME_ENTRANT,
    FOSTER_CARE,
    MENTAL_HEALTH_BED_DAY,
    VIOLENCE,
)

# --- Interventions --------------------------------------------------------------------------

EIF = "EIF Guidebook (Foundations)"
YEF = "Youth Endowment Fund Toolkit"
YEF_MAPPING = (
    "The Youth Endowment Fund does not use the EIF scale: the demo's rating {rating} is its own "
    "mapping of YEF's finding ({finding})."
)


def _effects(*triples: tuple[str, float, tuple[int, ...]]) -> tuple[DemoEffect, ...]:
    return tuple(DemoEffect(demand, reduction, years) for demand, reduction, years in triples)


def _describe(published: str, *notes: str) -> str:
    return " ".join(part for part in (published, *notes, ILLUSTRATIVE) if part)


# Cohort and caseload sizes are the programmes' published delivery models (source in each
# sentence); the plan buys them in whole cohorts when a scenario plans whole people.
NURSE_CASELOAD = (
    "Bought in whole caseloads of 25 families, one nurse's caseload (Blueprints for Healthy "
    "Youth Development, Nurse-Family Partnership programme costs: the national office recommends "
    "caseloads of at most 25 for a full-time nurse; "
    "https://www.blueprintsprograms.org/program-costs/nurse-family-partnership)."
)
INCREDIBLE_YEARS_GROUP = (
    "Bought in whole groups of 12 families (Foundations Guidebook: delivered by two facilitators "
    "to groups of up to 12 families; "
    "https://foundations.org.uk/toolkit/guidebook/incredible-years-preschool)."
)
TRIPLE_P_GROUP = (
    "Bought in whole groups of 12 parents (Foundations Guidebook: groups of up to 12 parents "
    "over eight weeks; https://foundations.org.uk/toolkit/guidebook/level-4-group-triple-p)."
)
FFT_CASELOAD = (
    "Bought in whole caseloads of 10 families, one therapist's (Blueprints for Healthy Youth "
    "Development, Functional Family Therapy programme costs: full-time clinicians carry 10-12 "
    "active cases; https://www.blueprintsprograms.org/program-costs/functional-family-therapy-fft)."
)
MST_CASELOAD = (
    "Bought in whole caseloads of 5 families, one therapist's (EPISCenter, Penn State: MST "
    "therapists' caseloads average 5; https://epis.psu.edu/node/824). Smallest contract per place "
    "and year £121,800, three therapists' caseloads, as the model works in teams of at least "
    "three therapists (Office of Justice Programs CrimeSolutions, MST for child abuse and "
    "neglect; https://crimesolutions.ojp.gov/ratedprograms/multisystemic-therapy-child-abuse-and-"
    "neglect-mst-can): the amount is illustrative."
)


PRISON_AWARENESS = "Prison awareness programmes (e.g. Scared Straight)"

INTERVENTIONS: tuple[DemoIntervention, ...] = (
    DemoIntervention(
        name="Family Nurse Partnership",
        category=Category.FAMILY_SUPPORT,
        target_group=EXPECTANT_PARENTS,
        description=_describe(
            "Nurse home visits for young first-time mothers from early pregnancy until the child "
            "turns two. Published outcomes: child health and development, reduced maltreatment "
            "risk and A&E visits, school readiness.",
            NURSE_CASELOAD,
        ),
        unit_cost=4000,
        capacity=40,
        cohort_size=25,
        duration_weeks=130,
        evidence_rating="4+",
        cost_rating=5,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016; January 2021",
        rating_url="https://guidebook.eif.org.uk/programme/family-nurse-partnership",
        effects=_effects(
            (FOSTER_CARE, 0.025, (1, 2, 3, 4, 5)),
            (AE_ATTENDANCE, 0.6, (0, 1, 2)),
        ),
    ),
    DemoIntervention(
        name="Incredible Years Preschool",
        category=Category.PARENTING,
        target_group=YOUNG_FAMILIES,
        description=_describe(
            "Weekly parent groups for parents worried about the behaviour of a child aged 3-6. "
            "Published outcomes: fewer and less intense behaviour problems, improved reading.",
            INCREDIBLE_YEARS_GROUP,
        ),
        unit_cost=560,
        capacity=120,
        cohort_size=12,
        duration_weeks=18,
        evidence_rating="4+",
        cost_rating=2,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016",
        rating_url="https://guidebook.eif.org.uk/programme/incredible-years-preschool",
        effects=_effects(
            (FOSTER_CARE, 0.006, (1, 2, 3)),
            (EXCLUSION, 0.012, (6, 7, 8)),
        ),
    ),
    DemoIntervention(
        name="Incredible Years Toddler",
        category=Category.PARENTING,
        target_group=YOUNG_FAMILIES,
        description=_describe(
            "Weekly groups for parents of 2-3 year olds, typically in disadvantaged communities. "
            "Published outcome: child behaviour (preliminary evidence only)."
        ),
        unit_cost=500,
        capacity=80,
        duration_weeks=12,
        evidence_rating="2+",
        cost_rating=2,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016",
        rating_url="https://guidebook.eif.org.uk/programme/incredible-years-toddler",
        effects=_effects(
            (FOSTER_CARE, 0.004, (1, 2, 3)),
            (EXCLUSION, 0.006, (7, 8, 9)),
        ),
    ),
    DemoIntervention(
        name="Mellow Toddlers",
        category=Category.PARENTING,
        target_group=YOUNG_FAMILIES,
        description=_describe(
            "Day-long groups with video feedback for parents with identified parenting "
            "difficulties and a child aged 1-3. Published outcomes: child behaviour, parent-child "
            "interaction (preliminary evidence only)."
        ),
        unit_cost=380,
        capacity=60,
        duration_weeks=14,
        evidence_rating="2",
        cost_rating=2,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016",
        rating_url="https://guidebook.eif.org.uk/programme/mellow-toddlers",
        effects=_effects((FOSTER_CARE, 0.01, (1, 2, 3))),
    ),
    DemoIntervention(
        name="Level 4 Group Triple P",
        category=Category.PARENTING,
        target_group=YOUNG_FAMILIES,
        description=_describe(
            "Small parent groups plus phone consultations for parents of children up to 12 with "
            "behaviour concerns. Published outcomes: fewer behaviour and emotional problems.",
            TRIPLE_P_GROUP,
        ),
        unit_cost=110,
        capacity=250,
        cohort_size=12,
        duration_weeks=8,
        evidence_rating="3+",
        cost_rating=1,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016; November 2019",
        rating_url="https://guidebook.eif.org.uk/programme/level-4-group-triple-p",
        effects=_effects(
            (FOSTER_CARE, 0.0012, (1, 2, 3)),
            (EXCLUSION, 0.003, (5, 6, 7)),
        ),
    ),
    DemoIntervention(
        name="Family Check-up for Children",
        category=Category.FAMILY_SUPPORT,
        target_group=YOUNG_FAMILIES,
        description=_describe(
            "A short assessment and feedback phase, then tailored Everyday Parenting sessions. "
            "Published outcomes: child behaviour, fewer internalising problems, parenting."
        ),
        unit_cost=440,
        capacity=100,
        duration_weeks=12,
        evidence_rating="3",
        cost_rating=2,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016",
        rating_url="http://guidebook.eif.org.uk/programme/family-check-up",
        effects=_effects(
            (FOSTER_CARE, 0.004, (1, 2, 3)),
            (EXCLUSION, 0.005, (5, 6, 7)),
        ),
    ),
    DemoIntervention(
        name="Child First",
        category=Category.FAMILY_SUPPORT,
        target_group=YOUNG_FAMILIES,
        description=_describe(
            "Home-based therapeutic support and service coordination for young children at risk "
            "of emotional problems, developmental delay or abuse and neglect. Published outcomes: "
            "reduced maltreatment risk, emotional and behavioural outcomes."
        ),
        unit_cost=5620,
        capacity=25,
        duration_weeks=40,
        evidence_rating="3",
        cost_rating=5,
        rating_source=EIF,
        rating_date="Foundations for Life July 2016",
        rating_url="http://guidebook.eif.org.uk/programme/child-first",
        effects=_effects(
            (FOSTER_CARE, 0.05, (1, 2, 3, 4)),
            (AE_ATTENDANCE, 0.5, (0, 1)),
            (MENTAL_HEALTH_BED_DAY, 0.5, (1, 2)),
        ),
    ),
    DemoIntervention(
        name="The Good Behaviour Game",
        category=Category.SCHOOL_BASED,
        target_group=PRIMARY_PUPILS,
        description=_describe(
            "A universal classroom game for whole primary-school classes, run by the class "
            "teacher. Rated 3+* (mixed findings). Published outcomes: classroom behaviour, less "
            "antisocial behaviour, later substance misuse."
        ),
        unit_cost=60,
        capacity=600,
        duration_weeks=39,
        evidence_rating="3+",
        cost_rating=1,
        rating_source=EIF,
        rating_date="March 2017; January 2021",
        rating_url="http://guidebook.eif.org.uk/programmes/the-good-behaviour-game",
        effects=_effects(
            (EXCLUSION, 0.0012, (3, 4, 5, 6)),
            (ASB, 0.012, (6, 7, 8, 9)),
        ),
    ),
    DemoIntervention(
        name="PATHS Elementary curriculum",
        category=Category.SCHOOL_BASED,
        target_group=PRIMARY_PUPILS,
        description=_describe(
            "A universal social and emotional learning curriculum taught by teachers to pupils "
            "aged 6-12. Published outcomes: social and emotional competence, less aggression."
        ),
        unit_cost=80,
        capacity=600,
        duration_weeks=39,
        evidence_rating="3+",
        cost_rating=1,
        rating_source=EIF,
        rating_date="February 2018",
        rating_url="https://guidebook.eif.org.uk/",
        effects=_effects(
            (EXCLUSION, 0.0013, (2, 3, 4, 5)),
            (ASB, 0.01, (6, 7, 8, 9)),
            (MENTAL_HEALTH_BED_DAY, 0.02, (3, 4, 5)),
        ),
    ),
    DemoIntervention(
        name="Functional Family Therapy",
        category=Category.FAMILY_SUPPORT,
        target_group=YOUNG_PEOPLE_AT_RISK,
        description=_describe(
            "Family therapy for young people aged 10-18 with serious antisocial behaviour or "
            "substance misuse, often referred by youth justice. Rated 3+* (mixed findings). "
            "Published outcomes: less offending and substance misuse, better family functioning.",
            FFT_CASELOAD,
        ),
        unit_cost=1190,
        capacity=40,
        cohort_size=10,
        duration_weeks=16,
        evidence_rating="3+",
        cost_rating=3,
        rating_source=EIF,
        rating_date="February 2018",
        rating_url="http://guidebook.eif.org.uk/programme/functional-family-therapy",
        effects=_effects(
            (FIRST_TIME_ENTRANT, 0.05, (0, 1)),
            (ASB, 0.5, (0, 1)),
            (VIOLENCE, 0.05, (1, 2, 3)),
            (FOSTER_CARE, 0.01, (1, 2)),
        ),
    ),
    DemoIntervention(
        name="Multisystemic Therapy",
        category=Category.FAMILY_SUPPORT,
        target_group=YOUNG_PEOPLE_AT_RISK,
        description=_describe(
            "Intensive home-based therapy for families of 12-17 year olds at risk of care or "
            "custody. Rated 4+* (mixed findings). Published outcomes: less offending, fewer "
            "out-of-home placements, better mental health.",
            MST_CASELOAD,
        ),
        unit_cost=8120,
        capacity=20,
        cohort_size=5,
        minimum_contract=121_800,
        duration_weeks=20,
        evidence_rating="4+",
        cost_rating=5,
        rating_source=EIF,
        rating_date="February 2018",
        rating_url="https://guidebook.eif.org.uk/programme/multisystemic-therapy",
        effects=_effects(
            (FOSTER_CARE, 0.12, (1, 2)),
            (FIRST_TIME_ENTRANT, 0.1, (0, 1)),
            (VIOLENCE, 0.1, (1, 2, 3)),
            (MENTAL_HEALTH_BED_DAY, 2.0, (1,)),
            (ASB, 1.0, (0, 1)),
        ),
    ),
    DemoIntervention(
        name="Mentoring for young people at risk",
        category=Category.MENTORING,
        target_group=YOUNG_PEOPLE_AT_RISK,
        description=_describe(
            "A trusted adult mentor meeting a young person regularly for a year.",
            YEF_MAPPING.format(
                rating="2", finding="moderate impact on violence, about 26% less crime"
            ),
        ),
        unit_cost=1500,
        capacity=60,
        duration_weeks=52,
        evidence_rating="2",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated Toolkit page",
        rating_url="https://youthendowmentfund.org.uk/toolkit/mentoring/",
        # Illustrative: volunteer mentors, an hour a week for 40 weeks.
        volunteer_hours=40,
        effects=_effects(
            (ASB, 1.2, (0, 1)),
            (FIRST_TIME_ENTRANT, 0.1, (0, 1)),
            (VIOLENCE, 0.15, (1, 2)),
            (EXCLUSION, 0.03, (1,)),
        ),
    ),
    DemoIntervention(
        name="Formal pre-court diversion",
        category=Category.DIVERSION,
        target_group=POLICE_CONTACT,
        description=_describe(
            "Diverting young people from prosecution to support, with an agreed plan, after a "
            "first offence.",
            YEF_MAPPING.format(
                rating="2",
                finding="about 25% less violent behaviour and 14% less reoffending, from 5 studies "
                "as reported by a third party",
            ),
        ),
        unit_cost=880,
        capacity=50,
        duration_weeks=16,
        evidence_rating="2",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated (third-party news report)",
        rating_url="https://youthendowmentfund.org.uk/?p=119964",
        effects=_effects(
            (FIRST_TIME_ENTRANT, 0.3, (0,)),
            (VIOLENCE, 0.15, (1, 2)),
            (ASB, 0.5, (1, 2)),
        ),
    ),
    DemoIntervention(
        name="Focused deterrence",
        category=Category.DIVERSION,
        target_group=POLICE_CONTACT,
        description=_describe(
            "Police, partners and community tell young people involved in group violence the "
            "consequences of further violence and offer intensive support to stop.",
            YEF_MAPPING.format(
                rating="3", finding="high impact, about 33% less crime, with high confidence"
            ),
        ),
        unit_cost=3120,
        capacity=30,
        duration_weeks=26,
        evidence_rating="3",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated Toolkit page",
        rating_url="https://youthendowmentfund.org.uk/toolkit/focused-deterrence",
        effects=_effects(
            (VIOLENCE, 0.6, (0, 1, 2)),
            (ASB, 1.0, (0, 1)),
            (FIRST_TIME_ENTRANT, 0.1, (0,)),
        ),
    ),
    DemoIntervention(
        name="Cognitive behavioural therapy for young people",
        category=Category.MENTAL_HEALTH,
        target_group=YOUNG_PEOPLE_AT_RISK,
        description=_describe(
            "Structured therapy helping young people change patterns of thinking and behaviour.",
            YEF_MAPPING.format(
                rating="2", finding="high impact on violence; confidence not stated in its text"
            ),
        ),
        unit_cost=1000,
        capacity=50,
        duration_weeks=12,
        evidence_rating="2",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated Toolkit page",
        rating_url="https://youthendowmentfund.org.uk/toolkit/cognitive-behavioural-therapy/",
        effects=_effects(
            (MENTAL_HEALTH_BED_DAY, 1.2, (0, 1)),
            (VIOLENCE, 0.1, (1, 2)),
            (AE_ATTENDANCE, 0.5, (0, 1)),
            (ASB, 0.6, (0, 1)),
        ),
    ),
    DemoIntervention(
        name="Trauma-focused therapy for children affected by domestic abuse",
        category=Category.DOMESTIC_ABUSE,
        target_group=DOMESTIC_ABUSE_CHILDREN,
        description=_describe(
            "Trauma-specific therapy for children who have lived with domestic abuse, with "
            "support for the non-abusing parent.",
            YEF_MAPPING.format(
                rating="2",
                finding="high impact, about 45% lower risk, but resting on only four studies",
            ),
        ),
        unit_cost=1750,
        capacity=40,
        duration_weeks=16,
        evidence_rating="2",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated (YEF health sector page and blog)",
        rating_url="https://youthendowmentfund.org.uk/about-us/our-strategy/sectors/health/",
        effects=_effects(
            (DOMESTIC_ABUSE, 0.6, (0, 1, 2)),
            (FOSTER_CARE, 0.02, (1, 2)),
            (MENTAL_HEALTH_BED_DAY, 1.0, (1, 2)),
            (AE_ATTENDANCE, 0.3, (0, 1)),
        ),
    ),
    DemoIntervention(
        name="A&E violence navigators",
        category=Category.OTHER,
        target_group=VIOLENT_INJURY,
        description=_describe(
            "Youth workers in emergency departments who engage young people injured by "
            "violence at a 'teachable moment' (e.g. Redthread).",
            YEF_MAPPING.format(
                rating="NL2",
                finding="a large estimated impact, but evidence the evaluation calls severely "
                "limited",
            ),
        ),
        unit_cost=620,
        capacity=40,
        duration_weeks=12,
        evidence_rating="NL2",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated (YEF evaluation page)",
        rating_url="https://youthendowmentfund.org.uk/funding/evaluations/redthread",
        effects=_effects(
            (VIOLENCE, 0.2, (0, 1)),
            (AE_ATTENDANCE, 0.5, (0, 1)),
        ),
    ),
    DemoIntervention(
        name=PRISON_AWARENESS,
        category=Category.DIVERSION,
        target_group=YOUNG_PEOPLE_AT_RISK,
        description=_describe(
            "Visits to prisons meant to deter young people from crime. Rated HARMFUL by the Youth "
            "Endowment Fund: they may increase involvement in crime. Kept in the demo to show "
            "that an NE programme is never funded, whatever its cost."
        ),
        unit_cost=190,
        capacity=100,
        duration_weeks=1,
        evidence_rating="NE",
        cost_rating=None,
        rating_source=YEF,
        rating_date="undated Toolkit page",
        rating_url="https://youthendowmentfund.org.uk/toolkit/prison-awareness-programmes/",
        effects=(),
    ),
)
