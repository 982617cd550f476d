"""The simulator never crashes on what is typed, and no channel can store a place that is not on the map."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.engine.sanity import on_the_map, small_number
from bot.terminal_commands import simulator_event, time_offset
from tests.support.live import USER, Running, bot, onboard
from tests.test_terminal import samenspraak

__all__ = ["bot"]

ODD_LINES = [
    "/start",
    "²",  # at the language buttons: isdigit() says yes, int() says no
    "1",
    "1",
    "2",
    "4" * 4301,  # at the scale prompt: more digits than int() reads
    ":voice ²",
    ":voice 999999999",
    ":time +99999999999d",
    ":time",
    ":location nan nan",
    ":location 200 500",
    ":live inf 3",
    ":location",
    ":photo extra",
    ":now extra",
    ":sticker x",
    "3",
]


def test_the_simulator_answers_odd_input_and_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "rehearsal.sqlite3"
    done = samenspraak("chat", stdin="\n".join(ODD_LINES) + "\n", db=db)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    out = done.stdout
    for line in (
        "usage: :voice [SECONDS | FILE.ogg]",
        "usage: :time +2d",
        "usage: :location LAT LON",
        "usage: :photo",
        "usage: :now",
        "usage: :sticker",
    ):
        assert line in out, line
    assert out.count("Die plaats ligt niet op de kaart.") == 3
    assert "Vraag 2 van 7" in out  # after all that, the scale answer "3" was taken
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT answer_type, value FROM answers").fetchall()
    assert stored == [("scale", '{"value": 3}')]


def test_every_command_reads_its_arguments() -> None:
    assert simulator_event("voice", "") is not None and simulator_event("voice", "12") is not None
    for word, rest in (("voice", "²"), ("voice", "-3"), ("photo", "x"), ("location", "1"), ("live", "a b")):
        answer = simulator_event(word, rest)
        assert isinstance(answer, str) and answer.startswith("usage: "), (word, rest)
    assert simulator_event("nosuch", "") is None
    for text in ("+99999999999d", "+x", "", "+5", "+4000d"):
        offset = time_offset(text)
        assert isinstance(offset, str) and offset.startswith("usage: :time"), text
    assert not isinstance(time_offset("+2d"), str)


def test_places_and_numbers_the_engine_accepts() -> None:
    assert on_the_map(51.05, 3.72) and on_the_map(-90, 180)
    for latitude, longitude in ((float("nan"), 0.0), (0.0, float("inf")), (90.1, 0.0), (0.0, -180.5), (200, 500)):
        assert not on_the_map(latitude, longitude)
    assert small_number("3") == 3 and small_number("٣") == 3
    assert small_number("²") is None and small_number("4" * 4301) is None


async def test_a_location_off_the_map_from_telegram_is_refused(bot: Running) -> None:
    api = bot.api
    await onboard(bot)
    refused = await bot.exchange(lambda: api.user_location(USER, 200.0, 500.0))
    assert (refused.text or "").startswith("Die plaats ligt niet op de kaart.")
    with sqlite3.connect(bot.settings.db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM answers WHERE answer_type = 'location'").fetchone() == (0,)
