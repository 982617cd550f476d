"""What a network of communities reads and writes: organisers per community, rounds opened and closed, the results
sent back, and the people of an audience. Migration 12 made the tables. Plain functions over a connection, run in
the database thread (`store.call`, `store.write`)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.store.connection import iso

ENROLLED = "p.stage = 'ready' AND p.consent_version IS NOT NULL"
RESULTS_OFF = "COALESCE(json_extract(p.features, '$.results.off'), 0) = 0"


# -- organisers per community ------------------------------------------------------------------------------------------
def scope_of(db: sqlite3.Connection, channel: str, address: str) -> frozenset[str] | None:
    """The communities an organiser acts for; None for a network organiser (no community: every one)."""
    rows = db.execute(
        "SELECT community FROM organiser_communities WHERE channel = ? AND address = ?", (channel, address)
    ).fetchall()
    return frozenset(row[0] for row in rows) or None


def set_scope(db: sqlite3.Connection, channel: str, address: str, communities: Iterable[str]) -> None:
    """The organiser's communities from now on (none: a network organiser)."""
    db.execute("DELETE FROM organiser_communities WHERE channel = ? AND address = ?", (channel, address))
    db.executemany(
        "INSERT INTO organiser_communities (channel, address, community) VALUES (?, ?, ?)",
        [(channel, address, community) for community in sorted(set(communities))],
    )


def scopes(db: sqlite3.Connection) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for channel, address, community in db.execute("SELECT channel, address, community FROM organiser_communities"):
        found.setdefault((channel, address), set()).add(community)
    return found


def community_of_participant(db: sqlite3.Connection, participant_id: int) -> str | None:
    row = db.execute("SELECT community FROM participants WHERE id = ?", (participant_id,)).fetchone()
    return row[0] if row else None


def community_of_answer(db: sqlite3.Connection, answer_id: int) -> str | None:
    row = db.execute(
        "SELECT p.community FROM answers a JOIN participants p ON p.id = a.participant_id WHERE a.id = ?", (answer_id,)
    ).fetchone()
    return row[0] if row else None


def community_of_flag(db: sqlite3.Connection, flag_id: int) -> str | None:
    row = db.execute(
        "SELECT p.community FROM safeguarding_flags f JOIN participants p ON p.id = f.participant_id WHERE f.id = ?",
        (flag_id,),
    ).fetchone()
    return row[0] if row else None


def community_of_row(db: sqlite3.Connection, table: str, key: Any) -> str | None:
    """The community column of an announcement, idea or walk date."""
    assert table in ("announcements", "ideas", "walk_dates")
    row = db.execute(f"SELECT community FROM {table} WHERE id = ?", (key,)).fetchone()
    return row[0] if row else None


# -- rounds opened and closed ------------------------------------------------------------------------------------------
def round_states(db: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    return {row["conversation"]: dict(row) for row in db.execute("SELECT * FROM round_status")}


def closed_by_organisers(db: sqlite3.Connection) -> frozenset[str]:
    rows = db.execute("SELECT conversation FROM round_status WHERE closed_by IS NOT NULL").fetchall()
    return frozenset(row[0] for row in rows)


def mark_round(
    db: sqlite3.Connection, conversation: str, community: str, column: str, now: datetime, by: str | None = None
) -> bool:
    """Note that a round opened, closed or had its results sent; False when that was noted before."""
    assert column in ("opened_at", "closed_at", "results_at")
    db.execute("INSERT OR IGNORE INTO round_status (conversation, community) VALUES (?, ?)", (conversation, community))
    cursor = db.execute(
        f"UPDATE round_status SET {column} = ?, closed_by = COALESCE(?, closed_by) WHERE conversation = ?"
        f" AND {column} IS NULL",
        (iso(now), by, conversation),
    )
    return cursor.rowcount == 1


def to_move(
    db: sqlite3.Connection, community: str, conversation: str, with_own_rounds: Iterable[str] = ()
) -> list[sqlite3.Row]:
    """Enrolled, active participants of a community who are not in this round yet (the paused too: the caller
    decides). A `default` round serves every community without rounds of its own (`with_own_rounds` lists the
    others), so all of their people are moved when it opens."""
    if community == "default":
        own = sorted(set(with_own_rounds) - {"default"})
        where = f"p.community NOT IN ({', '.join('?' for _ in own)})" if own else "1"
        params: list[Any] = [*own, conversation]
    else:
        where, params = "p.community = ?", [community, conversation]
    return db.execute(
        f"SELECT p.channel, p.address FROM participants p WHERE {where} AND {ENROLLED} AND p.active = 1"
        " AND (p.conversation IS NULL OR p.conversation != ?) ORDER BY p.id",
        params,
    ).fetchall()


def cancel_round_messages(db: sqlite3.Connection, conversation: str) -> int:
    """A closed round sends no more reminders, nor prompts that were waiting for their moment."""
    return db.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE kind IN ('reminder', 'next_prompt') AND status = 'pending'"
        " AND json_extract(payload, '$.conversation') = ?",
        (conversation,),
    ).rowcount


# -- results back to participants ---------------------------------------------------------------------------------------
def result_recipients(db: sqlite3.Connection, conversation: str) -> list[tuple[int, str, str]]:
    """Everyone who answered the round and did not turn results off."""
    return [
        tuple(row)
        for row in db.execute(
            f"SELECT p.id, p.channel, p.address FROM participants p WHERE {ENROLLED} AND {RESULTS_OFF}"
            " AND EXISTS (SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.conversation = ?) ORDER BY p.id",
            (conversation,),
        )
    ]


def round_results(db: sqlite3.Connection, conversation: str, channel: str) -> dict[str, Any]:
    """How many took part, the counts of each choice and scale prompt, and one approved minority voice.

    Per channel, as the minority round counts: rehearsals in the simulator never mix with the real answers."""
    took_part = db.execute(
        "SELECT COUNT(DISTINCT a.participant_id) FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.conversation = ? AND p.channel = ? AND a.answer_type != 'skipped'",
        (conversation, channel),
    ).fetchone()[0]
    counts: dict[str, Counter[str]] = {}
    answers: Counter[str] = Counter()  # people who answered each prompt: a multiple choice's shares are of them
    for prompt_id, value in db.execute(
        "SELECT a.prompt_id, a.value FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.conversation = ? AND p.channel = ? AND a.minority = 0 AND a.answer_type IN ('choice', 'scale')",
        (conversation, channel),
    ):
        data = json.loads(value)
        chosen = data.get("options") or ([data["option"]] if "option" in data else [])
        if "value" in data:
            chosen = [str(data["value"])]
        counts.setdefault(prompt_id, Counter()).update(str(option) for option in chosen)
        answers[prompt_id] += 1
    voice = db.execute(
        "SELECT json_extract(a.value, '$.text') FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.conversation = ? AND p.channel = ? AND a.minority = 1 AND a.moderation = 'approved'"
        " AND json_extract(a.value, '$.text') IS NOT NULL ORDER BY a.id DESC LIMIT 1",
        (conversation, channel),
    ).fetchone()
    return {"took_part": took_part, "counts": counts, "answers": answers, "minority_voice": voice[0] if voice else None}


# -- audiences of an announcement --------------------------------------------------------------------------------------
def audience(db: sqlite3.Connection, communities: Iterable[str], filters: dict[str, Any]) -> list[sqlite3.Row]:
    """Active, enrolled participants of these communities who fit every filter: role, language, answered a round,
    said yes to a meeting, walk along on a walk date."""
    wanted = sorted(set(communities))
    marks = ", ".join("?" for _ in wanted)
    sql = f"SELECT p.id, p.channel, p.address, p.language FROM participants p WHERE {ENROLLED} AND p.active = 1"
    params: list[Any] = []
    if wanted:
        sql += f" AND p.community IN ({marks})"
        params += wanted
    if filters.get("role"):
        sql += " AND p.role = ?"
        params.append(filters["role"])
    if filters.get("language"):
        sql += " AND p.language = ?"
        params.append(filters["language"])
    if filters.get("answered"):
        sql += " AND EXISTS (SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.conversation = ?)"
        params.append(filters["answered"])
    if filters.get("meeting"):
        sql += (
            " AND EXISTS (SELECT 1 FROM meeting_invites i WHERE i.participant_id = p.id AND i.meeting = ?"
            " AND i.rsvp = 'yes')"
        )
        params.append(filters["meeting"])
    walk = str(filters.get("walk") or "")
    if walk.isdigit():  # a walk date of /walkdate: who leads it or said they come
        sql += (
            " AND EXISTS (SELECT 1 FROM walk_date_people w WHERE w.participant_id = p.id AND w.walk_date = ?"
            " AND (w.part = 'lead' OR w.rsvp = 'yes'))"
        )
        params.append(int(walk))
    elif walk:  # a walk of the content: who walked it, alone (their answers) or with a group
        sql += (
            " AND (EXISTS (SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.conversation = ?)"
            " OR EXISTS (SELECT 1 FROM walk_members m JOIN walk_groups g ON g.id = m.group_id"
            " WHERE m.participant_id = p.id AND g.walk = ?))"
        )
        params += [walk, walk]
    return db.execute(sql + " ORDER BY p.id", params).fetchall()


def save_audience(db: sqlite3.Connection, announcement_id: int, filters: dict[str, Any]) -> None:
    db.execute(
        "UPDATE announcements SET audience = ? WHERE id = ?",
        (json.dumps(filters, ensure_ascii=False, sort_keys=True), announcement_id),
    )


def audience_of(db: sqlite3.Connection, announcement_id: int) -> dict[str, Any]:
    row = db.execute("SELECT audience FROM announcements WHERE id = ?", (announcement_id,)).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def shared_answers(db_path: Path, *, live_only: bool = False) -> Iterator[tuple[str, str, str, int]]:
    """(conversation, prompt, value, participant) of every answer that counts, for the learning-network view.

    Through a read-only connection of its own, like the export: a long read never holds the bot's thread.
    """
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        sql = (
            "SELECT a.conversation, a.prompt_id, a.value, a.participant_id FROM answers a JOIN participants p"
            " ON p.id = a.participant_id WHERE a.minority = 0 AND a.answer_type != 'skipped'"
            + (" AND p.channel != 'terminal'" if live_only else "")
        )
        yield from connection.execute(sql)
    finally:
        connection.close()
