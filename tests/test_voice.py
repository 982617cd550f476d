"""Every voice reaches the meeting: a recording kept, transcribed, read back, confirmed, translated, and deleted with
the person; the job queue survives a crash; an engine that fails delays only its own jobs."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine import events
from bot.jobs.service import engines_line
from bot.media.files import sweep_orphans
from bot.store.retention import purge
from tests.support.engines import FakeEngine
from tests.support.voice import AUDIO, ROUND, Rig, voice, with_engines


@pytest.fixture
async def rig(settings: Settings, speech: FakeEngine, translation: FakeEngine) -> AsyncIterator[Rig]:
    opened = await Rig.open(with_engines(settings, speech.url, translation.url))
    yield opened
    await opened.close()


def heard_buttons(rig: Rig, name: str = "amal") -> list[str]:
    heard = [message for message in rig.messages_to(name) if message["kind"] == "heard"]
    assert heard, "no 'I heard…' message"
    return [data for row in heard[-1]["buttons"] for _label, data in row]


async def test_a_voice_answer_is_kept_transcribed_read_back_and_translated(rig: Rig) -> None:
    await rig.to_voice_question()
    handled = await rig.send("amal", voice())
    # The reply does not wait for any of it: thanks and the next question, with the jobs only queued.
    now = [message for message in handled.result.messages if not message.scheduled]
    assert "6" in now[0].text and now[0].kind == "prompt" and "lievelingsplek" in now[0].buttons[0][0].data
    assert rig.rows("SELECT kind, status FROM jobs") == [("download", "pending")]
    await rig.worker.drain()
    answer_id, path, status = rig.rows("SELECT answer_id, path, status FROM media")[0]
    kept = rig.settings.media / path
    assert status == "kept" and kept.read_bytes() == AUDIO.read_bytes()
    assert kept.stat().st_mode & 0o777 == 0o600 and rig.settings.media.stat().st_mode & 0o777 == 0o700
    assert path.endswith(f"/{answer_id}-voice.ogg")
    transcript = rig.rows("SELECT text, language, engine FROM transcripts")[0]
    assert (
        transcript[0] == "أريد بيتا أكبر لعائلتي" and transcript[1] == "ar" and "whisper-1 @ 127.0.0.1" in transcript[2]
    )
    assert rig.rows("SELECT field, source_language, target, text FROM translations") == [
        ("transcript", "ar", "nl", "NL: أريد بيتا أكبر لعائلتي")
    ]
    heard = next(message for message in rig.messages_to("amal") if message["kind"] == "heard")
    assert "أريد بيتا أكبر لعائلتي" in heard["text"]
    assert heard_buttons(rig) == [f"heard:ok:{answer_id}", f"heard:again:{answer_id}", f"heard:type:{answer_id}"]
    confirmed = await rig.send("amal", events.Button(f"heard:ok:{answer_id}"))
    assert confirmed.result.messages[0].text.startswith("✅")
    # The next question went out before the transcript came: it is shown again under the thanks, with its buttons.
    assert "⁨6⁩" in confirmed.result.messages[0].text and confirmed.result.messages[0].buttons
    assert rig.rows("SELECT confirmed_at IS NOT NULL FROM transcripts") == [(1,)]
    assert rig.rows("SELECT status, completions FROM jobs") == [("done", 1)] * 3


async def test_type_it_instead_and_record_it_again(rig: Rig, translation: FakeEngine) -> None:
    await rig.to_voice_question()
    await rig.send("amal", voice())
    await rig.worker.drain()
    answer_id = rig.rows("SELECT answer_id FROM media")[0][0]
    await rig.send("amal", events.Button(f"heard:type:{answer_id}"))
    typed = await rig.send("amal", events.Text("نلتقي في الحديقة"))
    assert typed.result.answers == []  # the words belong to the voice answer, not to the next question
    assert "⁨6⁩" in typed.result.messages[0].text  # and the next question is there again
    await rig.worker.drain()
    assert rig.rows("SELECT corrected, confirmed_at IS NOT NULL FROM transcripts") == [("نلتقي في الحديقة", 1)]
    assert rig.rows("SELECT text FROM translations WHERE field = 'transcript'") == [("NL: نلتقي في الحديقة",)]
    # Record it again: the new recording replaces the old, and is transcribed afresh.
    await rig.send("amal", events.Button(f"heard:again:{answer_id}"))
    again = await rig.send("amal", voice())
    assert again.result.answers == [] and again.result.messages[0].text.startswith("✅")
    assert rig.rows("SELECT COUNT(*) FROM transcripts") == [(0,)]
    await rig.worker.drain()
    assert rig.rows("SELECT corrected FROM transcripts") == [(None,)]
    assert rig.rows("SELECT COUNT(*) FROM answers WHERE prompt_id = 'ontmoeten'") == [(1,)]
    # A forged button for someone else's answer changes nothing.
    await rig.to_voice_question("bilal", "fa")
    forged = await rig.send("bilal", events.Button(f"heard:ok:{answer_id}"))
    assert forged.result.refused is not None


async def test_a_restart_mid_queue_loses_no_job_and_does_none_twice(settings: Settings, speech: FakeEngine) -> None:
    speech.mode = "hang"  # every transcription is in flight when the process dies
    first = await Rig.open(with_engines(settings, speech.url))
    for name in ("amal", "bilal", "chadi"):
        await first.to_voice_question(name)
        await first.send(name, voice())
    for _ in range(50):  # the downloads finish, the transcriptions start and hang
        await asyncio.sleep(0.05)
        await first.worker.run_due()
        if first.rows("SELECT COUNT(*) FROM jobs WHERE kind = 'transcribe' AND status = 'running'") == [(3,)]:
            break
    assert (
        first.rows("SELECT kind, status FROM jobs ORDER BY id")
        == [("download", "done")] * 3 + [("transcribe", "running")] * 3
    )
    # As kill -9 would leave it: tasks gone, rows still 'running', nothing recorded.
    for task in list(first.worker._running):
        task.cancel()
    await asyncio.gather(*first.worker._running, return_exceptions=True)
    await first.runners.close()
    await first.store.close()
    speech.mode = "ok"
    second = await Rig.open(with_engines(settings, speech.url))
    try:
        assert await second.worker.recover() == 3
        await second.worker.drain()
        assert (
            second.rows("SELECT kind, status, completions FROM jobs WHERE kind = 'transcribe'")
            == [("transcribe", "done", 1)] * 3
        )
        assert second.rows("SELECT COUNT(*) FROM transcripts") == [(3,)]
    finally:
        await second.close()


async def test_forget_while_a_job_runs_leaves_no_file_transcript_or_translation(
    settings: Settings, speech: FakeEngine, translation: FakeEngine
) -> None:
    speech.mode, speech.delay = "slow", 0.5
    rig = await Rig.open(with_engines(settings, speech.url, translation.url))
    try:
        # A voice note, transcribed while its speaker deletes everything.
        await rig.to_voice_question("bilal")
        await rig.send("bilal", voice())
        draining = asyncio.create_task(rig.worker.drain())
        for _ in range(100):
            await asyncio.sleep(0.02)
            if rig.rows("SELECT COUNT(*) FROM jobs WHERE kind = 'transcribe' AND status = 'running'") == [(1,)]:
                break
        pseudonym = rig.rows("SELECT pseudonym FROM participants WHERE address = 'bilal'")[0][0]
        assert (rig.settings.media / pseudonym).is_dir()
        await rig.send("bilal", events.Command("forget"))
        await rig.send("bilal", events.Button("forget:yes"))
        await draining
        assert not (rig.settings.media / pseudonym).exists()
        assert rig.rows(
            "SELECT COUNT(*) FROM jobs j JOIN answers a ON a.id = j.answer_id JOIN participants p"
            " ON p.id = a.participant_id WHERE p.address = 'bilal'"
        ) == [(0,)]
        assert rig.rows("SELECT COUNT(*) FROM transcripts") == [(0,)]
        assert rig.rows("SELECT COUNT(*) FROM media") == [(0,)]
        assert rig.rows(
            "SELECT COUNT(*) FROM translations t JOIN answers a ON a.id = t.answer_id WHERE a.prompt_id = 'ontmoeten'"
        ) == [(0,)]
        assert [p.name for p in rig.settings.media.rglob("*") if p.is_file()] == []
    finally:
        await rig.close()


async def test_a_transcript_with_words_of_distress_raises_a_flag_with_the_recording_and_its_translation(
    settings: Settings, speech: FakeEngine, translation: FakeEngine
) -> None:
    speech.answer = lambda _seen: {"text": "أحيانا أريد أن أموت", "language": "ar"}
    rig = await Rig.open(with_engines(settings, speech.url, translation.url))
    try:
        await rig.organiser()
        await rig.to_voice_question()
        await rig.send("amal", voice())
        await rig.worker.drain()
        flags = rig.rows("SELECT answer_id, words FROM safeguarding_flags")
        answer_id = rig.rows("SELECT answer_id FROM media")[0][0]
        assert len(flags) == 1 and flags[0][0] == answer_id and json.loads(flags[0][1])  # the words it matched
        card = next(message for message in rig.messages_to("org") if "voice" in message)
        assert "أريد أن أموت" in card["text"] and card["voice"].endswith(f"{answer_id}-voice.ogg")
        assert Path(card["voice"]).is_file()  # noqa: ASYNC240 - a test's look at the disk
        cards = [message for message in rig.messages_to("org") if message["kind"] == "organiser"]
        followed = [message for message in cards if "NL: أحيانا أريد أن أموت" in message["text"]]
        assert len(followed) == 1 and followed[0]["text"].startswith("🌐")
    finally:
        await rig.close()


async def test_an_engine_that_fails_delays_only_its_own_jobs_and_logs_no_words(
    settings: Settings, speech: FakeEngine, translation: FakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    speech.mode = "500"
    translation.mode = "garbage"
    rig = await Rig.open(with_engines(settings, speech.url, translation.url))
    try:
        await rig.to_voice_question()
        await rig.send("amal", voice())
        caplog.set_level(logging.WARNING)
        await rig.worker.drain()
        typed = await rig.send("amal", events.Text("مكاني المفضل هو الحديقة"))  # answers go on meanwhile
        assert typed.result.messages[0].text.startswith("🙏")  # a location question: kindly refused, nothing lost
        await rig.send("amal", events.Button(f"skip:{ROUND}:lievelingsplek"))
        await rig.send("amal", events.Text("شكرا على كل شيء"))
        await rig.worker.drain()
        jobs = dict(rig.rows("SELECT kind, status FROM jobs WHERE kind != 'download'"))
        assert jobs == {"transcribe": "pending", "translate": "pending"}
        retry = rig.rows("SELECT attempts, last_error FROM jobs WHERE kind = 'transcribe'")[0]
        assert retry[0] == 1 and "HTTP 500" in retry[1]
        assert "شكرا" not in caplog.text and "HTTP 500" in caplog.text and "not JSON" in caplog.text
        # The engine is back: the waiting jobs run when they are due again.
        speech.mode = translation.mode = "ok"
        rig.clock.advance(timedelta(minutes=2))
        await rig.worker.drain()
        assert rig.rows("SELECT COUNT(*) FROM jobs WHERE status != 'done'") == [(0,)]
    finally:
        await rig.close()


async def test_without_engines_files_are_still_kept_and_nothing_is_queued_for_them(settings: Settings) -> None:
    rig = await Rig.open(settings)
    try:
        await rig.to_voice_question()
        await rig.send("amal", voice())
        await rig.send("amal", events.Button(f"skip:{ROUND}:lievelingsplek"))
        await rig.send("amal", events.Text("كلام"))
        await rig.worker.drain()
        assert rig.rows("SELECT kind, status FROM jobs") == [("download", "done")]
        assert rig.rows("SELECT status FROM media") == [("kept",)]
        assert [message for message in rig.messages_to("amal") if message["kind"] == "heard"] == []
    finally:
        await rig.close()


async def test_retention_deletes_old_voice_notes_with_their_files_and_words(rig: Rig) -> None:
    await rig.to_voice_question()
    await rig.send("amal", voice())
    await rig.worker.drain()
    kept = rig.settings.media / rig.rows("SELECT path FROM media")[0][0]
    assert kept.is_file()
    await purge(rig.store, rig.clock.now() + timedelta(days=800), 24)
    assert await sweep_orphans(rig.store, rig.settings.media) == 1
    assert not kept.exists()
    assert rig.rows("SELECT COUNT(*) FROM transcripts") == rig.rows("SELECT COUNT(*) FROM jobs") == [(0,)]


def test_the_bot_says_at_start_which_engines_are_on(settings: Settings) -> None:
    assert engines_line(settings) == "engines: speech to text off; translation off"
    both = engines_line(with_engines(settings, "http://127.0.0.1:1/v1", "http://127.0.0.1:2"))
    assert both == "engines: speech to text on (whisper-1); translation on (into nl)"


async def test_an_edited_text_is_translated_afresh(rig: Rig) -> None:
    for event in (
        events.Command("start"),
        events.Button("lang:fa"),
        events.Button("consent:yes"),
        events.Button("role:newcomer"),
        events.Button(f"a:{ROUND}:wonen:2"),
        events.Button(f"a:{ROUND}:vervoer:fiets"),
        events.Text("کار در آشپزخانه", ref="41"),
    ):
        await rig.send("sara", event)
    await rig.worker.drain()
    assert rig.rows("SELECT text FROM translations") == [("NL: کار در آشپزخانه",)]
    await rig.send("sara", events.Edit("41", "کار در آشپزخانه و نانوایی"))
    await rig.worker.drain()
    assert rig.rows("SELECT text FROM translations") == [("NL: کار در آشپزخانه و نانوایی",)]


async def test_a_hanging_speech_engine_holds_up_no_download_and_no_translation(
    settings: Settings, speech: FakeEngine, translation: FakeEngine
) -> None:
    speech.mode = "hang"
    rig = await Rig.open(with_engines(settings, speech.url, translation.url, jobs_at_once=1))
    try:
        for name in ("amal", "bilal"):
            await rig.to_voice_question(name)
            await rig.send(name, voice())
        await rig.send("amal", events.Button(f"skip:{ROUND}:lievelingsplek"))
        await rig.send("amal", events.Text("كلمة أخيرة"))
        await rig.worker.start()
        rig.worker.wake()
        for _ in range(200):
            await asyncio.sleep(0.02)
            if rig.rows("SELECT COUNT(*) FROM translations") == [(1,)] and rig.rows(
                "SELECT COUNT(*) FROM media WHERE status = 'kept'"
            ) == [(2,)]:
                break
        assert rig.rows("SELECT text FROM translations") == [("NL: كلمة أخيرة",)]
        assert rig.rows("SELECT COUNT(*) FROM media WHERE status = 'kept'") == [(2,)]
        assert rig.rows("SELECT status, COUNT(*) FROM jobs WHERE kind = 'transcribe' GROUP BY 1") == [
            ("pending", 1),
            ("running", 1),
        ]
    finally:
        await rig.close()


async def test_a_flagged_photo_caption_comes_as_one_card_with_the_photo(rig: Rig) -> None:
    """The organiser reads the words of distress on the photo itself, not first the words and later a picture."""
    await rig.organiser()
    for event in (
        events.Command("start"),
        events.Button("lang:nl"),
        events.Button("consent:yes"),
        events.Button("role:resident"),
        events.Button(f"a:{ROUND}:wonen:1"),
        events.Button(f"a:{ROUND}:vervoer:fiets"),
        events.Button(f"skip:{ROUND}:werk"),
    ):
        await rig.send("bart", event)
    picture = AUDIO.parent.parent / "pictures" / "park.png"
    await rig.send("bart", events.Photo(f"file:{picture}", caption="Hier wil ik zelfmoord plegen", size=10))
    cards = [message for message in rig.messages_to("org") if message["kind"] == "organiser"]
    assert len(cards) == 1 and "zelfmoord" in cards[0]["text"] and cards[0]["photo"] == str(picture)
    assert any("sg-care" in data for row in cards[0]["buttons"] for _label, data in row)
    await rig.worker.drain()
    assert rig.rows("SELECT status FROM media") == [("kept",)]
    assert [message for message in rig.messages_to("org") if message["kind"] == "organiser"] == cards
