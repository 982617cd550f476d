"""Organiser-facing words in their own gettext domain, `organiser`, so participants' catalogs stay theirs alone.

Strings are marked with `ogettext` / `ongettext` (and `ON_` for strings defined at import time), never with `_` or
`gettext`, so the participant extraction (`pybabel extract -k _ -k gettext ...`) does not pick them up, and the
organiser extraction (`--no-default-keywords -k ogettext -k ongettext:1,2 -k ON_`) picks up only these. The catalogs
are `locales/<lang>/LC_MESSAGES/organiser.po`, Dutch, French and English; any other language falls back to English
(the source language). They are loaded like the participant catalogs (`bot.i18n.load_translations`).
"""

from __future__ import annotations

from functools import cache

from bot.i18n import Translator, load_translations

DOMAIN = "organiser"
LANGUAGES = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"  # city staff in Flanders; an organiser who chose another language gets English


def ON_(message: str) -> str:
    """Mark a string for the organiser catalog where it is defined; it is translated where it is shown."""
    return message


class OrganiserTranslator(Translator):
    """A `Translator` whose gettext methods have their own names, so the two catalogs' extractions never mix."""

    def ogettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ongettext(self, singular: str, plural: str, count: int) -> str:
        return self._translations.ngettext(singular, plural, count)


def organiser_language(language: str | None) -> str:
    """The organiser catalog for someone who uses `language`: Dutch, French or English."""
    if language in LANGUAGES:
        return language
    return "en" if language else DEFAULT_LANGUAGE


@cache
def organiser_translator(language: str | None = None) -> OrganiserTranslator:
    code = organiser_language(language)
    return OrganiserTranslator(code, load_translations(code, DOMAIN))
