"""What the store keeps about faults: updates set aside because they could not be read or stored, and the check
that the database can be written at all before the bot starts.

A set-aside update is an inbox row closed at once with its error: kept (as escaped JSON, so even text that is not
valid Unicode fits) for an operator to look at, deleted with the other handled updates by retention and /forget.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.store.connection import iso
from bot.store.interface import Database


def _set_aside(
    db: sqlite3.Connection, channel: str, key: str, address: str | None, raw: str, error: str, now: str
) -> int:
    db.execute(
        "INSERT INTO inbox (channel, update_key, address, raw, received_at, done_at, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, update_key) DO UPDATE"
        " SET done_at = excluded.done_at, error = excluded.error, raw = excluded.raw",
        (channel, key, address, raw, now, now, error[:500]),
    )
    (count,) = db.execute("SELECT COUNT(*) FROM inbox WHERE error IS NOT NULL").fetchone()
    return int(count)


async def set_aside(
    store: Database, channel: str, key: str, address: str | None, raw: dict[str, Any], error: str, now: datetime
) -> int:
    """Keep an update that cannot be handled, closed, with why; returns how many are set aside in all."""
    escaped = json.dumps(raw, ensure_ascii=True, separators=(",", ":"))  # a lone surrogate becomes \\udXXX
    return await store.write(_set_aside, channel, key, address, escaped, error, iso(now))


def set_aside_count(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT COUNT(*) FROM inbox WHERE error IS NOT NULL").fetchone()
    return int(row[0]) if row else 0


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def unwritable(path: Path) -> str | None:
    """Why the database cannot be written (read-only file or folder, full disk), or None when it can.

    Checked before `run` starts: a bot that cannot store updates would confirm nothing and serve no one.
    """
    if not path.exists():
        folder = path.parent if path.parent.exists() else None
        if folder is not None and not folder.is_dir():
            return f"{folder} is not a folder"
        return None  # created on open, owner-only
    try:
        connection = connect(path)
    except sqlite3.Error as error:
        return str(error)
    try:
        # A real write that changes nothing: the header's user_version, written back as it is.
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(f"PRAGMA user_version = {int(version)}")
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        return str(error)
    finally:
        connection.close()
    return None


def participants_on(db: sqlite3.Connection, conversation: str, prompt_ids: list[str]) -> list[tuple[str, str]]:
    """(channel, address) of everyone whose current prompt is one of these."""
    if not prompt_ids:
        return []
    marks = ", ".join("?" for _ in prompt_ids)
    rows = db.execute(
        f"SELECT channel, address FROM participants WHERE conversation = ? AND prompt IN ({marks})",
        (conversation, *prompt_ids),
    )
    return [(row[0], row[1]) for row in rows]


def prompts_in_use(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int]]:
    """(round, prompt) → (participants on it now, answers given to it), for `check --against-db`."""
    on: dict[tuple[str, str], int] = {}
    for row in db.execute(
        "SELECT conversation, prompt, COUNT(*) FROM participants WHERE prompt IS NOT NULL GROUP BY 1, 2"
    ):
        on[(row[0], row[1])] = int(row[2])
    answered: dict[tuple[str, str], int] = {}
    for row in db.execute("SELECT conversation, prompt_id, COUNT(*) FROM answers GROUP BY 1, 2"):
        answered[(row[0], row[1])] = int(row[2])
    return {key: (on.get(key, 0), answered.get(key, 0)) for key in on.keys() | answered.keys()}


async def forget_traces(store: Database) -> None:
    """After a /forget: copy the WAL into the database and empty it, so the deleted words do not linger in old
    WAL frames until SQLite happens to reuse them (secure_delete zeroes them in the database itself)."""
    await store.checkpoint()
