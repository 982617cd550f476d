"""Organiser tools that speak plainly: one language per organiser (nl, fr or en), /help with the organiser commands,
/stats in question texts and language names (for a round and for a walk), and moderation that does not loop."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Settings
from bot.content.loader import Library
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.i18n import locales_dir
from bot.store import Store
from bot.store import organise as queries
from tests.support.catalogs import assert_complete, read_catalog

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
ROUND = "leven-in-onze-stad"


def replies(db: Path, address: str) -> list[str]:
    with sqlite3.connect(db) as connection:
        found = connection.execute(
            "SELECT json_extract(payload, '$.text') FROM outbox WHERE address = ? ORDER BY id", (address,)
        ).fetchall()
    return [str(row[0]) for row in found]


async def world(settings: Settings, store: Store, library: Library) -> Dispatcher:
    dispatcher = Dispatcher(store, settings, ManualClock(NOW), library)
    await store.write(queries.set_organiser, "terminal", "staff", True, "test", NOW)
    return dispatcher


def test_the_french_organiser_catalog_is_complete() -> None:
    french = read_catalog(locales_dir() / "fr" / "LC_MESSAGES" / "organiser.po")
    assert_complete(french, locales_dir() / "organiser.pot", "run pybabel update -D organiser")


async def test_an_organiser_chooses_french_and_everything_organiser_follows(
    settings: Settings, store: Store, library: Library
) -> None:
    dispatcher = await world(settings, store, library)
    await dispatcher.handle("terminal", "staff", events.Command("organiser_language", "xx"), organiser=True)
    assert "nl (Nederlands), fr (Français), en (English)" in replies(settings.db, "staff")[-1]
    await dispatcher.handle("terminal", "staff", events.Command("organiser_language", "fr"), organiser=True)
    assert replies(settings.db, "staff")[-1] == "✅ Les messages pour les organisateurs arrivent désormais en Français."
    await dispatcher.handle("terminal", "staff", events.Command("stats"), organiser=True)
    view = replies(settings.db, "staff")[-1]
    assert view.startswith("📊 Vue en direct · jeudi 26 novembre 2026, 11:00 (CET)")
    assert "Hoe goed voel je je" not in view and "Comment vous sentez-vous" in view  # question texts, in French
    assert "wonen" not in view  # no prompt ids
    # /help: the participants' help, then the organiser commands.
    await dispatcher.handle("terminal", "staff", events.Command("help"), organiser=True, hint="fr")
    help_text, listing = replies(settings.db, "staff")[-2:]
    assert "Commandes des organisateurs" in listing and "/flags" in listing and "/organiser_language" in listing
    assert "Samenspraak vous pose de courtes questions" in help_text  # in French too, not English


async def test_stats_for_a_round_count_who_got_it_and_name_languages(
    settings: Settings, store: Store, library: Library
) -> None:
    dispatcher = await world(settings, store, library)
    for name, language in (("amal", "ar"), ("olena", "uk")):
        for event in (events.Command("start"), events.Button(f"lang:{language}"), events.Button("consent:yes")):
            await dispatcher.handle("terminal", name, event)
        await dispatcher.handle("terminal", name, events.Button("role:newcomer"))
    await dispatcher.handle("terminal", "amal", events.Button(f"a:{ROUND}:wonen:4"))
    # A walker who never got the round is not counted as not answering it.
    for event in (
        events.Command("start", "walk-wandeling-centrum"),
        events.Button("lang:ti"),
        events.Button("consent:yes"),
    ):
        await dispatcher.handle("terminal", "tesfay", event)
    await dispatcher.handle("terminal", "tesfay", events.Button("role:newcomer"))
    await dispatcher.handle("terminal", "staff", events.Command("stats"), organiser=True)
    view = replies(settings.db, "staff")[-1]
    assert "Arabisch 1" in view and "Oekraïens 1" in view and " ar " not in view
    assert "1. Hoe goed voel je je in je woning en je buurt? — 1 (50%)" in view
    assert "1 van de 2 deelnemers die ze kregen" in view

    await dispatcher.handle("terminal", "tesfay", events.Text("Ik kwam met de trein."))
    await dispatcher.handle("terminal", "staff", events.Command("stats", "wandeling-centrum"), organiser=True)
    walk = replies(settings.db, "staff")[-1]
    assert "Wandeling «Wandeling door het centrum»: 1 wandelaars." in walk
    assert "1. Het station — 1 · 1" in walk  # one reached the card, one answer


async def test_later_on_the_only_waiting_text_does_not_show_it_again(
    settings: Settings, store: Store, library: Library
) -> None:
    dispatcher = await world(settings, store, library)
    for event in (
        events.Command("start"),
        events.Button("lang:nl"),
        events.Button("consent:yes"),
        events.Button("role:resident"),
        events.Button(f"a:{ROUND}:wonen:4"),
        events.Button(f"a:{ROUND}:vervoer:fiets"),
        events.Text("Een opleiding in de avond."),
    ):
        await dispatcher.handle("terminal", "anna", event)
    await dispatcher.handle("terminal", "staff", events.Command("moderate"), organiser=True)
    shown = replies(settings.db, "staff")[-1]
    assert "Van: " in shown and "Nederlands · " in shown and "(CET)" in shown
    with sqlite3.connect(settings.db) as connection:
        payload = connection.execute("SELECT payload FROM outbox WHERE address = 'staff' ORDER BY id DESC").fetchone()
    later = next(data for row in json.loads(payload[0])["buttons"] for _label, data in row if "mod-later" in data)
    await dispatcher.handle("terminal", "staff", events.Button(later), organiser=True)
    assert replies(settings.db, "staff")[-1].startswith("⏭ Dit is de enige tekst die wacht")
