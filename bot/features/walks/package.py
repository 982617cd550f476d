"""The walks feature as the wiring sees it (bot/features/wiring.py): its engine part, what it loads per event, and
its message and record kinds."""

from __future__ import annotations

from bot.engine.outgoing import Outgoing
from bot.engine.walk_cards import RENDERED_KINDS
from bot.features.package import Package
from bot.features.walks import loader
from bot.features.walks.feature import WalkFeature
from bot.features.walks.render import render_message
from bot.hub import Hub
from bot.outbox.kinds import MessageKind, RecordKind
from bot.store import OutboxRow

FEATURE = WalkFeature()


async def render(hub: Hub, row: OutboxRow) -> Outgoing | None:
    """A group walker's card, end or follow-up, in their language of the moment; None if the walk is gone."""
    return render_message(hub.engine.library, row.kind, row.language, row.payload)


PACKAGE = Package(
    feature=FEATURE,
    load=loader.load,
    messages=tuple(MessageKind(kind, render) for kind in RENDERED_KINDS),
    records=(RecordKind("walk_outbox"),),  # a group walk's cards to every walker
)
