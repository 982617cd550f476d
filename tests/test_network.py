"""A network of communities, for participants: rounds in sequence, results back when a round closes, multiple
choice and prompts asked of some roles only."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.content import load_library
from bot.engine import events
from bot.i18n import LANGUAGES
from tests.support.followups import World, with_content
from tests.support.network import (
    AALST,
    GENT_ONE,
    GENT_TWO,
    START,
    answer_gent_one,
    answers,
    join,
    organiser,
    world,
    write,
)

__all__ = ["world"]  # the fixture, shared from tests/support/network.py


# -- rounds in sequence ------------------------------------------------------------------------------------------------
async def test_a_round_opens_after_another_for_the_people_of_its_community_and_not_for_others(world: World) -> None:
    first = await join(world, "anna", "gent")
    assert "Gent één" in first[-1].text and "Hoe verplaats je je?" in first[-1].text
    await join(world, "bob", "aalst")
    await join(world, "piet", "gent")
    await world.send("piet", events.Command("pause"))
    await world.press("anna", "a:gent-een:vervoer:bus")  # anna leaves the multiple choice unanswered: reminders
    assert [r for r in await world.rows("reminder") if r["status"] == "pending" and r["address"] == "anna"]

    sent = await world.advance(timedelta(days=8))  # past 8 December 12:00: gent-een closes, gent-twee opens

    to_anna = [message.text for message in sent if message.address == "anna" and message.kind != "round_results"]
    assert any("De tweede ronde begint." in text and "Wat helpt je aan werk?" in text for text in to_anna)
    assert not any("tweede ronde" in message.text for message in sent if message.address in ("bob", "piet"))
    # Reminders on 4 and 7 December; the one of 10 December stopped with the round.
    assert len([message for message in sent if message.address == "anna" and message.kind == "reminder"]) == 2
    statuses = [
        r["status"] for r in await world.rows("reminder") if r["address"] == "anna" and "gent-een" in r["payload"]
    ]
    assert statuses.count("cancelled") >= 1 and "pending" not in statuses
    state = await world.store.load_participant("terminal", "anna")
    assert state is not None and (state.conversation, state.prompt) == ("gent-twee", "werk")
    with sqlite3.connect(world.settings.db) as db:  # through the outbox, as a scheduled row: quiet hours hold it
        [(scheduled,)] = db.execute(
            "SELECT scheduled FROM outbox WHERE address = 'anna' AND created_at >= '2026-12-08' AND kind = 'prompt'"
        ).fetchall()
    assert scheduled == 1
    await world.send("anna", "Een cursus")
    assert answers(world)[-1][:3] == ("anna", "gent-twee", "werk")  # the answer keeps its round
    assert [a[1] for a in answers(world) if a[0] == "anna"] == ["gent-een", "gent-twee"]

    # Piet paused: the new round waits for him, and comes when he resumes.
    resumed = await world.send("piet", events.Command("resume"))
    assert "Wat helpt je aan werk?" in resumed[-1].text
    # A button of the closed round is outdated now.
    late = await world.press("bob", "a:aalst-een:vervoer:fiets")
    assert "Bedankt" in late[0].text  # aalst-een has no dates: still open for bob


async def test_check_reports_rounds_of_one_community_that_overlap_with_no_order(tmp_path: Path) -> None:
    second = GENT_TWO.replace("after: gent-een\n", "")
    folder = write(tmp_path / "c", {"gent-een.yaml": GENT_ONE, "gent-twee.yaml": second, "aalst-een.yaml": AALST})
    library = load_library(folder, tuple(LANGUAGES))
    assert any("overlap with no order" in problem.message for problem in library.errors)
    assert main(["check", str(folder)]) == 1
    ordered = write(tmp_path / "d", {"gent-een.yaml": GENT_ONE, "gent-twee.yaml": GENT_TWO, "aalst-een.yaml": AALST})
    assert load_library(ordered, tuple(LANGUAGES)).ok
    dated = second.replace("prompts:", "opens: 2026-12-09 09:00\nprompts:")
    apart = write(tmp_path / "e", {"gent-een.yaml": GENT_ONE, "gent-twee.yaml": dated})
    assert load_library(apart, tuple(LANGUAGES)).ok  # one closes before the other opens
    missing = write(tmp_path / "f", {"gent-twee.yaml": GENT_TWO})
    [problem] = load_library(missing, tuple(LANGUAGES)).errors
    assert "there is no round 'gent-een'" in problem.message and problem.line == 4


# -- results back to participants ----------------------------------------------------------------------------------------
async def test_results_are_sent_when_a_round_closes_in_each_participants_language(world: World) -> None:
    await join(world, "anna", "gent", "nl")
    await join(world, "amira", "gent", "ar")
    await join(world, "bob", "aalst", "en")
    await answer_gent_one(world, "anna")
    await world.press("amira", "a:gent-een:vervoer:bus")
    await world.press("amira", "a:gent-een:plekken:park")
    await world.press("amira", "a:gent-een:plekken:bib")
    await world.press("amira", "a:gent-een:plekken:+done")
    # One minority voice, approved by an organiser, goes with the results.
    with sqlite3.connect(world.settings.db) as db:
        db.execute(
            "INSERT INTO answers (participant_id, conversation, prompt_id, answer_type, value, minority, moderation,"
            " created_at, updated_at) SELECT id, 'gent-een', 'vervoer', 'text', '{\"text\": \"De bus is te duur\"}',"
            " 1, 'approved', '2026-12-02', '2026-12-02' FROM participants WHERE address = 'amira'"
        )

    sent = await world.advance(timedelta(days=8))

    [dutch] = [m for m in sent if m.address == "anna" and m.kind == "round_results"]
    [arabic] = [m for m in sent if m.address == "amira" and m.kind == "round_results"]
    assert "Resultaten van" in dutch.text and "Mensen die meededen: 2" in dutch.text
    assert "1. Fiets — 50%" in dutch.text and "1. Park — 100%" in dutch.text and "3. Bibliotheek — 50%" in dutch.text
    assert "نتائج" in arabic.text and "دراجة" in arabic.text and "/ideas" in arabic.text
    assert "De bus is te duur" in dutch.text and "De bus is te duur" in arabic.text
    assert not [m for m in sent if m.address == "bob" and m.kind == "round_results"]  # aalst-een has not closed
    pictures = dict(world.channel.pictures)  # type: ignore[attr-defined]
    assert pictures["anna"].startswith(b"\x89PNG") and pictures["amira"].startswith(b"\x89PNG")

    # Anna turns results off; an organiser's /round results sends nothing twice anyway.
    off = await world.press("anna", "results:off")
    assert "geen resultaten" in off[0].text.lower()
    state = await world.store.load_participant("terminal", "anna")
    assert state is not None and state.features["results"] == {"off": True}
    await organiser(world, "org")
    again = await world.send("org", events.Command("round", "results gent-een"), organiser=True)
    assert "No results queued" in again[0].text or "Geen resultaten" in again[0].text


async def test_an_organiser_can_close_a_round_and_a_round_can_leave_results_out(
    settings: Settings, tmp_path: Path
) -> None:
    quiet = GENT_ONE.replace("closes: 2026-12-08 12:00\n", "results: false\n")
    folder = write(tmp_path / "c", {"gent-een.yaml": quiet, "gent-twee.yaml": GENT_TWO})
    world = await World.open(with_content(settings, folder), ManualClock(START))
    try:
        await join(world, "anna", "gent")
        await world.press("anna", "a:gent-een:vervoer:fiets")
        await organiser(world, "org", "gent")
        closed = await world.send("org", events.Command("round", "close gent-een"), organiser=True)
        assert any("gesloten" in m.text or "closed" in m.text for m in closed)
        await world.advance(timedelta(minutes=1))
        texts = world.channel.texts("anna")
        assert "Wat helpt je aan werk?" in texts and "Resultaten" not in texts
        listing = await world.send("org", events.Command("round"), organiser=True)
        assert "gent-twee [gent] ← gent-een" in listing[0].text
    finally:
        await world.close()


# -- prompt types ------------------------------------------------------------------------------------------------------------
async def test_a_multiple_choice_takes_several_options_up_to_its_maximum_then_done(world: World) -> None:
    await join(world, "anna", "gent")
    await world.press("anna", "a:gent-een:vervoer:fiets")
    empty = await world.press("anna", "a:gent-een:plekken:+done")
    assert "minstens één" in empty[0].text
    await world.press("anna", "a:gent-een:plekken:park")
    shown = await world.press("anna", "a:gent-een:plekken:bib")
    assert "Gekozen: Park en Bibliotheek" in shown[0].text  # as Dutch lists them
    assert ("✅ Park", "a:gent-een:plekken:park") in shown[0].buttons
    over = await world.press("anna", "a:gent-een:plekken:markt")
    assert "hoogstens 2" in over[0].text
    await world.press("anna", "a:gent-een:plekken:park")  # pressed again: taken away
    await world.press("anna", "a:gent-een:plekken:markt")
    done = await world.press("anna", "a:gent-een:plekken:+done")
    assert "Hoe woon je?" in done[0].text  # a resident skips the newcomers' question
    assert json.loads(answers(world)[-1][3]) == {"options": ["markt", "bib"]}
    forged = await world.press("anna", "a:gent-een:plekken:xyz")
    assert "niet meer" in forged[0].text


async def test_a_multiple_choice_can_be_typed_as_numbers(world: World) -> None:
    await join(world, "anna", "gent")
    await world.press("anna", "a:gent-een:vervoer:fiets")
    refused = await world.send("anna", "1, 2, 3")
    assert "hoogstens" in refused[0].text
    wrong = await world.send("anna", "1, zeven")
    assert "Tik op een of meer knoppen" in wrong[0].text
    await world.send("anna", "1, 3")
    assert json.loads(answers(world)[-1][3]) == {"options": ["park", "bib"]}


async def test_a_role_only_prompt_is_asked_of_that_role_only(world: World) -> None:
    await join(world, "nadia", "gent", role="newcomer")
    await join(world, "ruben", "gent", role="resident")
    for name in ("nadia", "ruben"):
        await answer_gent_one(world, name)
    assert "Wat was moeilijk" in world.channel.to("nadia")[-1].text
    assert "Hoe woon je?" in world.channel.to("ruben")[-1].text
    await world.send("nadia", "De taal")
    assert ("nadia", "gent-een", "aankomst") in [a[:3] for a in answers(world)]
    assert "aankomst" not in [a[2] for a in answers(world) if a[0] == "ruben"]
