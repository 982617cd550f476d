"""Updates per second: the real bot (`samenspraak run`) against a bare python-telegram-bot echo bot.

Both run as processes against the same local fake Bot API, with no rate limit on either side, fed 5,000 updates
from 500 participants (onboarding, then answers of every type). A run ends when every answer is stored and every
reply sent. Target: the bot reaches at least the echo bot's rate (ratio >= 1.0), comparing medians over
alternating rounds. Prints one JSON line last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ANSWERS, FIRST_USER, ONBOARDING, ROOT, TOKEN, FakeBotAPI, bot_env, push, start_bot, stop

REPLIES_PER_PARTICIPANT = 4 + len(ANSWERS)  # welcome, language + consent, role question, first prompt, answers


def feed(api: FakeBotAPI, participants: int) -> int:
    script = ONBOARDING + ANSWERS
    for step in script:  # step by step across participants, as many people answering at once would
        for user in range(FIRST_USER, FIRST_USER + participants):
            push(api, user, step)
    return len(script) * participants


async def wait_until(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the run did not finish in time")


def answers_in(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


async def run_bot(participants: int, workdir: Path) -> float:
    async with FakeBotAPI(token=TOKEN) as api:
        db = workdir / "bench.sqlite3"
        process = start_bot(api, db, SAMENSPRAAK_RATE_LIMIT="0")
        try:
            await wait_until(lambda: any(call.method == "getUpdates" for call in api.requests), 30)
            started = time.monotonic()
            updates = feed(api, participants)
            expected_replies = participants * REPLIES_PER_PARTICIPANT
            await wait_until(
                lambda: (
                    answers_in(db) >= participants * len(ANSWERS)
                    and sum(call.method == "sendMessage" for call in api.sent) >= expected_replies
                ),
                600,
            )
            return updates / (time.monotonic() - started)
        finally:
            stop(process)


async def run_echo(participants: int) -> float:
    async with FakeBotAPI(token=TOKEN) as api:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "benchmarks" / "echo_bot.py")],
            env=bot_env(api, Path("/nonexistent")),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            await wait_until(lambda: any(call.method == "getUpdates" for call in api.requests), 30)
            started = time.monotonic()
            updates = feed(api, participants)
            await wait_until(lambda: sum(call.method == "sendMessage" for call in api.sent) >= updates, 600)
            return updates / (time.monotonic() - started)
        finally:
            stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="echo bot and bot run alternately this many times; the medians are compared (one run of either"
        " varies by a third on a shared 2-core machine)",
    )
    args = parser.parse_args()
    bare_rates: list[float] = []
    bot_rates: list[float] = []
    for _round in range(args.rounds):
        with tempfile.TemporaryDirectory() as workdir:
            bare_rates.append(asyncio.run(run_echo(args.participants)))
            bot_rates.append(asyncio.run(run_bot(args.participants, Path(workdir))))
        print(f"round: echo {bare_rates[-1]:.1f}, bot {bot_rates[-1]:.1f} updates/s", file=sys.stderr)
    bare, bot = statistics.median(bare_rates), statistics.median(bot_rates)
    print(
        json.dumps(
            {
                "bot_updates_per_s": round(bot, 1),
                "bare_ptb_updates_per_s": round(bare, 1),
                "ratio": round(bot / bare, 3),
                "rounds": args.rounds,
                "round_ratios": [round(b / e, 3) for b, e in zip(bot_rates, bare_rates, strict=True)],
            }
        )
    )


if __name__ == "__main__":
    main()
