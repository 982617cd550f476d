"""Receiving updates by webhook: each update is kept in the inbox before Telegram gets its 200.

Telegram counts an update as delivered when the webhook answers, so the answer waits until the raw update is in
the database, exactly as the long-polling path keeps it before the next `getUpdates` confirms it. A secret token
(sent by Telegram in a header) keeps anyone else who finds the URL from posting updates.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    def __init__(
        self,
        url: str,
        listen: str,
        receive: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        secret: str | None = None,
    ) -> None:
        self.url = url
        self.path = urlsplit(url).path or "/"
        host, _sep, port = listen.rpartition(":")
        self.host = host or "0.0.0.0"
        self.port = int(port)
        self.secret = secret or secrets.token_urlsafe(32)
        self._receive = receive
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)  # access logs would hold nothing useful, but no noise
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook: a request without the right secret token was refused")
            return web.Response(status=403)
        try:
            raw = await request.json()
        except ValueError:
            return web.Response(status=400)
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return web.Response(status=400)
        await self._receive(raw)
        return web.Response(status=200)
