"""The OpenAPI document says what the server does: our one error shape, the errors each
operation can answer, and how to authenticate (so that the docs page's Authorize button
works and generated clients know). An apispec plugin reads what the views' decorators mark
(api.auth, rate_limited) as each path is added."""
from __future__ import annotations

import functools

from apispec import BasePlugin
from marshmallow import Schema, fields

from api.schemas.processes import FindingOut

SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer",
                   "description": "POST /api/v1/auth/login gives the token (API clients)"},
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "jiahe_session",
                   "description": "the web app's session (POST /api/v1/auth/session); unsafe requests also "
                                  "send its csrf_token as X-CSRF-Token"},
}
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
UNSAFE = ("post", "put", "patch", "delete")


class FieldErrorOut(Schema):
    field = fields.String(metadata={"description": "dotted path, e.g. data.parties.0.phone, or a header name"})
    message = fields.String()
    validator = fields.String()


class ErrorBodyOut(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "stable, in English, e.g. validation_failed"})
    message = fields.String(required=True, metadata={"description": "Chinese unless Accept-Language asks for en"})
    field_errors = fields.List(fields.Nested(FieldErrorOut))
    findings = fields.List(fields.Nested(FindingOut))
    details = fields.Dict(metadata={"description": "context: the task, case, state, ..."})


class ErrorOut(Schema):
    error = fields.Nested(ErrorBodyOut, required=True)


def marked(name: str):
    """A decorator that only marks the view (for this plugin), e.g. marked("rate_limited")."""

    def mark(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        setattr(wrapper, f"_jiahe_{name}", True)
        return wrapper

    return mark


rate_limited = marked("rate_limited")
needs_login = marked("login")


class ErrorResponsesPlugin(BasePlugin):
    """Adds the error responses and security of each operation from its view's marks."""

    def __init__(self, app):
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        if view is None or not operations:
            return
        logged_in = getattr(view, "_jiahe_login", False)
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, name in _errors(method, logged_in, bool(rule.arguments),
                                        getattr(view, "_jiahe_rate_limited", False)):
                responses.setdefault(status, name)
            if logged_in:
                operation.setdefault("security", SECURITY)


def _errors(method: str, logged_in: bool, has_path_params: bool, limited: bool) -> list[tuple[str, str]]:
    errors = [("422", "UNPROCESSABLE_ENTITY")]  # the strict edge checks every query
    if logged_in:
        errors += [("401", "UNAUTHORIZED"), ("403", "FORBIDDEN")]
    if logged_in or has_path_params:
        errors.append(("404", "NOT_FOUND"))
    if method in UNSAFE:
        errors += [("409", "CONFLICT"), ("413", "REQUEST_ENTITY_TOO_LARGE")]
    if limited:
        errors.append(("429", "TOO_MANY_REQUESTS"))
    return errors


def register_security(spec) -> None:
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
