"""One shape for every input resource: list, read, create, change and delete, each calling the
input service that the web pages call, so the API applies the same checks and audit.

A resource is described once (`Resource`) and `add_resource` makes its five endpoints:

    GET    /{path}                 paged list          (GET /{parent}/{id}/{path} for a child)
    POST   /{path}                 create              (POST /{parent}/{id}/{path} for a child)
    GET    /{path}/{id}            read one
    PATCH  /{path}/{id}            change the fields sent; the rest keep their value (If-Match:
                                   the ETag GET gave; 428 without it, 412 if changed since)
    DELETE /{path}/{id}            delete (refused, in words, while something uses it)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_openapi3 import APIBlueprint
from pydantic import BaseModel, create_model, model_validator
from pydantic.fields import FieldInfo
from sqlmodel import Session, SQLModel, col, select

from models.fields import plain_numbers
from models.vocabulary import Role
from planner.api.base import IdPath, api_blueprint, api_user
from planner.api.errors import ErrorResponse, refused_when
from planner.api.pagination import Page, PageQuery, paged
from planner.api.versions import PRECONDITION_RESPONSES, IfMatch, etag_headers, require_current
from planner.auth.roles import EDITORS, READERS
from planner.db import get_session
from planner.inputs.validation import fetch


@dataclass(frozen=True)
class Parent:
    """The record a child resource belongs to, e.g. a place for its populations."""

    path: str
    label: str
    table: type[SQLModel]
    column: str


@dataclass(frozen=True)
class Resource:
    path: str
    label: str
    tag: str
    description: str
    table: type[SQLModel]
    public: type[SQLModel]
    body: type[BaseModel]
    create: Callable[..., SQLModel]
    update: Callable[..., SQLModel]
    delete: Callable[..., None]
    parent: Parent | None = None
    # How a record is shown, when it is more than its own columns (a demand type's cost shares).
    shown: Callable[[Session, Any], BaseModel] | None = None
    readers: tuple[Role, ...] = READERS
    editors: tuple[Role, ...] = EDITORS
    # Rules a well-formed create or change can still break (listed in its 422 answer).
    rules: tuple[str, ...] = ()
    # Whether its service refuses duplicates and deletions in use with 409 (InputConflict).
    conflicts: bool = False

    @property
    def snake(self) -> str:
        return self.path.replace("-", "_")


def partial(schema: type[BaseModel]) -> type[BaseModel]:
    """The schema with every field optional, for PATCH: send only what changes. A field may be
    left out, but not sent as null unless it may be empty anyway ({"name": null} is a 422
    naming the field, and the document says so): the type stays the Create schema's."""
    fields: dict[str, Any] = {
        name: (
            info.annotation,
            FieldInfo.merge_field_infos(info, default=None, default_factory=None),
        )
        for name, info in schema.model_fields.items()
    }
    changes = create_model(
        f"{schema.__name__.removesuffix('Create')}Changes",
        # Numbers are checked as sent (plain digits), before the service sees the merged record.
        __validators__={"plain_numbers": model_validator(mode="before")(plain_numbers)},  # type: ignore[dict-item]
        **fields,
    )
    changes.__doc__ = "Send only the fields to change; the others keep their value."
    # The service validates the merged record with `schema`; the document states its rules.
    changes.__rules_from__ = schema  # type: ignore[attr-defined]
    return changes


def add_resource(resource: Resource) -> APIBlueprint:
    """An API blueprint with the resource's five endpoints."""
    bp = api_blueprint(resource.snake, resource.tag, resource.description)
    label, public, snake = resource.label, resource.public, resource.snake
    changes = partial(resource.body)
    item_rule = f"/{resource.path}/<int:id>"
    if resource.parent is None:
        list_rule = f"/{resource.path}"
    else:
        list_rule = f"/{resource.parent.path}/<int:id>/{resource.path}"

    def list_records(query: PageQuery, path: IdPath | None = None) -> dict[str, Any]:
        api_user(*resource.readers)
        session = get_session()
        statement = select(resource.table).order_by(col(resource.table.id))  # type: ignore[attr-defined]
        if resource.parent is not None and path is not None:
            parent = fetch(session, resource.parent.table, path.id, resource.parent.label)
            column = getattr(resource.table, resource.parent.column)
            statement = statement.where(column == parent.id)  # type: ignore[attr-defined]
        return paged(session, statement, query, lambda record: _shown(resource, session, record))

    def create_record(body: BaseModel, path: IdPath | None = None) -> tuple[dict[str, Any], int]:
        user = api_user(*resource.editors)
        session = get_session()
        fields = body.model_dump()
        if resource.parent is not None and path is not None:
            record = resource.create(session, path.id, fields, actor=user)
        else:
            record = resource.create(session, fields, actor=user)
        return _public(resource, session, record), 201

    def read_record(path: IdPath) -> tuple[dict[str, Any], int, dict[str, str]]:
        api_user(*resource.readers)
        session = get_session()
        record = fetch(session, resource.table, path.id, label)
        return _public(resource, session, record), 200, etag_headers(record)

    def update_record(
        path: IdPath, body: BaseModel, header: IfMatch
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        user = api_user(*resource.editors)
        session = get_session()
        require_current(fetch(session, resource.table, path.id, label), label)
        fields = body.model_dump(exclude_unset=True)
        record = resource.update(session, path.id, fields, actor=user)
        return _public(resource, session, record), 200, etag_headers(record)

    def delete_record(path: IdPath) -> tuple[str, int]:
        user = api_user(*resource.editors)
        resource.delete(get_session(), path.id, actor=user)
        return "", 204

    owner = f" of a {resource.parent.label}" if resource.parent else ""
    list_path = {"path": IdPath} if resource.parent else {}
    refusals = refused_when(*resource.rules) if resource.rules else {}
    # A name or year another record has (create, change), or a record still in use (delete).
    conflicts = {409: ErrorResponse} if resource.conflicts else {}
    endpoints: list[tuple[Callable[..., Any], str, str, dict[str, Any], dict[int, Any], str]] = [
        (
            list_records,
            "get",
            list_rule,
            {"query": PageQuery, **list_path},
            {200: Page[public]},  # type: ignore[valid-type]  # the schema is built at run time
            f"List the {label}s{owner}",
        ),
        (
            create_record,
            "post",
            list_rule,
            {"body": resource.body, **list_path},
            {201: public, **refusals, **conflicts},
            f"Add a {label}",
        ),
        (read_record, "get", item_rule, {"path": IdPath}, {200: public}, f"Read one {label}"),
        (
            update_record,
            "patch",
            item_rule,
            {"path": IdPath, "body": changes, "header": IfMatch},
            {200: public, **PRECONDITION_RESPONSES, **refusals, **conflicts},
            f"Change a {label}",
        ),
        (
            delete_record,
            "delete",
            item_rule,
            {"path": IdPath},
            {204: None, **conflicts},
            f"Delete a {label}",
        ),
    ]
    one = label.replace(" ", "_")
    names = {"list": snake, "create": one, "read": one, "update": one, "delete": one}
    for view, method, rule, parameters, responses, summary in endpoints:
        verb = view.__name__.split("_")[0]
        view.__name__ = f"{verb}_{names[verb]}"
        view.__annotations__ = {**parameters, "return": Any}
        view.__doc__ = summary
        getattr(bp, method)(rule, responses=responses, summary=summary)(view)
    return bp


def _shown(resource: Resource, session: Session, record: SQLModel) -> BaseModel:
    if resource.shown is not None:
        return resource.shown(session, record)
    return resource.public.model_validate(record)


def _public(resource: Resource, session: Session, record: SQLModel) -> dict[str, Any]:
    session.refresh(record)
    return _shown(resource, session, record).model_dump(mode="json")
