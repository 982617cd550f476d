"""Local HTTP servers that speak the two engine APIs the bot uses, for tests: an OpenAI-compatible
`/audio/transcriptions` and a LibreTranslate-compatible `/translate`. They recognise and translate nothing: each
answers what the test tells it to, and can be slow, fail with 500, hang, or answer malformed JSON."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class FakeEngine:
    """One server; `mode` is "ok", "500", "hang", "garbage" or "slow" (waits `delay` then answers)."""

    answer: Callable[[dict[str, Any]], dict[str, Any]]
    path: str
    mode: str = "ok"
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}" + ("/v1" if "audio" in self.path else "")
        return self.url

    async def stop(self) -> None:
        self._released.set()  # a hanging answer ends with the server
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            seen: dict[str, Any] = {}
            for key, value in form.items():
                if hasattr(value, "file"):
                    with value.file:
                        seen[key] = value.file.read()
                    seen["_filename"] = value.filename
                else:
                    seen[key] = value
        else:
            seen = await request.json()
        seen["_authorization"] = request.headers.get("Authorization")
        self.requests.append(seen)
        if self.mode == "hang":
            await self._released.wait()
        if self.mode == "slow":
            await asyncio.sleep(self.delay)
        if self.mode == "500":
            return web.json_response({"error": "internal"}, status=500)
        if self.mode == "garbage":
            return web.Response(text="<html>not json{", content_type="application/json")
        return web.Response(text=json.dumps(self.answer(seen), ensure_ascii=False), content_type="application/json")


def speech_server(text: str = "أريد بيتا أكبر لعائلتي", language: str = "arabic") -> FakeEngine:
    return FakeEngine(
        lambda _seen: {"task": "transcribe", "language": language, "text": text}, "/v1/audio/transcriptions"
    )


def translate_server(prefix: str = "NL: ") -> FakeEngine:
    return FakeEngine(lambda seen: {"translatedText": prefix + str(seen.get("q", ""))}, "/translate")
