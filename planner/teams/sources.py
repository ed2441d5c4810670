"""Where each intervention's evidence rating came from, as the plan was solved with it.

The plan's inputs snapshot keeps every intervention's published rating with its source, date
and address, so the place summary shows the rating the plan relied on even after the
intervention is re-rated.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Plan


@dataclass(frozen=True)
class RatingSource:
    """An intervention's evidence rating and who published it, when."""

    rating: str
    source: str
    date: str
    url: str

    @property
    def words(self) -> str:
        """'Evidence 3+ (EIF Guidebook (Foundations), February 2018)'."""
        cited = ", ".join(part for part in (self.source, self.date) if part)
        return f"Evidence {self.rating}" + (f" ({cited})" if cited else "")


def rating_sources(plan: Plan) -> dict[str, RatingSource]:
    """Each intervention's rating and its source, by intervention name."""
    sources = (plan.inputs or {}).get("sources") or {}
    return {
        str(entry["name"]): RatingSource(
            rating=str(entry.get("evidence_rating") or ""),
            source=str(entry.get("rating_source") or ""),
            date=str(entry.get("rating_date") or ""),
            url=str(entry.get("rating_url") or ""),
        )
        for entry in sources.get("interventions", [])
    }
