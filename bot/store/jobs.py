"""The job queue and what jobs leave beside an answer: its kept file, its transcript, its machine translations.

A job is a row written in the transaction of the answer that needs it, and its result is written in the
transaction that marks it done, so a crash loses no job and records no result twice. Every row hangs on its answer
(ON DELETE CASCADE): a /forget or retention deletes jobs and results with the answer. Plain functions run in the
database thread (`Store.read`, `Store.write`).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.store.connection import iso, parse_iso

MEDIA_KINDS = ("voice", "audio", "video_note", "photo")
SPOKEN = ("voice", "audio", "video_note")
# What the brief may quote of an answer `a`: typed words, else a voice note's words as its speaker confirmed or typed
# them (an unconfirmed transcript is never quoted as theirs).
QUOTED_WORDS = (
    "COALESCE(json_extract(a.value, '$.text'), (SELECT COALESCE(t.corrected, t.text) FROM transcripts t"
    " WHERE t.answer_id = a.id AND t.confirmed_at IS NOT NULL))"
)


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    answer_id: int
    data: dict[str, Any]
    attempts: int  # including this run


def add_job(db: sqlite3.Connection, kind: str, answer_id: int, now: datetime, **data: Any) -> None:
    db.execute(
        "INSERT INTO jobs (kind, answer_id, data, due_at, created_at) VALUES (?, ?, ?, ?, ?)",
        (kind, answer_id, json.dumps(data, ensure_ascii=False), iso(now), iso(now)),
    )


def latest_answer(db: sqlite3.Connection, participant_id: int, conversation: str, prompt_id: str) -> int | None:
    row = db.execute(
        "SELECT id FROM answers WHERE participant_id = ? AND conversation = ? AND prompt_id = ? ORDER BY id DESC LIMIT 1",
        (participant_id, conversation, prompt_id),
    ).fetchone()
    return int(row[0]) if row else None


def write_answer_work(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """What an answer needs done in the background (`bot.jobs.plan`): its file fetched, its words translated."""
    answer_id = latest_answer(db, participant_id, data["conversation"], data["prompt_id"])
    if answer_id is None:
        return
    media = data.get("media")
    if media:
        db.execute(
            "INSERT OR REPLACE INTO media (answer_id, participant_id, kind, source, status, created_at)"
            " VALUES (?, ?, ?, ?, 'waiting', ?)",
            (answer_id, participant_id, media["kind"], media["source"], iso(now)),
        )
        add_job(db, "download", answer_id, now)
    if data.get("translate"):
        add_job(db, "translate", answer_id, now, field="text")


def claim_jobs(db: sqlite3.Connection, now: datetime, limit: int, lease: timedelta, kind: str) -> list[Job]:
    """Due jobs of one kind, marked running; the lease is when a run that never reported back (a hang) may be
    tried again. One kind at a time, so a slow engine holds up only its own jobs."""
    rows = db.execute(
        "SELECT id, kind, answer_id, data, attempts FROM jobs WHERE status = 'pending' AND kind = ? AND due_at <= ?"
        " ORDER BY due_at, id LIMIT ?",
        (kind, iso(now), limit),
    ).fetchall()
    rows += db.execute(  # a run that hung past its lease (its task is long gone): once more
        "SELECT id, kind, answer_id, data, attempts FROM jobs WHERE status = 'running' AND kind = ? AND due_at <= ?"
        " LIMIT ?",
        (kind, iso(now - lease), max(0, limit - len(rows))),
    ).fetchall()
    db.executemany(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, due_at = ? WHERE id = ?",
        [(iso(now), row[0]) for row in rows],
    )
    return [Job(row[0], row[1], row[2], json.loads(row[3]), row[4] + 1) for row in rows]


def release_running(db: sqlite3.Connection) -> int:
    """At start: jobs that were running when the process stopped (or was killed) are due again."""
    return db.execute("UPDATE jobs SET status = 'pending' WHERE status = 'running'").rowcount


def finish_job(db: sqlite3.Connection, job_id: int, now: datetime) -> bool:
    """Mark a run done; False when its answer (and so the job) is gone meanwhile: then nothing may be written."""
    cursor = db.execute(
        "UPDATE jobs SET status = 'done', finished_at = ?, completions = completions + 1, last_error = NULL"
        " WHERE id = ? AND status = 'running'",
        (iso(now), job_id),
    )
    return cursor.rowcount == 1


def retry_job(db: sqlite3.Connection, job_id: int, error: str, due: datetime | None) -> None:
    """Try again at `due`; None: give up (the job stays, failed, with its reason, for an operator to see)."""
    if due is None:
        db.execute("UPDATE jobs SET status = 'failed', last_error = ? WHERE id = ?", (error[:300], job_id))
    else:
        db.execute(
            "UPDATE jobs SET status = 'pending', due_at = ?, last_error = ? WHERE id = ? AND status = 'running'",
            (iso(due), error[:300], job_id),
        )


def next_job_due(db: sqlite3.Connection, kinds: tuple[str, ...]) -> datetime | None:
    """The next moment a job of these kinds (those with a runner) is due."""
    marks = ",".join("?" for _ in kinds) or "''"
    row = db.execute(f"SELECT MIN(due_at) FROM jobs WHERE status = 'pending' AND kind IN ({marks})", kinds).fetchone()
    return parse_iso(row[0]) if row else None


def job_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {row[0]: row[1] for row in db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status")}


# -- what a job reads and writes ---------------------------------------------------------------------------------------
def answer_for_job(db: sqlite3.Connection, answer_id: int) -> dict[str, Any] | None:
    """The answer with its participant, file, transcript: what a job needs to do its work."""
    row = db.execute(
        "SELECT a.id, a.participant_id, a.conversation, a.prompt_id, a.answer_type, a.value, p.pseudonym,"
        " p.channel, p.address, p.language, m.kind AS media_kind, m.source, m.path, m.status AS media_status,"
        " t.text AS transcript, t.language AS transcript_language, t.corrected"
        " FROM answers a JOIN participants p ON p.id = a.participant_id LEFT JOIN media m ON m.answer_id = a.id"
        " LEFT JOIN transcripts t ON t.answer_id = a.id WHERE a.id = ?",
        (answer_id,),
    ).fetchone()
    if row is None:
        return None
    record = {key: row[key] for key in row.keys()}  # noqa: SIM118 - a Row iterates values
    record["value"] = json.loads(record["value"])
    return record


def keep_file(db: sqlite3.Connection, answer_id: int, path: str | None, size: int, status: str) -> None:
    db.execute("UPDATE media SET path = ?, bytes = ?, status = ? WHERE answer_id = ?", (path, size, status, answer_id))


def keep_transcript(
    db: sqlite3.Connection, answer_id: int, text: str, language: str | None, engine: str, now: datetime
) -> None:
    db.execute(
        "INSERT OR REPLACE INTO transcripts (answer_id, text, language, engine, created_at) VALUES (?, ?, ?, ?, ?)",
        (answer_id, text, language, engine, iso(now)),
    )


def keep_translation(
    db: sqlite3.Connection,
    answer_id: int,
    field: str,
    source: str | None,
    target: str,
    text: str,
    engine: str,
    now: datetime,
) -> None:
    db.execute(
        "INSERT OR REPLACE INTO translations (answer_id, field, source_language, target, text, engine, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (answer_id, field, source, target, text, engine, iso(now)),
    )


def media_paths(db: sqlite3.Connection) -> set[str]:
    """Every kept file a stored answer refers to; a file in the media folder not among them is an orphan."""
    return {row[0] for row in db.execute("SELECT path FROM media WHERE path IS NOT NULL")}


def participant_media(db: sqlite3.Connection, participant_id: int) -> list[dict[str, Any]]:
    """For /mydata: their files, and what the engines made of them."""
    rows = db.execute(
        "SELECT a.prompt_id, m.kind, m.path, m.bytes, m.status, t.text, t.language, t.engine, t.corrected,"
        " t.confirmed_at, a.conversation FROM media m JOIN answers a ON a.id = m.answer_id"
        " LEFT JOIN transcripts t ON t.answer_id = m.answer_id WHERE m.participant_id = ? ORDER BY m.answer_id",
        (participant_id,),
    ).fetchall()
    return [
        {
            "conversation": row[10],
            "prompt": row[0],
            "kind": row[1],
            "file": row[2],
            "bytes": row[3],
            "status": row[4],
            "transcript": row[5],
            "transcript_language": row[6],
            "transcribed_by": row[7],
            "your_correction": row[8],
            "confirmed_at": row[9],
        }
        for row in rows
    ]


def participant_translations(db: sqlite3.Connection, participant_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT a.prompt_id, t.field, t.source_language, t.target, t.text, t.engine FROM translations t"
        " JOIN answers a ON a.id = t.answer_id WHERE a.participant_id = ? ORDER BY t.answer_id",
        (participant_id,),
    ).fetchall()
    return [
        {"prompt": r[0], "of": r[1], "from": r[2], "to": r[3], "machine_translation": r[4], "engine": r[5]}
        for r in rows
    ]


def write_retranslate(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """An edited text: its old machine translation is wrong now; a new one is made (after the edit's own writer)."""
    answer_id = data["answer_id"]
    if db.execute("SELECT 1 FROM answers WHERE id = ? AND participant_id = ?", (answer_id, participant_id)).fetchone():
        db.execute("DELETE FROM translations WHERE answer_id = ? AND field = 'text'", (answer_id,))
        add_job(db, "translate", answer_id, now, field="text")
