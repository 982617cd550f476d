"""A network of communities, what happens by itself: a forgotten idea goes to its own community's organisers, a
`default` round reaches every community it serves, people who join after a walk date was announced are asked,
and what participants and organisers read of multiple choices and walk sign-ups."""

from __future__ import annotations

import csv
import io
import textwrap
import zipfile
from datetime import timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.config import Settings
from bot.engine import events
from bot.organise.brief import write_brief
from bot.organise.export import Selection, export_zip
from tests.support.followups import World, with_content
from tests.support.network import GENT_ONE, START, join, two, world, write

__all__ = ["two", "world"]  # the fixtures, shared from tests/support/network.py


async def test_a_forgotten_idea_goes_to_its_communitys_organisers_and_the_network_only(two: World) -> None:
    await two.advance(timedelta(weeks=6, days=2))
    for name, told in (("aalst-org", True), ("netwerk", True), ("gent-org", False)):
        flags = [m.text for m in two.channel.to(name) if m.text.startswith("⏳") and "aalst-idee" in m.text]
        assert len(flags) == (1 if told else 0), name


DEFAULT_ONE = textwrap.dedent(
    """\
    id: stad-een
    kind: round
    community: default
    title: {nl: Stad één, en: City one}
    closes: 2026-12-08 12:00
    prompts:
      - id: buurt
        type: text
        text: {nl: "Wat vind je van je buurt?", en: "What do you think of your neighbourhood?"}
    """
)
DEFAULT_TWO = textwrap.dedent(
    """\
    id: stad-twee
    kind: round
    community: default
    after: stad-een
    title: {nl: Stad twee, en: City two}
    intro: {nl: Een nieuwe ronde voor de hele stad., en: A new round for the whole city.}
    prompts:
      - id: markt
        type: text
        text: {nl: "Wat mist er op de markt?", en: "What is missing at the market?"}
    """
)


async def test_a_default_round_that_opens_reaches_every_community_without_rounds_of_its_own(
    settings: Settings, tmp_path: Path
) -> None:
    brugge = "kind: community\ncommunity: brugge\nlanguage: nl\ncontact: {nl: Stad Brugge, en: City of Bruges}\n"
    files = {
        "gent-een.yaml": GENT_ONE,
        "stad-een.yaml": DEFAULT_ONE,
        "stad-twee.yaml": DEFAULT_TWO,
        "brugge.yaml": brugge,  # a community of its own, with no rounds of its own
    }
    world = await World.open(with_content(settings, write(tmp_path / "c", files)), ManualClock(START))
    try:
        first = await join(world, "lena", "brugge")  # Brugge has no rounds of its own: the default ones
        assert "Wat vind je van je buurt?" in first[-1].text
        await join(world, "dirk", "default")
        await join(world, "anna", "gent")
        lena = await world.store.load_participant("terminal", "lena")
        assert lena is not None and lena.community == "brugge"
        sent = await world.advance(timedelta(days=8))
        for name in ("lena", "dirk"):
            texts = [m.text for m in sent if m.address == name]
            assert any("Een nieuwe ronde voor de hele stad." in t and "Wat mist er op de markt?" in t for t in texts)
            state = await world.store.load_participant("terminal", name)
            assert state is not None and state.conversation == "stad-twee"
        assert not any("hele stad" in m.text for m in sent if m.address == "anna")
        state = await world.store.load_participant("terminal", "anna")
        assert state is not None and state.conversation == "gent-een"
    finally:
        await world.close()


async def test_people_who_join_after_a_walk_date_are_asked_once_while_it_is_ahead(two: World) -> None:
    calls = lambda name: [m for m in two.channel.to(name) if m.kind == "walk_date_call"]  # noqa: E731
    invites = lambda name: [m for m in two.channel.to(name) if m.kind == "walk_date_invite"]  # noqa: E731
    assert len(calls("vera")) == 1  # asked when the walk date was put on the calendar
    await join(two, "wim", "aalst", role="volunteer")
    await two.advance(timedelta(minutes=1))
    [call] = calls("wim")
    assert call.buttons == [("🙋 Ik begeleid ze", "wd:lead:1")]
    await join(two, "gert", "gent", role="volunteer")  # another community's walk: not his to lead
    await two.advance(timedelta(hours=1))
    assert not calls("gert") and len(calls("wim")) == 1 and len(calls("vera")) == 1

    listed = await two.send("wim", events.Command("walks"))
    assert "Wandeling door het centrum”: zondag 20 december 2026 om 14:00. Wil jij ze begeleiden?" in listed[0].text
    assert ("🙋 Ik begeleid ze 20/12", "wd:lead:1") in listed[0].buttons
    await two.press("wim", "wd:lead:1")
    offered = await two.send("wim", events.Command("walks"))
    assert "wd:lead:1" not in [data for message in offered for _label, data in message.buttons]  # he leads it
    assert "wd:lead:1" in [data for m in await two.send("vera", events.Command("walks")) for _l, data in m.buttons]
    await two.advance(timedelta(minutes=1))
    assert len(invites("bob")) == 1
    await join(two, "xavi", "aalst", role="volunteer")  # somebody leads it now: no need to ask
    await join(two, "noor", "aalst", "ar", role="newcomer")
    await two.advance(timedelta(hours=2))
    assert not calls("xavi") and len(invites("noor")) == 1 and len(invites("bob")) == 1
    assert "جولة في وسط المدينة" in invites("noor")[0].text
    await two.press("noor", "wd:yes:1")

    await two.advance(timedelta(days=20))  # the walk date has passed: who joins now is not asked
    await join(two, "yara", "aalst", role="newcomer")
    await two.advance(timedelta(minutes=5))
    assert not invites("yara")

    # /mydata names the walk by its title and date in their language, never by ids.
    mine = (await two.send("wim", events.Command("mydata")))[0].text
    assert "Groepswandelingen waarvoor je je opgaf:" in mine
    line = next(line for line in mine.splitlines() if "Wandeling door het centrum" in line)
    assert "zondag 20 december 2026 om 14:00" in line and "Ik begeleid ze" in line
    assert "wandeling-aalst" not in mine and "#1" not in mine
    hers = (await two.send("noor", events.Command("mydata")))[0].text
    assert "الجولات الجماعية التي سجّلت فيها:" in hers and "جولة في وسط المدينة" in hers
    assert "wandeling-aalst" not in hers


async def test_briefs_chart_every_option_of_a_multiple_choice_and_exports_spell_them_out(
    world: World, tmp_path: Path
) -> None:
    for name, options in (("anna", ("park", "markt")), ("piet", ("park",)), ("lies", ("bib", "markt"))):
        await join(world, name, "gent")
        await world.press(name, "a:gent-een:vervoer:fiets")
        for option in options:
            await world.press(name, f"a:gent-een:plekken:{option}")
        await world.press(name, "a:gent-een:plekken:+done")
    mydata = (await world.send("anna", events.Command("mydata")))[0].text
    assert "Welke plekken?: Park en Markt" in mydata

    page = tmp_path / "brief.html"
    library, zone = world.dispatcher.engine.library, world.settings.timezone
    await write_brief(world.store, library, "gent-een", zone, world.clock.now(), page, "nl")
    html = page.read_text(encoding="utf-8")
    section = html[html.index('id="plekken"') :]
    section = section[: section.index("</article>")]
    assert "<svg" in section and "Park" in section and "Markt" in section and "Bibliotheek" in section
    # Shares of the three who answered: park and market 2 of 3, the library 1 of 3 (a multiple choice adds up to
    # more than 100%).
    assert section.count("67%") >= 2 and "33%" in section
    assert "(67% van 3)" in section and "Minder dan" not in section  # of the 3 who answered; 33% is no minority

    target = tmp_path / "export.zip"
    export_zip(world.settings.db, library, zone, "csv", target, Selection(conversation="gent-een"), language="nl")
    with zipfile.ZipFile(target) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".csv")]
        rows = list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    chosen = [(row["answer"], row["option_id"]) for row in rows if row["prompt_id"] == "plekken"]
    assert chosen == [
        ("Park; Markt", "park; markt"),
        ("Park", "park"),
        ("Markt; Bibliotheek", "markt; bib"),
    ]  # in the order of the content


async def test_question_numbers_count_only_the_questions_asked_of_the_participants_role(world: World) -> None:
    first = await join(world, "vera", "gent", role="volunteer")
    assert "Vraag 1 van 3" in first[-1].text  # the newcomers' question is not hers
    await world.press("vera", "a:gent-een:vervoer:fiets")
    await world.press("vera", "a:gent-een:plekken:park")
    last = await world.press("vera", "a:gent-een:plekken:+done")
    assert "Vraag 3 van 3" in last[-1].text and "Hoe woon je?" in last[-1].text
    newcomer = await join(world, "nadia", "gent", "ar", role="newcomer")
    assert "⁨1⁩ من ⁨4⁩" in newcomer[-1].text


def test_the_button_to_lead_a_walk_date_fits_a_phone_in_every_language() -> None:
    from datetime import UTC, datetime

    from bot.engine.outgoing import Result
    from bot.engine.state import ParticipantState
    from bot.engine.walk_cards import MAX_BUTTON, without_marks
    from bot.features.walk_signup.feature import FEATURE, SignupContext, volunteer_rows
    from bot.i18n import LANGUAGES, translator

    class Engine:
        class config:
            timezone = START.tzinfo

    entry = {"id": 12, "walk": "w", "starts_at": datetime(2026, 12, 27, 9, 30, tzinfo=UTC), "leaders": []}
    result = Result(
        state=ParticipantState("terminal", "v"), now=START, context={FEATURE: SignupContext(upcoming=(entry,))}
    )
    for language in LANGUAGES:
        [(button,)] = volunteer_rows(Engine(), result, translator(language))  # type: ignore[arg-type]
        assert len(without_marks(button.label)) <= MAX_BUTTON and button.data == "wd:lead:12", (language, button)
