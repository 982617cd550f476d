"""An organiser button: `org:<action>:<rest>`, ids only, 64 bytes at most (Telegram's limit)."""

from __future__ import annotations

from bot.engine.outgoing import ButtonSpec

BUTTON_PREFIX = "org"
MAX_BUTTON_DATA = 64


def button(label: str, action: str, rest: str | int = "") -> ButtonSpec:
    """An organiser button; its data names the action and carries ids only (64 bytes at most)."""
    data = f"{BUTTON_PREFIX}:{action}:{rest}"
    if len(data.encode()) > MAX_BUTTON_DATA:
        raise ValueError(f"button data too long: {data!r}")
    return ButtonSpec(label, data)
