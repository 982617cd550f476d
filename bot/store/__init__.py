"""Persistence: the store is the one source of truth for everything the bot knows and will send."""

from bot.store import edits, walks  # noqa: F401 - they register their record writers
from bot.store.connection import iso, parse_iso
from bot.store.outbox_rows import OutboxRow
from bot.store.sqlite import Store

__all__ = ["OutboxRow", "Store", "iso", "parse_iso"]
