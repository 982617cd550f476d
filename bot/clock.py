"""Clocks: the real one, and one the simulator and the tests move by hand so that nothing needs to sleep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """Time that only moves when told to, for `:time +2d` in the simulator and for tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


def parse_offset(text: str) -> timedelta:
    """Read `+2d`, `+3h`, `+15m`, `+30s` or a combination such as `+1d12h`, as typed after `:time`."""
    text = text.strip().removeprefix("+")
    if not text:
        raise ValueError("empty offset")
    units = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds", "w": "weeks"}
    total = timedelta()
    number = ""
    for char in text:
        if char.isdigit():
            number += char
        elif char in units and number:
            total += timedelta(**{units[char]: int(number)})
            number = ""
        else:
            raise ValueError(f"cannot read offset {text!r}")
    if number:
        raise ValueError(f"offset {text!r} needs a unit: d, h, m or s")
    return total
