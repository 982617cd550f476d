"""What organisers read of voice notes and photos: the files, transcripts and translations beside answers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Extras:
    """What the background jobs left beside one answer."""

    kind: str | None = None  # voice, audio, video_note, photo
    path: str | None = None  # relative to the media folder
    status: str | None = None  # waiting, kept, too_big, stand_in
    transcript: str | None = None
    transcript_language: str | None = None
    transcript_engine: str | None = None
    corrected: str | None = None  # typed by the participant instead
    confirmed: bool = False
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (text, engine)

    @property
    def spoken(self) -> bool:
        return self.kind in ("voice", "audio", "video_note")

    @property
    def quote(self) -> str | None:
        """What may be quoted of a voice note: the participant's own words if they typed them, else a confirmed
        transcript, else the engine's transcript (labelled unconfirmed where shown)."""
        return self.corrected or self.transcript


def read_extras(db: sqlite3.Connection, answer_ids: list[int]) -> dict[int, Extras]:
    found: dict[int, Extras] = {answer_id: Extras() for answer_id in answer_ids}
    if not answer_ids:
        return found
    marks = ",".join("?" for _ in answer_ids)
    for row in db.execute(f"SELECT answer_id, kind, path, status FROM media WHERE answer_id IN ({marks})", answer_ids):
        extras = found[row[0]]
        extras.kind, extras.path, extras.status = row[1], row[2], row[3]
    for row in db.execute(
        "SELECT answer_id, text, language, engine, corrected, confirmed_at FROM transcripts"
        f" WHERE answer_id IN ({marks})",
        answer_ids,
    ):
        extras = found[row[0]]
        extras.transcript, extras.transcript_language, extras.transcript_engine = row[1], row[2], row[3]
        extras.corrected, extras.confirmed = row[4], row[5] is not None
    for row in db.execute(
        f"SELECT answer_id, field, text, engine FROM translations WHERE answer_id IN ({marks})", answer_ids
    ):
        found[row[0]].translations[row[1]] = (row[2], row[3])
    return found


def recent_media(db: sqlite3.Connection, limit: int, communities: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """The latest voice and photo answers; of a community organiser's communities only (bot/organise/scope.py)."""
    where = f" WHERE p.community IN ({', '.join('?' for _ in communities)})" if communities is not None else ""
    rows = db.execute(
        "SELECT a.id, a.conversation, a.prompt_id, a.value, a.moderation, a.created_at, p.pseudonym, p.language"
        " FROM media m JOIN answers a ON a.id = m.answer_id JOIN participants p ON p.id = a.participant_id"
        f"{where} ORDER BY a.id DESC LIMIT ?",
        (*sorted(communities or ()), limit),
    )
    return [dict(row) for row in rows]


def conversation_answers(db: sqlite3.Connection, conversation: str) -> list[dict[str, Any]]:
    """Every answer of a conversation that was not skipped, with its moderation and language (the brief's media)."""
    found = db.execute(
        "SELECT a.id, a.prompt_id, a.value, a.moderation, p.language FROM answers a"
        " JOIN participants p ON p.id = a.participant_id WHERE a.conversation = ? AND a.answer_type != 'skipped'"
        " ORDER BY a.id",
        (conversation,),
    ).fetchall()
    return [
        {"id": row[0], "prompt": row[1], "value": json.loads(row[2]), "moderation": row[3], "language": row[4]}
        for row in found
    ]


def with_extras(db: sqlite3.Connection, conversation: str) -> tuple[list[dict[str, Any]], dict[int, Extras]]:
    rows = conversation_answers(db, conversation)
    return rows, read_extras(db, [row["id"] for row in rows])


def transcribed_answer_of(db: sqlite3.Connection, answer_id: int | None, participant_id: int) -> bool:
    """The answer is this participant's own and has a transcript (a forged button names someone else's)."""
    row = db.execute(
        "SELECT 1 FROM answers a JOIN transcripts t ON t.answer_id = a.id WHERE a.id = ? AND a.participant_id = ?",
        (answer_id, participant_id),
    ).fetchone()
    return row is not None
