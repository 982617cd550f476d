"""Organiser-facing words in their own gettext domain, `organiser`, so participants' catalogs stay theirs alone.

Strings are marked with `ogettext` / `ongettext` (and `ON_` for strings defined at import time), never with `_` or
`gettext`, so the participant extraction (`pybabel extract -k _ -k gettext ...`) does not pick them up, and the
organiser extraction (`--no-default-keywords -k ogettext -k ongettext:1,2 -k ON_`) picks up only these. The catalogs
are `locales/<lang>/LC_MESSAGES/organiser.po`, Dutch, French and English; any other language falls back to English
(the source language). A `.po` newer than its `.mo` is compiled in memory, as for the participant catalogs.
"""

from __future__ import annotations

import gettext
import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import Translator, locales_dir

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


def _load(path: io.BufferedReader | None) -> gettext.NullTranslations:
    if path is None:
        return gettext.NullTranslations()
    catalog = read_po(path, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def organiser_language(language: str | None) -> str:
    """The organiser catalog for someone who uses `language`: Dutch, French or English."""
    if language in LANGUAGES:
        return language
    return "en" if language else DEFAULT_LANGUAGE


@cache
def organiser_translator(language: str | None = None) -> OrganiserTranslator:
    code = organiser_language(language)
    po_path = locales_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    translations: gettext.NullTranslations
    if mo_path.is_file() and po_path.is_file() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as handle:
            translations = gettext.GNUTranslations(handle)
    elif po_path.is_file():
        with po_path.open("rb") as handle:
            translations = _load(handle)
    else:
        translations = gettext.NullTranslations()
    return OrganiserTranslator(code, translations)
