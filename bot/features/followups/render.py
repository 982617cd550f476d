"""Follow-ups are rendered when they are sent: in the participant's language of that moment, from the content and
the store as they are then. A follow-up that no longer makes sense (the meeting was cancelled or has begun, the
prompt was answered, the RSVP changed to "not this time") renders to None and is cancelled instead of sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.engine import pacing
from bot.engine.outgoing import Outgoing
from bot.features.deep_democracy import feature as deep_democracy
from bot.features.followups import texts
from bot.i18n import translator
from bot.outbox.kinds import MessageKind
from bot.store import OutboxRow
from bot.store import deep_democracy as dd_queries
from bot.store import followups as queries

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher


async def next_prompt(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    state = await dispatcher.store.load_participant(row.channel, row.address)
    return pacing.render_next_prompt(
        dispatcher.engine, state, str(row.payload.get("conversation")), str(row.payload.get("prompt"))
    )


def _upcoming(dispatcher: Dispatcher, row: OutboxRow) -> Any:
    """The row's meeting, if it is still to come and not cancelled."""
    meeting = dispatcher.engine.library.meetings.get(str(row.payload.get("meeting")))
    zone = dispatcher.engine.config.timezone
    if meeting is None or meeting.cancelled or texts.starts(meeting, zone) <= dispatcher.clock.now():
        return None
    return meeting


async def meeting_invite(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    meeting = _upcoming(dispatcher, row)
    if meeting is None:
        return None
    t = translator(row.language)
    zone = dispatcher.engine.config.timezone
    return Outgoing(texts.invitation(t, meeting, zone), texts.rsvp_rows(t, meeting.id), kind=row.kind)


async def meeting_change(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    meeting = _upcoming(dispatcher, row)
    if meeting is None:
        return None
    t = translator(row.language)
    zone = dispatcher.engine.config.timezone
    changed = [str(item) for item in row.payload.get("changed", [])]
    return Outgoing(texts.change_notice(t, meeting, zone, changed), texts.rsvp_rows(t, meeting.id), kind=row.kind)


async def meeting_cancelled(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    meeting = dispatcher.engine.library.meetings.get(str(row.payload.get("meeting")))
    if meeting is None or not meeting.cancelled:
        return None  # taken back before the news went out
    if texts.starts(meeting, dispatcher.engine.config.timezone) <= dispatcher.clock.now():
        return None  # held (a pause, a block) until the day has passed: news of no use any more
    return Outgoing(texts.cancellation(translator(row.language), meeting, dispatcher.engine.config.timezone))


async def meeting_reminder(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    meeting = _upcoming(dispatcher, row)
    if meeting is None:
        return None
    zone = dispatcher.engine.config.timezone
    if row.payload.get("starts") != pacing.iso(texts.starts(meeting, zone)):
        return None  # the date changed: the reminder for the new date replaces this one
    rsvp = await queries.rsvp_of(dispatcher.store, meeting.id, row.participant_id)
    if rsvp not in ("yes", "maybe"):
        return None
    t = translator(row.language)
    return Outgoing(texts.meeting_reminder(t, meeting, zone, rsvp), texts.rsvp_rows(t, meeting.id), kind=row.kind)


async def idea_update(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    idea = await queries.idea(dispatcher.store, str(row.payload.get("idea")))
    if idea is None:
        return None
    meeting = dispatcher.engine.library.meetings.get(idea["meeting"] or "")
    text = texts.idea_update(
        translator(row.language), idea["text"], str(row.payload.get("status")), row.payload.get("reason"), meeting
    )
    return Outgoing(text, kind=row.kind)


async def _still_asked(dispatcher: Dispatcher, row: OutboxRow, kind: str) -> tuple[Any, Any] | None:
    """The round and prompt of a Deep Democracy question, while the participant's mark still says `asked`."""
    conversation = dispatcher.engine.library.rounds.get(str(row.payload.get("conversation")))
    prompt = conversation.prompt(str(row.payload.get("prompt"))) if conversation else None
    if conversation is None or prompt is None or row.participant_id is None:
        return None
    if await queries.mark_of(dispatcher.store, row.participant_id, kind, f"{conversation.id}:{prompt.id}") != "asked":
        return None
    return conversation, prompt


async def minority(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    found = await _still_asked(dispatcher, row, "minority")
    if found is None:
        return None
    conversation, prompt = found
    t = translator(row.language)
    chosen = texts.chosen_label(t, prompt, str(row.payload.get("option")))
    text = deep_democracy.minority_question(t, prompt, chosen)
    return Outgoing(text, deep_democracy.answer_rows(t, "open", conversation.id, prompt.id), kind=row.kind)


async def majority(dispatcher: Dispatcher, row: OutboxRow) -> Outgoing | None:
    """The majority's turn: the minority's approved words, and what they can take from them."""
    found = await _still_asked(dispatcher, row, "majority")
    if found is None:
        return None
    conversation, prompt = found
    voices = await dd_queries.approved_voices(dispatcher.store, conversation.id, prompt.id)
    if not voices:
        return None
    t = translator(row.language)
    text = deep_democracy.majority_message(t, prompt, voices)
    return Outgoing(text, deep_democracy.answer_rows(t, "take", conversation.id, prompt.id), kind=row.kind)


# Each follow-up kind, how it is rendered at sending and whether it expires (bot/outbox/kinds.py). Those never
# stale while their render still finds them relevant: a prompt that waited for its moment is the participant's
# current prompt however late (expired, they would wait for it forever), and an invitation, a change notice or a
# cancellation matters until the meeting would have begun (their render checks): someone who paused must not turn
# up to a cancelled meeting.
MESSAGES = (
    MessageKind(pacing.NEXT_PROMPT, next_prompt, expires=False),
    MessageKind("meeting_invite", meeting_invite, expires=False),
    MessageKind("meeting_change", meeting_change, expires=False),
    MessageKind("meeting_cancelled", meeting_cancelled, expires=False),
    MessageKind("meeting_reminder", meeting_reminder),
    MessageKind("idea_update", idea_update),
    MessageKind("minority", minority),
    MessageKind("majority", majority),
)
