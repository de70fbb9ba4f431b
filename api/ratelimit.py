"""A small sliding-window rate limiter, per process.

Enough for one office's server; behind several gunicorn workers each worker counts alone,
so the effective limit is the configured one times the number of workers (README says so).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from api.errors import TooManyRequests


class RateLimiter:
    def __init__(self, now=time.monotonic):
        self._now = now
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, per_seconds: float, what: str) -> None:
        """Count one attempt; raise TooManyRequests when `key` is over `limit` in the window."""
        with self._lock:
            now = self._now()
            hits = self._hits[key]
            while hits and hits[0] <= now - per_seconds:
                hits.popleft()
            if len(hits) >= limit:
                retry = int(hits[0] + per_seconds - now) + 1
                raise TooManyRequests(f"too many {what}; try again in {retry} s", retry_after=retry)
            hits.append(now)
