"""Logging that never leaks: no token, no message text, no Telegram id; participants appear by pseudonym only."""

from __future__ import annotations

import logging
import re

# A Bot API URL carries the token in its path (`/bot123:ABC/getMe`, `/file/bot123:ABC/...`).
_TOKEN_IN_URL = re.compile(r"(/bot)[^/\s'\"]+")


def without_token(text: str) -> str:
    """`text` with any Bot API URL's token taken out."""
    return _TOKEN_IN_URL.sub(r"\1<token>", text)


class _WithoutToken(logging.Formatter):
    """The last guard: whatever a library puts in a message or a traceback, a token in a URL is not written."""

    def format(self, record: logging.LogRecord) -> str:
        return without_token(super().format(record))


def setup_logging(level: str = "WARNING") -> None:
    """Logging at `level` (`Settings.log_level`), with the loggers that would leak held at WARNING."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_WithoutToken(handler.formatter._fmt if handler.formatter else None))
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # APScheduler announces every job run at INFO; that is noise in a bot that wakes the sender often.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG, and python-telegram-bot logs request bodies:
    # both would put message text, names and Telegram ids in the log.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.WARNING)
