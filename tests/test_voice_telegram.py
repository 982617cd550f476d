"""Done when: an Arabic voice note on Telegram reaches an organiser as audio, Arabic transcript and Dutch translation,
through the real bot against the fake Bot API (getFile and the file download) and local engine servers."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from tests.support.engines import FakeEngine, speech_server, translate_server
from tests.support.fake_bot_api import Call
from tests.support.live import Running, running_bot
from tests.support.voice import AUDIO, ROUND

ORGANISER = 7001
SPEAKER = 4242


@pytest.fixture
async def engines() -> AsyncIterator[tuple[FakeEngine, FakeEngine]]:
    speech, translation = speech_server(), translate_server()
    await speech.start()
    await translation.start()
    yield speech, translation
    await speech.stop()
    await translation.stop()


def sent(bot: Running, chat: int, method: str = "sendMessage") -> list[Call]:
    return [call for call in bot.api.sent_to(chat) if call.method == method]


async def reply(
    bot: Running, chat: int, action: Callable[[], object], wanted: Callable[[Call], bool] = lambda _c: True
) -> Call:
    before = len(sent(bot, chat))
    action()

    def found() -> Call | None:
        return next((call for call in sent(bot, chat)[before:] if wanted(call)), None)

    await bot.api.wait_for(lambda _sent: found() is not None, timeout=10)
    result = found()
    assert result is not None
    return result


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


async def test_an_arabic_voice_note_reaches_the_organiser_with_transcript_and_translation(
    settings: Settings, engines: tuple[FakeEngine, FakeEngine]
) -> None:
    speech, translation = engines
    configured = replace(
        settings, organisers=frozenset({ORGANISER}), speech_url=speech.url, translate_url=translation.url
    )
    async with running_bot(configured) as bot:
        api = bot.api
        api.files["files/voice-ar-1"] = AUDIO.read_bytes()
        await reply(
            bot, SPEAKER, lambda: api.user_command(SPEAKER, "start", language_code="ar"), lambda c: bool(c.buttons)
        )
        await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "lang:ar"), lambda c: "13" in (c.text or ""))
        await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "consent:yes"), lambda c: bool(c.buttons))
        await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "role:newcomer"))
        for data in (f"a:{ROUND}:wonen:4", f"a:{ROUND}:vervoer:fiets", f"skip:{ROUND}:werk", f"skip:{ROUND}:veilig"):
            await reply(bot, SPEAKER, lambda data=data: api.user_callback(SPEAKER, data))
        heard = await reply(
            bot,
            SPEAKER,
            lambda: api.user_voice(SPEAKER, file_id="voice-ar-1", duration=4),
            lambda call: any(data.startswith("heard:") for row in call.buttons for _label, data in row),
        )
        assert "أريد بيتا أكبر لعائلتي" in (heard.text or "")
        assert any(call.method == "getFile" for call in api.requests)
        assert any(call.method == "downloadFile" for call in api.requests)
        await api.wait_for(lambda _sent: rows(bot.settings.db, "SELECT COUNT(*) FROM translations") == [(1,)])
        card = await reply(
            bot, ORGANISER, lambda: api.user_command(ORGANISER, "moderate"), lambda call: "🎤" in (call.text or "")
        )
        text = card.text or ""
        assert "أريد بيتا أكبر لعائلتي" in text and "NL: أريد بيتا أكبر لعائلتي" in text and "LibreTranslate" in text
        await api.wait_for(lambda _sent: bool(sent(bot, ORGANISER, "sendVoice")))
        voice = sent(bot, ORGANISER, "sendVoice")[0]
        assert voice.params["voice"] == AUDIO.read_bytes()
        kept = rows(bot.settings.db, "SELECT path FROM media")[0][0]
        assert (bot.settings.media / str(kept)).is_file()
