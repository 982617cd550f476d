"""What organisers read and change: who is an organiser, what they did, moderation, announcements, safeguarding.

Queries for the organiser package (`bot/organise/`) live here, next to the store they read; migration 4 made the
tables. Exports read through their own read-only connection (`bot/organise/export.py`), so a big export never holds
the bot's connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

import aiosqlite

from bot.config import Settings
from bot.engine.outgoing import Outgoing
from bot.store.connection import in_thread, iso
from bot.store.events import close_inbox
from bot.store.outbox_rows import Addressed, OutboxRow, enqueue, insert_and_claim
from bot.store.records import writer
from bot.store.sqlite import Store

Write = Callable[[aiosqlite.Connection], Awaitable[None]]

# Participants who count: they agreed to the current or an earlier consent text and finished onboarding.
ENROLLED = "p.stage = 'ready' AND p.consent_version IS NOT NULL"


# -- organisers ----------------------------------------------------------------------------------------------------
async def is_organiser(store: Store, settings: Settings, channel: str, address: str) -> bool:
    """Asked on every organiser command and button: the settings' ids, plus those added to the database."""
    if channel == "telegram" and address.lstrip("-").isdigit() and int(address) in settings.organisers:
        return True
    async with store.db.execute(
        "SELECT 1 FROM organisers WHERE channel = ? AND address = ? AND active = 1", (channel, address)
    ) as cursor:
        return await cursor.fetchone() is not None


async def set_organiser(store: Store, channel: str, address: str, active: bool, by: str, now: datetime) -> bool:
    """Add or remove an organiser; False when nothing changed. Logged as an organiser action."""
    async with store.transaction() as db:
        async with db.execute(
            "SELECT active FROM organisers WHERE channel = ? AND address = ?", (channel, address)
        ) as cursor:
            row = await cursor.fetchone()
        if (row is None and not active) or (row is not None and bool(row[0]) == active):
            return False
        if row is None:
            await db.execute(
                "INSERT INTO organisers (channel, address, active, added_by, added_at) VALUES (?, ?, 1, ?, ?)",
                (channel, address, by, iso(now)),
            )
        else:
            await db.execute(
                "UPDATE organisers SET active = ?, removed_at = ?, added_by = CASE WHEN ? THEN ? ELSE added_by END,"
                " added_at = CASE WHEN ? THEN ? ELSE added_at END WHERE channel = ? AND address = ?",
                (int(active), None if active else iso(now), active, by, active, iso(now), channel, address),
            )
        await log_action(
            db, by, "organiser-add" if active else "organiser-remove", {"channel": channel, "address": address}, now
        )
        if active:  # a flag raised while there was no organiser reaches the first one added
            await in_thread(db, tell_waiting_flags, channel, [address], now)
    return True


async def organisers(store: Store, settings: Settings, channel: str = "telegram") -> list[str]:
    """Every organiser's address on a channel: from the settings and from the database."""
    found = {str(user_id) for user_id in settings.organisers} if channel == "telegram" else set()
    async with store.db.execute(
        "SELECT address FROM organisers WHERE channel = ? AND active = 1", (channel,)
    ) as cursor:
        found |= {row[0] for row in await cursor.fetchall()}
    return sorted(found)


async def removed_organisers(store: Store, channel: str = "telegram") -> list[str]:
    async with store.db.execute(
        "SELECT address FROM organisers WHERE channel = ? AND active = 0", (channel,)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def organiser_rows(store: Store) -> list[dict[str, Any]]:
    async with store.db.execute("SELECT * FROM organisers ORDER BY channel, address") as cursor:
        return [dict(row) for row in await cursor.fetchall()]


def language_of(db: sqlite3.Connection, channel: str, address: str) -> str | None:
    """The language an organiser chose as a participant, if they ever did (in the database thread)."""
    row = db.execute(
        "SELECT language FROM participants WHERE channel = ? AND address = ?", (channel, address)
    ).fetchone()
    return row[0] if row else None


# -- the action log --------------------------------------------------------------------------------------------------
async def log_action(
    db: aiosqlite.Connection, organiser: str, action: str, detail: dict[str, Any], now: datetime
) -> None:
    """Who did what, when: inside the transaction of the action itself, so no action goes unrecorded."""
    await db.execute(
        "INSERT INTO organiser_actions (organiser, action, detail, created_at) VALUES (?, ?, ?, ?)",
        (organiser, action, json.dumps(detail, ensure_ascii=False, sort_keys=True), iso(now)),
    )


async def record_action(store: Store, organiser: str, action: str, detail: dict[str, Any], now: datetime) -> None:
    async with store.transaction() as db:
        await log_action(db, organiser, action, detail, now)


async def actions(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    async with store.db.execute(
        "SELECT organiser, action, detail, created_at FROM organiser_actions ORDER BY id DESC LIMIT ?", (limit,)
    ) as cursor:
        return [
            {"organiser": r[0], "action": r[1], "detail": json.loads(r[2]), "created_at": r[3]}
            for r in await cursor.fetchall()
        ]


# -- messages to organisers ------------------------------------------------------------------------------------------
def _enqueue_each(db: sqlite3.Connection, rows: list[tuple[str, str, Outgoing, int | None]], now: datetime) -> None:
    """Many rows in one trip to the database thread (an announcement to every participant)."""
    enqueue(
        db,
        [Addressed(channel, address, participant_id, message) for channel, address, message, participant_id in rows],
        now,
    )


async def inbox_handled(store: Store, channel: str, key: str) -> bool:
    row = await store.fetch_one(
        "SELECT done_at IS NOT NULL FROM inbox WHERE channel = ? AND update_key = ?", (channel, key)
    )
    return bool(row and row[0])


async def commit_reply(
    store: Store,
    channel: str,
    address: str,
    messages: Iterable[Outgoing],
    writes: Iterable[Write],
    now: datetime,
    inbox_key: str | None = None,
) -> list[OutboxRow] | None:
    """An organiser action's replies, log lines and changes in one transaction; None for an update seen before.

    Returns the replies, already claimed for sending, as `Dispatcher.handle` hands out a participant's replies.
    """
    async with store.transaction() as db:
        if inbox_key is not None and not await in_thread(db, close_inbox, channel, inbox_key, now):
            return None
        for write in writes:
            await write(db)
        return await in_thread(db, _enqueue_replies, channel, address, list(messages), now)


def _enqueue_replies(
    db: sqlite3.Connection, channel: str, address: str, messages: list[Outgoing], now: datetime
) -> list[OutboxRow]:
    return insert_and_claim(db, None, channel, address, messages, now, claim=True, language=None)


# -- moderation ------------------------------------------------------------------------------------------------------
# Free texts, and voice notes and photos (with their words) since they are kept and heard (bot/organise/media_cards.py).
FREE_TEXT = (
    "a.answer_type IN ('text', 'voice', 'photo') AND (json_extract(a.value, '$.text') IS NOT NULL"
    " OR json_extract(a.value, '$.voice') IS NOT NULL OR json_extract(a.value, '$.photo') IS NOT NULL)"
)


def _in_communities(communities: frozenset[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition on `p.community` for a community organiser (none for a network organiser)."""
    if communities is None:
        return "", ()
    return f" AND p.community IN ({', '.join('?' for _ in communities)})", tuple(sorted(communities))


async def pending_texts(store: Store, communities: frozenset[str] | None = None) -> int:
    where, params = _in_communities(communities)
    row = await store.fetch_one(
        "SELECT COUNT(*) FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.moderation = 'pending' AND {FREE_TEXT}{where}",
        params,
    )
    return int(row[0]) if row else 0


async def next_pending_text(
    store: Store, after_id: int = 0, exclude: int = 0, communities: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """The oldest free text still waiting for an organiser after `after_id`, then from the start again (texts put
    off for later come round last); never `exclude`, the one just decided."""
    where, params = _in_communities(communities)
    sql = (
        "SELECT a.id, a.conversation, a.prompt_id, a.value, a.minority, a.created_at, p.pseudonym, p.role,"
        " p.language FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.moderation = 'pending' AND {FREE_TEXT} AND a.id > ? AND a.id != ?{where} ORDER BY a.id LIMIT 1"
    )
    async with store.db.execute(sql, (after_id, exclude, *params)) as cursor:
        row = await cursor.fetchone()
    if row is None and after_id:
        return await next_pending_text(store, 0, exclude, communities)
    if row is None:
        return None
    record = dict(row)
    record["text"] = json.loads(record.pop("value")).get("text", "")
    return record


async def moderation_of(store: Store, answer_id: int) -> str | None:
    async with store.db.execute("SELECT moderation FROM answers WHERE id = ?", (answer_id,)) as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


def set_moderation(answer_id: int, status: str) -> Write:
    async def write(db: aiosqlite.Connection) -> None:
        await db.execute("UPDATE answers SET moderation = ? WHERE id = ?", (status, answer_id))

    return write


# -- announcements ---------------------------------------------------------------------------------------------------
async def create_announcement(
    db: aiosqlite.Connection, community: str, texts: dict[str, str], by: str, now: datetime
) -> int:
    """A draft, inside the organiser action's transaction (with its audience and its log line)."""
    cursor = await db.execute(
        "INSERT INTO announcements (community, texts, created_by, created_at) VALUES (?, ?, ?, ?)",
        (community, json.dumps(texts, ensure_ascii=False), by, iso(now)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


async def announcement(store: Store, announcement_id: int) -> dict[str, Any] | None:
    async with store.db.execute("SELECT * FROM announcements WHERE id = ?", (announcement_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    record = dict(row)
    record["texts"] = json.loads(record["texts"])
    return record


async def community_members(store: Store, community: str) -> int:
    row = await store.fetch_one(
        f"SELECT COUNT(*) FROM participants p WHERE p.community = ? AND p.active = 1 AND {ENROLLED}", (community,)
    )
    return int(row[0]) if row else 0


async def known_communities(store: Store) -> set[str]:
    async with store.db.execute("SELECT DISTINCT community FROM participants") as cursor:
        return {row[0] for row in await cursor.fetchall()}


def send_announcement(
    announcement_id: int,
    community: str,
    render: Callable[[str | None], Outgoing],
    now: datetime,
    counted: list[int],
    chosen: dict[str, Any] | None = None,
) -> Write:
    """One scheduled outbox row per active participant, in their language: quiet hours and pauses hold them."""

    async def write(db: aiosqlite.Connection) -> None:
        async with db.execute("SELECT status FROM announcements WHERE id = ?", (announcement_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] != "draft":
            return  # sent or cancelled already: a second press sends nothing twice
        # The audience chosen in the draft (bot/organise/audience.py): communities and filters.
        from bot.store.network import audience

        chosen_communities = (chosen or {}).get("communities") or [community]
        found = await in_thread(db, audience, chosen_communities, chosen or {})
        recipients = [tuple(participant) for participant in found]
        await in_thread(
            db,
            _enqueue_each,
            [
                (channel, address, render(language), participant_id)
                for participant_id, channel, address, language in recipients
            ],
            now,
        )
        await db.execute(
            "UPDATE announcements SET status = 'sent', sent_at = ?, recipients = ? WHERE id = ?",
            (iso(now), len(recipients), announcement_id),
        )
        counted.append(len(recipients))

    return write


def cancel_announcement(announcement_id: int) -> Write:
    async def write(db: aiosqlite.Connection) -> None:
        await db.execute(
            "UPDATE announcements SET status = 'cancelled' WHERE id = ? AND status = 'draft'", (announcement_id,)
        )

    return write


# -- safeguarding ----------------------------------------------------------------------------------------------------
# A flag goes to the organisers at once: the live bot wakes its sender for it, as for a group walk's cards.


@writer("safeguarding")
def write_safeguarding_flag(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """Flag an answer with words of distress, and tell every organiser of the participant's channel at once."""
    answer_id = data.get("answer_id")
    if data.get("outside"):  # typed outside a question: no answer to tie it to (bot/organise/safeguarding.py)
        answer_id = None
    elif answer_id is None:
        row = db.execute(
            "SELECT id FROM answers WHERE participant_id = ? AND conversation = ? AND prompt_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (participant_id, data.get("conversation"), data.get("prompt_id")),
        ).fetchone()
        answer_id = row[0] if row else None
    else:
        row = db.execute(
            "SELECT conversation, prompt_id FROM answers WHERE id = ? AND participant_id = ?",
            (answer_id, participant_id),
        ).fetchone()
        if row is None:
            return
        data = {**data, "conversation": row[0], "prompt_id": row[1]}
    # What the message to organisers says is kept with the flag: with no organiser yet, it goes to the first one.
    keys = ("pseudonym", "channel", "prompt_id", "question", "excerpt", "words", "kinds", "attach", "outside")
    detail = {key: data.get(key) for key in keys if key in data}
    cursor = db.execute(
        "INSERT INTO safeguarding_flags (participant_id, answer_id, words, kinds, created_at, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            participant_id,
            answer_id,
            json.dumps(data["words"], ensure_ascii=False),
            json.dumps(data.get("kinds", [])),
            iso(now),
            json.dumps(detail, ensure_ascii=False),
        ),
    )
    flag_id = cursor.lastrowid
    assert flag_id is not None
    addresses = organisers_of(db, data["channel"], participant_id) | set(data.get("organisers", []))
    tell_organisers(db, flag_id, participant_id, detail, sorted(addresses), now)


def organisers_of(db: sqlite3.Connection, channel: str, participant_id: int) -> set[str]:
    """Network organisers, and the organisers of the participant's own community (bot/organise/scope.py)."""
    found = db.execute(
        "SELECT o.address FROM organisers o WHERE o.channel = ? AND o.active = 1 AND (NOT EXISTS (SELECT 1 FROM"
        " organiser_communities c WHERE c.channel = o.channel AND c.address = o.address) OR EXISTS (SELECT 1 FROM"
        " organiser_communities c JOIN participants p ON p.community = c.community WHERE c.channel = o.channel"
        " AND c.address = o.address AND p.id = ?))",
        (channel, participant_id),
    )
    return {row[0] for row in found.fetchall()}


def tell_organisers(
    db: sqlite3.Connection,
    flag_id: int,
    participant_id: int,
    detail: dict[str, Any],
    addresses: list[str],
    now: datetime,
) -> None:
    """Queue the flag to these organisers, each in their own language; with none, it waits (`told_at` empty)."""
    # Rendered here, in the organiser package, so the store does not need to know organiser words.
    from bot.organise.flag_text import flag_message

    for address in addresses:
        language = organiser_language_of(db, detail["channel"], address)
        # Tied to the participant it is about (not the organiser it goes to), so their /forget removes it too.
        message = flag_message(flag_id, detail, language)
        if detail.get("attach"):  # a voice note's flag carries the recording itself (bot/jobs/runners.py)
            message = replace(message, data={**message.data, **detail["attach"]})
        enqueue(db, [Addressed(detail["channel"], address, participant_id, message)], now)
    if addresses:
        db.execute("UPDATE safeguarding_flags SET told_at = ? WHERE id = ?", (iso(now), flag_id))


def tell_waiting_flags(db: sqlite3.Connection, channel: str, addresses: list[str], now: datetime) -> int:
    """Flags raised while no organiser of this channel existed, sent now to these organisers; how many."""
    rows = db.execute(
        "SELECT f.id, f.participant_id, f.detail FROM safeguarding_flags f JOIN participants p"
        " ON p.id = f.participant_id WHERE f.told_at IS NULL AND f.handled_at IS NULL AND p.channel = ? ORDER BY f.id",
        (channel,),
    ).fetchall()
    told = 0
    for flag_id, participant_id, detail in rows:
        # Only to those of the added organisers who may see this participant's community (bot/organise/scope.py).
        allowed = sorted(set(addresses) & organisers_of(db, channel, participant_id))
        if allowed:
            tell_organisers(db, flag_id, participant_id, {**json.loads(detail), "channel": channel}, allowed, now)
            told += 1
    return told


def organiser_language_of(db: sqlite3.Connection, channel: str, address: str) -> str | None:
    """The language an organiser chose for organiser messages, else the one they use as a participant."""
    row = db.execute(
        "SELECT language FROM organiser_languages WHERE channel = ? AND address = ?", (channel, address)
    ).fetchone()
    return row[0] if row else language_of(db, channel, address)


async def flag(store: Store, flag_id: int) -> dict[str, Any] | None:
    row = await store.fetch_one(
        "SELECT f.*, p.pseudonym, p.channel, p.address, p.language FROM safeguarding_flags f"
        " JOIN participants p ON p.id = f.participant_id WHERE f.id = ?",
        (flag_id,),
    )
    return dict(row) if row else None


def handle_flag(flag_id: int, by: str, now: datetime) -> Write:
    async def write(db: aiosqlite.Connection) -> None:
        await db.execute(
            "UPDATE safeguarding_flags SET handled_by = ?, handled_at = ? WHERE id = ? AND handled_by IS NULL",
            (by, iso(now), flag_id),
        )

    return write


def message_to_participant(participant_id: int, channel: str, address: str, message: Outgoing, now: datetime) -> Write:
    async def write(db: aiosqlite.Connection) -> None:
        await in_thread(db, enqueue, [Addressed(channel, address, participant_id, message)], now)

    return write


# -- the live view and the meeting brief -------------------------------------------------------------------------------
async def _rows(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    async with store.db.execute(sql, params) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def participant_counts(store: Store, communities: frozenset[str] | None = None) -> dict[str, Any]:
    """Enrolled participants by role, language and channel, and how many paused or blocked the bot."""
    where, params = _in_communities(communities)
    rows = await _rows(
        store,
        f"SELECT p.role, p.language, p.channel, p.paused, p.active, COUNT(*) FROM participants p WHERE {ENROLLED}"
        f"{where} GROUP BY 1, 2, 3, 4, 5",
        params,
    )
    counts: dict[str, Any] = {"total": 0, "role": {}, "language": {}, "channel": {}, "paused": 0, "blocked": 0}
    for role, language, channel, paused, active, count in rows:
        counts["total"] += count
        counts["role"][role] = counts["role"].get(role, 0) + count
        counts["language"][language] = counts["language"].get(language, 0) + count
        counts["channel"][channel] = counts["channel"].get(channel, 0) + count
        counts["paused"] += count if paused else 0
        counts["blocked"] += 0 if active else count
    return counts


async def enrolled_in(store: Store, communities: set[str]) -> int:
    if not communities:
        return 0
    marks = ", ".join("?" for _ in communities)
    rows = await _rows(
        store, f"SELECT COUNT(*) FROM participants p WHERE {ENROLLED} AND p.community IN ({marks})", tuple(communities)
    )
    return int(rows[0][0]) if rows else 0


async def got_round(store: Store, conversation: str) -> int:
    """Enrolled participants who got this round (in it now, or with an answer to it): walkers who never did are not
    counted as not answering."""
    rows = await _rows(
        store,
        f"SELECT COUNT(*) FROM participants p WHERE {ENROLLED} AND (p.conversation = ?"
        " OR EXISTS (SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.conversation = ?))",
        (conversation, conversation),
    )
    return int(rows[0][0]) if rows else 0


async def round_progress(store: Store, conversation: str) -> dict[str, Any]:
    """Per prompt: answers and skips; and how many participants answered anything in this conversation."""
    per_prompt: dict[str, dict[str, int]] = {}
    for prompt_id, answer_type, count in await _rows(
        store,
        "SELECT prompt_id, answer_type = 'skipped', COUNT(DISTINCT participant_id) FROM answers"
        " WHERE conversation = ? AND minority = 0 GROUP BY 1, 2",
        (conversation,),
    ):
        entry = per_prompt.setdefault(prompt_id, {"answered": 0, "skipped": 0})
        entry["skipped" if answer_type else "answered"] += count
    rows = await _rows(
        store,
        "SELECT COUNT(DISTINCT participant_id), COUNT(*) FROM answers WHERE conversation = ?",
        (conversation,),
    )
    return {"prompts": per_prompt, "participants": rows[0][0] if rows else 0, "answers": rows[0][1] if rows else 0}


async def open_flags(store: Store, communities: frozenset[str] | None = None) -> int:
    where, params = _in_communities(communities)
    rows = await _rows(
        store,
        "SELECT COUNT(*) FROM safeguarding_flags f JOIN participants p ON p.id = f.participant_id"
        f" WHERE f.handled_at IS NULL{where}",
        params,
    )
    return int(rows[0][0]) if rows else 0


async def stored_ideas(store: Store) -> list[dict[str, Any]] | None:
    """Ideas from earlier meetings, if the follow-up feature's tables exist (they are built beside this one).

    Read defensively: whatever columns the `ideas` table has, the common ones are picked up; None when there is no
    such table at all.
    """
    tables = {row[0] for row in await _rows(store, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "ideas" not in tables:
        return None
    columns = [row[1] for row in await _rows(store, "PRAGMA table_info(ideas)")]
    order = next((name for name in ("updated_at", "status_at", "created_at", "id") if name in columns), "rowid")
    async with store.db.execute(f"SELECT * FROM ideas ORDER BY {order}") as cursor:
        return [dict(row) for row in await cursor.fetchall()]
