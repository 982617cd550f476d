"""A small network for tests: two communities (Gent with two rounds in sequence, Aalst with one), a community file,
and helpers to join a community with a role and to make an organiser of some communities."""

from __future__ import annotations

import base64
import sqlite3
import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.engine import events
from bot.store import OutboxRow, network
from bot.store import organise as organisers
from tests.support.followups import Delivered, Recorder, World, with_content

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tuesday 1 December 2026, 09:00 in Brussels

GENT_ONE = textwrap.dedent(
    """\
    id: gent-een
    kind: round
    community: gent
    title: {nl: Gent één, en: Ghent one, ar: غنت الأولى}
    closes: 2026-12-08 12:00
    reminders: {after: 3d, count: 3}
    prompts:
      - id: vervoer
        type: choice
        text: {nl: "Hoe verplaats je je?", en: "How do you get around?", ar: "كيف تتنقل؟"}
        options:
          - {id: fiets, label: {nl: Fiets, en: Bike, ar: دراجة}}
          - {id: bus, label: {nl: Bus, en: Bus, ar: حافلة}}
      - id: plekken
        type: choice
        multiple: true
        max_choices: 2
        text: {nl: "Welke plekken?", en: "Which places?", ar: "أي أماكن؟"}
        options:
          - {id: park, label: {nl: Park, en: Park, ar: حديقة}}
          - {id: markt, label: {nl: Markt, en: Market, ar: سوق}}
          - {id: bib, label: {nl: Bibliotheek, en: Library, ar: مكتبة}}
      - id: aankomst
        type: text
        when: {role: [newcomer]}
        text: {nl: "Wat was moeilijk bij je aankomst?", en: "What was hard when you arrived?", ar: "ما الصعب؟"}
      - id: wonen
        type: scale
        text: {nl: "Hoe woon je?", en: "How is your home?", ar: "كيف سكنك؟"}
    """
)
GENT_TWO = textwrap.dedent(
    """\
    id: gent-twee
    kind: round
    community: gent
    after: gent-een
    title: {nl: Gent twee, en: Ghent two, ar: غنت الثانية}
    intro: {nl: De tweede ronde begint., en: The second round begins., ar: تبدأ الجولة الثانية.}
    prompts:
      - id: werk
        type: text
        text: {nl: "Wat helpt je aan werk?", en: "What helps you find work?", ar: "ما الذي يساعدك في العمل؟"}
    """
)
AALST = textwrap.dedent(
    """\
    id: aalst-een
    kind: round
    community: aalst
    title: {nl: Aalst, en: Aalst}
    prompts:
      - id: vervoer
        type: choice
        text: {nl: "Hoe verplaats je je?", en: "How do you get around?"}
        options:
          - {id: fiets, label: {nl: Fiets, en: Bike}}
          - {id: bus, label: {nl: Bus, en: Bus}}
    """
)
GENT = textwrap.dedent(
    """\
    kind: community
    community: gent
    language: nl
    contact: {nl: "Stad Gent, samenleven@stad.gent", en: "City of Ghent, samenleven@stad.gent"}
    """
)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class PhotoRecorder(Recorder):
    """Also keeps which messages came with a picture made by the bot."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[tuple[str, bytes]] = []

    async def deliver(self, row: OutboxRow) -> None:
        await super().deliver(row)
        if row.payload.get("photo_bytes"):
            self.pictures.append((row.address, base64.b64decode(row.payload["photo_bytes"])))


@pytest.fixture
async def world(settings: Settings, tmp_path: Path) -> AsyncIterator[World]:
    folder = write(
        tmp_path / "conversations",
        {"gent-een.yaml": GENT_ONE, "gent-twee.yaml": GENT_TWO, "aalst-een.yaml": AALST, "gent.yaml": GENT},
    )
    opened = await World.open(with_content(settings, folder), ManualClock(START))
    opened.channel = PhotoRecorder()
    opened.sender.channel = opened.channel
    yield opened
    await opened.close()


async def join(
    world: World, name: str, community: str, language: str = "nl", role: str = "resident"
) -> list[Delivered]:
    await world.send(name, events.Command("start", community))
    await world.press(name, f"lang:{language}")
    await world.press(name, "consent:yes")
    return await world.press(name, f"role:{role}")


async def organiser(world: World, name: str, *communities: str) -> None:
    await world.store.write(organisers.set_organiser, "terminal", name, True, "test", world.clock.now())
    await world.store.write(network.set_scope, "terminal", name, communities)


def answers(world: World) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(world.settings.db) as db:
        return db.execute(
            "SELECT p.address, a.conversation, a.prompt_id, a.value FROM answers a JOIN participants p"
            " ON p.id = a.participant_id ORDER BY a.id"
        ).fetchall()


async def answer_gent_one(world: World, name: str) -> None:
    await world.press(name, "a:gent-een:vervoer:fiets")
    await world.press(name, "a:gent-een:plekken:park")
    await world.press(name, "a:gent-een:plekken:+done")


# -- two communities with an organiser each, and something of Aalst's for every organiser command ------------------
AALST_WITH_TEXT = (
    AALST + '  - id: idee\n    type: text\n    text: {nl: "Wat zou je veranderen?", en: "What would you change?"}\n'
)
AALST_MEETING = textwrap.dedent(
    """\
    id: avond-aalst
    kind: meeting
    community: aalst
    title: {nl: Avond in Aalst, en: Evening in Aalst}
    date: 2026-12-03 19:00
    duration: 2h
    place: {nl: Zaal, en: Hall}
    ideas:
      - id: aalst-idee
        theme: mobility
        status: under-discussion
        text: {nl: Meer bussen, en: More buses}
    """
)
BOB_SAYS = "Mijn man slaat mij"  # a free text of Aalst that is flagged and waits for moderation


@pytest.fixture
async def two(settings: Settings, tmp_path: Path) -> AsyncIterator[World]:
    """Gent and Aalst, each with an organiser, a network organiser, and in Aalst: a flagged text waiting for
    moderation, a walk date, an announcement draft and an idea."""
    from tests.conftest import CONVERSATIONS

    walk = (CONVERSATIONS / "wandeling-centrum.yaml").read_text(encoding="utf-8")
    walk = walk.replace("id: wandeling-centrum", "id: wandeling-aalst").replace(
        "community: default", "community: aalst"
    )
    files = {
        "gent-een.yaml": GENT_ONE,
        "gent-twee.yaml": GENT_TWO,
        "aalst-een.yaml": AALST_WITH_TEXT,
        "avond-aalst.yaml": AALST_MEETING,
        "wandeling-aalst.yaml": walk,
        "safeguarding.yaml": (CONVERSATIONS / "safeguarding.yaml").read_text(encoding="utf-8"),
    }
    folder = write(tmp_path / "c", files)
    (folder / "pictures").symlink_to(CONVERSATIONS / "pictures")
    world = await World.open(with_content(settings, folder), ManualClock(START))
    for name, communities in (("gent-org", ("gent",)), ("aalst-org", ("aalst",)), ("netwerk", ())):
        await organiser(world, name, *communities)
    await join(world, "anna", "gent")
    await join(world, "bob", "aalst", role="newcomer")
    await join(world, "vera", "aalst", role="volunteer")
    await world.press("bob", "a:aalst-een:vervoer:bus")
    await world.send("bob", BOB_SAYS)
    await world.send("netwerk", events.Command("walkdate", "wandeling-aalst 2026-12-20 14:00"), organiser=True)
    await world.send("netwerk", events.Command("announce", "aalst || nl: Hallo Aalst"), organiser=True)
    await world.advance(timedelta(minutes=1))
    yield world
    await world.close()
