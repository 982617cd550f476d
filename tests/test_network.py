"""A network of communities: rounds in sequence, organisers per community, results back to participants, targeted
announcements, multiple choice, prompts for some roles, walk sign-up and the learning-network view."""

from __future__ import annotations

import io
import json
import sqlite3
import textwrap
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.content import load_library
from bot.engine import events
from bot.i18n import LANGUAGES
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
            import base64

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
    await organisers.set_organiser(world.store, "terminal", name, True, "test", world.clock.now())
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
    assert "Gekozen: Park, Bibliotheek" in shown[0].text
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


# -- organisers per community ----------------------------------------------------------------------------------------------
async def test_a_community_organiser_is_refused_another_communitys_export_and_sees_only_their_own(world: World) -> None:
    await join(world, "anna", "gent")
    await join(world, "bob", "aalst")
    await world.press("anna", "a:gent-een:vervoer:fiets")
    await world.press("bob", "a:aalst-een:vervoer:bus")
    await organiser(world, "gent-org", "gent")
    await organiser(world, "netwerk")

    refused = await world.send("gent-org", events.Command("export", "json aalst-een"), organiser=True)
    assert "aalst" in refused[0].text and not any("Export" in m.text for m in refused)
    own = await world.send("gent-org", events.Command("export", "json"), organiser=True)
    [path] = world.settings.organiser_files.glob("*.zip")
    assert any("1" in m.text for m in own)
    with zipfile.ZipFile(path) as archive:
        lines = archive.read(archive.namelist()[0]).decode().splitlines()
    assert [json.loads(line)["community"] for line in lines] == ["gent"]

    everything = await world.send("netwerk", events.Command("export", "json aalst-een"), organiser=True)
    assert not any("⛔" in m.text for m in everything)
    refused_announce = await world.send("gent-org", events.Command("announce", "aalst nl: hallo"), organiser=True)
    assert "⛔" in refused_announce[0].text
    log = await organisers.actions(world.store)
    assert {"community": "aalst", "scope": ["gent"]}.items() <= next(e for e in log if e["action"] == "refused")[
        "detail"
    ].items()
    mine = [e for e in log if e["organiser"] == "terminal:gent-org" and e["action"] == "export"]
    assert mine[0]["detail"]["scope"] == ["gent"] and mine[0]["detail"]["communities"] == ["gent"]


async def test_the_consent_text_names_the_communitys_own_contact(world: World) -> None:
    await world.send("anna", events.Command("start", "gent"))
    consent = await world.press("anna", "lang:nl")
    assert "samenleven@stad.gent" in consent[0].text
    await world.send("bob", events.Command("start", "aalst"))
    other = await world.press("bob", "lang:nl")
    assert "participatie@example.org" in other[0].text


# -- targeted announcements ------------------------------------------------------------------------------------------------
async def test_an_announcement_to_newcomers_previews_languages_and_the_dutch_fallback(world: World) -> None:
    await join(world, "nadia", "gent", "ar", role="newcomer")
    await join(world, "oleh", "gent", "uk", role="newcomer")
    await join(world, "ruben", "gent", "nl", role="resident")
    await organiser(world, "org", "gent")
    preview = await world.send(
        "org", events.Command("announce", "gent role=newcomer || nl: Welkom || uk: Ласкаво просимо"), organiser=True
    )
    text = preview[0].text
    assert "role=newcomer" in text and "(2 " in text
    assert "Українська (uk): 1" in text and "العربية (ar): 1 → Nederlands (nl)" in text
    assert "العربية (ar) (1)" in text.split("⚠️")[1]
    send = next(data for _label, data in preview[0].buttons if "ann-send" in data)
    await world.send("org", events.Button(send), organiser=True)
    await world.advance(timedelta(minutes=1))
    assert "📣 Welkom" in world.channel.texts("nadia") and "📣 Ласкаво просимо" in world.channel.texts("oleh")
    assert "📣 Welkom" not in world.channel.texts("ruben")


# -- walk sign-up ------------------------------------------------------------------------------------------------------------
async def test_volunteers_sign_up_to_lead_a_walk_and_its_newcomers_are_invited(
    settings: Settings, tmp_path: Path
) -> None:
    from tests.conftest import CONVERSATIONS

    walk = (
        (CONVERSATIONS / "wandeling-centrum.yaml")
        .read_text(encoding="utf-8")
        .replace("community: default", "community: gent")
    )
    folder = write(tmp_path / "c", {"gent-een.yaml": GENT_ONE, "wandeling-centrum.yaml": walk})
    (folder / "pictures").symlink_to(CONVERSATIONS / "pictures")
    world = await World.open(with_content(settings, folder), ManualClock(START))
    try:
        await join(world, "vera", "gent", role="volunteer")
        await join(world, "nadia", "gent", "ar", role="newcomer")
        await join(world, "ruben", "gent", role="resident")
        await organiser(world, "org", "gent")
        added = await world.send(
            "org", events.Command("walkdate", "wandeling-centrum 2026-12-20 14:00"), organiser=True
        )
        assert "#1" in added[0].text
        await world.advance(timedelta(minutes=1))
        [call] = [m for m in world.channel.to("vera") if m.kind == "walk_date_call"]
        assert "Wil jij ze begeleiden?" in call.text and call.buttons == [("🙋 Ik begeleid ze", "wd:lead:1")]
        assert not [m for m in world.channel.delivered if m.kind == "walk_date_invite"]  # nobody leads it yet

        listed = await world.send("vera", events.Command("walks"))
        assert ("wd:lead:1") in [data for _label, data in listed[0].buttons]
        thanks = await world.press("vera", "wd:lead:1")
        assert "Jij begeleidt" in thanks[0].text
        await world.advance(timedelta(minutes=1))
        [invite] = [m for m in world.channel.to("nadia") if m.kind == "walk_date_invite"]
        assert "wd:yes:1" in [data for _label, data in invite.buttons]
        assert not [m for m in world.channel.to("ruben") if m.kind == "walk_date_invite"]
        await world.press("nadia", "wd:yes:1")
        denied = await world.press("nadia", "wd:lead:1")  # only volunteers lead
        assert "⌛" in denied[0].text

        overview = await world.send("org", events.Command("walkdate"), organiser=True)
        with sqlite3.connect(world.settings.db) as db:
            vera, nadia = (
                db.execute("SELECT pseudonym FROM participants WHERE address = ?", (n,)).fetchone()[0]
                for n in ("vera", "nadia")
            )
        assert f"{vera}" in overview[0].text and f"{nadia}" in overview[0].text.split("\n")[2]
        await join(world, "bob", "aalst")
        await organiser(world, "aalst-org", "aalst")
        other = await world.send("aalst-org", events.Button("org:wd-cancel:1"), organiser=True)
        assert "⛔" in other[0].text
    finally:
        await world.close()


# -- the learning-network view ---------------------------------------------------------------------------------------------
async def test_the_network_export_and_comparison_line_communities_up_on_shared_prompts(
    world: World, tmp_path: Path
) -> None:
    await join(world, "anna", "gent")
    await join(world, "bob", "aalst")
    await world.press("anna", "a:gent-een:vervoer:fiets")
    await world.press("bob", "a:aalst-een:vervoer:bus")
    folder = str(world.settings.conversations)
    out = tmp_path / "network.csv"
    import os

    os.environ["SAMENSPRAAK_CONVERSATIONS"] = folder
    try:
        assert main(["export", "--network", "--format", "csv", "--out", str(out), "--db", str(world.settings.db)]) == 0
        page = tmp_path / "compare.html"
        assert main(["brief", "--compare", "--out", str(page), "--db", str(world.settings.db)]) == 0
    finally:
        del os.environ["SAMENSPRAAK_CONVERSATIONS"]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("prompt_id,question_nl")
    assert "vervoer,Hoe verplaats je je?,choice,gent,gent-een,1,fiets,Fiets,1,100.0" in lines
    assert "vervoer,Hoe verplaats je je?,choice,aalst,aalst-een,1,bus,Bus,1,100.0" in lines
    assert not any(line.startswith("plekken") for line in lines)  # asked in Ghent only: nothing to compare
    assert not any("p-" in line for line in lines)  # no pseudonyms leave the deployment
    html = page.read_text(encoding="utf-8")
    assert "aalst (n=1)" in html and "gent (n=1)" in html and "<svg" in html


def test_organiser_add_takes_communities_and_list_shows_them(settings: Settings, tmp_path: Path) -> None:
    db = str(settings.db)
    assert main(["organiser", "add", "5001", "--community", "gent", "--community", "aalst", "--db", db]) == 0
    assert main(["organiser", "add", "5002", "--db", db]) == 0
    out = io.StringIO()
    from bot.organise.cli import run_organiser

    run_organiser(settings, "list", None, out)
    assert "telegram 5001  [aalst, gent]" in out.getvalue() and "telegram 5002  [network]" in out.getvalue()
    with sqlite3.connect(db) as connection:
        scopes = connection.execute("SELECT community FROM organiser_communities ORDER BY 1").fetchall()
    assert scopes == [("aalst",), ("gent",)]
