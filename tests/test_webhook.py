"""`samenspraak run --webhook URL`: Telegram posts updates; each is kept before Telegram gets its 200."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from dataclasses import replace

import aiohttp
from pydantic import SecretStr

from bot.config import Settings
from bot.telegram.app import serve
from bot.telegram.webhook import SECRET_HEADER
from tests.support.fake_bot_api import FakeBotAPI

USER = 6060


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_update(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": USER, "type": "private", "first_name": "W"},
            "from": {"id": USER, "is_bot": False, "first_name": "W", "language_code": "nl"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_updates_by_webhook_are_kept_answered_and_secret(settings: Settings) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-updates"
    async with FakeBotAPI() as api:
        live = replace(settings, token=SecretStr(api.token), api_url=api.url)
        live = replace(live, webhook_listen=f"127.0.0.1:{port}")
        stop = asyncio.Event()
        task = asyncio.create_task(serve(live, stop, webhook=url))
        try:
            await api.wait_for(lambda _sent: any(c.method == "setWebhook" for c in api.requests))
            registered = next(c for c in api.requests if c.method == "setWebhook")
            assert registered.params["url"] == url
            secret = registered.params["secret_token"]
            assert len(secret) >= 32
            async with aiohttp.ClientSession() as client:
                async with client.post(url, json=start_update(1)) as refused:
                    assert refused.status == 403  # no secret: not from Telegram
                async with client.post(url, json=start_update(2), headers={SECRET_HEADER: secret}) as accepted:
                    assert accepted.status == 200
                    # By the time Telegram has its 200, the update is in the inbox.
                    with sqlite3.connect(live.db) as connection:
                        keys = connection.execute("SELECT update_key FROM inbox").fetchall()
                    assert keys == [("2",)]
                async with client.post(url, data=b"not json", headers={SECRET_HEADER: secret}) as broken:
                    assert broken.status == 400
            welcome = await api.wait_sent(1)
            assert welcome[0].chat_id == USER and welcome[0].buttons[0][0] == ("Nederlands", "lang:nl")
            assert not any(c.method == "getUpdates" for c in api.requests)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
