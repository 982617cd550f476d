"""One registry keyed by kind: how each outbox message is rendered at sending and whether it expires, and which
feature records write messages for other people.

Feature packages declare their kinds (`bot/features/<name>/package.py`); `bot/features/wiring.py` puts them in one
`Kinds`; the dispatcher renders through it and the sender derives its lists from it. Nothing registers itself on
import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.engine.outgoing import Outgoing
from bot.store import OutboxRow

if TYPE_CHECKING:
    from bot.hub import Hub

# Renders a row when it is sent, in the participant's language of that moment; None: it no longer makes sense
# (the meeting was cancelled, the prompt answered) and the row is cancelled instead of sent.
Renderer = Callable[["Hub", OutboxRow], Awaitable[Outgoing | None]]


@dataclass(frozen=True)
class MessageKind:
    name: str
    render: Renderer | None = None  # None: the row's payload is sent as it was written
    # A scheduled message later than the sender's grace is dropped, except the kinds whose renderer decides
    # whether they still matter (a prompt that waited for its moment, a meeting invitation until it begins).
    expires: bool = True


@dataclass(frozen=True)
class RecordKind:
    """A feature's record (`Result.records`) whose writer puts messages in the outbox for someone else (a group
    walk's cards to its walkers): the live bot wakes its sender for it, as it does for scheduled messages."""

    name: str
    to_others: bool = True


@dataclass(frozen=True)
class Kinds:
    messages: Mapping[str, MessageKind] = field(default_factory=dict)
    records: Mapping[str, RecordKind] = field(default_factory=dict)

    @classmethod
    def of(cls, messages: Iterable[MessageKind], records: Iterable[RecordKind] = ()) -> Kinds:
        found: dict[str, MessageKind] = {}
        for kind in messages:
            if kind.name in found:
                raise ValueError(f"message kind {kind.name!r} declared twice")
            found[kind.name] = kind
        return cls(found, {record.name: record for record in records})

    @property
    def rendered(self) -> frozenset[str]:
        return frozenset(name for name, kind in self.messages.items() if kind.render is not None)

    @property
    def never_expire(self) -> frozenset[str]:
        return frozenset(name for name, kind in self.messages.items() if not kind.expires)

    @property
    def sends_to_others(self) -> frozenset[str]:
        return frozenset(name for name, kind in self.records.items() if kind.to_others)

    async def render(self, hub: Hub, row: OutboxRow) -> dict[str, Any] | None:
        """The payload to send: rendered now for a rendered kind, else as written."""
        kind = self.messages.get(row.kind)
        if kind is None or kind.render is None:
            return row.payload
        message = await kind.render(hub, row)
        return message.payload() if message else None
