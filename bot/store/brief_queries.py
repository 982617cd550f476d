"""What the meeting brief and the walk brief read: grouped counts, the approved texts to quote from, the RSVPs of the
coming meeting and what happened since the last one.

Every query takes the same `Scope` as the export's selection (`--since`, `--live-only`), so the brief and the
export of one selection count the same answers. Only texts an organiser approved are ever read as quotes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.connection import iso
from bot.store.jobs import QUOTED_WORDS

ENROLLED = "p.stage = 'ready' AND p.consent_version IS NOT NULL"


@dataclass(frozen=True)
class Scope:
    """Which answers a brief counts: one conversation, from a moment on, with or without rehearsals."""

    conversation: str
    since: datetime | None = None
    live_only: bool = False

    def where(self, answers: str = "a", people: str = "p") -> tuple[str, tuple[Any, ...]]:
        sql = f"{answers}.conversation = ?"
        params: list[Any] = [self.conversation]
        if self.since is not None:
            sql += f" AND {answers}.created_at >= ?"
            params.append(iso(self.since))
        if self.live_only:
            sql += f" AND {people}.channel != 'terminal'"
        return sql, tuple(params)


def _rows(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, params)]


JOIN = "FROM answers a JOIN participants p ON p.id = a.participant_id"
TEXT = "json_extract(a.value, '$.text')"


def brief_data(db: sqlite3.Connection, scope: Scope) -> dict[str, Any]:
    """Everything one round's brief counts, in a handful of grouped queries."""
    where, params = scope.where()
    data: dict[str, Any] = {}
    data["by_role"] = _rows(
        db,
        f"SELECT a.prompt_id, p.role, COUNT(*) {JOIN} WHERE {where} AND a.answer_type != 'skipped'"
        " AND a.minority = 0 GROUP BY 1, 2",
        params,
    )
    data["by_language"] = _rows(
        db,
        f"SELECT a.prompt_id, p.language, COUNT(*) {JOIN} WHERE {where} AND a.answer_type != 'skipped'"
        " AND a.minority = 0 GROUP BY 1, 2",
        params,
    )
    # Each option chosen counts once; a multiple choice (`{"options": [...]}`) counts every option it chose.
    data["choices"] = _rows(
        db,
        f"SELECT a.prompt_id, COALESCE(json_extract(a.value, '$.option'), json_extract(a.value, '$.value')),"
        f" COUNT(*) {JOIN} WHERE {where} AND a.minority = 0 AND a.answer_type IN ('choice', 'scale')"
        " AND json_extract(a.value, '$.options') IS NULL GROUP BY 1, 2"
        f" UNION ALL SELECT a.prompt_id, chosen.value, COUNT(*) {JOIN}, json_each(a.value, '$.options') AS chosen"
        f" WHERE {where} AND a.minority = 0 AND a.answer_type = 'choice' GROUP BY 1, 2",
        (*params, *params),
    )
    data["followups"] = _rows(
        db,
        f"SELECT a.prompt_id, COALESCE(json_extract(a.value, '$.step'), 'voice'), COUNT(*) {JOIN}"
        f" WHERE {where} AND a.minority = 1 GROUP BY 1, 2",
        params,
    )
    data["kinds"] = _rows(
        db,
        f"SELECT a.prompt_id, a.minority, COUNT(*), SUM(json_extract(a.value, '$.voice') IS NOT NULL),"
        f" SUM(json_extract(a.value, '$.photo') IS NOT NULL), SUM({TEXT} IS NOT NULL),"
        " SUM(a.answer_type = 'skipped'), SUM(json_extract(a.value, '$.latitude') IS NOT NULL),"
        f" SUM({TEXT} IS NOT NULL AND a.moderation = 'pending') {JOIN} WHERE {where} GROUP BY 1, 2",
        params,
    )
    data["quotes"] = quote_candidates(db, scope)
    rows = _rows(
        db,
        f"SELECT COUNT(DISTINCT a.participant_id), COUNT(*) {JOIN} WHERE {where} AND a.answer_type != 'skipped'",
        params,
    )
    data["participants"], data["answers"] = (rows[0][0], rows[0][1]) if rows else (0, 0)
    data["participants_by_role"] = _rows(
        db, f"SELECT p.role, COUNT(DISTINCT p.id) {JOIN} WHERE {where} GROUP BY 1", params
    )
    data["participants_by_language"] = _rows(
        db, f"SELECT p.language, COUNT(DISTINCT p.id) {JOIN} WHERE {where} GROUP BY 1", params
    )
    return data


def quote_candidates(db: sqlite3.Connection, scope: Scope) -> list[dict[str, Any]]:
    """Every approved text of the selection, with who said it (role, language) and what it goes with.

    All of them, not the newest few: the fair choice across languages and roles is made in bot/organise/quotes.py,
    and organisers approve texts one by one, so there are hundreds at most.
    """
    where, params = scope.where()
    # A minority's voice message is listed too (its words are not text to quote: the transcription feature may add
    # them); it is never moderated as a text is.
    rows = db.execute(
        f"SELECT a.id, a.prompt_id, a.walk_stop, a.minority, {QUOTED_WORDS}, json_extract(a.value, '$.defends'),"
        f" json_extract(a.value, '$.step'), p.language, p.role, a.created_at, json_extract(a.value, '$.duration')"
        f" {JOIN} WHERE {where} AND ((a.moderation = 'approved' AND {QUOTED_WORDS} IS NOT NULL)"
        " OR (a.minority = 1 AND a.answer_type = 'voice')) ORDER BY a.id",
        params,
    )
    names = ("id", "prompt", "stop", "minority", "text", "defends", "step", "language", "role", "created_at", "seconds")
    return [dict(zip(names, row, strict=True)) for row in rows]


def rsvp_rows(
    db: sqlite3.Connection, meeting_id: str, live_only: bool
) -> list[tuple[str | None, str | None, str | None]]:
    """(answer, language, role) of every invitation of a meeting; answer None: not answered yet."""
    live = " AND p.channel != 'terminal'" if live_only else ""
    return [
        (row[0], row[1], row[2])
        for row in _rows(
            db,
            "SELECT i.rsvp, p.language, p.role FROM meeting_invites i JOIN participants p ON p.id = i.participant_id"
            f" WHERE i.meeting = ?{live}",
            (meeting_id,),
        )
    ]


def since(
    db: sqlite3.Connection, community: str, conversation: str, moment: datetime, live_only: bool
) -> dict[str, Any]:
    """New participants of the community, new answers in the conversation, and idea status changes since `moment`."""
    live = " AND p.channel != 'terminal'" if live_only else ""
    people = _rows(
        db,
        f"SELECT COUNT(*) FROM participants p WHERE {ENROLLED} AND p.community = ? AND p.created_at >= ?{live}",
        (community, iso(moment)),
    )
    answers = _rows(
        db,
        f"SELECT COUNT(*) {JOIN} WHERE a.conversation = ? AND a.created_at >= ? AND a.answer_type != 'skipped'{live}",
        (conversation, iso(moment)),
    )
    changes = _rows(
        db,
        "SELECT h.idea, i.text, h.status, h.reason, h.changed_at, i.meeting FROM idea_history h"
        " JOIN ideas i ON i.id = h.idea"
        " WHERE i.community = ? AND h.changed_at >= ? ORDER BY h.changed_at",
        (community, iso(moment)),
    )
    return {"participants": people[0][0], "answers": answers[0][0], "ideas": changes}


def walk_data(db: sqlite3.Connection, scope: Scope) -> dict[str, Any]:
    """Per stop of a walk: who reached its card, the answers by kind, and who walked at all."""
    where, params = scope.where()
    live = " AND p.channel != 'terminal'" if scope.live_only else ""
    after = " AND o.sent_at >= ?" if scope.since else ""
    extra: tuple[Any, ...] = (iso(scope.since),) if scope.since else ()
    reached = _rows(
        db,
        "SELECT json_extract(o.payload, '$.stop'), COUNT(DISTINCT o.participant_id) FROM outbox o"
        " JOIN participants p ON p.id = o.participant_id WHERE o.kind IN ('walk', 'walk_card')"
        f" AND o.status IN ('sent', 'sending') AND json_extract(o.payload, '$.walk') = ?{live}{after} GROUP BY 1",
        (scope.conversation, *extra),
    )
    kinds = _rows(
        db,
        f"SELECT a.prompt_id, COUNT(*), COUNT(DISTINCT a.participant_id), SUM({TEXT} IS NOT NULL),"
        " SUM(json_extract(a.value, '$.voice') IS NOT NULL), SUM(json_extract(a.value, '$.photo') IS NOT NULL)"
        f" {JOIN} WHERE {where} AND a.answer_type != 'skipped' GROUP BY 1",
        params,
    )
    walkers = _rows(db, f"SELECT COUNT(DISTINCT a.participant_id) {JOIN} WHERE {where}", params)
    languages = _rows(db, f"SELECT p.language, COUNT(DISTINCT p.id) {JOIN} WHERE {where} GROUP BY 1", params)
    return {
        "reached": {str(stop): count for stop, count in reached if stop is not None},
        "kinds": {row[0]: row[1:] for row in kinds},
        "walkers": walkers[0][0],
        "languages": languages,
        "quotes": quote_candidates(db, scope),
    }
