"""How sure a figure is: the low-high range (or standard error) checks every table shares."""

from __future__ import annotations

from decimal import Decimal

from models.fields import broken_on

Number = float | Decimal | None


def check_range(
    schema: str,
    low_field: str,
    high_field: str,
    low: Number,
    high: Number,
    *,
    what: str,
    figure: Number = None,
    figure_words: str = "",
) -> None:
    """Both ends or neither; the lowest at most the highest; the recorded figure inside.

    Raises a ValidationError on the field to change, in words that follow the field's label
    ("Lowest plausible effect (0.5) is above the highest effect (0.2); ...").
    """
    if low is None and high is None:
        return
    if low is None or high is None:
        missing = low_field if low is None else high_field
        raise broken_on(
            schema, missing, f"give both ends of the {what} range, or neither", low or high
        )
    if low > high:
        raise broken_on(
            schema,
            low_field,
            f"({low:g}) is above the highest {what} ({high:g}); the low end of a range must be "
            "at most its high end",
            low,
        )
    if figure is not None and figure < low:
        raise broken_on(
            schema,
            low_field,
            f"({low:g}) must be at most {figure_words} ({figure:g}), so that the range includes it",
            low,
        )
    if figure is not None and figure > high:
        raise broken_on(
            schema,
            high_field,
            f"({high:g}) must be at least {figure_words} ({figure:g}), so that the range includes it",
            high,
        )
