"""Schemas shared by several views."""
from __future__ import annotations

from marshmallow import Schema, fields, validate


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


def page_of(items: list, total: int, page: int, per_page: int, *, capped: bool | None = None) -> dict:
    """A page as the *PageOut schemas give it; `capped` for the lists whose totals are counted
    only so far (CountedPageOut)."""
    counted = {} if capped is None else {"total_capped": capped}
    return {"items": items, "total": total, **counted, "page": page, "per_page": per_page}


class CountedPageOut(Schema):
    """A page of a list whose total is counted only up to 1,000 past the page's first item, so
    that a page costs the same whether the list holds a thousand items or a million."""

    total = fields.Integer(metadata={
        "description": "how many items the list holds, counted up to 1,000 past the page's first item "
                       "((page - 1) x per_page + 1000): when it holds more, total is that limit and "
                       "total_capped is true (show it as e.g. 1000+)"})
    total_capped = fields.Boolean(metadata={
        "description": "true when the list holds more items than total (counting stopped there)"})
    page = fields.Integer()
    per_page = fields.Integer()


class MembershipOut(Schema):
    role = fields.String()
    org_unit = fields.String()


class OrgUnitOut(Schema):
    id = fields.String()
    name = fields.String()
    level = fields.String()
    parent = fields.String(allow_none=True)
