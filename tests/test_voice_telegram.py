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


async def test_a_round_video_message_and_an_audio_file_reach_the_organiser_by_their_own_methods(
    settings: Settings,
) -> None:
    """sendVoice refuses an mp4: a video message goes by sendVideoNote, an mp3 by sendAudio, a wav as a file."""
    async with running_bot(replace(settings, organisers=frozenset({ORGANISER}))) as bot:
        api = bot.api
        api.files["files/round-1.mp4"] = b"mp4 bytes"
        api.files["files/song-1.mp3"] = b"mp3 bytes"
        api.files["files/memo-1.wav"] = b"wav bytes"
        await reply(bot, SPEAKER, lambda: api.user_command(SPEAKER, "start"), lambda c: bool(c.buttons))
        await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "lang:nl"), lambda c: bool(c.buttons))
        await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "consent:yes"), lambda c: bool(c.buttons))
        await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "role:newcomer"))
        for data in (f"a:{ROUND}:wonen:4", f"a:{ROUND}:vervoer:fiets"):
            await reply(bot, SPEAKER, lambda data=data: api.user_callback(SPEAKER, data))
        files = (
            {"video_note": {"file_id": "round-1.mp4", "file_unique_id": "u-round-1", "length": 240, "duration": 3}},
            {"audio": {"file_id": "song-1.mp3", "file_unique_id": "u-song-1", "duration": 3, "file_name": "a.mp3"}},
            {"audio": {"file_id": "memo-1.wav", "file_unique_id": "u-memo-1", "duration": 3, "file_name": "a.wav"}},
        )
        # A text question, a voice question and the last text question each take a recording; two are skipped.
        skips = (f"skip:{ROUND}:veilig", f"skip:{ROUND}:lievelingsplek", None)
        for number, (content, skip) in enumerate(zip(files, skips, strict=True), start=1):
            api.push_update({"message": api._user_message(SPEAKER, **content)})
            await api.wait_for(
                lambda _sent, n=number: (
                    rows(bot.settings.db, "SELECT COUNT(*) FROM media WHERE path IS NOT NULL") == [(n,)]
                )
            )
            if skip is not None:
                await reply(bot, SPEAKER, lambda skip=skip: api.user_callback(SPEAKER, skip))
        kinds = sorted(str(kind) for (kind,) in rows(bot.settings.db, "SELECT kind FROM media"))
        assert kinds == ["audio", "audio", "video_note"]
        api.user_command(ORGANISER, "media")
        await api.wait_for(
            lambda _sent: (
                bool(sent(bot, ORGANISER, "sendVideoNote"))
                and bool(sent(bot, ORGANISER, "sendAudio"))
                and bool(sent(bot, ORGANISER, "sendDocument"))
            )
        )
        assert sent(bot, ORGANISER, "sendVideoNote")[0].params["video_note"] == b"mp4 bytes"
        assert sent(bot, ORGANISER, "sendAudio")[0].params["audio"] == b"mp3 bytes"
        assert sent(bot, ORGANISER, "sendDocument")[0].params["document"] == b"wav bytes"
        assert not sent(bot, ORGANISER, "sendVoice")


async def to_the_photo_question(bot: Running) -> None:
    """A Dutch newcomer through onboarding and the first questions, up to the one that asks for a photo."""
    api = bot.api
    await reply(bot, SPEAKER, lambda: api.user_command(SPEAKER, "start"), lambda c: bool(c.buttons))
    await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "lang:nl"), lambda c: bool(c.buttons))
    await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "consent:yes"), lambda c: bool(c.buttons))
    await reply(bot, SPEAKER, lambda: api.user_callback(SPEAKER, "role:newcomer"))
    for data in (f"a:{ROUND}:wonen:4", f"a:{ROUND}:vervoer:fiets", f"skip:{ROUND}:werk"):
        await reply(bot, SPEAKER, lambda data=data: api.user_callback(SPEAKER, data))


async def test_a_flagged_photo_reaches_the_organiser_as_one_photo_with_the_card_as_caption(settings: Settings) -> None:
    async with running_bot(replace(settings, organisers=frozenset({ORGANISER}))) as bot:
        api = bot.api
        await to_the_photo_question(bot)
        api.user_photo(SPEAKER, file_id="photo-9", caption="Hier wil ik zelfmoord plegen")
        await api.wait_for(lambda _sent: bool(sent(bot, ORGANISER, "sendPhoto")))
        await api.wait_for(lambda _sent: rows(bot.settings.db, "SELECT status FROM media") == [("kept",)])
        card = sent(bot, ORGANISER, "sendPhoto")[0]
        assert card.params["photo"] == "photo-9"  # by its file_id: no upload, no wait for the download
        assert "zelfmoord" in str(card.params["caption"]) and len(str(card.params["caption"])) <= 1024
        assert any(data.endswith(":1") and "sg-care" in data for row in card.buttons for _label, data in row)
        assert not sent(bot, ORGANISER)  # one message: nothing before or after it
        assert len(sent(bot, ORGANISER, "sendPhoto")) == 1


async def test_a_refused_photo_leaves_the_flag_card_as_text(settings: Settings) -> None:
    """Telegram may no longer know a file_id: the card must still reach the organiser."""
    async with running_bot(replace(settings, organisers=frozenset({ORGANISER}))) as bot:
        api = bot.api
        await to_the_photo_question(bot)
        api.fail_next("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified", chat_id=ORGANISER)
        api.user_photo(SPEAKER, file_id="photo-9", caption="Hier wil ik zelfmoord plegen")
        await api.wait_for(lambda _sent: bool(sent(bot, ORGANISER)))
        text = sent(bot, ORGANISER)[0]
        assert "zelfmoord" in (text.text or "") and text.buttons
