"""What the Deep Democracy steps read: a participant's mark and own answer for a prompt, when the minority round of a
prompt began, and the minority's approved words that the majority is shown.

Marks are `followup_marks` rows (migration 5): kind `minority` for the minority question, `majority` for the
majority's turn; state `asked`, `answered` or `skipped`.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.store.connection import parse_iso


def step_mark(db: sqlite3.Connection, participant_id: int, key: str) -> str | None:
    """`asked` while the minority question is open, `majority-asked` while the majority's turn is, else the state."""
    marks = dict(
        db.execute(
            "SELECT kind, state FROM followup_marks WHERE participant_id = ? AND key = ?"
            " AND kind IN ('minority', 'majority')",
            (participant_id, key),
        ).fetchall()
    )
    if marks.get("minority") == "asked":
        return "asked"
    if marks.get("majority") == "asked":
        return "majority-asked"
    if "minority" in marks:
        return str(marks["minority"])
    return f"majority-{marks['majority']}" if "majority" in marks else None


def choice_of(db: sqlite3.Connection, participant_id: int, conversation: str, prompt_id: str) -> str | None:
    """The participant's latest own answer (option id or scale value) to a choice or scale prompt."""
    row = db.execute(
        "SELECT COALESCE(json_extract(value, '$.option'), json_extract(value, '$.value')) FROM answers"
        " WHERE participant_id = ? AND conversation = ? AND prompt_id = ? AND minority = 0"
        " AND answer_type IN ('choice', 'scale') ORDER BY id DESC LIMIT 1",
        (participant_id, conversation, prompt_id),
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def minority_began(db: sqlite3.Connection, key: str) -> datetime | None:
    row = db.execute("SELECT MIN(at) FROM followup_marks WHERE kind = 'minority' AND key = ?", (key,)).fetchone()
    return parse_iso(row[0]) if row and row[0] else None


def approved_voices(db: sqlite3.Connection, conversation: str, prompt_id: str, limit: int = 3) -> list[str]:
    """Approved minority texts for the majority to read: one per language first, so no language speaks for all."""
    found = db.execute(
        "SELECT json_extract(a.value, '$.text'), p.language FROM answers a JOIN participants p"
        " ON p.id = a.participant_id WHERE a.conversation = ? AND a.prompt_id = ? AND a.minority = 1"
        " AND a.moderation = 'approved' AND json_extract(a.value, '$.text') IS NOT NULL"
        " AND json_extract(a.value, '$.step') IS NULL ORDER BY a.id",
        (conversation, prompt_id),
    )
    rows = [(str(row[0]), row[1]) for row in found]
    chosen: list[str] = []
    languages: set[str | None] = set()
    for text, language in rows:
        if language not in languages and len(chosen) < limit:
            chosen.append(text)
            languages.add(language)
    for text, _language in rows:
        if len(chosen) >= limit:
            break
        if text not in chosen:
            chosen.append(text)
    return chosen
