"""Telegram's limits as the server counts them: a 429 pauses its own chat only; a stall lets no burst through."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.ext import ExtBot

from bot.telegram.limits import TelegramLimits
from bot.telegram.request import AiohttpRequest
from bot.telegram.window import SendWindow
from tests.support.fake_bot_api import FakeBotAPI


async def test_a_retry_after_for_one_chat_pauses_that_chat_only() -> None:
    api = FakeBotAPI()
    await api.start()
    bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=TelegramLimits())
    try:
        async with bot:
            api.fail_next("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2, chat_id=111)
            loop = asyncio.get_running_loop()
            started = loop.time()
            arrived: dict[str, float] = {}

            async def send(chat: int, text: str) -> None:
                await bot.send_message(chat, text)
                arrived[text] = loop.time() - started

            slow = asyncio.create_task(send(111, "paused"))
            await asyncio.sleep(0.2)  # the 429 has come back by now
            await send(222, "other chat")
            await send(333, "third chat")
            await slow
        assert arrived["other chat"] < 1 and arrived["third chat"] < 1  # not held behind chat 111's pause
        assert arrived["paused"] >= 2  # chat 111 waited out its retry_after, then went
        assert [call.chat_id for call in api.sent] == [222, 333, 111]
    finally:
        await api.stop()


async def test_requests_held_up_by_a_stall_do_not_burst_past_thirty_a_second_at_the_server() -> None:
    """Review finding: on a busy machine one broadcast got 30 × 429. A bucket kept sending on time while the server
    (or the network, or the machine) was stalled; the requests arrived together, past 30 in one second."""
    api = FakeBotAPI(rate_limit=True)  # 429 for a 31st message in any one-second window, counted on arrival
    await api.start()
    opened = asyncio.Event()
    parse = api._parse

    async def stalled_parse(request: Any) -> dict[str, Any]:
        if "sendMessage" in request.path:
            await opened.wait()  # the server reads nothing for a while, then everything at once
        return await parse(request)

    api._parse = stalled_parse  # type: ignore[method-assign]
    bot = ExtBot(
        api.token, base_url=api.base_url, rate_limiter=TelegramLimits(), request=AiohttpRequest(connection_pool_size=64)
    )
    try:
        async with bot:
            sends = asyncio.gather(*(bot.send_message(1000 + number, "hallo") for number in range(75)))
            await asyncio.sleep(1.5)
            opened.set()
            await sends
        assert api.retry_after_sent == 0 and len(api.sent) == 75
    finally:
        await api.stop()


async def test_a_window_counts_a_send_until_a_period_after_its_answer() -> None:
    now = [0.0]
    window = SendWindow(2, 1.0, clock=lambda: now[0])
    async with window.place():
        now[0] = 5.0  # a slow answer: the server may have counted it as late as this
    async with window.place():
        pass
    third = asyncio.create_task(window.place().__aenter__())
    await asyncio.sleep(0.01)
    assert not third.done()  # two places held until 6.0
    now[0] = 6.0
    await asyncio.wait_for(third, 2)
