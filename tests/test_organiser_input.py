"""Odd organiser input is refused with a clear answer, and organiser rights count at the moment they are used."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.callback_data import Organiser, decode
from bot.clock import ManualClock
from bot.config import Settings
from bot.engine import Outgoing
from bot.organise import access
from bot.organise.access import file_gate
from bot.organise.parse import BadDate, parse_day, record_id
from bot.outbox import Sender
from bot.store import OutboxRow, Store
from bot.store import organise as queries
from bot.store.outbox_rows import Addressed, enqueue
from tests.support.live import Running, bot
from tests.test_organise import ORGANISER, join, messages_to, reply

__all__ = ["bot"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, organisers=frozenset({ORGANISER}))


def test_the_parser_refuses_what_the_bot_did_not_make() -> None:
    assert decode("org:mod-ok:12") == Organiser("mod-ok", "12")
    for forged in ("org:mod-ok:²", "org:mod ok:1", "org:MOD:1", "x:mod-ok:1", "org:mod-ok:" + "9" * 70, "org"):
        assert decode(forged) is None, forged
    assert record_id("42") == 42
    for bad in ("²", "٣", "-1", "0", "99999999999999999999999", "1e3", " ", ""):
        assert record_id(bad) is None, bad
    zone = Settings().timezone
    assert parse_day("2026-11-26", zone, end=True) > parse_day("2026-11-26", zone)
    for text in ("9999-12-31", "0001-01-01", "1969-12-31", "2101-01-01", "2500-01-01T10:00"):
        with pytest.raises(BadDate) as refused:
            parse_day(text, zone, end=True)
        assert refused.value.out_of_range and "1970–2100" in str(refused.value)
    with pytest.raises(BadDate, match="write a date as 2026-11-26"):
        parse_day("26/11/2026", zone)


async def test_forged_buttons_and_impossible_dates_get_an_answer_not_an_error(bot: Running) -> None:
    api = bot.api
    await join(bot, ORGANISER)
    stale = await reply(bot, ORGANISER, lambda: api.user_callback(ORGANISER, "zz:nothing:1"))
    for data in ("org:mod-ok:²", "org:mod-hide:٣", "org:ann-send:²", "org:mod-ok:1;DROP"):
        pressed = await reply(bot, ORGANISER, lambda data=data: api.user_callback(ORGANISER, data))
        assert (pressed.text, pressed.buttons) == (stale.text, stale.buttons), data  # not one the bot made
    too_large = await reply(bot, ORGANISER, lambda: api.user_callback(ORGANISER, "org:mod-ok:99999999999999999999999"))
    assert "moderat" in (too_large.text or "").lower()  # no such text: the waiting texts, nothing decided
    for args, wanted in (
        ("csv until=9999-12-31", "1970–2100"),
        ("csv since=0001-01-01", "1970–2100"),
        ("csv since=gisteren", "2026-11-26"),
    ):
        answer = await reply(bot, ORGANISER, lambda args=args: api.user_command(ORGANISER, "export", args))
        assert answer.text is not None and answer.text.startswith("❌") and wanted in answer.text, args
    assert messages_to(bot, ORGANISER, "sendDocument") == []


def test_the_command_line_refuses_dates_outside_the_range_with_one_line(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite3.connect(settings.db).close()
    for flag in ("--until=9999-12-31", "--since=0001-01-01"):
        code = main(["--db", str(settings.db), "export", "--format", "csv", flag])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and "1970–2100" in err[0], flag


async def test_a_removed_organisers_button_does_nothing_at_once(bot: Running) -> None:
    api = bot.api
    staff = 7010
    db = bot.settings.db
    await join(bot, 4242)
    store = await Store.open(db)
    try:
        await queries.set_organiser(store, "telegram", str(staff), True, "test", datetime.now(UTC))
        await asyncio.sleep(access.REFRESH_SECONDS + 0.1)  # the bot's cache of who is an organiser catches up
        listing = await reply(bot, staff, lambda: api.user_command(staff, "organiser"))
        assert "/export" in (listing.text or "")
        await queries.set_organiser(store, "telegram", str(staff), False, "test", datetime.now(UTC))
    finally:
        await store.close()
    # Within the two seconds the rights are cached for: the action is refused all the same.
    stopped = await reply(bot, staff, lambda: api.user_callback(staff, "org:mod-stop:0"))
    moderate = await reply(bot, staff, lambda: api.user_command(staff, "moderate"))
    assert "Moderat" not in (stopped.text or "") and "moderat" not in (stopped.text or "")
    assert (moderate.text or "").startswith("Sorry, dat commando ken ik niet")


async def test_a_file_for_someone_no_longer_organiser_is_not_delivered_and_is_deleted(
    settings: Settings, store: Store, tmp_path: Path
) -> None:
    clock = ManualClock(datetime(2026, 12, 3, 10, tzinfo=UTC))
    delivered: list[OutboxRow] = []

    class Recording:
        name = "telegram"

        async def deliver(self, row: OutboxRow) -> None:
            delivered.append(row)

    exported = tmp_path / "export-1.zip"
    exported.write_bytes(b"zip")
    await queries.set_organiser(store, "telegram", "7010", True, "test", clock.now())
    message = Outgoing(
        text="📦 Export",
        kind="organiser",
        data={"document": {"path": str(exported), "filename": "x.zip", "remove_after_send": True}},
    )
    await store.call(enqueue, [Addressed("telegram", "7010", None, message)], clock.now())
    await queries.set_organiser(store, "telegram", "7010", False, "test", clock.now())
    sender = Sender(store, Recording(), clock)
    sender.may_deliver = file_gate(store, settings)
    clock.advance(timedelta(seconds=1))
    await sender.flush()
    assert delivered == [] and not exported.exists()
    assert [row["status"] for row in await store.outbox_rows("telegram")][-1] == "cancelled"
