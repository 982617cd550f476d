"""Keep every fetched update in the inbox before Telegram hears that it arrived.

python-telegram-bot confirms updates to Telegram with the next `getUpdates` offset, before handlers have run. This
request class writes the raw updates to the database as the response comes in, so the next call, which confirms
them, can only be made once they are safe. A crash after that loses nothing: start-up handles what is still open.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.error import InvalidToken
from telegram.request import RequestData

from bot.telegram.request import AiohttpRequest

# Stores the fetched updates; returns what the library may parse (set-aside updates emptied, bot/telegram/poison.py).
Keeper = Callable[[list[Any]], Awaitable[list[dict[str, Any]]]]


def chat_address(raw: dict[str, Any]) -> str | None:
    """The chat an update belongs to, so that /forget can delete its raw updates too."""
    for key in ("message", "edited_message", "callback_query", "my_chat_member"):
        part = raw.get(key)
        if not isinstance(part, dict):
            continue
        if key == "callback_query":
            part = part.get("message") or {"chat": part.get("from")}
        chat = part.get("chat") if isinstance(part, dict) else None
        if isinstance(chat, dict) and "id" in chat:
            return str(chat["id"])
    return None


class InboxRequest(AiohttpRequest):
    def __init__(
        self,
        keeper: Keeper,
        *,
        unauthorized: Callable[[], None] | None = None,
        answered: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._keeper = keeper
        self._unauthorized = unauthorized
        self._answered = answered

    # `post` is final in python-telegram-bot, but it is the one place that sees the parsed getUpdates answer before
    # the library confirms it (do_request sees bytes, parse_json_payload cannot await the database).
    async def post(  # type: ignore[misc]
        self,
        url: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> Any:
        kwargs = {
            key: value
            for key, value in (
                ("read_timeout", read_timeout),
                ("write_timeout", write_timeout),
                ("connect_timeout", connect_timeout),
                ("pool_timeout", pool_timeout),
            )
            if value is not None
        }
        try:
            result = await super().post(url, request_data, **kwargs)
        except InvalidToken:
            # The library's poller stops on a 401 and leaves the process up, serving no one: stop it all instead.
            if self._unauthorized is not None:
                self._unauthorized()
            raise
        if self._answered is not None:
            self._answered()
        if url.endswith("/getUpdates") and isinstance(result, list) and result:
            return await self._keeper(result)
        return result


def encode(raw: dict[str, Any]) -> str:
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
