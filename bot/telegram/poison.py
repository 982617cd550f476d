"""Fetched updates on their way into the inbox: the ones that cannot be read are set aside, and a database that
cannot store is waited for.

One update the library cannot parse (no `date`), or that SQLite cannot store (a lone surrogate in its text), used
to fail the whole `getUpdates` answer over and over: the poller spun and served no one. Such an update is now kept
as a closed inbox row with its error, handed on as an empty update (so its id is confirmed to Telegram and the
updates after it flow), and logged by id and reason only: its content holds names, ids and words.

A database that cannot write (disk full, read-only, locked) is a state, not one update's fault: fetching waits with
a growing pause (1 s, 2 s, ... a minute) and retries the same updates, unconfirmed, until the write succeeds. The log
says so once when it starts and once when it ends.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import Bot, Update

from bot.store import Database
from bot.store.faults import set_aside
from bot.telegram.inbox import chat_address, encode

log = logging.getLogger(__name__)

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0

Store_ = Callable[[list[tuple[str, str | None, str]]], Awaitable[None]]


def poison_reason(raw: object, bot: Bot) -> str | None:
    """Why this update cannot be handled, in words that hold none of its content; None if it can."""
    if not isinstance(raw, dict):
        return "not an object"
    if not isinstance(raw.get("update_id"), int) or isinstance(raw.get("update_id"), bool):
        return "no update id"
    try:
        encode(raw).encode("utf-8")
    except UnicodeEncodeError:
        return "text that is not valid Unicode (a lone surrogate)"
    except (TypeError, ValueError) as error:
        return f"cannot be encoded ({type(error).__name__})"
    try:
        Update.de_json(raw, bot)
    except KeyError as error:
        field = str(error.args[0]) if error.args else ""
        return (
            f"cannot be parsed: a required field is missing ({field})" if field.isidentifier() else "cannot be parsed"
        )
    except Exception as error:  # the library's parsers raise anything from TypeError to ValueError
        return f"cannot be parsed ({type(error).__name__})"
    return None


class StorageState:
    """Whether the database takes updates; one log line when that changes, not one per attempt."""

    def __init__(self) -> None:
        self.failing_since: datetime | None = None
        self.attempts = 0

    def failed(self, error: sqlite3.Error, now: datetime, pause: float | None) -> None:
        self.attempts += 1
        if self.failing_since is None:
            self.failing_since = now
            then = f"waiting {pause:g} s and longer (up to a minute) between tries" if pause else "Telegram will retry"
            log.error("the database cannot store updates (%s: %s); %s", type(error).__name__, error, then)

    def stored(self, now: datetime) -> None:
        if self.failing_since is not None:
            log.warning(
                "the database stores updates again, after %d failed attempt(s) in %s",
                self.attempts,
                now - self.failing_since,
            )
        self.failing_since = None
        self.attempts = 0


class UpdateKeeper:
    """Writes fetched updates to the inbox before they are confirmed, and answers with what handlers may see."""

    def __init__(self, store: Database, channel: str, bot: Bot, now: Callable[[], datetime]) -> None:
        self.store = store
        self.channel = channel
        self.bot = bot
        self.now = now
        self.state = StorageState()
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def keep(self, raw_updates: list[Any], *, wait: bool = True) -> list[dict[str, Any]]:
        """Database every update; returns the list with each set-aside update replaced by an empty one of its id.

        With `wait` (polling), a storage error is waited out; without (a webhook), it is raised, and Telegram
        posts the update again later.
        """
        pause = FIRST_PAUSE
        while True:
            try:
                kept = await self._keep(raw_updates)
            except sqlite3.Error as error:
                if not wait:
                    self.state.failed(error, self.now(), None)
                    raise
                self.state.failed(error, self.now(), pause)
                await self.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            self.state.stored(self.now())
            return kept

    async def _keep(self, raw_updates: list[Any]) -> list[dict[str, Any]]:
        good: list[tuple[str, str | None, str]] = []
        kept: list[dict[str, Any]] = []
        for raw in raw_updates:
            reason = poison_reason(raw, self.bot)
            if reason is None:
                good.append((str(raw["update_id"]), chat_address(raw), encode(raw)))
                kept.append(raw)
                continue
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                log.error("an update without an id was left out: %s", reason)
                continue  # nothing to confirm it by; the updates around it carry the offset on
            address = _address(raw)
            total = await set_aside(self.store, self.channel, str(update_id), address, raw, reason, self.now())
            log.error("update %d set aside: %s (%d set aside so far)", update_id, reason, total)
            kept.append({"update_id": update_id})
        if good:
            await self.store.inbox_store(self.channel, good, self.now())
        return kept


def _address(raw: dict[str, Any]) -> str | None:
    try:
        return chat_address(raw)
    except Exception:  # a malformed update's chat is only needed for /forget
        return None
