"""When a round's prompts are sent: right after the previous answer (the default), after a delay, a set time after
joining, at a fixed moment, or on a cron rule.

Pure, like the rest of the engine: it only reads the content, the participant's state and `now`. A prompt that is
not due yet becomes the participant's prompt *waiting* until its moment (`features["followups"]["waiting"]`); a
scheduled `next_prompt` outbox row delivers it then, rendered in the participant's language of that moment. Until it
is due, a message from the participant is answered with when the question comes, never taken as its answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.clock import parse_offset
from bot.content.model import Prompt, Round, Timing
from bot.engine.outgoing import Outgoing, Result
from bot.engine.prompts import render_prompt
from bot.engine.state import ParticipantState
from bot.i18n import Translator, pick, translator
from bot.local_dates import clock, full_date

if TYPE_CHECKING:
    from bot.engine.view import EngineView as Engine

FEATURE = "followups"  # this feature's key in ParticipantState.features
NEXT_PROMPT = "next_prompt"  # outbox kind of a prompt sent when it is due


def offset(text: str) -> timedelta:
    return timedelta(0) if text.strip() == "0" else parse_offset(text)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def parse(text: Any) -> datetime | None:
    return datetime.fromisoformat(text) if isinstance(text, str) and text else None


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A moment from a content file: naive means the city's time zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


@cache
def cron_trigger(rule: str, zone: ZoneInfo) -> CronTrigger:
    return CronTrigger.from_crontab(rule, timezone=zone)


def next_fire(rule: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The first moment at or after `now` that the rule fires, in the city's time zone (so 10:00 stays 10:00 across
    a change to or from summer time)."""
    fire: datetime | None = cron_trigger(rule, zone).get_next_fire_time(None, now.astimezone(zone))
    if fire is None:  # a rule that never fires again (a date in the past): do not wait for it
        return now
    return fire


# -- the feature's part of the participant's state ---------------------------------------------------------------------
def mine(state: ParticipantState) -> dict[str, Any]:
    return dict(state.features.get(FEATURE) or {})


def with_mine(state: ParticipantState, **changes: Any) -> ParticipantState:
    """A copy of the state with this feature's values changed; a None value removes the key."""
    values = mine(state)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    features = dict(state.features)
    if values:
        features[FEATURE] = values
    else:
        features.pop(FEATURE, None)
    return replace(state, features=features)


def joined_at(state: ParticipantState, conversation_id: str) -> datetime | None:
    joined = parse((mine(state).get("joined") or {}).get(conversation_id))
    return joined or state.consent_at or state.created_at


def mark_joined(state: ParticipantState, conversation_id: str, now: datetime | None) -> ParticipantState:
    """Remember when the participant joined a round, for prompts timed `after_joining`."""
    joined = dict(mine(state).get("joined") or {})
    if now is None or conversation_id in joined:
        return state
    joined[conversation_id] = iso(now)
    return with_mine(state, joined=joined)


def waiting(state: ParticipantState) -> dict[str, Any] | None:
    """The prompt the participant waits for, if it is still their prompt."""
    mark = mine(state).get("waiting")
    if not isinstance(mark, dict):
        return None
    if mark.get("conversation") != state.conversation or mark.get("prompt") != state.prompt:
        return None
    return mark


def held(state: ParticipantState) -> bool:
    """Their prompt was not shown because they paused: until /resume shows it, it is not theirs to answer."""
    mark = mine(state).get("held")
    return isinstance(mark, dict) and (mark.get("conversation"), mark.get("prompt")) == (
        state.conversation,
        state.prompt,
    )


def waiting_until(state: ParticipantState, now: datetime | None) -> datetime | None:
    """When the participant's prompt is due, if that is still ahead: until then it is not theirs to answer."""
    mark = waiting(state)
    due = parse(mark.get("due")) if mark else None
    if due is None or now is None or due <= now:
        return None
    return due


# -- when ------------------------------------------------------------------------------------------------------------
def timing_of(conversation: Round, prompt: Prompt) -> Timing | None:
    """A prompt's own timing; else the round's pacing, except for the first prompt, which comes on joining."""
    if prompt.when is not None:
        return prompt.when
    if conversation.prompts and conversation.prompts[0].id == prompt.id:
        return None
    return conversation.pacing


def later(moment: datetime, gap: timedelta, zone: ZoneInfo) -> datetime:
    """`moment` plus `gap`; whole days on the city's clocks: "2d" after 20:30 is 20:30 two days on, also across a
    change between summer and winter time (in UTC it would be 19:30 or 21:30, and could fall in quiet hours).
    A gap in hours is real time: "3h" stays three hours."""
    if gap % timedelta(days=1):
        return moment + gap
    return (moment.astimezone(zone) + gap).astimezone(UTC)


def due_at(
    conversation: Round, prompt: Prompt, state: ParticipantState, now: datetime | None, zone: ZoneInfo
) -> datetime | None:
    """When the prompt is due for this participant; None when that is now (or already past)."""
    timing = timing_of(conversation, prompt)
    if timing is None or now is None:
        return None
    if timing.after_answer is not None:
        moment = later(now, offset(timing.after_answer), zone)
    elif timing.after_joining is not None:
        moment = later(joined_at(state, conversation.id) or now, offset(timing.after_joining), zone)
    elif timing.at is not None:
        moment = local(timing.at, zone)
    else:
        assert timing.cron is not None
        moment = next_fire(timing.cron, now, zone)
    return moment if moment > now else None


def current(
    conversation: Round, candidate: Prompt, now: datetime | None, zone: ZoneInfo, answered: frozenset[str]
) -> Prompt:
    """Someone who joins late (or comes back from a pause) gets the current prompt, not the backlog: the latest
    prompt with a fixed moment that has passed, if it comes after `candidate`."""
    if now is None:
        return candidate
    ids = [prompt.id for prompt in conversation.prompts]
    if candidate.id not in ids:
        return candidate
    latest = candidate
    for prompt in conversation.prompts[ids.index(candidate.id) + 1 :]:
        at = prompt.when.at if prompt.when is not None else None
        if at is not None and local(at, zone) <= now and f"{conversation.id}:{prompt.id}" not in answered:
            latest = prompt
    return latest


def release(engine: Engine, moment: datetime) -> datetime:
    """When a scheduled message due at `moment` really goes out: after the quiet hours it falls in."""
    quiet = engine.config.quiet_hours
    if quiet is None:
        return moment
    zone = engine.config.timezone
    local_moment = moment.astimezone(zone)
    if not quiet.contains(local_moment.time()):
        return moment
    return quiet.next_end(local_moment).astimezone(moment.tzinfo)


def when_text(t: Translator, moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """When, in the reader's language: "today at 19:00", "tomorrow at 10:00", "on Thursday 17 December 2026 at 10:00"."""
    shown = moment.astimezone(zone)
    today = now.astimezone(zone).date()
    time = clock(shown, t.locale)
    if shown.date() == today:
        return t.format(t.gettext("today at {time}"), time=time)
    if shown.date() == today + timedelta(days=1):
        return t.format(t.gettext("tomorrow at {time}"), time=time)
    return t.format(t.gettext("on {date} at {time}"), date=full_date(shown.date(), t.locale), time=time)


# -- waiting for a prompt ----------------------------------------------------------------------------------------------
def reminders(conversation: Round, prompt: Prompt, start: datetime, zone: ZoneInfo) -> list[Outgoing]:
    """The prompt's reminders, counted from when it goes out; rendered when sent, cancelled once it is answered."""
    gap = parse_offset(conversation.reminders.after)
    return [
        Outgoing(
            text="",
            kind="reminder",
            scheduled=True,
            due_at=later(start, gap * number, zone),
            data={"conversation": conversation.id, "prompt": prompt.id},
        )
        for number in range(1, conversation.reminders.count + 1)
    ]


def comes_text(engine: Engine, t: Translator, due: datetime, now: datetime, first: bool) -> str:
    when = when_text(t, due, engine.config.timezone, now)
    template = t.gettext("The first question comes {when}.") if first else t.gettext("The next question comes {when}.")
    return "⏰ " + t.format(template, when=when) + " " + t.gettext("I will send it to you then.")


def wait_for(
    engine: Engine,
    result: Result,
    conversation: Round,
    prompt: Prompt,
    due: datetime,
    t: Translator,
    lead: str,
    *,
    first: bool = False,
    announce: bool = True,
) -> None:
    """Make `prompt` the participant's prompt from `due` on: say when, and schedule it with its reminders."""
    assert result.now is not None
    # The moment it really goes out (after quiet hours): until then it is not theirs to answer.
    due = release(engine, due)
    mark = {"conversation": conversation.id, "prompt": prompt.id, "due": iso(due), "first": first}
    result.state = replace(with_mine(result.state, waiting=mark), conversation=conversation.id, prompt=prompt.id)
    parts = [lead] if lead else []
    if announce:
        parts.append(comes_text(engine, t, due, result.now, first))
    if parts:
        result.say("\n\n".join(parts))
    data = {"conversation": conversation.id, "prompt": prompt.id}
    result.messages.append(Outgoing(text="", kind=NEXT_PROMPT, scheduled=True, due_at=due, data=data))
    # Reminders count from when the prompt goes out; the store cancels the earlier prompt's ones.
    result.messages.extend(reminders(conversation, prompt, due, engine.config.timezone))


def show_waiting(engine: Engine, result: Result, t: Translator, lead: str) -> bool:
    """Where the participant is, when their prompt waits for its moment: say when it comes (True), or, once the
    moment has passed (after a pause or a restart), make it their current prompt so it is shown now (False)."""
    state = result.state
    mark = mine(state).get("waiting")
    if not isinstance(mark, dict):
        return False
    if waiting(state) is None:
        result.state = with_mine(state, waiting=None)  # their prompt moved on by other means
        return False
    due = waiting_until(state, result.now)
    if due is not None and result.now is not None:
        text = comes_text(engine, t, due, result.now, bool(mark.get("first")))
        result.say((lead + "\n\n" if lead else "") + text)
        return True
    # The wait is over: show the current prompt now. Clearing the mark keeps its scheduled row from sending it again.
    state = with_mine(state, waiting=None)
    conversation = engine.library.rounds.get(state.conversation or "")
    prompt = conversation.prompt(state.prompt or "") if conversation else None
    if conversation is not None and prompt is not None:
        prompt = current(conversation, prompt, result.now, engine.config.timezone, state.answered)
        state = replace(state, prompt=prompt.id)
    result.state = state
    return False


def render_next_prompt(
    engine: Engine, state: ParticipantState | None, conversation_id: str, prompt_id: str
) -> Outgoing | None:
    """The waiting prompt, when its moment has come; None if it is no longer theirs (answered, shown already, or the
    round changed), so the row is cancelled rather than sent."""
    if state is None:
        return None
    mark = waiting(state)
    if mark is None or mark.get("conversation") != conversation_id or mark.get("prompt") != prompt_id:
        return None
    if f"{conversation_id}:{prompt_id}" in state.answered:
        return None
    conversation = engine.library.rounds.get(conversation_id)
    prompt = conversation.prompt(prompt_id) if conversation else None
    if conversation is None or prompt is None:
        return None
    t = translator(state.language or "en")
    text, buttons = render_prompt(conversation, prompt, t, state.role)
    parts = []
    if mark.get("first"):
        parts.append("📣 " + pick(conversation.title, t.language))
    else:
        parts.append("📬 " + t.gettext("Here is your next question."))
    parts.append(text)
    audio = engine.prompt_audio(conversation, prompt, t.language)
    return Outgoing(text="\n\n".join(parts), buttons=buttons, kind=NEXT_PROMPT, data=audio)
