"""Frames between the engine and its evaluation processes: a 4-byte length, then UTF-8 JSON."""
from __future__ import annotations

import json
import struct
from collections.abc import Callable
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 64 * 1024 * 1024  # far above what case data may be; a corrupt length stops here


class ProcessGone(Exception):
    """The other end closed the pipe (it exited, was killed, or sent a corrupt frame)."""


def write_frame(stream: BinaryIO, payload: bytes | str | dict) -> None:
    if isinstance(payload, dict):
        payload = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    return read_frame_from(lambda size: _read_exactly(stream, size))


def read_frame_from(take: Callable[[int], bytes]) -> Any:
    """A frame from `take(n)`, which returns exactly n bytes (or raises): the engine's reader
    gives up at a deadline, the evaluation process's blocks."""
    (size,) = HEADER.unpack(take(HEADER.size))
    if size > MAX_FRAME_BYTES:
        raise ProcessGone(f"frame of {size} bytes is beyond {MAX_FRAME_BYTES}")
    return json.loads(take(size))


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise ProcessGone("the pipe closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
