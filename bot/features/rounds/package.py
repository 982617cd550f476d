"""The round's own message kinds: the wiring's view (bot/features/wiring.py). The round itself is the engine's core."""

from __future__ import annotations

from bot.engine.outgoing import Outgoing
from bot.features.package import Package
from bot.hub import Hub
from bot.outbox.kinds import MessageKind
from bot.store import OutboxRow


async def render_reminder(hub: Hub, row: OutboxRow) -> Outgoing | None:
    """A reminder in the language the participant has when it is sent; None when the prompt is gone."""
    return hub.engine.render_reminder(row.language, row.payload.get("conversation", ""), row.payload.get("prompt", ""))


PACKAGE = Package(messages=(MessageKind("reminder", render_reminder),))
