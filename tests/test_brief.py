"""The meeting brief a facilitator can trust: quotes drawn across every language and role with what was left out,
every minority voice grouped by the option it defends, the coming meeting with its RSVPs on the first page,
`--since` and `--live-only`, and the walk brief."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.content.loader import Library
from bot.organise.brief import build_brief
from bot.organise.quotes import Quote, fair_pick
from bot.store import Store

ROUND = "leven-in-onze-stad"
NOW = datetime(2026, 12, 10, 10, tzinfo=UTC)  # a week before the December meeting
_ids = count(1)


async def person(store: Store, language: str, role: str, *, channel: str = "telegram", days_ago: int = 30) -> int:
    number = next(_ids)
    moment = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")

    def _write(db: sqlite3.Connection) -> Any:
        cursor = db.execute(
            "INSERT INTO participants (pseudonym, channel, address, stage, language, role, consent_version,"
            " consent_at, created_at, updated_at) VALUES (?, ?, ?, 'ready', ?, ?, 'v1', ?, ?, ?)",
            (f"p-{number:06d}", channel, str(90000 + number), language, role, moment, moment, moment),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    return await store.write(_write)


async def answer(
    store: Store,
    participant: int,
    prompt: str,
    value: dict[str, object],
    *,
    conversation: str = ROUND,
    minority: bool = False,
    moderation: str = "approved",
    days_ago: int = 5,
    stop: str | None = None,
) -> None:
    moment = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    kind = "text" if "text" in value else "choice" if "option" in value else "scale" if "value" in value else "voice"

    def _write(db: sqlite3.Connection) -> Any:
        db.execute(
            "INSERT INTO answers (participant_id, conversation, prompt_id, answer_type, value, minority, walk_stop,"
            " moderation, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                participant,
                conversation,
                prompt,
                kind,
                json.dumps(value),
                int(minority),
                stop,
                moderation,
                moment,
                moment,
            ),
        )

    await store.write(_write)


def test_quotes_are_drawn_across_languages_and_roles_not_by_recency() -> None:
    # The run that misled: 9 Farsi, 3 French, 3 Dutch, 1 Arabic, 1 Ukrainian, 1 Turkish texts approved.
    languages = ["fa"] * 9 + ["fr"] * 3 + ["nl"] * 3 + ["ar", "uk", "tr"]
    roles = ["newcomer"] * 12 + ["resident"] * 5 + ["volunteer"]
    quotes = [
        Quote(number, f"tekst {number}", language, role)
        for number, (language, role) in enumerate(zip(languages, roles, strict=True))
    ]
    shown, left = fair_pick(quotes, limit=6)
    assert {quote.language for quote in shown} == {"fa", "fr", "nl", "ar", "uk", "tr"}
    assert {quote.role for quote in shown} == {"newcomer", "resident", "volunteer"}
    assert left == len(quotes) - len(shown) and len(shown) >= 6
    assert max(sum(q.language == code for q in shown) for code in languages) <= 2  # no language speaks for all
    assert fair_pick([], 6) == ([], 0)


async def test_every_language_appears_with_its_role_and_the_rest_is_in_the_export(
    settings: Settings, store: Store, library: Library
) -> None:
    languages = ["fa"] * 9 + ["fr"] * 3 + ["nl"] * 3 + ["ar", "uk", "tr"]
    for number, language in enumerate(languages):
        someone = await person(store, language, "newcomer" if number % 3 else "resident")
        await answer(store, someone, "werk", {"text": f"Werk-antwoord {number} in {language}"})
    page = await build_brief(store, library, ROUND, settings.timezone, NOW, "nl")
    werk = page[page.index('id="werk"') : page.index('id="veilig"')]
    for name in ("Perzisch (فارسی)", "Frans (Français)", "Nederlands", "Arabisch (العربية)", "Turks (Türkçe)"):
        assert f"{name} · " in werk, name  # each quote says its language and role
    assert "nieuwkomer" in werk and "inwoner" in werk
    shown = werk.count("<blockquote")
    assert f"{18 - shown} meer in de export" in werk
    assert "side majority" not in werk  # an open question has quotes, not majority and minority boxes


async def test_every_minority_voice_is_listed_under_the_option_it_defends(
    settings: Settings, store: Store, library: Library
) -> None:
    for number in range(30):
        someone = await person(store, "nl" if number % 2 else "ar", "resident")
        option = "fiets" if number < 20 else "auto" if number < 25 else "bus-tram"
        await answer(store, someone, "vervoer", {"option": option})
        if number >= 20:
            await answer(store, someone, "vervoer", {"text": f"Minderheid {number}", "defends": option}, minority=True)
    await answer(
        store, someone, "vervoer", {"text": "Een nachtbus", "defends": "bus-tram", "step": "need"}, minority=True
    )
    spoken = {"voice": "file-9", "duration": 4, "defends": "auto"}
    await answer(store, someone, "vervoer", spoken, minority=True, moderation="pending")
    page = await build_brief(store, library, ROUND, settings.timezone, NOW, "nl")
    vervoer = page[page.index('id="vervoer"') : page.index('id="werk"')]
    minority_side = vervoer[vervoer.index("side minority") :]
    assert all(f"Minderheid {number}" in minority_side for number in range(20, 30))  # all ten, not five
    auto, bus = minority_side.index("Verdedigt: Met de auto"), minority_side.index("Verdedigt: Met de bus of tram")
    assert auto < minority_side.index("Minderheid 20") < bus < minority_side.index("Minderheid 25")
    assert "Wat ze nodig hebben om mee te gaan" in minority_side and "Een nachtbus" in minority_side
    assert "Minder dan 25% koos:" in minority_side  # the share from the content
    assert "een spraakbericht (4 s), in de export" in minority_side  # a voice is listed too, under its option


async def test_the_first_page_names_the_coming_meeting_with_rsvps_by_answer_language_and_role(
    settings: Settings, store: Store, library: Library
) -> None:
    people = []
    for language, role, rsvp in [
        ("ar", "newcomer", "yes"),
        ("ar", "newcomer", "yes"),
        ("ar", "resident", "maybe"),
        ("uk", "newcomer", "yes"),
        ("nl", "resident", "no"),
        ("nl", "volunteer", None),
    ]:
        people.append((await person(store, language, role, days_ago=2), rsvp))

    def _write(db: sqlite3.Connection) -> Any:
        db.execute(
            "INSERT INTO meetings (id, community, starts_at, ends_at, fingerprint, first_seen, updated_at)"
            " VALUES ('hapje-klapje-december', 'default', 'x', 'x', '{}', 'x', 'x')"
        )
        for participant, rsvp in people:
            db.execute(
                "INSERT INTO meeting_invites (meeting, participant_id, rsvp, invited_at) VALUES (?, ?, ?, 'x')",
                ("hapje-klapje-december", participant, rsvp),
            )

    await store.write(_write)
    page = await build_brief(store, library, ROUND, settings.timezone, NOW, "nl")
    first = page[: page.index("Wie antwoordde")]
    assert "Hapje!Klapje in december" in first and "Buurthuis De Vonk" in first
    assert "donderdag 17 december 2026, 19:00 (CET)" in first
    assert (
        '<div class="number"><b>3</b>komt</div>' in first and '<div class="number"><b>6</b>uitgenodigd</div>' in first
    )
    by_language = first[first.index("Antwoorden per taal") : first.index("Antwoorden per rol")]
    arabic = by_language[by_language.index("Arabisch (العربية)") :].split("</tr>")[0]
    assert arabic.count('class="n">2<') == 1 and arabic.count('class="n">1<') == 1  # 2 coming, 1 maybe
    assert "Antwoorden per rol" in first and "nieuwkomer" in first
    assert "Sinds het begin" in first and "<b>6</b>nieuwe deelnemers" in first  # no meeting held yet


async def test_since_and_live_only_select_the_answers_as_the_export_does(
    settings: Settings, store: Store, library: Library
) -> None:
    old = await person(store, "nl", "resident")
    await answer(store, old, "werk", {"text": "Een oud antwoord"}, days_ago=20)
    new = await person(store, "fr", "resident")
    await answer(store, new, "werk", {"text": "Une nouvelle réponse"}, days_ago=1)
    rehearsal = await person(store, "nl", "volunteer", channel="terminal")
    await answer(store, rehearsal, "werk", {"text": "Een repetitie"}, days_ago=1)
    page = await build_brief(
        store, library, ROUND, settings.timezone, NOW, "nl", since=NOW - timedelta(days=7), live_only=True
    )
    assert "Une nouvelle réponse" in page
    assert "Een oud antwoord" not in page and "Een repetitie" not in page
    assert "zonder repetities" in page


async def test_the_walk_brief_shows_per_stop_cards_reached_answers_and_quotes(
    settings: Settings, store: Store, library: Library
) -> None:
    walk = "wandeling-centrum"
    walkers = [await person(store, language, "newcomer") for language in ("ar", "uk", "ti")]

    def _write(db: sqlite3.Connection) -> Any:
        for walker in walkers:
            for stop in ("station", "park"):
                db.execute(
                    "INSERT INTO outbox (participant_id, channel, address, kind, payload, due_at, status, created_at)"
                    " VALUES (?, 'telegram', 'x', 'walk', ?, 'x', 'sent', 'x')",
                    (walker, json.dumps({"walk": walk, "stop": stop, "text": "card"})),
                )

    await store.write(_write)
    for walker in walkers[:2]:
        await answer(store, walker, "station", {"text": f"Op het station {walker}"}, conversation=walk, stop="station")
    await answer(store, walkers[2], "station", {"voice": "file-1", "duration": 4}, conversation=walk, stop="station")
    page = await build_brief(store, replace(library), walk, settings.timezone, NOW, "nl")
    station = page[page.index("1. ") : page.index("2. ")]
    assert "3 bereikten deze kaart" in station and "3 antwoorden" in station and "1 spraakbericht" in station
    assert f"Op het station {walkers[0]}" in station and "Arabisch (العربية)" in station
    park = page[page.index("2. ") : page.index("3. ")]
    assert "3 bereikten deze kaart" in park and "0 antwoorden" in park
    with pytest.raises(KeyError):
        await build_brief(store, library, "no-such-walk", settings.timezone, NOW, "nl")


def test_brief_from_the_command_line_with_since_and_live_only(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    out = tmp_path / "brief.html"
    environment = {"SAMENSPRAAK_CONVERSATIONS": str(settings.conversations)}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)

        async def create() -> None:
            opened = await Store.open(settings.db)
            await opened.close()

        asyncio.run(create())
        db = ["--db", str(settings.db)]
        assert (
            main(["brief", *db, "--conversation", ROUND, "--since", "2026-11-01", "--live-only", "--out", str(out)])
            == 0
        )
        assert "zonder repetities" in out.read_text(encoding="utf-8")
        assert main(["brief", *db, "--conversation", "wandeling-centrum", "--out", str(out)]) == 0
        assert "Halte per halte" in out.read_text(encoding="utf-8")
        assert main(["brief", *db, "--conversation", ROUND, "--since", "gisteren", "--out", str(out)]) == 2
    assert "cannot read the date" in capsys.readouterr().err


async def test_a_question_no_one_answered_says_so_instead_of_an_empty_quotes_heading(
    settings: Settings, store: Store, library: Library
) -> None:
    someone = await person(store, "fa", "newcomer")
    await answer(store, someone, "werk", {"text": "کلاس زبان رایگان در عصرها"})
    page = await build_brief(store, library, ROUND, settings.timezone, NOW, "nl")
    work = page[page.index('<article id="werk"') : page.index("</article>", page.index('<article id="werk"'))]
    assert "Wat mensen zeiden" in work and "کلاس زبان رایگان" in work
    place = page[page.index('<article id="lievelingsplek"') :].split("</article>")[0]
    assert "Nog geen antwoorden." in place
    assert "Wat mensen zeiden" not in place and "goedgekeurde citaten" not in place
