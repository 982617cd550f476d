"""An organiser button: its data names the action and carries ids only (bot/callback_data.py `Organiser`)."""

from __future__ import annotations

from bot.callback_data import Organiser, encode
from bot.engine.outgoing import ButtonSpec


def button(label: str, action: str, rest: str | int = "") -> ButtonSpec:
    """An organiser button; `encode` refuses data over Telegram's 64 bytes."""
    return ButtonSpec(label, encode(Organiser(action, str(rest))))
