"""Per-participant flood control: a burst is answered once and slowed, never stored message by message.

A token bucket per chat: normal use (a few messages, a few button presses) never meets it; fifty messages in a
second get one polite "slow down" and the rest are dropped unstored. It lives in memory on purpose: losing it on a
restart only forgives a flood, it never loses an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock


@dataclass
class _Bucket:
    tokens: float
    updated: datetime
    warned: bool = False


class FloodGate:
    def __init__(self, clock: Clock, *, burst: int = 20, per_second: float = 1.0) -> None:
        self.clock = clock
        self.burst = burst
        self.per_second = per_second
        self._buckets: dict[str, _Bucket] = {}

    def check(self, key: str) -> str:
        """ "ok" to handle the event, "warn" to answer once that it is too fast, "drop" to ignore it."""
        now = self.clock.now()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        elapsed = max((now - bucket.updated).total_seconds(), 0.0)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            if bucket.tokens >= self.burst / 2:
                bucket.warned = False
            return "ok"
        if bucket.warned:
            return "drop"
        bucket.warned = True
        return "warn"

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
