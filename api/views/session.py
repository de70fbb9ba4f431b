"""Logging in and out, who I am, and which org units I may see."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.auth import bearer_token, current_principal, login_required
from api.errors import Unauthorized
from api.schemas.common import MembershipOut, OrgUnitOut
from api.services import services
from engine.store import org_repository, token_repository

blp = Blueprint("session", __name__, url_prefix="/api/v1", description="登录与身份 Login and identity")


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class TokenOut(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    username = fields.String()


class MeOut(Schema):
    username = fields.String()
    display_name = fields.String()
    memberships = fields.List(fields.Nested(MembershipOut))


@blp.route("/auth/login", methods=["POST"])
@blp.arguments(LoginIn)
@blp.response(200, TokenOut)
def login(body):
    """Exchange username and password for a bearer token (rate-limited)."""
    svc = services()
    per_minute = current_app.config["LOGIN_ATTEMPTS_PER_MINUTE"]
    svc.limiter.hit(f"login:{request.remote_addr}:{body['username']}", per_minute, 60, "login attempts")
    with svc.store.write() as session:
        if not org_repository.verify_password(session, body["username"], body["password"]):
            raise Unauthorized("wrong username or password")
        ttl = timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
        token, expires = token_repository.issue(session, body["username"], now=svc.clock.now(), ttl=ttl)
    return {"token": token, "expires_at": expires, "username": body["username"]}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@login_required
def logout():
    """Revoke the token of this request."""
    svc = services()
    with svc.store.write() as session:
        token_repository.revoke(session, bearer_token(), now=svc.clock.now())


@blp.route("/me")
@blp.response(200, MeOut)
@login_required
def me():
    principal = current_principal()
    return {"username": principal.username, "display_name": principal.display_name,
            "memberships": [{"role": m.role, "org_unit": m.org_unit} for m in principal.memberships]}


@blp.route("/org-units")
@blp.response(200, OrgUnitOut(many=True))
@login_required
def org_units():
    """The org units the caller may see: her units and everything below them."""
    chart = services().chart()
    visible = current_principal().visible_units(chart)
    return [{"id": u.id, "name": u.name, "level": u.level, "parent": u.parent}
            for u in chart.parents_first() if u.id in visible]
