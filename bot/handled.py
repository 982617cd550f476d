"""What handling one event gave: the engine's result, the participant as stored, and the replies to hand on."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.store import OutboxRow


@dataclass(frozen=True)
class Handled:
    result: Result
    state: ParticipantState | None  # None when the participant was deleted, or the event was a duplicate
    duplicate: bool = False
    claimed: tuple[OutboxRow, ...] = ()  # the replies it wrote, already claimed: hand them to `Sender.deliver`

    @property
    def wakes_later(self) -> bool:
        """It scheduled something for later, so the live bot's wake-up may need to come sooner. (Records that
        write messages for other people count too: the caller asks `bot.outbox.kinds.Kinds.sends_to_others`.)"""
        return any(message.due_at is not None or message.scheduled for message in self.result.messages)
