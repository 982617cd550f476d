"""Persistence: the store is the one source of truth for everything the bot knows and will send."""

from bot.store import edits, walks  # noqa: F401 - they register their record writers
from bot.store.sqlite import OutboxRow, Store, iso, parse_iso

__all__ = ["OutboxRow", "Store", "iso", "parse_iso"]
