"""Messages survive a Bot API outage: participants answer while every Bot API call fails, then it recovers.

The bot runs as a real process against the fake Bot API. Everyone is onboarded; then they answer and the fake
Bot API fails every call (502) for the outage's length, while they answer once more halfway; then it recovers.
Every message the bot wrote from the outage's start on must be delivered once, and fetching must back off
instead of spinning. The outage is real time: `--outage 1800` is the 30 minutes of the issue.
Prints one JSON line last: {"messages_due": .., "delivered": .., "lost": 0, "duplicates": 0,
"getupdates_calls_during_outage": ..}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from common import FIRST_USER, ONBOARDING, ROUND, TOKEN, FakeBotAPI, push, start_bot, stop

from bot.store.connection import iso

LONGEST_RETRY_PAUSE = 300  # bot/outbox/sender.py: a row failed in the outage is retried at most this long after


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []


def count(db: Path, sql: str, params: tuple[object, ...] = ()) -> int:
    rows = query(db, sql, params)
    return int(rows[0][0]) if rows else 0


async def until(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.5)
    return False


async def run(participants: int, outage: float) -> dict[str, int]:
    users = range(FIRST_USER, FIRST_USER + participants)
    async with FakeBotAPI(token=TOKEN) as api:
        with tempfile.TemporaryDirectory() as workdir:
            db = Path(workdir) / "outage.sqlite3"
            process = start_bot(api, db)
            try:
                for step in ONBOARDING:
                    for user in users:
                        push(api, user, step)
                onboarded = await until(
                    lambda: (
                        count(db, "SELECT COUNT(*) FROM participants WHERE prompt = 'wonen'") == participants
                        and count(
                            db, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND scheduled = 0"
                        )
                        == 0
                    ),
                    600,
                )
                if not onboarded:
                    raise SystemExit("onboarding did not finish")
                started = datetime.now(UTC)
                sent_before = len(api.sent)
                for user in users:  # answered just before the outage: their replies are due during it
                    api.user_callback(user, f"a:{ROUND}:wonen:4")
                await asyncio.sleep(0.05)
                api.outage = True
                calls_before = sum(1 for call in api.requests if call.method == "getUpdates")
                await asyncio.sleep(outage / 2)
                for user in users:  # answered during the outage: Telegram keeps them until it is back
                    api.user_callback(user, f"a:{ROUND}:vervoer:fiets")
                await asyncio.sleep(outage / 2)
                calls_during = sum(1 for call in api.requests if call.method == "getUpdates") - calls_before
                api.outage = False
                await until(
                    lambda: (
                        count(db, "SELECT COUNT(*) FROM answers") >= 2 * participants
                        and count(
                            db, "SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND scheduled = 0"
                        )
                        == 0
                    ),
                    LONGEST_RETRY_PAUSE + 120,
                )
            finally:
                stop(process)
            # Due: every message written from the outage's start on that was due by the end (replies, and any
            # scheduled message whose moment came); reminders for next week are not due yet.
            window = "channel = 'telegram' AND created_at >= ? AND (scheduled = 0 OR due_at <= ?)"
            since = (iso(started), iso(datetime.now(UTC)))
            due = count(db, f"SELECT COUNT(*) FROM outbox WHERE {window}", since)
            delivered = count(db, f"SELECT COUNT(*) FROM outbox WHERE {window} AND status = 'sent'", since)
            texts = Counter(
                (call.chat_id, call.text) for call in api.sent[sent_before:] if call.method == "sendMessage"
            )
    return {
        "messages_due": due,
        "delivered": delivered,
        "lost": due - delivered,
        "duplicates": sum(times - 1 for times in texts.values()),
        "getupdates_calls_during_outage": calls_during,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--outage", type=float, default=1800.0, help="seconds every Bot API call fails (real time)")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.participants, args.outage))))


if __name__ == "__main__":
    main()
