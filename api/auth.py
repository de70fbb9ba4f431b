"""Who is calling: bearer tokens (API clients) or the web app's session cookie, roles and
jurisdiction checks for the views.

A browser session is a token like any other, carried in an HttpOnly cookie; every unsafe
request authenticated by that cookie must also carry the session's CSRF token in a header,
which another site cannot read. Bearer requests need none: a browser never adds the header
on its own.

A case or task outside the caller's jurisdiction is reported as not found (404): its
existence is itself information (DOMAIN.md, privacy).
"""
from __future__ import annotations

import functools
import hashlib
import hmac

from flask import current_app, g, request

from api.errors import CsrfFailed, Unauthorized
from api.services import services
from engine.access import Principal
from engine.errors import Forbidden, NotFound
from engine.store import token_repository

SESSION_COOKIE = "jiahe_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session_token() -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def request_token() -> str | None:
    """The token this request is authenticated by: the bearer header, else the cookie."""
    return bearer_token() or session_token()


def csrf_token_for(token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"csrf\x00" + token.encode("utf-8"), hashlib.sha256).hexdigest()


def current_principal() -> Principal:
    if "principal" not in g:
        g.principal = _authenticate()
    return g.principal


def _authenticate() -> Principal:
    bearer = bearer_token()
    token = bearer or session_token()
    if not token:
        raise Unauthorized("log in first: send Authorization: Bearer <token>", zh="请先登录")
    svc = services()
    with svc.store.read() as session:
        principal = token_repository.token_holder(session, token, now=svc.clock.now())
    if principal is None:
        raise Unauthorized("the token is unknown, expired or revoked; log in again", zh="登录已失效，请重新登录")
    if bearer is None:
        _check_csrf(token)
    return principal


def _check_csrf(token: str) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode("utf-8", "replace"), csrf_token_for(token).encode("utf-8")):
        raise CsrfFailed(f"this request needs the session's {CSRF_HEADER} header",
                         zh="请求缺少有效的防跨站令牌，请刷新页面后重试")


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        current_principal()
        return view(*args, **kwargs)

    wrapper._jiahe_login = True  # for the OpenAPI document (api.openapi)
    return wrapper


def roles_required(*roles: str):
    """The caller must hold one of `roles` somewhere (jurisdiction is checked per object)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if not principal.has_any_role(roles):
                raise Forbidden(f"this needs one of the roles: {', '.join(sorted(roles))}",
                                zh=f"此操作需要以下角色之一：{'、'.join(sorted(roles))}")
            return view(*args, **kwargs)

        wrapper._jiahe_login = True
        return wrapper

    return decorate


def ensure_sees(org_unit: str | None, *, role: str | None = None, what: str = "case") -> None:
    """404 unless the org unit is within the caller's jurisdiction (for `role`, if given)."""
    if not current_principal().sees(services().chart(), org_unit, role):
        raise NotFound(f"{what} not found", zh="未找到")


def ensure_sees_any(org_unit: str | None, roles, *, what: str = "case") -> None:
    principal, chart = current_principal(), services().chart()
    if not any(principal.sees(chart, org_unit, role) for role in roles):
        raise NotFound(f"{what} not found", zh="未找到")
