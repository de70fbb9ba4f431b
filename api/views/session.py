"""Logging in and out, who I am, and which org units I may see."""
from __future__ import annotations

from flask import jsonify, make_response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.auth import SESSION_COOKIE, csrf_token_for, current_principal, login_required, request_token
from api.login import log_in, set_device_cookie
from api.openapi import rate_limited
from api.schemas.common import MembershipOut, OrgUnitOut
from api.services import services
from engine.org import ROLES
from engine.store import task_queries, token_repository

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


class SessionOut(MeOut):
    csrf_token = fields.String(metadata={"description": "send it as X-CSRF-Token with every POST, PUT, PATCH "
                                                        "and DELETE made with the session cookie"})
    expires_at = fields.DateTime(allow_none=True)


@blp.route("/auth/login", methods=["POST"])
@rate_limited
@blp.arguments(LoginIn)
@blp.response(200, TokenOut)
def login(body):
    """Exchange username and password for a bearer token, for API clients (rate-limited:
    per address, and per username for clients she has not logged in from before)."""
    done = log_in(body["username"], body["password"])
    response = jsonify(TokenOut().dump({"token": done.token, "expires_at": done.expires_at,
                                        "username": done.principal.username}))
    set_device_cookie(response, done.device_cookie)
    return response


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@login_required
def logout():
    """Revoke the token (or end the session) this request is authenticated by."""
    _end(request_token())


@blp.route("/auth/session", methods=["POST"])
@rate_limited
@blp.arguments(LoginIn)
@blp.response(200, SessionOut)
def open_session(body):
    """Log in the web app: the session travels in an HttpOnly cookie; unsafe requests made
    with it carry the returned csrf_token in the X-CSRF-Token header."""
    done = log_in(body["username"], body["password"])
    response = jsonify(SessionOut().dump(_session_body(done.principal, done.token, done.expires_at)))
    response.set_cookie(SESSION_COOKIE, done.token, expires=done.expires_at, httponly=True, samesite="Lax",
                        secure=request.is_secure, path="/")
    set_device_cookie(response, done.device_cookie)
    return response


@blp.route("/auth/session")
@blp.response(200, SessionOut)
@login_required
def current_session():
    """The web app's session: who is logged in and the CSRF token (401 without a session)."""
    principal, token = current_principal(), request_token()
    svc = services()
    with svc.store.read() as session:
        expires = token_repository.expiry_of(session, token)
    return _session_body(principal, token, expires)


@blp.route("/auth/session", methods=["DELETE"])
@blp.response(204)
@login_required
def close_session():
    """Log out of the web app: the session ends on the server and its cookie is cleared."""
    _end(request_token())
    response = make_response("", 204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _session_body(principal, token: str, expires) -> dict:
    return {**_me(principal), "csrf_token": csrf_token_for(token), "expires_at": expires}


def _end(token: str | None) -> None:
    svc = services()
    with svc.store.write() as session:
        token_repository.revoke(session, token, now=svc.clock.now())


def _me(principal) -> dict:
    return {"username": principal.username, "display_name": principal.display_name,
            "memberships": [{"role": m.role, "org_unit": m.org_unit} for m in principal.memberships]}


@blp.route("/me")
@blp.response(200, MeOut)
@login_required
def me():
    return _me(current_principal())


class NamedOut(Schema):
    key = fields.String()
    name = fields.String()


class CatalogOut(Schema):
    processes = fields.List(fields.Nested(NamedOut), metadata={"description": "deployed processes, by key"})
    roles = fields.List(fields.Nested(NamedOut))


@blp.route("/catalog")
@blp.response(200, CatalogOut)
@login_required
def catalog():
    """The Chinese names of the deployed processes and of the roles, for labels and filters."""
    svc = services()
    with svc.store.read() as session:
        processes = task_queries.process_names(session)
    return {"processes": [{"key": key, "name": name} for key, name in sorted(processes.items())],
            "roles": [{"key": key, "name": name} for key, name in ROLES.items()]}


@blp.route("/org-units")
@blp.response(200, OrgUnitOut(many=True))
@login_required
def org_units():
    """The org units the caller may see: her units and everything below them."""
    chart = services().chart()
    visible = current_principal().visible_units(chart)
    return [{"id": u.id, "name": u.name, "level": u.level, "parent": u.parent}
            for u in chart.parents_first() if u.id in visible]
