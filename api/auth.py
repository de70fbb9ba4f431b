"""Who is calling: bearer tokens, roles and jurisdiction checks for the views.

A case or task outside the caller's jurisdiction is reported as not found (404): its
existence is itself information (DOMAIN.md, privacy).
"""
from __future__ import annotations

import functools

from flask import g, request

from api.errors import Unauthorized
from api.services import services
from engine.access import Principal
from engine.errors import Forbidden, NotFound
from engine.store import token_repository


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_principal() -> Principal:
    if "principal" not in g:
        g.principal = _authenticate()
    return g.principal


def _authenticate() -> Principal:
    token = bearer_token()
    if not token:
        raise Unauthorized("log in first: send Authorization: Bearer <token>")
    svc = services()
    with svc.store.read() as session:
        principal = token_repository.token_holder(session, token, now=svc.clock.now())
    if principal is None:
        raise Unauthorized("the token is unknown, expired or revoked; log in again")
    return principal


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_principal()
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """The caller must hold one of `roles` somewhere (jurisdiction is checked per object)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if not principal.has_any_role(roles):
                raise Forbidden(f"this needs one of the roles: {', '.join(sorted(roles))}")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def ensure_sees(org_unit: str | None, *, role: str | None = None, what: str = "case") -> None:
    """404 unless the org unit is within the caller's jurisdiction (for `role`, if given)."""
    if not current_principal().sees(services().chart(), org_unit, role):
        raise NotFound(f"{what} not found")


def ensure_sees_any(org_unit: str | None, roles, *, what: str = "case") -> None:
    principal, chart = current_principal(), services().chart()
    if not any(principal.sees(chart, org_unit, role) for role in roles):
        raise NotFound(f"{what} not found")
