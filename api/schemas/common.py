"""Schemas shared by several views."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


def page_of(items: list, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


class MembershipOut(Schema):
    role = fields.String()
    org_unit = fields.String()


class OrgUnitOut(Schema):
    id = fields.String()
    name = fields.String()
    level = fields.String()
    parent = fields.String(allow_none=True)
