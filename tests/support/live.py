"""A running bot against the fake Bot API, and the steps a participant takes: shared by the Telegram tests."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.telegram.app import serve
from tests.support.fake_bot_api import Call, FakeBotAPI

USER = 4242


def answers(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT prompt_id, answer_type, value FROM answers ORDER BY id").fetchall()


def participant(db: Path, address: str) -> dict[str, object] | None:
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("SELECT * FROM participants WHERE address = ?", (address,)).fetchone()
        return dict(row) if row else None


class Running:
    def __init__(self, api: FakeBotAPI, settings: Settings) -> None:
        self.api = api
        self.settings = settings
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(serve(self.settings, self.stop))
        await self.api.wait_for(lambda _sent: any(c.method == "getUpdates" for c in self.api.requests), timeout=10)

    async def halt(self) -> None:
        self.stop.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 15)
            self.task = None

    async def next_message(self, count_before: int, timeout: float = 10) -> Call:
        await self.api.wait_for(
            lambda sent: len([c for c in sent if c.method == "sendMessage"]) > count_before, timeout=timeout
        )
        return [c for c in self.api.sent if c.method == "sendMessage"][count_before]

    def messages(self) -> list[Call]:
        return [c for c in self.api.sent if c.method == "sendMessage"]

    async def exchange(self, action: Callable[[], object]) -> Call:
        """Do what the participant does and return the first message the bot sends after it."""
        before = len(self.messages())
        action()
        return await self.next_message(before)


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Running]:
    """The real bot (`serve`) with these settings, talking to a fresh fake Bot API."""
    api = FakeBotAPI()
    await api.start()
    live_settings = replace(settings, token=SecretStr(api.token), api_url=api.url)
    running = Running(api, live_settings)
    await running.start()
    try:
        yield running
    finally:
        await running.halt()
        await api.stop()


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[Running]:
    async with running_bot(settings) as running:
        yield running


async def onboard(bot: Running, user: int = USER, language: str = "nl") -> Call:
    api = bot.api
    welcome = await bot.exchange(lambda: api.user_command(user, "start", language_code="nl-BE"))
    assert welcome.buttons[0][0] == ("Nederlands", "lang:nl")
    consent = await bot.exchange(lambda: api.user_callback(user, f"lang:{language}"))
    # The language confirmation and the consent text are two messages; wait for the consent one.
    await api.wait_for(lambda sent: any("13" in (c.text or "") for c in sent if c.method == "sendMessage"))
    consent = next(c for c in bot.messages() if "13" in (c.text or ""))
    assert consent.buttons[0][0][1] == "consent:yes"
    role = await bot.exchange(lambda: api.user_callback(user, "consent:yes"))
    assert [data for row in role.buttons for _label, data in row][:3] == [
        "role:resident",
        "role:newcomer",
        "role:volunteer",
    ]
    return await bot.exchange(lambda: api.user_callback(user, "role:newcomer"))
