"""What the follow-ups feature needs for one event (the ideas for /ideas, a prompt on its way, a Deep Democracy
step's mark), read with the participant before the engine runs."""

from __future__ import annotations

import sqlite3

from bot.engine import events, pacing
from bot.engine.state import ParticipantState, Stage
from bot.features.deep_democracy.feature import StepContext, step_of
from bot.features.followups.feature import FollowUpsContext
from bot.store import deep_democracy as steps
from bot.store import followups as queries


def load(db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> FollowUpsContext | None:
    if state.id is None or state.stage != Stage.READY:
        return None
    if isinstance(event, events.Command) and event.name.lower() == "ideas":
        return FollowUpsContext(ideas=tuple(queries.ideas(db, state.community, told_only=True)))
    found = step_of(event)
    step = StepContext()
    if found is not None:
        key, conversation, prompt = found
        step = StepContext(steps.step_mark(db, state.id, key), steps.choice_of(db, state.id, conversation, prompt))
    unsent = pacing.waiting(state) is not None and not isinstance(event, events.Command | events.Button | events.Edit)
    return FollowUpsContext(unsent=unsent and queries.prompt_on_its_way(db, state.id), step=step)
