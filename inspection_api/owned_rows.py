"""Rows an owner holds (a facility's designated operators, an organization's financial
responsibility mechanisms) as one resource: list and create under the owner, show, change and
delete by id. The services differ; the HTTP side is written here once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema

from inspection_api.common import commit
from inspection_api.common import page_of
from inspection_api.common import role_required
from registry.auth import policy
from registry.core.schemas import patch


@dataclass(frozen=True)
class OwnedRows:
    """The services behind the resource, each looking rows up as the caller may see them."""

    owner: Callable[[Any, int], Any]
    """(user, id) → the facility or organization, or NotFound."""
    organization_of: Callable[[Any], int]
    """owner → the organization whose `edit` a change needs."""
    rows_of: Callable[[int], Any]
    add: Callable[[Any, dict[str, Any]], Any]
    get: Callable[[Any, int], Any]
    change: Callable[..., Any]
    """(row, data, *, version) → None."""
    remove: Callable[[Any], Any]


@dataclass(frozen=True)
class Docs:
    """The OpenAPI summary of each operation."""

    list: str
    create: str
    show: str
    change: str
    delete: str


def _described(text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def give(view: Callable[..., Any]) -> Callable[..., Any]:
        view.__doc__ = text
        return view

    return give


def _one_id(ids: dict[str, int]) -> int:
    (value,) = ids.values()
    return value


def add_owned_rows(
    blp: Blueprint,
    rows: OwnedRows,
    schema: type[Schema],
    patch_schema: type[Schema],
    docs: Docs,
    *,
    collection: tuple[str, str],
    item: tuple[str, str],
) -> None:
    """Route `collection` = (class name, URL under the owner) and `item` = (class name, URL
    of one row) on `blp`; the class names are the endpoints."""

    @blp.response(200, schema(many=True))
    @blp.paginate(page_size=100, max_page_size=100)
    @_described(docs.list)
    def list_rows(self: MethodView, pagination_parameters: Any, **ids: int) -> list[Any]:
        owner = rows.owner(current_user, _one_id(ids))
        return page_of(rows.rows_of(owner.id), pagination_parameters)

    @role_required("edit")
    @blp.arguments(schema)
    @blp.response(201, schema)
    @_described(docs.create)
    def create(self: MethodView, data: dict[str, Any], **ids: int) -> Any:
        owner = rows.owner(current_user, _one_id(ids))
        policy.require(current_user, "edit", rows.organization_of(owner))
        row = rows.add(owner, data)
        commit()
        return row

    @blp.response(200, schema)
    @_described(docs.show)
    def show(self: MethodView, **ids: int) -> Any:
        return rows.get(current_user, _one_id(ids))

    def editable(ids: dict[str, int]) -> Any:
        row = rows.get(current_user, _one_id(ids))
        policy.require(current_user, "edit", row.organization_id)
        return row

    @role_required("edit")
    @blp.arguments(patch(patch_schema))
    @blp.response(200, schema)
    @_described(docs.change)
    def change(self: MethodView, data: dict[str, Any], **ids: int) -> Any:
        row = editable(ids)
        rows.change(row, data, version=data.pop("version", None))
        commit()
        return row

    @role_required("edit")
    @blp.response(204)
    @_described(docs.delete)
    def delete(self: MethodView, **ids: int) -> None:
        rows.remove(editable(ids))
        commit()

    blp.route(collection[1])(type(collection[0], (MethodView,), {"get": list_rows, "post": create}))
    blp.route(item[1])(
        type(item[0], (MethodView,), {"get": show, "patch": change, "delete": delete})
    )
