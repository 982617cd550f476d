"""The aiohttp transport: a timeout python-telegram-bot leaves unset falls back to the one given at creation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import TimedOut
from telegram.request import BaseRequest

from bot.telegram.request import AiohttpRequest


@pytest.fixture
async def slow_server() -> AsyncIterator[str]:
    """A local server that answers after 0.4 s."""

    async def answer(_request: web.Request) -> web.Response:
        await asyncio.sleep(0.4)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/slow", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/slow"
    await runner.cleanup()


async def test_an_unset_read_timeout_is_the_one_given_at_creation(slow_server: str) -> None:
    async with AiohttpRequest(read_timeout=0.1) as request:
        with pytest.raises(TimedOut):
            await request.do_request(slow_server, "POST")
        with pytest.raises(TimedOut):
            await request.do_request(slow_server, "POST", read_timeout=BaseRequest.DEFAULT_NONE)


async def test_a_timeout_passed_with_the_call_wins_over_the_one_given_at_creation(slow_server: str) -> None:
    async with AiohttpRequest(read_timeout=0.1) as request:
        assert await request.do_request(slow_server, "POST", read_timeout=2.0) == (200, b'{"ok": true, "result": true}')
        assert (await request.do_request(slow_server, "POST", read_timeout=None))[0] == 200
    async with AiohttpRequest(read_timeout=2.0) as patient:
        assert (await patient.do_request(slow_server, "POST"))[0] == 200
