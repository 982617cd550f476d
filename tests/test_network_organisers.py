"""A network of communities, for organisers: organisers per community, a community's own contact, targeted
announcements, walk sign-up, and the learning-network view."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.engine import events
from bot.store import organise as organisers
from tests.support.followups import World, with_content
from tests.support.network import (
    AALST,
    GENT_ONE,
    START,
    join,
    organiser,
    world,
    write,
)

__all__ = ["world"]  # the fixture, shared from tests/support/network.py


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
    log = await world.store.read(organisers.actions)
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

        walkers = await world.send("org", events.Command("announce", "gent walk=1 || nl: Tot zondag"), organiser=True)
        assert "(2 " in walkers[0].text  # the volunteer who leads it and the newcomer who comes
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
    os.environ["SAMENSPRAAK_CONVERSATIONS"] = folder
    try:
        assert main(["export", "--network", "--format", "csv", "--out", str(out), "--db", str(world.settings.db)]) == 0
        page = tmp_path / "compare.html"
        assert main(["brief", "--compare", "--out", str(page), "--db", str(world.settings.db)]) == 0
        series = tmp_path / "series.html"
        rounds = ["--conversation", "gent-een", "--conversation", "gent-twee"]
        command = ["brief", *rounds, "--out", str(series), "--db", str(world.settings.db)]
        assert await asyncio.to_thread(main, command) == 0  # the command runs its own event loop
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
    spanning = series.read_text(encoding="utf-8")  # a brief that spans the rounds of a series
    assert spanning.count("<h1") == 2 and "Gent één" in spanning and "Gent twee" in spanning


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


async def test_a_safeguarding_flag_goes_to_the_participants_own_community_organisers_and_the_network(
    settings: Settings, tmp_path: Path
) -> None:
    from tests.conftest import CONVERSATIONS

    words = (CONVERSATIONS / "safeguarding.yaml").read_text(encoding="utf-8")
    folder = write(tmp_path / "c", {"gent-een.yaml": GENT_ONE, "aalst-een.yaml": AALST, "safeguarding.yaml": words})
    world = await World.open(with_content(settings, folder), ManualClock(START))
    try:
        for name, communities in (("gent-org", ("gent",)), ("aalst-org", ("aalst",)), ("netwerk", ())):
            await organiser(world, name, *communities)
        await join(world, "nadia", "gent", role="newcomer")
        await world.press("nadia", "a:gent-een:vervoer:fiets")
        await world.press("nadia", "a:gent-een:plekken:park")
        await world.press("nadia", "a:gent-een:plekken:+done")
        await world.send("nadia", "Mijn man slaat mij")
        await world.advance(timedelta(minutes=1))
        assert "slaat mij" in world.channel.texts("gent-org") and "slaat mij" in world.channel.texts("netwerk")
        assert "slaat mij" not in world.channel.texts("aalst-org")
        [flag_button] = [d for m in world.channel.to("gent-org") for _l, d in m.buttons if "sg-done" in d]
        refused = await world.send("aalst-org", events.Button(flag_button), organiser=True)
        assert "⛔" in refused[0].text
    finally:
        await world.close()
