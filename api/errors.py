"""One JSON error shape for every error:

    {"error": {"status": 422, "code": "validation_failed", "message": "...",
               "field_errors": [{"field", "message", "validator"}], "findings": [...],
               "details": {...context such as task, instance, state...}}}

Engine exceptions map to HTTP codes here and nowhere else. Unexpected exceptions are logged
and answered with a plain 500 that carries no stack trace.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    DefinitionError,
    Forbidden,
    InvalidState,
    JiaheError,
    MigrationRefused,
    NotFound,
    ValidationFailed,
)

log = logging.getLogger(__name__)

STATUS = [(NotFound, 404), (Forbidden, 403), (Conflict, 409), (InvalidState, 409), (MigrationRefused, 409),
          (ValidationFailed, 422), (DefinitionError, 422)]


class TooManyRequests(JiaheError):
    code = "too_many_requests"


class Unauthorized(JiaheError):
    code = "unauthorized"


def status_of(exc: JiaheError) -> int:
    extra = {TooManyRequests: 429, Unauthorized: 401}
    for cls, status in [*extra.items(), *STATUS]:
        if isinstance(exc, cls):
            return status
    return 400


def error_response(status: int, code: str, message: str, **extra):
    body = {"status": status, "code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v})
    response = jsonify({"error": body})
    response.status_code = status
    return response


def jiahe_error(exc: JiaheError):
    payload = exc.to_dict()
    payload.pop("code", None)
    message = payload.pop("message", exc.message)
    lists = {key: payload.pop(key) for key in ("field_errors", "findings") if key in payload}
    # The rest of the context (task, instance, state, ...) goes under "details", so that it
    # can never collide with the shape's own keys.
    response = error_response(status_of(exc), exc.code, message, details=payload or None, **lists)
    if isinstance(exc, TooManyRequests) and exc.context.get("retry_after"):
        response.headers["Retry-After"] = str(exc.context["retry_after"])
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def http_error(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    field_errors = _field_errors(messages) if messages else None
    code = "validation_failed" if exc.code == 422 else (exc.name or "error").lower().replace(" ", "_")
    message = data.get("message") or (exc.description if exc.code != 422 else "the request is not valid")
    return error_response(exc.code or 500, code, message, field_errors=field_errors)


def unexpected_error(exc: Exception):
    log.exception("unexpected error")
    return error_response(500, "internal_error", "the server could not complete the request; it has been logged")


def _field_errors(messages: dict, prefix: str = "") -> list[dict]:
    """flask-smorest's {location: {field: [messages]}} as our flat field error list."""
    errors = []
    for key, value in messages.items():
        name = key if key in ("json", "query", "form", "files", "headers") and not prefix else f"{prefix}{key}"
        if isinstance(value, dict):
            errors += _field_errors(value, "" if name in ("json", "query", "form", "files", "headers") else f"{name}.")
        else:
            for message in value if isinstance(value, list) else [value]:
                errors.append({"field": name, "message": str(message), "validator": "schema"})
    return errors


def register(app: Flask) -> None:
    app.register_error_handler(JiaheError, jiahe_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
