"""Evidence ratings on the Early Intervention Foundation Guidebook scale.

A ``+`` variant (``3+``) counts as its base level for every rule; the rating
text is kept for display. Levels order the ratings: NE 0, NL2 1, 2, 3, 4.
"""

from __future__ import annotations

from collections.abc import Mapping

RATINGS = ("4", "4+", "3", "3+", "2", "2+", "NL2", "NE")
LEVELS = {"4": 4, "3": 3, "2": 2, "NL2": 1, "NE": 0}
BASE_RATINGS = ("4", "3", "2", "NL2", "NE")

# Default discount on expected effect by strength of evidence (editable per scenario).
DEFAULT_CONFIDENCE: Mapping[str, float] = {"4": 1.0, "3": 0.8, "2": 0.5, "NL2": 0.0}


def base_rating(rating: str) -> str:
    """The rating without its ``+``: ``"3+"`` -> ``"3"``."""
    text = str(rating).strip().upper()
    if text not in RATINGS:
        raise ValueError(f"{rating!r} is not one of {', '.join(RATINGS)}")
    return text.rstrip("+")


def evidence_level(rating: str) -> int:
    """Order of a rating for rules: NE 0, NL2 1, 2, 3, 4 (``+`` as its base)."""
    return LEVELS[base_rating(rating)]


def confidence(rating: str, weights: Mapping[str, float]) -> float:
    """Share of an intervention's expected effect that the plan counts on.

    A weight given for the exact rating (``"3+"``) wins over its base level.
    """
    text = str(rating).strip().upper()
    if text in weights:
        return float(weights[text])
    return float(weights.get(base_rating(text), DEFAULT_CONFIDENCE.get(base_rating(text), 0.0)))
