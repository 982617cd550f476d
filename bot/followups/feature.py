"""The follow-ups feature in the engine: RSVP buttons, the Deep Democracy steps (bot/followups/deep_democracy.py),
`/ideas`, and a kind word when someone writes while their next prompt waits for its moment.

Like every feature (bot/engine/features.py) it is pure: what it needs from the store (the ideas of a community, an
open minority question) is loaded by `context` before the engine runs, and what it changes goes back as answers,
records (bot/store/followups.py writers) and outbox messages in the event's one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.callback_data import ButtonData, Rsvp
from bot.engine import events, pacing
from bot.engine.features import BaseFeature
from bot.engine.outgoing import Outgoing, Record, Result
from bot.engine.state import ParticipantState, Stage
from bot.followups import deep_democracy, texts
from bot.i18n import Translator
from bot.store import followups as queries

if TYPE_CHECKING:
    import sqlite3

    from bot.engine.core import Engine

IDEAS = "followups.ideas"
UNSENT = "followups.unsent"  # their next prompt is due but not delivered yet (quiet hours, a restart)


class FollowUpsFeature(BaseFeature):
    name = pacing.FEATURE

    def buttons(self) -> Mapping[str, Any]:
        return {"rsvp": rsvp, "minority": deep_democracy.button}

    def commands(self) -> Mapping[str, Any]:
        return {"ideas": show_ideas}

    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        if isinstance(event, events.Edit):
            return False
        if deep_democracy.take_message(engine, result, event, t):
            return True  # a Deep Democracy step's answer (bot/followups/deep_democracy.py)
        due = pacing.waiting_until(result.state, result.now)
        if due is not None and result.now is not None:
            # Their next prompt is not sent yet: a message now is not its answer. Say when it comes.
            first = bool((pacing.waiting(result.state) or {}).get("first"))
            result.say(pacing.comes_text(engine, t, due, result.now, first))
            return True
        if result.context.get(UNSENT):
            # Due, but still on its way: show it now rather than take this message as the answer to a question
            # they have not seen. Showing it clears the mark, so the scheduled row will not send it again.
            engine.show_current(result, t, "📬 " + t.gettext("Here is your next question."))
            return True
        return False

    def context(self, db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> Mapping[str, Any]:
        if state.id is None or state.stage != Stage.READY:
            return {}
        if isinstance(event, events.Command) and event.name.lower() == "ideas":
            return {IDEAS: queries.ideas(db, state.community, told_only=True)}
        found: dict[str, Any] = dict(deep_democracy.step_context(db, state.id, event))
        if pacing.waiting(state) is not None and not isinstance(event, events.Command | events.Button | events.Edit):
            found[UNSENT] = queries.prompt_on_its_way(db, state.id)
        return found


# -- meetings ----------------------------------------------------------------------------------------------------------
def rsvp(engine: Engine, result: Result, button: ButtonData, t: Translator) -> None:
    """I'll come / maybe / not this time: stored, thanked, and for yes or maybe a reminder the day before."""
    meeting = engine.library.meetings.get(button.meeting) if isinstance(button, Rsvp) else None
    answer = button.answer if isinstance(button, Rsvp) else ""
    zone = engine.config.timezone
    if meeting is None or answer not in texts.RSVP:
        result.refused = "RSVP for an unknown meeting or answer"
        engine.stale(result, t)
        return
    now = result.now
    assert now is not None
    if meeting.cancelled:
        result.say(texts.cancellation(t, meeting, zone))
        return
    if texts.ends(meeting, zone) <= now:  # while it runs, "I'm coming" is still news for the team
        result.say("⌛ " + t.gettext("This meeting has already taken place. Thank you!"))
        return
    result.records.append(Record("rsvp", {"meeting": meeting.id, "rsvp": answer}))
    reminder_at = texts.starts(meeting, zone) - timedelta(days=1)
    remind = answer in ("yes", "maybe") and reminder_at > now
    result.say(texts.rsvp_reply(t, meeting, zone, answer, remind))
    if remind:
        result.messages.append(
            Outgoing(
                text="",
                kind="meeting_reminder",
                scheduled=True,
                due_at=reminder_at,
                data={"meeting": meeting.id, "starts": pacing.iso(texts.starts(meeting, zone))},
            )
        )


# -- ideas -------------------------------------------------------------------------------------------------------------
def show_ideas(engine: Engine, result: Result, command: events.Command, t: Translator) -> None:
    """/ideas: the ideas of the participant's community and what became of them."""
    result.state = replace(result.state, pending=None)
    result.say(texts.ideas_list(t, list(result.context.get(IDEAS, []))))
