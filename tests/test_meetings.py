"""Meetings with RSVPs, "you said, we did", and a whole round rehearsed in the simulator.

Why: the meeting is where the conversation between residents and the city happens. People must be invited, reminded
only if they said they might come, told when the date or place changes, and afterwards hear what became of the ideas
they spoke about, in their own language; otherwise the next round starts without them. Organisers must be able to
rehearse all of it before a single resident sees it.
"""

from __future__ import annotations

import io
import json
import sqlite3
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.content import load_library
from bot.engine import events
from bot.i18n import LANGUAGES
from bot.store import organise as organisers
from bot.terminal import Simulator
from tests.support.followups import MEETING, START, World, content, with_content, world
from tests.support.sql import select

__all__ = ["content", "world"]  # fixtures, shared from tests/support/followups.py

ROOT = Path(__file__).resolve().parent.parent


async def organisers_rsvp(world: World, name: str) -> str | None:
    """The RSVP stored for a participant of the world, read as the organisers' brief would."""
    rows = await select(
        world.store,
        "SELECT i.rsvp FROM meeting_invites i JOIN participants p ON p.id = i.participant_id WHERE p.address = ?",
        (name,),
    )
    return rows[0][0] if rows else None


def rewrite_meeting(world: World, content: Path, text: str) -> None:
    (content / "buurtavond.yaml").write_text(text, encoding="utf-8")
    assert world.dispatcher.reload_content().ok


# -- content -----------------------------------------------------------------------------------------------------------
def test_a_meeting_file_is_checked_with_its_lines(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        textwrap.dedent(
            """\
            id: avond
            kind: meeting
            title: {nl: Avond}
            date: 2026-12-10 19:00
            place: {en: Somewhere}
            ideas:
              - id: een
                theme: mobility
                status: not-possible
                text: {nl: Een idee}
              - id: een
                theme: weather
                status: later
                text: {nl: Nog een}
            """
        ),
        encoding="utf-8",
    )
    problems = [str(problem) for problem in load_library(tmp_path, tuple(LANGUAGES)).problems]
    assert any(":13:" in p and "ideas.1.status" in p for p in problems), problems  # `later` is not a status
    (tmp_path / "m.yaml").write_text((tmp_path / "m.yaml").read_text().replace("status: later", "status: done"))
    problems = [str(problem) for problem in load_library(tmp_path, tuple(LANGUAGES)).problems]
    assert any(":5:" in p and "missing Dutch" in p for p in problems)
    assert any(":9:" in p and "say why" in p for p in problems)
    assert any(":11:" in p and "duplicate idea id" in p for p in problems)
    assert any(":12:" in p and "warning" in p and "weather" in p for p in problems)


def test_the_sample_meeting_has_two_ideas_in_eleven_languages() -> None:
    library = load_library(ROOT / "conversations", tuple(LANGUAGES))
    assert library.ok, library.errors
    meeting = library.meetings["hapje-klapje-december"]
    assert [idea.status for idea in meeting.ideas] == ["planned", "not-possible"]
    for text in (meeting.title, meeting.place, meeting.bring, *(i.text for i in meeting.ideas)):
        assert text is not None and set(text) == set(LANGUAGES)
    assert all(idea.reason is not None and set(idea.reason) == set(LANGUAGES) for idea in meeting.ideas)


# -- invitations and RSVPs ---------------------------------------------------------------------------------------------
async def test_participants_are_invited_and_reminded_the_day_before_if_they_might_come(world: World) -> None:
    for name in ("yes", "maybe", "no"):
        joined = await world.join(name)
        assert not [message for message in joined if message.kind == "meeting_invite"]  # not during the first prompt
    invited = await world.advance(timedelta(hours=1))
    invitations = {message.address: message for message in invited if message.kind == "meeting_invite"}
    assert set(invitations) == {"yes", "maybe", "no"}
    invitation = invitations["yes"]
    assert "Buurtavond" in invitation.text and "Buurthuis De Vonk" in invitation.text and "Een hapje" in invitation.text
    assert [data for _label, data in invitation.buttons] == [f"rsvp:buurtavond:{a}" for a in ("yes", "maybe", "no")]

    came = await world.press("yes", "rsvp:buurtavond:yes")
    assert "🙌" in came[0].text
    await world.press("maybe", "rsvp:buurtavond:maybe")
    await world.press("no", "rsvp:buurtavond:no")
    await world.advance(datetime(2026, 12, 9, 17, 59, tzinfo=UTC) - world.clock.now())
    assert [m for m in world.channel.delivered if m.kind == "meeting_reminder"] == []
    reminded = await world.advance(timedelta(minutes=2))  # 9 December, 19:00 in Brussels: the day before
    assert sorted(m.address for m in reminded if m.kind == "meeting_reminder") == ["maybe", "yes"]
    # Nobody is invited twice, however often the bot looks.
    await world.dispatcher.followups.tick(force=True)
    assert len(await world.rows("meeting_invite")) == 3
    # Found by exploratory testing: "maybe" while the evening runs (19:00-21:00) was told it had already taken
    # place; it is taken until the meeting ends.
    await world.advance(datetime(2026, 12, 10, 18, 15, tzinfo=UTC) - world.clock.now())  # 19:15 in Brussels
    during = await world.press("no", "rsvp:buurtavond:maybe")
    assert "⌛" not in during[0].text
    assert await organisers_rsvp(world, "no") == "maybe"
    await world.advance(timedelta(hours=2))
    after = await world.press("no", "rsvp:buurtavond:yes")
    assert after[0].text.startswith("⌛")


async def test_changing_your_mind_cancels_the_reminder(world: World) -> None:
    await world.join("eva")
    await world.press("eva", "rsvp:buurtavond:yes")
    await world.press("eva", "rsvp:buurtavond:no")
    assert [row["status"] for row in await world.rows("meeting_reminder")] == ["cancelled"]
    await world.advance(timedelta(days=10))
    assert not [m for m in world.channel.delivered if m.kind == "meeting_reminder"]


async def test_a_change_and_a_cancellation_are_told_to_everyone_invited(world: World, content: Path) -> None:
    await world.join("fien")
    await world.join("gert", language="ar")
    await world.advance(timedelta(hours=1))  # their invitations go out
    await world.press("fien", "rsvp:buurtavond:yes")
    rewrite_meeting(
        world, content, MEETING.replace("2026-12-10 19:00", "2026-12-11 19:30").replace("Buurthuis De Vonk", "De Kring")
    )
    told = await world.advance(timedelta(minutes=1))
    changes = {m.address: m for m in told if m.kind == "meeting_change"}
    assert set(changes) == {"fien", "gert"}
    assert "vrijdag 11 december 2026" in changes["fien"].text and "De Kring" in changes["fien"].text
    assert "الجمعة" in changes["gert"].text  # Friday, in Arabic
    # What changed is listed as each language writes a list: "de datum en het uur en de plaats", Arabic with و.
    assert "en de plaats" in changes["fien"].text
    assert "، " not in changes["gert"].text.split("\n")[0] and "و" in changes["gert"].text.split("\n")[0]
    assert changes["gert"].buttons  # can they still come? They can answer again
    reminders = await world.rows("meeting_reminder")
    assert [(r["status"], json.loads(r["payload"])["starts"][:16]) for r in reminders] == [
        ("superseded", "2026-12-10T19:00"),
        ("pending", "2026-12-11T19:30"),
    ]

    rewrite_meeting(
        world,
        content,
        MEETING.replace(
            "title:", "cancelled: true\nnote: {nl: De zaal is overstroomd., en: The hall flooded.}\ntitle:"
        ),
    )
    told = await world.advance(timedelta(minutes=1))
    cancelled = {m.address: m.text for m in told if m.kind == "meeting_cancelled"}
    assert set(cancelled) == {"fien", "gert"} and "De zaal is overstroomd." in cancelled["fien"]
    assert [r["status"] for r in await world.rows("meeting_reminder")][-1] == "cancelled"
    later = await world.advance(timedelta(days=12))
    assert not [m for m in later if m.kind in ("meeting_reminder", "meeting_change", "meeting_invite")]


async def test_someone_who_paused_still_hears_of_a_cancellation_before_the_day(world: World, content: Path) -> None:
    """Review finding: a cancellation sent while a participant had paused expired after the grace period, and
    they could turn up to a cancelled meeting. Like an invitation, it now waits for them until the day."""
    await world.join("kato")
    await world.join("lore")
    await world.advance(timedelta(minutes=1))
    await world.press("kato", "rsvp:buurtavond:yes")
    await world.press("lore", "rsvp:buurtavond:yes")
    await world.send("kato", events.Command("pause"))
    rewrite_meeting(world, content, MEETING.replace("title:", "cancelled: true\ntitle:"))
    told = await world.advance(timedelta(minutes=1))
    assert [m.address for m in told if m.kind == "meeting_cancelled"] == ["lore"]
    await world.advance(timedelta(days=2))  # well past the grace period
    resumed = await world.send("kato", events.Command("resume"))
    resumed += await world.advance(timedelta(minutes=1))
    assert [m.kind for m in resumed].count("meeting_cancelled") == 1


async def test_news_of_a_meeting_goes_only_to_who_was_invited_already(world: World, content: Path) -> None:
    """Review finding: with `invite: 5d`, people whose invitation had not gone out yet got "Something changed"
    about a meeting they never heard of, and the invitation kept its old moment (after the change notice, or,
    for a meeting moved earlier, after the meeting itself)."""
    rewrite_meeting(world, content, MEETING.replace("duration: 2h", "duration: 2h\ninvite: 5d"))
    await world.join("mila")
    await world.advance(timedelta(minutes=1))
    assert [row["status"] for row in await world.rows("meeting_invite")] == ["pending"]
    moved = MEETING.replace("duration: 2h", "duration: 2h\ninvite: 5d").replace("2026-12-10 19:00", "2026-12-08 19:00")
    rewrite_meeting(world, content, moved)
    told = await world.advance(timedelta(minutes=1))
    assert not [m for m in told if m.kind == "meeting_change"]
    invitation = (await world.rows("meeting_invite"))[0]
    assert invitation["status"] == "pending" and invitation["due_at"].startswith("2026-12-03T18:00")
    rewrite_meeting(world, content, moved.replace("title:", "cancelled: true\ntitle:"))
    told = await world.advance(timedelta(minutes=1))
    assert not [m for m in told if m.kind == "meeting_cancelled"]
    assert [row["status"] for row in await world.rows("meeting_invite")] == ["cancelled"]


# -- "you said, we did" ------------------------------------------------------------------------------------------------
async def test_idea_news_reaches_who_answered_its_theme_in_their_language_after_the_meeting(world: World) -> None:
    await world.join("hanne")
    await world.join("ilyas", language="ar")
    await world.join("jan")
    await world.press("hanne", "a:proef:vervoer:fiets")
    await world.press("ilyas", "a:proef:vervoer:auto")  # jan did not answer about mobility
    assert (await world.send("hanne", events.Command("ideas")))[0].text.count("fietsenstalling") == 0  # not yet
    news = await world.advance(datetime(2026, 12, 10, 20, 1, tzinfo=UTC) - world.clock.now())  # 21:01 local
    updates = {m.address: m.text for m in news if m.kind == "idea_update"}
    assert set(updates) == {"hanne", "ilyas"}
    assert "Een fietsenstalling" in updates["hanne"] and "Buurtavond" in updates["hanne"]
    assert "موقف للدراجات" in updates["ilyas"] and "أمسية الحي" in updates["ilyas"]
    assert "Avondlessen" not in updates["hanne"]  # about work: nobody answered that yet
    listed = (await world.send("jan", events.Command("ideas")))[0].text
    assert "Een fietsenstalling" in listed and "Avondlessen Nederlands" in listed


async def test_organisers_change_a_status_with_idea_and_everyone_concerned_hears_it(
    world: World, content: Path
) -> None:
    now = world.clock.now()
    await world.store.write(organisers.set_organiser, "terminal", "org", True, "test", now)
    await world.join("kim")
    await world.press("kim", "a:proef:vervoer:fiets")
    await world.advance(datetime(2026, 12, 11, 9, 0, tzinfo=UTC) - world.clock.now())  # after the meeting

    refused = await world.send("kim", events.Command("idea", "fietsenstalling done"))  # not an organiser
    assert "/help" in refused[0].text or "commando" in refused[0].text.lower() or "command" in refused[0].text
    missing = await world.send("org", events.Command("idea", "fietsenstalling not-possible"), organiser=True)
    assert "❓" in missing[0].text

    done = await world.send(
        "org", events.Command("idea", "fietsenstalling done Staat er sinds maandag!"), organiser=True
    )
    assert "✅" in done[0].text and "1" in done[0].text
    [update] = [m for m in world.channel.to("kim") if m.kind == "idea_update" and "✅" in m.text]
    assert "Staat er sinds maandag!" in update.text

    added = await world.send(
        "org", events.Command("idea", "add buurtavond mobility Meer bussen 's avonds"), organiser=True
    )
    assert "idee-3" in added[0].text
    assert any("Meer bussen" in m.text for m in world.channel.to("kim") if m.kind == "idea_update")

    # Reloading the file (which still says `planned`) does not undo the organiser's change.
    assert world.dispatcher.reload_content().ok
    await world.advance(timedelta(minutes=1))
    assert (await select(world.store, "SELECT status FROM ideas WHERE id = 'fietsenstalling'"))[0][0] == "done"
    history = (await world.send("org", events.Command("idea", "fietsenstalling"), organiser=True))[0].text
    assert "gepland" in history and "gedaan" in history and "(CET)" in history  # in words, in city time
    assert "thema: Mobiliteit" in history


async def test_an_idea_without_news_for_six_weeks_is_flagged_to_organisers_once(world: World) -> None:
    await world.store.write(organisers.set_organiser, "terminal", "org", True, "test", world.clock.now())
    await world.send("org", events.Command("start"))
    await world.advance(timedelta(weeks=5))
    assert not [m for m in world.channel.to("org") if "⏳" in m.text]
    await world.advance(timedelta(weeks=1, days=1))
    flags = [m for m in world.channel.to("org") if "⏳" in m.text]
    assert len(flags) == 2  # both ideas, each once
    assert any("avondles" in m.text for m in flags)
    await world.advance(timedelta(days=3))
    assert len([m for m in world.channel.to("org") if "⏳" in m.text]) == 2


# -- the simulator -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "bike", "expect"),
    [
        (
            "Nederlands",
            "Fiets",
            {"invite": "Buurtavond", "news": "Een fietsenstalling", "place": "Buurthuis De Vonk", "come": "Ik kom"},
        ),
        (
            "العربية",
            "دراجة",
            {"invite": "أمسية الحي", "news": "موقف للدراجات", "place": "المركز المجتمعي De Vonk", "come": "سآتي"},
        ),
    ],
)
async def test_a_round_with_a_meeting_and_feedback_rehearsed_in_the_simulator(
    settings: Settings, content: Path, language: str, bike: str, expect: dict[str, str]
) -> None:
    script = [
        "/start",
        language,
        "1",  # I agree
        "2",  # new in the city
        bike,  # the first question's button, by its label
        "hello",  # too early for the next question, which comes in two days
        ":time +2d",  # the invitation (an hour after joining), then the next question
        expect["come"],  # the invitation's button by its label: "1" is the next question's skip button now
        "Een cursus 's avonds",
        ":time +12d",
        "/ideas",
        ":quit",
    ]
    out = io.StringIO()
    simulator = Simulator(with_content(settings, content), "amina", out, ManualClock(START))
    assert await simulator.run(io.StringIO("\n".join(script) + "\n"), interactive=False) == 0
    output = out.getvalue()
    replies = {line: part for line, _sep, part in (chunk.partition("\n") for chunk in output.split("you> "))}
    assert "⏰" in replies[bike] and "⏰" in replies["hello"]  # when the next question comes
    invitation = replies[":time +2d"]
    assert expect["invite"] in invitation and expect["place"] in invitation and "[1] ✅" in invitation
    assert "📬" in invitation and invitation.index(expect["invite"]) < invitation.index("📬")  # in order
    assert "🙌" in replies[expect["come"]]  # see you there
    assert "🔔" in replies[":time +12d"] and expect["news"] in replies[":time +12d"]
    assert replies[":time +12d"].index("🔔") < replies[":time +12d"].index(expect["news"])  # reminder, then news
    assert expect["news"] in replies["/ideas"]
    with sqlite3.connect(settings.db) as connection:
        stored = connection.execute("SELECT prompt_id, value FROM answers ORDER BY id").fetchall()
    assert [prompt for prompt, _value in stored] == ["vervoer", "werk"]
