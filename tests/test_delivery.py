"""Parts delivered once: a message Telegram takes in several calls is retried from the part that failed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.clock import ManualClock
from bot.config import Settings
from bot.engine import Outgoing, ParticipantState, Result, Stage
from bot.engine.outgoing import Document
from bot.store import Store
from bot.telegram.app import LiveBot
from tests.support.fake_bot_api import FakeBotAPI

START = datetime(2026, 12, 3, 10, tzinfo=UTC)
USER = 4242


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[tuple[FakeBotAPI, LiveBot, ManualClock]]:
    """The live bot's own sender and channel (as `samenspraak run` wires them) against the fake Bot API."""
    async with FakeBotAPI() as api:
        store = await Store.open(settings.db)
        clock = ManualClock(START)
        bot = LiveBot(replace(settings, token=SecretStr(api.token), api_url=api.url), store, clock)
        await bot.application.initialize()
        try:
            yield api, bot, clock
        finally:
            await bot.application.shutdown()
            await store.close()


async def write(bot: LiveBot, message: Outgoing) -> None:
    state = ParticipantState(channel="telegram", address=str(USER), stage=Stage.READY, language="nl")
    result = Result(state=state)
    result.messages.append(message)
    await bot.store.apply(result, START)


def methods(api: FakeBotAPI) -> list[str]:
    return [call.method for call in api.sent]


async def test_a_long_text_and_its_file_are_not_repeated_when_the_file_fails(
    live: tuple[FakeBotAPI, LiveBot, ManualClock],
) -> None:
    api, bot, clock = live
    long_text = "\n".join(f"Regel {number}: wat de buurt zei" for number in range(200))  # two messages
    await write(bot, Outgoing(text=long_text, kind="organiser", document=Document("export.csv", "a,b\n1,2\n")))
    api.fail_next("sendDocument", 502, "Bad Gateway")
    assert await bot.sender.flush() == 0
    assert methods(api) == ["sendMessage", "sendMessage"]
    [row] = await bot.store.outbox_rows()
    assert (row["status"], row["parts_sent"]) == ("pending", 2)  # noted after each part
    clock.advance(timedelta(seconds=6))
    assert await bot.sender.flush() == 1
    assert methods(api) == ["sendMessage", "sendMessage", "sendDocument"]  # the texts once, the file after them


async def test_a_card_whose_text_fails_after_its_picture_sends_the_text_alone(
    live: tuple[FakeBotAPI, LiveBot, ManualClock], tmp_path: Path
) -> None:
    api, bot, clock = live
    picture = tmp_path / "stop.jpg"
    picture.write_bytes(b"\xff\xd8 a picture")
    text = "De markt\n" + "Wat zie je hier? " * 100  # longer than a caption: the rest follows as a message
    await write(bot, Outgoing(text=text, kind="walk_card_text", data={"photo": str(picture)}))
    api.fail_next("sendMessage", 502, "Bad Gateway")
    assert await bot.sender.flush() == 0
    assert methods(api) == ["sendPhoto"]
    clock.advance(timedelta(seconds=6))
    assert await bot.sender.flush() == 1
    assert methods(api) == ["sendPhoto", "sendMessage"]  # the picture went once
    [row] = await bot.store.outbox_rows()
    assert row["status"] == "sent"
