"""Tests for the SQLite store on a real database file.

Why: the store is the one source of truth. An event's outcome must be written in one transaction, a redelivered
update must not store an answer twice, a due message must be handed to one sender once, /forget must leave nothing
of the participant behind, and the file must be private and backed up consistently.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import stat
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.engine import Document, NewAnswer, Outgoing, ParticipantState, Result, Stage, answer_key
from bot.store import Store
from bot.store import sqlite as sqlite_store
from bot.store.answers import every_answer
from bot.store.migrations import MIGRATIONS

NOW = datetime(2026, 12, 1, 10, 30, 15, 123456, tzinfo=UTC)
ROUND = "leven-in-onze-stad"
ADDRESS = "555000111"


def ready_state(address: str = ADDRESS, **changes: Any) -> ParticipantState:
    state = ParticipantState(
        channel="telegram",
        address=address,
        stage=Stage.READY,
        language="nl",
        role="resident",
        consent_version="2026-11-26",
        consent_at=NOW - timedelta(days=1),
        conversation=ROUND,
        prompt="vervoer",
    )
    return replace(state, **changes)


def answers_for(*prompts: str) -> list[NewAnswer]:
    values = {
        "wonen": ("scale", {"value": 4}),
        "vervoer": ("choice", {"option": "fiets"}),
        "werk": ("text", {"text": "Een cursus, graag 's avonds — ok? ✓"}),
        "ontmoeten": ("voice", {"voice": "voice-file", "duration": 9}),
    }
    return [NewAnswer(ROUND, prompt, *values[prompt]) for prompt in prompts]


def mode_of(path: Path) -> int | None:
    """The permission bits of a file, None if it does not exist."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the file with a separate plain connection: what is committed, not what one connection believes."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


async def saved_participant(
    store: Store, address: str = ADDRESS, prompts: tuple[str, ...] = ("wonen",), **changes: Any
) -> ParticipantState:
    answered = frozenset(answer_key(ROUND, prompt) for prompt in prompts)
    result = Result(state=ready_state(address, answered=answered, **changes), answers=answers_for(*prompts))
    result.say("✅ Bedankt", kind="prompt")
    saved = await store.apply(result, NOW)
    assert saved is not None and saved.id is not None
    return saved


# -- the file ----------------------------------------------------------------------------------------------------


async def test_the_database_file_is_private(store: Store, settings: Settings) -> None:
    await saved_participant(store)
    assert mode_of(settings.db) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = mode_of(Path(f"{settings.db}{suffix}"))
        assert companion is None or companion & 0o077 == 0, suffix


async def test_the_database_file_is_private_under_a_permissive_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        opened = await Store.open(tmp_path / "sub" / "open.sqlite3")
    finally:
        os.umask(previous)
    try:
        assert mode_of(tmp_path / "sub" / "open.sqlite3") == 0o600
    finally:
        await opened.close()


async def test_wal_journal_mode(store: Store, settings: Settings) -> None:
    assert query(settings.db, "PRAGMA journal_mode") == [("wal",)]


async def test_migrations_are_recorded_and_not_run_twice(store: Store, settings: Settings) -> None:
    recorded = query(settings.db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    assert [(version, name) for version, name, _applied in recorded] == [
        (version, name) for version, name, _sql in MIGRATIONS
    ]
    saved = await saved_participant(store)
    again = await Store.open(settings.db)
    try:
        assert (
            query(settings.db, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version") == recorded
        )
        loaded = await again.load_participant("telegram", ADDRESS)
        assert loaded is not None and loaded.id == saved.id
        assert await again.count("answers") == 1
    finally:
        await again.close()


# -- apply -------------------------------------------------------------------------------------------------------


async def test_apply_writes_participant_answers_and_outbox(store: Store, settings: Settings) -> None:
    state = ready_state(answered=frozenset({answer_key(ROUND, "wonen"), answer_key(ROUND, "vervoer")}))
    assert state.id is None
    result = Result(state=state, answers=answers_for("wonen", "vervoer"))
    result.say("✅ Bedankt")
    result.say("Vraag 3 van 7", kind="prompt")
    saved = await store.apply(result, NOW)
    assert saved is not None
    assert isinstance(saved.id, int)
    assert replace(saved, id=None) == state
    assert (await store.count("participants"), await store.count("answers"), await store.count("outbox")) == (1, 2, 2)
    rows = query(settings.db, "SELECT participant_id, conversation, prompt_id, answer_type, value FROM answers")
    assert sorted(rows) == [
        (saved.id, ROUND, "vervoer", "choice", json.dumps({"option": "fiets"})),
        (saved.id, ROUND, "wonen", "scale", json.dumps({"value": 4})),
    ]
    outbox = await store.outbox_rows()
    assert [(row["participant_id"], row["kind"], json.loads(row["payload"])["text"]) for row in outbox] == [
        (saved.id, "reply", "✅ Bedankt"),
        (saved.id, "prompt", "Vraag 3 van 7"),
    ]


async def test_apply_is_one_transaction(store: Store, settings: Settings) -> None:
    """An answer that cannot be written takes the participant and the messages down with it."""
    result = Result(
        state=ready_state(),
        answers=[*answers_for("wonen"), NewAnswer(ROUND, "werk", "text", {"text": object()})],
    )
    result.say("✅ Bedankt")
    with pytest.raises(TypeError):
        await store.apply(result, NOW)
    assert (await store.count("participants"), await store.count("answers"), await store.count("outbox")) == (0, 0, 0)
    # The store is still usable afterwards.
    await saved_participant(store)
    assert await store.count("answers") == 1


async def test_apply_updates_an_existing_participant(store: Store) -> None:
    saved = await saved_participant(store)
    later = NOW + timedelta(hours=1)
    moved = replace(
        saved, prompt="werk", answered=saved.answered | {answer_key(ROUND, "vervoer")}, paused=True, language="en"
    )
    again = await store.apply(Result(state=moved, answers=answers_for("vervoer")), later)
    assert again is not None and again.id == saved.id
    assert await store.count("participants") == 1
    loaded = await store.load_participant("telegram", ADDRESS)
    assert loaded is not None
    assert (loaded.prompt, loaded.paused, loaded.language) == ("werk", True, "en")
    assert loaded.answered == {answer_key(ROUND, "wonen"), answer_key(ROUND, "vervoer")}
    assert loaded.created_at == NOW  # not moved by the update


async def test_load_participant_round_trips_every_field(store: Store) -> None:
    brussels = timezone(timedelta(hours=1))
    state = ParticipantState(
        channel="terminal",
        address="Amina",
        pseudonym="p-0123456789",
        stage=Stage.READY,
        language="fa",
        community="wijk-noord",
        role="newcomer",
        consent_version="2026-11-26",
        consent_at=datetime(2026, 11, 30, 21, 5, 7, 654321, tzinfo=brussels),
        paused=True,
        active=False,
        conversation=ROUND,
        prompt="werk",
        answered=frozenset({answer_key(ROUND, "wonen"), answer_key(ROUND, "vervoer")}),
        pending="forget",
    )
    saved = await store.apply(Result(state=state, answers=answers_for("wonen", "vervoer")), NOW)
    assert saved is not None
    loaded = await store.load_participant("terminal", "Amina")
    assert loaded == replace(state, id=saved.id, created_at=NOW)
    assert loaded is not None
    assert loaded.consent_at == state.consent_at  # the same moment, stored in UTC
    assert loaded.consent_at is not None and loaded.consent_at.tzinfo is not None
    assert await store.load_participant("terminal", "somebody else") is None
    assert await store.load_participant("telegram", "Amina") is None


async def test_load_participant_of_someone_in_onboarding(store: Store) -> None:
    state = ParticipantState(channel="telegram", address="42", stage=Stage.LANGUAGE)
    saved = await store.apply(Result(state=state), NOW)
    assert saved is not None
    assert await store.load_participant("telegram", "42") == replace(state, id=saved.id, created_at=NOW)


async def test_a_skipped_prompt_stays_answered_after_reload(store: Store) -> None:
    answered = frozenset({answer_key(ROUND, "wonen"), answer_key(ROUND, "veilig")})  # veilig was skipped
    skip = NewAnswer(ROUND, "veilig", "skipped", {})  # the engine stores a skip as an answer of type "skipped"
    saved = await store.apply(Result(state=ready_state(answered=answered), answers=[*answers_for("wonen"), skip]), NOW)
    assert saved is not None
    loaded = await store.load_participant("telegram", ADDRESS)
    assert loaded is not None
    assert loaded.answered == answered


# -- inbox ---------------------------------------------------------------------------------------------------------


async def test_an_inbox_update_is_handled_once(store: Store, settings: Settings) -> None:
    await store.inbox_store("telegram", [("1001", ADDRESS, '{"update_id": 1001}')], NOW)
    assert await store.inbox_open("telegram") == [("1001", '{"update_id": 1001}')]

    def outcome(state: ParticipantState) -> Result:
        result = Result(state=state, answers=answers_for("wonen"))
        result.say("✅ Bedankt", kind="prompt")
        return result

    state = ready_state(answered=frozenset({answer_key(ROUND, "wonen")}))
    saved = await store.apply(outcome(state), NOW, inbox=("telegram", "1001"))
    assert saved is not None and saved.id is not None
    assert await store.inbox_open("telegram") == []
    assert query(settings.db, "SELECT done_at FROM inbox WHERE update_key = '1001'") == [
        (NOW.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),)
    ]
    counts = (await store.count("participants"), await store.count("answers"), await store.count("outbox"))
    assert counts == (1, 1, 1)
    # The same update again (a redelivery after a crash, as a replay of the inbox would do it).
    assert await store.apply(outcome(saved), NOW + timedelta(seconds=5), inbox=("telegram", "1001")) is None
    assert await store.apply(outcome(state), NOW + timedelta(seconds=6), inbox=("telegram", "1001")) is None
    assert (await store.count("participants"), await store.count("answers"), await store.count("outbox")) == counts


async def test_inbox_open_lists_only_unprocessed_rows_in_update_order(store: Store) -> None:
    await store.inbox_store(
        "telegram",
        [("100", ADDRESS, "c"), ("9", ADDRESS, "a"), ("10", "777", "b"), ("11", None, "d")],
        NOW,
    )
    await store.inbox_store("telegram", [("9", ADDRESS, "a again")], NOW)  # a second fetch of the same update
    await store.inbox_store("terminal", [("1", "Amina", "t")], NOW)
    assert await store.inbox_open("telegram") == [("9", "a"), ("10", "b"), ("11", "d"), ("100", "c")]
    await store.apply(Result(state=ready_state()), NOW, inbox=("telegram", "10"))
    await store.inbox_done("telegram", "11", NOW)
    assert await store.inbox_open("telegram") == [("9", "a"), ("100", "c")]
    assert await store.inbox_open("terminal") == [("1", "t")]


# -- outbox --------------------------------------------------------------------------------------------------------


async def _queue(store: Store, state: ParticipantState, *messages: Outgoing) -> ParticipantState:
    result = Result(state=state)
    result.messages.extend(messages)
    saved = await store.apply(result, NOW)
    assert saved is not None
    return saved


async def test_an_update_overtaken_by_a_later_one_of_its_chat_is_not_replayed(store: Store) -> None:
    """Review finding: an update whose handling failed stayed open and was replayed at the next start as the
    answer to whatever question the participant had reached meanwhile."""
    await store.inbox_store(
        "telegram", [("1", "9", "oud"), ("2", "9", "later"), ("3", "9", "nieuw"), ("4", "8", "ander")], NOW
    )
    await store.inbox_done("telegram", "2", NOW)
    assert await store.inbox_close_overtaken("telegram", NOW) == 1
    assert await store.inbox_open("telegram") == [("3", "nieuw"), ("4", "ander")]


async def test_claim_due_hands_a_row_out_once(store: Store) -> None:
    saved = await _queue(store, ready_state(), Outgoing("nu"))
    first = await store.claim_due("telegram", NOW)
    assert [(row.payload["text"], row.participant_id, row.address, row.attempts, row.language) for row in first] == [
        ("nu", saved.id, ADDRESS, 1, "nl")
    ]
    assert await store.claim_due("telegram", NOW) == []
    assert await store.claim_due("telegram", NOW + timedelta(days=1)) == []
    assert await store.claim_due("terminal", NOW) == []


async def test_claim_due_waits_for_due_at(store: Store) -> None:
    later = NOW + timedelta(hours=2)
    await _queue(store, ready_state(), Outgoing("herinnering", kind="reminder", due_at=later, scheduled=True))
    assert await store.claim_due("telegram", NOW) == []
    assert await store.claim_due("telegram", later - timedelta(microseconds=1)) == []
    assert await store.next_due("telegram") == later
    rows = await store.claim_due("telegram", later)
    assert [(row.kind, row.due_at, row.scheduled) for row in rows] == [("reminder", later, True)]


async def test_claim_due_in_due_order(store: Store) -> None:
    await _queue(
        store,
        ready_state(),
        Outgoing("derde", due_at=NOW - timedelta(minutes=1)),
        Outgoing("eerste", due_at=NOW - timedelta(hours=1)),
        Outgoing("tweede", due_at=NOW - timedelta(minutes=30)),
    )
    assert [row.payload["text"] for row in await store.claim_due("telegram", NOW)] == ["eerste", "tweede", "derde"]


async def test_claim_due_without_scheduled_rows(store: Store) -> None:
    await _queue(store, ready_state(), Outgoing("antwoord"), Outgoing("herinnering", kind="reminder", scheduled=True))
    replies = await store.claim_due("telegram", NOW, include_scheduled=False)
    assert [row.payload["text"] for row in replies] == ["antwoord"]
    rest = await store.claim_due("telegram", NOW)
    assert [row.payload["text"] for row in rest] == ["herinnering"]


async def test_claim_due_by_address(store: Store) -> None:
    await _queue(store, ready_state(), Outgoing("voor jou"))
    await _queue(store, ready_state("777"), Outgoing("voor een ander"))
    rows = await store.claim_due("telegram", NOW, address="777")
    assert [(row.address, row.payload["text"]) for row in rows] == [("777", "voor een ander")]


async def test_scheduled_rows_of_paused_participants_wait(store: Store) -> None:
    saved = await _queue(
        store, ready_state(paused=True), Outgoing("herinnering", scheduled=True), Outgoing("antwoord op /pause")
    )
    assert [row.payload["text"] for row in await store.claim_due("telegram", NOW)] == ["antwoord op /pause"]
    assert await store.claim_due("telegram", NOW + timedelta(days=3)) == []
    await store.apply(Result(state=replace(saved, paused=False)), NOW)
    assert [row.payload["text"] for row in await store.claim_due("telegram", NOW)] == ["herinnering"]


async def test_scheduled_rows_of_inactive_participants_wait(store: Store) -> None:
    await _queue(store, ready_state(), Outgoing("herinnering", scheduled=True), Outgoing("antwoord"))
    await store.set_active("telegram", ADDRESS, False, NOW)
    assert [row.payload["text"] for row in await store.claim_due("telegram", NOW)] == ["antwoord"]
    assert await store.claim_due("telegram", NOW) == []
    await store.set_active("telegram", ADDRESS, True, NOW)
    assert [row.payload["text"] for row in await store.claim_due("telegram", NOW)] == ["herinnering"]


async def test_an_answer_cancels_the_pending_reminders_of_its_own_prompt(store: Store, settings: Settings) -> None:
    reminder = Outgoing(
        "",
        kind="reminder",
        scheduled=True,
        due_at=NOW + timedelta(days=2),
        data={"conversation": ROUND, "prompt": "vervoer"},
    )
    saved = await _queue(store, ready_state(), reminder)
    await _queue(store, ready_state("777"), reminder)
    # Review finding: any answer (a walk card, the minority question) cancelled every reminder, also that of the
    # round prompt still open. A walk answer leaves it.
    walk = NewAnswer("wandeling-centrum", "station", "text", {"text": "De trein"}, walk_stop="station")
    await store.apply(Result(state=saved, answers=[walk]), NOW)
    rows = query(settings.db, "SELECT address, kind, status FROM outbox WHERE kind = 'reminder' ORDER BY id")
    assert rows == [(ADDRESS, "reminder", "pending"), ("777", "reminder", "pending")]
    answered = replace(saved, answered=frozenset({answer_key(ROUND, "vervoer")}), prompt="werk")
    await store.apply(Result(state=answered, answers=answers_for("vervoer")), NOW)
    rows = query(settings.db, "SELECT address, kind, status FROM outbox WHERE kind = 'reminder' ORDER BY id")
    assert rows == [(ADDRESS, "reminder", "cancelled"), ("777", "reminder", "pending")]
    assert [row.address for row in await store.claim_due("telegram", NOW + timedelta(days=3))] == ["777"]


async def test_release_in_flight(store: Store, settings: Settings) -> None:
    await _queue(store, ready_state(), Outgoing("een"), Outgoing("twee"), Outgoing("drie"))
    claimed = await store.claim_due("telegram", NOW, limit=2)
    assert [row.payload["text"] for row in claimed] == ["een", "twee"]
    await store.mark_sent(claimed[0].id, NOW)
    assert await store.release_in_flight() == 1
    statuses = query(settings.db, "SELECT json_extract(payload, '$.text'), status FROM outbox ORDER BY id")
    assert statuses == [("een", "sent"), ("twee", "pending"), ("drie", "pending")]
    again = await store.claim_due("telegram", NOW)
    assert [(row.payload["text"], row.attempts) for row in again] == [("twee", 2), ("drie", 1)]
    assert await store.release_in_flight() == 2
    assert await store.release_in_flight() == 0


@contextlib.asynccontextmanager
async def another_write(store: Store) -> AsyncIterator[None]:
    """Another task's write is running in the database thread (so it holds the writer lock) until the block ends."""
    started, release = threading.Event(), threading.Event()

    def hold(db: sqlite3.Connection) -> None:
        started.set()
        release.wait(5)

    task = asyncio.create_task(store.write(hold))
    await asyncio.to_thread(started.wait, 5)
    try:
        yield
    finally:
        release.set()
        await task


async def test_rows_delivered_while_the_store_is_busy_are_marked_sent_together(store: Store) -> None:
    """Group commit: deliveries that finish while another write holds the lock share one UPDATE and one commit,
    and each caller returns only once its rows are marked."""
    await _queue(store, ready_state(), *(Outgoing(f"bericht {n}") for n in range(6)))
    rows = await store.claim_due("telegram", NOW)
    statements: list[str] = []
    await store.read(sqlite3.Connection.set_trace_callback, statements.append)
    async with another_write(store):  # another event's transaction is being written
        marking = [asyncio.create_task(store.mark_sent_many([row.id], NOW)) for row in rows[:5]]
        gone = asyncio.create_task(store.mark_sent(rows[5].id, NOW))
        await asyncio.sleep(0.01)
        assert not any(task.done() for task in [*marking, gone])
        gone.cancel()  # its sender was stopped: its row is marked all the same
    await asyncio.gather(*marking)
    await store.read(sqlite3.Connection.set_trace_callback, None)
    assert len([sql for sql in statements if sql.startswith("UPDATE outbox SET status = 'sent'")]) == 1
    assert [row["status"] for row in await store.outbox_rows("telegram")] == ["sent"] * 6


async def test_a_failed_mark_reaches_every_waiter_and_the_next_one_works(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _queue(store, ready_state(), Outgoing("een"), Outgoing("twee"))
    rows = await store.claim_due("telegram", NOW)

    def disk_full(db: sqlite3.Connection, row_ids: list[int], now: datetime) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_store, "mark_sent_rows", disk_full)
    async with another_write(store):
        marking = [asyncio.create_task(store.mark_sent(row.id, NOW)) for row in rows]
        await asyncio.sleep(0)
    outcomes = await asyncio.gather(*marking, return_exceptions=True)
    assert all(isinstance(outcome, sqlite3.OperationalError) for outcome in outcomes)
    monkeypatch.undo()
    await store.mark_sent_many([row.id for row in rows], NOW)
    assert [row["status"] for row in await store.outbox_rows("telegram")] == ["sent", "sent"]


async def test_a_mark_writer_cancelled_never_leaves_its_waiters_hanging(store: Store) -> None:
    """At shutdown the loop cancels every task: a group commit cancelled before its write began lets its waiters
    go (their rows stay in flight and are sent again at the next start), and later marks start a group of their
    own; one cancelled while writing hands its waiters the write's real outcome."""
    await _queue(store, ready_state(), Outgoing("een"), Outgoing("twee"), Outgoing("drie"))
    first, second, third = await store.claim_due("telegram", NOW)
    async with another_write(store):
        waiting = asyncio.create_task(store.mark_sent(first.id, NOW))
        await asyncio.sleep(0)
        for writer in list(store._marking):
            writer.cancel()
        await asyncio.sleep(0.01)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 1)
    await asyncio.wait_for(store.mark_sent(second.id, NOW), 1)

    waiting = asyncio.create_task(store.mark_sent(third.id, NOW))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the writer has the lock and its write is on its way to the database thread
    for writer in list(store._marking):
        writer.cancel()
    await asyncio.wait_for(waiting, 1)
    assert [row["status"] for row in await store.outbox_rows("telegram")] == ["sending", "sent", "sent"]


async def test_mark_sent_clears_a_mydata_payload(store: Store) -> None:
    document = Document("samenspraak-p-1.json", '{"answers": ["geheim"]}')
    await _queue(store, ready_state(), Outgoing("Hier is alles", kind="mydata", document=document), Outgoing("ok"))
    rows = await store.claim_due("telegram", NOW)
    assert rows[0].payload["document"]["content"] == '{"answers": ["geheim"]}'
    for row in rows:
        await store.mark_sent(row.id, NOW + timedelta(seconds=1))
    stored = await store.outbox_rows("telegram")
    assert [(row["kind"], row["status"], json.loads(row["payload"])) for row in stored] == [
        ("mydata", "sent", {}),
        ("reply", "sent", {"text": "ok"}),
    ]
    assert all(row["sent_at"] is not None for row in stored)
    assert "geheim" not in json.dumps(stored)


# -- forget ---------------------------------------------------------------------------------------------------------


async def test_forget_deletes_everything_of_the_chat(store: Store, settings: Settings) -> None:
    # Ten days ago this chat declined consent once: that goodbye has no participant either.
    earlier = Result(state=ParticipantState(channel="telegram", address=ADDRESS), forget=True)
    earlier.say("Geen probleem")
    await store.apply(earlier, NOW - timedelta(days=10))
    saved = await saved_participant(store, prompts=("wonen", "vervoer", "werk"))
    other = await saved_participant(store, address="777", prompts=("wonen",))
    await _queue(store, saved, Outgoing("herinnering", scheduled=True, due_at=NOW + timedelta(days=2)))
    await store.inbox_store(
        "telegram", [("50", ADDRESS, "oud"), ("51", ADDRESS, "/forget"), ("52", "777", "ander")], NOW
    )
    await store.apply(Result(state=saved), NOW, inbox=("telegram", "50"))
    assert len(query(settings.db, "SELECT * FROM outbox WHERE address = ?", (ADDRESS,))) == 3

    goodbye = Result(state=saved, forget=True)
    goodbye.say("🗑 Klaar: alles over jou is gewist.")
    assert await store.apply(goodbye, NOW, inbox=("telegram", "51")) is not None

    assert await store.load_participant("telegram", ADDRESS) is None
    assert query(settings.db, "SELECT * FROM participants WHERE address = ?", (ADDRESS,)) == []
    assert query(settings.db, "SELECT * FROM answers WHERE participant_id = ?", (saved.id,)) == []
    assert query(settings.db, "SELECT * FROM inbox WHERE address = ?", (ADDRESS,)) == []
    # Review finding: the /forget update was deleted with the rest, so Telegram delivering it again was not known as
    # a repeat and re-created a participant row. Its key stays, without address or text.
    assert query(settings.db, "SELECT update_key, address, raw FROM inbox WHERE update_key = '51'") == [
        ("51", None, "")
    ]
    again = Result(state=ParticipantState(channel="telegram", address=ADDRESS), forget=True)
    assert await store.apply(again, NOW, inbox=("telegram", "51")) is None
    assert query(settings.db, "SELECT * FROM participants WHERE address = ?", (ADDRESS,)) == []
    assert query(
        settings.db, "SELECT participant_id, json_extract(payload, '$.text') FROM outbox WHERE address = ?", (ADDRESS,)
    ) == [(None, "🗑 Klaar: alles over jou is gewist.")]
    assert query(settings.db, "SELECT * FROM outbox WHERE participant_id = ?", (saved.id,)) == []
    dump = "\n".join(
        str(row)
        for table in ("participants", "answers", "inbox")
        for row in query(settings.db, f"SELECT * FROM {table}")
    )
    assert saved.pseudonym not in dump
    assert "Een cursus" not in dump
    # Someone else's data stays.
    assert await store.load_participant("telegram", "777") == replace(other, created_at=NOW)
    assert query(settings.db, "SELECT update_key FROM inbox WHERE address = '777'") == [("52",)]
    assert len(query(settings.db, "SELECT * FROM answers WHERE participant_id = ?", (other.id,))) == 1
    # The goodbye is still delivered.
    rows = await store.claim_due("telegram", NOW, address=ADDRESS)
    assert [(row.participant_id, row.payload["text"]) for row in rows] == [(None, "🗑 Klaar: alles over jou is gewist.")]


async def test_forget_removes_the_group_walks_a_volunteer_led(store: Store, settings: Settings) -> None:
    """Review finding: the volunteer's chat id stayed in walk_groups (volunteer, chat) for up to a week."""
    volunteer = await saved_participant(store)
    walker = await saved_participant(store, address="777")
    with sqlite3.connect(settings.db) as db:
        db.execute(
            "INSERT INTO walk_groups (code, walk, channel, chat, volunteer, language, created_at, updated_at)"
            " VALUES ('wg-1', 'centrum', 'telegram', ?, ?, 'nl', 'x', 'x')",
            (ADDRESS, ADDRESS),
        )
        db.execute(
            "INSERT INTO walk_members (group_id, channel, address, participant_id, joined_at)"
            " VALUES (1, 'telegram', '777', ?, 'x')",
            (walker.id,),
        )
    goodbye = Result(state=volunteer, forget=True)
    await store.apply(goodbye, NOW)
    assert query(settings.db, "SELECT * FROM walk_groups") == []
    assert query(settings.db, "SELECT * FROM walk_members") == []
    assert await store.load_participant("telegram", "777") is not None


async def test_declining_consent_before_being_saved_leaves_only_the_goodbye(store: Store, settings: Settings) -> None:
    await store.inbox_store("telegram", [("7", "31", "/start"), ("8", "31", "consent:no"), ("9", "31", "/start")], NOW)
    started = await store.apply(
        Result(state=ParticipantState(channel="telegram", address="31")), NOW, inbox=("telegram", "7")
    )
    assert started is not None
    result = Result(state=started, forget=True)
    result.say("Geen probleem.")
    assert await store.apply(result, NOW, inbox=("telegram", "8")) is not None
    assert await store.count("participants") == 0
    # What they sent after it, in the same batch, is still theirs to be handled (a /start again).
    assert await store.inbox_open("telegram") == [("9", "/start")]
    assert query(settings.db, "SELECT update_key, address, raw FROM inbox WHERE done_at IS NOT NULL ORDER BY 1") == [
        ("7", None, ""),
        ("8", None, ""),
    ]
    assert query(settings.db, "SELECT participant_id, address FROM outbox") == [(None, "31")]


# -- reading back ---------------------------------------------------------------------------------------------------


async def test_participant_record_holds_the_answers(store: Store, settings: Settings) -> None:
    saved = await saved_participant(store, prompts=("wonen", "werk", "ontmoeten"))
    await _queue(store, saved, Outgoing("Welkom"))
    await store.mark_sent_many([row.id for row in await store.claim_due("telegram", NOW)], NOW)
    await _queue(store, saved, Outgoing("herinnering", kind="reminder", scheduled=True, due_at=NOW + timedelta(days=7)))
    with sqlite3.connect(settings.db) as db:
        db.execute(
            "INSERT INTO walk_groups (code, walk, channel, chat, volunteer, language, created_at, updated_at)"
            " VALUES ('wg-1', 'wandeling-centrum', 'telegram', '-100', ?, 'nl', 'x', 'x')",
            (ADDRESS,),
        )
    record = await store.participant_record(saved.id or 0)
    assert record["participant"]["pseudonym"] == saved.pseudonym
    assert record["participant"]["language"] == "nl"
    assert record["participant"]["role"] == "resident"
    assert "id" not in record["participant"]
    assert [(a["conversation"], a["prompt"], a["type"], a["value"]) for a in record["answers"]] == [
        (ROUND, "wonen", "scale", {"value": 4}),
        (ROUND, "werk", "text", {"text": "Een cursus, graag 's avonds — ok? ✓"}),
        (ROUND, "ontmoeten", "voice", {"voice": "voice-file", "duration": 9}),
    ]
    assert {"kind": "reminder", "status": "pending"}.items() <= record["scheduled_messages"][-1].items()
    # Review finding: what the team decided about quoting a text, and the messages sent to them, were missing.
    assert [a["moderation"] for a in record["answers"]] == [None, "pending", None]
    assert [a["minority_view"] for a in record["answers"]] == [False, False, False]
    assert ("reply", "sent") in [(m["kind"], m["status"]) for m in record["messages_to_you"]]
    assert all(m["status"] != "pending" for m in record["messages_to_you"])
    assert [walk["walk"] for walk in record["group_walks_you_led"]] == ["wandeling-centrum"]
    json.dumps(record, ensure_ascii=False)  # it goes out as a file
    assert await store.participant_record(999_999) == {}


async def test_backup_is_a_working_copy(store: Store, tmp_path: Path) -> None:
    await saved_participant(store, prompts=("wonen", "vervoer"))
    await saved_participant(store, address="777", prompts=("werk",))
    target = tmp_path / "backups" / "copy.sqlite3"
    await store.backup(target)
    assert mode_of(target) == 0o600
    assert query(target, "PRAGMA integrity_check") == [("ok",)]
    live = await _answers(store)
    copied = [
        (conversation, prompt, answer_type, json.loads(value))
        for conversation, prompt, answer_type, value in query(
            target, "SELECT conversation, prompt_id, answer_type, value FROM answers ORDER BY id"
        )
    ]
    assert [(r["conversation"], r["prompt_id"], r["answer_type"], r["value"]) for r in live] == copied
    assert len(copied) == 3
    assert query(target, "SELECT COUNT(*) FROM participants") == [(2,)]
    # The live store keeps working after the backup.
    await saved_participant(store, address="888", prompts=("wonen",))
    assert await store.count("answers") == 4
    assert len(query(target, "SELECT * FROM answers")) == 3


async def _answers(store: Store, conversation: str | None = None) -> list[dict[str, Any]]:
    return await store.read(every_answer, conversation)


async def test_every_answer_names_pseudonyms_never_addresses(store: Store) -> None:
    first = await saved_participant(store, prompts=("wonen", "vervoer"))
    second = await saved_participant(store, address="9876543210", prompts=("wonen",))
    other_round = Result(
        state=ready_state("24680", conversation="andere-ronde"),
        answers=[NewAnswer("andere-ronde", "vraag", "text", {"text": "iets"})],
    )
    await store.apply(other_round, NOW)
    records = await _answers(store)
    assert [(r["pseudonym"], r["prompt_id"]) for r in records] == [
        (first.pseudonym, "wonen"),
        (first.pseudonym, "vervoer"),
        (second.pseudonym, "wonen"),
        (records[3]["pseudonym"], "vraag"),
    ]
    assert records[1]["value"] == {"option": "fiets"}
    for record in records:
        assert "address" not in record
        assert record["pseudonym"].startswith("p-")
        flat = json.dumps(record, default=str)
        for address in (ADDRESS, "9876543210", "24680"):
            assert address not in flat
    assert [r["prompt_id"] for r in await _answers(store, ROUND)] == ["wonen", "vervoer", "wonen"]
    assert [r["prompt_id"] for r in await _answers(store, "andere-ronde")] == ["vraag"]
