"""Persistence: the store is the one source of truth for everything the bot knows and will send."""

from bot.store import edits  # noqa: F401 - registers its record writer
from bot.store.sqlite import OutboxRow, Store, iso, parse_iso

__all__ = ["OutboxRow", "Store", "iso", "parse_iso"]
