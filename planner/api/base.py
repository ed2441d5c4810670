"""What every API blueprint shares: /api/v1, token sign-in, role checks and the error shape.

The API signs users in by token only (`Authorization: Bearer <token>`), never by the browser's
session cookie, so API calls need no CSRF token and a browser tab cannot be tricked into making
them. Role rules are the web app's: the same tuples from `planner.auth.roles`.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.exc import DataError, IntegrityError

from models.fields import plain_numbers
from models.vocabulary import Role
from planner.api.errors import (
    ERROR_CONTENT,
    NOT_AS_DOCUMENTED,
    ApiProblem,
    ErrorResponse,
    error_response,
    problem_response,
)
from planner.auth.service import SignedInUser
from planner.db import get_session
from planner.extensions import csrf
from planner.inputs.validation import InputConflict, InputError, InputNotFound
from planner.tokens.service import user_for_token

API_PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerToken"

SECURITY_SCHEMES = {
    SECURITY_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token, created on the 'API tokens' page of the planner.",
    }
}

# Every operation may answer with these, in the one error shape.
COMMON_RESPONSES: dict[int, Any] = {
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    422: {"description": NOT_AS_DOCUMENTED, "content": ERROR_CONTENT},
}


class IdPath(BaseModel):
    """A record's id in the address."""

    _plain_numbers = model_validator(mode="before")(plain_numbers)

    id: int = Field(ge=1, le=2_147_483_647)


def api_blueprint(name: str, tag: str, description: str) -> APIBlueprint:
    """An API blueprint under /api/v1 that signs callers in by token and answers errors as JSON."""
    blueprint = APIBlueprint(
        f"api_{name}",
        __name__,
        url_prefix=API_PREFIX,
        abp_tags=[Tag(name=tag, description=description)],
        abp_security=[{SECURITY_SCHEME: []}],
        abp_responses=COMMON_RESPONSES,  # type: ignore[arg-type]
        operation_id_callback=_operation_id,
    )
    csrf.exempt(blueprint)
    blueprint.before_request(_sign_in_by_token)
    blueprint.register_error_handler(ApiProblem, problem_response)
    blueprint.register_error_handler(InputConflict, _input_conflict)
    blueprint.register_error_handler(InputError, _input_error)
    blueprint.register_error_handler(InputNotFound, _not_found)
    blueprint.register_error_handler(DataError, _out_of_range)
    blueprint.register_error_handler(OverflowError, _out_of_range)
    blueprint.register_error_handler(IntegrityError, _conflict)
    return blueprint


def _operation_id(*, name: str, path: str, method: str) -> str:
    """Operation ids are the view names (list_partners, create_partner), unique across the API,
    so generated clients get readable method names."""
    return name


def _sign_in_by_token() -> None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiProblem(
            401,
            {
                None: "Sign in with an API token: send the header 'Authorization: Bearer <token>'. "
                "Create a token on the planner's API tokens page."
            },
        )
    user = user_for_token(get_session(), secret.strip())
    if user is None:
        raise ApiProblem(
            401,
            {
                None: "That API token is not valid: it may have been revoked, or its user's "
                "account closed. Create a new token on the API tokens page."
            },
        )
    g.api_user = user


def api_user(*roles: Role) -> SignedInUser:
    """The token's user; with `roles`, refuse (403) a user whose role is not one of them."""
    user: SignedInUser = g.api_user
    if roles and user.role not in roles:
        raise ApiProblem(
            403,
            {
                None: f"Your role ({user.role.label}) does not allow this. "
                "Ask an administrator if you think it should."
            },
        )
    return user


def _input_error(error: InputError) -> Any:
    get_session().rollback()
    return error_response(422, error.errors)


def _input_conflict(error: InputConflict) -> Any:
    get_session().rollback()
    return error_response(409, error.errors)


def _not_found(error: InputNotFound) -> Any:
    get_session().rollback()
    return error_response(404, {None: str(error)})


def _out_of_range(error: Exception) -> Any:
    # The schemas bound what they can; an id or count beyond the database's range is still the
    # caller's mistake, not the server's.
    get_session().rollback()
    return error_response(
        422, {None: "A number in the request is too large to be a record id or count"}
    )


def _conflict(error: IntegrityError) -> Any:
    # Services check uniqueness and references first; this catches a race between two callers.
    get_session().rollback()
    return error_response(
        422,
        {
            None: "That change conflicts with another record (it may have just been changed); try again"
        },
    )
