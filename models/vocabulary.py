"""Fixed vocabularies of the domain: partner kinds, evidence ratings, roles, financial years."""

from __future__ import annotations

import re
from enum import StrEnum


class PartnerKind(StrEnum):
    POLICE = "police"
    LOCAL_AUTHORITY = "local_authority"
    NHS = "nhs"
    VIOLENCE_REDUCTION_UNIT = "violence_reduction_unit"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PARTNER_KIND_LABELS[self]


PARTNER_KIND_LABELS = {
    PartnerKind.POLICE: "Police",
    PartnerKind.LOCAL_AUTHORITY: "Local authority",
    PartnerKind.NHS: "NHS body",
    PartnerKind.VIOLENCE_REDUCTION_UNIT: "Violence reduction unit",
    PartnerKind.VOLUNTARY_SECTOR: "Voluntary or community sector",
    PartnerKind.OTHER: "Other",
}


class BudgetStatus(StrEnum):
    INDICATIVE = "indicative"
    CONFIRMED = "confirmed"


class Role(StrEnum):
    ADMIN = "admin"
    COMMISSIONER = "commissioner"
    FINANCE_LEAD = "finance_lead"
    PLACE_LEAD = "place_lead"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Early Intervention Foundation Guidebook scale, strongest first. NE = found not effective or harmful.
EVIDENCE_RATINGS: tuple[str, ...] = ("4+", "4", "3+", "3", "2+", "2", "NL2", "NE")
EVIDENCE_LEVELS: tuple[str, ...] = ("4", "3", "2", "NL2", "NE")


def evidence_level(rating: str) -> str:
    """The level a rating counts as for the rules: '3+' counts as '3'."""
    return rating.rstrip("+")


def evidence_rank(rating: str) -> int:
    """Higher is stronger: 4 -> 4, 3+ -> 3, NL2 -> 1, NE -> 0."""
    return {"4": 4, "3": 3, "2": 2, "NL2": 1, "NE": 0}[evidence_level(rating)]


class ObjectiveChoice(StrEnum):
    """What the optimiser maximises: the money value of demand avoided, priority-weighted demand,
    or one demand type only."""

    VALUE = "value"
    PRIORITY = "priority"
    SINGLE = "single"


_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def financial_year_label(start_year: int) -> str:
    """2026 -> '2026/27' (the UK public-sector year 1 April 2026 to 31 March 2027)."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def parse_financial_year(text: str | int) -> int:
    """'2026/27' or 2026 -> 2026. Raises ValueError with a message a commissioner understands."""
    if isinstance(text, int):
        return text
    cleaned = str(text).strip()
    if cleaned.isdigit() and len(cleaned) == 4:
        return int(cleaned)
    match = _FINANCIAL_YEAR.match(cleaned)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"'{cleaned}' is not a financial year; write it like 2026/27")
    return int(match.group(1))


MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The scenario switch `whole_programme`, in the words every page, summary and workbook uses.
WHOLE_PEOPLE = "Whole people and programmes"
WHOLE_PEOPLE_COUNTS = (
    "whole participants, whole cohorts, set-up costs, minimum cohorts and minimum contracts"
)
WHOLE_PEOPLE_LABEL = f"{WHOLE_PEOPLE} ({WHOLE_PEOPLE_COUNTS})"
