"""Error pages in words, as HTML for people and as JSON for the API."""

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from planner.db import get_session

EXPLANATIONS = {
    400: ("Something in that request was not right", "Check what you entered and try again."),
    403: (
        "You do not have permission to do that",
        "Your role does not allow this. Ask an administrator if you think it should.",
    ),
    404: ("Page not found", "Check the address, or go back to the home page."),
    405: ("That action is not available here", "Go back and try again."),
    429: (
        "Too many requests",
        "Wait a few minutes, then try again.",
    ),
    413: ("That file is too large", "Upload a file smaller than the limit shown on the page."),
    500: (
        "Sorry, something went wrong on our side",
        "Nothing you entered was saved by the failed request. Try again in a moment.",
    ),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, detail: str | None = None) -> ResponseReturnValue:
    title, advice = EXPLANATIONS.get(code, EXPLANATIONS[500])
    if wants_json():
        return jsonify({"errors": [{"field": None, "message": detail or title}]}), code
    return render_template("core/error.html", code=code, title=title, advice=detail or advice), code


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> ResponseReturnValue:
        return render_error(
            400,
            "The form had expired or did not come from this site. Go back, reload and try again.",
        )

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def number_too_large(error: Exception) -> ResponseReturnValue:
        # Ids in addresses are bounded by RecordIdConverter; this catches a number in a form
        # that the database cannot hold (SQLite: OverflowError; PostgreSQL: DataError).
        get_session().rollback()
        return render_error(
            400,
            "A number in that request is too large to be a record or an amount the planner "
            "can keep. Go back, check the numbers and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        detail = error.description if code in (400, 413) and error.description else None
        if code == 400 and detail and detail.startswith("The browser (or proxy)"):
            detail = None
        body, status = render_error(code, detail)  # type: ignore[misc]
        # Keep what the error's own headers say: a 405's Allow (which methods would work), a
        # 401's WWW-Authenticate, a 429's Retry-After.
        kept = {
            name: value for name, value in error.get_headers() if name.lower() != "content-type"
        }
        return body, status, kept

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        logging.getLogger("planner").exception("unhandled error")
        return render_error(500)
