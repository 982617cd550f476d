"""Logging that never leaks: no token, no message text, no Telegram id; participants appear by pseudonym only."""

from __future__ import annotations

import logging
import os


def setup_logging(level: str | None = None) -> None:
    logging.basicConfig(
        level=(level or os.environ.get("SAMENSPRAAK_LOG_LEVEL", "WARNING")).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # APScheduler announces every job run at INFO; that is noise in a bot that wakes the sender often.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG, and python-telegram-bot logs request bodies:
    # both would put message text, names and Telegram ids in the log.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.WARNING)
