"""Every piece of organiser input, read in one place that refuses what the bot did not make.

Button data comes back from Telegram as the client sends it, so a forged or corrupted button (`org:mod-ok:²`,
an id too large for SQLite) must be refused, not raise deep in a handler: `bot.callback_data` decodes it, and
`record_id` reads the row id an action carries. Dates typed by organisers (in bot
commands and on the command line) must lie in a range the rest of the code can compute with: a day before 1970 or
after 2100 is a typo, and 9999-12-31 plus one day does not exist.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_RECORD_ID = re.compile(r"[0-9]{1,18}")  # below SQLite's largest integer (2**63 - 1)

FIRST_YEAR = 1970
LAST_YEAR = 2100


class BadDate(ValueError):
    """A date organisers typed that cannot be used; the message says what is accepted."""

    def __init__(self, message: str, *, out_of_range: bool = False) -> None:
        super().__init__(message)
        self.out_of_range = out_of_range


def record_id(text: str) -> int | None:
    """A row id carried by a button or typed after a command; None for anything else (`²`, `-1`, 10**30)."""
    text = text.strip()
    if not _RECORD_ID.fullmatch(text):  # plain ASCII digits only: str.isdigit() accepts ² and ٣
        return None
    value = int(text)
    return value if value > 0 else None


def parse_day(text: str, zone: ZoneInfo, *, end: bool = False) -> datetime:
    """A date (2026-11-26) or a moment (2026-11-26T14:00) in the city's time zone, as UTC; `end` with a bare date
    means the whole of that day is included. BadDate for anything unreadable or outside 1970–2100."""
    text = text.strip()
    if not text.isascii() or len(text) > 40:
        raise BadDate(f"cannot read {text[:40]!r}: write a date as 2026-11-26")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise BadDate(f"cannot read {text!r}: write a date as 2026-11-26") from None
        _in_range(moment.year, text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    _in_range(day.year, text)
    start = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone)
    return start.astimezone(UTC)


def _in_range(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadDate(f"{text} is outside {FIRST_YEAR}–{LAST_YEAR}: check the year", out_of_range=True)
