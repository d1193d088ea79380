"""The choices of a label print: stock, first position on the sheet, which assets."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from registry.core.schemas import BaseSchema
from registry.core.schemas import id_field
from registry.labels.sheets import DEFAULT_STOCK
from registry.labels.sheets import STOCKS


class LabelOptionsSchema(BaseSchema):
    """Query of /facilities/<id>/labels.pdf: ?stock=99x38&start=3&asset=1&asset=2."""

    stock = fields.String(
        load_default=DEFAULT_STOCK,
        validate=validate.OneOf(list(STOCKS), error=_l("Must be one of: {choices}.")),
    )
    start = fields.Integer(load_default=1, validate=validate.Range(min=1, max=99))
    asset = fields.List(id_field(), load_default=list)

    @validates_schema
    def _start_on_the_sheet(self, data: dict[str, Any], **kwargs: Any) -> None:
        stock = STOCKS.get(data.get("stock") or DEFAULT_STOCK)
        if stock is not None and data.get("start", 1) > stock.per_sheet:
            raise ValidationError(
                _l("A sheet of this stock has %(n)s labels.", n=stock.per_sheet), "start"
            )
