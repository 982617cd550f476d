"""Organisers on Telegram (through the fake Bot API) and in the terminal: access, moderation, the live view,
exports and the brief as files, announcements, safeguarding flags; and the brief's page itself."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.__main__ import main
from bot.clock import ManualClock
from bot.config import Settings
from bot.content.loader import Library
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.engine.notices import help_text
from bot.engine.outgoing import NewAnswer, Result
from bot.i18n import locales_dir, translator
from bot.organise import access
from bot.organise.brief import build_brief
from bot.organise.safeguarding import care_message, distress_words
from bot.organise.table import COMMANDS
from bot.store import Store
from tests.support.catalogs import assert_complete, read_catalog
from tests.support.fake_bot_api import Call
from tests.support.live import Running, bot

__all__ = ["bot"]  # the fixture, shared from tests/support/live.py

ORGANISER = 7001
PARTICIPANT = 4242
OTHER = 4343
ROUND = "leven-in-onze-stad"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, with one organiser named in SAMENSPRAAK_ORGANISERS."""
    return replace(settings, organisers=frozenset({ORGANISER}))


def messages_to(bot: Running, chat: int, method: str = "sendMessage") -> list[Call]:
    return [call for call in bot.api.sent_to(chat) if call.method == method]


async def reply(
    bot: Running, chat: int, action: Callable[[], object], wanted: Callable[[Call], bool] = lambda _c: True
) -> Call:
    """Do something in `chat` and return the first message the bot sends there after it that is `wanted`."""
    before = len(messages_to(bot, chat))
    action()

    def found() -> Call | None:
        return next((call for call in messages_to(bot, chat)[before:] if wanted(call)), None)

    await bot.api.wait_for(lambda _sent: found() is not None, timeout=10)
    result = found()
    assert result is not None
    return result


async def join(bot: Running, user: int, language: str = "nl") -> Call:
    """A participant's onboarding, waiting for each step in their own chat; returns the first question."""
    api = bot.api
    await reply(bot, user, lambda: api.user_command(user, "start", language_code=language), lambda c: bool(c.buttons))
    await reply(bot, user, lambda: api.user_callback(user, f"lang:{language}"), lambda c: "13" in (c.text or ""))
    await reply(bot, user, lambda: api.user_callback(user, "consent:yes"), lambda c: bool(c.buttons))
    return await reply(bot, user, lambda: api.user_callback(user, "role:newcomer"))


async def answer_until_text(bot: Running, user: int, text: str) -> None:
    """Answer the scale and the choice, then the open question about work with `text`."""
    api = bot.api
    await reply(bot, user, lambda: api.user_callback(user, f"a:{ROUND}:wonen:4"))
    await reply(bot, user, lambda: api.user_callback(user, f"a:{ROUND}:vervoer:fiets"))
    await reply(bot, user, lambda: api.user_text(user, text))


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def button_data(call: Call) -> list[str]:
    return [data for row in call.buttons for _label, data in row]


async def test_non_organisers_meet_organiser_commands_and_buttons_as_unknown(bot: Running) -> None:
    api = bot.api
    # Two participants, so that neither meets the flood control with this many messages.
    await join(bot, PARTICIPANT)
    unknown = await reply(bot, PARTICIPANT, lambda: api.user_command(PARTICIPANT, "nosuchcommand"))
    for name in COMMANDS:
        answer = await reply(bot, PARTICIPANT, lambda name=name: api.user_command(PARTICIPANT, name, "csv default x"))
        assert (answer.text, answer.buttons) == (unknown.text, unknown.buttons), name
    await join(bot, OTHER)
    await answer_until_text(bot, OTHER, "Meer bankjes in het park")
    (answer_id,) = query(bot.settings.db, "SELECT id FROM answers WHERE prompt_id = 'werk'")[0]
    stale = await reply(bot, OTHER, lambda: api.user_callback(OTHER, f"zz:mod-ok:{answer_id}"))
    for data in (f"org:mod-ok:{answer_id}", f"org:mod-hide:{answer_id}", "org:sg-care:1", "org:ann-send:1"):
        pressed = await reply(bot, OTHER, lambda data=data: api.user_callback(OTHER, data))
        assert (pressed.text, pressed.buttons) == (stale.text, stale.buttons), data
    assert query(bot.settings.db, "SELECT moderation FROM answers WHERE id = ?", (answer_id,)) == [("pending",)]
    assert query(bot.settings.db, "SELECT COUNT(*) FROM organiser_actions") == [(0,)]
    for chat in (PARTICIPANT, OTHER):
        assert messages_to(bot, chat, "sendDocument") == messages_to(bot, chat, "sendPhoto") == []
    menus = [
        call
        for call in api.requests
        if call.method == "setMyCommands" and (call.params.get("scope") or {}).get("chat_id") in (PARTICIPANT, OTHER)
    ]
    assert all("export" not in json.dumps(call.params["commands"]) for call in menus)


async def test_organiser_moderates_sees_the_live_view_and_gets_export_and_brief(bot: Running) -> None:
    api = bot.api
    db = bot.settings.db
    # The organiser's own menu, in their chat only, with the organiser commands (set in the bot's own time).
    await api.wait_requested(
        lambda c: c.method == "setMyCommands" and (c.params.get("scope") or {}).get("chat_id") == ORGANISER
    )
    menus = [c for c in api.requests if c.method == "setMyCommands" and (c.params.get("scope") or {}).get("type")]
    organiser_menu = [c for c in menus if c.params["scope"].get("chat_id") == ORGANISER]
    assert organiser_menu and {"export", "moderate", "stats", "brief", "announce", "start"} <= {
        command["command"] for command in organiser_menu[-1].params["commands"]
    }
    await join(bot, PARTICIPANT)
    await answer_until_text(bot, PARTICIPANT, "=1+1 meer taallessen 's avonds")
    await join(bot, OTHER, "ar")
    await answer_until_text(bot, OTHER, "أريد عملا قريبا من البيت")

    first = await reply(bot, ORGANISER, lambda: api.user_command(ORGANISER, "moderate"), lambda c: bool(c.buttons))
    assert "2 antwoorden wachten op moderatie" in (first.text or "") and "=1+1 meer taallessen" in (first.text or "")
    ids = [row[0] for row in query(db, "SELECT id FROM answers WHERE prompt_id = 'werk' ORDER BY id")]
    assert button_data(first) == [
        f"org:mod-ok:{ids[0]}",
        f"org:mod-hide:{ids[0]}",
        f"org:mod-later:{ids[0]}",
        f"org:mod-stop:{ids[0]}",
    ]
    second = await reply(bot, ORGANISER, lambda: api.user_callback(ORGANISER, f"org:mod-hide:{ids[0]}"))
    assert "Verborgen" in (second.text or "") and "أريد عملا" in (second.text or "")
    done = await reply(bot, ORGANISER, lambda: api.user_callback(ORGANISER, f"org:mod-ok:{ids[1]}"))
    assert "Er wachten geen antwoorden op moderatie" in (done.text or "")
    assert query(db, "SELECT moderation FROM answers WHERE prompt_id = 'werk' ORDER BY id") == [
        ("hidden",),
        ("approved",),
    ]

    view = await reply(bot, ORGANISER, lambda: api.user_command(ORGANISER, "stats"))
    assert "Deelnemers: 2" in (view.text or "") and "2 van de 2 deelnemers" in (view.text or "")
    await api.wait_for(lambda _sent: bool(messages_to(bot, ORGANISER, "sendPhoto")))
    assert messages_to(bot, ORGANISER, "sendPhoto")[0].params["photo"].startswith(b"\x89PNG")

    await reply(bot, ORGANISER, lambda: api.user_command(ORGANISER, "export", "csv;"))
    await api.wait_for(lambda _sent: bool(messages_to(bot, ORGANISER, "sendDocument")))
    document = messages_to(bot, ORGANISER, "sendDocument")[0].params["document"]
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        (name,) = archive.namelist()
        exported = archive.read(name).decode("utf-8-sig")
    assert name.endswith(".csv") and exported.splitlines()[0].startswith("answer_id;pseudonym;")
    assert "'=1+1 meer taallessen" in exported and ";hidden;" in exported
    assert str(PARTICIPANT) not in exported and str(OTHER) not in exported
    # Sent, then removed from the server (a moment after Telegram has it).
    await api.wait_for(lambda _sent: list((db.parent / "organiser-files").iterdir()) == [], timeout=5)

    await reply(bot, ORGANISER, lambda: api.user_command(ORGANISER, "brief"))
    await api.wait_for(lambda _sent: len(messages_to(bot, ORGANISER, "sendDocument")) == 2)
    page = messages_to(bot, ORGANISER, "sendDocument")[1].params["document"].decode("utf-8")
    assert page.startswith("<!doctype html>") and "أريد عملا قريبا من البيت" in page
    assert "taallessen" not in page  # hidden: never quoted

    logged = query(db, "SELECT organiser, action FROM organiser_actions ORDER BY id")
    assert [action for _who, action in logged] == [
        "moderate",
        "moderate",
        "stats",
        "export",
        "export-done",
        "brief",
    ]
    assert {who for who, _action in logged} == {f"telegram:{ORGANISER}"}


async def test_safeguarding_flag_reaches_organisers_who_can_send_the_help_lines(bot: Running) -> None:
    api = bot.api
    await join(bot, PARTICIPANT)
    await answer_until_text(bot, PARTICIPANT, "Ik wil niet meer leven, alles is te veel.")
    (pseudonym,) = query(bot.settings.db, "SELECT pseudonym FROM participants WHERE address = ?", (str(PARTICIPANT),))[
        0
    ]
    await api.wait_for(lambda _sent: bool(messages_to(bot, ORGANISER)), timeout=10)
    flag = messages_to(bot, ORGANISER)[0]
    assert "Zorgsignaal" in (flag.text or "") and str(pseudonym) in (flag.text or "")
    assert "wil niet meer leven" in (flag.text or "") and str(PARTICIPANT) not in (flag.text or "")
    care = await reply(
        bot, PARTICIPANT, lambda: api.user_callback(ORGANISER, button_data(flag)[0]), lambda c: "112" in (c.text or "")
    )
    assert "107" in (care.text or "") and "0800 32 123" in (care.text or "")
    assert "Over: zelfdoding of zelfbeschadiging" in (flag.text or "")  # the kind of flag, for the organiser
    assert query(bot.settings.db, "SELECT handled_by, kinds FROM safeguarding_flags") == [
        (f"telegram:{ORGANISER}", '["suicide"]')
    ]


async def test_announcement_in_each_participants_language_after_a_preview(bot: Running) -> None:
    api = bot.api
    await join(bot, PARTICIPANT)
    await join(bot, OTHER, "ar")
    body = (
        "default\nnl: De volgende bijeenkomst is op 12 december.\nIn de bibliotheek.\nar: الاجتماع القادم في 12 ديسمبر."
    )
    preview = await reply(
        bot, ORGANISER, lambda: api.user_command(ORGANISER, "announce", body), lambda c: bool(c.buttons)
    )
    assert "2 actieve deelnemers" in (preview.text or "")
    assert messages_to(bot, OTHER)[-1].text != "📣 الاجتماع القادم في 12 ديسمبر."  # nothing sent before confirming
    arabic = await reply(
        bot, OTHER, lambda: api.user_callback(ORGANISER, button_data(preview)[0]), lambda c: "📣" in (c.text or "")
    )
    assert arabic.text == "📣 الاجتماع القادم في 12 ديسمبر."
    await api.wait_for(lambda _sent: any((c.text or "").startswith("📣 De") for c in messages_to(bot, PARTICIPANT)))
    dutch = next(c for c in messages_to(bot, PARTICIPANT) if (c.text or "").startswith("📣 De"))
    assert dutch.text == "📣 De volgende bijeenkomst is op 12 december.\nIn de bibliotheek."
    rows = query(bot.settings.db, "SELECT scheduled FROM outbox WHERE kind = 'announcement'")
    assert rows == [(1,), (1,)]  # scheduled: quiet hours and pauses hold them
    again = await reply(bot, ORGANISER, lambda: api.user_callback(ORGANISER, button_data(preview)[0]))
    assert "al verstuurd" in (again.text or "")


async def test_an_organiser_added_and_removed_without_a_restart(bot: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    api = bot.api
    monkeypatch.setattr(access, "REFRESH_SECONDS", 0.0)
    newcomer = 7002
    unknown = await reply(bot, newcomer, lambda: api.user_command(newcomer, "organiser"))
    assert "/export" not in (unknown.text or "")
    assert await asyncio.to_thread(main, ["--db", str(bot.settings.db), "organiser", "add", str(newcomer)]) == 0
    listing = await reply(bot, newcomer, lambda: api.user_command(newcomer, "organiser"))
    assert "/export" in (listing.text or "") and "/moderate" in (listing.text or "")
    assert await asyncio.to_thread(main, ["--db", str(bot.settings.db), "organiser", "remove", str(newcomer)]) == 0
    again = await reply(bot, newcomer, lambda: api.user_command(newcomer, "organiser"))
    assert again.text == unknown.text
    menus = query(
        bot.settings.db, "SELECT json_extract(payload, '$.organiser_menu') FROM outbox WHERE kind = 'organiser-menu'"
    )
    assert menus == [(1,), (0,)]  # the chat's menu follows, at the bot's next wake
    assert [row[0] for row in query(bot.settings.db, "SELECT action FROM organiser_actions")] == [
        "organiser-add",
        "organiser-remove",
    ]


async def test_brief_shows_majority_and_minority_side_by_side_with_approved_quotes_only(
    settings: Settings, store: Store, library: Library
) -> None:
    library = replace(library, meetings={})  # no meeting content: no ideas from anywhere
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    dispatcher = Dispatcher(store, settings, clock, library)
    people = [("telegram", str(9000 + number), "nl" if number % 2 else "ar") for number in range(8)]
    for number, (channel, address, language) in enumerate(people):
        for event in (
            events.Command("start"),
            events.Button(f"lang:{language}"),
            events.Button("consent:yes"),
            events.Button("role:resident" if number < 5 else "role:newcomer"),
            events.Button(f"a:{ROUND}:wonen:{4 if number < 6 else 1}"),
            events.Button(f"a:{ROUND}:vervoer:{'fiets' if number < 7 else 'auto'}"),
            events.Text(f"Werktekst nummer {number}"),
            events.Button(f"skip:{ROUND}:veilig"),
            events.Voice(f"voice-{number}", 5),
        ):
            await dispatcher.handle(channel, address, event)
    state = await store.load_participant("telegram", "9007")
    assert state is not None
    minority = [
        NewAnswer(
            ROUND,
            "vervoer",
            "text",
            {"text": "Zonder auto kom ik niet op mijn werk om vijf uur 's ochtends."},
            minority=True,
        ),
        NewAnswer(ROUND, "vervoer", "text", {"text": "Een verborgen minderheidstekst"}, minority=True),
    ]
    await store.apply(Result(state=state, answers=minority), clock.now())
    async with store.transaction() as db:
        await db.execute(
            "UPDATE answers SET moderation = 'approved' WHERE value LIKE '%nummer 1%' OR value LIKE '%vijf uur%'"
        )
        await db.execute(
            "UPDATE answers SET moderation = 'hidden' WHERE value LIKE '%nummer 2%' OR value LIKE '%verborgen%'"
        )

    page = await build_brief(store, library, ROUND, settings.timezone, clock.now(), "nl")
    assert (
        page.startswith("<!doctype html>")
        and "<script" not in page
        and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    )
    vervoer = page[page.index('id="vervoer"') : page.index('id="werk"')]
    majority_side = vervoer[vervoer.index("Meerderheid") : vervoer.index("side minority")]
    minority_side = vervoer[vervoer.index("side minority") :]
    assert "Meest gekozen: Met de fiets (88% van 8)" in majority_side
    assert "Met de auto (12%)" in minority_side  # fewer than a quarter chose it
    assert "Zonder auto kom ik niet op mijn werk" in minority_side
    assert "1 persoon zei wat de anderen over hun standpunt moeten begrijpen" not in minority_side
    assert "2 mensen zeiden wat de anderen over hun standpunt moeten begrijpen" in minority_side
    assert "verborgen minderheidstekst" not in page and "nummer 2" not in page  # hidden
    assert "Werktekst nummer 1" in page and "Werktekst nummer 3" not in page  # approved only; pending is not quoted
    assert "<svg" in page and "Gemiddeld: 3.2 op 5" in page
    assert "8 spraakberichten" in page and "Per rol" in page and "Arabisch (العربية)" in page
    assert "Nog geen ideeën genoteerd." in page
    for _channel, address, _language in people:
        assert address not in page


async def test_brief_lists_the_ideas_of_earlier_meetings_where_they_are_recorded(
    settings: Settings, store: Store, library: Library
) -> None:
    now = datetime(2026, 11, 26, 10, tzinfo=UTC)
    empty = await build_brief(store, replace(library, meetings={}), ROUND, settings.timezone, now, "en")
    assert "No ideas recorded yet." in empty
    coming = await build_brief(store, library, ROUND, settings.timezone, now, "en")
    assert "A safe, covered bicycle shed" not in coming  # the coming meeting's ideas are not "from earlier meetings"
    assert "Hapje!Klapje in December" in coming  # it is the coming meeting, on the first page
    now = datetime(2026, 12, 20, 10, tzinfo=UTC)
    from_content = await build_brief(store, library, ROUND, settings.timezone, now, "en")  # the meeting's file
    assert "A safe, covered bicycle shed at the community centre" in from_content
    assert "<b>planned</b>" in from_content
    columns = await (await store.db.execute("PRAGMA table_info(ideas)")).fetchall()
    if not columns:
        pytest.skip("the follow-up feature's ideas table is not in this build")
    values: dict[str, object] = {}
    for column in columns:
        name, kind, required, default = column[1], column[2], column[3], column[4]
        if required and default is None and column[5] == 0:
            values[name] = 1 if "INT" in kind.upper() else "x"
    values.update(
        {
            "id": "i1",
            "text": "Meer bankjes op het Sint-Pietersplein",
            "status": "done",
            "theme": "nature",
            "reason": None,
        }
    )
    values = {name: value for name, value in values.items() if name in {column[1] for column in columns}}
    async with store.transaction() as db:
        await db.execute(
            f"INSERT INTO ideas ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})", tuple(values.values())
        )
    page = await build_brief(store, library, ROUND, settings.timezone, now, "en")
    assert "Meer bankjes op het Sint-Pietersplein" in page and "<b>done</b>" in page


def test_distress_words_in_the_writers_language_and_only_whole_words(library: Library) -> None:
    assert distress_words("Soms denk ik aan zelfmoordgedachten.", library, "nl") == ["zelfmoordgedachten"]
    assert distress_words("I WANT TO DIE", library, "nl") == ["want to die"]  # English is read with every language
    assert distress_words("أفكر في الانتحار أحيانا", library, "ar") == ["الانتحار"]
    assert distress_words("J'ai envie de mourir", library, "fr") == ["envie de mourir"]
    assert distress_words("Ik eet graag druiven (grapes) en fiets naar het werk.", library, "nl") == []
    assert distress_words("", library, "nl") == []


def test_help_names_the_belgian_emergency_and_listening_lines() -> None:
    for language in ("nl", "fr", "ar"):
        text = help_text(translator(language), "")
        for number in ("112", "106", "1813", "107", "0800 32 123"):
            assert number in text, (language, number)


def test_help_gives_the_help_lines_of_content_those_in_the_readers_language_first(library: Library) -> None:
    """/help and the care message tell one story: the same lines, each saying which languages it speaks."""
    dutch = help_text(translator("nl"), "", library)
    assert dutch.index("112") < dutch.index("Hulplijnen die Nederlands spreken") < dutch.index("1813")
    assert dutch.index("1712") < dutch.index("Andere hulplijnen") < dutch.index("0800 32 123")
    french = help_text(translator("fr"), "", library)
    assert french.index("107") < french.index("1813")  # Télé-Accueil speaks French, 1813 Dutch only
    arabic = help_text(translator("ar"), "", library)
    assert "لا يتحدث أي من خطوط المساعدة هذه" in arabic and "اللغات: ⁨الهولندية⁩" in arabic  # honest: none speaks Arabic
    assert "هذا ليس رقم طوارئ" in arabic and "This is not" not in arabic
    for text in (dutch, french, arabic):
        for number in ("112", "101", "106", "1813", "107", "0800 32 123", "1712", "0800 30 030", "payoke.be"):
            assert number in text, number
    care = care_message("ar", "", library).text  # a flag of no known kind: every line, in the same order
    assert care[care.index("🆘") :].startswith(arabic[arabic.index("🆘") : arabic.index("لأسئلتك")].rstrip())


def test_the_care_message_fits_the_flag_and_says_which_language_each_line_speaks(library: Library) -> None:
    dutch = care_message("nl", "", library, ["suicide"]).text
    for number in ("112", "101", "1813", "106", "107", "0800 32 123"):
        assert number in dutch, number
    assert dutch.index("1813") < dutch.index("0800 32 123")  # lines in their language first
    assert "tolk" not in dutch  # Dutch lines answer every kind: no interpreter needed
    violence = care_message("nl", "", library, ["violence"]).text
    assert "1712" in violence and "1813" not in violence and "pijn te doen" in violence
    arabic = care_message("ar", "", library, ["violence"]).text
    assert "1712" in arabic and "0800 30 030" in arabic
    assert "لا يتحدث أي من خطوط المساعدة هذه" in arabic and "الهولندية" in arabic  # honest: none speaks Arabic
    assert "مترجم" in arabic  # the interpreter offer
    english = care_message("en", "", library, ["exploitation"]).text
    assert "payoke.be" in english and "Help lines that speak English" in english


def test_organiser_catalogs_are_complete_with_the_same_placeholders() -> None:
    dutch = read_catalog(locales_dir() / "nl" / "LC_MESSAGES" / "organiser.po")
    assert_complete(dutch, locales_dir() / "organiser.pot", "run pybabel update -D organiser")
    assert (locales_dir() / "en" / "LC_MESSAGES" / "organiser.po").is_file()
    # The participants' catalog holds none of the organiser's words.
    with (locales_dir() / "samenspraak.pot").open("rb") as handle:
        participant = {message.id for message in read_po(handle) if message.id}
    assert not participant & {
        "Approve",
        "Minority voice",
        "Safeguarding: participant {pseudonym} wrote words that can signal distress or danger.",
    }


def test_rehearsal_in_the_terminal_as_participant_in_arabic_and_as_organiser(
    tmp_path: Path, undated_conversations: Path
) -> None:
    db = tmp_path / "rehearsal.sqlite3"
    environment = {
        "SAMENSPRAAK_CONVERSATIONS": str(undated_conversations),
        "SAMENSPRAAK_QUIET_HOURS": "off",
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
    }

    def chat(*args: str, stdin: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--db", str(db), "chat", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    chat("--as", "staff", "--organiser", stdin=":quit\n")  # an organiser first, so rehearsal flags reach them
    chat("--as", "karim", stdin="/start\nالعربية\n1\n1\n2\n3\nأفكر في الانتحار أحيانا\n")
    staff = chat("--as", "staff", stdin="/moderate\n1\n/stats\n/export xlsx\n/brief\n/organiser\n")
    assert "Zorgsignaal" in staff and "الانتحار" in staff
    assert "Goedgekeurd." in staff and "Live overzicht" in staff
    assert staff.count("📎 ") == 2 and "🖼 " in staff
    exported = next(line.split("→ ")[1] for line in staff.splitlines() if "samenspraak-xlsx" in line)
    with zipfile.ZipFile(exported) as archive:
        assert archive.namelist()[0].endswith(".xlsx")
    participant = chat("--as", "karim", stdin="/export\n/stats\n")
    assert "📎" not in participant and "Live" not in participant


async def test_an_export_of_a_name_that_does_not_exist_is_refused_not_empty(
    settings: Settings, store: Store, library: Library
) -> None:
    """Found by exploratory testing: '/export pdf' or a misspelt round gave an export of 0 answers, which reads as
    'nobody answered'. It now says which names exist; a walk's id is a name too."""
    from bot.store import organise as queries

    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    dispatcher = Dispatcher(store, settings, clock, library)
    await queries.set_organiser(store, "terminal", "staff", True, "test", clock.now())
    for wanted in ("pdf", "csv levenin"):
        await dispatcher.handle("terminal", "staff", events.Command("export", wanted), organiser=True)
    await dispatcher.handle("terminal", "staff", events.Command("export", "csv wandeling-centrum"), organiser=True)
    texts = [
        row[0]
        for row in query(settings.db, "SELECT json_extract(payload, '$.text') FROM outbox WHERE address = 'staff'")
    ]
    assert [text.split(".")[0] for text in texts[:2]] == ["❌ Er is geen ronde pdf", "❌ Er is geen ronde levenin"]
    assert "leven-in-onze-stad" in texts[0] and "wandeling-centrum" in texts[0]
    assert texts[2].startswith("⏳")


async def test_an_export_too_big_for_telegram_says_how_to_make_it_on_the_server(
    settings: Settings, store: Store, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.organise import actions
    from bot.store import organise as queries

    monkeypatch.setattr(actions, "TELEGRAM_UPLOAD_LIMIT", 100)  # bytes: any export is bigger
    clock = ManualClock(datetime(2026, 11, 26, 10, tzinfo=UTC))
    dispatcher = Dispatcher(store, settings, clock, library)
    for event in (events.Command("start"), events.Button("lang:nl"), events.Button("consent:yes")):
        await dispatcher.handle("terminal", "anna", event)
    await queries.set_organiser(store, "terminal", "staff", True, "test", clock.now())
    await dispatcher.handle("terminal", "staff", events.Command("export", "csv; live since=2026-11-01"), organiser=True)
    texts = [
        row[0]
        for row in query(settings.db, "SELECT json_extract(payload, '$.text') FROM outbox WHERE address = 'staff'")
    ]
    assert any("50 MB" in text for text in texts)
    assert any(
        "samenspraak export --format csv --since 2026-11-01 --live-only --separator ';' --out answers.csv" in text
        for text in texts
    )
    assert list((settings.db.parent / "organiser-files").iterdir()) == []


def test_no_internal_ids_reach_organisers_or_participants(library: Library) -> None:
    from zoneinfo import ZoneInfo

    from bot.engine.notices import mydata_message
    from bot.engine.state import ParticipantState
    from bot.organise.common import prompt_text_nl

    # moderation and flags name a walk's question by its words, never "Vraag: station"
    assert prompt_text_nl(library, "wandeling-centrum", "station").startswith("Hoe ben je in deze stad aangekomen?")
    assert prompt_text_nl(library, "wandeling-centrum", "reflection-1") != "reflection-1"
    assert prompt_text_nl(library, "wandeling-centrum", "follow-up") != "follow-up"
    state = ParticipantState(channel="terminal", address="x", pseudonym="p-1", language="ar")
    stored = {
        "answers": [
            {"conversation": "wandeling-centrum", "prompt": prompt, "value": {"text": "نعم"}}
            for prompt in ("station", "park", "reflection-1", "follow-up")
        ]
    }
    text, _document = mydata_message(library, state, stored, translator("ar"), ZoneInfo("Europe/Brussels"))
    for internal in ("• station", "• park", "reflection-1", "follow-up"):
        assert internal not in text, internal
    assert "كيف وصلت إلى هذه المدينة" in text
