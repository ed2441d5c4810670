"""The glossary page, for every role."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from planner.glossary.terms import TERMS, term_link

bp = Blueprint("glossary", __name__)


@bp.get("/glossary")
@login_required
def index() -> str:
    """Each technical term in plain words, alphabetical."""
    return render_template("glossary/index.html", terms=sorted(TERMS, key=lambda t: t.word.lower()))


@bp.app_template_global("term")
def term(key: str, text: str | None = None) -> object:
    """``{{ term('shadow-price') }}``: the word, linked to its glossary entry."""
    return term_link(key, text)
