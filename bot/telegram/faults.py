"""The live bot's faults that are not one update's: Telegram unreachable, the token refused, stored updates that
no longer parse, and secrets in what is logged about them."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import TelegramError

from bot.logs import without_token
from bot.store.faults import set_aside

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from telegram.ext import Application

    from bot.store import Store

log = logging.getLogger(__name__)

UNAUTHORIZED = (
    "Telegram refuses the bot token (401 Unauthorized): it was revoked or mistyped. Set SAMENSPRAAK_TOKEN to the "
    "token @BotFather shows, then start the bot again."
)


class Stopped(Exception):
    """The bot stopped on a fault it cannot go on with; the message says what the operator should do."""


def guarded(run: Callable[[], object]) -> int:
    """Run the bot; a fault it cannot go on with ends it with one clear line and exit code 1, not a traceback."""
    try:
        run()
    except Stopped as stopped:
        print(f"samenspraak: {stopped}", file=sys.stderr)
        return 1
    except TelegramError as error:  # at start: the Bot API cannot be reached (a wrong SAMENSPRAAK_API_URL?)
        print(f"samenspraak: Telegram cannot be reached: {without_token(str(error))}", file=sys.stderr)
        return 1
    return 0


class PollingErrors:
    """Telegram unreachable while fetching: one line when it starts and one when it ends, not one per attempt.

    The library's poller already waits longer after each failure (up to 30 s), so calls stay few in an outage.
    """

    def __init__(self) -> None:
        self.failures = 0

    def __call__(self, error: TelegramError) -> None:
        self.failures += 1
        if self.failures == 1:
            log.error(
                "Telegram cannot be reached (%s: %s); fetching updates retries with growing pauses",
                type(error).__name__,
                without_token(str(error)),
            )

    def answered(self) -> None:
        if self.failures:
            log.warning("Telegram answers again, after %d failed attempt(s) to fetch updates", self.failures)
        self.failures = 0


async def replay_stored(
    application: Application[Any, Any, Any, Any, Any, Any], store: Store, now: Callable[[], datetime]
) -> None:
    """Handle the updates stored before the last stop; one that no longer parses is set aside, not fatal."""
    for key, raw in await store.inbox_open("telegram"):
        try:
            data: Any = json.loads(raw)
            update = Update.de_json(data, application.bot)
        except Exception as error:  # stored by an older version, or before parsing was checked
            reason = f"stored update cannot be parsed ({type(error).__name__})"
            total = await set_aside(store, "telegram", key, None, {"stored": raw}, reason, now())
            log.error("update %s set aside: %s (%d set aside so far)", key, reason, total)
            continue
        if update is None:
            continue
        log.info("handling update %s stored before the last stop", key)
        await application.process_update(update)
