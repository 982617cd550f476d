"""FAKE speech and translation servers, for rehearsals in `samenspraak chat` only: they recognise and translate
NOTHING. The speech server answers every recording with the same fixed sentence (a Dutch one when Dutch is asked); the translation server answers
with a fixed, clearly marked stand-in. They only let an organiser see the whole path (voice → transcript →
"I heard…" → translation → /moderate and the brief) without a real engine.

    python tools/rehearsal_fake_engines.py            # speech on :8701, translation on :8702
    SAMENSPRAAK_SPEECH_URL=http://127.0.0.1:8701/v1 SAMENSPRAAK_TRANSLATE_URL=http://127.0.0.1:8702 \\
        samenspraak chat --db /tmp/rehearsal.sqlite3
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web

FIXED_TRANSCRIPT = "أريد بيتا أكبر لعائلتي، الإيجار غالٍ جدا"  # the same for every recording: a fake
FIXED_DUTCH = "Ik ontmoet mensen in de bibliotheek en op de markt"  # for a recording of a Dutch speaker
FIXED_TRANSLATIONS = {FIXED_TRANSCRIPT: "Ik wil een groter huis voor mijn gezin, de huur is heel duur"}


async def transcriptions(request: web.Request) -> web.Response:
    form = await request.post()
    language = str(form.get("language") or "ar")
    text = FIXED_DUTCH if language == "nl" else FIXED_TRANSCRIPT
    return web.json_response({"task": "transcribe", "language": language, "text": text})


async def translate(request: web.Request) -> web.Response:
    body = await request.json()
    text = str(body.get("q", ""))
    fixed = FIXED_TRANSLATIONS.get(text, f"[rehearsal fake translation of {len(text)} characters]")
    return web.json_response({"translatedText": "[FAKE] " + fixed})


async def main(speech_port: int, translate_port: int) -> None:
    speech = web.Application()
    speech.router.add_post("/v1/audio/transcriptions", transcriptions)
    translator = web.Application()
    translator.router.add_post("/translate", translate)
    for app, port in ((speech, speech_port), (translator, translate_port)):
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"FAKE speech on http://127.0.0.1:{speech_port}/v1, FAKE translation on http://127.0.0.1:{translate_port}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    ports = [int(arg) for arg in sys.argv[1:3]] or [8701, 8702]
    asyncio.run(main(ports[0], ports[1] if len(ports) > 1 else 8702))
