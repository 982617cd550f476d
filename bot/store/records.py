"""Writers for features' own rows (`Result.records`), run inside the event's transaction.

A feature module registers a writer for its record kind at import time; the store calls it with the open
transaction, so a feature's rows commit together with the answer and the outbox rows of the same event.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

# writer(db, participant_id, data, now): plain functions, run in the database thread with the event's other
# statements (one trip for the whole transaction; see bot/store/connection.py).
Writer = Callable[[sqlite3.Connection, int, dict[str, Any], datetime], None]

WRITERS: dict[str, Writer] = {}


def writer(kind: str) -> Callable[[Writer], Writer]:
    def register(function: Writer) -> Writer:
        WRITERS[kind] = function
        return function

    return register
