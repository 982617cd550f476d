"""What features, organiser commands and renderers may use of the running bot, as a type.

`bot.dispatch.Dispatcher` is the one implementation. Code below the dispatcher (a feature's renderer, an organiser
command, the follow-up service) names this protocol instead of the class, so nothing it imports leads back to the
dispatcher: the module graph stays free of circles (tests/test_layers.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from bot.clock import Clock
from bot.config import Settings
from bot.content.loader import Library
from bot.engine import events
from bot.engine.core import Engine
from bot.store import OutboxRow, Store


class Hub(Protocol):
    store: Store
    settings: Settings
    clock: Clock
    engine: Engine
    bot_username: str | None  # set by the Telegram bot once it knows its name: for join links
    jobs: Any  # the background worker (bot/jobs/), when one runs
    followups: Any  # bot/features/followups/service.py `FollowUps`: tick, soon, next_moment

    async def render(self, row: OutboxRow) -> dict[str, Any] | None: ...

    async def reload_in_thread(self) -> Library: ...

    async def reload_quietly(self) -> None: ...

    def use_content(self, library: Library) -> Library: ...

    async def handle(
        self,
        channel: str,
        address: str,
        event: events.Event,
        *,
        hint: str | None = None,
        inbox_key: str | None = None,
        organiser: bool = False,
        sent_at: datetime | None = None,
    ) -> Any: ...
