"""What the exports read: answers with their stored value taken apart in SQL, the participants, and for voices and
photos the kept file, transcript and translation. Plain functions over a `sqlite3.Connection` of the export's own.

The export opens a read-only connection of its own (`open_reader`), so a big export never holds the bot's
connection. Filters arrive as plain values (`AnswerFilter`); the organiser side turns an export's selection into one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The stored value is a small JSON object; SQLite takes its parts out in C, faster than json.loads per row.
PARTS = ("option", "value", "text", "voice", "duration", "photo", "latitude", "longitude", "defends", "step")
# Only a minority answer defends an option or has a step: the other rows skip parsing their JSON twice more.
MINORITY_PARTS = ("defends", "step")
ARROW = sqlite3.sqlite_version_info >= (3, 38)

SEP = "char(31)"
# One lookup per table (parts of one answer joined by SEP): three per answer instead of six.
MEDIA_LOOKUPS = (
    ("media", "(SELECT path FROM media m WHERE m.answer_id = answers.id)"),
    (
        "transcripts",
        f"(SELECT COALESCE(t.corrected, t.text) || {SEP} || COALESCE(t.language, '') || {SEP} ||"
        " CASE WHEN t.corrected IS NULL THEN t.engine ELSE 'participant' END"
        " FROM transcripts t WHERE t.answer_id = answers.id)",
    ),
    (
        "translations",
        f"(SELECT r.text || {SEP} || r.engine FROM translations r WHERE r.answer_id = answers.id"
        " ORDER BY r.field = 'transcript' DESC LIMIT 1)",
    ),
)
MEDIA_PARTS = ", ".join(lookup for _table, lookup in MEDIA_LOOKUPS)
MEDIA_PART_COUNT = len(MEDIA_LOOKUPS)

Person = tuple[str, str, str | None, str | None, str]  # pseudonym, channel (as stored), role, language, community


@dataclass(frozen=True)
class AnswerFilter:
    """Which answers an export reads, as SQL sees them: times are stored UTC text (`bot.store.iso`)."""

    conversation: str | None = None
    since: str | None = None  # inclusive
    until: str | None = None  # exclusive
    live_only: bool = False  # leave out rehearsals in the terminal simulator
    communities: frozenset[str] | None = None

    def answers(self, table: str = "answers") -> tuple[str, list[Any]]:
        """The WHERE conditions on the answers (an empty string for none), and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        for value, condition in (
            (self.conversation, "conversation = ?"),
            (self.since, "created_at >= ?"),
            (self.until, "created_at < ?"),
        ):
            if value:
                conditions.append(f"{table}.{condition}")
                params.append(value)
        return " AND ".join(conditions), params

    def people(self, table: str = "participants") -> tuple[str, list[Any]]:
        """The WHERE conditions on the participants (an empty string for none), and their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        if self.live_only:
            conditions.append(f"{table}.channel != 'terminal'")
        if self.communities is not None:
            conditions.append(f"{table}.community IN ({', '.join('?' * len(self.communities))})")
            params.extend(sorted(self.communities))
        return " AND ".join(conditions), params


def open_reader(db_path: Path) -> sqlite3.Connection:
    """A connection of the export's own that only reads (the TEMP tables it fills first are its own too)."""
    return sqlite3.connect(db_path, timeout=10)


def only_read(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA query_only = ON")


def part(name: str, value: str = "value") -> str:
    """One part of the stored JSON value, as SQL."""
    return f"{value} ->> '$.{name}'" if ARROW else f"json_extract({value}, '$.{name}')"


def media_lookups(connection: sqlite3.Connection) -> list[str]:
    """The `MEDIA_LOOKUPS`, with a NULL for each table that is empty: most rounds have no kept file, transcript or
    translation, and a lookup per answer in an empty table still costs a million index probes."""
    return [
        lookup if connection.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0] else "NULL"
        for table, lookup in MEDIA_LOOKUPS
    ]


def media_parts(connection: sqlite3.Connection) -> str:
    """`MEDIA_PARTS`, with a NULL for each table that is empty (see `media_lookups`)."""
    return ", ".join(media_lookups(connection))


def answer_select(media: str = MEDIA_PARTS) -> str:
    """The answers' SELECT: id, participant, conversation, prompt, type, the `PARTS`, minority, walk stop,
    moderation, created_at, the stored value, then the media parts."""
    taken = [f"CASE WHEN minority THEN {part(name)} END" if name in MINORITY_PARTS else part(name) for name in PARTS]
    return (
        "SELECT id, participant_id, conversation, prompt_id, answer_type,"
        f" {', '.join(taken)}, minority, walk_stop, moderation, created_at, value, {media} FROM answers"
    )


def read_people(connection: sqlite3.Connection, where: AnswerFilter) -> Iterator[tuple[int, Person]]:
    """Every participant the filter keeps, by id."""
    conditions, params = where.people()
    sql = "SELECT id, pseudonym, channel, role, language, community FROM participants"
    for row in connection.execute(sql + (f" WHERE {conditions}" if conditions else ""), params):
        yield row[0], (row[1], row[2], row[3], row[4], row[5])


def read_answers(connection: sqlite3.Connection, where: AnswerFilter, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """The answers the filter keeps (participants aside: see `read_people`), oldest first, `batch` at a time."""
    conditions, params = where.answers()
    sql = answer_select(media_parts(connection)) + (f" WHERE {conditions}" if conditions else "")
    # The rowid order: SQLite walks the table as stored, without sorting a million rows first.
    cursor = connection.execute(sql + " ORDER BY id", params)
    while rows := cursor.fetchmany(batch):
        yield rows


def read_answer(connection: sqlite3.Connection, answer_id: int) -> tuple[tuple[Any, ...], Person] | None:
    """One answer as `read_answers` gives it, with who gave it."""
    row = connection.execute(answer_select() + " WHERE id = ?", (answer_id,)).fetchone()
    if row is None:
        return None
    person = connection.execute(
        "SELECT pseudonym, channel, role, language, community FROM participants WHERE id = ?", (row[1],)
    ).fetchone()
    return (row, (person[0], person[1], person[2], person[3], person[4])) if person else None


def read_participants(connection: sqlite3.Connection, live_only: bool, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """For the participants sheet: id, pseudonym, channel, role, language, community, joined, and their RSVPs as
    `meeting: answer; ...`."""
    live = " WHERE p.channel != 'terminal'" if live_only else ""
    cursor = connection.execute(
        "SELECT p.id, p.pseudonym, p.channel, p.role, p.language, p.community, p.created_at,"
        " (SELECT group_concat(i.meeting || ': ' || COALESCE(i.rsvp, '-'), '; ') FROM meeting_invites i"
        f" WHERE i.participant_id = p.id) FROM participants p{live} ORDER BY p.id"
    )
    while rows := cursor.fetchmany(batch):
        yield rows


def kept_files(connection: sqlite3.Connection, where: AnswerFilter) -> list[str]:
    """The kept voice and photo files of the answers an export holds, oldest answer first (for `--with-media`)."""
    answers, params = where.answers("a")
    people, more = where.people("p")
    conditions = " AND ".join(condition for condition in (answers, people) if condition)
    rows = connection.execute(
        "SELECT m.path FROM media m JOIN answers a ON a.id = m.answer_id JOIN participants p ON p.id = a.participant_id"
        + (f" WHERE {conditions}" if conditions else "")
        + " ORDER BY a.id",
        [*params, *more],
    )
    return [path for (path,) in rows if path]
