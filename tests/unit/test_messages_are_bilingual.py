"""Every error the engine and the API raise on purpose says what it says in Chinese too.

The API answers in Chinese unless the request asks for English, so an error built without
`zh=` reaches a clerk in English. This walks the source of engine/ and api/ and names each
construction of a JiaheError subclass, or of a FieldError, that has no `zh` keyword."""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

from engine.errors import JiaheError

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "api")
MODULES = ("engine.errors", "api.errors", "engine.idempotency", "engine.runtime.checkpoints",
           "engine.demo", "engine.scenarios.model")

# Kept explicit and short: each entry says why it may speak English only.
EXEMPT_DIRS = ("engine/lint/",)  # findings are for process designers, in English
EXEMPT_CLASSES = {
    # A scenario file's problems, for `jiahe test-process` on the command line; the class
    # builds its own message from the problem list and takes no zh.
    "ScenarioFileError",
}


def error_names() -> set[str]:
    for module in MODULES:
        importlib.import_module(module)
    names, pending = {"FieldError"}, [JiaheError]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return names - EXEMPT_CLASSES


def sources() -> list[Path]:
    files = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
    return [p for p in files if not p.relative_to(ROOT).as_posix().startswith(EXEMPT_DIRS)]


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def english_only(source: str, where: str, names: set[str]) -> list[str]:
    """file:line of each call to one of `names` without zh= in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, filename=where)):
        if not isinstance(node, ast.Call) or called_name(node) not in names:
            continue
        keywords = {k.arg for k in node.keywords}
        if "zh" in keywords or None in keywords:  # None: **context passed through by a re-raise
            continue
        found.append(f"{where}:{node.lineno}: {called_name(node)}(...) has no zh=")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def test_the_walk_knows_the_error_classes_and_finds_the_sources():
    names = error_names()
    assert {"JiaheError", "NotFound", "Conflict", "ValidationFailed", "FieldError", "Unauthorized",
            "IdempotencyKeyReused", "CheckpointInvalid", "CsrfFailed", "CorruptInstance"} <= names
    paths = {p.relative_to(ROOT).as_posix() for p in sources()}
    assert {"engine/cases.py", "api/views/tasks.py"} <= paths
    assert not any(p.startswith("engine/lint/") for p in paths)


def test_a_call_without_zh_is_found_and_named_by_file_and_line():
    source = ('raise NotFound("x")\n'
              'raise NotFound("x", zh="无")\n'
              'raise errors.Conflict(message, **context)\n'
              'errors = [FieldError("f", "bad")]\n'
              'raise ValueError("not ours")\n')
    assert english_only(source, "engine/sample.py", {"NotFound", "Conflict", "FieldError"}) == [
        "engine/sample.py:1: NotFound(...) has no zh=", "engine/sample.py:4: FieldError(...) has no zh="]


def test_every_error_raised_by_the_engine_and_the_api_has_a_chinese_message():
    names = error_names()
    missing = []
    for path in sources():
        missing += english_only(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix(), names)
    assert not missing, "errors without a Chinese message (add zh=...):\n" + "\n".join(missing)
