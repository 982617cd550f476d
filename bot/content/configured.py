"""The content the settings point at, in every language the bot speaks."""

from __future__ import annotations

from bot.config import Settings
from bot.content.loader import Library, load_library
from bot.i18n import LANGUAGES


def load_content(settings: Settings) -> Library:
    return load_library(settings.conversations, tuple(LANGUAGES))
