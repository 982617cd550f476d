"""The real python-telegram-bot against a local fake Bot API server: what a participant on a phone would see."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import Store
from bot.telegram.channel import Uploads
from tests.support.fake_bot_api import Call
from tests.support.live import USER, Running, answers, bot, onboard, participant

__all__ = ["bot"]  # the fixture, shared from tests/support/live.py


async def test_onboarding_and_an_answer_over_telegram(bot: Running) -> None:
    api = bot.api
    first_prompt = await onboard(bot)
    assert "Leven in onze stad" in (first_prompt.text or "")
    # The first prompt has a Dutch reading: it follows the text as a voice note.
    await api.wait_for(lambda sent: any(c.method == "sendVoice" for c in sent))
    voice = next(c for c in api.sent if c.method == "sendVoice")
    assert voice.chat_id == USER and voice.params["_filenames"]["voice"] == "wonen-nl.ogg"
    assert "Vraag 1 van 7" in (first_prompt.text or "")
    assert [data for _label, data in first_prompt.buttons[0]] == [
        f"a:leven-in-onze-stad:wonen:{n}" for n in range(1, 6)
    ]

    # Dutch is also their Telegram app's language, whose menu is set for everyone at start: no chat menu needed.
    def chat_menus() -> list[Call]:
        return [
            c
            for c in api.requests
            if c.method == "setMyCommands" and (c.params.get("scope") or {}).get("type") == "chat"
        ]

    assert chat_menus() == []
    await api.wait_requested(lambda c: c.method == "setMyCommands" and c.params.get("language_code") == "nl")

    reply = await bot.exchange(lambda: api.user_callback(USER, "a:leven-in-onze-stad:wonen:4"))
    assert "bewaard" in (reply.text or "") and "Vraag 2 van 7" in (reply.text or "")  # confirmation + next: one message
    # Answering the button and taking the keyboard off the question are calls of their own, in the bot's own time.
    await api.wait_requested(lambda c: c.method == "answerCallbackQuery")
    await api.wait_requested(lambda c: c.method == "editMessageReplyMarkup")
    assert answers(bot.settings.db) == [("wonen", "scale", '{"value": 4}')]
    stored = participant(bot.settings.db, str(USER))
    assert stored is not None and stored["language"] == "nl" and stored["role"] == "newcomer"
    assert str(USER) not in str(stored["pseudonym"])


async def test_a_recording_goes_up_once_and_then_by_its_file_id(bot: Running) -> None:
    """Five hundred newcomers hear the same prompt: Telegram gets the file once, and its file_id after that."""
    api = bot.api
    await onboard(bot)
    await onboard(bot, user=USER + 1)
    await api.wait_for(lambda sent: len([c for c in sent if c.method == "sendVoice"]) == 2)
    first, second = [c for c in api.sent if c.method == "sendVoice"]
    assert isinstance(first.params["voice"], bytes)
    uploaded = next(m["voice"]["file_id"] for (chat, _id), m in api.messages.items() if chat == USER and "voice" in m)
    assert second.chat_id == USER + 1 and second.params["voice"] == uploaded


async def test_a_file_id_telegram_no_longer_knows_is_uploaded_again_and_other_errors_keep_it(bot: Running) -> None:
    api = bot.api
    await onboard(bot)
    await api.wait_for(lambda sent: any(c.method == "sendVoice" for c in sent))
    api.fail_next("sendVoice", 400, "Bad Request: wrong file identifier/HTTP URL specified", chat_id=USER + 1)
    await onboard(bot, user=USER + 1)
    await api.wait_for(lambda sent: any(c.method == "sendVoice" and c.chat_id == USER + 1 for c in sent))
    again = next(c for c in api.sent if c.method == "sendVoice" and c.chat_id == USER + 1)
    assert isinstance(again.params["voice"], bytes)  # uploaded afresh

    api.fail_next("sendVoice", 400, "Bad Request: VOICE_MESSAGES_FORBIDDEN", chat_id=USER + 2)
    await onboard(bot, user=USER + 2)  # this person does not take voice messages: nothing to do with the file
    await onboard(bot, user=USER + 3)
    await api.wait_for(lambda sent: any(c.method == "sendVoice" and c.chat_id == USER + 3 for c in sent))
    later = next(c for c in api.sent if c.method == "sendVoice" and c.chat_id == USER + 3)
    assert isinstance(later.params["voice"], str)  # still sent by the id Telegram gave
    assert not any(c.method == "sendVoice" and c.chat_id == USER + 2 for c in api.sent)


async def test_a_service_message_in_the_private_chat_is_passed_over_quietly(bot: Running) -> None:
    """Review finding: pinning a message or setting an auto-delete timer got "I can't use this as an answer"
    with the question again, and made a participant row for someone who had never started."""
    api = bot.api
    await onboard(bot)
    before = len(bot.messages())
    pin = api._user_message(USER, message_auto_delete_timer_changed={"message_auto_delete_time": 86400})
    api.push_update({"message": pin})
    stranger = api._user_message(USER + 7, write_access_allowed={"from_request": True})
    api.push_update({"message": stranger})
    await api.wait_for(lambda _sent: api.pending_updates() == 0)
    reply = await bot.exchange(lambda: api.user_text(USER, "hallo"))  # the next real message still gets its reply
    assert len(bot.messages()) == before + 1 and reply.chat_id == USER
    assert participant(bot.settings.db, str(USER + 7)) is None
    with sqlite3.connect(bot.settings.db) as db:
        assert db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0] == 0


async def test_a_recording_telegram_refuses_once_does_not_send_the_question_again(bot: Running) -> None:
    """Review finding: the text went out, the recording after it got a 502, and the whole row was retried: the
    question came again, up to eight times. The recording is an extra: the row counts as sent."""
    api = bot.api
    api.fail_next("sendVoice", 502, "Bad Gateway")
    await onboard(bot)

    def prompt_row() -> tuple[str, int] | None:
        with sqlite3.connect(bot.settings.db) as db:
            return db.execute("SELECT status, attempts FROM outbox WHERE kind = 'prompt' ORDER BY id").fetchone()

    await api.wait_for(lambda _sent: (prompt_row() or ("",))[0] == "sent")
    assert prompt_row() == ("sent", 1)
    assert sum("Vraag 1 van 7" in (c.text or "") for c in bot.messages()) == 1


def test_a_file_changed_on_disk_is_uploaded_again(tmp_path: Path) -> None:
    recording = tmp_path / "wonen-nl.ogg"
    recording.write_bytes(b"OggS first")
    uploads = Uploads()
    assert uploads.file_id(recording) is None
    read = uploads.signature(recording)
    uploads.remember(recording, read, "voice-1")
    assert uploads.file_id(recording) == "voice-1"
    recording.write_bytes(b"OggS recorded again")  # an organiser replaced the recording
    assert uploads.file_id(recording) is None
    read = uploads.signature(recording)
    recording.write_bytes(b"OggS and again, while the upload was on its way")
    uploads.remember(recording, read, "voice-2")  # Telegram got the version before: not the one on disk now
    assert uploads.file_id(recording) is None
    recording.unlink()
    assert uploads.file_id(recording) is None


async def test_every_answer_type_and_wrong_input(bot: Running) -> None:
    api = bot.api
    await onboard(bot)
    await bot.exchange(lambda: api.user_callback(USER, "a:leven-in-onze-stad:wonen:2"))
    await bot.exchange(lambda: api.user_text(USER, "2"))  # choice by typing its number: "Met de fiets"
    sticker = await bot.exchange(lambda: api.user_sticker(USER))
    assert "sticker" in (sticker.text or "").lower()
    too_long = await bot.exchange(lambda: api.user_text(USER, "x" * 1001))
    assert "1000" in (too_long.text or "")
    await bot.exchange(lambda: api.user_voice(USER, duration=7))  # a voice note answers an open question too
    await bot.exchange(lambda: api.user_photo(USER))
    await bot.exchange(lambda: api.user_voice(USER))
    await bot.exchange(lambda: api.user_location(USER, 51.0543, 3.7174))
    closing = await bot.exchange(lambda: api.user_text(USER, "Meer bankjes in het park"))
    assert "Dank je" in (closing.text or "") or "bedankt" in (closing.text or "").lower()
    stored = answers(bot.settings.db)
    assert [row[0] for row in stored] == [
        "wonen",
        "vervoer",
        "werk",
        "veilig",
        "ontmoeten",
        "lievelingsplek",
        "open-vraag",
    ]
    assert json.loads(stored[1][2]) == {"option": "fiets"}
    assert json.loads(stored[2][2]) == {"voice": "voice-file-1", "duration": 7}
    assert json.loads(stored[5][2]) == {"latitude": 51.0543, "longitude": 3.7174}


async def test_commands_in_the_middle_of_a_prompt(bot: Running) -> None:
    api = bot.api
    await onboard(bot)
    help_text = await bot.exchange(lambda: api.user_command(USER, "help"))
    assert "112" in (help_text.text or "")
    paused = await bot.exchange(lambda: api.user_command(USER, "pause"))
    assert "/resume" in (paused.text or "")
    resumed = await bot.exchange(lambda: api.user_command(USER, "resume"))
    assert "Vraag 1 van 7" in (resumed.text or "")
    english = await bot.exchange(lambda: api.user_command(USER, "language"))
    assert english.buttons
    await bot.exchange(lambda: api.user_callback(USER, "lang:en"))
    await api.wait_for(lambda sent: any("Question 1 of 7" in (c.text or "") for c in sent))

    # A language other than their app's: the command menu of this chat follows it (set right after the message).
    def chat_menus() -> list[Call]:
        return [
            c
            for c in api.requests
            if c.method == "setMyCommands" and (c.params.get("scope") or {}).get("type") == "chat"
        ]

    await api.wait_for(lambda _sent: bool(chat_menus()))
    menus = chat_menus()
    assert menus and menus[-1].params["scope"]["chat_id"] == USER
    assert any("language" in command["description"] for command in menus[-1].params["commands"])
    before = len(api.sent)
    await bot.exchange(lambda: api.user_command(USER, "mydata"))
    await api.wait_for(lambda sent: any(c.method == "sendDocument" for c in sent[before:]))
    document = next(c for c in api.sent[before:] if c.method == "sendDocument")
    data = json.loads(document.params["document"])
    assert data["participant"]["language"] == "en"
    assert str(USER) not in json.dumps(data["answers"])
    confirm = await bot.exchange(lambda: api.user_command(USER, "forget"))
    assert confirm.buttons[0][0][1] == "forget:yes"
    await bot.exchange(lambda: api.user_callback(USER, "forget:yes"))
    assert participant(bot.settings.db, str(USER)) is None
    with sqlite3.connect(bot.settings.db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM inbox WHERE address = ?", (str(USER),)).fetchone()[0] == 0


async def test_blocked_user_and_retry_after(bot: Running) -> None:
    api = bot.api
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    welcome = await bot.exchange(lambda: api.user_command(USER, "start"))  # arrives after the retry
    assert welcome.buttons

    def first_row() -> tuple[str, int]:
        with sqlite3.connect(bot.settings.db) as connection:
            return connection.execute("SELECT status, attempts FROM outbox ORDER BY id").fetchone()

    # Telegram has the message a moment before the outbox records it as sent.
    await api.wait_for(lambda _sent: first_row()[0] == "sent")
    assert first_row() == ("sent", 2)

    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    api.user_callback(USER, "lang:nl")
    await api.wait_for(lambda _sent: (participant(bot.settings.db, str(USER)) or {}).get("active") == 0)
    api.my_chat_member(USER, "member", old_status="kicked")
    await api.wait_for(lambda _sent: (participant(bot.settings.db, str(USER)) or {}).get("active") == 1)


async def test_updates_kept_before_confirmation_are_handled_after_a_restart(bot: Running) -> None:
    await bot.halt()
    # An update that was fetched and stored, but never handled, when the process died.
    raw = {
        "update_id": 900,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": USER, "type": "private", "first_name": "Test"},
            "from": {"id": USER, "is_bot": False, "first_name": "Test", "language_code": "nl"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    store = await Store.open(bot.settings.db)
    await store.inbox_store("telegram", [("900", str(USER), json.dumps(raw))], datetime.now(UTC))
    await store.close()
    before = len(bot.messages())
    await bot.start()
    welcome = await bot.next_message(before)
    assert welcome.chat_id == USER and welcome.buttons
    with sqlite3.connect(bot.settings.db) as connection:
        assert connection.execute("SELECT done_at IS NOT NULL FROM inbox WHERE update_key = '900'").fetchone() == (1,)


def test_run_without_token_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("SAMENSPRAAK_TOKEN", raising=False)
    monkeypatch.delenv("SAMENSPRAAK_TOKEN_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 2
    assert "SAMENSPRAAK_TOKEN" in capsys.readouterr().err
