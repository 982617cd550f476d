"""The live bot against faults: updates it cannot read, a database that cannot write, Telegram away for a while,
a revoked token, a wrong API URL. The real python-telegram-bot stack against the fake Bot API throughout."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import traceback
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.__main__ import main
from bot.config import Settings
from bot.logs import setup_logging
from bot.store import Store
from bot.store import faults as store_faults
from bot.store.sqlite import Store as SqliteStore
from bot.telegram.app import serve
from bot.telegram.faults import Stopped
from bot.telegram.webhook import SECRET_HEADER
from tests.support.live import USER, Running, bot, running_bot
from tests.test_webhook import free_port, start_update

__all__ = ["bot"]


def _message(update_id: int, **content: object) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": USER, "type": "private", "first_name": "Secret Name"},
            "from": {"id": USER, "is_bot": False, "first_name": "Secret Name", "language_code": "nl"},
            **content,
        },
    }


def _inbox(db: object) -> list[tuple[str, str | None, bool]]:
    with sqlite3.connect(str(db)) as connection:
        return connection.execute(
            "SELECT update_key, error, done_at IS NOT NULL FROM inbox ORDER BY CAST(update_key AS INTEGER)"
        ).fetchall()


async def test_updates_that_cannot_be_read_are_set_aside_and_the_next_ones_are_served(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    api = bot.api
    caplog.set_level(logging.INFO)
    no_date = {"update_id": 1, "message": {"message_id": 1, "chat": {"id": USER, "type": "private"}, "text": "hi"}}
    api.push_update(no_date)
    api.push_update(_message(2, text="geheim \ud800 woord"))  # a lone surrogate: SQLite cannot store it
    welcome = await bot.exchange(lambda: api.user_command(USER, "start"))
    assert welcome.chat_id == USER and welcome.buttons[0][0] == ("Nederlands", "lang:nl")
    rows = _inbox(bot.settings.db)
    assert [(key, error is not None, done) for key, error, done in rows][:2] == [("1", True, True), ("2", True, True)]
    assert "date" in (rows[0][1] or "") and "Unicode" in (rows[1][1] or "")
    # Confirmed to Telegram: never fetched again, and the poller did not spin on them.
    assert api.confirmed_offset() > 2
    assert len([c for c in api.requests if c.method == "getUpdates"]) < 10
    logged = caplog.text
    assert "update 1 set aside" in logged and "update 2 set aside" in logged and "(2 set aside so far)" in logged
    assert "geheim" not in logged and "Secret Name" not in logged and str(USER) not in logged
    assert "Error while parsing updates" not in logged


async def test_a_stored_update_that_no_longer_parses_does_not_stop_the_start(settings: Settings) -> None:
    store = await SqliteStore.open(settings.db)
    raw = '{"update_id":20,"message":{"foo":1}}'
    await store.inbox_store("telegram", [("20", None, raw)], datetime.now(UTC))
    await store.close()
    async with running_bot(settings) as running:
        welcome = await running.exchange(lambda: running.api.user_command(USER, "start"))
        assert welcome.chat_id == USER
    stored = {key: (error, done) for key, error, done in _inbox(settings.db)}
    assert stored["20"] == ("stored update cannot be parsed (KeyError)", True)


async def test_a_webhook_update_that_cannot_be_read_is_set_aside_with_a_200(settings: Settings) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    async with running_bot(replace(settings, webhook_listen=f"127.0.0.1:{port}")) as running:
        api = running.api
        await running.halt()  # the same bot by webhook instead of polling
        stop = asyncio.Event()
        task = asyncio.create_task(serve(running.settings, stop, webhook=url))
        try:
            await api.wait_for(lambda _sent: any(c.method == "setWebhook" for c in api.requests))
            secret = next(c for c in api.requests if c.method == "setWebhook").params["secret_token"]
            async with aiohttp.ClientSession() as client:
                bad = {"update_id": 20, "message": {"foo": 1}}
                async with client.post(url, json=bad, headers={SECRET_HEADER: secret}) as answered:
                    assert answered.status == 200
                async with client.post(url, json=start_update(21), headers={SECRET_HEADER: secret}) as answered:
                    assert answered.status == 200
            welcome = await api.wait_sent(1)
            assert welcome[0].chat_id == 6060
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
    stored = {key: error for key, error, _done in _inbox(settings.db)}
    assert stored["20"] == "cannot be parsed: a required field is missing (date)"
    async with running_bot(settings) as again:  # and a restart starts
        assert any(c.method == "getUpdates" for c in again.api.requests)


async def test_a_database_that_cannot_store_updates_is_waited_for_without_spinning(
    bot: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = bot.api
    caplog.set_level(logging.WARNING)
    failing = {"until": time.monotonic() + 2.5}
    real = SqliteStore.inbox_store

    async def full_disk(self: Store, *args: object) -> None:
        if time.monotonic() < failing["until"]:
            raise sqlite3.OperationalError("database or disk is full")
        await real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SqliteStore, "inbox_store", full_disk)
    before = len([c for c in api.requests if c.method == "getUpdates"])
    welcome = await bot.exchange(lambda: api.user_command(USER, "start"))
    assert welcome.chat_id == USER  # resumed by itself, nothing lost
    calls = len([c for c in api.requests if c.method == "getUpdates"]) - before
    assert calls <= 4  # the same unconfirmed fetch waits (1 s, 2 s, ...); no loop of calls
    failed = [r for r in caplog.records if "cannot store updates" in r.getMessage()]
    recovered = [r for r in caplog.records if "stores updates again" in r.getMessage()]
    assert len(failed) == 1 and len(recovered) == 1
    assert "disk is full" in failed[0].getMessage()


def test_run_refuses_a_read_only_database_with_one_clear_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(settings.db).close()
    # As root nothing is read-only by its mode; SQLite's read-only open is the same refusal.
    monkeypatch.setattr(store_faults, "connect", lambda path: sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    monkeypatch.setenv("SAMENSPRAAK_TOKEN", "123:ABC")
    monkeypatch.setenv("SAMENSPRAAK_CONVERSATIONS", str(settings.conversations))
    code = main(["--db", str(settings.db), "run"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "cannot write to the database" in err[0] and "readonly" in err[0]


async def test_a_revoked_token_stops_the_bot_with_a_clear_error(bot: Running) -> None:
    api = bot.api
    api.fail_next("getUpdates", 401, "Unauthorized", times=100)
    assert bot.task is not None
    with pytest.raises(Stopped, match="401 Unauthorized"):
        await asyncio.wait_for(bot.task, 15)
    bot.task = None


def test_run_exits_non_zero_when_telegram_refuses_the_token(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAMENSPRAAK_TOKEN", "999:WRONG")
    monkeypatch.setenv("SAMENSPRAAK_CONVERSATIONS", str(settings.conversations))
    server = _Unauthorized()
    monkeypatch.setenv("SAMENSPRAAK_API_URL", server.url)
    try:
        code = main(["--db", str(settings.db), "run"])
    finally:
        server.close()
    assert code == 1
    assert "401 Unauthorized" in capsys.readouterr().err


class _Unauthorized:
    """A Bot API that refuses every token, in a thread of its own (`main` runs its own event loop)."""

    def __init__(self) -> None:
        import threading

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        self._ready.wait(5)

    def _serve(self) -> None:
        async def refuse(_request: web.Request) -> web.Response:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)

        async def start() -> web.AppRunner:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", refuse)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            return runner

        asyncio.set_event_loop(self._loop)
        self._runner = self._loop.run_until_complete(start())
        self._ready.set()
        self._loop.run_forever()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


@pytest.mark.parametrize("kind", ["nobody listens", "redirect loop"])
async def test_no_token_in_the_log_or_traceback_with_a_wrong_api_url(
    settings: Settings, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    token = "987654:SECRETsecretSECRETsecret"
    setup_logging("DEBUG")  # as in production: whatever ran before in this process
    caplog.set_level(logging.DEBUG)
    runner: web.AppRunner | None = None
    if kind == "nobody listens":  # a URL of the wrong form never gets this far: settings refuse it (test_config.py)
        api_url = f"http://127.0.0.1:{free_port()}"
    else:

        async def loop(request: web.Request) -> web.Response:
            raise web.HTTPFound(location=str(request.url))

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", loop)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        api_url = f"http://127.0.0.1:{port}"
    live = replace(settings, token=SecretStr(token), api_url=api_url)
    try:
        with pytest.raises(Exception) as raised:
            await asyncio.wait_for(serve(live, asyncio.Event()), 20)
    finally:
        if runner is not None:
            await runner.cleanup()
    shown = "".join(traceback.format_exception(raised.value))
    assert "SECRET" not in shown and "SECRET" not in caplog.text
    assert "cannot connect" in shown or "redirect" in shown


async def test_messages_survive_a_telegram_outage_longer_than_the_old_eight_attempts(settings: Settings) -> None:
    """Every send fails for 45 simulated minutes (8 attempts used to give up after 11); then all goes out."""
    from telegram import Bot

    from bot.clock import ManualClock
    from bot.engine import Outgoing, ParticipantState, Result, Stage
    from bot.outbox import Sender
    from bot.telegram.channel import TelegramChannel
    from bot.telegram.request import AiohttpRequest
    from tests.support.fake_bot_api import FakeBotAPI

    async def write(store: Store, now: datetime, address: int, *scheduled: bool) -> None:
        state = ParticipantState(channel="telegram", address=str(address), stage=Stage.READY, language="nl")
        result = Result(state=state)
        for each in scheduled:
            result.messages.append(Outgoing(text="hallo", kind="followup", scheduled=each, due_at=now))
        await store.apply(result, now)

    async with FakeBotAPI() as api:
        store = await SqliteStore.open(settings.db)
        telegram = Bot(api.token, base_url=api.base_url, request=AiohttpRequest())
        await telegram.initialize()
        try:
            clock = ManualClock(datetime(2026, 12, 3, 10, tzinfo=UTC))
            sender = Sender(store, TelegramChannel(telegram), clock, grace=timedelta(hours=12))
            await write(store, clock.now(), USER, False, True)
            api.fail_next("sendMessage", 502, "Bad Gateway", times=1000)
            for _minute in range(45):
                await sender.flush()
                clock.advance(timedelta(minutes=1))
            rows = await store.outbox_rows()
            assert {row["status"] for row in rows} == {"pending"} and min(row["attempts"] for row in rows) > 8
            api._failures.clear()
            clock.advance(timedelta(minutes=6))  # the longest pause between tries is five minutes
            assert await sender.flush() == 2
            assert [c.text for c in api.sent] == ["hallo", "hallo"]
            # A scheduled message still expires by its own rule: the grace counted from when it was first due.
            await write(store, clock.now(), USER + 1, True)
            api.fail_next("sendMessage", 502, "Bad Gateway", times=1000)
            for _hour in range(14):
                await sender.flush()
                clock.advance(timedelta(hours=1))
            assert [row["status"] for row in await store.outbox_rows()][-1] == "expired"
        finally:
            await telegram.shutdown()
            await store.close()


async def test_fetching_backs_off_while_telegram_is_down_and_says_so_twice(
    bot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    api = bot.api
    caplog.set_level(logging.WARNING)
    api.outage = True  # every call answers 502 Bad Gateway
    before = len([c for c in api.requests if c.method == "getUpdates"])
    await asyncio.sleep(3)
    calls = len([c for c in api.requests if c.method == "getUpdates"]) - before
    api.outage = False
    assert 1 <= calls <= 5  # 1 s, 1.5 s, 2.25 s ...: no spinning
    welcome = await bot.exchange(lambda: api.user_command(USER, "start"))
    assert welcome.chat_id == USER
    down = [r for r in caplog.records if "Telegram cannot be reached" in r.getMessage()]
    back = [r for r in caplog.records if "Telegram answers again" in r.getMessage()]
    assert len(down) == 1 and len(back) == 1


def test_run_with_a_wrong_api_url_ends_with_one_clear_line_and_no_token(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAMENSPRAAK_TOKEN", "987654:SECRETsecretSECRETsecret")
    monkeypatch.setenv("SAMENSPRAAK_API_URL", "htp://127.0.0.1:9")
    monkeypatch.setenv("SAMENSPRAAK_CONVERSATIONS", str(settings.conversations))
    code = main(["--db", str(settings.db), "run"])
    err = capsys.readouterr().err
    assert code == 2 and "SECRET" not in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert "SAMENSPRAAK_API_URL is 'htp://127.0.0.1:9'; it must be an http:// or https:// URL" in err
