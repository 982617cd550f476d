"""Participant-facing strings in the participant's own language.

Catalogs are written in `locales/<lang>/LC_MESSAGES/<domain>.po`. An installed package carries them compiled in
`bot/locales/` (setup.py compiles them when the wheel is built); a checkout reads the `.po` files and compiles them
in memory, so an edited catalog is never served stale and nothing is ever written into the install. Adding a
language is adding a catalog (and a line to `LANGUAGES` for its name and direction).
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DOMAIN = "samenspraak"
SOURCE_LANGUAGE = "en"
FALLBACK_LANGUAGES = ("nl", "en")
# A content text missing in a language is read in its closest language before Dutch: Dari readers read Farsi.
CLOSEST_LANGUAGES = {"prs": "fa"}

# Unicode isolates keep a Dutch place name or a number inside an Arabic sentence from reordering its neighbours.
FSI, PDI = "\u2068", "\u2069"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # the language's name in itself, as shown in the chooser
    rtl: bool = False
    babel: str = ""  # Babel locale identifier when it differs from `code`


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("nl", "Nederlands"),
        Language("en", "English"),
        Language("fr", "Français"),
        Language("ar", "العربية", rtl=True),
        Language("tr", "Türkçe"),
        Language("uk", "Українська"),
        Language("ru", "Русский"),
        Language("fa", "فارسی", rtl=True),  # Iranian Persian
        Language("prs", "دری", rtl=True, babel="fa_AF"),  # Dari: Afghan month names, Afghan words
        Language("ps", "پښتو", rtl=True),
        Language("ti", "ትግርኛ"),
        Language("so", "Soomaali"),
    )
}

# Telegram sends IETF tags such as `fa-AF` or `nl-BE`, and a few ISO 639-3 codes; map them to our catalogs.
LANGUAGE_ALIASES = {
    "fa-af": "prs",
    "pbt": "ps",
    "pbu": "ps",
    "pst": "ps",
    "som": "so",
    "tir": "ti",
}


PACKAGED_LOCALES = Path(__file__).resolve().parent / "locales"  # compiled into the wheel by setup.py
SOURCE_LOCALES = Path(__file__).resolve().parent.parent / "locales"  # the .po files of a checkout


def locales_dir() -> Path:
    """Where the catalogs are: `SAMENSPRAAK_LOCALES`, else the installed package's, else the checkout's."""
    configured = os.environ.get("SAMENSPRAAK_LOCALES")
    if configured:
        return Path(configured)
    return PACKAGED_LOCALES if PACKAGED_LOCALES.is_dir() else SOURCE_LOCALES


def has_catalog(language: str, domain: str = DOMAIN) -> bool:
    folder = locales_dir() / language / "LC_MESSAGES"
    return (folder / f"{domain}.mo").is_file() or (folder / f"{domain}.po").is_file()


@cache
def available_languages() -> tuple[str, ...]:
    """Languages that have a participant catalog, in the order of `LANGUAGES` (Dutch first)."""
    return tuple(code for code in LANGUAGES if code == SOURCE_LANGUAGE or has_catalog(code))


def guess_language(language_code: str | None) -> str | None:
    """Turn Telegram's `language_code` into one of our languages, or None so the chooser decides."""
    if not language_code:
        return None
    tag = language_code.strip().lower().replace("_", "-")
    if tag in LANGUAGE_ALIASES:
        tag = LANGUAGE_ALIASES[tag]
    base = LANGUAGE_ALIASES.get(tag.split("-")[0], tag.split("-")[0])
    return base if base in available_languages() else None


def load_translations(language: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """One language's catalog of `domain`: the compiled `.mo` unless its `.po` is newer, else the `.po` compiled in
    memory; no catalog gives the source strings. Read-only: an install folder may not be writable, and a `.mo`
    written at run time would outlive the edit that made it stale."""
    folder = locales_dir() / language / "LC_MESSAGES"
    po_path, mo_path = folder / f"{domain}.po", folder / f"{domain}.mo"
    if mo_path.is_file() and (not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Gettext for one language, with Babel formatting and right-to-left safe interpolation."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self.info = LANGUAGES.get(language, LANGUAGES[SOURCE_LANGUAGE])
        self._translations = translations
        self.locale = Locale.parse(self.info.babel or language)

    @property
    def rtl(self) -> bool:
        return self.info.rtl

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._translations.ngettext(singular, plural, count)

    def isolate(self, value: object) -> str:
        """Wrap an inserted value so that it keeps its own direction inside a right-to-left sentence."""
        text = str(value)
        return f"{FSI}{text}{PDI}" if self.rtl else text

    def format(self, template: str, **values: object) -> str:
        """Fill a translated template, isolating every inserted value for right-to-left languages."""
        return template.format(**{key: self.isolate(value) for key, value in values.items()})

    def join(self, items: Iterable[str]) -> str:
        """A list as the language writes one ("de datum, de plaats en wat mee"; Arabic joins with و, Tigrinya with
        ን), each item kept in its own direction."""
        return format_list([self.isolate(item) for item in items], locale=self.locale)

    def number(self, value: float) -> str:
        """A number as the participant's language writes it (2,3 km in Dutch, 2.3 km in English)."""
        return format_decimal(value, locale=self.locale)

    def date(self, moment: datetime, zone: ZoneInfo, fmt: str = "long") -> str:
        """A day as the participant's language writes it (26 november 2026, 26 ноября 2026 г.)."""
        return babel_format_date(moment.astimezone(zone).date(), fmt, locale=self.locale)

    def datetime(self, moment: datetime, zone: ZoneInfo, fmt: str = "medium") -> str:
        return babel_format_datetime(moment, fmt, tzinfo=zone, locale=self.locale)


@cache
def translator(language: str | None) -> Translator:
    code = language if language in LANGUAGES else SOURCE_LANGUAGE
    return Translator(code, load_translations(code))


def reset_cache() -> None:
    """Forget loaded catalogs (after a catalog was edited, or in tests that write catalogs)."""
    translator.cache_clear()
    available_languages.cache_clear()


def pick(texts: dict[str, str], language: str | None) -> str:
    """A content text in the participant's language, falling back to Dutch, then English, then any."""
    for code in (language, CLOSEST_LANGUAGES.get(language or ""), *FALLBACK_LANGUAGES):
        if code and texts.get(code):
            return texts[code]
    return next(iter(texts.values()), "")
