"""The strict edge: what the database, the JSON layer and the audit chain cannot hold is
refused before a view sees it, with the path of the offending value, never a 500.

- JSON bodies: no NaN or Infinity (they would be stored for good in the hash-chained audit
  and are not JSON), nesting at most MAX_DEPTH deep, integers within what JSON clients and
  the database columns can carry, no U+0000 (PostgreSQL text cannot hold it) and no lone
  surrogates (not encodable as UTF-8) in any key or string: 422 with field errors.
- Query parameters: the same string rules: 422.
- Path parameters: an id or number that cannot exist (U+0000, a lone surrogate, an integer
  past the database's range) is simply not found: 404.
"""
from __future__ import annotations

import json

from flask import Flask, request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

from engine.errors import FieldError, NotFound, ValidationFailed

MAX_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1  # what a JavaScript client reads without losing digits
MAX_PATH_INTEGER = 2**31 - 1  # integer columns (versions, ids)
JSON_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def install(app: Flask) -> None:
    app.before_request(check_request)


MAX_URL_BYTES = 8 * 1024
MAX_HEADER_BYTES = 32 * 1024


def check_request() -> None:
    _check_sizes()
    _check_path(request.view_args or {})
    _check_query()
    if request.method in JSON_METHODS and request.is_json:
        _check_json_body(request.get_data(cache=True))


def _check_sizes() -> None:
    """What a front server would refuse, refused here too in the one error shape (the
    development server and gunicorn answer their own limits in plain text)."""
    if len(request.full_path.encode("utf-8", "surrogateescape")) > MAX_URL_BYTES:
        raise RequestURITooLarge()
    if sum(len(name) + len(value) for name, value in request.headers.items()) > MAX_HEADER_BYTES:
        raise RequestHeaderFieldsTooLarge()


def _check_path(view_args: dict) -> None:
    for value in view_args.values():
        if isinstance(value, int) and not -MAX_PATH_INTEGER <= value <= MAX_PATH_INTEGER:
            raise NotFound("not found", zh="未找到")
        if isinstance(value, str) and _bad_text(value):
            raise NotFound("not found", zh="未找到")


def _check_query() -> None:
    errors = []
    for key, value in request.args.items(multi=True):
        problem = _bad_text(key) or _bad_text(value)
        if problem:
            errors.append(_error(key if not _bad_text(key) else "(query)", *problem))
    if errors:
        raise ValidationFailed("the query is not valid", errors, zh="查询参数不符合要求")


def _check_json_body(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid([FieldError("(body)", "the body is not UTF-8", "encoding", zh="请求内容不是 UTF-8 编码")]) \
            from None
    if not text.strip():
        return
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except _NonFinite as exc:
        raise _invalid([FieldError("(body)", f"{exc} is not a JSON number", "type",
                                   zh=f"{exc} 不是合法的 JSON 数值")]) from None
    except RecursionError:
        raise _invalid([_error("(body)", f"nested more than {MAX_DEPTH} levels deep", f"嵌套超过 {MAX_DEPTH} 层",
                               "maxDepth")]) from None
    except ValueError:
        return  # malformed JSON: the argument parser answers it in the usual shape
    errors = list(_problems(document))
    if errors:
        raise _invalid(errors)


def _problems(document):
    """Each offending value once, with its dotted path; iterative, so depth cannot hurt us."""
    stack = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            yield _error(path or "(body)", f"nested more than {MAX_DEPTH} levels deep", f"嵌套超过 {MAX_DEPTH} 层",
                         "maxDepth")
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                problem = _bad_text(key)
                if problem:
                    yield _error(path or "(body)", *problem)
                    continue
                stack.append((item, child, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}.{index}" if path else str(index), depth + 1)
                         for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = _bad_text(value)
            if problem:
                yield _error(path or "(body)", *problem)
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
            yield _error(path or "(body)", f"integers are limited to ±{MAX_SAFE_INTEGER}",
                         f"整数超出允许范围（±{MAX_SAFE_INTEGER}）", "maximum")


def _bad_text(text: str) -> tuple[str, str, str] | None:
    """(English, Chinese, validator) when `text` holds what no column or encoder takes."""
    if "\x00" in text:
        return "contains the character U+0000", "包含不允许的字符 U+0000", "characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (not valid Unicode)", "包含无效的 Unicode 字符", "characters"
    return None


def _error(field: str, message: str, zh: str, validator: str) -> FieldError:
    return FieldError(field, message, validator, zh=zh)


def _invalid(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed("the request body is not valid", errors, zh="请求内容不符合要求")


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str):
    raise _NonFinite(name)
