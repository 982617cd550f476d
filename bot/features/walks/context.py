"""What a walk needs from the store for one event: loaded by `loader.py` in the dispatcher's one read of the
participant, handed to the engine as `result.context["walk"]`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.content.walks import Walk
from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.engine.walk_cards import FEATURE
from bot.engine.walk_groups import GroupWalk


@dataclass(frozen=True)
class WalkContext:
    group: GroupWalk | None = None  # the group walk a `wg-` code or button names
    member: dict[str, Any] | None = None  # their membership of an open group walk
    follow_up: dict[str, Any] | None = None  # the walk's follow-up question, once it was sent
    led: GroupWalk | None = None  # the group walk they lead from their private chat
    invitation: str | None = None  # the group walk they asked to join in a group chat before starting the bot


def walk_context(result: Result) -> WalkContext:
    """This event's walk context; empty when the dispatcher loaded none (an engine test, an organiser)."""
    found = result.context.get(FEATURE)
    return found if isinstance(found, WalkContext) else WalkContext()


def bot_username(result: Result) -> str | None:
    """The bot's name for join links, once the live bot knows it (the terminal has none)."""
    found = result.context.get("bot_username")
    return found if isinstance(found, str) else None


def walk_state(state: ParticipantState) -> dict[str, Any]:
    return dict(state.features.get(FEATURE) or {})


def with_walk_state(state: ParticipantState, value: dict[str, Any]) -> ParticipantState:
    features = {key: item for key, item in state.features.items() if key != FEATURE}
    if value:
        features[FEATURE] = value
    return replace(state, features=features)


def touch(result: Result, **changes: Any) -> ParticipantState:
    """Their walk state with these changes, marked with the event's moment (a walk alone idles out)."""
    current = walk_state(result.state)
    current.update(changes)
    if result.now is not None:
        current["at"] = result.now.isoformat()
    return with_walk_state(result.state, current)


class Session(Protocol):
    """What the listing and the location handling need of the walk of the moment (the feature's own session)."""

    @property
    def walk(self) -> Walk: ...

    @property
    def group(self) -> object: ...

    @property
    def phase(self) -> str: ...
