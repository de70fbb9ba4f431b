"""What the sandbox's guards share: the limits one operation may reach, and the refusal that
names the script line where it was reached."""
from __future__ import annotations

import sys

from engine.errors import SandboxViolation

FILENAME = "<jiahe-script>"  # how tracebacks and error reports recognise sandboxed frames
MAX_ITEMS = 1_000_000        # elements or characters a single operation may produce
MAX_INT_BITS = 8192          # integers beyond this make C arithmetic slow and uninterruptible


def _script_line() -> int | None:
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != FILENAME:
        frame = frame.f_back
    return frame.f_lineno if frame is not None else None


def _refuse(message: str) -> SandboxViolation:
    return SandboxViolation(message, line=_script_line(), zh=f"脚本执行了不允许的操作：{message}")


def _limit_items(count: int) -> None:
    if count > MAX_ITEMS:
        raise _refuse(f"result would have {count} items; the sandbox allows {MAX_ITEMS}")


def _limit_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise _refuse(f"integer result would have about {bits} bits; the sandbox allows {MAX_INT_BITS}")
