"""Start-up with a full schedule: 100,000 pending follow-ups in the database, then the live bot is started.

Measures the time from opening the database until the sender is armed (its JobQueue job set at the next due
moment), and the peak memory of that process. Targets: under 1 s and under 150 MB. The start-up runs in a process
of its own (the fake Bot API stays in this one), so its peak memory is the bot's alone. Prints one JSON line last:
`{"pending": .., "startup_s": .., "process_s": .., "peak_mb": .., "armed_at": ..}`.

The content is the sample round alone: the sample meeting would invite every generated participant, which is a
broadcast (benchmarks/broadcast.py), not a start-up.
"""

from __future__ import annotations

import time

PROCESS_STARTED = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from common import ROOT, TOKEN, FakeBotAPI  # noqa: E402

KINDS = ("next_prompt", "reminder", "meeting_reminder", "idea_update", "minority")
ROUND = "leven-in-onze-stad"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def generate(db: Path, pending: int, per_participant: int = 5) -> None:
    """Participants and their follow-ups, all due in the coming month: nothing is due at start."""
    from bot.engine import CONSENT_VERSION
    from bot.store import Store

    async def create() -> None:
        store = await Store.open(db)  # the schema, by the migrations
        await store.close()

    asyncio.run(create())
    now = datetime.now(UTC)
    random.seed(7)
    participants = pending // per_participant
    languages = ["nl", "en", "fr", "ar", "tr", "uk", "ru", "fa", "ps", "ti", "so"]
    with sqlite3.connect(db) as connection:
        connection.executemany(
            "INSERT INTO participants (id, pseudonym, channel, address, stage, language, community, role,"
            " consent_version, consent_at, conversation, prompt, features, created_at, updated_at)"
            " VALUES (?, ?, 'telegram', ?, 'ready', ?, 'default', 'resident', ?, ?, ?, 'werk', '{}', ?, ?)",
            [
                (
                    number,
                    f"p-{number:010x}",
                    str(100_000 + number),
                    languages[number % len(languages)],
                    CONSENT_VERSION,
                    iso(now - timedelta(days=10)),
                    ROUND,
                    iso(now - timedelta(days=10)),
                    iso(now),
                )
                for number in range(1, participants + 1)
            ],
        )
        rows = []
        for number in range(pending):
            participant = number // per_participant + 1
            kind = KINDS[number % len(KINDS)]
            due = now + timedelta(minutes=30 + random.randrange(30 * 24 * 60))
            payload = {"text": "", "conversation": ROUND, "prompt": "werk", "meeting": "m", "idea": "i"}
            rows.append((participant, str(100_000 + participant), kind, json.dumps(payload), iso(due), iso(now)))
        connection.executemany(
            "INSERT INTO outbox (participant_id, channel, address, kind, payload, due_at, scheduled, created_at)"
            " VALUES (?, 'telegram', ?, ?, ?, ?, 1, ?)",
            rows,
        )


def measure(db: Path, conversations: Path, api_url: str) -> dict[str, object]:
    """In the child process: open the store, start the live bot, and stop the watch when the sender is armed."""
    from dataclasses import replace

    from pydantic import SecretStr

    from bot.clock import SystemClock
    from bot.config import Settings
    from bot.store import Store
    from bot.telegram.app import LiveBot

    settings = replace(
        Settings(), token=SecretStr(TOKEN), api_url=api_url, db=db, conversations=conversations, quiet_hours=None
    )

    async def start() -> dict[str, object]:
        began = time.perf_counter()
        store = await Store.open(settings.db)
        live = LiveBot(settings, store, SystemClock())
        try:
            async with live.application:
                await live.start()  # recover, menus, follow-ups, send what is due, arm the sender
                armed = time.perf_counter()
                assert live._wake_job is not None, "the sender was not armed"
                return {
                    "startup_s": round(armed - began, 3),
                    "process_s": round(armed - PROCESS_STARTED, 3),
                    "armed_at": live._wake_at.isoformat() if live._wake_at else None,
                }
        finally:
            await store.close()

    result = asyncio.run(start())
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


async def run(db: Path, conversations: Path) -> dict[str, object]:
    async with FakeBotAPI(token=TOKEN) as api:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__)),
            "--measure",
            str(db),
            str(conversations),
            api.url,
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        output, _ = await child.communicate()
    measured = json.loads(output.decode().strip().splitlines()[-1])
    with sqlite3.connect(db) as connection:
        still = connection.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    return {"pending": still, **measured}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pending", type=int, default=100_000)
    parser.add_argument("--measure", nargs=3, metavar=("DB", "CONVERSATIONS", "API_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        db, conversations, api_url = args.measure
        print(json.dumps(measure(Path(db), Path(conversations), api_url)))
        return
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "schedule.sqlite3"
        conversations = Path(workdir) / "conversations"
        conversations.mkdir()
        shutil.copy(ROOT / "conversations" / f"{ROUND}.yaml", conversations)
        generate(db, args.pending)
        result = asyncio.run(run(db, conversations))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
