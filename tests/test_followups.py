"""Follow-ups that never get lost: prompts over time, quiet hours through a change of clocks, pause and resume,
the minority round, restarts, and what the Bot API answers (429, 5xx, 403) when sending at scale.

Why: between two meetings the bot keeps the conversation going by itself. A delayed prompt that is forgotten, a
reminder at three in the morning, a flood of stale messages after a pause, or a follow-up sent twice after a restart
all cost the trust of the people the city wants to hear.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from telegram.ext import ExtBot

from bot.clock import ManualClock
from bot.config import ConfigError, QuietHours, Settings, load_settings
from bot.content import load_library
from bot.engine import events, pacing
from bot.i18n import LANGUAGES
from bot.store import Store
from bot.telegram.app import LiveBot
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.followups import START, World, content, with_content, world

__all__ = ["content", "world"]  # fixtures, shared from tests/support/followups.py

BRUSSELS = ZoneInfo("Europe/Brussels")


# -- content -----------------------------------------------------------------------------------------------------------
def test_timing_and_minority_settings_are_checked_with_their_line(tmp_path: Path) -> None:
    bad = """\
id: fout
kind: round
title: {nl: Fout}
pacing: {at: 2026-12-01 10:00}
prompts:
  - id: een
    type: text
    text: {nl: "Een?"}
    minority: {min_answers: 5, share: 0.2}
  - id: twee
    type: text
    text: {nl: "Twee?"}
    when: {after_answer: 2d, cron: "0 10 * * mon"}
"""
    (tmp_path / "fout.yaml").write_text(bad, encoding="utf-8")
    (tmp_path / "cron.yaml").write_text(
        bad.replace("id: fout", "id: cron").replace('{after_answer: 2d, cron: "0 10 * * mon"}', '{cron: "99 * * *"}'),
        encoding="utf-8",
    )
    problems = [str(problem) for problem in load_library(tmp_path, tuple(LANGUAGES)).problems]
    assert any(p.startswith(str(tmp_path / "fout.yaml") + ":13:") and "exactly one of" in p for p in problems)
    assert any(p.startswith(str(tmp_path / "cron.yaml") + ":13:") and "not a cron rule" in p for p in problems)
    (tmp_path / "cron.yaml").unlink()
    (tmp_path / "fout.yaml").write_text(bad.replace(', cron: "0 10 * * mon"', ""), encoding="utf-8")
    problems = [str(problem) for problem in load_library(tmp_path, tuple(LANGUAGES)).problems]
    assert any(":4:" in p and "one date for every prompt" in p for p in problems)
    assert any(":9:" in p and "needs a choice or scale prompt" in p for p in problems)


def test_the_sample_round_has_timing_reminders_and_a_minority_round(library: object) -> None:
    round_ = load_library(Path(__file__).parent.parent / "conversations", tuple(LANGUAGES)).rounds["leven-in-onze-stad"]
    assert (round_.reminders.after, round_.reminders.count) == ("3d", 2)
    assert round_.pacing is not None and round_.pacing.after_answer == "0"
    vervoer = round_.prompt("vervoer")
    assert vervoer is not None and vervoer.minority is not None and vervoer.minority.share == 0.25


# -- prompts over time -------------------------------------------------------------------------------------------------
async def test_a_delayed_prompt_is_announced_scheduled_and_sent_when_due(world: World) -> None:
    await world.join("amina")
    confirmation = await world.press("amina", "a:proef:vervoer:fiets")
    text = confirmation[0].text
    assert "bewaard" in text or "saved" in text
    assert "Thursday, December 3, 2026" in text or "donderdag 3 december 2026" in text  # two days later, 09:00
    state = await world.store.load_participant("terminal", "amina")
    assert state is not None and state.prompt == "werk" and pacing.waiting_until(state, START) is not None
    [row] = await world.rows("next_prompt")
    assert row["status"] == "pending" and row["scheduled"] == 1
    assert datetime.fromisoformat(row["due_at"].replace("Z", "+00:00")) == START + timedelta(days=2)

    # Writing before it is due is not an answer to a question they have not seen.
    early = await world.send("amina", "Een cursus")
    assert "werk" not in json.dumps([a for a in await _answers(world)])
    assert "⏰" in early[0].text

    sent = await world.advance(timedelta(days=2))
    # The invitation to the meeting came an hour after joining, so it did not interrupt the first questions.
    assert [message.kind for message in sent] == ["meeting_invite", "next_prompt"]
    assert "Wat helpt je aan werk?" in sent[1].text
    await world.send("amina", "Een cursus Nederlands 's avonds")
    assert [answer[0] for answer in await _answers(world)] == ["vervoer", "werk"]
    rows = await world.rows("next_prompt")
    assert [(json.loads(r["payload"])["prompt"], r["status"]) for r in rows] == [("werk", "sent"), ("buurt", "pending")]


async def test_a_cron_prompt_comes_at_the_next_fire_and_fixed_dates_skip_the_backlog(world: World) -> None:
    await world.join("bram")
    await world.press("bram", "a:proef:vervoer:auto")
    await world.advance(timedelta(days=2))
    reply = await world.send("bram", "Een rijbewijs")
    # Next Monday 10:00 in Brussels: 7 December 2026, 09:00 UTC.
    [cron_row] = [r for r in await world.rows("next_prompt") if r["status"] == "pending"]
    assert cron_row["due_at"].startswith("2026-12-07T09:00:00")
    assert "maandag 7 december 2026" in reply[0].text or "Monday, December 7, 2026" in reply[0].text

    # Someone who joins after the round's last dated prompt was released starts there, not with the backlog.
    world.clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=UTC))
    first = await world.join("late")
    assert "Nog iets?" in first[-1].text and "Hoe verplaats" not in first[-1].text


def test_cron_fires_at_ten_local_time_on_both_sides_of_a_change_of_clocks() -> None:
    spring = pacing.next_fire("0 10 * * *", datetime(2026, 3, 27, 12, 0, tzinfo=UTC), BRUSSELS)
    after_spring = pacing.next_fire("0 10 * * *", spring + timedelta(minutes=1), BRUSSELS)
    assert (spring.astimezone(UTC).hour, after_spring.astimezone(UTC).hour) == (9, 8)  # CET, then CEST
    autumn = pacing.next_fire("0 10 * * *", datetime(2026, 10, 23, 12, 0, tzinfo=UTC), BRUSSELS)
    after_autumn = pacing.next_fire("0 10 * * *", autumn + timedelta(minutes=1), BRUSSELS)
    assert (autumn.astimezone(UTC).hour, after_autumn.astimezone(UTC).hour) == (8, 9)
    assert {moment.astimezone(BRUSSELS).hour for moment in (spring, after_spring, autumn, after_autumn)} == {10}


def test_a_gap_in_days_keeps_the_hour_of_the_city_across_a_change_of_clocks() -> None:
    """Review finding: "2d" was added in UTC, so an answer on Friday 27 March 2026 at 20:30 gave Sunday 21:30
    summer time, inside quiet hours: the prompt waited until Monday morning."""
    friday_evening = datetime(2026, 3, 27, 19, 30, tzinfo=UTC)  # 20:30 CET
    sunday = pacing.later(friday_evening, timedelta(days=2), BRUSSELS)
    assert sunday.astimezone(BRUSSELS).hour == 20 and sunday.astimezone(BRUSSELS).minute == 30
    october = pacing.later(datetime(2026, 10, 23, 18, 30, tzinfo=UTC), timedelta(days=2), BRUSSELS)
    assert october.astimezone(BRUSSELS).hour == 20
    # A gap in hours is real time: three hours stay three hours across the change.
    saturday_night = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert pacing.later(saturday_night, timedelta(hours=3), BRUSSELS) - saturday_night == timedelta(hours=3)


# -- quiet hours -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("evening", "morning_utc"),
    [
        # Saturday 28 March 2026 22:00 CET; the clocks go forward that night: 09:00 CEST is 07:00 UTC.
        (datetime(2026, 3, 28, 21, 0, tzinfo=UTC), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # Saturday 24 October 2026 22:00 CEST; the clocks go back that night: 09:00 CET is 08:00 UTC.
        (datetime(2026, 10, 24, 20, 0, tzinfo=UTC), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
    ],
)
async def test_quiet_hours_hold_a_follow_up_across_midnight_and_a_change_of_clocks(
    settings: Settings, content: Path, evening: datetime, morning_utc: datetime
) -> None:
    quiet = QuietHours(time(21), time(9))
    assert quiet.contains(time(23, 30)) and quiet.contains(time(0, 30)) and quiet.contains(time(8, 59))
    assert not quiet.contains(time(9, 0)) and not quiet.contains(time(20, 59))
    clock = ManualClock(evening - timedelta(hours=12))
    # A one-hour grace: the night it was rightly held back by does not count as being late.
    local = with_content(settings, content, quiet_hours=quiet, grace_hours=1)
    world = await World.open(local, clock)
    try:
        await world.join("chris")
        await world.press("chris", "a:proef:vervoer:fiets")
        await world.advance(timedelta(days=2))
        await world.send("chris", "werk")
        # Make the reminder of the next prompt due at 22:00 local time, in the quiet hours.
        async with world.store.transaction() as db:
            await db.execute(
                "UPDATE outbox SET due_at = ? WHERE kind = 'reminder' AND status = 'pending'",
                (evening.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),),
            )
        assert world.sender.not_quiet_from(evening) == morning_utc
        clock.set(evening + timedelta(minutes=1))
        assert await world.sender.flush() == 0  # replies would go; a follow-up waits
        clock.set(morning_utc - timedelta(minutes=1))
        assert await world.sender.flush() == 0
        clock.set(morning_utc + timedelta(minutes=5))
        assert await world.sender.flush() == 1
        [reminder] = [row for row in await world.rows("reminder") if row["status"] == "sent"]
        sent_local = datetime.fromisoformat(reminder["sent_at"].replace("Z", "+00:00")).astimezone(BRUSSELS)
        assert (sent_local.hour, sent_local.minute) == (9, 5)
    finally:
        await world.close()


# -- pause and resume --------------------------------------------------------------------------------------------------
async def test_pause_holds_follow_ups_and_resume_shows_the_current_prompt_without_a_flood(world: World) -> None:
    await world.join("dina")
    await world.press("dina", "a:proef:vervoer:fiets")  # werk comes in two days
    await world.send("dina", events.Command("pause"))
    held = await world.advance(timedelta(days=6))
    assert held == []  # the prompt, its reminder: all held
    resumed = await world.send("dina", events.Command("resume"))
    # The current question, and the invitation to the meeting still to come; not the stale question or reminder.
    assert [message.kind for message in resumed] == ["prompt", "meeting_invite"]
    assert "Wat helpt je aan werk?" in resumed[0].text
    assert await world.advance(timedelta(minutes=5)) == []  # the held prompt was not sent a second time
    statuses = {(row["kind"], row["status"]) for row in await world.rows()}
    assert ("next_prompt", "cancelled") in statuses


async def test_after_a_long_stop_stale_follow_ups_expire_but_the_waiting_question_comes(world: World) -> None:
    await world.join("fatima")
    await world.press("fatima", "a:proef:vervoer:fiets")  # werk on 3 December, its reminder on the 4th
    world.clock.set(START + timedelta(days=3, hours=13))  # the bot was down until 13 hours after the reminder
    # The question is still hers however late, and the meeting is still to come; a reminder that late is stale.
    assert await world.sender.flush() == 2
    rows = await world.rows()
    statuses = {row["kind"]: row["status"] for row in rows if row["scheduled"] and row["status"] != "cancelled"}
    assert statuses == {"next_prompt": "sent", "meeting_invite": "sent", "reminder": "expired"}
    assert "Wat helpt je aan werk?" in world.channel.texts("fatima")


def test_the_grace_period_is_a_setting(tmp_path: Path) -> None:
    none = tmp_path / "none.toml"
    assert load_settings({}, toml_path=none).grace == timedelta(hours=12)
    assert load_settings({"SAMENSPRAAK_GRACE_HOURS": "3"}, toml_path=none).grace == timedelta(hours=3)
    with pytest.raises(ConfigError):
        load_settings({"SAMENSPRAAK_GRACE_HOURS": "soon"}, toml_path=none)


# -- the minority round ------------------------------------------------------------------------------------------------
async def test_the_minority_is_asked_once_and_its_answer_is_marked(world: World) -> None:
    names = ["p1", "p2", "p3", "p4", "p5"]
    for name in names:
        await world.join(name)
    for name in names[:3]:
        await world.press(name, "a:proef:vervoer:fiets")
    assert await world.rows("minority") == []  # three answers: not enough to speak of a minority
    await world.press("p4", "a:proef:vervoer:fiets")
    car = await world.press("p5", "a:proef:vervoer:auto")  # 1 of 5 = 20% < 30%
    [question] = [message for message in car if message.kind == "minority"]
    assert "Most people see this differently" in question.text or "De meeste mensen" in question.text
    assert "Auto" in question.text
    assert all(message.kind != "minority" for message in world.channel.delivered if message.address != "p5")

    await world.press("p5", "minority:open:proef:vervoer")  # tied to its own message: its button opens it
    thanks = await world.send("p5", "Ik werk 's nachts, dan rijdt er geen bus.")
    assert "🙏" in thanks[0].text
    stored = await _answers(world)
    stored_text = {"text": "Ik werk 's nachts, dan rijdt er geen bus.", "defends": "auto"}
    assert ("vervoer", "text", stored_text, 1) in stored  # tied to the option it defends
    # Their next text is theirs again: the minority question is answered.
    assert len([row for row in await world.rows("minority")]) == 1
    await world.press("p1", "a:proef:vervoer:auto")  # a stale button; shares stay, nobody is asked twice
    await world.advance(timedelta(minutes=1))
    assert len(await world.rows("minority")) == 1


async def _answers(world: World) -> list[tuple[str, str, dict[str, object], int]]:
    async with world.store.db.execute(
        "SELECT prompt_id, answer_type, value, minority FROM answers ORDER BY id"
    ) as cursor:
        return [(row[0], row[1], json.loads(row[2]), row[3]) for row in await cursor.fetchall()]


# -- the live bot: restarts and what the Bot API answers ---------------------------------------------------------------
USER = 4242


class Live:
    """The real Telegram wiring (python-telegram-bot, the sender, the follow-ups) against the fake Bot API, on a
    clock the test moves; `stop` and `start` again is a restart on the same database."""

    def __init__(self, api: FakeBotAPI, settings: Settings, clock: ManualClock) -> None:
        self.api = api
        self.settings = replace(settings, token=SecretStr(api.token), api_url=api.url)
        self.clock = clock
        self.bot: LiveBot | None = None
        self.store: Store | None = None

    async def start(self) -> LiveBot:
        self.store = await Store.open(self.settings.db)
        self.bot = LiveBot(self.settings, self.store, self.clock)
        application = self.bot.application
        await application.initialize()
        await self.bot.start()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=1, allowed_updates=["message", "my_chat_member"]
        )
        return self.bot

    async def stop(self) -> None:
        assert self.bot is not None and self.store is not None
        application = self.bot.application
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await self.store.close()
        self.bot = None

    async def send(self, event: events.Event | str) -> None:
        assert self.bot is not None
        handled = await self.bot.dispatcher.handle(
            "telegram", str(USER), events.Text(event) if isinstance(event, str) else event
        )
        await self.bot.sender.deliver(list(handled.claimed))  # the replies, already claimed when they were written
        await self.bot.dispatcher.followups.tick(force=True)  # what the follow-up job does within a minute
        await self.bot.flush()

    async def at(self, moment: datetime) -> None:
        """The clock reaches `moment`, and the sender wakes as its job would."""
        assert self.bot is not None
        self.clock.set(moment)
        await self.bot.dispatcher.followups.tick(force=True)
        await self.bot.flush()

    def texts(self) -> list[str]:
        return [call.text or "" for call in self.api.sent if call.method == "sendMessage" and call.chat_id == USER]

    def rows(self, kind: str | None = None) -> list[dict[str, object]]:
        with sqlite3.connect(self.settings.db) as connection:
            connection.row_factory = sqlite3.Row
            rows = [dict(row) for row in connection.execute("SELECT * FROM outbox ORDER BY id")]
        return [row for row in rows if kind is None or row["kind"] == kind]

    def participant(self) -> dict[str, object]:
        with sqlite3.connect(self.settings.db) as connection:
            connection.row_factory = sqlite3.Row
            return dict(connection.execute("SELECT * FROM participants WHERE address = ?", (str(USER),)).fetchone())

    async def join(self) -> None:
        for event in (events.Command("start"), events.Button("lang:nl"), events.Button("consent:yes")):
            await self.send(event)
        await self.send(events.Button("role:resident"))


@pytest.fixture
async def live(settings: Settings, content: Path) -> AsyncIterator[Live]:
    api = FakeBotAPI()
    await api.start()
    running = Live(api, with_content(settings, content), ManualClock(START))
    await running.start()
    try:
        yield running
    finally:
        if running.bot is not None:
            await running.stop()
        await api.stop()


async def test_after_a_restart_each_follow_up_is_sent_once(live: Live) -> None:
    await live.join()
    await live.send(events.Button("a:proef:vervoer:fiets"))  # werk in two days, with a reminder a day later
    await live.at(START + timedelta(hours=1, minutes=1))  # the invitation, an hour after joining
    assert any("Buurtavond" in text and "📅" in text for text in live.texts())
    await live.send(events.Button("rsvp:buurtavond:yes"))  # the meeting reminder on 9 December
    # A message was being sent when the process died: it is repeated once, and nothing else is.
    assert live.bot is not None and live.store is not None
    await live.store.apply(_say(await live.store.load_participant("telegram", str(USER)), "in flight"), START)
    [in_flight] = await live.store.claim_due("telegram", live.clock.now())
    await live.stop()

    await live.start()
    assert live.rows()[in_flight.id - 1]["status"] == "sent"
    await live.at(START + timedelta(days=2, minutes=1))  # werk
    await live.at(START + timedelta(days=3, minutes=1))  # its reminder
    await live.stop()
    await live.start()  # and once more: nothing is repeated
    await live.at(datetime(2026, 12, 9, 18, 1, tzinfo=UTC))  # the day before the meeting
    await live.at(datetime(2026, 12, 10, 21, 1, tzinfo=UTC))  # the meeting is over: what became of the bike idea
    await live.at(datetime(2026, 12, 12, 9, 0, tzinfo=UTC))

    texts = live.texts()
    assert sum("in flight" in text for text in texts) == 1
    assert sum("Wat helpt je aan werk?" in text and "📬" in text for text in texts) == 1
    assert sum("Wat helpt je aan werk?" in text and "🔔" in text for text in texts) == 1
    assert sum("Buurtavond" in text and "🔔" in text for text in texts) == 1
    assert sum("Een fietsenstalling" in text for text in texts) == 1
    assert not any("Avondlessen" in text for text in texts)  # they did not answer a question about work yet
    sent = [row for row in live.rows() if row["status"] == "sent"]
    assert len(sent) == len(texts)


def _say(state: object, text: str) -> object:
    from bot.engine.outgoing import Result

    result = Result(state=state)  # type: ignore[arg-type]
    result.say(text)
    return result


async def test_retry_after_is_honoured_and_the_message_sent_once(live: Live) -> None:
    live.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    await live.send(events.Command("start"))
    [row] = live.rows()
    assert (row["status"], row["attempts"]) == ("pending", 1) and "slow down" in str(row["last_error"])
    assert row["due_at"] == (START + timedelta(seconds=7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    await live.at(START + timedelta(seconds=6))
    assert live.texts() == []
    await live.at(START + timedelta(seconds=7))
    assert len(live.texts()) == 1 and live.rows()[0]["status"] == "sent" and live.rows()[0]["attempts"] == 2


async def test_the_rate_limiter_itself_waits_out_a_retry_after(settings: Settings, content: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    running = Live(api, with_content(settings, content, rate_limit=True), ManualClock(START))
    await running.start()
    try:
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        await running.send(events.Command("start"))
        assert [call.method for call in api.requests].count("sendMessage") == 2  # refused once, then accepted
        [row] = running.rows()
        assert (row["status"], row["attempts"]) == ("sent", 1)
        assert len(running.texts()) == 1
    finally:
        await running.stop()
        await api.stop()


async def test_a_server_error_is_retried_with_growing_waits_and_recorded(live: Live) -> None:
    live.api.fail_next("sendMessage", 500, "Internal Server Error", times=2)
    await live.send(events.Command("start"))
    [row] = live.rows()
    assert (row["attempts"], row["status"]) == (1, "pending") and "Internal Server Error" in str(row["last_error"])
    first_wait = datetime.fromisoformat(str(row["due_at"]).replace("Z", "+00:00")) - START
    await live.at(START + first_wait)
    [row] = live.rows()
    second_wait = datetime.fromisoformat(str(row["due_at"]).replace("Z", "+00:00")) - (START + first_wait)
    assert (row["attempts"], first_wait, second_wait) == (2, timedelta(seconds=5), timedelta(seconds=10))
    await live.at(START + first_wait + second_wait)
    [row] = live.rows()
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 3, None)
    assert len(live.texts()) == 1


async def test_a_block_holds_follow_ups_until_the_participant_comes_back(live: Live) -> None:
    await live.join()
    await live.send(events.Button("a:proef:vervoer:auto"))  # werk in two days
    live.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await live.send(events.Command("help"))
    assert live.participant()["active"] == 0
    assert live.rows()[-1]["status"] == "blocked"  # a reply to them is dropped, not retried for ever
    await live.at(START + timedelta(days=2, hours=1))
    assert not any("Wat helpt je aan werk?" in text for text in live.texts())  # held, not lost
    assert [row["status"] for row in live.rows("next_prompt")] == ["pending"]

    live.api.my_chat_member(USER, "member", old_status="kicked")
    await live.api.wait_for(lambda _sent: live.participant()["active"] == 1)
    await live.at(START + timedelta(days=2, hours=1, minutes=1))
    assert sum("Wat helpt je aan werk?" in text for text in live.texts()) == 1

    live.api.my_chat_member(USER, "kicked")
    await live.api.wait_for(lambda _sent: live.participant()["active"] == 0)


async def test_cannot_initiate_a_conversation_is_not_a_block(live: Live) -> None:
    await live.join()
    live.api.fail_next("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user")
    await live.send(events.Command("help"))
    assert live.rows()[-1]["status"] == "failed"
    assert live.participant()["active"] == 1
    await live.send(events.Command("help"))
    assert live.rows()[-1]["status"] == "sent"


async def test_the_started_bot_looks_for_follow_ups_every_minute(live: Live) -> None:
    assert live.bot is not None and live.bot.application.job_queue is not None
    jobs = [job for job in live.bot.application.job_queue.jobs() if job.callback == live.bot._follow_up]
    assert len(jobs) == 1


async def test_the_rate_limiter_stays_under_thirty_a_second_without_a_single_429(settings: Settings) -> None:
    from bot.telegram.limits import TelegramLimits

    api = FakeBotAPI(rate_limit=True)  # 429 for a 31st message in any one-second window
    await api.start()
    bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=TelegramLimits())
    try:
        async with bot:
            started = asyncio.get_running_loop().time()
            await asyncio.gather(*(bot.send_message(1000 + number, "hallo") for number in range(36)))
            elapsed = asyncio.get_running_loop().time() - started
        assert api.retry_after_sent == 0 and len(api.sent) == 36
        assert elapsed >= 1  # the 31st waited for the first to leave the one-second window
    finally:
        await api.stop()
