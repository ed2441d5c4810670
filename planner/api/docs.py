"""The OpenAPI document and its interactive docs, generated from the API's own code.

flask-openapi3 builds the document from the pydantic schemas the views declare; the Swagger UI
comes from the flask-openapi3-swagger package, which ships its JavaScript and CSS, so the docs
work without reaching any other site.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_openapi3 import Info

from planner.api.base import API_PREFIX, SECURITY_SCHEMES
from planner.api.errors import ErrorResponse, validation_failed

DESCRIPTION = """\
Read and change a partnership's inputs (partners, budgets, interventions, places, demand types),
scenarios, plans and delivery records, with the same rules and role checks as the web app.

**Sign in** with an API token: create one on the planner's *API tokens* page and send it as
`Authorization: Bearer <token>`. A token acts as its user: a place lead's token sees only that
lead's places.

**Lists** are paged with `limit` (at most 500) and `offset`, and say the `total`.

**Changing a record** never overwrites someone else's change: reading a record answers with an
`ETag` (its version); send it back as `If-Match` with a PATCH. Without it the answer is 428; if
the record has changed since you read it, 412 and nothing is changed: read it again.

**Refusals** say why in words: 404 when a record the address names does not exist, 409 when a
name or year is already taken or a record to delete is still in use, 412/428 for If-Match, and
422 when the request does not match this document or breaks a rule the operation's 422 answer
lists (its `x-business-rules`).

**Errors** always have the shape `{"errors": [{"field": "maximum", "message": "must be 0 or more"}]}`;
`field` is null when the problem is not about one field.

Money is in pounds, as a string with pence (`"12500.00"`). Financial years are given by their
start year: `2026` means 2026/27 (1 April 2026 to 31 March 2027).
"""


def openapi_options() -> dict[str, Any]:
    """Keyword arguments for flask_openapi3.OpenAPI: where the document and docs live."""
    return {
        "info": Info(
            title="Pooled commissioning planner API", version="1", description=DESCRIPTION
        ),
        "security_schemes": SECURITY_SCHEMES,
        "doc_prefix": API_PREFIX,
        "doc_url": "/openapi.json",
        "validation_error_status": 422,
        "validation_error_model": ErrorResponse,
        "validation_error_callback": validation_failed,
    }


def configure_docs(app: Flask) -> None:
    """Our own landing page for /api/v1/ and Swagger UI settings."""
    app.config.setdefault("OPENAPI_HTML_STRING", '{% include "api/docs.html" %}')
    # Swagger UI's own page runs an inline script, which the content security policy refuses;
    # ours starts it from a static file instead.
    app.config.setdefault("SWAGGER_HTML_STRING", '{% include "api/swagger.html" %}')
    app.config.setdefault(
        "SWAGGER_CONFIG", {"persistAuthorization": False, "tryItOutEnabled": True}
    )
