"""The demo's demand types: published fiscal unit costs, their sources, and who bears them.

Fiscal costs only (cashable, to an agency), never economic and social costs, so no harm is
counted twice. Each figure is kept as published, in its source's price year (where a source
states none, the year taken and why), and stored in one price year, 2022/23, converted with HM
Treasury GDP deflators (`planner.demo.prices`); the description says how. Sources are the
original publishers' pages; where a figure was read from a secondary report, the source says so.
"""

from __future__ import annotations

from planner.demo.content import DemoDemandType
from planner.demo.partnership import (
    BRADFORD,
    CALDERDALE,
    ICB,
    KIRKLEES,
    LEEDS,
    POLICE,
    WAKEFIELD,
)

# --- Demand types ---------------------------------------------------------------------------

ASB = "Anti-social behaviour incident"
VIOLENCE = "Violence with injury"
DOMESTIC_ABUSE = "Domestic abuse victim (police response)"
FOSTER_CARE = "Child in foster care for a year"
EXCLUSION = "Permanent school exclusion"
FIRST_TIME_ENTRANT = "First-time entrant to youth justice"
AE_ATTENDANCE = "A&E attendance"
MENTAL_HEALTH_BED_DAY = "Mental health inpatient bed day"

NEW_ECONOMY = (
    "New Economy Manchester / DCLG Troubled Families Unit unit costs, as quoted by the Youth "
    "Music Network blog (S. Glenister)"
)
NEW_ECONOMY_URL = (
    "https://network.youthmusic.org.uk/learning/blogs/simon-glenister/"
    "rather-how-much-you-cost-how-about-how-much-you-save"
)
NEW_ECONOMY_YEAR = "the first year of the Troubled Families programme the unit-cost work served"

# Costs borne by local authorities are split between the five councils in proportion to their
# resident population (Census 2021: Leeds 812,000, Bradford 546,400, Kirklees 433,200,
# Wakefield 353,300, Calderdale 206,600). The sources name no split: this is the demo's.
COUNCILS_BY_POPULATION = {
    BRADFORD: "23.24",
    CALDERDALE: "8.79",
    KIRKLEES: "18.42",
    LEEDS: "34.53",
    WAKEFIELD: "15.02",
}

DEMAND_TYPES: tuple[DemoDemandType, ...] = (
    DemoDemandType(
        name=ASB,
        unit="incident needing police follow-up",
        published_cost="629",
        published_year=2012,
        year_assumed=NEW_ECONOMY_YEAR,
        cost_source=NEW_ECONOMY,
        cost_source_url=NEW_ECONOMY_URL,
        cost_published="not stated",
        description=(
            "Fiscal cost per anti-social behaviour incident requiring further action, from the "
            "Greater Manchester unit-cost work; borne here by the police."
        ),
        cost_shares={POLICE: "100"},
    ),
    DemoDemandType(
        name=VIOLENCE,
        unit="police-recorded offence",
        published_cost="1260",
        published_year=2022,
        cost_source=(
            "Home Office, Police costs methodology (Police Activity Survey technical note), Table 1"
        ),
        cost_source_url=(
            "https://www.gov.uk/government/publications/police-activity-survey/"
            "police-costs-methodology"
        ),
        cost_published="24 November 2025",
        description=(
            "Police crime-response workforce cost per violence-with-injury offence: a police-only "
            "fiscal cost. The economic and social cost (£14,050, 2015/16) is not added."
        ),
        cost_shares={POLICE: "100"},
    ),
    DemoDemandType(
        name=DOMESTIC_ABUSE,
        unit="victim (whole period of abuse)",
        published_cost="645",
        published_year=2016,
        cost_source=(
            "Home Office (2019) The economic and social costs of domestic abuse, Research Report "
            "107 (Oliver et al.); the police cost per victim as quoted in a secondary summary"
        ),
        cost_source_url=(
            "https://www.gov.uk/government/publications/the-economic-and-social-costs-of-domestic-abuse"
        ),
        cost_published="2019",
        description=(
            "Only the police response (£645) of the £34,015 economic and social cost per victim "
            "(2016/17 prices): victims' harm and lost output are not fiscal costs and are not "
            "added."
        ),
        cost_shares={POLICE: "100"},
    ),
    DemoDemandType(
        name=FOSTER_CARE,
        unit="child-year in foster care",
        published_cost="33592",
        published_year=2016,
        cost_source=(
            "PSSRU Unit Costs of Health and Social Care 2017 (p.86), as described on the PSSRU blog"
        ),
        cost_source_url=(
            "https://www.pssru.ac.uk/blog/whats-new-the-unit-costs-publication-and-childrens-services/"
        ),
        cost_published="2017 (blog 19 February 2018)",
        description=(
            "£646 per child per week in foster care (allowances, administration, social workers) "
            "times 52 weeks. Borne by children's social care, split between the councils by "
            "population."
        ),
        cost_shares=dict(COUNCILS_BY_POPULATION),
    ),
    DemoDemandType(
        name=EXCLUSION,
        unit="permanent exclusion to a pupil referral unit",
        published_cost="13258",
        published_year=2012,
        year_assumed=NEW_ECONOMY_YEAR,
        cost_source=NEW_ECONOMY,
        cost_source_url=NEW_ECONOMY_URL,
        cost_published="not stated",
        description=(
            "Fiscal cost of a permanent exclusion to a pupil referral unit. The £370,000 lifetime "
            "cost (IPPR 2017) includes lost tax and is not used. Split between the councils by "
            "population."
        ),
        cost_shares=dict(COUNCILS_BY_POPULATION),
    ),
    DemoDemandType(
        name=FIRST_TIME_ENTRANT,
        unit="first-time entrant under 18 (first year after the offence)",
        published_cost="3620",
        published_year=2016,
        year_assumed="the year before the toolkit was published",
        cost_source=(
            "Centre for Justice Innovation, Valuing youth diversion: making the case (slide deck "
            "accompanying the 2017 toolkit)"
        ),
        cost_source_url="https://justiceinnovation.org/",
        cost_published="2017",
        description=(
            "Criminal justice cost in the first year after a young person's first offence. The "
            "source names no split: the demo assumes 40% police and 60% council youth justice "
            "services (by population)."
        ),
        cost_shares={
            POLICE: "40",
            BRADFORD: "13.94",
            CALDERDALE: "5.27",
            KIRKLEES: "11.05",
            LEEDS: "20.73",
            WAKEFIELD: "9.01",
        },
    ),
    DemoDemandType(
        name=AE_ATTENDANCE,
        unit="attendance, not admitted",
        published_cost="114",
        published_year=2013,
        cost_source=(
            "National Schedule of Reference Costs 2013-14, as tabulated in NICE NG94, Chapter 41 "
            "Table 83"
        ),
        cost_source_url="https://www.ncbi.nlm.nih.gov/books/NBK564937/",
        cost_published="2014 (reference costs), tabulated by NICE in 2018",
        description=(
            "NHS reference cost per emergency department attendance where the patient is not "
            "admitted (weighted average of A&E types 01-03)."
        ),
        cost_shares={ICB: "100"},
    ),
    DemoDemandType(
        name=MENTAL_HEALTH_BED_DAY,
        unit="admitted-patient bed day",
        published_cost="334",
        published_year=2011,
        cost_source=(
            "NHS Reference Costs 2011-12 (mental health clusters), as reported by HSJ "
            "(S. Gainsbury) and HFMA"
        ),
        cost_source_url=(
            "https://www.hsj.co.uk/comment/sally-gainsbury-calculating-the-cost-of-mental-health/"
            "5051719.article"
        ),
        cost_published="30 November 2012 (HFMA)",
        description=(
            "National average NHS cost per mental-health admitted-patient bed day (per day, not "
            "per admission). The oldest price year in the demo."
        ),
        cost_shares={ICB: "100"},
    ),
)
