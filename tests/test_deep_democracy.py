"""The Deep Democracy steps: the minority answer lands on its own question with the option it defends, the share and
the scale's side come from the content, and the whole cycle (what the minority needs, what the majority takes)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.content import Library
from bot.content.model import Minority, Prompt
from bot.engine import CONSENT_VERSION, Engine, ParticipantState, Stage, events
from bot.engine.minority import minority_keys
from bot.features.edits.feature import EditContext
from bot.features.wiring import FEATURES
from tests.support.followups import World, with_content, write_content

ROUND = textwrap.dedent(
    """\
    id: proef
    kind: round
    community: default
    title: {nl: Proefronde, en: Trial round}
    prompts:
      - id: vervoer
        theme: mobility
        type: choice
        text: {nl: "Hoe verplaats je je?", en: "How do you get around?"}
        options:
          - {id: fiets, label: {nl: Fiets, en: Bike}}
          - {id: auto, label: {nl: Auto, en: Car}}
        minority: {min_answers: 4, share: 0.3, cycle: true, majority_after: 1d}
      - id: werk
        theme: work
        type: text
        text: {nl: "Wat helpt je aan werk?", en: "What helps you find work?"}
    """
)


@pytest.fixture
async def world(settings: Settings, tmp_path: Path) -> AsyncIterator[World]:
    content = write_content(tmp_path / "conversations", meeting=None, round_text=ROUND)
    opened = await World.open(with_content(settings, content))
    yield opened
    await opened.close()


async def answers(world: World) -> list[tuple[str, str, dict[str, object], int]]:
    async with world.store.db.execute(
        "SELECT prompt_id, answer_type, value, minority FROM answers ORDER BY id"
    ) as cursor:
        return [(row[0], row[1], json.loads(row[2]), row[3]) for row in await cursor.fetchall()]


async def test_a_minority_answer_lands_on_its_own_question_with_the_option_it_defends(world: World) -> None:
    for name in ["p1", "p2", "p3", "p4", "p5"]:
        await world.join(name)
    for name in ["p1", "p2", "p3", "p4"]:
        await world.press(name, "a:proef:vervoer:fiets")
    car = await world.press("p5", "a:proef:vervoer:auto")
    kinds = [message.kind for message in car]
    assert kinds.index("prompt") < kinds.index("minority")  # the next question is on screen before it arrives
    [question] = [message for message in car if message.kind == "minority"]
    assert ("🗣 Beantwoord deze vraag", "minority:open:proef:vervoer") in question.buttons

    # A text now answers the question on screen (werk), never the minority question.
    await world.send("p5", "Een opleiding in de avond.")
    assert ("werk", "text", {"text": "Een opleiding in de avond."}, 0) in await answers(world)
    assert not [row for row in await answers(world) if row[3] == 1]

    # The question's own button opens the step: the next text is the minority voice, with the option it defends.
    opened = await world.press("p5", "minority:open:proef:vervoer")
    assert "Hoe verplaats je je?" in opened[0].text
    reply = await world.send("p5", "'s Nachts rijdt er geen bus.")
    assert ("vervoer", "text", {"text": "'s Nachts rijdt er geen bus.", "defends": "auto"}, 1) in await answers(world)
    # The whole cycle: what would they need to go along?
    assert "Wat zou je nodig hebben" in reply[0].text
    await world.send("p5", "Een nachtbus op vrijdag.")
    need = {"text": "Een nachtbus op vrijdag.", "defends": "auto", "step": "need"}
    assert ("vervoer", "text", need, 1) in await answers(world)
    stale = await world.press("p5", "minority:open:proef:vervoer")  # answered: the button is closed
    assert "gesloten" in stale[0].text

    # The majority's turn waits for the content's day and for an organiser's approval of the minority's words.
    assert await world.rows("majority") == []
    async with world.store.transaction() as db:
        await db.execute("UPDATE answers SET moderation = 'approved' WHERE minority = 1")
    later = await world.advance(timedelta(days=1, minutes=5))
    shown = [message for message in later if message.kind == "majority"]
    assert sorted(message.address for message in shown) == ["p1", "p2", "p3", "p4"]
    assert "'s Nachts rijdt er geen bus." in shown[0].text
    assert "Een nachtbus" not in shown[0].text  # what the minority needs is for the meeting, not for the others
    await world.press("p1", "minority:take:proef:vervoer")
    await world.send("p1", "Dat ik niet aan iedereen dacht.")
    take = {"text": "Dat ik niet aan iedereen dacht.", "defends": "fiets", "step": "take"}
    assert ("vervoer", "text", take, 1) in await answers(world)
    skipped = await world.press("p2", "minority:skip:proef:vervoer")
    assert "👍" in skipped[0].text


def scale(**settings: object) -> Prompt:
    return Prompt(
        id="wonen", type="scale", text={"nl": "Hoe woon je?"}, minority=Minority(**settings) if settings else None
    )


def test_the_minority_share_and_the_scale_side_come_from_the_content() -> None:
    # The run that misled: 68% coloured minority and a 32% plurality majority. Now one side of the median is.
    counts = {"1": 10, "2": 15, "3": 20, "4": 32, "5": 23}
    assert minority_keys(scale(), counts) == {"5"}  # the far side of the median (4), 23% < 25%
    assert minority_keys(scale(share=0.2), counts) == set()  # the content's share: 23% is not fewer than 20%
    assert minority_keys(scale(side="low", share=0.5), counts) == {"1", "2", "3"}
    assert minority_keys(scale(side="high", share=0.3), counts) == {"5"}
    choice = Prompt(
        id="vervoer",
        type="choice",
        text={"nl": "Hoe?"},
        options=(),
        minority=Minority(share=0.1),
    )
    assert minority_keys(choice, {"fiets": 19, "auto": 2, "bus": 3}) == {"auto"}  # 8% < 10%; 12.5% is not
    assert minority_keys(Prompt(id="x", type="text", text={"nl": "?"}), {"a": 1}) == set()  # open prompts: quotes


def test_editing_a_minority_answer_keeps_the_option_it_defends(library: Library) -> None:
    engine = Engine(library, features=FEATURES)
    state = ParticipantState(
        channel="telegram",
        address="1",
        id=1,
        stage=Stage.READY,
        language="nl",
        role="resident",
        consent_version=CONSENT_VERSION,
        conversation="leven-in-onze-stad",
        prompt="werk",
    )
    stored = {
        "id": 5,
        "conversation": "leven-in-onze-stad",
        "prompt_id": "vervoer",
        "answer_type": "text",
        "value": {"text": "Geen bus 's nachts", "defends": "auto", "step": "need"},
    }
    result = engine.handle(
        state,
        events.Edit("12", "Geen bus 's nachts naar de haven"),
        datetime(2026, 11, 26, tzinfo=UTC),
        context={"edits": EditContext(stored)},
    )
    [edit] = [record.data for record in result.records if record.kind == "answer_edit"]
    assert edit["value"] == {"text": "Geen bus 's nachts naar de haven", "defends": "auto", "step": "need"}


def test_the_cycle_and_the_scale_side_are_checked_in_content(tmp_path: Path) -> None:
    from bot.content import load_library
    from bot.i18n import LANGUAGES

    content = """\
id: proef
kind: round
title: {nl: Proef}
prompts:
  - id: vervoer
    type: choice
    text: {nl: "Hoe?"}
    options: [{id: fiets, label: {nl: Fiets}}, {id: auto, label: {nl: Auto}}]
    minority: {side: low, cycle: true}
  - id: wonen
    type: scale
    text: {nl: "Hoe goed?"}
    minority: {side: middle}
"""
    (tmp_path / "proef.yaml").write_text(content, encoding="utf-8")
    problems = [str(problem) for problem in load_library(tmp_path, tuple(LANGUAGES)).problems]
    assert any(":13:" in problem and "'far', 'low' or 'high'" in problem for problem in problems)
    (tmp_path / "proef.yaml").write_text(content.replace("side: middle", "side: high"), encoding="utf-8")
    problems = [str(problem) for problem in load_library(tmp_path, tuple(LANGUAGES)).problems]
    assert any(":9:" in problem and "`side` is for a scale" in problem for problem in problems)
