"""The writer of a feature's own rows (`Result.records`), run inside the event's transaction.

The store calls the writer its caller hands it for each record kind (`writers`, built from the feature packages in
bot/features/wiring.py), with the open transaction, so a feature's rows commit together with the answer and the
outbox rows of the same event. Nothing registers itself on import: a kind no package declares is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

# writer(db, participant_id, data, now): plain functions, run in the database thread with the event's other
# statements (one trip for the whole transaction; see bot/store/gateway.py).
Writer = Callable[[sqlite3.Connection, int, dict[str, Any], datetime], None]
Writers = Mapping[str, Writer]


class UnknownRecord(LookupError):
    """A record kind no feature package declared: a wiring mistake, refused before anything is written."""
