"""One family of exceptions for the whole engine.

Each carries structured context (process, element, file, line, task) so that the CLI and
the API can render one error shape without parsing messages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Task and case states as messages name them in Chinese (an unknown state is shown as is).
STATE_ZH = {"ready": "待办", "completed": "已办结", "cancelled": "已取消", "suspended": "已暂停",
            "running": "进行中", "incident": "异常", "terminated": "已终止"}


class JiaheError(Exception):
    """Base of every error the engine raises on purpose.

    `message` is English (logs, the command line); `zh` says the same in Chinese for the
    people the API answers (Chinese by default, English on request)."""

    code = "error"

    def __init__(self, message: str, *, zh: str | None = None, **context: Any):
        super().__init__(message)
        self.message = message
        self.zh = zh
        self.context = {k: v for k, v in context.items() if v is not None}

    def message_in(self, language: str) -> str:
        return self.zh if language == "zh" and self.zh else self.message

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        return {"code": self.code, "message": self.message_in(language), **self.context}


class NotFound(JiaheError):
    code = "not_found"


class Gone(JiaheError):
    """It existed and was removed for good (a document's file erased when its case's
    保管期限 ended)."""

    code = "gone"


class TooLarge(JiaheError):
    """What was sent is larger than this kind of thing may be (an attachment, say)."""

    code = "too_large"


class Conflict(JiaheError):
    """The thing changed underneath the caller: retry after reloading."""

    code = "conflict"


class Forbidden(JiaheError):
    code = "forbidden"


@dataclass
class FieldError:
    field: str
    message: str
    validator: str = ""
    zh: str | None = None

    def to_dict(self, language: str = "en") -> dict[str, str]:
        message = self.zh if language == "zh" and self.zh else self.message
        return {"field": self.field, "message": message, "validator": self.validator}


class ValidationFailed(JiaheError):
    """Submitted data does not satisfy a form; nothing was changed."""

    code = "validation_failed"

    def __init__(self, message: str, field_errors: list[FieldError], **context: Any):
        super().__init__(message, **context)
        self.field_errors = field_errors

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        return {**super().to_dict(language), "field_errors": [e.to_dict(language) for e in self.field_errors]}


class InvalidState(JiaheError):
    """The operation does not apply to the instance or task in its current state."""

    code = "invalid_state"


class CorruptInstance(InvalidState):
    """An instance's saved workflow cannot be read back."""

    code = "corrupt_instance"


class DefinitionError(JiaheError):
    """A process bundle cannot be deployed or parsed; carries lint findings."""

    code = "definition_error"

    def __init__(self, message: str, findings: list | None = None, **context: Any):
        super().__init__(message, **context)
        self.findings = findings or []

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        return {**super().to_dict(language), "findings": [f.to_dict() for f in self.findings]}


class MigrationRefused(JiaheError):
    code = "migration_refused"


class SandboxViolation(JiaheError):
    """A script or expression tried something the sandbox forbids."""

    code = "sandbox_violation"


class SandboxTimeout(SandboxViolation):
    code = "sandbox_timeout"


class SandboxMemoryExceeded(SandboxViolation):
    """A script, expression or instruction text needed more memory than its process may have."""

    code = "sandbox_memory"


class UnsaveableValue(SandboxViolation):
    """A script left a value case data cannot hold (not JSON, a cycle, too deep or too big)."""

    code = "unsaveable_value"


@dataclass
class ScriptFailure:
    """Where a script/condition failed, for incidents."""

    element_id: str
    message: str
    line: int | None = None
    source_line: str | None = None
    trace: list[str] = field(default_factory=list)
