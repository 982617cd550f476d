"""Sending at Telegram's pace: 30 messages a second overall, 20 a minute to a group, about one a second to a chat.

python-telegram-bot's AIORateLimiter uses token buckets that refill while the process stalls, so a busy machine let
a burst through (30 × 429 in one broadcast); and its 429 pauses every chat. Here every limit is a `SendWindow`
(bot/telegram/window.py): at most 30 sends in any second overall, one every 3.2 seconds to a group (at most 20 in
any minute), a burst of three and then one a second to a private chat, each counted as the server counts them,
even after a stall. A 429 that still comes pauses only the chat (or group) it was about, for its `retry_after`;
the request is retried (twice), then the outbox retries the row later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.window import SendWindow

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = 30
GROUP_SECONDS_APART = 3.2
CHAT_BURST = 3  # messages at once to one private chat, then about one a second
MAX_CHAT_LIMITERS = 2048
RETRY_MARGIN = 0.1  # seconds beyond Telegram's retry_after


def retry_seconds(error: RetryAfter) -> float:
    after = error.retry_after
    return after.total_seconds() if hasattr(after, "total_seconds") else float(after)


class TelegramLimits(BaseRateLimiter[int]):
    def __init__(
        self,
        *,
        overall_per_second: int = OVERALL_PER_SECOND,
        max_retries: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clock = clock
        self._overall = SendWindow(overall_per_second, 1.0, clock)
        self._chats: dict[int | str, SendWindow] = {}
        self._paused: dict[int | str | None, float] = {}  # chat (None: no chat) → when its 429 pause ends
        self._max_retries = max_retries

    async def initialize(self) -> None:
        """Nothing to set up: the windows start empty."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _chat(self, chat: int | str, group: bool) -> SendWindow:
        if len(self._chats) > MAX_CHAT_LIMITERS:  # forget chats that are quiet again
            for key, window in list(self._chats.items()):
                if window.idle():
                    del self._chats[key]
        found = self._chats.get(chat)
        if found is not None:
            return found
        if group:
            window = SendWindow(1, GROUP_SECONDS_APART, self._clock)
        else:
            window = SendWindow(CHAT_BURST, CHAT_BURST, self._clock)
        self._chats[chat] = window
        return window

    def paused_for(self, chat: int | str | None) -> float:
        """Seconds this chat still waits out a 429 (0 when it may send)."""
        until = self._paused.get(chat)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._paused[chat]
            return 0.0
        return left

    @asynccontextmanager
    async def _places(self, chat: int | str | None, endpoint: str) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if chat is not None:
                sends = endpoint.lower().startswith(("send", "edit", "copy", "forward"))
                group = isinstance(chat, str) or chat < 0
                if group or sends:  # method names are case-insensitive
                    await stack.enter_async_context(self._chat(chat, group).place())
                await stack.enter_async_context(self._overall.place())  # last: held no longer than needed
            yield

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat: Any = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat = int(chat)
        if not isinstance(chat, int | str):
            chat = None
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        attempt = 0
        while True:
            left = self.paused_for(chat)
            if left > 0:  # this chat waits out its 429; the pause may have grown meanwhile, so look again
                await asyncio.sleep(left)
                continue
            try:
                async with self._places(chat, endpoint):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                # Telegram said this chat (or group) is sending too fast: it alone waits; the others go on.
                until = self._clock() + retry_seconds(error) + RETRY_MARGIN
                self._paused[chat] = max(self._paused.get(chat, 0.0), until)
                if attempt >= retries:
                    raise
                attempt += 1
                log.info("rate limit hit for one chat; it waits %.1f s", retry_seconds(error))
