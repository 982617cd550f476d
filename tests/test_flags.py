"""Safeguarding flags reach someone: a flag raised while no organiser exists is kept and sent to the first organiser
added, `/flags` lists the open ones and what was done, and `samenspraak run` warns when there is no organiser."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.content.loader import Library
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.store import Store
from bot.store import organise as queries
from tests.support.live import running_bot

ROUND = "leven-in-onze-stad"
NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def texts_to(db: Path, address: str) -> list[str]:
    return [
        str(row[0])
        for row in rows(
            db, f"SELECT json_extract(payload, '$.text') FROM outbox WHERE address = '{address}' ORDER BY id"
        )
    ]


async def test_a_flag_raised_with_no_organiser_is_kept_and_sent_to_the_first_organiser_added(
    settings: Settings, store: Store, library: Library
) -> None:
    clock = ManualClock(NOW)
    dispatcher = Dispatcher(store, settings, clock, library)
    for event in (
        events.Command("start"),
        events.Button("lang:nl"),
        events.Button("consent:yes"),
        events.Button("role:newcomer"),
        events.Button(f"a:{ROUND}:wonen:2"),
        events.Button(f"a:{ROUND}:vervoer:fiets"),
        events.Text("Ik heb soms zelfmoordgedachten, werk vinden lukt niet."),
    ):
        await dispatcher.handle("terminal", "karim", event)
    [(flag_id, told)] = rows(settings.db, "SELECT id, told_at FROM safeguarding_flags")
    assert told is None  # nobody to tell yet: kept, not dropped
    assert rows(settings.db, "SELECT COUNT(*) FROM outbox WHERE kind = 'organiser'") == [(0,)]

    await store.write(queries.set_organiser, "terminal", "staff", True, "test", clock.now())
    [flag] = texts_to(settings.db, "staff")
    assert "zelfmoordgedachten" in flag and "Zorgsignaal" in flag
    assert "Wat zou jou helpen om werk te vinden" in flag  # the question in words, not its id
    assert rows(settings.db, "SELECT told_at IS NOT NULL FROM safeguarding_flags") == [(1,)]
    await store.write(queries.set_organiser, "terminal", "second", True, "test", clock.now())
    assert texts_to(settings.db, "second") == []  # told once: the second organiser sees it in /flags

    await dispatcher.handle("terminal", "second", events.Command("flags"), organiser=True)
    listing = texts_to(settings.db, "second")[-1]
    assert "1 open zorgsignaal" in listing and "zelfmoordgedachten" in listing
    assert "(CET)" in listing  # city time, with its zone
    buttons = json.loads(rows(settings.db, "SELECT payload FROM outbox ORDER BY id DESC LIMIT 1")[0][0])["buttons"]
    assert [button[1] for row in buttons for button in row] == [f"org:sg-care:{flag_id}", f"org:sg-done:{flag_id}"]

    await dispatcher.handle("terminal", "second", events.Button(f"org:sg-done:{flag_id}"), organiser=True)
    await dispatcher.handle("terminal", "second", events.Command("flags"), organiser=True)
    after = texts_to(settings.db, "second")[-1]
    assert "Geen open zorgsignalen." in after and "als afgehandeld gemarkeerd" in after


async def test_run_warns_at_start_when_there_is_no_organiser(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_bot(settings):
        for _ in range(100):
            if "no organiser is configured" in caplog.text:
                break
            await asyncio.sleep(0.05)
    assert "no organiser is configured" in caplog.text


def test_flags_shows_the_question_in_the_organisers_own_language(library: Library) -> None:
    from bot.organise.flags import _line
    from bot.organise.i18n import organiser_translator
    from bot.organise.plain import question_text

    flag = {
        "pseudonym": "p-0001",
        "words": json.dumps(["wil niet meer leven"]),
        "created_at": "2026-12-03T19:40:00.000000Z",
        "detail": json.dumps(
            {
                "prompt_id": "werk",
                "question": question_text(library, "leven-in-onze-stad", "werk", "nl"),
                "excerpt": "ik wil niet meer leven",
            }
        ),
    }
    french = _line(organiser_translator("fr"), flag, Settings().timezone, library)
    assert "Question : " + question_text(library, "leven-in-onze-stad", "werk", "fr") in french
    assert "20:40 (CET)" in french and "«ik wil niet meer leven»" in french
    assert "Wat zou jou helpen" not in french


async def test_distress_typed_at_a_button_question_is_flagged_though_it_is_no_answer(
    settings: Settings, store: Store, library: Library
) -> None:
    """Words of distress typed where a button is expected are not an answer, but they must reach someone."""
    clock = ManualClock(NOW)
    dispatcher = Dispatcher(store, settings, clock, library)
    await store.write(queries.set_organiser, "terminal", "staff", True, "test", clock.now())
    for event in (
        events.Command("start"),
        events.Button("lang:nl"),
        events.Button("consent:yes"),
        events.Button("role:newcomer"),
        events.Button(f"a:{ROUND}:wonen:2"),
        events.Text("ik wil niet meer leven"),  # at the choice question about getting around
    ):
        await dispatcher.handle("terminal", "karim", event)
    assert rows(settings.db, "SELECT COUNT(*) FROM answers WHERE prompt_id = 'vervoer'") == [(0,)]
    [(answer_id, detail)] = rows(settings.db, "SELECT answer_id, detail FROM safeguarding_flags")
    assert answer_id is None and json.loads(str(detail))["excerpt"] == "ik wil niet meer leven"
    [flag] = texts_to(settings.db, "staff")
    assert "ik wil niet meer leven" in flag and "niet bewaard als antwoord" in flag
    # An ordinary wrong answer at a button question raises nothing.
    await dispatcher.handle("terminal", "karim", events.Text("met de tram denk ik"))
    assert rows(settings.db, "SELECT COUNT(*) FROM safeguarding_flags") == [(1,)]
