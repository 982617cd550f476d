"""Button data: every kind written and read in one place, buttons already on screens still read, and whatever a
client sends instead is refused with the polite answer, changing nothing stored."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import sqlite3
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot import callback_data
from bot.callback_data import (
    DONE,
    KINDS,
    MAX_BYTES,
    Answer,
    ButtonData,
    Consent,
    Forget,
    GroupEnd,
    GroupJoin,
    GroupNext,
    GroupStatus,
    Heard,
    Language,
    Minority,
    Organiser,
    ReflectionSkip,
    Results,
    Role,
    Rsvp,
    Skip,
    WalkDate,
    WalkEnd,
    WalkGo,
    WalkLead,
    WalkList,
    WalkNext,
    decode,
    encode,
    fits,
)
from bot.content.model import ID_PATTERN, MAX_ID_LENGTH
from bot.engine import events
from tests.support.followups import World
from tests.support.live import USER, Running, answers, bot, onboard, participant
from tests.support.network import two
from tests.test_network_scope import STATE, read
from tests.test_walks import GROUP, VOLUNTEER, WALK, button_data, db_rows, next_to, press_in_group, to_chat, toast

__all__ = ["bot", "two"]

# What the bot wrote before this module existed (f-strings in a dozen places): buttons still on people's screens.
ON_SCREENS: dict[str, ButtonData] = {
    "lang:nl": Language("nl"),
    "lang:prs": Language("prs"),
    "consent:yes": Consent(agreed=True),
    "consent:no": Consent(agreed=False),
    "role:newcomer": Role("newcomer"),
    "forget:yes": Forget(confirmed=True),
    "forget:no": Forget(confirmed=False),
    "a:leven-in-onze-stad:wonen:3": Answer("leven-in-onze-stad", "wonen", "3"),
    "a:leven-in-onze-stad:vervoer:fiets": Answer("leven-in-onze-stad", "vervoer", "fiets"),
    "a:r:plekken:+done": Answer("r", "plekken", DONE),
    "skip:leven-in-onze-stad:open-vraag": Skip("leven-in-onze-stad", "open-vraag"),
    "minority:open:r:p": Minority("open", "r", "p"),
    "minority:take:r:p": Minority("take", "r", "p"),
    "minority:skip:r:p": Minority("skip", "r", "p"),
    "results:off": Results(on=False),
    "results:on": Results(on=True),
    "rsvp:hapje-klapje-december:maybe": Rsvp("hapje-klapje-december", "maybe"),
    "heard:again:17": Heard("again", 17),
    "walk:go:dialoogwandeling": WalkGo("dialoogwandeling"),
    "walk:lead:dialoogwandeling": WalkLead("dialoogwandeling"),
    "walk:list": WalkList(),
    "walk:next:dialoogwandeling:station": WalkNext("dialoogwandeling", "station"),
    "walk:end:dialoogwandeling": WalkEnd("dialoogwandeling"),
    "walk:rskip:2": ReflectionSkip(2),
    "wg:j:wg-0a1b2c3d": GroupJoin("wg-0a1b2c3d"),
    "wg:n:wg-0a1b2c3d:-1": GroupNext("wg-0a1b2c3d", -1),
    "wg:n:wg-0a1b2c3d:4": GroupNext("wg-0a1b2c3d", 4),
    "wg:s:wg-0a1b2c3d": GroupStatus("wg-0a1b2c3d"),
    "wg:e:wg-0a1b2c3d": GroupEnd("wg-0a1b2c3d"),
    "wd:lead:12": WalkDate("lead", 12),
    "wd:no:12": WalkDate("no", 12),
    "org:mod-ok:12": Organiser("mod-ok", "12"),
    "org:list:": Organiser("list", ""),
}

FORGED = (
    "",
    "a",
    "zz:geheimewoorden",  # a kind we never made
    "a:leven-in-onze-stad:wonen",  # a field missing
    "a:leven-in-onze-stad:wonen:3:4",  # one too many
    "skip:leven-in-onze-stad:wonen:",
    "heard:ok:99999999999999999999",  # too large for SQLite
    "heard:ok:²",  # str.isdigit() says yes
    "heard:ok:٣",
    "heard:ok:0",
    "heard:ok:007",
    "heard:ok:-1",
    "heard:maybe:1",
    "wd:yes:" + "9" * 40,
    "wg:n:wg-0a1b2c3d:x",
    "wg:n:wg-0a1b2c3d:-2",
    "walk:rskip:99999",
    "walk:list:",
    "walk:go:",
    "walk:go:Dialoog",  # content ids are lower case
    "lang:nl:be",
    "lang:NL",
    "consent:ja",
    "results:maybe",
    "minority:answer:r:p",
    "org:mod ok:1",
    "org:mod-ok:" + "9" * 70,
    "a:" + "r" * 20 + ":" + "p" * 20 + ":" + "o" * 23,  # 68 bytes
    "a:r:p:1\n",
    "a:r:p:1\x00",
    "lang:nl ",
    " lang:nl",
    "LANG:nl",
    "a:r:p:é",
)


def test_buttons_already_on_screens_still_read_and_are_written_the_same() -> None:
    for data, value in ON_SCREENS.items():
        assert decode(data) == value, data
        assert encode(value) == data


def test_every_kind_has_an_example_on_a_screen() -> None:
    assert {type(value) for value in ON_SCREENS.values()} == set(KINDS)


@pytest.mark.parametrize("data", FORGED)
def test_data_the_bot_did_not_make_is_refused(data: str) -> None:
    assert decode(data) is None


def test_decode_takes_anything_without_raising() -> None:
    for thing in (None, 12, b"lang:nl", ["lang:nl"], "lang:nl" * 20):
        assert decode(thing) is None


def test_encode_refuses_what_it_could_not_read_back() -> None:
    for value in (
        Answer("r" * 21, "p" * 21, "o" * 21),  # 67 bytes
        Answer("r:x", "p", "1"),  # a separator inside an id
        Heard("ok", 0),
        Heard("ok", 10**30),
        WalkNext("Walk", "stop"),
    ):
        with pytest.raises(ValueError):
            encode(value)
        assert not fits(value)


def test_content_ids_and_button_ids_are_one_rule() -> None:
    """An id the content checks accept is one a button can carry, and the other way round."""
    assert MAX_ID_LENGTH == callback_data.MAX_ID_LENGTH
    content_id = re.compile(ID_PATTERN)
    button_id = re.compile(callback_data._ID)
    for text in ("a", "wonen", "0-9_x", "a" * MAX_ID_LENGTH, "a" * (MAX_ID_LENGTH + 1), "-a", "A", "é", ""):
        in_content = bool(content_id.match(text)) and len(text) <= MAX_ID_LENGTH
        assert in_content == bool(button_id.fullmatch(text)), text


def test_the_codec_is_pure() -> None:
    """It sits beside the engine: the standard library only, no store, no Telegram."""
    tree = ast.parse(inspect.getsource(callback_data))
    imported = {
        (node.module or "").split(".")[0] if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "re", "collections", "dataclasses", "typing"}


def _values(kind: type[ButtonData]) -> st.SearchStrategy[ButtonData]:
    """Any value of this kind whose fields are ones the format allows (generated from the format itself)."""
    parts = {
        each.name: st.from_regex(each.metadata["part"].pattern, fullmatch=True).map(each.metadata["part"].load)
        for each in dataclasses.fields(kind)
    }
    built: st.SearchStrategy[ButtonData] = st.builds(kind, **parts)
    return built.filter(fits)


@pytest.mark.parametrize("kind", KINDS, ids=[kind.__name__ for kind in KINDS])
@hypothesis_settings(max_examples=60, deadline=None, database=None)
@given(data=st.data())
def test_what_is_written_reads_back_the_same(kind: type[ButtonData], data: st.DataObject) -> None:
    value = data.draw(_values(kind))
    written = encode(value)
    assert len(written.encode()) <= MAX_BYTES
    assert decode(written) == value


@hypothesis_settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(st.text(max_size=80), st.from_regex(r"[a-z]{1,8}(:[A-Za-z0-9_+²٣\-]{0,12}){0,5}", fullmatch=True)))
def test_arbitrary_data_never_raises_and_only_reads_what_encode_writes(data: str) -> None:
    value = decode(data)
    if value is not None:
        assert encode(value) == data  # one way to write each value: nothing else is taken


def _state(bot: Running) -> dict[str, Any]:
    row = participant(bot.settings.db, str(USER))
    assert row is not None
    return {key: row[key] for key in ("stage", "language", "conversation", "prompt", "features", "role")}


def _table_counts(bot: Running) -> dict[str, int]:
    with sqlite3.connect(bot.settings.db) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in tables
            if table not in ("inbox", "outbox", "sqlite_sequence")
        }


async def test_forged_buttons_get_the_polite_answer_and_change_nothing(bot: Running) -> None:
    await onboard(bot)
    before, counts = _state(bot), _table_counts(bot)
    for data in (
        "heard:ok:99999999999999999999",  # once reached SQLite as an integer it cannot hold
        "wd:yes:" + "9" * 40,
        "a:leven-in-onze-stad:wonen:3:4",
        "a:leven-in-onze-stad:wonen:²",
        "walk:next:",
        "minority:open:leven-in-onze-stad",
        "zz:" + "x" * 70,
    ):
        reply = await bot.exchange(lambda data=data: bot.api.user_callback(USER, data))
        assert "Die knop werkt niet meer." in (reply.text or ""), data
        assert "Vraag 1 van 7" in (reply.text or "")  # and where they are, so they can go on
    assert answers(bot.settings.db) == []
    assert _state(bot) == before
    assert _table_counts(bot) == counts
    # The real button still works afterwards.
    await bot.exchange(lambda: bot.api.user_callback(USER, "a:leven-in-onze-stad:wonen:3"))
    assert [row[0] for row in answers(bot.settings.db)] == ["wonen"]


async def test_a_forged_button_is_answered_in_the_participants_own_language(bot: Running) -> None:
    await onboard(bot, language="ar")
    reply = await bot.exchange(lambda: bot.api.user_callback(USER, "heard:type:" + "1" * 30))
    assert "⌛" in (reply.text or "")
    assert "Die knop" not in (reply.text or "") and re.search(r"[\u0600-\u06ff]", reply.text or "")
    assert answers(bot.settings.db) == []


@pytest.mark.parametrize("action", ["mod-ok", "sg-care", "ann-send", "wd-cancel"])
async def test_a_community_organisers_button_with_an_id_too_large_for_sqlite_changes_nothing(
    two: World, action: str
) -> None:
    """Finding: the check of which community a button is about read `int(rest)` for any digits, and 30 of them
    overflowed SQLite before the handler could refuse. The same row id rule now holds there too."""
    before = read(two, STATE)
    replies = await two.send("gent-org", events.Button(f"org:{action}:" + "9" * 30), organiser=True)
    assert replies  # answered, not failed
    assert read(two, STATE) == before


async def test_a_forged_button_in_a_group_chat_only_stops_the_spinner(bot: Running) -> None:
    """In a group the bot says nothing to what it did not make; the group walk stays where it was."""
    api = bot.api
    api.user_text(VOLUNTEER, f"/walk {WALK}", chat_id=GROUP, chat_type="supergroup", first_name="Vera")
    status = await next_to(api, GROUP, 0, "👥")
    code = next(value.code for value in map(decode, button_data(status)) if isinstance(value, GroupJoin))
    before = len(to_chat(api, GROUP))
    for data in (f"wg:n:{code}:²", f"wg:n:{code}:" + "9" * 30, f"wg:x:{code}", f"wg:n:{code}:-1:0", "a:r:p:1"):
        assert await toast(api, press_in_group(api, VOLUNTEER, data, "Vera")) is None
    assert len(to_chat(api, GROUP)) == before
    assert db_rows(bot.settings.db, "SELECT stop, status FROM walk_groups") == [(-1, "open")]
    press_in_group(api, VOLUNTEER, encode(GroupNext(code, -1)), "Vera")  # the real one moves the group on
    await next_to(api, GROUP, before, "✍️")
    assert db_rows(bot.settings.db, "SELECT stop FROM walk_groups") == [(0,)]
