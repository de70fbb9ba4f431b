"""One JSON error shape for every error:

    {"error": {"status": 422, "code": "validation_failed", "message": "...",
               "field_errors": [{"field", "message", "validator"}], "findings": [...],
               "details": {...context such as task, instance, state...}}}

Engine exceptions map to HTTP codes here and nowhere else. Messages are Chinese unless the
request prefers English (Accept-Language: en); codes never change with the language.
Unexpected exceptions are logged and answered with a plain 500 that carries no stack trace.
"""
from __future__ import annotations

import logging
import re

from flask import Flask, jsonify, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    DefinitionError,
    Forbidden,
    Gone,
    InvalidState,
    JiaheError,
    MigrationRefused,
    NotFound,
    TooLarge,
    ValidationFailed,
)

log = logging.getLogger(__name__)

STATUS = [(NotFound, 404), (Forbidden, 403), (Conflict, 409), (InvalidState, 409), (MigrationRefused, 409),
          (ValidationFailed, 422), (DefinitionError, 422), (Gone, 410), (TooLarge, 413)]
LANGUAGES = ("zh", "en")


class TooManyRequests(JiaheError):
    code = "too_many_requests"


class Unauthorized(JiaheError):
    code = "unauthorized"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


def language() -> str:
    """zh unless the request prefers English."""
    try:
        header = request.accept_languages
    except RuntimeError:  # outside a request (the CLI)
        return "en"
    return header.best_match(LANGUAGES, default="zh") if header else "zh"


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
    payload = exc.to_dict(language())
    payload.pop("code", None)
    message = payload.pop("message")
    lists = {key: payload.pop(key) for key in ("field_errors", "findings") if key in payload}
    # The rest of the context (task, instance, state, ...) goes under "details", so that it
    # can never collide with the shape's own keys.
    response = error_response(status_of(exc), exc.code, message, details=payload or None, **lists)
    if isinstance(exc, TooManyRequests) and exc.context.get("retry_after"):
        response.headers["Retry-After"] = str(exc.context["retry_after"])
    if isinstance(exc, Unauthorized):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


# What werkzeug says, in Chinese; codes are werkzeug's names in snake case.
HTTP_MESSAGES_ZH = {
    400: "请求格式不正确", 401: "请先登录", 403: "无权进行此操作", 404: "未找到所请求的内容",
    405: "该地址不支持此请求方法", 406: "无法提供所要求的格式", 408: "请求超时", 409: "与当前状态冲突",
    411: "请求需要提供长度", 413: "请求内容过大", 414: "请求地址过长", 415: "不支持的内容类型",
    422: "请求内容不符合要求", 429: "请求过于频繁，请稍后再试", 431: "请求头过大", 500: "服务器内部错误",
    501: "尚未实现", 503: "服务暂不可用",
}


def http_error(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    status = exc.code or 500
    lang = language()
    field_errors = _field_errors(messages, lang) if messages else None
    code = "validation_failed" if status == 422 else (exc.name or "error").lower().replace(" ", "_").replace("'", "")
    if lang == "zh":
        message = HTTP_MESSAGES_ZH.get(status) or exc.name
    else:
        message = data.get("message") or (exc.description if status != 422 else "the request is not valid")
    response = error_response(status, code, message, field_errors=field_errors)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def database_error(exc: DBAPIError):
    """The database went away (a restart, a dropped connection). The pool has let the
    connection go, so the request sent again is answered; a submission that lost it during
    COMMIT may have been saved, and its retry with the same Idempotency-Key is recognised."""
    if not (exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))):
        return unexpected_error(exc)
    log.warning("database unavailable: %s", exc)
    message = "与数据库的连接中断，请稍后重试" if language() == "zh" else \
        "the connection to the database was lost; try again shortly"
    response = error_response(503, "database_unavailable", message)
    response.headers["Retry-After"] = "1"
    return response


def unexpected_error(exc: Exception):
    log.exception("unexpected error")
    message = "服务器未能完成请求，已记录此错误" if language() == "zh" else \
        "the server could not complete the request; it has been logged"
    return error_response(500, "internal_error", message)


# marshmallow's messages, in Chinese (the rest pass through unchanged).
SCHEMA_MESSAGES_ZH = {
    "Missing data for required field.": "为必填项",
    "Unknown field.": "不是可接受的字段",
    "Not a valid string.": "应为文本",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid boolean.": "应为是或否",
    "Not a valid datetime.": "应为日期时间（ISO 8601，含时区）",
    "Not a valid date.": "应为日期（YYYY-MM-DD）",
    "Not a valid list.": "应为列表",
    "Not a valid mapping type.": "应为对象",
    "Field may not be null.": "不能为空值",
    "Invalid input type.": "类型不正确",
    "must not be blank": "不能为空白",
    "must not contain spaces, '/', '?', '#' or '%'": "不能包含空格、/、?、# 或 %",
}


LENGTH_MESSAGES = re.compile(r"^(Shorter|Longer) than (?:minimum|maximum) length (\d+)\.$")
LENGTH_BETWEEN = re.compile(r"^Length must be between (\d+) and (\d+)\.$")


def _schema_message(message: str, lang: str) -> str:
    if lang != "zh":
        return message
    if message in SCHEMA_MESSAGES_ZH:
        return SCHEMA_MESSAGES_ZH[message]
    if message.startswith("Must be one of"):
        return "取值不在允许范围内：" + message.partition(":")[2].strip().rstrip(".")
    if match := LENGTH_MESSAGES.match(message):
        bound, count = match.groups()
        if bound == "Shorter" and count == "1":
            return "不能为空"
        return f"不能{'少' if bound == 'Shorter' else '多'}于 {count} 个字符"
    if match := LENGTH_BETWEEN.match(message):
        return "应为 {} 至 {} 个字符".format(*match.groups())
    if message.startswith(("Length must be", "Shorter than", "Longer than")):
        return "长度不符合要求（" + message + "）"
    if message.startswith("Must be greater than") or message.startswith("Must be less than"):
        return "数值超出允许范围（" + message + "）"
    return message


LOCATIONS = ("json", "query", "form", "files", "headers", "path")


def _field_errors(messages: dict, lang: str, prefix: str = "") -> list[dict]:
    """flask-smorest's {location: {field: [messages]}} as our flat field error list."""
    errors = []
    for key, value in messages.items():
        name = key if key in LOCATIONS and not prefix else f"{prefix}{key}"
        if isinstance(value, dict):
            errors += _field_errors(value, lang, "" if name in LOCATIONS else f"{name}.")
        else:
            for message in value if isinstance(value, list) else [value]:
                errors.append({"field": name, "message": _schema_message(str(message), lang), "validator": "schema"})
    return errors


def register(app: Flask) -> None:
    app.register_error_handler(JiaheError, jiahe_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(Exception, unexpected_error)
