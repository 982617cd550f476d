"""Sending at Telegram's pace: 30 messages a second overall, 20 a minute to a group, about one a second to a chat.

python-telegram-bot's AIORateLimiter uses leaky buckets: a full bucket lets 30 messages through at once and then
drips 30 a second, so one second can hold up to 60, and Telegram, which counts any one-second window, answers the
rest with 429 and `retry_after`; every 429 pauses all sending. A bucket that holds one message and drips evenly
never bursts: in any window of T seconds at most 1 + rate * T go out. So the overall rate is 29.5 a second (at most
30 in any second; the event loop's wake-ups bring the real rate to about 28.6) and a group gets one message every
3.2 seconds (at most 20 in any minute). A private chat gets a
burst of three (a reply, the next prompt, a file) and then about one a second. A 429 that still comes is honoured:
the limiter waits `retry_after` and retries (twice), then the outbox retries the row later.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

OVERALL_PER_SECOND = 29.5
GROUP_SECONDS_APART = 3.2
CHAT_BURST = 3  # messages at once to one private chat, then about one a second
MAX_CHAT_LIMITERS = 2048


class TelegramLimits(AIORateLimiter):
    def __init__(self, *, overall_per_second: float = OVERALL_PER_SECOND, max_retries: int = 2) -> None:
        super().__init__(
            overall_max_rate=1,
            overall_time_period=1 / overall_per_second,
            group_max_rate=1,
            group_time_period=GROUP_SECONDS_APART,
            max_retries=max_retries,
        )
        self._chats: dict[int, AsyncLimiter] = {}

    def _chat(self, chat_id: int) -> AsyncLimiter:
        if len(self._chats) > MAX_CHAT_LIMITERS:  # forget chats that are quiet again
            for key, limiter in list(self._chats.items()):
                if limiter.has_capacity(CHAT_BURST):
                    del self._chats[key]
        if chat_id not in self._chats:
            self._chats[chat_id] = AsyncLimiter(CHAT_BURST, CHAT_BURST)
        return self._chats[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id: object = data.get("chat_id")
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        private = (
            isinstance(chat_id, int) and chat_id > 0 and endpoint.lower().startswith(("send", "edit"))
        )  # method names are case-insensitive
        if not private:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        async with self._chat(chat_id):  # type: ignore[arg-type]
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
