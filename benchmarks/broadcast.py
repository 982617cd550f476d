"""One prompt to 3,000 participants, as when a cron rule fires for a whole round, through a local fake Bot API that
enforces Telegram's limits (more than 30 messages in any one-second window, or 20 a minute to one group, gets a 429
with `retry_after`).

The bot runs as a real process (`samenspraak run`, AIORateLimiter on); each participant's `next_prompt` follow-up is
due when it starts. The rate is measured between the first and the last message the server accepted. Targets: at
least 28 messages per second sustained, 0 duplicates, 0 lost and 0 × 429, also with `--stress`, which runs a CPU
hog process beside the bot (a busy machine: the bot and the server are stalled now and then). Prints one JSON line
last: `{"participants": .., "stress": .., "msgs_per_s": .., "retry_after_seen": .., "duplicates": .., "lost": ..}`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import ROOT, TOKEN, FakeBotAPI, start_bot, stop

ROUND = "leven-in-onze-stad"
FIRST_CHAT = 500_000
LANGUAGES = ["nl", "en", "fr", "ar", "tr", "uk", "ru", "fa", "ps", "ti", "so"]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def generate(db: Path, participants: int) -> None:
    """Participants waiting for the round's second prompt, each with its follow-up due now."""
    from bot.engine import CONSENT_VERSION
    from bot.store import Store

    async def create() -> None:
        store = await Store.open(db)
        await store.close()

    asyncio.run(create())
    now = datetime.now(UTC)
    due = now - timedelta(seconds=1)
    waiting = {"followups": {"waiting": {"conversation": ROUND, "prompt": "vervoer", "due": due.isoformat()}}}
    with sqlite3.connect(db) as connection:
        connection.executemany(
            "INSERT INTO participants (id, pseudonym, channel, address, stage, language, community, role,"
            " consent_version, consent_at, conversation, prompt, features, created_at, updated_at)"
            " VALUES (?, ?, 'telegram', ?, 'ready', ?, 'default', 'resident', ?, ?, ?, 'vervoer', ?, ?, ?)",
            [
                (
                    number,
                    f"p-{number:010x}",
                    str(FIRST_CHAT + number),
                    LANGUAGES[number % len(LANGUAGES)],
                    CONSENT_VERSION,
                    iso(now - timedelta(days=3)),
                    ROUND,
                    json.dumps(waiting),
                    iso(now - timedelta(days=3)),
                    iso(now),
                )
                for number in range(1, participants + 1)
            ],
        )
        payload = json.dumps({"text": "", "conversation": ROUND, "prompt": "vervoer"})
        connection.executemany(
            "INSERT INTO outbox (participant_id, channel, address, kind, payload, due_at, scheduled, created_at)"
            " VALUES (?, 'telegram', ?, 'next_prompt', ?, ?, 1, ?)",
            [(number, str(FIRST_CHAT + number), payload, iso(due), iso(now)) for number in range(1, participants + 1)],
        )


def sent_rows(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def start_hog() -> subprocess.Popen[bytes]:
    """One process that only burns CPU, as another busy program on the bot's machine."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


async def run(db: Path, conversations: Path, participants: int, stress: bool) -> dict[str, object]:
    async with FakeBotAPI(token=TOKEN, rate_limit=True) as api:
        hog = start_hog() if stress else None
        process = start_bot(api, db, SAMENSPRAAK_RATE_LIMIT="1", SAMENSPRAAK_CONVERSATIONS=str(conversations))
        try:
            deadline = time.monotonic() + participants / 10 + 60
            while time.monotonic() < deadline and sent_rows(db) < participants:
                await asyncio.sleep(0.2)
            await asyncio.sleep(1)  # anything sent twice would arrive now
        finally:
            stop(process)
            if hog is not None:
                hog.kill()
                hog.wait()
        prompts = [call for call in api.sent if call.method == "sendMessage" and call.chat_id >= FIRST_CHAT]
        per_chat = Counter(call.chat_id for call in prompts)
        expected = {FIRST_CHAT + number for number in range(1, participants + 1)}
        span = prompts[-1].at - prompts[0].at if len(prompts) > 1 else 0.0
        return {
            "participants": participants,
            "stress": stress,
            "msgs_per_s": round((len(prompts) - 1) / span, 1) if span else 0.0,
            "retry_after_seen": api.retry_after_sent,
            "duplicates": sum(count - 1 for count in per_chat.values() if count > 1),
            "lost": len(expected - set(per_chat)),
            "seconds": round(span, 1),
            "rows_sent": sent_rows(db),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--stress", action="store_true", help="run a CPU hog process beside the bot")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "broadcast.sqlite3"
        conversations = Path(workdir) / "conversations"
        conversations.mkdir()
        shutil.copy(ROOT / "conversations" / f"{ROUND}.yaml", conversations)  # the round alone: no invitations
        shutil.copytree(ROOT / "conversations" / "audio", conversations / "audio")  # its recordings
        generate(db, args.participants)
        result = asyncio.run(run(db, conversations, args.participants, args.stress))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
