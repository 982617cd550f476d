"""Nothing lost, no one let in: bad input, edits, floods, duplicates, privacy, retention and backups."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.clock import ManualClock
from bot.config import Settings
from bot.content import Library
from bot.dispatch import Dispatcher
from bot.engine import CONSENT_VERSION, Engine, ParticipantState, Stage, events
from bot.features.edits.feature import EditContext
from bot.features.wiring import FEATURES
from bot.flood import FloodGate
from bot.logs import setup_logging
from bot.store import Store
from bot.store.retention import months_before, purge, purge_files
from tests.support.live import USER, Running, answers, bot, onboard, participant

__all__ = ["bot"]

TABLES_WITH_PARTICIPANT = ("answers", "outbox")


def rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def text_message(bot: Running, text: str, **extra: object) -> tuple[int, int]:
    """Push a participant's text message; returns (update_id, message_id) so a test can edit it later."""
    message = bot.api._user_message(USER, text=text, **extra)
    return bot.api.push_update({"message": message}), message["message_id"]


async def reach_text_prompt(bot: Running) -> None:
    await onboard(bot)
    await bot.exchange(lambda: bot.api.user_callback(USER, "a:leven-in-onze-stad:wonen:3"))
    await bot.exchange(lambda: bot.api.user_callback(USER, "a:leven-in-onze-stad:vervoer:fiets"))


async def test_editing_a_text_answer_updates_it_and_keeps_the_history(bot: Running) -> None:
    await reach_text_prompt(bot)
    before = len(bot.messages())
    _update, message_id = text_message(bot, "Meer werk voor jongeren")
    await bot.next_message(before)
    confirmed = await bot.exchange(lambda: bot.api.edited_text(USER, message_id, "Meer werk en stages voor jongeren"))
    assert "bijgewerkt" in (confirmed.text or "") or "aangepast" in (confirmed.text or "")
    value = rows(bot.settings.db, "SELECT value FROM answers WHERE prompt_id = 'werk'")
    assert json.loads(value[0][0]) == {"text": "Meer werk en stages voor jongeren"}
    history = rows(bot.settings.db, "SELECT value FROM answer_history")
    assert [json.loads(row[0]) for row in history] == [{"text": "Meer werk voor jongeren"}]
    # Editing a message that answered nothing (a command) is ignored quietly.
    count = len(bot.messages())
    _update, command_id = text_message(bot, "/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}])
    await bot.next_message(count)
    count = len(bot.messages())
    bot.api.edited_text(USER, command_id, "/help please")
    await bot.api.wait_for(
        lambda _sent: not any(row[0] is None for row in rows(bot.settings.db, "SELECT done_at FROM inbox"))
    )
    assert len(bot.messages()) == count


async def test_bad_input_gets_a_polite_answer_and_stores_nothing(bot: Running) -> None:
    await reach_text_prompt(bot)
    forwarded = {
        "type": "user",
        "date": int(time.time()),
        "sender_user": {"id": 777, "is_bot": False, "first_name": "X"},
    }
    reply = await bot.exchange(lambda: text_message(bot, "Iemand anders zijn tekst", forward_origin=forwarded))
    assert "eigen woorden" in (reply.text or "").lower() or "doorgestuurd" in (reply.text or "").lower()
    for push in (bot.api.user_document, bot.api.user_sticker):
        reply = await bot.exchange(lambda push=push: push(USER))
        assert reply.text and "Vraag 3 van 7" not in reply.text[:5]
    reply = await bot.exchange(lambda: bot.api.user_text(USER, "   "))
    assert "leeg" in (reply.text or "")
    assert [row[0] for row in rows(bot.settings.db, "SELECT prompt_id FROM answers ORDER BY id")] == [
        "wonen",
        "vervoer",
    ]
    # Control characters and odd Unicode are cleaned, letters of every script are kept.
    await bot.exchange(
        lambda: bot.api.user_text(USER, "Werk\u0000 voor\u202e iedereen \u0645\u0631\u062d\u0628\u0627\u200d")
    )
    stored = json.loads(rows(bot.settings.db, "SELECT value FROM answers WHERE prompt_id = 'werk'")[0][0])
    assert stored == {"text": "Werk voor iedereen \u0645\u0631\u062d\u0628\u0627\u200d"}


async def test_group_messages_not_addressed_to_the_bot_are_ignored(bot: Running) -> None:
    bot.api.user_text(USER, "hallo allemaal", chat_id=-1001, chat_type="supergroup")
    await bot.api.wait_for(lambda _sent: rows(bot.settings.db, "SELECT done_at IS NOT NULL FROM inbox") == [(1,)])
    assert bot.messages() == []
    assert participant(bot.settings.db, "-1001") is None


async def test_forged_and_stale_buttons_are_refused_and_logged_by_pseudonym(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await onboard(bot)
    for data in (
        "a:leven-in-onze-stad:nope:1",  # a prompt that does not exist
        "a:leven-in-onze-stad:wonen:9",  # a value outside the options
        "a:leven-in-onze-stad:open-vraag:x",  # a prompt that is not active
        "zz:geheimewoorden",  # not ours at all, and what a client sent never reaches the log
    ):
        reply = await bot.exchange(lambda data=data: bot.api.user_callback(USER, data))
        assert "Vraag 1 van 7" in (reply.text or "")
    assert answers(bot.settings.db) == []
    refused = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert len(refused) == 4
    pseudonym = participant(bot.settings.db, str(USER))["pseudonym"]  # type: ignore[index]
    assert all(str(pseudonym) in line and str(USER) not in line for line in refused)
    assert not [line for line in refused if "geheim" in line or "nope" in line]


async def test_a_backlog_after_downtime_is_no_flood(settings: Settings) -> None:
    """Review finding: 25 messages sent over an hour while the bot was down arrive in one batch; judged by
    handling time they were a burst ("slow down", the rest unstored). Only live messages count now."""
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    store = await Store.open(settings.db)
    try:
        dispatcher = Dispatcher(store, settings, clock, flood=FloodGate(clock))
        an_hour_ago = clock.now() - timedelta(hours=1)
        waited = [
            await dispatcher.handle("telegram", "9", events.Command("help"), sent_at=an_hour_ago + timedelta(minutes=n))
            for n in range(25)
        ]
        assert all("112" in handled.result.messages[0].text for handled in waited)
        live = [
            await dispatcher.handle("telegram", "9", events.Command("help"), sent_at=clock.now()) for _ in range(25)
        ]
        assert any("quickly" in message.text for handled in live for message in handled.result.messages)
    finally:
        await store.close()


async def test_a_flood_is_answered_once_and_not_stored(bot: Running) -> None:
    await reach_text_prompt(bot)
    for number in range(50):
        bot.api.user_text(USER, f"bericht {number}")
    await bot.api.wait_for(lambda _sent: bot.api.pending_updates() == 0, timeout=15)
    await bot.api.wait_for(
        lambda _sent: rows(bot.settings.db, "SELECT COUNT(*) FROM inbox WHERE done_at IS NULL") == [(0,)], timeout=15
    )
    slow_down = [c for c in bot.messages() if "snel" in (c.text or "")]
    assert len(slow_down) == 1
    stored = rows(bot.settings.db, "SELECT COUNT(*) FROM answers")[0][0]
    assert stored <= 2 + 5  # the two button answers, then the rest of the round at most: never 50


async def test_logs_hold_no_text_name_or_telegram_id(bot: Running, caplog: pytest.LogCaptureFixture) -> None:
    setup_logging("DEBUG")  # as in production, with the loggers that would leak held at WARNING
    caplog.set_level(logging.DEBUG)
    await reach_text_prompt(bot)
    await bot.exchange(lambda: bot.api.user_text(USER, "Mijn geheime mening over de buurt"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "geheime mening" not in logged
    assert str(USER) not in logged
    assert bot.api.token not in logged
    assert "first_name" not in logged


async def test_forget_leaves_no_row_of_the_participant(bot: Running) -> None:
    await reach_text_prompt(bot)
    await bot.exchange(lambda: bot.api.user_voice(USER, file_id="voice-secret"))
    await bot.exchange(lambda: bot.api.user_command(USER, "forget"))
    await bot.exchange(lambda: bot.api.user_callback(USER, "forget:yes"))
    db = bot.settings.db
    assert rows(db, "SELECT COUNT(*) FROM participants") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM answer_history") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM outbox WHERE participant_id IS NOT NULL") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM inbox WHERE raw LIKE '%voice-secret%'") == [(0,)]
    assert rows(db, "SELECT COUNT(*) FROM inbox WHERE address = ?", str(USER)) == [(0,)]


async def test_the_same_update_twice_is_handled_once(settings: Settings) -> None:
    from bot.telegram.app import LiveBot

    store = await Store.open(settings.db)
    try:
        live_settings = replace(settings, token=SecretStr("123456:TEST"))
        live = LiveBot(live_settings, store, ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC)))
        raw = {
            "update_id": 77,
            "message": {
                "message_id": 5,
                "date": 1_700_000_000,
                "chat": {"id": USER, "type": "private", "first_name": "A"},
                "from": {"id": USER, "is_bot": False, "first_name": "A", "language_code": "nl"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        await live.keep_updates([raw])
        await live.keep_updates([raw])  # Telegram sends it again after a crash before confirmation
        update = Update.de_json(raw, live.application.bot)
        first = await live.dispatcher.handle("telegram", str(USER), events.Command("start"), inbox_key="77")
        second = await live.dispatcher.handle("telegram", str(USER), events.Command("start"), inbox_key="77")
        assert update is not None and not first.duplicate and second.duplicate
        assert await store.count("outbox") == 1
        assert rows(settings.db, "SELECT raw FROM inbox") == [("",)]  # the raw update is dropped once handled
    finally:
        await store.close()


async def test_flood_gate_lets_normal_use_through() -> None:
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    gate = FloodGate(clock)
    for _ in range(40):  # a brisk participant: a message every second and a half
        assert gate.check("a") == "ok"
        clock.advance(timedelta(seconds=1.5))
    verdicts = [gate.check("b") for _ in range(50)]
    assert verdicts.count("warn") == 1 and verdicts.count("ok") == 20


async def test_retention_deletes_old_answers_and_handled_updates(settings: Settings) -> None:
    clock = ManualClock(datetime(2024, 1, 10, 10, tzinfo=UTC))
    store = await Store.open(settings.db)
    try:
        dispatcher = Dispatcher(store, settings, clock)
        await store.inbox_store("telegram", [("1", "9", "{}")], clock.now())
        for event in (events.Command("start"), events.Button("lang:nl"), events.Button("consent:yes")):
            await dispatcher.handle("telegram", "9", event)
        await dispatcher.handle("telegram", "9", events.Button("role:resident"), inbox_key="1")
        await dispatcher.handle("telegram", "9", events.Button("a:leven-in-onze-stad:wonen:5"))
        assert await store.count("answers") == 1
        later = clock.now() + timedelta(days=30 * 25)
        purged = await purge(store, later, settings.retention_months)
        assert purged.answers == 1 and purged.inbox == 1 and purged.outbox >= 1
        assert await store.count("answers") == 0
        # Review finding: the person stayed (chat id, language, role) though the consent text promises "at most 24
        # months"; someone silent for longer goes with all their rows.
        assert await store.load_participant("telegram", "9") is None
        assert await store.count("outbox") == 0
    finally:
        await store.close()
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)


async def test_mydata_from_someone_unknown_keeps_nothing_and_loses_nothing(settings: Settings) -> None:
    """Review finding: answering /mydata through the /forget path marked the chat's next update (same batch) as
    handled, so it was dropped, and deleted a group walk the person led from a group chat."""
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    store = await Store.open(settings.db)
    try:
        dispatcher = Dispatcher(store, settings, clock)
        with sqlite3.connect(settings.db) as db:
            db.execute(
                "INSERT INTO walk_groups (code, walk, channel, chat, volunteer, language, created_at, updated_at)"
                " VALUES ('wg-1', 'wandeling-centrum', 'telegram', '-100', '9', 'nl', 'x', 'x')"
            )
        await store.inbox_store("telegram", [("1", "9", "{}"), ("2", "9", "{}")], clock.now())
        asked = await dispatcher.handle("telegram", "9", events.Command("mydata"), inbox_key="1")
        assert "nothing stored" in asked.result.messages[0].text
        assert await store.load_participant("telegram", "9") is None
        started = await dispatcher.handle("telegram", "9", events.Command("start"), inbox_key="2")
        assert not started.duplicate and started.claimed  # the welcome goes out
        with sqlite3.connect(settings.db) as db:
            assert db.execute("SELECT code FROM walk_groups").fetchall() == [("wg-1",)]
    finally:
        await store.close()


async def test_an_export_no_message_will_send_is_deleted(settings: Settings) -> None:
    """Review finding: an export whose message failed or was blocked (or whose job a restart lost) stayed in
    organiser-files/ for good, with everyone's answers in it."""
    store = await Store.open(settings.db)
    try:
        folder = settings.organiser_files
        folder.mkdir()
        waiting, failed, writing = folder / "waiting.xlsx", folder / "failed.xlsx", folder / "writing.xlsx"
        for file in (waiting, failed, writing):
            file.write_bytes(b"answers")
        hours_ago = time.time() - 2 * 3600
        for file in (waiting, failed):
            os.utime(file, (hours_ago, hours_ago))
        for path, status in ((waiting, "pending"), (failed, "failed")):
            payload = json.dumps({"text": "", "document": {"path": str(path), "filename": path.name}})
            with sqlite3.connect(settings.db) as db:
                db.execute(
                    "INSERT INTO outbox (channel, address, kind, payload, due_at, created_at, status)"
                    " VALUES ('telegram', '1', 'organiser', ?, 'x', 'x', ?)",
                    (payload, status),
                )
        assert await purge_files(store, folder, datetime.now(UTC)) == 1
        assert sorted(file.name for file in folder.iterdir()) == ["waiting.xlsx", "writing.xlsx"]
    finally:
        await store.close()


async def test_backup_while_running_restores_and_reads_back(bot: Running, tmp_path: Path) -> None:
    await reach_text_prompt(bot)
    copy = tmp_path / "backup.sqlite3"
    store = await Store.open(bot.settings.db)  # a second connection, as `samenspraak backup` is beside the bot
    try:
        await store.backup(copy)
    finally:
        await store.close()
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    restored = tmp_path / "restored" / "samenspraak.sqlite3"
    restored.parent.mkdir()
    restored.write_bytes(copy.read_bytes())
    reopened = await Store.open(restored)
    try:
        state = await reopened.load_participant("telegram", str(USER))
        assert state is not None and state.prompt == "werk"
        records = [record async for record in reopened.iter_answers()]
        assert [record["prompt_id"] for record in records] == ["wonen", "vervoer"]
    finally:
        await reopened.close()


async def test_declining_a_changed_consent_text_keeps_the_answers_and_stops_new_ones(settings: Settings) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    store = await Store.open(settings.db)
    try:
        dispatcher = Dispatcher(store, settings, clock)
        for event in (
            events.Command("start"),
            events.Button("lang:nl"),
            events.Button("consent:yes"),
            events.Button("role:resident"),
            events.Button("a:leven-in-onze-stad:wonen:4"),
        ):
            await dispatcher.handle("telegram", "7", event)
        dispatcher.engine.config = replace(dispatcher.engine.config, consent_version="a-newer-text")
        asked = await dispatcher.handle("telegram", "7", events.Button("a:leven-in-onze-stad:vervoer:fiets"))
        assert asked.result.answers == [] and asked.state is not None and asked.state.stage.value == "consent"
        declined = await dispatcher.handle("telegram", "7", events.Button("consent:no"))
        assert not declined.result.forget and "/forget" in declined.result.messages[0].text
        assert await store.count("answers") == 1  # what they gave under the earlier text is not silently deleted
        state = await store.load_participant("telegram", "7")
        assert state is not None and state.paused
    finally:
        await store.close()


async def test_forget_also_removes_what_organisers_were_told_about_the_participant(settings: Settings) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    organised = replace(settings, organisers=frozenset({99}))
    store = await Store.open(settings.db)
    try:
        dispatcher = Dispatcher(store, organised, clock)
        await dispatcher.handle("telegram", "99", events.Command("start"))  # the organiser opened the bot
        for event in (
            events.Command("start"),
            events.Button("lang:nl"),
            events.Button("consent:yes"),
            events.Button("role:resident"),
            events.Button("a:leven-in-onze-stad:wonen:1"),
            events.Button("a:leven-in-onze-stad:vervoer:fiets"),
            events.Text("Ik wil niet meer leven, ik heet Jan Peeters"),
        ):
            await dispatcher.handle("telegram", "8", event)
        flagged = rows(settings.db, "SELECT COUNT(*) FROM outbox WHERE address = '99' AND payload LIKE '%Peeters%'")
        assert flagged == [(1,)]  # the organiser is told at once, with the words
        await dispatcher.handle("telegram", "8", events.Command("forget"))
        await dispatcher.handle("telegram", "8", events.Button("forget:yes"))
        assert rows(settings.db, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%Peeters%'") == [(0,)]
        assert rows(settings.db, "SELECT COUNT(*) FROM safeguarding_flags") == [(0,)]
    finally:
        await store.close()


def test_editing_a_minority_voice_answer_updates_it(library: Library) -> None:
    """A free-text answer to a choice prompt (the minority voice) is checked as free text when edited."""
    engine = Engine(library, features=FEATURES)
    state = ParticipantState(
        channel="telegram",
        address="1",
        id=1,
        stage=Stage.READY,
        language="nl",
        role="resident",
        consent_version=CONSENT_VERSION,
        conversation="leven-in-onze-stad",
        prompt="werk",
        answered=frozenset({"leven-in-onze-stad:vervoer"}),
    )
    stored = {
        "id": 5,
        "conversation": "leven-in-onze-stad",
        "prompt_id": "vervoer",
        "answer_type": "text",
        "value": {"text": "Ik fiets"},
    }
    result = engine.handle(
        state,
        events.Edit("12", "Ik fiets omdat het goedkoper is"),
        datetime(2026, 11, 26, tzinfo=UTC),
        context={"edits": EditContext(stored)},
    )
    assert [record.data for record in result.records if record.kind == "answer_edit"] == [
        {"answer_id": 5, "value": {"text": "Ik fiets omdat het goedkoper is"}}
    ]
