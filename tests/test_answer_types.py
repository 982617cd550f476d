"""Answer types meet people where they are: typed or spoken either way, a skip on every prompt unless required, a
photo's words kept, and a file too big for Telegram answered politely."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Message

from bot.config import Settings
from bot.content.loader import Library
from bot.content.model import Prompt
from bot.engine import events
from bot.engine.prompts import Refusal, Taken, render_prompt, take_answer
from bot.i18n import translator
from bot.telegram.convert import message_event
from tests.support.voice import ROUND, Rig, voice


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    opened = await Rig.open(settings)
    yield opened
    await opened.close()


async def test_a_typed_answer_to_a_voice_question_is_taken_as_a_free_text(rig: Rig) -> None:
    await rig.to_voice_question()
    handled = await rig.send("amal", events.Text("في المسجد وفي الحديقة"))
    assert [(a.prompt_id, a.answer_type, a.value) for a in handled.result.answers] == [
        ("ontmoeten", "text", {"text": "في المسجد وفي الحديقة"})
    ]
    assert rig.rows("SELECT moderation FROM answers WHERE prompt_id = 'ontmoeten'") == [("pending",)]


def test_a_prompt_that_accepts_only_voice_refuses_typing_kindly(library: Library) -> None:
    prompt = library.rounds[ROUND].prompt("ontmoeten")
    assert prompt is not None
    t = translator("en")
    only_voice = prompt.model_copy(update={"accept": ("voice",)})
    refused = take_answer(only_voice, events.Text("hello"), t, 2000)
    assert isinstance(refused, Refusal) and "microphone" in refused.message and "or type it" not in refused.message
    assert isinstance(take_answer(only_voice, voice(), t, 2000), Taken)
    assert isinstance(take_answer(prompt, events.Text("hello"), t, 2000), Taken)
    text_prompt = library.rounds[ROUND].prompt("werk")
    assert text_prompt is not None
    assert isinstance(take_answer(text_prompt, voice(), t, 2000), Taken)


def test_every_prompt_has_a_skip_button_unless_it_is_required(library: Library) -> None:
    conversation = library.rounds[ROUND]
    t = translator("nl")
    for prompt in conversation.prompts:
        _text, rows = render_prompt(conversation, prompt, t)
        skips = [button for row in rows for button in row if button.data.startswith("skip:")]
        assert len(skips) == (0 if prompt.required else 1), prompt.id
    assert conversation.prompt("wonen").required  # type: ignore[union-attr]


async def test_reminders_stop_for_a_skipped_prompt(rig: Rig) -> None:
    await rig.to_voice_question()
    pending = (
        "SELECT DISTINCT json_extract(payload, '$.prompt') FROM outbox WHERE kind = 'reminder' AND status = 'pending'"
    )
    assert rig.rows(pending) == [("ontmoeten",)]
    await rig.send("amal", events.Button(f"skip:{ROUND}:ontmoeten"))
    assert rig.rows(pending) == [("lievelingsplek",)]
    assert rig.rows("SELECT answer_type FROM answers WHERE prompt_id = 'ontmoeten'") == [("skipped",)]


async def test_a_photo_keeps_its_caption_as_the_persons_words(rig: Rig) -> None:
    for event in (
        events.Command("start"),
        events.Button("lang:nl"),
        events.Button("consent:yes"),
        events.Button("role:resident"),
        events.Button(f"a:{ROUND}:wonen:3"),
        events.Button(f"a:{ROUND}:vervoer:fiets"),
        events.Button(f"skip:{ROUND}:werk"),
    ):
        await rig.send("bart", event)
    picture = voice().file_ref.replace("audio/wonen-ar.ogg", "pictures/bibliotheek.png")
    handled = await rig.send("bart", events.Photo(picture, caption="Hier voel ik me veilig", size=1000))
    assert [a.value for a in handled.result.answers] == [{"photo": picture, "text": "Hier voel ik me veilig"}]
    await rig.worker.drain()
    assert rig.rows("SELECT kind, status FROM media") == [("photo", "kept")]


async def test_a_file_too_big_for_telegram_gets_a_polite_answer_and_nothing_is_lost(rig: Rig) -> None:
    await rig.to_voice_question()
    handled = await rig.send("amal", events.Voice("big-file", 600, size=25 * 1024 * 1024))
    assert handled.result.answers == []
    assert "20" in handled.result.messages[0].text and handled.result.messages[0].text.startswith("🙏")
    assert rig.rows("SELECT COUNT(*) FROM jobs") == [(0,)]
    kept = await rig.send("amal", voice())
    assert [a.prompt_id for a in kept.result.answers] == ["ontmoeten"]


def _message(**content: object) -> Message:
    data = {
        "message_id": 5,
        "date": 1_760_000_000,
        "chat": {"id": 42, "type": "private", "first_name": "A"},
        "from": {"id": 42, "is_bot": False, "first_name": "A"},
        **content,
    }
    return Message.de_json(data, None)  # type: ignore[arg-type]


def test_telegram_audio_round_videos_and_captioned_photos_become_answers() -> None:
    note = _message(video_note={"file_id": "vn", "file_unique_id": "u", "length": 240, "duration": 9, "file_size": 9})
    music = _message(audio={"file_id": "au", "file_unique_id": "u2", "duration": 30, "file_size": 30_000_000})
    photo = _message(
        photo=[{"file_id": "p", "file_unique_id": "u3", "width": 9, "height": 9, "file_size": 900}],
        caption="Onze straat",
    )
    assert message_event(note) == events.Voice("vn", 9, kind="video_note", size=9)
    assert message_event(music) == events.Voice("au", 30, kind="audio", size=30_000_000)
    assert message_event(photo) == events.Photo("p", caption="Onze straat", size=900)


def test_content_that_mixes_up_answer_ways_is_refused_by_check() -> None:
    text = {"nl": "Vraag", "en": "Question"}
    with pytest.raises(ValueError, match="voice and text prompts"):
        Prompt.model_validate({"id": "a", "type": "scale", "text": text, "accept": ["voice"]})
    with pytest.raises(ValueError, match="not both"):
        Prompt.model_validate({"id": "b", "type": "voice", "text": text, "required": True, "optional": True})
    assert Prompt.model_validate({"id": "c", "type": "voice", "text": text, "accept": ["voice"]}).takes("text") is False
