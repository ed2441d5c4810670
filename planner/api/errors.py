"""Every API error has one shape: {"errors": [{"field": ..., "message": ...}]}.

`field` names the request field to fix (None when the problem is not about one field), and
`message` says what is wrong in words a commissioner understands. The shape is the same for
validation failures, missing records, refused permissions and unexpected errors, so a partner
system can show the messages without knowing which endpoint it called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from flask import Response, jsonify
from pydantic import BaseModel, ValidationError

from models.fields import field_errors


class ErrorDetail(BaseModel):
    field: str | None
    message: str


class ErrorResponse(BaseModel):
    """What every API error returns."""

    errors: list[ErrorDetail]


ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
NOT_AS_DOCUMENTED = (
    "The request does not match this document (a field missing, of the wrong type or out of "
    "range): each error names the field and says what to send."
)


def refused_when(*rules: str) -> dict[Any, Any]:
    """The 422 answer of an operation whose well-formed requests can still break a rule (a
    record the body names does not exist, shares that do not add up to 100): the rules are
    listed in words and, for tools, in x-business-rules."""
    listed = "; ".join(rules)
    return {
        422: {
            "description": f"{NOT_AS_DOCUMENTED} Or it breaks a rule: {listed}.",
            "content": ERROR_CONTENT,
            "x-business-rules": list(rules),
        }
    }


class ApiProblem(Exception):
    """Raised by an API view to answer with an error in the stable shape."""

    def __init__(self, status: int, errors: Mapping[Any, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.status = status
        self.errors = dict(errors)


def fail(status: int, message: str, field: str | None = None) -> NoReturn:
    raise ApiProblem(status, {field: message})


def error_response(status: int, errors: Mapping[Any, str]) -> tuple[Response, int]:
    details = [
        {"field": None if field in (None, "__all__") else field, "message": message}
        for field, message in errors.items()
    ]
    return jsonify({"errors": details}), status


def problem_response(problem: ApiProblem) -> tuple[Response, int]:
    response, status = error_response(problem.status, problem.errors)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="planner"'
    return response, status


_ROOT_PROBLEMS = {"model_type", "dict_type", "model_attributes_type", "json_invalid"}


def validation_failed(error: ValidationError) -> Response:
    """flask-openapi3 calls this when a request's path, query or body does not validate (and
    aborts with the response it returns)."""
    if any(problem["type"] in _ROOT_PROBLEMS and not problem["loc"] for problem in error.errors()):
        errors: Mapping[Any, str] = {
            None: "The request body must be a JSON object (Content-Type: application/json)"
        }
    else:
        errors = dict(field_errors(error))
    response, status = error_response(422, errors)
    response.status_code = status
    return response
