"""The follow-ups feature in the engine: RSVP buttons, the Deep Democracy steps (bot/features/deep_democracy/feature.py),
`/ideas`, and a kind word when someone writes while their next prompt waits for its moment.

Like every feature (bot/engine/features.py) it is pure: what it needs from the store (the ideas of a community, an
open minority question) is loaded by `context` before the engine runs, and what it changes goes back as answers,
records (bot/store/followups.py writers) and outbox messages in the event's one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.callback_data import ButtonData, Rsvp
from bot.engine import events, pacing
from bot.engine.features import BaseFeature
from bot.engine.outgoing import Outgoing, Record, Result
from bot.features.deep_democracy import feature as deep_democracy
from bot.features.deep_democracy.feature import StepContext
from bot.features.followups import texts
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.engine.core import Engine


@dataclass(frozen=True)
class FollowUpsContext:
    ideas: tuple[dict[str, Any], ...] = ()  # their community's ideas they may hear of, for /ideas
    unsent: bool = False  # their next prompt is due but not delivered yet (quiet hours, a restart)
    step: StepContext = StepContext()  # a Deep Democracy step's button: their mark and own answer


def followups_context(result: Result) -> FollowUpsContext:
    found = result.context.get(pacing.FEATURE)
    return found if isinstance(found, FollowUpsContext) else FollowUpsContext()


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
            return True  # a Deep Democracy step's answer (bot/features/deep_democracy/feature.py)
        due = pacing.waiting_until(result.state, result.now)
        if due is not None and result.now is not None:
            # Their next prompt is not sent yet: a message now is not its answer. Say when it comes.
            first = bool((pacing.waiting(result.state) or {}).get("first"))
            result.say(pacing.comes_text(engine, t, due, result.now, first))
            return True
        if followups_context(result).unsent:
            # Due, but still on its way: show it now rather than take this message as the answer to a question
            # they have not seen. Showing it clears the mark, so the scheduled row will not send it again.
            engine.show_current(result, t, "📬 " + t.gettext("Here is your next question."))
            return True
        return False


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
    result.say(texts.ideas_list(t, list(followups_context(result).ideas)))
