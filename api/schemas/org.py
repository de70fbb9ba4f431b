"""Requests and answers of the admin API: users, memberships, org units, org import."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import MembershipOut, PageArgs
from engine.definitions.catalog import LEVELS
from engine.org import ROLES

MIN_PASSWORD_LENGTH = 8
# Ids and usernames end up in URLs: no slashes, no spaces.
URL_SAFE = validate.Regexp(r"^[^\s/?#%]+$", error="must not contain spaces, '/', '?', '#' or '%'")


def password_field(**kwargs) -> fields.String:
    return fields.String(load_only=True, validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=200), **kwargs)


class MembershipIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(list(ROLES)))
    org_unit = fields.String(required=True, validate=validate.Length(min=1, max=64))


class UserIn(Schema):
    username = fields.String(required=True, validate=[validate.Length(min=1, max=100), URL_SAFE])
    display_name = fields.String(load_default="", validate=validate.Length(max=200))
    password = password_field(required=True)
    memberships = fields.List(fields.Nested(MembershipIn), required=True, validate=validate.Length(min=1))


class UserPatchIn(Schema):
    display_name = fields.String(validate=validate.Length(min=1, max=200))
    password = password_field()
    active = fields.Boolean()


class UserArgs(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(max=100))


class UserOut(Schema):
    username = fields.String()
    display_name = fields.String()
    active = fields.Boolean()
    memberships = fields.List(fields.Nested(MembershipOut))


class UserPage(Schema):
    items = fields.List(fields.Nested(UserOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class OrgUnitIn(Schema):
    id = fields.String(required=True, validate=[validate.Length(min=1, max=64), URL_SAFE])
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    parent = fields.String(required=True, validate=validate.Length(min=1, max=64))


class OrgUnitPatchIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ImportSummaryOut(Schema):
    units_added = fields.Integer()
    units_updated = fields.Integer()
    users_added = fields.Integer()
    users_updated = fields.Integer()
    memberships_added = fields.Integer()

