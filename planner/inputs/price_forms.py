"""The form for one year of the partnership's price index, and the button that loads HM
Treasury's series."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField, URLField

from planner.core.conflict import VersionedForm
from planner.inputs.forms import number_text


class PriceIndexYearForm(VersionedForm):
    year = StringField("Financial year", description="e.g. 2027/28.")
    deflator = StringField(
        "Deflator",
        description="The index in that year, on the same base as the other years "
        "(HM Treasury's GDP deflators: 2022-23 = 100).",
        render_kw={"inputmode": "decimal"},
    )
    forecast = BooleanField("A forecast, not outturn")
    source = StringField("Source", description="e.g. HM Treasury GDP deflators at market prices.")
    released = StringField(
        "Release and date", description="e.g. December 2024 (Quarterly National Accounts)."
    )
    source_url = URLField("Web address of the release")
    note = TextAreaField(
        "Note (optional)", description="e.g. that the figure is extrapolated (illustrative)."
    )

    def to_fields(self) -> dict[str, Any]:
        return {
            "year": (self.year.data or "").strip() or None,
            "deflator": number_text(self.deflator.data),
            "forecast": bool(self.forecast.data),
            "source": self.source.data or "",
            "released": self.released.data or "",
            "source_url": self.source_url.data or "",
            "note": self.note.data or "",
        }


class TreasurySeriesForm(FlaskForm):
    """Load HM Treasury's series: a button that needs only the CSRF token."""
