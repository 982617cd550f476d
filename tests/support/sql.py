"""SQL a test reads its expectations with, run through the store's own gateway (the bot has no raw SQL outside
bot/store; tests check what it stored)."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.interface import Database


def _select(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
    return db.execute(sql, params).fetchall()


async def select(store: Database, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    return await store.read(_select, sql, params)
