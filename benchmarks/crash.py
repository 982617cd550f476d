"""Nothing lost, nothing doubled: 2,000 scripted answers while the bot process is killed with SIGKILL 5 times.

The fake Bot API keeps every update until the bot confirms it, as Telegram does; the bot is killed at random
moments and started again on the same database. Afterwards the database is compared with what was sent.
Prints one JSON line last: {"answers_sent": .., "kills": 5, "answers_lost": 0, "answers_duplicated": 0}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from common import ANSWERS, FIRST_USER, ONBOARDING, TOKEN, FakeBotAPI, push, start_bot, stop


def answer_rows(db: Path) -> list[tuple[str, str]]:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute(
                "SELECT p.address, a.prompt_id FROM answers a JOIN participants p ON p.id = a.participant_id"
            ).fetchall()
    except sqlite3.OperationalError:
        return []


async def run(participants: int, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    async with FakeBotAPI(token=TOKEN) as api:
        with tempfile.TemporaryDirectory() as workdir:
            db = Path(workdir) / "crash.sqlite3"
            process = start_bot(api, db, SAMENSPRAAK_RATE_LIMIT="0")
            script = ONBOARDING + ANSWERS
            for step in script:
                for user in range(FIRST_USER, FIRST_USER + participants):
                    push(api, user, step)
            answers_sent = participants * len(ANSWERS)
            deadline = time.monotonic() + 600
            done_kills = 0
            while done_kills < kills and time.monotonic() < deadline:
                await asyncio.sleep(rng.uniform(0.3, 2.0))
                process.kill()  # SIGKILL: no shutdown, no cleanup
                process.wait()
                done_kills += 1
                process = start_bot(api, db, SAMENSPRAAK_RATE_LIMIT="0")
            try:
                while time.monotonic() < deadline:
                    stored = answer_rows(db)
                    if len(set(stored)) >= answers_sent and api.pending_updates() == 0:
                        break
                    await asyncio.sleep(0.2)
                await asyncio.sleep(1.0)  # anything still in flight would land now
            finally:
                stop(process)
            stored = answer_rows(db)
    unique = set(stored)
    return {
        "answers_sent": answers_sent,
        "kills": done_kills,
        "answers_lost": answers_sent - len(unique),
        "answers_duplicated": len(stored) - len(unique),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=334, help="each gives 6 answers: 334 -> 2,004")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.participants, args.kills, args.seed))))


if __name__ == "__main__":
    main()
