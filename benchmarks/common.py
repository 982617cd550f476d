"""Shared by the benchmarks: the fake Bot API, a participant's scripted round, and the bot as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fake_bot_api import FakeBotAPI  # noqa: E402

TOKEN = "123456:BENCH"
ROUND = "leven-in-onze-stad"
FIRST_USER = 10_000
PROFILE = os.environ.get("BENCH_PROFILE", "")

# The answers of one participant, in order, after onboarding; a button is ("button", data).
ANSWERS: list[tuple[str, object]] = [
    ("button", f"a:{ROUND}:wonen:4"),
    ("button", f"a:{ROUND}:vervoer:fiets"),
    ("text", "Meer avondcursussen Nederlands, dan kan ik overdag werken."),
    ("photo", None),
    ("voice", None),
    ("location", (51.0543, 3.7174)),
]
ONBOARDING: list[tuple[str, object]] = [
    ("command", "start"),
    ("button", "lang:nl"),
    ("button", "consent:yes"),
    ("button", "role:newcomer"),
]


def push(api: FakeBotAPI, user: int, step: tuple[str, object]) -> None:
    kind, value = step
    if kind == "command":
        api.user_command(user, str(value))
    elif kind == "button":
        api.user_callback(user, str(value))
    elif kind == "text":
        api.user_text(user, str(value))
    elif kind == "photo":
        api.user_photo(user, file_id=f"photo-{user}")
    elif kind == "voice":
        api.user_voice(user, file_id=f"voice-{user}")
    elif kind == "location":
        latitude, longitude = value  # type: ignore[misc]
        api.user_location(user, latitude, longitude)


def bot_env(api: FakeBotAPI, db: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SAMENSPRAAK_TOKEN": TOKEN,
        "SAMENSPRAAK_API_URL": api.url,
        "SAMENSPRAAK_DB": str(db),
        "SAMENSPRAAK_CONVERSATIONS": str(ROOT / "conversations"),
        "SAMENSPRAAK_QUIET_HOURS": "off",
        "SAMENSPRAAK_LOG_LEVEL": "ERROR",
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def start_bot(api: FakeBotAPI, db: Path, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        # BENCH_PROFILE=<file>: the same bot under cProfile (benchmarks/profile_bot.py)
        [sys.executable, str(ROOT / "benchmarks" / "profile_bot.py")]
        if PROFILE
        else [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=bot_env(api, db, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60 if PROFILE else 15)  # a profiled bot takes longer to stop
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
