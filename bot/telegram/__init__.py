"""The Telegram adapter: turns updates into engine events and outbox rows into Bot API calls."""

import os

# PTB 22 warns on every duration it parses unless told to hand out timedeltas; we want those anyway.
os.environ.setdefault("PTB_TIMEDELTA", "true")
