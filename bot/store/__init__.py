"""Persistence: the store is the one source of truth for everything the bot knows and will send.

The rest of the bot relies on `Database` (interface.py) and runs the store's functions through it; `Store` is the
SQLite implementation (docs/scaling.md says what another backend would take)."""

from bot.store.connection import iso, parse_iso
from bot.store.interface import Database
from bot.store.outbox_rows import OutboxRow
from bot.store.sqlite import Store

__all__ = ["Database", "OutboxRow", "Store", "iso", "parse_iso"]
