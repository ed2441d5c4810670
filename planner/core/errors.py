"""Error pages in words, as HTML for people and as JSON for the API."""

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    InterfaceError,
    OperationalError,
    PendingRollbackError,
    SQLAlchemyError,
)
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from planner.db import get_session
from planner.extensions import login_manager

CHANGED_MEANWHILE_SHORT = (
    "Someone else changed this record meanwhile. Go back, reload and try again."
)
EXPLANATIONS = {
    400: ("Something in that request was not right", "Check what you entered and try again."),
    403: (
        "You do not have permission to do that",
        "Your role does not allow this. Ask an administrator if you think it should.",
    ),
    404: ("Page not found", "Check the address, or go back to the home page."),
    409: ("Your change was not saved", CHANGED_MEANWHILE_SHORT),
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
    503: (
        "The planner cannot reach its database just now",
        "Nothing you entered was saved by this request. Try again in a minute or two; if this "
        "page keeps coming back, tell whoever runs the planner that its database is not "
        "answering.",
    ),
}
RETRY_AFTER_SECONDS = 30
CHANGED_MEANWHILE = (
    "Someone else saved this record at the same moment, so your change was not made. "
    "Read it again and make your change once more if it still applies."
)


def database_is_down(error: BaseException) -> bool:
    """Whether an error means the database cannot be reached (not that a query was wrong)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OperationalError | InterfaceError | PendingRollbackError):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _forget_the_request_session() -> None:
    """Drop the request's database session and read no signed-in user: both need the database.
    The page is then rendered as for someone signed out."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except SQLAlchemyError:
            session.invalidate()
    g._login_user = login_manager.anonymous_user()


def database_unavailable() -> ResponseReturnValue:
    _forget_the_request_session()
    if request.endpoint == "core.health":
        # A signed-in browser's health check fails on reading its user before the view runs:
        # monitors still get the health answer's own shape.
        response = make_response(jsonify({"status": "unavailable", "database": False}), 503)
    else:
        response = make_response(render_error(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


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
        response = make_response(render_error(code, detail))
        # Keep what the error's own headers say: a 405's Allow (which methods would work), a
        # 401's WWW-Authenticate, a 429's Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError) -> ResponseReturnValue:
        # Two saves of one record raced; the version in the UPDATE stopped the second.
        get_session().rollback()
        if request.path.startswith("/api/"):
            return jsonify({"errors": [{"field": None, "message": CHANGED_MEANWHILE}]}), 412
        return render_error(409, CHANGED_MEANWHILE)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError) -> ResponseReturnValue:
        if database_is_down(error):
            logging.getLogger("planner").warning("database unavailable: %s", error)
            return database_unavailable()
        return unexpected(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        if database_is_down(error):
            logging.getLogger("planner").warning("database unavailable: %s", error)
            return database_unavailable()
        logging.getLogger("planner").exception("unhandled error")
        return render_error(500)
