"""Content changed under people: someone whose current prompt was removed moves on, never stranded.

Before, a participant whose prompt disappeared in a `/reload` heard "there is no open question" to every message,
`/start` and `/resume`, for days, although prompts remained. Now they move to the next unanswered prompt after
the one that is gone (in the order they knew), or the round's closing when nothing is left. The organiser's
`/reload` moves everyone at once and says how many; anyone the reload missed (a restart with new files, SIGHUP)
is moved by their next message.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.content.model import Prompt, Round
from bot.engine import events, pacing
from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState, Stage, answer_key
from bot.i18n import translator

if TYPE_CHECKING:
    from bot.engine.view import EngineView as Engine


def stranded(engine: Engine, state: ParticipantState) -> bool:
    """On a prompt of a round that no longer has it."""
    if state.stage != Stage.READY or state.prompt is None or state.conversation is None:
        return False
    conversation = engine.library.rounds.get(state.conversation)
    return conversation is not None and conversation.prompt(state.prompt) is None


def next_prompt(conversation: Round, state: ParticipantState, old: Round | None) -> Prompt | None:
    """The first unanswered prompt after the removed one in the order the participant knew, else the first
    unanswered one of the round as it is now; None when every remaining prompt is answered."""

    def open_(prompt: Prompt | None) -> bool:
        return prompt is not None and answer_key(conversation.id, prompt.id) not in state.answered

    if old is not None:
        ids = [prompt.id for prompt in old.prompts]
        if state.prompt in ids:
            for prompt_id in ids[ids.index(state.prompt) + 1 :]:
                candidate = conversation.prompt(prompt_id)
                if open_(candidate):
                    return candidate
    return next((prompt for prompt in conversation.prompts if open_(prompt)), None)


def move_on(
    engine: Engine, state: ParticipantState, now: datetime, old: Round | None = None, *, tell: bool = True
) -> Result:
    """Move a stranded participant to their next prompt (shown at once unless they paused) or the closing."""
    assert state.conversation is not None
    conversation = engine.library.rounds[state.conversation]
    following = next_prompt(conversation, state, old)
    moved = pacing.with_mine(state, waiting=None, held=None)
    result = Result(state=replace(moved, prompt=following.id if following else None), now=now)
    t = translator(state.language or "en")
    if following is None:
        result.say(engine._closing(conversation, t))
    elif state.paused:
        result.state = pacing.with_mine(result.state, held={"conversation": conversation.id, "prompt": following.id})
    elif tell:
        engine.show_current(result, t, "📬 " + t.gettext("Here is your next question."))
    return result


def before_event(engine: Engine, state: ParticipantState, event: events.Event, now: datetime) -> Result | None:
    """For the engine's entry: a stranded participant is moved first. A command then runs as usual (`/start`
    and `/resume` show the new prompt); anything else answered a prompt that is gone, so they see the new one
    instead of having it taken as the answer. None when they are not stranded."""
    if not stranded(engine, state):
        return None
    return move_on(engine, state, now, tell=not isinstance(event, events.Command))
