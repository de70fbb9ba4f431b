"""Rate limits, counted by the `limits` library (flask-limiter's engine) in a storage that
every API process shares: the database by default (engine.store.rate_counters), or any
`limits` storage URI (redis://..., memcached://...) in JIAHE_RATELIMIT_STORAGE_URI.

flask-limiter's decorators are not used: they bind one storage per extension object at
import time, while each app here has its own database, and logins are counted only when
they fail, per user and per known device (api.views.login_limits).
"""
from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from api.errors import TooManyRequests
from engine.store.rate_counters import DatabaseCounters

DATABASE_STORAGE = "database"


class RateLimits:
    def __init__(self, storage):
        self.storage = storage
        self._window = FixedWindowRateLimiter(storage)

    @classmethod
    def from_config(cls, uri: str | None, store) -> RateLimits:
        if not uri or uri == DATABASE_STORAGE:
            return cls(DatabaseCounters(store))
        return cls(storage_from_string(uri))

    def hit(self, limit: str, *key: str, what: str) -> None:
        """Count one attempt; refuse it (429) when it is over the limit."""
        item = parse(limit)
        if not self._window.hit(item, *key):
            raise self._refusal(item, key, what)

    def check(self, limit: str, *key: str, what: str) -> None:
        """Refuse (429) when the limit is used up; count nothing."""
        item = parse(limit)
        if not self._window.test(item, *key):
            raise self._refusal(item, key, what)

    def count(self, limit: str, *key: str) -> None:
        """Count one (a failed login, say) without refusing anything now."""
        self._window.hit(parse(limit), *key)

    def _refusal(self, item, key, what: str) -> TooManyRequests:
        reset_at = self._window.get_window_stats(item, *key).reset_time
        retry = max(1, math.ceil(reset_at - time.time()))
        return TooManyRequests(f"too many {what}; try again in {retry} s", retry_after=retry,
                               zh=f"请求过于频繁，请 {retry} 秒后再试")
