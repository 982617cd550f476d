"""A backlog of voice notes never slows a reply: 200 participants send 1,000 voice answers while the speech server
takes 2 s per note and the translation server 0.5 s per text, and ordinary typed answers keep arriving meanwhile.

The bot runs as a real process (`samenspraak run`) against the fake Bot API (getFile and the file download) and
two local engine servers speaking the OpenAI transcription and LibreTranslate APIs; they answer with fixed words
after their delay (no recognition, no translation). Half-way through the queue the bot is killed with SIGKILL and
started again. Reply latency is measured for the typed answers, from the update being offered to the bot until
its reply reaches the fake Bot API (leaving out those typed while the killed bot was down and starting again). Prints one JSON line last:
{"voice_answers": .., "reply_p50_ms": .., "reply_p99_ms": .., "drain_s": .., "peak_mb": .., "jobs_lost": ..,
 "jobs_twice": ..}

Full run:   python benchmarks/voice.py
Small run:  python benchmarks/voice.py --participants 10 --voices 2 --typists 3 --speech-delay 0.2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from common import ROOT, TOKEN, FakeBotAPI, start_bot, stop

FIRST_SPEAKER = 20_000
FIRST_TYPIST = 30_000
TEXT_PROMPTS = 40
ROUND = "bench-voice"


def conversation(voices: int) -> str:
    """A round of `voices` voice questions, then text questions; a typist types the voice ones (allowed)."""
    lines = [f"id: {ROUND}", "kind: round", "title: {nl: Stemmen, en: Voices}", "prompts:"]
    for number in range(1, voices + 1):
        lines += [f"- id: v{number}", "  type: voice", f"  text: {{nl: Spreek {number}, en: Speak {number}}}"]
    for number in range(1, TEXT_PROMPTS + 1):
        lines += [f"- id: t{number}", "  type: text", f"  text: {{nl: Typ {number}, en: Type {number}}}"]
    return "\n".join(lines) + "\n"


class Engines:
    """Fixed answers after a delay: the load of real engines, none of their work."""

    def __init__(self, speech_delay: float, translate_delay: float) -> None:
        self.speech_delay = speech_delay
        self.translate_delay = translate_delay
        self.runners: list[web.AppRunner] = []
        self.transcriptions = 0
        self.translations = 0

    async def _speech(self, request: web.Request) -> web.Response:
        await request.read()
        await asyncio.sleep(self.speech_delay)
        self.transcriptions += 1
        return web.json_response({"text": "أريد بيتا أكبر لعائلتي", "language": "ar"})

    async def _translate(self, request: web.Request) -> web.Response:
        body = await request.json()
        await asyncio.sleep(self.translate_delay)
        self.translations += 1
        return web.json_response({"translatedText": "NL " + str(body.get("q", ""))[:40]})

    async def start(self) -> tuple[str, str]:
        urls = []
        for path, handler in (("/v1/audio/transcriptions", self._speech), ("/translate", self._translate)):
            app = web.Application()
            app.router.add_post(path, handler)
            runner = web.AppRunner(app, shutdown_timeout=1)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            urls.append(f"http://127.0.0.1:{port}" + ("/v1" if "audio" in path else ""))
            self.runners.append(runner)
        return urls[0], urls[1]

    async def stop(self) -> None:
        for runner in self.runners:
            await runner.cleanup()


class Arrivals:
    """When each chat got messages, read incrementally from the fake API's record (no rescans)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.seen = 0
        self.times: dict[int, list[float]] = {}

    def update(self) -> None:
        sent = self.api.sent
        now = time.monotonic()
        for call in sent[self.seen :]:
            chat = call.params.get("chat_id")
            if isinstance(chat, str) and chat.lstrip("-").isdigit():
                chat = int(chat)  # a form-encoded call (no keyboard) carries its chat id as text
            if isinstance(chat, int):
                self.times.setdefault(chat, []).append(now)
        self.seen = len(sent)

    async def first_after(self, chat: int, moment: float, timeout: float = 60) -> float:
        deadline = moment + timeout
        while time.monotonic() < deadline:
            self.update()
            later = [t for t in self.times.get(chat, ()) if t >= moment]
            if later:
                return later[0]
            await asyncio.sleep(0.002)
        raise TimeoutError(f"no reply to {chat} within {timeout} s")


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    try:
        with sqlite3.connect(db, timeout=10) as connection:
            return connection.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []


def peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def onboard(api: FakeBotAPI, arrivals: Arrivals, user: int, language: str) -> None:
    for step in ("start", f"lang:{language}", "consent:yes", "role:newcomer"):
        moment = time.monotonic()
        if step == "start":
            api.user_command(user, "start")
        else:
            api.user_callback(user, step)
        await arrivals.first_after(user, moment)


async def typist(
    api: FakeBotAPI, arrivals: Arrivals, user: int, stop_at: asyncio.Event, latencies: list[float]
) -> None:
    """Someone typing answers one after another, as a person does, while the voice backlog drains."""
    await onboard(api, arrivals, user, "nl")
    for number in range(10_000):
        if stop_at.is_set():
            return
        moment = time.monotonic()
        api.user_text(user, f"Antwoord {number}: meer bankjes en schaduw op het plein")
        try:
            replied = await arrivals.first_after(user, moment)
        except TimeoutError:
            latencies.append((moment, 60.0))
            continue
        latencies.append((moment, replied - moment))
        # Reading the next question and typing the answer: a person, below the flood control of one a second
        # (bot/flood.py); at two a second every typist was told to slow down, and those answers went unanswered.
        await asyncio.sleep(2.0)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    engines = Engines(args.speech_delay, args.translate_delay)
    speech_url, translate_url = await engines.start()
    voice_total = args.participants * args.voices
    async with FakeBotAPI(token=TOKEN) as api:
        api.file_content = (ROOT / "conversations" / "audio" / "wonen-ar.ogg").read_bytes()
        with tempfile.TemporaryDirectory() as workdir:
            folder = Path(workdir) / "conversations"
            folder.mkdir()
            (folder / "bench.yaml").write_text(conversation(args.voices), encoding="utf-8")
            db = Path(workdir) / "voice.sqlite3"
            env = {
                "SAMENSPRAAK_RATE_LIMIT": "0",
                "SAMENSPRAAK_CONVERSATIONS": str(folder),
                "SAMENSPRAAK_SPEECH_URL": speech_url,
                "SAMENSPRAAK_TRANSLATE_URL": translate_url,
                "SAMENSPRAAK_JOBS_AT_ONCE": str(args.jobs_at_once),
            }
            process = start_bot(api, db, **env)
            peak = 0
            arrivals = Arrivals(api)
            speakers = range(FIRST_SPEAKER, FIRST_SPEAKER + args.participants)
            await asyncio.gather(*(onboard(api, arrivals, user, "ar") for user in speakers))
            started = time.monotonic()
            for number in range(args.voices):  # one voice answer of everyone at a time, as a wave
                for user in speakers:
                    api.user_voice(user, file_id=f"voice-{user}-{number}", duration=6)
                await asyncio.sleep(0.05)
            stop_typing = asyncio.Event()
            latencies: list[tuple[float, float]] = []
            down: tuple[float, float] | None = None  # from the kill until the new process answers again
            typing = [
                asyncio.create_task(typist(api, arrivals, user, stop_typing, latencies))
                for user in range(FIRST_TYPIST, FIRST_TYPIST + args.typists)
            ]
            done_sql = (
                "SELECT COUNT(*) FROM answers a JOIN transcripts t ON t.answer_id = a.id JOIN translations r"
                " ON r.answer_id = a.id AND r.field = 'transcript' WHERE a.answer_type = 'voice'"
            )
            killed = False
            deadline = started + args.timeout
            while time.monotonic() < deadline:
                peak = max(peak, peak_kb(process.pid))
                done = query(db, done_sql)
                finished = done[0][0] if done else 0
                if not killed and finished >= voice_total // 2:
                    process.kill()  # SIGKILL mid-queue: no shutdown, no cleanup
                    process.wait()
                    killed = True
                    print(f"killed with SIGKILL at {finished} of {voice_total} done", file=sys.stderr)
                    killed_at = time.monotonic()
                    process = start_bot(api, db, **env)
                    arrivals.update()
                    before = arrivals.seen
                    while arrivals.seen == before and time.monotonic() < deadline:
                        await asyncio.sleep(0.01)
                        arrivals.update()
                    down = (killed_at, time.monotonic())
                if finished >= voice_total:
                    break
                await asyncio.sleep(0.25)
            drain = time.monotonic() - started
            stop_typing.set()
            await asyncio.gather(*typing, return_exceptions=True)
            peak = max(peak, peak_kb(process.pid))
            stop(process)
            voices = query(db, "SELECT COUNT(*) FROM answers WHERE answer_type = 'voice'")[0][0]
            finished = query(db, done_sql)[0][0]
            twice = query(db, "SELECT COUNT(*) FROM jobs WHERE completions > 1")[0][0]
            not_done = query(db, "SELECT COUNT(*) FROM jobs WHERE status != 'done'")[0][0]
    await engines.stop()
    # Answers typed while the bot was dead and starting again wait for it: that is the crash, not the backlog.
    ordered = sorted(
        latency for moment, latency in latencies if down is None or not down[0] - 1 <= moment <= down[1]
    ) or [0.0]
    return {
        "voice_answers": voices,
        "reply_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "reply_p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "drain_s": round(drain, 1),
        "peak_mb": round(peak / 1024, 1),
        "jobs_lost": voice_total - finished + not_done,
        "jobs_twice": twice,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--voices", type=int, default=5, help="voice answers per participant (200 x 5 = 1,000)")
    parser.add_argument("--typists", type=int, default=20, help="people typing ordinary answers meanwhile")
    parser.add_argument("--speech-delay", type=float, default=2.0, help="seconds the speech server takes per note")
    parser.add_argument("--translate-delay", type=float, default=0.5, help="seconds per translation")
    parser.add_argument("--jobs-at-once", type=int, default=16, help="SAMENSPRAAK_JOBS_AT_ONCE of the bot")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
